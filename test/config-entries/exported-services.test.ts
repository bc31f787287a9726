import { Testing } from 'cdktf';
import { ClusterPeering, ConsulEdition, ExportConsumer, ExportedServices } from '../../lib';
import { onlyResource, synthJson } from '../fixtures/stack';
import { bareCluster, twoClusters } from '../fixtures/topology';

describe('ExportedServices', () => {
  test('Community: one entry named default, services and consumers sorted, no namespace or partition', () => {
    const { stack, cluster } = bareCluster();
    const exports = new ExportedServices(stack, 'Exports', { partition: cluster.defaultPartition });
    exports.addExport('web', ExportConsumer.peer('dc3'));
    exports.addExport('api', ExportConsumer.peer('dc3'));
    exports.addExport('api', ExportConsumer.peer('dc1'));
    exports.addExport('api', ExportConsumer.peer('dc1'));
    const entry = onlyResource(synthJson(stack), 'consul_config_entry');
    expect(entry).toMatchObject({ kind: 'exported-services', name: 'default', provider: 'consul.dc2' });
    expect(entry.partition).toBeUndefined();
    expect(entry.config_json).toBe(
      '{"Services":[{"Name":"api","Consumers":[{"Peer":"dc1"},{"Peer":"dc3"}]},{"Name":"web","Consumers":[{"Peer":"dc3"}]}]}',
    );
    expect(exports.isExportedTo('api', ExportConsumer.peer('dc1'))).toBe(true);
    expect(exports.isExportedTo('web', ExportConsumer.peer('dc1'))).toBe(false);
    expect(ExportedServices.of(cluster.defaultPartition)).toBe(exports);
  });

  test('Enterprise: named after the partition, partition set, namespace explicit', () => {
    const { stack, cluster } = bareCluster(ConsulEdition.ENTERPRISE);
    const exports = new ExportedServices(stack, 'Exports', { partition: cluster.addPartition('ap1') });
    exports.addExport('api', ExportConsumer.samenessGroup('shared'));
    exports.addExport('api', ExportConsumer.partition('default'));
    exports.addExport('api', ExportConsumer.peer('dc1'));
    const json = synthJson(stack);
    const entry = onlyResource(json, 'consul_config_entry');
    expect(entry).toMatchObject({ name: 'ap1', partition: 'ap1' });
    expect(entry.depends_on).toEqual([expect.stringMatching(/^consul_admin_partition\./)]);
    expect(JSON.parse(entry.config_json)).toEqual({
      Services: [{ Name: 'api', Namespace: 'default', Consumers: [{ Partition: 'default' }, { Peer: 'dc1' }, { SamenessGroup: 'shared' }] }],
    });
  });

  test('fails validation when nothing is exported', () => {
    const { stack, cluster } = bareCluster();
    new ExportedServices(stack, 'Exports', { partition: cluster.defaultPartition });
    expect(() => Testing.synth(stack, true)).toThrow(/exported-services entry "default" has no exports; call addExport\(\) or remove it/);
  });

  test('fails validation on a second entry for the same partition', () => {
    const { stack, cluster } = bareCluster();
    cluster.defaultPartition.addExport('api', ExportConsumer.peer('dc1'));
    const second = new ExportedServices(stack, 'Exports', { partition: cluster.defaultPartition });
    second.addExport('web', ExportConsumer.peer('dc1'));
    expect(() => Testing.synth(stack, true)).toThrow(/partition "default" has a second exported-services entry .*; export everything through partition.addExport\(\)/);
  });

  test('fails on a partition consumer on Community Edition', () => {
    const { cluster } = bareCluster();
    expect(() => cluster.defaultPartition.addExport('api', ExportConsumer.partition('ap1'))).toThrow(
      /consumer Partition "ap1" needs Consul Enterprise on cluster "dc2"/,
    );
  });

  test('fails on a consumer peer name Consul would refuse', () => {
    expect(() => ExportConsumer.peer('*')).toThrow(/peerName "\*" is not a peer name Consul accepts/);
  });
});

describe('ExportedServices: peer consumers are peers of the exporting partition', () => {
  test('fails validation on a name no peering of the partition uses (a typo, or the importer\'s name for itself)', () => {
    const { stack, dc1, dc2 } = twoClusters();
    dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    dc2.defaultPartition.addExport('api', ExportConsumer.peer('dc2'));
    expect(() => Testing.synth(stack, true)).toThrow(
      /ExportConsumer\.peer\(peerName\) "dc2" is not a peer of partition "default" of cluster "dc2", which exports "api" to it \(its peerings name "dc1"\); use the name this partition gives the importer/,
    );
  });

  test('passes with the name the exporting side gives the importer', () => {
    const { stack, dc1, dc2 } = twoClusters();
    dc2.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.12.0.10', wanAddress: '10.10.0.12' });
    dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '10.10.0.11' });
    const peering = new ClusterPeering(stack, 'P', { acceptor: dc2.defaultPartition, dialer: dc1.defaultPartition });
    dc2.defaultPartition.addExport('api', ExportConsumer.peer(peering.peerNameIn(dc2.defaultPartition)));
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });
});
