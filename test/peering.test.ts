import * as peeringL1 from '@cdktf/provider-consul/lib/peering';
import * as peeringTokenL1 from '@cdktf/provider-consul/lib/peering-token';
import { AnnotationMetadataEntryType, Testing, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { ClusterPeering, ConsulCluster, ConsulEdition, ExportConsumer, PeeringAcceptor, PeeringDialer, UpstreamTarget } from '../lib';
import { onlyResource, synthJson } from './fixtures/stack';
import { peeredPair, twoClusters } from './fixtures/topology';

describe('ClusterPeering', () => {
  test('puts the token on the acceptor provider and the peering on the dialer provider, each naming the other', () => {
    const { stack } = peeredPair();
    const json = synthJson(stack);
    const token = onlyResource(json, 'consul_peering_token');
    const peering = onlyResource(json, 'consul_peering');
    expect(token).toMatchObject({ provider: 'consul.dc2', peer_name: 'dc1' });
    expect(peering).toMatchObject({ provider: 'consul.dc1', peer_name: 'dc2' });
    expect(peering.peering_token).toMatch(/^\$\{consul_peering_token\.[A-Za-z0-9_]+\.peering_token\}$/);
  });

  test('makes the token wait for the acceptor\'s mesh entry and the peering for the dialer\'s', () => {
    const { stack, dc1, dc2 } = peeredPair();
    const json = synthJson(stack);
    const meshAddress = (c: ConsulCluster) => `consul_config_entry.${(c.meshConfig!.resource as any).friendlyUniqueId}`;
    expect(onlyResource(json, 'consul_peering_token').depends_on).toEqual([meshAddress(dc2)]);
    expect(onlyResource(json, 'consul_peering').depends_on).toEqual([meshAddress(dc1)]);
  });

  test('answers what each side calls the other', () => {
    const { peering, dc1, dc2 } = peeredPair();
    expect(peering.peerNameIn(dc2.defaultPartition)).toBe('dc1');
    expect(peering.peerNameIn(dc1.defaultPartition)).toBe('dc2');
    expect(peering.remoteOf(dc1.defaultPartition)).toBe(dc2.defaultPartition);
    expect(ClusterPeering.findByPeerName(dc1.defaultPartition, 'dc2')).toBe(peering);
    expect(ClusterPeering.all(peering)).toEqual([peering]);
  });

  test('derives partition-qualified default names and passes partitions on Enterprise', () => {
    const { stack, dc1, dc2 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const ap1 = dc2.addPartition('ap1');
    const peering = new ClusterPeering(stack, 'P', { acceptor: ap1, dialer: dc1.defaultPartition });
    expect(peering.acceptorPeerName).toBe('dc1');
    expect(peering.dialerPeerName).toBe('dc2-ap1');
    const json = synthJson(stack);
    expect(onlyResource(json, 'consul_peering_token').partition).toMatch(/^\$\{consul_admin_partition\./);
    expect(onlyResource(json, 'consul_peering').partition).toBe('default');
  });

  test('keeps the token sensitive: it appears only as a reference', () => {
    const { stack } = peeredPair();
    const text = Testing.synth(stack);
    expect(text).not.toMatch(/"output"/);
    expect(Testing.synth(stack)).toHaveResource(peeringTokenL1.PeeringToken);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(peeringL1.Peering, { peer_name: 'dc2' });
  });

  test('passes server external addresses and meta through', () => {
    const { stack, dc1, dc2 } = twoClusters();
    new ClusterPeering(stack, 'P', {
      acceptor: dc2.defaultPartition,
      dialer: dc1.defaultPartition,
      serverExternalAddresses: ['192.0.2.10:8443'],
      meta: { owner: 'platform' },
    });
    const json = synthJson(stack);
    expect(onlyResource(json, 'consul_peering_token')).toMatchObject({
      server_external_addresses: ['192.0.2.10:8443'],
      meta: { owner: 'platform' },
    });
  });

  test('fails when both sides are in one cluster', () => {
    const { stack, dc1 } = twoClusters({}, ConsulEdition.ENTERPRISE);
    const ap1 = dc1.addPartition('ap1');
    expect(() => new ClusterPeering(stack, 'P', { acceptor: ap1, dialer: dc1.defaultPartition })).toThrow(
      /dialer "default" is in the acceptor\'s own cluster "dc1"; peering connects two different clusters; .*use connectTo\(\) without via/,
    );
  });

  test('peers clusters of two stacks: each resource in its side\'s stack, the token as a sensitive cross-stack reference', () => {
    const app = Testing.app();
    const a = new TerraformStack(app, 'a');
    const b = new TerraformStack(app, 'b');
    const dc1 = new ConsulCluster(a, 'Dc1', { datacenter: 'dc1', address: 'a:1', peerThroughMeshGateways: false });
    const dc2 = new ConsulCluster(b, 'Dc2', { datacenter: 'dc2', address: 'b:1', peerThroughMeshGateways: false });
    const peering = new ClusterPeering(a, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    expect(peering.tokenResource.node.path).toBe('b/Dc2/Partitions/default/Peering-a-P/Token');
    expect(peering.peeringResource.node.path).toBe('a/P/Peering');
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    dc2.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    const api = dc2.defaultPartition.addService('Api', { port: 8080 });
    web.connectTo(api, { via: peering, localBindPort: 9191 });
    app.synth();
    const json = (id: string) => JSON.parse(Testing.synth(app.node.findChild(id) as TerraformStack, true));
    const [sa, sb] = [json('a'), json('b')];
    // b: the token, its sensitive output; the export and intention of api live with dc2.
    expect(Object.keys(sb.resource.consul_peering_token)).toHaveLength(1);
    const outputs = Object.values(sb.output ?? {}) as Array<{ value: string; sensitive?: boolean }>;
    expect(outputs).toEqual([{ value: expect.stringMatching(/^\$\{consul_peering_token\.[\w-]+\.peering_token\}$/), sensitive: true }]);
    expect(sb.resource.consul_config_entry_service_intentions).toBeDefined();
    // a: the peering reads the token from b's state; nothing of dc2 is written here.
    const [peeringResource] = Object.values(sa.resource.consul_peering) as Array<{ peering_token: string; provider: string }>;
    expect(peeringResource.provider).toBe('consul.dc1');
    expect(peeringResource.peering_token).toMatch(/^\$\{data\.terraform_remote_state\.\S+\.outputs\.\S+\}$/);
    expect(sa.resource.consul_peering_token).toBeUndefined();
    expect(sa.provider.consul.map((p: { alias: string }) => p.alias)).toEqual(['dc1']);
  });

  test('fails when asked for the name of a partition that is not a side', () => {
    const { peering, stack } = peeredPair();
    const dc3 = new ConsulCluster(stack, 'Dc3', { datacenter: 'dc3', address: 'c:1' });
    expect(() => peering.peerNameIn(dc3.defaultPartition)).toThrow(/\(partition "default" of cluster "dc3"\) is not a side of this peering/);
  });

  test('warns when a side names the other with its own datacenter (swapped names), and not otherwise', () => {
    const warnings = (p: ClusterPeering) => p.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data);
    const { stack, dc1, dc2 } = twoClusters();
    const swapped = new ClusterPeering(stack, 'Swapped', {
      acceptor: dc2.defaultPartition,
      dialer: dc1.defaultPartition,
      acceptorPeerName: 'dc2',
      dialerPeerName: 'dc1',
    });
    expect(warnings(swapped)).toEqual([
      expect.stringMatching(/^acceptorPeerName "dc2" is the datacenter of the acceptor itself, so partition "default" of cluster "dc2" calls the other cluster by its own name; check that acceptorPeerName and dialerPeerName are not swapped/),
      expect.stringMatching(/^dialerPeerName "dc1" is the datacenter of the dialer itself/),
    ]);
    const { peering } = peeredPair();
    expect(warnings(peering)).toEqual([]);
  });

  test('two apps: PeeringAcceptor writes the token for a sensitive output, PeeringDialer takes it from a sensitive variable', () => {
    // App one: dc2 accepts, and hands the token over through a sensitive output.
    const one = Testing.app();
    const s2 = new TerraformStack(one, 'dc2');
    const dc2 = new ConsulCluster(s2, 'Dc2', { datacenter: 'dc2', address: 'b:1', peerThroughMeshGateways: false });
    const acceptor = new PeeringAcceptor(s2, 'ForDc1', { partition: dc2.defaultPartition, peerName: 'dc1' });
    new TerraformOutput(s2, 'peering_token', { value: acceptor.peeringToken, sensitive: true });
    dc2.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    dc2.defaultPartition.addService('Api', { port: 8080 });
    dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'));
    const j2 = JSON.parse(Testing.synth(s2, true));
    expect(Object.values(j2.resource.consul_peering_token)).toEqual([expect.objectContaining({ peer_name: 'dc1', provider: 'consul.dc2' })]);
    expect(j2.output.peering_token.sensitive).toBe(true);
    expect(acceptor.sides).toEqual([dc2.defaultPartition]);
    expect(acceptor.remoteOf(dc2.defaultPartition)).toBeUndefined();

    // App two: dc1 dials with the token from a sensitive variable; its upstream names the peer.
    const two = Testing.app();
    const s1 = new TerraformStack(two, 'dc1');
    const dc1 = new ConsulCluster(s1, 'Dc1', { datacenter: 'dc1', address: 'a:1', peerThroughMeshGateways: false });
    const token = new TerraformVariable(s1, 'dc2_peering_token', { type: 'string', sensitive: true });
    new PeeringDialer(s1, 'ToDc2', { partition: dc1.defaultPartition, peerName: 'dc2', peeringToken: token.stringValue });
    dc1.defaultPartition.addService('Web', { port: 9090 }).addUpstream({ target: UpstreamTarget.peerService('dc2', 'api'), localBindPort: 9191 });
    const j1 = JSON.parse(Testing.synth(s1, true));
    expect(Object.values(j1.resource.consul_peering)).toEqual([
      expect.objectContaining({ peer_name: 'dc2', peering_token: '${var.dc2_peering_token}', provider: 'consul.dc1' }),
    ]);
    expect(() => new PeeringDialer(s1, 'Literal', { partition: dc1.defaultPartition, peerName: 'dc3', peeringToken: 'eyJ...' })).toThrow(
      /peeringToken is a literal string, which would be written into the synthesized JSON \(a peering token is a secret\); pass a sensitive TerraformVariable's value/,
    );
  });

  test('rotation: raising generation changes the token and the peering (ForceNew meta) and nothing else', () => {
    const build = (generation?: number) => {
      const { stack, dc1, dc2 } = twoClusters();
      dc1.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
      dc2.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.1.2', wanAddress: '192.0.2.3' });
      const peering = new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, generation, meta: { team: 'a' } });
      dc1.defaultPartition.addService('Web', { port: 9090 }).connectTo(dc2.defaultPartition.addService('Api', { port: 8080 }), { via: peering, localBindPort: 9191 });
      return JSON.parse(Testing.synth(stack, true));
    };
    const [g0, g1, g2] = [build(), build(1), build(2)];
    expect(onlyResource(g0, 'consul_peering_token').meta).toEqual({ team: 'a' });
    expect(onlyResource(g1, 'consul_peering_token').meta).toEqual({ team: 'a', 'cdktf-consul-peering-generation': '1' });
    expect(onlyResource(g2, 'consul_peering').meta).toEqual({ team: 'a', 'cdktf-consul-peering-generation': '2' });
    // Every other resource (and every address) is identical.
    const without = (json: any) => {
      const copy = JSON.parse(JSON.stringify(json));
      delete copy['//'];
      for (const type of ['consul_peering_token', 'consul_peering']) for (const r of Object.values(copy.resource[type]) as any[]) delete r.meta;
      return copy;
    };
    expect(without(g1)).toEqual(without(g0));
    expect(Object.keys(g1.resource.consul_peering_token)).toEqual(Object.keys(g0.resource.consul_peering_token));
    const { stack, dc1, dc2 } = twoClusters();
    expect(() => new ClusterPeering(stack, 'Bad', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, generation: -1 })).toThrow(
      /generation -1 is not a non-negative integer; start at 0 and raise it by 1 for every rotation/,
    );
    expect(
      () => new ClusterPeering(stack, 'Meta', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition, meta: { 'cdktf-consul-peering-generation': '3' } }),
    ).toThrow(/meta "cdktf-consul-peering-generation" is a key the library writes for rotation; set generation instead/);
  });
});
