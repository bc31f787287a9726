import { Testing } from 'cdktf';
import { ExportConsumer, ExportedServices } from '../../lib';
import { onlyResource, synthJson, testStack } from '../fixtures/stack';

describe('ExportedServices', () => {
  test('Community: one entry named default, services and consumers sorted, no namespace or partition', () => {
    const { stack, dc2 } = testStack();
    const exports = new ExportedServices(stack, 'Exports', { provider: dc2 });
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
    expect(exports.isExportedToPeer('api', 'dc1')).toBe(true);
    expect(exports.isExportedToPeer('web', 'dc1')).toBe(false);
  });

  test('Enterprise: named after the partition, partition set, namespace explicit', () => {
    const { stack } = testStack();
    const exports = new ExportedServices(stack, 'Exports', { partition: 'ap1', enterprise: true });
    exports.addExport('api', ExportConsumer.samenessGroup('shared'));
    exports.addExport('api', ExportConsumer.partition('default'));
    exports.addExport('api', ExportConsumer.peer('dc1'));
    const entry = onlyResource(synthJson(stack), 'consul_config_entry');
    expect(entry).toMatchObject({ name: 'ap1', partition: 'ap1' });
    expect(JSON.parse(entry.config_json)).toEqual({
      Services: [{ Name: 'api', Namespace: 'default', Consumers: [{ Partition: 'default' }, { Peer: 'dc1' }, { SamenessGroup: 'shared' }] }],
    });
  });

  test('fails validation when nothing is exported', () => {
    const { stack } = testStack();
    new ExportedServices(stack, 'Exports');
    expect(() => Testing.synth(stack, true)).toThrow(/exported-services entry "default" has no exports; call addExport\(\) or remove it/);
  });

  test('fails on a partition name on Community Edition', () => {
    const { stack } = testStack();
    expect(() => new ExportedServices(stack, 'Exports', { partition: 'ap1' })).toThrow(
      /partition "ap1" needs Consul Enterprise; on Community Edition the exported-services entry is always named "default"/,
    );
  });

  test('fails on a consumer peer name that is not a DNS label', () => {
    expect(() => ExportConsumer.peer('*')).toThrow(/peerName "\*" is not a valid DNS label/);
  });
});
