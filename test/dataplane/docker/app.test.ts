import { TerraformVariable } from 'cdktf';
import { AppContainer } from '../../../lib';
import { peeredPairWithDataPlane } from '../../fixtures/dataplane';
import { synthJson } from '../../fixtures/stack';
import { validationErrorOf } from '../../fixtures/errors';

describe('AppContainer', () => {
  const pod = () => {
    const t = peeredPairWithDataPlane();
    const dp = t.web.node.findChild('DataPlane') as any;
    return { ...t, pod: dp.pod };
  };

  test('joins the pod, with sorted literal environment and its health check', () => {
    const { stack, pod: p } = pod();
    const app = new AppContainer(stack, 'Extra', {
      pod: p,
      containerSuffix: 'worker',
      image: 'busybox:1.36',
      command: ['sleep', '3600'],
      environment: { ZED: '1', ALPHA: '2' },
      healthCheck: ['CMD', 'true'],
    });
    const c = (synthJson(stack).resource.docker_container as Record<string, any>)[app.resource.friendlyUniqueId];
    expect(c).toMatchObject({ name: 'dc1-default-web-worker', env: ['ALPHA=2', 'ZED=1'], network_mode: expect.stringMatching(/^container:\$\{docker_container\.Dc1_Partitions_default_Web_DataPlane_Pod_Pause_[A-F0-9]+\.id\}$/), healthcheck: { test: ['CMD', 'true'] } });
  });

  test('throws a ValidationError carrying the app path, the prop, the image and the fix for an untagged image', () => {
    const { stack, pod: p } = pod();
    const v = validationErrorOf(() => new AppContainer(stack, 'App', { pod: p, image: 'registry.local:5000/team/web', healthCheck: ['CMD', 'true'] }));
    expect(v).toMatchObject({ constructPath: 'test/App', prop: 'image', value: 'registry.local:5000/team/web', fix: 'pin one, e.g. "registry.local:5000/team/web:1.0.0"' });
  });

  test('fails on references in env, untagged images and missing health checks', () => {
    const { stack, pod: p } = pod();
    const secret = new TerraformVariable(stack, 'secret', { type: 'string', sensitive: true });
    expect(() => new AppContainer(stack, 'A', { pod: p, image: 'busybox:1.36', healthCheck: ['CMD', 'true'], environment: { TOKEN: secret.stringValue } })).toThrow(
      /^\[test\/A\] environment\.TOKEN is a Terraform reference; the data plane keeps references \(tokens, secrets\) out of env, .*; pass literal, non-secret values only$/,
    );
    expect(() => new AppContainer(stack, 'B', { pod: p, image: 'busybox', healthCheck: ['CMD', 'true'] })).toThrow('[test/B] image "busybox" has no tag or digest; pin one, e.g. "busybox:1.0.0"');
    expect(() => new AppContainer(stack, 'C', { pod: p, image: 'busybox:1.36', healthCheck: [] })).toThrow(/^\[test\/C\] healthCheck is empty; give a command in Docker's form, e\.g\. \["CMD", /);
  });
});
