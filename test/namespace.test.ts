import { Testing } from 'cdktf';
import { ConsulCluster, ConsulEdition, ExportConsumer, IntentionAction, IntentionSource, Namespace, UpstreamTarget } from '../lib';
import { validationErrorOf } from './fixtures/errors';
import { emptyStack, resources, synthJson } from './fixtures/stack';

const enterprise = () => {
  const stack = emptyStack();
  const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', edition: ConsulEdition.ENTERPRISE });
  return { stack, dc1 };
};

describe('Namespace', () => {
  test('a namespaced caller of a default-namespace service names the default namespace in its upstream', () => {
    // Consul resolves an upstream without destination_namespace in the caller's namespace.
    const { dc1 } = enterprise();
    const web = dc1.defaultPartition.addNamespace('Web').addService('Frontend', { port: 8080 });
    const api = dc1.defaultPartition.addService('Api', { port: 9090 });
    const cart = dc1.defaultPartition.addNamespace('Shop').addService('Cart', { port: 7070 });
    web.connectTo(api, { localBindPort: 9191 });
    web.connectTo(cart, { localBindPort: 9192 });
    // sorted by destination: namespace before name
    expect(web.upstreams.map((u) => [u.destinationName, u.destinationNamespace])).toEqual([
      ['cart', 'shop'],
      ['api', undefined],
    ]);
    expect(web.serviceDefinition.service.connect.sidecar_service.proxy.upstreams.map((u: any) => [u.destination_name, u.destination_namespace])).toEqual([
      ['cart', 'shop'],
      ['api', 'default'],
    ]);
    // from the default namespace, nothing changes: no destination_namespace for the default one
    api.connectTo(cart, { localBindPort: 9193 });
    expect(api.serviceDefinition.service.connect.sidecar_service.proxy.upstreams).toEqual([
      expect.objectContaining({ destination_name: 'cart', destination_namespace: 'shop' }),
    ]);
  });

  test('a raw upstream without a namespace is in the caller\'s namespace, as Consul resolves it', () => {
    const { dc1 } = enterprise();
    const web = dc1.defaultPartition.addNamespace('Web').addService('Frontend', { port: 8080 });
    const inOwn = web.addUpstream({ target: UpstreamTarget.service('api'), localBindPort: 9191 });
    const inDefault = web.addUpstream({ target: UpstreamTarget.service('api', 'default'), localBindPort: 9192 });
    expect([inOwn.destinationNamespace, inDefault.destinationNamespace]).toEqual(['web', undefined]);
    expect(web.serviceDefinition.service.connect.sidecar_service.proxy.upstreams.map((u: any) => [u.local_bind_port, u.destination_namespace])).toEqual([
      [9191, 'web'],
      [9192, 'default'],
    ]);
  });

  test('addNamespace creates consul_namespace in the partition, named after the id in kebab case', () => {
    const { stack, dc1 } = enterprise();
    const ap1 = dc1.addPartition('ap1');
    const ns = ap1.addNamespace('TeamA', { description: 'team a', meta: { owner: 'a' } });
    expect(ns.namespaceName).toBe('team-a');
    const json = synthJson(stack);
    const [created] = resources(json, 'consul_namespace');
    expect(created).toEqual({
      name: 'team-a',
      description: 'team a',
      meta: { owner: 'a' },
      partition: expect.stringMatching(/^\$\{consul_admin_partition\.\w+\.name\}$/),
      provider: 'consul.dc1',
    });
    expect(ap1.namespaces).toEqual([ns]);
    expect(Namespace.find(ap1, 'team-a')).toBe(ns);
    expect(Namespace.find(dc1.defaultPartition, 'team-a')).toBeUndefined();
  });

  test('a service added through a namespace lives in it; its token and entries reference the namespace', () => {
    const { stack, dc1 } = enterprise();
    const web = dc1.defaultPartition.addNamespace('Web');
    const frontend = web.addService('Frontend', { port: 8080 });
    expect(frontend.namespace).toBe('web');
    expect(frontend.node.path).toBe(`${web.node.path}/Frontend`);
    frontend.addIntention(IntentionSource.service('admin'), IntentionAction.ALLOW);
    const json = synthJson(stack, true);
    const ref = (json.resource.consul_namespace && `\${consul_namespace.${Object.keys(json.resource.consul_namespace)[0]}.name}`) as string;
    expect(resources(json, 'consul_acl_token').find((t) => t.service_identities)?.namespace).toBe(ref);
    expect(resources(json, 'consul_config_entry_service_intentions')[0].namespace).toBe(ref);
  });

  test('an existing namespace is declared with fromNamespaceName: nothing is created, names are literal', () => {
    const { stack, dc1 } = enterprise();
    const existing = Namespace.fromNamespaceName(stack, 'Web', dc1.defaultPartition, 'web');
    dc1.defaultPartition.addService('Frontend', { port: 8080, namespace: 'web' });
    expect(existing.resourceNamespace).toBe('web');
    const json = synthJson(stack, true);
    expect(json.resource.consul_namespace).toBeUndefined();
    expect(resources(json, 'consul_acl_token').find((t) => t.service_identities)?.namespace).toBe('web');
    expect(dc1.defaultPartition.namespaces.map((n) => n.namespaceName)).toEqual(['web']);
  });

  test('the exported-services entry depends on the namespaces it exports from, and on its partition', () => {
    const { stack, dc1 } = enterprise();
    const ap1 = dc1.addPartition('ap1');
    ap1.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    ap1.addExport('api', ExportConsumer.partition('default'), { namespace: 'team-b' });
    ap1.addExport('db', ExportConsumer.partition('default'));
    ap1.addNamespace('TeamB');
    ap1.addNamespace('Unused');
    const json = synthJson(stack, true);
    const entry = resources(json, 'consul_config_entry').find((e) => e.kind === 'exported-services');
    const names = Object.entries(json.resource.consul_namespace as Record<string, { name: string }>);
    const teamB = names.find(([, n]) => n.name === 'team-b')![0];
    const partition = Object.keys(json.resource.consul_admin_partition)[0];
    expect(entry.depends_on).toEqual([`consul_admin_partition.${partition}`, `consul_namespace.${teamB}`]);
  });

  test('an undeclared namespace is reported at synth, with both ways to declare it', () => {
    const { stack, dc1 } = enterprise();
    dc1.defaultPartition.addService('Frontend', { port: 8080, namespace: 'web' });
    dc1.defaultPartition.addService('Admin', { port: 8081, namespace: 'web' });
    expect(() => Testing.synth(stack, true)).toThrow(
      /namespace "web" is used in partition "default" of cluster "dc1" \(service "admin", service "frontend"\) but not declared; declare it with partition.addNamespace\('web'\) to create it, or Namespace.fromNamespaceName\(scope, id, partition, 'web'\) when it exists already/,
    );
    // Declaring it afterwards is enough (validations run at synth).
    dc1.defaultPartition.addNamespace('Web');
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('exports and intentions into undeclared namespaces are reported too', () => {
    const { stack, dc1 } = enterprise();
    dc1.defaultPartition.addMeshGateway('G', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    const ap1 = dc1.addPartition('ap1');
    dc1.defaultPartition.addExport('api', ExportConsumer.partition('ap1'), { namespace: 'team-c' });
    ap1.addService('Db', { port: 5432 });
    expect(() => Testing.synth(stack, true)).toThrow(/namespace "team-c" is used in partition "default" of cluster "dc1" \(export of "api"\) but not declared/);
  });

  test('refuses default, a second declaration of one name, bad names and Community Edition', () => {
    const { stack, dc1 } = enterprise();
    const d = validationErrorOf(() => dc1.defaultPartition.addNamespace('default'));
    expect(d.message).toMatch(/namespaceName "default" always exists; leave the namespace out/);
    dc1.defaultPartition.addNamespace('Web');
    const twice = validationErrorOf(() => Namespace.fromNamespaceName(stack, 'Again', dc1.defaultPartition, 'web'));
    expect(twice.message).toMatch(/namespaceName "web" is already declared in partition "default" of cluster "dc1" \(.*\/Web\); declare a namespace once/);
    const bad = validationErrorOf(() => dc1.defaultPartition.addNamespace('X', { namespaceName: 'team_a' }));
    expect(bad.message).toMatch(/namespaceName "team_a" is not a valid DNS label; use letters, digits and "-".*e\.g\. "team-a"/);
    const community = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: 'a:2' });
    const ce = validationErrorOf(() => community.defaultPartition.addNamespace('Web'));
    expect(ce.message).toMatch(/namespaceName "web" needs Consul Enterprise on cluster "dc2".*set edition: ConsulEdition.ENTERPRISE/);
  });

  test('a service added through a namespace may not name another namespace', () => {
    const { dc1 } = enterprise();
    const web = dc1.defaultPartition.addNamespace('Web');
    const e = validationErrorOf(() => web.addService('Frontend', { port: 8080, namespace: 'api' }));
    expect(e.message).toMatch(/namespace "api" contradicts the namespace "web" the service is added to; leave namespace out/);
  });
});
