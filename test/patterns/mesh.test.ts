/*
 * ConsulMesh, the declarative mesh L3: (a) it writes what the equivalent hand-written L2 program writes,
 * byte for byte; (b) adding a service, a cluster, a partition, a call or a gateway moves no existing
 * resource address, IP address or port; (c) any order of its arrays gives byte-identical JSON (fast-check,
 * fixed seed); (d) every validation's message.
 */
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  ClusterDataPlane,
  ClusterPeering,
  ConsulCluster,
  ConsulEdition,
  ConsulMesh,
  ConsulMeshProps,
  DockerHost,
  MeshAddressPlan,
  MeshCallSpec,
  MeshClusterSpec,
  MeshGatewayMode,
  MeshServiceRef,
  MeshServiceSpec,
  PeeringLabServers,
  ServiceProtocol,
  ValidationError,
} from '../../lib';
import { forgettingTokens, withCheapTokenStackTraces } from '../properties/topology-generator';
import { validationErrorOf } from '../fixtures/errors';

const newStack = (): TerraformStack => new TerraformStack(Testing.app(), 'test');

/** The mesh under the id `Default` (left out of every Terraform address), synthesized with validations on. */
function synthMesh(props: ConsulMeshProps): string {
  const stack = newStack();
  new ConsulMesh(stack, 'Default', props);
  return Testing.synth(stack, true);
}

