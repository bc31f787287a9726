import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack } from 'cdktf';
import { ClusterPeering, ConsulCluster, ConsulEdition, ExportConsumer, FailoverTarget, Namespace, SamenessGroup, SamenessGroupMember, ServiceResolver } from '../../lib';
import { conformanceBinary, runConformance, synthesizedStackFiles } from './conformance';

const FIXTURES = path.join(__dirname, 'fixtures', 'conformance');
const fixture = (name: string) => path.join(FIXTURES, name);

// The first build downloads github.com/hashicorp/consul/api through the Go module proxy.
beforeAll(() => {
  conformanceBinary();
}, 600_000);

describe('Consul conformance checker: service-resolver and sameness-group', () => {
  const failures: Array<{ name: string; file: string; messages: RegExp[] }> = [
    {
      name: 'fails on a typed service-resolver with a misspelled attribute',
      file: 'service-resolver-misspelled.cdk.tf.json',
      messages: [
        /consul_config_entry_service_resolver\.dc1_api_resolver_ABC: failover\[0\]\.targets\[0\]\.peeer: unknown attribute "peeer" \(did you mean "peer"\?\)/,
        /consul_config_entry_service_resolver\.dc1_api_resolver_ABC: defaultSubset: attribute "defaultSubset" must be spelled "default_subset"/,
      ],
    },
    {
      name: 'fails on a typed service-resolver with attributes of the wrong type',
      file: 'service-resolver-wrong-type.cdk.tf.json',
      messages: [
        /consul_config_entry_service_resolver\.dc1_api_resolver_ABC: subsets\[0\]\.only_passing: must be a bool, got the string "yes"/,
        /consul_config_entry_service_resolver\.dc1_api_resolver_ABC: failover\[0\]\.datacenters: must be a list of strings, got the string "dc2"/,
      ],
    },
    {
      name: 'fails on a service-resolver the provider cannot apply or converge, or Consul refuses',
      file: 'service-resolver-unconverged.cdk.tf.json',
      messages: [
        /dc1_api_resolver_ABC: connect_timeout: "5000ms" is stored back as "5s" after the provider reads the entry, so every plan shows a change; write "5s"/,
        /dc1_api_resolver_ABC: request_timeout: must be set: the provider parses request_timeout with Go's time\.ParseDuration, which fails on an empty string/,
        /dc1_web_resolver_ABC: \(as sent to Consul\)\.Failover\["\*"\]\.Targets\[0\]: Partition cannot be set with Peer/,
        /dc1_web_resolver_ABC: \(as sent to Consul\)\.Failover\.v2: "v2" is neither "\*" nor a subset of the resolver/,
        /dc1_web_resolver_ABC: \(as sent to Consul\)\.Failover\.v2: SamenessGroup cannot be set with Targets/,
      ],
    },
    {
      name: 'fails on a sameness-group entry with a misspelled field',
      file: 'sameness-group-misspelled.cdk.tf.json',
      messages: [/consul_config_entry\.dc1_products_ABC: config_json\.Member: unknown key "Member" for api\.SamenessGroupConfigEntry \(did you mean "Members"\?\)/],
    },
    {
      name: 'fails on a sameness-group entry with a field of the wrong type, and on members Consul refuses',
      file: 'sameness-group-wrong-type.cdk.tf.json',
      messages: [
        /consul_config_entry\.dc1_products_ABC: config_json: strict decode into api\.SamenessGroupConfigEntry: 'DefaultForFailover' expected type 'bool', got unconvertible type 'string'/,
        /consul_config_entry\.dc1_inventory_ABC: config_json\.Members\[0\]: a member must set exactly one of Partition, Peer/,
        /consul_config_entry\.dc1_inventory_ABC: config_json\.Members\[2\]: is listed twice/,
      ],
    },
  ];

  test.each(failures)('$name', ({ file, messages }) => {
    const result = runConformance([fixture(file)], []);
    expect(result.ok).toBe(false);
    expect(result.stdout).toBe('');
    for (const m of messages) expect(result.stderr).toMatch(m);
  });

  test('passes typed service-resolvers (peer, partition, namespace and sameness-group failover) and a sameness-group entry', () => {
    const result = runConformance([fixture('positive-failover.cdk.tf.json')], []);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('consul conformance: decoded 4 config entries, 0 service definitions, 0 ACL documents\n');
    expect(result.ok).toBe(true);
  });
});

