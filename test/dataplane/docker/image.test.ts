import * as fs from 'fs';
import * as path from 'path';
import { ConsulEdition, ConsulEnvoyImage } from '../../../lib';
import { onlyResource, synthJson, testStack } from '../../fixtures/stack';

describe('ConsulEnvoyImage', () => {
  test('builds from the shipped Dockerfile with both images as build args, tagged with both versions', () => {
    const { stack, docker } = testStack();
    const image = new ConsulEnvoyImage(stack, 'Image', { provider: docker });
    const json = synthJson(stack);
    const res = onlyResource(json, 'docker_image');
    expect(res).toMatchObject({
      name: 'cdktf-consul-peering/consul-envoy:1.22.5-envoy-1.35.8',
      keep_locally: true,
      provider: 'docker',
      build: {
        build_args: { CONSUL_IMAGE: 'hashicorp/consul:1.22.5', ENVOY_IMAGE: 'envoyproxy/envoy:v1.35.8' },
        tag: ['cdktf-consul-peering/consul-envoy:1.22.5-envoy-1.35.8'],
      },
    });
    expect(res.build.context).toMatch(/^assets\/Image_Context_[A-Z0-9]+\/[A-F0-9]+$/);
    expect(res.triggers.dockerfile).toMatch(/^[A-F0-9]+$/);
    expect(image.imageId).toMatch(/TfToken/);
  });

  test('ships a Dockerfile that copies consul into the Envoy image', () => {
    const dockerfile = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'lib', 'dataplane', 'docker', 'context', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM \$\{CONSUL_IMAGE\} AS consul$/m);
    expect(dockerfile).toMatch(/^FROM \$\{ENVOY_IMAGE\}$/m);
    expect(dockerfile).toMatch(/^COPY --from=consul \/bin\/consul \/bin\/consul$/m);
  });

  test('uses the Enterprise Consul image for Enterprise', () => {
    const { stack } = testStack();
    const image = new ConsulEnvoyImage(stack, 'Image', { edition: ConsulEdition.ENTERPRISE });
    expect(image.consulImage).toBe('hashicorp/consul-enterprise:1.22.5-ent');
    expect(image.imageName).toBe('cdktf-consul-peering/consul-envoy:1.22.5-ent-envoy-1.35.8');
  });

  test('fails on a pair outside the compatibility matrix', () => {
    const { stack } = testStack();
    expect(() => new ConsulEnvoyImage(stack, 'Image', { consulVersion: '1.22.5', envoyVersion: '1.31.0' })).toThrow(
      /^\[test\/Image\] envoyVersion "1.31.0" is not supported by Consul 1.22.x Community Edition \(supported: 1.38.x, 1.37.x, 1.35.x\); .* would refuse to start it; pick a supported version, e\.g\. "1.35.8"$/,
    );
    expect(() => new ConsulEnvoyImage(stack, 'Other', { consulVersion: '1.9.0' })).toThrow(
      /^\[test\/Other\] consulVersion "1.9.0" is not in the Consul\/Envoy compatibility matrix \(known: .*\); use a listed Consul version or update DataPlaneVersions$/,
    );
  });
});
