import { ConsulEdition, DataPlaneVersions } from '../../lib';

describe('DataPlaneVersions', () => {
  test('accepts the default pair and every listed minor', () => {
    expect(DataPlaneVersions.checkPair('1.22.5', DataPlaneVersions.DEFAULT_ENVOY_VERSION, ConsulEdition.COMMUNITY)).toBeUndefined();
    expect(DataPlaneVersions.checkPair('1.22.5', '1.35.8', ConsulEdition.ENTERPRISE)).toBeUndefined();
    expect(DataPlaneVersions.checkPair('1.22.0', '1.38.1', ConsulEdition.COMMUNITY)).toBeUndefined();
    expect(DataPlaneVersions.supportedEnvoyMinors('1.22.5', ConsulEdition.COMMUNITY)).toEqual(['1.38', '1.37', '1.35']);
    expect(DataPlaneVersions.defaultEnvoyFor('1.22.1')).toBe('1.35.8');
  });

  test('fails on an Envoy minor outside the Consul version\'s row, naming the supported ones', () => {
    expect(DataPlaneVersions.checkPair('1.22.5', '1.34.7', ConsulEdition.COMMUNITY)).toBe(
      'envoyVersion "1.34.7" is not supported by Consul 1.22.x Community Edition (supported: 1.38.x, 1.37.x, 1.35.x); ' +
        '`consul connect envoy` would refuse to start it; pick a supported version, e.g. "1.35.8"',
    );
    expect(DataPlaneVersions.checkPair('1.22.5', '1.38.0', ConsulEdition.ENTERPRISE)).toMatch(/Consul 1.22.x Enterprise \(supported: 1.35.x, 1.34.x, 1.33.x\)/);
  });

  test('fails on a Consul version the matrix does not know', () => {
    expect(DataPlaneVersions.checkPair('1.30.0', '1.35.8', ConsulEdition.COMMUNITY)).toMatch(
      /consulVersion "1.30.0" is not in the Consul\/Envoy compatibility matrix \(known: 1.19.x, 1.20.x, 1.21.x, 1.22.x\)/,
    );
  });

  test('fails on a v-prefixed Envoy version', () => {
    expect(() => DataPlaneVersions.checkPair('1.22.5', 'v1.35.8', ConsulEdition.COMMUNITY)).toThrow(/envoyVersion "v1.35.8" is not a version/);
  });
});
