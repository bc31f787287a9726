import { Testing } from 'cdktf';
import {
  ClusterPeering,
  ConsulEdition,
  ExportConsumer,
  IntentionAction,
  IntentionSource,
  MeshGatewayMode,
  UpstreamTarget,
} from '../lib';
import { peeredPair, twoClusters } from './fixtures/topology';

const validate = (stack: Parameters<typeof Testing.synth>[0]) => () => Testing.synth(stack, true);

describe('synth-time validations', () => {
  test('the default topology passes every validation', () => {
    const { stack } = peeredPair();
    expect(validate(stack)).not.toThrow();
  });

  describe('(a) a partition that exports services needs a mesh gateway', () => {
    test('fails when the exporting partition has no gateway', () => {
      const { stack, dc1, dc2 } = twoClusters();
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      const peering = new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      const api = dc2.defaultPartition.addService('Api', { port: 8080 });
      web.connectTo(api, { via: peering, localBindPort: 9191 });
      expect(validate(stack)).toThrow(
        /partition "default" of cluster "dc2" exports \[api\] but has no mesh gateway, so peers cannot reach them; add one with addMeshGateway\(\)/,
      );
    });
  });

  describe('(b) local gateway mode needs a gateway in the importing partition', () => {
    test('fails when the importer has no gateway', () => {
      const { stack, dc1, dc2 } = twoClusters({ peerThroughMeshGateways: false });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      const peering = new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      const api = dc2.defaultPartition.addService('Api', { port: 8080 });
      web.connectTo(api, { via: peering, localBindPort: 9191, meshGatewayMode: MeshGatewayMode.LOCAL });
      expect(validate(stack)).toThrow(
        /upstream "api" of service "web" uses meshGatewayMode LOCAL, but the importing partition "default" has no mesh gateway/,
      );
    });
  });

  describe('(c) mode none is not allowed for peered traffic', () => {
    test('fails on an upstream across a peering', () => {
      const { peering, dc1, dc2 } = peeredPair();
      const other = dc1.defaultPartition.addService('Other', { port: 7070 });
      const api2 = dc2.defaultPartition.addService('Api2', { port: 8081 });
      expect(() => other.connectTo(api2, { via: peering, localBindPort: 9192, meshGatewayMode: MeshGatewayMode.NONE })).toThrow(
        /meshGatewayMode "none" on connection "other" -> "api2" carries peered traffic, where Consul does not allow MeshGatewayMode.NONE .*; use MeshGatewayMode.REMOTE or MeshGatewayMode.LOCAL/,
      );
    });

    test('fails on a cluster whose proxy-defaults mode is none and that peers', () => {
      const { stack, dc1, dc2 } = twoClusters({ meshGatewayMode: MeshGatewayMode.NONE });
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      expect(validate(stack)).toThrow(
        /meshGatewayMode "none" on cluster "dc1" carries peered traffic, where Consul does not allow MeshGatewayMode.NONE/,
      );
    });

    test('fails at once when a connection inherits mode none from its cluster', () => {
      const { stack, dc1, dc2 } = twoClusters({ meshGatewayMode: MeshGatewayMode.NONE });
      const peering = new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      const api = dc2.defaultPartition.addService('Api', { port: 8080 });
      expect(() => web.connectTo(api, { via: peering, localBindPort: 9191 })).toThrow(/meshGatewayMode "none" on connection "web" -> "api" carries peered traffic/);
    });
  });

  describe('(d) Enterprise gateways serve only their own partition', () => {
    test('fails when the exporting partition relies on another partition\'s gateway', () => {
      const { stack, dc1, dc2 } = twoClusters({}, ConsulEdition.ENTERPRISE);
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
      const ap1 = dc2.addPartition('ap1');
      const peering = new ClusterPeering(stack, 'P', { acceptor: ap1, dialer: dc1.defaultPartition });
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      const api = ap1.addService('Api', { port: 8080 });
      web.connectTo(api, { via: peering, localBindPort: 9191 });
      expect(validate(stack)).toThrow(
        /partition "ap1" exports \[api\] but its cluster's mesh gateways are in partition\(s\) \[default\]; .*add a mesh gateway to partition "ap1"/,
      );
    });
  });

  describe('(e) an upstream must name a declared peer', () => {
    test('fails when no peering gives the partition that peer name', () => {
      const { stack, web } = peeredPair();
      web.addUpstream({ target: UpstreamTarget.peerService('dc3', 'billing'), localBindPort: 9300 });
      expect(validate(stack)).toThrow(
        /upstream "billing" of service "web" names destinationPeer "dc3", but no peering in the app gives its partition a peer of that name \(known: \[dc2\]\)/,
      );
    });

    test('fails when connectTo is given a peering between other partitions', () => {
      const { stack, dc1, dc2, web } = peeredPair({}, ConsulEdition.ENTERPRISE);
      const ap1 = dc2.addPartition('ap1');
      ap1.addMeshGateway('Gateway', { lanAddress: '10.12.1.10', wanAddress: '10.10.1.12' });
      const other = new ClusterPeering(stack, 'Other', { acceptor: ap1, dialer: dc1.defaultPartition });
      const api = dc2.defaultPartition.services[0];
      expect(() => web.connectTo(api, { via: other, localBindPort: 9300 })).toThrow(
        /connectTo\(via\) ".*Other" does not connect the caller's partition "default" of cluster "dc1" and the callee's partition "default" of cluster "dc2".*; pass the ClusterPeering between those two partitions/,
      );
    });
  });

  describe('(f) an imported service must be exported to that peer and allowed', () => {
    test('fails when the exporter never exports the service', () => {
      const { stack, web, dc2 } = peeredPair();
      dc2.defaultPartition.addService('Billing', { port: 8090 });
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'billing'), localBindPort: 9300 });
      expect(validate(stack)).toThrow(
        /upstream "billing" of service "web" imports it from peer "dc2", but partition "default" of cluster "dc2" does not export "billing" to "dc1"/,
      );
    });

    test('fails when exported but no intention allows the caller', () => {
      const { stack, web, dc2 } = peeredPair();
      dc2.defaultPartition.addService('Billing', { port: 8090 });
      dc2.defaultPartition.addExport('billing', ExportConsumer.peer('dc1'));
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'billing'), localBindPort: 9300 });
      expect(validate(stack)).toThrow(/no intention in "default" of cluster "dc2" allows "web" from peer "dc1"/);
    });

    test('passes when export and intention are written by hand', () => {
      const { stack, web, dc2 } = peeredPair();
      const billing = dc2.defaultPartition.addService('Billing', { port: 8090 });
      dc2.defaultPartition.addExport('billing', ExportConsumer.peer('dc1'));
      billing.addIntention(IntentionSource.peerService('dc1', 'web'), IntentionAction.ALLOW);
      web.addUpstream({ target: UpstreamTarget.peerService('dc2', 'billing'), localBindPort: 9300 });
      expect(validate(stack)).not.toThrow();
    });
  });

  describe('(g) two partitions peer once', () => {
    test('fails on a second peering between the same partitions', () => {
      const { stack, dc1, dc2 } = peeredPair();
      new ClusterPeering(stack, 'Again', {
        acceptor: dc1.defaultPartition,
        dialer: dc2.defaultPartition,
        acceptorPeerName: 'dc2-again',
        dialerPeerName: 'dc1-again',
      });
      expect(validate(stack)).toThrow(
        /peering between partition "default" of cluster "dc2" and partition "default" of cluster "dc1" is declared twice .*remove one of them/,
      );
    });
  });

  describe("(h) peer names follow Consul's rule, unique within a partition", () => {
    test('fails at once on a peer name Consul would refuse', () => {
      const { stack, dc1, dc2 } = twoClusters();
      expect(
        () => new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, dialerPeerName: 'dc2_east' }),
      ).toThrow('dialerPeerName "dc2_east" is not a peer name Consul accepts; use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "dc2-east"');
    });

    test('fails when one partition uses the same peer name twice', () => {
      const { stack, dc1, dc2 } = twoClusters({}, ConsulEdition.ENTERPRISE);
      const ap1 = dc2.addPartition('ap1');
      new ClusterPeering(stack, 'One', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, dialerPeerName: 'east' });
      new ClusterPeering(stack, 'Two', { acceptor: ap1, dialer: dc1.defaultPartition, dialerPeerName: 'east' });
      expect(validate(stack)).toThrow(
        /partition "default" of cluster "dc1" uses peer name "east" for two peerings .*set dialerPeerName to a different name/,
      );
    });
  });

  describe('(i) local bind ports do not collide within a service', () => {
    test('fails at once on a second upstream with the same local port', () => {
      const { web, dc2, peering } = peeredPair();
      const billing = dc2.defaultPartition.addService('Billing', { port: 8090 });
      expect(() => web.connectTo(billing, { via: peering, localBindPort: 9191 })).toThrow(
        'localBindPort 9191 of upstream "billing" from peer "dc2" on service "web" is already used by upstream "api" (peer "dc2"); give each upstream its own local port',
      );
    });

    test('fails at once when a local port is the service\'s own port', () => {
      const { web, dc2, peering } = peeredPair();
      const billing = dc2.defaultPartition.addService('Billing', { port: 8090 });
      expect(() => web.connectTo(billing, { via: peering, localBindPort: 9090 })).toThrow(
        /localBindPort 9090 of upstream "billing" from peer "dc2" is the service's own port; .*pick another port/,
      );
    });
  });

  describe('(j) Enterprise-only features on a Community cluster', () => {
    test('fails at once on an admin partition', () => {
      const { dc1 } = twoClusters();
      expect(() => dc1.addPartition('ap1')).toThrow(
        'addPartition(id) "ap1" needs Consul Enterprise on cluster "dc1" (admin partitions are an Enterprise feature); set edition: ConsulEdition.ENTERPRISE on the cluster if it runs Enterprise, or remove it',
      );
    });

    test('fails at once on a namespace', () => {
      const { dc1 } = twoClusters();
      expect(() => dc1.defaultPartition.addService('Web', { port: 9090, namespace: 'team-a' })).toThrow(
        /namespace "team-a" needs Consul Enterprise on cluster "dc1" \(namespaces are an Enterprise feature\)/,
      );
    });

    test('fails at once on a sameness-group consumer', () => {
      const { dc1 } = twoClusters();
      expect(() => dc1.defaultPartition.addExport('web', ExportConsumer.samenessGroup('shared'))).toThrow(
        /consumer SamenessGroup "shared" needs Consul Enterprise on cluster "dc1"/,
      );
    });
  });
});