const APP = { image: 'nginx:1.27-alpine', healthCheck: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/'] };
const ref = (datacenter: string, serviceName: string, more: Partial<MeshServiceRef> = {}): MeshServiceRef => ({ datacenter, serviceName, ...more });
const call = (caller: MeshServiceRef, callee: MeshServiceRef, more: Partial<MeshCallSpec> = {}): MeshCallSpec => ({ caller, callee, ...more });

// ---------------------------------------------------------------------------------------------------------
// (a) the same JSON as the hand-written L2 program
// ---------------------------------------------------------------------------------------------------------

/**
 * Control plane only (gateway addresses pinned), three clusters: dc1 Enterprise with a second partition
 * (an HA pair of gateways, a namespace), dc2 in local mode, dc3. Calls: local across namespaces,
 * partition-to-partition, two peerings derived from calls (one of them from a non-default partition) and
 * one declared with its own direction and names.
 */
const CONTROL_PLANE: ConsulMeshProps = {
  clusters: [
    {
      datacenter: 'dc1',
      address: 'consul.dc1:8500',
      edition: ConsulEdition.ENTERPRISE,
      partitions: [
        { partitionName: 'default', gatewayAddresses: [{ lanAddress: '10.1.0.10', wanAddress: '192.0.2.10' }] },
        {
          partitionName: 'frontend',
          gatewayCount: 2,
          gatewayAddresses: [
            { lanAddress: '10.1.1.10', wanAddress: '192.0.2.11' },
            { lanAddress: '10.1.1.11', wanAddress: '192.0.2.12' },
          ],
          namespaces: ['store'],
        },
      ],
    },
    {
      datacenter: 'dc2',
      address: 'consul.dc2:8500',
      meshGatewayMode: MeshGatewayMode.LOCAL,
      partitions: [{ partitionName: 'default', gatewayAddresses: [{ lanAddress: '10.2.0.10', wanAddress: '192.0.2.20' }] }],
    },
    { datacenter: 'dc3', address: 'consul.dc3:8500', partitions: [{ partitionName: 'default', gatewayAddresses: [{ lanAddress: '10.3.0.10', wanAddress: '192.0.2.30' }] }] },
  ],
  services: [
    { datacenter: 'dc1', serviceName: 'web', port: 8080 },
    { datacenter: 'dc1', partition: 'frontend', namespace: 'store', serviceName: 'catalog', port: 8080, protocol: ServiceProtocol.HTTP },
    { datacenter: 'dc1', partition: 'frontend', serviceName: 'ui', port: 3000, healthCheckHttpPath: '/health', tags: ['v1'] },
    { datacenter: 'dc2', serviceName: 'api', port: 8080, protocol: ServiceProtocol.HTTP },
    { datacenter: 'dc3', serviceName: 'db', port: 5432 },
  ],
  calls: [
    call(ref('dc1', 'ui', { partition: 'frontend' }), ref('dc1', 'catalog', { partition: 'frontend', namespace: 'store' })),
    call(ref('dc1', 'web'), ref('dc1', 'catalog', { partition: 'frontend', namespace: 'store' })),
    call(ref('dc1', 'web'), ref('dc2', 'api')),
    call(ref('dc1', 'catalog', { partition: 'frontend', namespace: 'store' }), ref('dc3', 'db')),
    call(ref('dc2', 'api'), ref('dc3', 'db'), { localBindPort: 9000, meshGatewayMode: MeshGatewayMode.REMOTE }),
  ],
  peerings: [{ acceptor: { datacenter: 'dc2' }, dialer: { datacenter: 'dc3' }, acceptorPeerName: 'dc3-east', dialerPeerName: 'dc2-west', id: 'Dc2Dc3' }],
};

/** {@link CONTROL_PLANE} by hand with the L2s, under a plain construct `Default` (as the mesh is). */
function controlPlaneByHand(stack: TerraformStack): void {
  const root = new Construct(stack, 'Default');
  const dc1 = new ConsulCluster(root, 'Dc1', { datacenter: 'dc1', address: 'consul.dc1:8500', edition: ConsulEdition.ENTERPRISE });
  const dc2 = new ConsulCluster(root, 'Dc2', { datacenter: 'dc2', address: 'consul.dc2:8500', meshGatewayMode: MeshGatewayMode.LOCAL });
  const dc3 = new ConsulCluster(root, 'Dc3', { datacenter: 'dc3', address: 'consul.dc3:8500' });
  const frontend = dc1.addPartition('frontend');
  const store = frontend.addNamespace('Store', { namespaceName: 'store' });
  dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.1.0.10', wanAddress: '192.0.2.10' });
  frontend.addMeshGateway('Gateway', { lanAddress: '10.1.1.10', wanAddress: '192.0.2.11' });
  frontend.addMeshGateway('Gateway2', { lanAddress: '10.1.1.11', wanAddress: '192.0.2.12' });
  dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.2.0.10', wanAddress: '192.0.2.20' });
  dc3.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.3.0.10', wanAddress: '192.0.2.30' });
  const web = dc1.defaultPartition.addService('Web', { port: 8080 });
  const catalog = store.addService('Catalog', { port: 8080, protocol: ServiceProtocol.HTTP });
  const ui = frontend.addService('Ui', { port: 3000, healthCheckHttpPath: '/health', tags: ['v1'] });
  const api = dc2.defaultPartition.addService('Api', { port: 8080, protocol: ServiceProtocol.HTTP });
  const db = dc3.defaultPartition.addService('Db', { port: 5432 });
  // Derived: the side whose "<datacenter>/<partition>" sorts last accepts.
  const dc2Dc1 = new ClusterPeering(root, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
  const dc3Dc1Frontend = new ClusterPeering(root, 'Dc3Dc1Frontend', { acceptor: dc3.defaultPartition, dialer: frontend });
  const dc2Dc3 = new ClusterPeering(root, 'Dc2Dc3', {
    acceptor: dc2.defaultPartition,
    dialer: dc3.defaultPartition,
    acceptorPeerName: 'dc3-east',
    dialerPeerName: 'dc2-west',
  });
  // Local ports from the callee's names (MeshAddressPlan.localBindPort), written out: they are public API.
  ui.connectTo(catalog, { localBindPort: 12073 });
  web.connectTo(catalog, { localBindPort: 12073 });
  web.connectTo(api, { via: dc2Dc1, localBindPort: 13671 });
  catalog.connectTo(db, { via: dc3Dc1Frontend, localBindPort: 17221 });
  api.connectTo(db, { via: dc2Dc3, localBindPort: 9000, meshGatewayMode: MeshGatewayMode.REMOTE });
}

/** Two Community clusters on the Docker data plane of the derived lab topology; an HA pair in dc2. */
const WITH_DATA_PLANE: ConsulMeshProps = {
  clusters: [{ datacenter: 'dc1' }, { datacenter: 'dc2', partitions: [{ partitionName: 'default', gatewayCount: 2 }] }],
  services: [
    { datacenter: 'dc1', serviceName: 'web', port: 80, app: APP },
    { datacenter: 'dc2', serviceName: 'api', port: 80, protocol: ServiceProtocol.HTTP, app: APP },
  ],
  calls: [call(ref('dc1', 'web'), ref('dc2', 'api'))],
  dockerDataPlane: {},
};

/** {@link WITH_DATA_PLANE} by hand, every derived address and port written out. */
function dataPlaneByHand(stack: TerraformStack): void {
  const root = new Construct(stack, 'Default');
  const dc1 = new ConsulCluster(root, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:20156' });
  const dc2 = new ConsulCluster(root, 'Dc2', { datacenter: 'dc2', address: '127.0.0.1:20249' });
  const g1 = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.156.79.254', wanAddress: '10.10.119.200' });
  const g2 = dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.249.79.254', wanAddress: '10.10.100.57' });
  const g3 = dc2.defaultPartition.addMeshGateway('Gateway2', { lanAddress: '10.249.58.238', wanAddress: '10.10.153.155' });
  const web = dc1.defaultPartition.addService('Web', { port: 80 });
  const api = dc2.defaultPartition.addService('Api', { port: 80, protocol: ServiceProtocol.HTTP });
  const peering = new ClusterPeering(root, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
  web.connectTo(api, { via: peering, localBindPort: 13671 });
  const host = new DockerHost(root, 'Docker');
  const networks = PeeringLabServers.networksFor(root, host, {
    wanSubnet: '10.10.0.0/16',
    clusters: [
      { datacenter: 'dc1', lanSubnet: '10.156.0.0/16', httpHostPort: 20156 },
      { datacenter: 'dc2', lanSubnet: '10.249.0.0/16', httpHostPort: 20249 },
    ],
  });
  const plane1 = new ClusterDataPlane(root, 'Dc1DataPlane', { cluster: dc1, host, lan: networks.lans.dc1, retryJoin: ['10.156.0.2'] });
  const plane2 = new ClusterDataPlane(root, 'Dc2DataPlane', { cluster: dc2, host, lan: networks.lans.dc2, retryJoin: ['10.249.0.2'] });
  plane1.addGateway(g1, { wan: networks.wan });
  plane2.addGateway(g2, { wan: networks.wan });
  plane2.addGateway(g3, { wan: networks.wan });
  plane1.addService(web, { address: '10.156.150.119', app: APP });
  plane2.addService(api, { address: '10.249.70.199', app: APP });
}

describe('ConsulMesh', () => {
  describe('writes what the equivalent hand-written L2 program writes', () => {
    test('control plane: partitions, namespaces, an HA pair, derived and declared peerings, every kind of call', () => {
      const byHand = newStack();
      controlPlaneByHand(byHand);
      expect(synthMesh(CONTROL_PLANE)).toBe(Testing.synth(byHand, true));
    });

    test('with the Docker data plane on the derived lab topology', () => {
      const byHand = newStack();
      dataPlaneByHand(byHand);
      expect(synthMesh(WITH_DATA_PLANE)).toBe(Testing.synth(byHand, true));
    });

    test('the construct tree is the L2 program\'s: ids from names', () => {
      const stack = newStack();
      const mesh = new ConsulMesh(stack, 'Mesh', WITH_DATA_PLANE);
      expect(mesh.node.children.map((c) => c.node.id)).toEqual(['Dc1', 'Dc2', 'Dc2Dc1', 'Docker', 'Lan-dc1', 'Lan-dc2', 'Wan', 'Dc1DataPlane', 'Dc2DataPlane']);
      expect(mesh.gateways({ datacenter: 'dc2' }).map((g) => g.node.path)).toEqual(['test/Mesh/Dc2/Partitions/default/Gateway', 'test/Mesh/Dc2/Partitions/default/Gateway2']);
      expect(mesh.service(ref('dc1', 'web')).node.path).toBe('test/Mesh/Dc1/Partitions/default/Web');
    });

    test('the L3 shape: the L2s it builds, by construct id', () => {
      const mesh = new ConsulMesh(newStack(), 'Mesh', {
        clusters: [{ datacenter: 'dc1' }, { datacenter: 'dc2' }],
        services: [
          { datacenter: 'dc1', serviceName: 'web', port: 80 },
          { datacenter: 'dc2', serviceName: 'api', port: 80 },
        ],
        calls: [call(ref('dc1', 'web'), ref('dc2', 'api'))],
        dockerDataPlane: {},
      });
      const shape = Testing.renderConstructTree(mesh)
        .split('\n')
        .filter((line) => !/(Token|Resource|Secret|Policy|Provider|Pod|Envoy|Ready|Image|Context|Pause|Agent|Mesh|ProxyDefaults) \(/.test(line))
        .join('\n');
      expect(shape).toMatchInlineSnapshot(`
"├── Dc1 (ConsulCluster)
    ├── Partitions (Construct)
        └── default (Partition)
            ├── Gateway (MeshGateway)
                └── DataPlane (MeshGatewayDataPlane)
            └── Web (MeshService)
                └── DataPlane (MeshServiceDataPlane)
├── Dc2 (ConsulCluster)
    ├── Partitions (Construct)
        └── default (Partition)
            ├── Gateway (MeshGateway)
                └── DataPlane (MeshGatewayDataPlane)
            ├── Api (MeshService)
                ├── Intentions (ServiceIntentions)
                └── DataPlane (MeshServiceDataPlane)
            └── ExportedServices (ExportedServices)
├── Dc2Dc1 (ClusterPeering)
    └── Peering (Peering)
├── Docker (DockerHost)
    └── ConsulEnvoy-1_22_5-community-default (ConsulEnvoyImage)
├── Lan-dc1 (ImportedDockerNetwork)
├── Lan-dc2 (ImportedDockerNetwork)
├── Wan (ImportedDockerNetwork)
├── Dc1DataPlane (ClusterDataPlane)
└── Dc2DataPlane (ClusterDataPlane)
"
`);
    });

    test('the derived addresses and ports are those MeshAddressPlan computes', () => {
      const lab = MeshAddressPlan.labTopology(['dc2', 'dc1']);
      expect(lab).toEqual({
        wanSubnet: '10.10.0.0/16',
        clusters: [
          { datacenter: 'dc1', lanSubnet: '10.156.0.0/16', httpHostPort: 20156 },
          { datacenter: 'dc2', lanSubnet: '10.249.0.0/16', httpHostPort: 20249 },
        ],
      });
      expect(MeshAddressPlan.gatewayLanAddress('10.249.0.0/16', 'default', 2)).toBe('10.249.58.238');
      expect(MeshAddressPlan.gatewayWanAddress('10.10.0.0/16', 'dc2', 'default', 2)).toBe('10.10.153.155');
      expect(MeshAddressPlan.serviceLanAddress('10.156.0.0/16', 'default', 'default', 'web')).toBe('10.156.150.119');
      expect(MeshAddressPlan.localBindPort('dc1', 'frontend', 'store', 'catalog')).toBe(12073);
      // In a /24 the same key lands in .16 to .254.
      expect(MeshAddressPlan.serviceLanAddress('10.11.0.0/24', 'default', 'default', 'web')).toMatch(/^10\.11\.0\.(1[6-9]|[2-9]\d|1\d\d|2[0-4]\d|25[0-4])$/);
      expect(MeshAddressPlan.allocatableAddresses('10.11.0.0/24')).toBe(239);
      expect(MeshAddressPlan.allocatableAddresses('10.11.0.0/16')).toBe(65519);
    });

    test('lists every address and port it placed, with who owns it and whether it was pinned', () => {
      const mesh = new ConsulMesh(newStack(), 'Mesh', WITH_DATA_PLANE);
      expect(mesh.allocations).toEqual([
        { owner: 'gateway dc1/default#1', network: 'WAN', value: '10.10.119.200', pinned: false },
        { owner: 'gateway dc1/default#1', network: 'dc1 LAN', value: '10.156.79.254', pinned: false },
        { owner: 'gateway dc2/default#1', network: 'WAN', value: '10.10.100.57', pinned: false },
        { owner: 'gateway dc2/default#1', network: 'dc2 LAN', value: '10.249.79.254', pinned: false },
        { owner: 'gateway dc2/default#2', network: 'WAN', value: '10.10.153.155', pinned: false },
        { owner: 'gateway dc2/default#2', network: 'dc2 LAN', value: '10.249.58.238', pinned: false },
        { owner: 'service dc1/web', network: 'dc1 LAN', value: '10.156.150.119', pinned: false },
        { owner: 'service dc2/api', network: 'dc2 LAN', value: '10.249.70.199', pinned: false },
        { owner: 'upstream dc1/web -> dc2/api', network: '127.0.0.1 in the pod of dc1/web', value: '13671', pinned: false },
      ]);
      expect(mesh.labTopology).toEqual(MeshAddressPlan.labTopology(['dc1', 'dc2']));
      expect(new ConsulMesh(newStack(), 'Mesh', CONTROL_PLANE).allocations).toEqual([]);
    });

    test('the derived peering: the side that sorts last accepts, each side names the other by its datacenter', () => {
      const mesh = new ConsulMesh(newStack(), 'Mesh', CONTROL_PLANE);
      const dc2Dc1 = mesh.peeringBetween({ datacenter: 'dc1' }, { datacenter: 'dc2' })!;
      expect([dc2Dc1.node.id, dc2Dc1.acceptor.cluster.datacenter, dc2Dc1.acceptorPeerName, dc2Dc1.dialerPeerName]).toEqual(['Dc2Dc1', 'dc2', 'dc1', 'dc2']);
      const frontend = mesh.peeringBetween({ datacenter: 'dc3' }, { datacenter: 'dc1', partition: 'frontend' })!;
      expect([frontend.node.id, frontend.acceptorPeerName, frontend.dialerPeerName]).toEqual(['Dc3Dc1Frontend', 'dc1-frontend', 'dc3']);
      const declared = mesh.peeringBetween({ datacenter: 'dc3' }, { datacenter: 'dc2' })!;
      expect([declared.node.id, declared.acceptorPeerName, declared.dialerPeerName]).toEqual(['Dc2Dc3', 'dc3-east', 'dc2-west']);
      expect(mesh.peeringBetween({ datacenter: 'dc1' }, { datacenter: 'dc3' })).toBeUndefined();
      expect(mesh.peerings.map((p) => p.node.id)).toEqual(['Dc2Dc1', 'Dc2Dc3', 'Dc3Dc1Frontend']);
    });

    test('the direction of a derived peering depends on the two names only, not on the calls', () => {
      const both = synthMesh({
        ...WITH_DATA_PLANE,
        calls: [call(ref('dc1', 'web'), ref('dc2', 'api')), call(ref('dc2', 'api'), ref('dc1', 'web'))],
      });
      const reverse = synthMesh({ ...WITH_DATA_PLANE, calls: [call(ref('dc2', 'api'), ref('dc1', 'web'))] });
      for (const json of [both, reverse].map((j) => JSON.parse(j))) {
        expect(Object.keys(json.resource.consul_peering_token)).toEqual(['Dc2Dc1_Token_9CBD2624']);
        expect(Object.values<any>(json.resource.consul_peering_token)[0].provider).toBe('consul.dc2');
      }
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // (b) stable addresses
  // -------------------------------------------------------------------------------------------------------

  describe('adding to the description moves nothing that exists', () => {
    /** dc1 Enterprise (default + frontend with namespace store), dc2 Community in local mode, data plane. */
    const base = (): ConsulMeshProps => ({
      clusters: [
        {
          datacenter: 'dc1',
          edition: ConsulEdition.ENTERPRISE,
          partitions: [{ partitionName: 'frontend', namespaces: ['store'] }],
        },
        { datacenter: 'dc2', meshGatewayMode: MeshGatewayMode.LOCAL },
      ],
      services: [
        { datacenter: 'dc1', serviceName: 'web', port: 80, app: APP },
        { datacenter: 'dc1', partition: 'frontend', namespace: 'store', serviceName: 'catalog', port: 8080, protocol: ServiceProtocol.HTTP },
        { datacenter: 'dc2', serviceName: 'api', port: 80, protocol: ServiceProtocol.HTTP, app: APP },
      ],
      calls: [call(ref('dc1', 'web'), ref('dc2', 'api')), call(ref('dc1', 'web'), ref('dc1', 'catalog', { partition: 'frontend', namespace: 'store' }))],
      dockerDataPlane: {},
    });
    const catalog = ref('dc1', 'catalog', { partition: 'frontend', namespace: 'store' });

    type Json = { resource: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>> };
    /** Every resource and data source block by its Terraform address. */
    const blocks = (json: Json): Map<string, any> => {
      const all = new Map<string, any>();
      for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
        for (const [type, byName] of Object.entries(json[kind] ?? {})) {
          for (const [name, block] of Object.entries(byName)) all.set(`${prefix}${type}.${name}`, block);
        }
      }
      return all;
    };
    const ipv4s = (block: unknown): string[] => [...new Set(JSON.stringify(block).match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? [])].sort();

    /**
     * Synthesizes `before` and `after`; every resource of `before` must still be there with the same IPv4
     * addresses, every allocation of `before` must be unchanged, and the resources that changed at all are
     * returned (by address) for the test to check.
     */
    function compare(before: ConsulMeshProps, after: ConsulMeshProps): string[] {
      const a = new ConsulMesh(newStack(), 'Default', before);
      const b = new ConsulMesh(newStack(), 'Default', after);
      const was = blocks(JSON.parse(Testing.synth(a.node.scope as TerraformStack, true)));
      const is = blocks(JSON.parse(Testing.synth(b.node.scope as TerraformStack, true)));
      expect(is.size).toBeGreaterThan(was.size);
      const changed: string[] = [];
      for (const [address, block] of was) {
        expect({ address, present: is.has(address) }).toEqual({ address, present: true });
        expect({ address, ips: ipv4s(is.get(address)) }).toEqual({ address, ips: ipv4s(block) });
        if (JSON.stringify(is.get(address)) !== JSON.stringify(block)) changed.push(address);
      }
      expect(b.allocations).toEqual(expect.arrayContaining(a.allocations));
      return changed.sort();
    }

    test('a service nobody calls: every existing resource is byte-identical', () => {
      const b = base();
      expect(compare(b, { ...b, services: [...b.services!, { datacenter: 'dc2', serviceName: 'billing', port: 80, app: APP }] })).toEqual([]);
    });

    test('a service that calls and is called: only the entries and the definition the calls change', () => {
      const b = base();
      const changed = compare(b, {
        ...b,
        services: [...b.services!, { datacenter: 'dc2', serviceName: 'billing', port: 80 }],
        calls: [...b.calls!, call(ref('dc1', 'web'), ref('dc2', 'billing')), call(ref('dc2', 'billing'), catalog)],
      });
      expect(changed.map(shortName)).toEqual([
        // dc2 now exports billing to dc1, dc1's frontend exports catalog to dc2 as well
        'consul_config_entry.Dc1_Partitions_frontend_ExportedServices',
        'consul_config_entry.Dc2_Partitions_default_ExportedServices',
        // catalog may now be called from dc2 (billing); web's definition has the upstream to billing
        'consul_config_entry_service_intentions.Dc1_Partitions_frontend_Store_Catalog_Intentions',
        'docker_container.Dc1_Partitions_default_Web_DataPlane_Pod_Agent',
      ]);
    });

    test('a cluster (with a peering derived from its calls): only the entries the new calls change', () => {
      const b = base();
      const changed = compare(b, {
        ...b,
        clusters: [...b.clusters, { datacenter: 'dc3' }],
        services: [...b.services!, { datacenter: 'dc3', serviceName: 'db', port: 5432 }],
        calls: [...b.calls!, call(ref('dc2', 'api'), ref('dc3', 'db')), call(ref('dc3', 'db'), ref('dc2', 'api'))],
      });
      expect(changed.map(shortName)).toEqual([
        'consul_config_entry.Dc2_Partitions_default_ExportedServices',
        'consul_config_entry_service_intentions.Dc2_Partitions_default_Api_Intentions',
        'docker_container.Dc2_Partitions_default_Api_DataPlane_Pod_Agent',
      ]);
    });

    test('a partition (Enterprise) with its gateway and a service called from an existing one', () => {
      const b = base();
      const clusters = b.clusters.map((c): MeshClusterSpec =>
        c.datacenter === 'dc1' ? { ...c, partitions: [...c.partitions!, { partitionName: 'backend' }] } : c,
      );
      const changed = compare(b, {
        ...b,
        clusters,
        services: [...b.services!, { datacenter: 'dc1', partition: 'backend', serviceName: 'orders', port: 8080 }],
        calls: [...b.calls!, call(ref('dc1', 'web'), ref('dc1', 'orders', { partition: 'backend' }))],
      });
      expect(changed.map(shortName)).toEqual(['docker_container.Dc1_Partitions_default_Web_DataPlane_Pod_Agent']);
    });

    test('a second gateway in a partition: the first keeps its addresses (its policy name gains a suffix)', () => {
      const b = base();
      const clusters = b.clusters.map((c): MeshClusterSpec => (c.datacenter === 'dc2' ? { ...c, partitions: [{ partitionName: 'default', gatewayCount: 2 }] } : c));
      const changed = compare(b, { ...b, clusters });
      expect(changed.map(shortName)).toEqual([
        // the L2 names HA policies "<service>-<partition>-<id>": an in-place update, not a replacement
        'consul_acl_policy.Dc2_Partitions_default_Gateway_Token_Policy',
        // the token dc2 generates also waits for the new gateway (depends_on: ordering only)
        'consul_peering_token.Dc2Dc1_Token',
      ]);
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // (c) order-free
  // -------------------------------------------------------------------------------------------------------

  describe('order-free', () => {
    const SEED = 20260412;
    const RUNS = 100;

    test(`any order of clusters, partitions, namespaces, services, calls and peerings gives byte-identical JSON (fast-check seed ${SEED}, ${RUNS} descriptions)`, () => {
      const coverage = { dataPlane: 0, enterprise: 0, namespaces: 0, haGateways: 0, crossClusterCalls: 0, partitionCalls: 0, declaredPeerings: 0, derivedPeerings: 0 };
      withCheapTokenStackTraces(() =>
        fc.assert(
          fc.property(descriptionArbitrary(), fc.infiniteStream(fc.nat()), (props, randoms) => {
            const pick = () => randoms.next().value as number;
            const shuffled = shuffleDescription(props, pick);
            const reversed = shuffleDescription(props, () => 0);
            const [a, b, c] = [props, shuffled, reversed].map((p) => forgettingTokens(() => synthMesh(p)));
            expect(b).toBe(a);
            expect(c).toBe(a);
            const json = JSON.parse(a);
            const count = (type: string) => Object.keys(json.resource[type] ?? {}).length;
            coverage.dataPlane += props.dockerDataPlane ? 1 : 0;
            coverage.enterprise += props.clusters.some((x) => x.edition === ConsulEdition.ENTERPRISE) ? 1 : 0;
            coverage.namespaces += count('consul_namespace') > 0 ? 1 : 0;
            coverage.haGateways += props.clusters.some((x) => x.partitions?.some((p) => (p.gatewayCount ?? 1) > 1)) ? 1 : 0;
            coverage.crossClusterCalls += props.calls!.some((x) => x.caller.datacenter !== x.callee.datacenter) ? 1 : 0;
            coverage.partitionCalls += props.calls!.some((x) => x.caller.datacenter === x.callee.datacenter && x.caller.partition !== x.callee.partition) ? 1 : 0;
            coverage.declaredPeerings += props.peerings!.length > 0 ? 1 : 0;
            coverage.derivedPeerings += count('consul_peering') > props.peerings!.length ? 1 : 0;
          }),
          { seed: SEED, numRuns: RUNS },
        ),
      );
      // The space is really explored: every feature in at least a tenth of the descriptions.
      console.log(`mesh order-free coverage (seed ${SEED}, ${RUNS} descriptions): ${JSON.stringify(coverage)}`);
      for (const [feature, n] of Object.entries(coverage)) expect({ feature, enough: n >= RUNS / 10 }).toEqual({ feature, enough: true });
    }, 300_000);

    test('reading every property creates nothing and changes nothing', () => {
      const plain = synthMesh(CONTROL_PLANE);
      const stack = newStack();
      const mesh = new ConsulMesh(stack, 'Default', CONTROL_PLANE);
      const count = stack.node.findAll().length;
      void [mesh.clusters, mesh.services, mesh.peerings, mesh.allocations, mesh.labTopology, mesh.dockerHost];
      mesh.cluster('dc1');
      mesh.partition({ datacenter: 'dc1', partition: 'frontend' });
      mesh.gateways({ datacenter: 'dc1', partition: 'frontend' });
      mesh.service(ref('dc1', 'catalog', { partition: 'frontend', namespace: 'store' }));
      mesh.peeringBetween({ datacenter: 'dc1' }, { datacenter: 'dc2' });
      mesh.dataPlane('dc2');
      expect(stack.node.findAll().length).toBe(count);
      expect(Testing.synth(stack, true)).toBe(plain);
    });
  });

  // -------------------------------------------------------------------------------------------------------
  // (d) validations
  // -------------------------------------------------------------------------------------------------------

  describe('validation', () => {
    const GW = [{ lanAddress: '10.1.0.10', wanAddress: '192.0.2.1' }];
    const ce = (datacenter: string, more: Partial<MeshClusterSpec> = {}): MeshClusterSpec => ({
      datacenter,
      address: `consul.${datacenter}:8500`,
      partitions: [{ partitionName: 'default', gatewayAddresses: GW }],
      ...more,
    });
    const ent = (datacenter: string, more: Partial<MeshClusterSpec> = {}): MeshClusterSpec => ce(datacenter, { edition: ConsulEdition.ENTERPRISE, ...more });
    const svc = (datacenter: string, serviceName: string, more: Partial<MeshServiceSpec> = {}): MeshServiceSpec => ({ datacenter, serviceName, port: 80, ...more });
    const attempt = (props: ConsulMeshProps) => () => new ConsulMesh(newStack(), 'Mesh', props);
    const LAB24 = { wanSubnet: '10.10.0.0/24', clusters: [{ datacenter: 'dc1', lanSubnet: '10.11.0.0/24', httpHostPort: 8500 }] };

    const cases: Array<[string, ConsulMeshProps, string]> = [
      ['no cluster', { clusters: [] }, 'clusters is empty; declare at least one cluster ({ datacenter: "dc1", ... })'],
      [
        'a datacenter Consul refuses',
        { clusters: [ce('DC 1')] },
        'clusters[].datacenter "DC 1" is not a valid datacenter name; use lower-case letters, digits, "-" and "_" (e.g. "dc-1")',
      ],
      ['a cluster declared twice', { clusters: [ce('dc1'), ce('dc1')] }, 'clusters[].datacenter "dc1" is declared twice; declare each cluster once'],
      [
        'a partition name that is not a DNS label',
        { clusters: [ent('dc1', { partitions: [{ partitionName: 'Ap_1' }] })] },
        'partitions[].partitionName "Ap_1" is not a valid DNS label; use letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "ap-1"',
      ],
      [
        'a partition declared twice',
        { clusters: [ent('dc1', { partitions: [{ partitionName: 'ap1' }, { partitionName: 'ap1' }] })] },
        'partitions[].partitionName "ap1" is declared twice in cluster "dc1"; declare each partition once',
      ],
      [
        'a partition on Community Edition',
        { clusters: [ce('dc1', { partitions: [{ partitionName: 'ap1' }] })] },
        'partitions[].partitionName "ap1" needs Consul Enterprise, but cluster "dc1" is Community Edition (admin partitions are an Enterprise feature); ' +
          'set edition: ConsulEdition.ENTERPRISE on cluster "dc1" if it runs Enterprise, or remove the partition',
      ],
      [
        'a gateway count that is not a whole number',
        { clusters: [ce('dc1', { partitions: [{ partitionName: 'default', gatewayCount: 1.5 }] })] },
        'partitions[].gatewayCount 1.5 of partition "default" of cluster "dc1" is not a whole number of gateways; use 0, 1, or 2 and more for an HA set',
      ],
      [
        'more pinned gateways than gateways',
        { clusters: [ce('dc1', { partitions: [{ partitionName: 'default', gatewayAddresses: [{}, {}] }] })] },
        'partitions[].gatewayAddresses 2 entries for partition "default" of cluster "dc1" pin more gateways than its gatewayCount (1); ' +
          'raise gatewayCount to 2 or remove entries (entry i pins gateway i + 1)',
      ],
      [
        'a namespace that is not a DNS label',
        { clusters: [ent('dc1', { partitions: [{ partitionName: 'default', namespaces: ['Team_A'] }] })] },
        'partitions[].namespaces "Team_A" is not a valid DNS label; use letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "team-a"',
      ],
      [
        'a namespace on Community Edition',
        { clusters: [ce('dc1', { partitions: [{ partitionName: 'default', namespaces: ['team-a'], gatewayAddresses: GW }] })] },
        'partitions[].namespaces "team-a" needs Consul Enterprise, but cluster "dc1" is Community Edition (namespaces are an Enterprise feature); ' +
          'set edition: ConsulEdition.ENTERPRISE on cluster "dc1" if it runs Enterprise, or remove the namespace',
      ],
      [
        'the default namespace declared',
        { clusters: [ent('dc1', { partitions: [{ partitionName: 'default', namespaces: ['default'] }] })] },
        'partitions[].namespaces "default" always exists in partition "default" of cluster "dc1"; leave "default" out of namespaces',
      ],
      [
        'a namespace declared twice',
        { clusters: [ent('dc1', { partitions: [{ partitionName: 'default', namespaces: ['a', 'a'] }] })] },
        'partitions[].namespaces "a" is declared twice in partition "default" of cluster "dc1"; declare each namespace once',
      ],
      [
        'no address and no data plane',
        { clusters: [{ datacenter: 'dc1' }] },
        'clusters[].address of cluster "dc1" is not set, and there is no dockerDataPlane whose lab topology would give it; ' +
          'set address to the host:port of the cluster\'s HTTP API (e.g. "consul.dc1.example.com:8500"), or add dockerDataPlane',
      ],
      [
        'a lab topology without one of the clusters',
        { clusters: [{ datacenter: 'dc1' }, { datacenter: 'dc3' }], dockerDataPlane: { lab: LAB24 } },
        'dockerDataPlane.lab ["dc1"] has no cluster "dc3", so its data plane has no LAN and no server to join; ' +
          'add { datacenter: "dc3", lanSubnet, httpHostPort } to the lab topology, or leave dockerDataPlane.lab out to derive one',
      ],
      [
        'a LAN too small to allocate in',
        { clusters: [{ datacenter: 'dc1' }], dockerDataPlane: { lab: { ...LAB24, clusters: [{ ...LAB24.clusters[0], lanSubnet: '10.11.0.0/28' }] } } },
        'dockerDataPlane.lab.lanSubnet "10.11.0.0/28" of cluster "dc1" is not an IPv4 CIDR block with room for automatic addresses ' +
          '(a /27 or larger: the first 15 host addresses are reserved); use a larger subnet, e.g. "10.11.0.0/24" or "10.11.0.0/16"',
      ],
      [
        'a pinned gateway address that is not an IPv4 address',
        { clusters: [ce('dc1', { partitions: [{ partitionName: 'default', gatewayAddresses: [{ lanAddress: '10.1.0', wanAddress: '192.0.2.1' }] }] })] },
        'partitions[].gatewayAddresses[].lanAddress "10.1.0" of gateway dc1/default#1 is not an IPv4 address; give a dotted-quad address, e.g. "10.11.0.10"',
      ],
      [
        'a gateway without addresses and no data plane',
        { clusters: [ce('dc1', { partitions: [] })] },
        'partitions[].gatewayAddresses[].lanAddress of gateway dc1/default#1 is not set, and without dockerDataPlane the mesh has no network to take it from; ' +
          'pin the gateway\'s lanAddress and wanAddress in gatewayAddresses (where it runs), or add dockerDataPlane',
      ],
      [
        'a service in an unknown cluster',
        { clusters: [ce('dc1')], services: [svc('dc9', 'web')] },
        'services[].datacenter "dc9" of service "dc9/web" is not a cluster of this mesh (clusters: dc1); declare the cluster in clusters, or fix the name',
      ],
      [
        'a service in an unknown partition',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web', { partition: 'ap1' })] },
        'services[].partition "ap1" of service "dc1/ap1/web" is not a partition of cluster "dc1" (partitions: default); declare it in the partitions of cluster "dc1", or fix the name',
      ],
      [
        'a service in an undeclared namespace',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web', { namespace: 'team-a' })] },
        'services[].namespace "team-a" of service "dc1/default/team-a/web" is not declared in partition "default" of cluster "dc1" (namespaces are an Enterprise feature); ' +
          'add "team-a" to the namespaces of that partition (the mesh never creates a namespace implicitly)',
      ],
      [
        'a service name Consul refuses',
        { clusters: [ce('dc1')], services: [svc('dc1', 'Web')] },
        'services[].serviceName "Web" is not a service name Consul accepts for a service identity token and DNS; ' +
          'use lower-case letters, digits and "-" (1-63 characters, not starting or ending with "-"), e.g. "web"',
      ],
      [
        'a service declared twice',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web'), svc('dc1', 'web', { port: 81 })] },
        'services[].serviceName "web" is declared twice as "dc1/web"; declare each service once',
      ],
      [
        'an app without a data plane',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web', { app: { image: 'nginx:1', healthCheck: ['CMD', 'true'] } })] },
        'services[].app "nginx:1" of service "dc1/web" needs a data plane to run on; add dockerDataPlane, or leave it out',
      ],
      [
        'a pod address without a data plane',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web', { lanAddress: '10.1.0.20' })] },
        'services[].lanAddress "10.1.0.20" of service "dc1/web" needs a data plane to run on; add dockerDataPlane, or leave it out',
      ],
      [
        'a pod address that is not an IPv4 address',
        { clusters: [{ datacenter: 'dc1' }], services: [svc('dc1', 'web', { lanAddress: 'ten' })], dockerDataPlane: {} },
        'services[].lanAddress "ten" of service "dc1/web" is not an IPv4 address; give a dotted-quad address, e.g. "10.11.0.20"',
      ],
      [
        'a call to an unknown service',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web')], calls: [call(ref('dc1', 'web'), ref('dc1', 'api'))] },
        'calls[].callee "dc1/api" (call dc1/web -> dc1/api) is not a service of this mesh; ' +
          'declare it in services (same datacenter, partition, namespace and serviceName), or fix the reference',
      ],
      [
        'a service calling itself',
        { clusters: [ce('dc1')], services: [svc('dc1', 'web')], calls: [call(ref('dc1', 'web'), ref('dc1', 'web'))] },
        'calls[].callee "dc1/web" is the caller itself; a service reaches itself without the mesh: remove the call',
      ],
      [
        'a call declared twice',
        {
          clusters: [ce('dc1')],
          services: [svc('dc1', 'web'), svc('dc1', 'api')],
          calls: [call(ref('dc1', 'web'), ref('dc1', 'api')), call(ref('dc1', 'web'), ref('dc1', 'api'), { localBindPort: 9000 })],
        },
        'calls "dc1/web -> dc1/api" is declared twice; declare each call once (one set of options per caller and callee)',
      ],
      [
        'a peering with an unknown partition',
        { clusters: [ce('dc1'), ce('dc2')], peerings: [{ acceptor: { datacenter: 'dc2', partition: 'ap1' }, dialer: { datacenter: 'dc1' } }] },
        'peerings[].acceptor.partition "ap1" of peering dc2/ap1 <- dc1/default is not a partition of cluster "dc2" (partitions: default); ' +
          'declare it in the partitions of cluster "dc2", or fix the name',
      ],
      [
        'a peering inside one cluster',
        {
          clusters: [ent('dc1', { partitions: [{ partitionName: 'default', gatewayAddresses: GW }, { partitionName: 'ap1', gatewayCount: 0 }] })],
          peerings: [{ acceptor: { datacenter: 'dc1', partition: 'ap1' }, dialer: { datacenter: 'dc1' } }],
        },
        'peerings[].dialer "dc1/default" is in the acceptor\'s own cluster "dc1" (peering dc1/ap1 <- dc1/default); a peering joins two clusters; ' +
          'remove the peering: partitions of one cluster call each other without one',
      ],
      [
        'a peering declared twice (both directions)',
        {
          clusters: [ce('dc1'), ce('dc2')],
          peerings: [
            { acceptor: { datacenter: 'dc2' }, dialer: { datacenter: 'dc1' } },
            { acceptor: { datacenter: 'dc1' }, dialer: { datacenter: 'dc2' } },
          ],
        },
        'peerings "dc2/default / dc1/default" declares the peering between these two partitions twice (in either direction); declare it once: two partitions peer once',
      ],
      [
        'a local port that is the caller\'s own port',
        {
          clusters: [ce('dc1')],
          services: [svc('dc1', 'web', { port: 9000 }), svc('dc1', 'api')],
          calls: [call(ref('dc1', 'web'), ref('dc1', 'api'), { localBindPort: 9000 })],
        },
        'calls[].localBindPort 9000 of the call dc1/web -> dc1/api is the caller\'s own port; the app, its sidecar and the upstream listeners share one network namespace; ' +
          'pick another localBindPort for this call',
      ],
      [
        'two calls of one caller on one local port',
        {
          clusters: [ce('dc1')],
          services: [svc('dc1', 'web'), svc('dc1', 'api'), svc('dc1', 'db')],
          calls: [call(ref('dc1', 'web'), ref('dc1', 'api'), { localBindPort: 9000 }), call(ref('dc1', 'web'), ref('dc1', 'db'), { localBindPort: 9000 })],
        },
        'calls[].localBindPort 9000 of the call dc1/web -> dc1/db is also the local port of dc1/web -> dc1/api; pick another localBindPort for this call',
      ],
      [
        'two callees whose names give one local port',
        {
          clusters: [ce('dc1')],
          services: [svc('dc1', 'web'), svc('dc1', 'svc8'), svc('dc1', 'svc193')],
          calls: [call(ref('dc1', 'web'), ref('dc1', 'svc8')), call(ref('dc1', 'web'), ref('dc1', 'svc193'))],
        },
        'calls[].localBindPort 10919 (allocated) of the call dc1/web -> dc1/svc8 is also the local port of dc1/web -> dc1/svc193; ' +
          'pin localBindPort on the call dc1/web -> dc1/svc8 (or on the other one) so that nothing that exists moves',
      ],
      [
        'two clusters whose ids coincide',
        { clusters: [ce('dc-1'), ce('dc1')] },
        'clusters[].id "Dc1" is the construct id of both cluster "dc-1" and cluster "dc1" in the mesh (ids derive from names and form the Terraform addresses); ' +
          'set clusters[].id on cluster "dc1", or clusters[].id on cluster "dc-1" to keep them apart',
      ],
      [
        'a service whose id is a gateway\'s',
        { clusters: [ce('dc1')], services: [svc('dc1', 'gateway')] },
        'services[].id "Gateway" is the construct id of both gateway 1 of partition "default" of cluster "dc1" and service "dc1/gateway" in partition "default" of cluster "dc1" ' +
          '(ids derive from names and form the Terraform addresses); set services[].id on service "dc1/gateway" to keep them apart',
      ],
      [
        'a pinned pod address that is the server\'s',
        { clusters: [{ datacenter: 'dc1' }], services: [svc('dc1', 'web', { lanAddress: '10.156.0.2' })], dockerDataPlane: {} },
        'services[].lanAddress "10.156.0.2" of service dc1/web on the dc1 LAN is also the address of the server of cluster "dc1"; pin another address',
      ],
      [
        'two services whose names give one address',
        { clusters: [{ datacenter: 'dc1' }], services: [svc('dc1', 'svc22'), svc('dc1', 'svc30')], dockerDataPlane: { lab: LAB24 } },
        'services[].lanAddress "10.11.0.126" (allocated) of service dc1/svc30 on the dc1 LAN is also the address of service dc1/svc22; ' +
          'pin an address for service dc1/svc30 (services[].lanAddress) or for service dc1/svc22, preferably the one added last, so that nothing that exists moves',
      ],
      [
        'two datacenters with one network number in the derived lab topology',
        { clusters: [{ datacenter: 'dc5' }, { datacenter: 'dc8' }], dockerDataPlane: {} },
        'datacenters ["dc5","dc8"] both map to network number 27 (LAN 10.27.0.0/16, HTTP API port 20027) in the derived lab topology; ' +
          'write the LabTopology yourself (a lanSubnet and httpHostPort per cluster) and pass it to the lab stack and to dockerDataPlane.lab',
      ],
    ];

    test.each(cases)('fails on %s', (_name, props, message) => {
      const error = validationErrorOf(attempt(props));
      expect(error.message).toBe(`[test/Mesh] ${message}`);
    });

    test('errors are the same in any order of the description', () => {
      const clash: ConsulMeshProps = { clusters: [{ datacenter: 'dc1' }], services: [svc('dc1', 'svc30'), svc('dc1', 'svc22')], dockerDataPlane: { lab: LAB24 } };
      expect(validationErrorOf(attempt(clash)).message).toBe(
        validationErrorOf(attempt({ ...clash, services: [...clash.services!].reverse() })).message,
      );
    });

    test('a service that would share a pod name with a gateway fails in the data plane (after its id is set apart)', () => {
      expect(() => attempt({ clusters: [{ datacenter: 'dc1' }], services: [svc('dc1', 'gateway', { id: 'GatewayService' })], dockerDataPlane: {} })()).toThrow(
        /podName "dc1-default-gateway" is already used on Docker host test\/Mesh\/Docker/,
      );
    });

    test('the L2s check the rest at synth: local mode needs a gateway in the caller\'s partition', () => {
      const stack = newStack();
      new ConsulMesh(stack, 'Mesh', {
        clusters: [
          ent('dc1', {
            meshGatewayMode: MeshGatewayMode.LOCAL,
            partitions: [{ partitionName: 'default', gatewayAddresses: GW }, { partitionName: 'ap1', gatewayCount: 0 }],
          }),
          ce('dc2'),
        ],
        services: [svc('dc1', 'web', { partition: 'ap1' }), svc('dc2', 'api')],
        calls: [call(ref('dc1', 'web', { partition: 'ap1' }), ref('dc2', 'api'))],
      });
      expect(() => Testing.synth(stack, true)).toThrow(/meshGatewayMode LOCAL, but the importing partition "ap1" has no mesh gateway/);
    });

    test('MeshAddressPlan.labTopology reports a clash of network numbers without a construct path', () => {
      expect(() => MeshAddressPlan.labTopology(['dc8', 'dc5'])).toThrow(/^datacenters \["dc5","dc8"\] both map to network number 27 /);
    });

    test('the lookups name what is missing', () => {
      const mesh = new ConsulMesh(newStack(), 'Mesh', { clusters: [ce('dc1')] });
      expect(() => mesh.cluster('dc2')).toThrow('[test/Mesh] datacenter "dc2" is not a cluster of this mesh (clusters: dc1); use one of those datacenters');
      expect(() => mesh.partition({ datacenter: 'dc1', partition: 'ap1' })).toThrow(
        '[test/Mesh] partition "ap1" is not a partition of cluster "dc1" in this mesh (partitions: default); use one of those partitions',
      );
      expect(() => mesh.service(ref('dc1', 'web'))).toThrow(
        '[test/Mesh] serviceName "dc1/web" is not a service of this mesh; name a service declared in services (datacenter, partition, namespace and serviceName)',
      );
      expect(ValidationError.isValidationError(validationErrorOf(() => mesh.gateways({ datacenter: 'dc3' })))).toBe(true);
    });
  });
});

/** `Dc1_Partitions_default_Web_DataPlane_Pod_Agent_C5AE9204` without the hash. */
function shortName(address: string): string {
  return address.replace(/_[0-9A-F]{8}$/, '');
}

// ---------------------------------------------------------------------------------------------------------
// Random valid descriptions for the order-free property
// ---------------------------------------------------------------------------------------------------------

const DATACENTERS = ['dc1', 'dc2', 'dc3', 'dc4'];
const NAMES = ['web', 'api', 'db', 'cache', 'auth'];

/**
 * Valid mesh descriptions: 2 to 4 clusters (Community or Enterprise with partitions ap1/ap2 and namespace
 * team-a), 1 or 2 gateways per partition, 1 to 4 services per cluster (names unique per cluster), up to 8
 * calls (none to itself, one per pair), up to 2 declared peerings, with or without the data plane.
 */
function descriptionArbitrary(): fc.Arbitrary<ConsulMeshProps> {
  const cluster = fc.record({
    enterprise: fc.boolean(),
    mode: fc.constantFrom<MeshGatewayMode | undefined>(undefined, MeshGatewayMode.LOCAL, MeshGatewayMode.REMOTE),
    partitions: fc.subarray(['ap1', 'ap2']),
    gateways: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 3, maxLength: 3 }),
    services: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), partition: fc.nat(), namespaced: fc.boolean() }), {
      minLength: 1,
      maxLength: 4,
      selector: (s) => s.name,
    }),
  });
  return fc
    .record({
      clusters: fc.array(cluster, { minLength: 2, maxLength: 4 }),
      calls: fc.array(fc.record({ from: fc.nat(), to: fc.nat() }), { maxLength: 8 }),
      peerings: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), aAccepts: fc.boolean(), named: fc.boolean() }), { maxLength: 2 }),
      dataPlane: fc.boolean(),
    })
    .map((g) => {
      const clusters: MeshClusterSpec[] = [];
      const services: MeshServiceSpec[] = [];
      const partitionsOf: string[][] = [];
      g.clusters.forEach((c, i) => {
        const datacenter = DATACENTERS[i];
        const partitions = ['default', ...(c.enterprise ? c.partitions : [])];
        partitionsOf.push(partitions.map((p) => `${datacenter}/${p}`));
        const usesNamespace = new Set<string>();
        for (const s of c.services) {
          const partition = partitions[s.partition % partitions.length];
          const namespace = c.enterprise && s.namespaced ? 'team-a' : undefined;
          if (namespace) usesNamespace.add(partition);
          services.push({ datacenter, partition, namespace, serviceName: s.name, port: 8080, app: g.dataPlane ? APP : undefined });
        }
        clusters.push({
          datacenter,
          edition: c.enterprise ? ConsulEdition.ENTERPRISE : undefined,
          meshGatewayMode: c.mode,
          address: g.dataPlane ? undefined : `consul.${datacenter}:8500`,
          partitions: partitions.map((partitionName, k) => ({
            partitionName,
            gatewayCount: c.gateways[k],
            gatewayAddresses: g.dataPlane
              ? undefined
              : Array.from({ length: c.gateways[k] }, (_, n) => ({ lanAddress: `10.${20 + i}.${k}.${10 + n}`, wanAddress: `192.0.2.${30 * i + 10 * k + n + 1}` })),
            namespaces: usesNamespace.has(partitionName) ? ['team-a'] : undefined,
          })),
        });
      });
      const calls: MeshCallSpec[] = [];
      const ports = new Map<string, Set<number>>();
      const key = (s: MeshServiceSpec) => `${s.datacenter}/${s.partition}/${s.namespace ?? 'default'}/${s.serviceName}`;
      const declared = new Set<string>();
      for (const c of g.calls) {
        const caller = services[c.from % services.length];
        const callee = services[c.to % services.length];
        const pair = `${key(caller)} ${key(callee)}`;
        if (caller === callee || declared.has(pair)) continue;
        // Two callees of one caller whose names give one local port would be refused: leave such a call out.
        const port = MeshAddressPlan.localBindPort(callee.datacenter, callee.partition!, callee.namespace ?? 'default', callee.serviceName);
        const used = ports.get(key(caller)) ?? new Set<number>();
        if (used.has(port)) continue;
        used.add(port);
        ports.set(key(caller), used);
        declared.add(pair);
        calls.push({ caller: refOf(caller), callee: refOf(callee) });
      }
      const peerings = [];
      const pairs = new Set<string>();
      for (const p of g.peerings) {
        const ci = p.a % clusters.length;
        const cj = (ci + 1 + (p.b % (clusters.length - 1))) % clusters.length;
        const a = partitionsOf[ci][p.b % partitionsOf[ci].length];
        const b = partitionsOf[cj][p.a % partitionsOf[cj].length];
        const pair = [a, b].sort().join(' ');
        if (pairs.has(pair)) continue;
        pairs.add(pair);
        const [acceptor, dialer] = p.aAccepts ? [a, b] : [b, a];
        const side = (s: string) => ({ datacenter: s.split('/')[0], partition: s.split('/')[1] });
        peerings.push({
          acceptor: side(acceptor),
          dialer: side(dialer),
          acceptorPeerName: p.named ? `to-${dialer.replace('/', '-')}` : undefined,
          dialerPeerName: p.named ? `to-${acceptor.replace('/', '-')}` : undefined,
        });
      }
      return {
        clusters,
        services,
        calls,
        peerings,
        dockerDataPlane: g.dataPlane ? {} : undefined,
      };
    });
}

function refOf(s: MeshServiceSpec): MeshServiceRef {
  return { datacenter: s.datacenter, partition: s.partition, namespace: s.namespace, serviceName: s.serviceName };
}

/** The same description with every array (and nested array) permuted by `pick`. */
function shuffleDescription(props: ConsulMeshProps, pick: () => number): ConsulMeshProps {
  const shuffle = <T>(items: readonly T[] | undefined): T[] | undefined => {
    if (!items) return undefined;
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = pick() % (i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return {
    ...props,
    clusters: shuffle(props.clusters)!.map((c) => ({
      ...c,
      partitions: shuffle(c.partitions)?.map((p) => ({ ...p, namespaces: shuffle(p.namespaces) })),
    })),
    services: shuffle(props.services),
    calls: shuffle(props.calls),
    peerings: shuffle(props.peerings),
  };
}
