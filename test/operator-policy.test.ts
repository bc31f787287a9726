import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { ConsulCluster, ConsulEdition } from '../lib';
import { emptyStack } from './fixtures/stack';

/** The operator document of every cluster of an example, by datacenter (the app is built, not synthesized). */
function documentsOf(example: string): Record<string, unknown> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `operator-${example}-`));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(__dirname, '..', 'examples', example, 'stack')) as { buildApp: (outdir?: string) => App };
    const app = buildApp(outdir);
    const clusters = app.node.findAll().filter((c): c is ConsulCluster => c instanceof ConsulCluster);
    return Object.fromEntries(clusters.map((c) => [c.datacenter, c.operatorPolicyDocument().toJson()]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const readiness = { node_prefix: { '': { policy: 'read' } }, service: { 'mesh-gateway': { policy: 'read' } } };

describe('ConsulCluster.operatorPolicyDocument', () => {
  test('the default example: exactly tokens, peering, mesh entries, the gateway readiness reads and api\'s entries', () => {
    expect(documentsOf('two-clusters')).toEqual({
      dc1: { acl: 'write', mesh: 'write', peering: 'write', ...readiness },
      dc2: {
        acl: 'write',
        mesh: 'write',
        peering: 'write',
        node_prefix: readiness.node_prefix,
        service: { 'mesh-gateway': { policy: 'read' }, api: { policy: 'write', intentions: 'write' } },
      },
    });
  });

  test('the README shows the default example\'s dc2 document as the library renders it', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(__dirname, '..', 'examples', 'two-clusters', 'stack')) as { buildApp: (outdir?: string) => App };
    const app = buildApp(fs.mkdtempSync(path.join(os.tmpdir(), 'operator-readme-')));
    const dc2 = app.node.findAll().find((c): c is ConsulCluster => c instanceof ConsulCluster && c.datacenter === 'dc2')!;
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(`\`${dc2.operatorPolicyDocument().render()}\``);
  });

  test('failover: the resolver needs service write on api in dc1; no readiness reads without a data plane', () => {
    expect(documentsOf('failover')).toEqual({
      dc1: { acl: 'write', mesh: 'write', peering: 'write', service: { api: { policy: 'write' } } },
      dc2: { acl: 'write', mesh: 'write', peering: 'write', service: { api: { policy: 'write', intentions: 'write' } } },
      dc3: { acl: 'write', mesh: 'write', peering: 'write', service: { api: { policy: 'write', intentions: 'write' } } },
    });
  });

  test('split stacks: each cluster only what its own stack writes', () => {
    expect(documentsOf('split-stacks')).toEqual({
      dc1: { acl: 'write', mesh: 'write', peering: 'write' },
      dc2: { acl: 'write', mesh: 'write', peering: 'write', service: { api: { policy: 'write', intentions: 'write' } } },
    });
  });

  test('Enterprise: scoped by partition and namespace; operator write only for the partition and namespace it creates', () => {
    const gatewayReads = {
      namespace: { default: { service: { 'mesh-gateway': { policy: 'read' } } } },
      namespace_prefix: { '': { node_prefix: { '': { policy: 'read' } } } },
    };
    expect(documentsOf('enterprise')).toEqual({
      dc1: {
        operator: 'write',
        partition: {
          default: {
            acl: 'write',
            mesh: 'write',
            operator: 'write',
            namespace: { ...gatewayReads.namespace, store: { service: { catalog: { policy: 'write', intentions: 'write' } } } },
            namespace_prefix: gatewayReads.namespace_prefix,
          },
          frontend: { acl: 'write', peering: 'write' },
        },
      },
      dc2: {
        operator: 'write',
        partition: {
          default: { acl: 'write', mesh: 'write', ...gatewayReads },
          backend: { acl: 'write', mesh: 'write', peering: 'write', namespace: { default: { service: { api: { policy: 'write', intentions: 'write' } } } } },
        },
      },
    });
  });

  test('the other examples: the L2 default example and the local lab as the default one; three clusters; the sameness group', () => {
    const defaultDocs = documentsOf('two-clusters');
    expect(documentsOf('two-clusters-l2')).toEqual(defaultDocs);
    expect(documentsOf('local-lab')).toEqual(defaultDocs);
    const withService = (name: string) => ({
      acl: 'write',
      mesh: 'write',
      peering: 'write',
      ...readiness,
      service: { ...readiness.service, [name]: { policy: 'write', intentions: 'write' } },
    });
    expect(documentsOf('three-clusters')).toEqual({ dc1: withService('ledger'), dc2: withService('api'), dc3: withService('payments') });
    const group = { partition: { default: { acl: 'write', mesh: 'write', peering: 'write', namespace: { default: { service: { api: { policy: 'write', intentions: 'write' } } } } } } };
    expect(documentsOf('sameness-group')).toEqual({ dc1: group, dc2: group });
  });

  test('a cluster whose defaults are managed elsewhere and that declares nothing needs no rule; reading creates nothing', () => {
    const stack = emptyStack();
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: 'a:1', manageMeshDefaults: false, edition: ConsulEdition.COMMUNITY });
    const before = stack.node.findAll().length;
    expect(dc1.operatorPolicyDocument().toJson()).toEqual({});
    expect(stack.node.findAll().length).toBe(before);
  });
});