describe('ServiceResolver and SamenessGroup output', () => {
  const check = (build: (stack: TerraformStack) => void, expected: string) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-resolver-'));
    const app = new App({ outdir: path.join(work, 'cdktf.out') });
    build(new TerraformStack(app, 'failover'));
    app.synth();
    const result = runConformance(synthesizedStackFiles(app.outdir), []);
    if (!result.ok) throw new Error(`Consul conformance failed (inputs kept in ${work}):\n${result.stderr}`);
    expect(result.stdout).toBe(expected);
    fs.rmSync(work, { recursive: true, force: true });
  };

  /**
   * dc1 (where the resolvers are) peered with dc2 and dc3, which are existing clusters (their gateways managed
   * elsewhere) exporting the failover targets to dc1, as a failover target must; like theirs, dc1's peering
   * traffic does not go through gateways (peerThroughMeshGateways false on both sides).
   */
  const clusters = (stack: TerraformStack, edition: ConsulEdition) => {
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', edition, manageMeshDefaults: false, peerThroughMeshGateways: false });
    const [dc2, dc3] = [2, 3].map((n) => ConsulCluster.fromClusterAttributes(stack, `Dc${n}`, { datacenter: `dc${n}`, address: `127.0.0.${n}:8500`, edition }));
    new ClusterPeering(stack, 'Dc2Dc1', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    new ClusterPeering(stack, 'Dc3Dc1', { acceptor: dc3.defaultPartition, dialer: dc1.defaultPartition });
    return { dc1, dc2, dc3 };
  };

  test('Community: peer and datacenter failover, subsets and timeouts decode strictly and converge', () => {
    check((stack) => {
      const { dc1, dc2, dc3 } = clusters(stack, ConsulEdition.COMMUNITY);
      dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc1'));
      dc3.defaultPartition.addExport('api-v2', ExportConsumer.peer('dc1'));
      const api = new ServiceResolver(stack, 'ApiResolver', {
        partition: dc1.defaultPartition,
        serviceName: 'api',
        connectTimeoutMs: 1500,
        requestTimeoutMs: 90_000,
        defaultSubset: 'v1',
        subsets: [{ name: 'v1', filter: 'Service.Meta.version == v1' }, { name: 'v2', filter: 'Service.Meta.version == v2', onlyPassing: true }],
      });
      api.addFailoverTarget(FailoverTarget.peer('dc2'));
      api.addFailoverTarget(FailoverTarget.peer('dc3', 'api-v2'));
      api.addFailoverTarget(FailoverTarget.datacenter('dc9'));
    }, 'consul conformance: decoded 3 config entries, 0 service definitions, 0 ACL documents\n');
  });

  test('Enterprise: a sameness group, and resolvers failing over to it, to a partition, a namespace and a peer namespace', () => {
    check((stack) => {
      const { dc1, dc2, dc3 } = clusters(stack, ConsulEdition.ENTERPRISE);
      Namespace.fromNamespaceName(stack, 'Data', dc2.defaultPartition, 'data');
      dc2.defaultPartition.addExport('web', ExportConsumer.peer('dc1'));
      dc2.defaultPartition.addExport('db', ExportConsumer.peer('dc1'), { namespace: 'data' });
      dc3.defaultPartition.addExport('web', ExportConsumer.peer('dc1'));
      const ap1 = dc1.addPartition('ap1');
      ap1.addNamespace('Team');
      // ap1 is a member of the group "web" fails over to: it exports "web" to the resolver's partition, through its gateway.
      ap1.addMeshGateway('Gateway', { lanAddress: '10.11.1.10', wanAddress: '10.10.1.11' });
      ap1.addExport('web', ExportConsumer.partition('default'));
      new SamenessGroup(stack, 'Products', {
        partition: dc1.defaultPartition,
        defaultForFailover: true,
        includeLocal: true,
        members: [SamenessGroupMember.partition('ap1'), SamenessGroupMember.peer('dc2'), SamenessGroupMember.peer('dc3')],
      });
      new ServiceResolver(stack, 'Web', { partition: dc1.defaultPartition, serviceName: 'web', failover: [FailoverTarget.samenessGroup('products')] });
      // the partition target of api's resolver in ap1: dc1's default partition exports api (namespace team) to ap1
      dc1.defaultPartition.addNamespace('Team');
      dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
      dc1.defaultPartition.addExport('api', ExportConsumer.partition('ap1'), { namespace: 'team' });
      new ServiceResolver(stack, 'Api', {
        partition: ap1,
        serviceName: 'api',
        namespace: 'team',
        failover: [FailoverTarget.partition('default', 'api', 'team'), FailoverTarget.namespace('default')],
      });
      new ServiceResolver(stack, 'Db', { partition: dc1.defaultPartition, serviceName: 'db', failover: [FailoverTarget.peer('dc2', 'db', 'data')] });
    }, 'consul conformance: decoded 8 config entries, 0 service definitions, 2 ACL documents\n');
  });
});
