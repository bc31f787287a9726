import * as adminPartition from '@cdktf/provider-consul/lib/admin-partition';
import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { Testing } from 'cdktf';
import { ConsulCluster, ConsulEdition, ExportConsumer } from '../lib';
import { emptyStack, resources, synthJson } from './fixtures/stack';

describe('Partition', () => {
  const enterprise = () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', edition: ConsulEdition.ENTERPRISE });
    return { stack, dc1 };
  };

  test('the default partition creates no consul_admin_partition', () => {
    const stack = emptyStack();
    new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    expect(Testing.synth(stack)).not.toHaveResource(adminPartition.AdminPartition);
  });

  test('an Enterprise partition creates consul_admin_partition on the cluster provider', () => {
    const { stack, dc1 } = enterprise();
    const ap1 = dc1.addPartition('Ap1', { partitionName: 'ap1', description: 'team one' });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(adminPartition.AdminPartition, {
      name: 'ap1',
      description: 'team one',
      provider: 'consul.dc1',
    });
    expect(ap1.node.defaultChild).toBe(ap1.resource);
    expect(dc1.partitions.map((p) => p.partitionName)).toEqual(['default', 'ap1']);
  });

  test('resources of a non-default partition reference the partition resource', () => {
    const { dc1 } = enterprise();
    const ap1 = dc1.addPartition('ap1');
    expect(ap1.resourcePartition).toMatch(/\$\{TfToken/);
    expect(dc1.defaultPartition.resourcePartition).toBe('default');
  });

  test('writes one exported-services entry per partition, named after it on Enterprise', () => {
    const { stack, dc1 } = enterprise();
    const ap1 = dc1.addPartition('ap1');
    ap1.addMeshGateway('Gateway', { lanAddress: '10.0.0.2', wanAddress: '192.0.2.2' });
    ap1.addExport('api', ExportConsumer.peer('dc2'));
    ap1.addExport('db', ExportConsumer.partition('default'));
    const entries = resources(synthJson(stack), 'consul_config_entry').filter((e) => e.kind === 'exported-services');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ name: 'ap1', partition: 'ap1' });
    expect(entries[0].depends_on).toEqual([expect.stringMatching(/^consul_admin_partition\./)]);
    expect(JSON.parse(entries[0].config_json)).toEqual({
      Services: [
        { Name: 'api', Namespace: 'default', Consumers: [{ Peer: 'dc2' }] },
        { Name: 'db', Namespace: 'default', Consumers: [{ Partition: 'default' }] },
      ],
    });
  });

  test('a partition without exports writes no exported-services entry', () => {
    const stack = emptyStack();
    new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1' });
    const kinds = resources(synthJson(stack), 'consul_config_entry').map((e) => e.kind);
    expect(kinds).not.toContain('exported-services');
    expect(Testing.synth(stack)).toHaveResourceWithProperties(configEntry.ConfigEntry, { kind: 'mesh' });
  });

  test('fails on "default" through addPartition', () => {
    const { dc1 } = enterprise();
    expect(() => dc1.addPartition('default')).toThrow(/partitionName "default" always exists; use cluster.defaultPartition/);
  });

  test('fails on a partition name that is not a DNS label', () => {
    const { dc1 } = enterprise();
    expect(() => dc1.addPartition('Team_A')).toThrow(/partitionName "Team_A" is not a valid DNS label/);
  });
});
