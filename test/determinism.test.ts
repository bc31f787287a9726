import { Testing } from 'cdktf';
import { peeredPair } from './fixtures/topology';

const addresses = (json: any): string[] =>
  Object.entries(json.resource ?? {})
    .flatMap(([type, byName]) => Object.keys(byName as object).map((n) => `${type}.${n}`))
    .concat(Object.entries(json.data ?? {}).flatMap(([type, byName]) => Object.keys(byName as object).map((n) => `data.${type}.${n}`)))
    .sort();

describe('determinism', () => {
  test('the same program synthesizes byte-identical JSON', () => {
    const a = Testing.synth(peeredPair().stack, true);
    const b = Testing.synth(peeredPair().stack, true);
    expect(a).toBe(b);
  });

  test('adding a service and a connection keeps every existing resource address and body', () => {
    const before = JSON.parse(Testing.synth(peeredPair().stack, true));
    const after = peeredPair();
    const billing = after.dc2.defaultPartition.addService('Billing', { port: 8090 });
    after.web.connectTo(billing, { via: after.peering, localBindPort: 9192 });
    const json = JSON.parse(Testing.synth(after.stack, true));
    const old = addresses(before);
    const now = addresses(json);
    expect(now).toEqual(expect.arrayContaining(old));
    expect(now.length).toBeGreaterThan(old.length);
    // Only the aggregated exported-services entry changes content; every other existing resource is untouched.
    for (const address of old) {
      const [type, name] = address.startsWith('data.') ? address.slice(5).split('.') : address.split('.');
      const pick = (j: any) => (address.startsWith('data.') ? j.data[type][name] : j.resource[type][name]);
      const { '//': _a, ...was } = pick(before);
      const { '//': _b, ...is } = pick(json);
      if (type === 'consul_config_entry' && was.kind === 'exported-services') {
        expect(JSON.parse(is.config_json).Services.map((s: any) => s.Name)).toEqual(['api', 'billing']);
      } else {
        expect(is).toEqual(was);
      }
    }
  });

  test('construct ids derive from names, not from call order', () => {
    const one = peeredPair();
    const two = peeredPair();
    // Declare two extra services in opposite orders: the resulting addresses are the same.
    one.dc1.defaultPartition.addService('Alpha', { port: 7001 });
    one.dc1.defaultPartition.addService('Beta', { port: 7002 });
    two.dc1.defaultPartition.addService('Beta', { port: 7002 });
    two.dc1.defaultPartition.addService('Alpha', { port: 7001 });
    expect(Testing.synth(one.stack, true)).toBe(Testing.synth(two.stack, true));
  });
});
