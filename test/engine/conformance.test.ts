import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterPeering, ConsulCluster, ConsulEdition } from '../../lib';
import {
  CONFORMANCE_SUMMARY,
  collectServiceDefinitions,
  conformanceBinary,
  runConformance,
  synthesizedStackFiles,
  synthesizeExample,
  writeServiceDefinitions,
} from './conformance';

const FIXTURES = path.join(__dirname, 'fixtures', 'conformance');
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const fixture = (name: string) => path.join(FIXTURES, name);

/**
 * What the checker must decode for these stacks, counted independently of it: every config entry resource
 * (`consul_config_entry` and the typed `consul_config_entry_*`), every service definition (the constructs'
 * own, written to `constructDefinitions` files, and every JSON upload of a container holding "service" or
 * "services"), and every `consul_acl_policy`.
 */
function documentsIn(stackFiles: string[], constructDefinitions: number): [number, number, number] {
  let entries = 0;
  let definitions = constructDefinitions;
  let policies = 0;
  for (const file of stackFiles) {
    const resources: Record<string, Record<string, any>> = JSON.parse(fs.readFileSync(file, 'utf8')).resource ?? {};
    for (const [type, byName] of Object.entries(resources)) {
      const blocks = Object.values(byName);
      if (type === 'consul_config_entry' || type.startsWith('consul_config_entry_')) entries += blocks.length;
      if (type === 'consul_acl_policy') policies += blocks.length;
      if (type !== 'docker_container') continue;
      for (const block of blocks) {
        for (const upload of block.upload ?? []) {
          if (!String(upload.file).endsWith('.json') || typeof upload.content !== 'string') continue;
          try {
            const doc = JSON.parse(upload.content);
            if (doc.service) definitions += 1;
            if (Array.isArray(doc.services)) definitions += doc.services.length;
          } catch {
            // not JSON (e.g. a token file): not a service definition
          }
        }
      }
    }
  }
  return [entries, definitions, policies];
}

// The first build downloads github.com/hashicorp/consul/api through the Go module proxy.
beforeAll(() => {
  conformanceBinary();
}, 600_000);

describe('Consul conformance checker', () => {
  const failures: Array<{ name: string; files: string[]; serviceDefs: string[]; messages: RegExp[] }> = [
    {
      name: 'fails on a config entry with snake_case keys',
      files: ['mesh-snake-case.cdk.tf.json'],
      serviceDefs: [],
      messages: [
        /mesh-snake-case\.cdk\.tf\.json: consul_config_entry\.dc1_mesh_ABC: config_json\.peering: key "peering" must be spelled "Peering"/,
        /config_json\.peering\.peer_through_mesh_gateways: snake_case key "peer_through_mesh_gateways": the API field is "PeerThroughMeshGateways"/,
      ],
    },
    {
      name: 'fails on an exported-services entry with a misspelled field',
      files: ['exported-services-misspelled.cdk.tf.json'],
      serviceDefs: [],
      messages: [
        /consul_config_entry\.dc2_exports_ABC: config_json\.Services\[0\]\.Consumer: unknown key "Consumer" for api\.ExportedService \(did you mean "Consumers"\?\)/,
      ],
    },
    {
      name: 'fails on an upstream with a misspelled field',
      files: [],
      serviceDefs: ['upstream-misspelled.service.json'],
      messages: [
        /upstream-misspelled\.service\.json: service\.connect\.sidecar_service\.proxy\.upstreams\[0\]\.destination_peeer: unknown key "destination_peeer".*\(did you mean "destination_peer"\?\)/,
      ],
    },
    {
      name: 'fails on an ACL document with an unknown resource',
      files: ['acl-unknown-resource.cdk.tf.json'],
      serviceDefs: [],
      messages: [/consul_acl_policy\.web_policy_ABC: rules\.servce: unknown ACL resource "servce" \(did you mean "service"\?\)/],
    },
    {
      name: 'fails on an ACL document with intentions on a node rule',
      files: ['acl-intentions-on-node.cdk.tf.json'],
      serviceDefs: [],
      messages: [/consul_acl_policy\.ops_policy_ABC: rules\.node_prefix\[""\]\.intentions: "intentions" is only valid on service and service_prefix rules/],
    },
    {
      name: 'fails on HCL ACL rules',
      files: ['acl-hcl.cdk.tf.json'],
      serviceDefs: [],
      messages: [/consul_acl_policy\.hcl_policy_ABC: rules: is not JSON \(HCL rules are not expected/],
    },
    {
      name: 'fails on a Terraform interpolation inside config_json',
      files: ['config-entry-interpolation.cdk.tf.json'],
      serviceDefs: [],
      messages: [/config_json\.Services\[0\]\.Consumers\[0\]\.Peer: Terraform interpolation "\$\{var\.peer\}"/],
    },
    {
      name: 'fails on a config entry kind consul/api does not know',
      files: ['config-entry-unknown-kind.cdk.tf.json'],
      serviceDefs: [],
      messages: [/consul_config_entry\.dc1_thing_ABC: kind: unknown config entry kind "mesh-defaults"/],
    },
    {
      name: 'fails on typed config entries Consul refuses, attributes with no API field, and typed kinds it does not decode',
      files: ['typed-entries-invalid.cdk.tf.json'],
      serviceDefs: [],
      messages: [
        /consul_config_entry_service_intentions\.api_intentions_ABC: sources\[0\]: peer and partition are mutually exclusive on an intention source/,
        /consul_config_entry_service_intentions\.db_intentions_ABC: sources\[0\]\.peer_name: attribute "peer_name" has no field in api\.SourceIntention/,
        /consul_config_entry_service_defaults\.api_defaults_ABC: protocol: protocol "https" is not one of tcp, http, http2, grpc/,
        /consul_config_entry_service_defaults\.api_defaults_ABC: MeshGateway\.Mode: mesh gateway mode "nearby" is not one of/,
        /consul_config_entry_service_router\.api_router_ABC: the conformance checker does not decode consul_config_entry_service_router/,
      ],
    },
    {
      name: 'fails on an uploaded service definition that carries a token',
      files: ['upload-with-token.cdk.tf.json'],
      serviceDefs: [],
      messages: [/docker_container\.dc1_gateway_ABC\.upload\[0\] \(\/consul\/config\/mesh-gateway\.json\): service\.token: a service definition must not carry an ACL token/],
    },
  ];

  test.each(failures)('$name', ({ files, serviceDefs, messages }) => {
    const result = runConformance(files.map(fixture), serviceDefs.map(fixture));
    expect(result.ok).toBe(false);
    expect(result.stdout).toBe('');
    for (const m of messages) expect(result.stderr).toMatch(m);
  });

  test('passes mesh, proxy-defaults, exported-services, a gateway and a sidecar definition, and JSON ACL policies', () => {
    const result = runConformance([fixture('positive.cdk.tf.json')], [fixture('positive-sidecar.service.json')]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('consul conformance: decoded 3 config entries, 2 service definitions, 2 ACL documents\n');
    expect(result.ok).toBe(true);
  });
});

describe('collectServiceDefinitions', () => {
  class FakeService extends Construct {
    constructor(scope: Construct, id: string, private readonly address: string) {
      super(scope, id);
    }
    public get serviceDefinition(): object {
      return { service: { name: this.node.id, address: this.address, port: 8080 } };
    }
  }

  test('finds every construct with a serviceDefinition and resolves tokens', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-collect-')) });
    const stack = new TerraformStack(app, 'Stack');
    const address = new TerraformVariable(stack, 'Address', { type: 'string' });
    new FakeService(stack, 'web', '10.0.0.5');
    new FakeService(new Construct(stack, 'Group'), 'api', address.stringValue);
    new Construct(stack, 'Plain');

    const found = collectServiceDefinitions(app);

    expect(found).toEqual([
      { constructPath: 'Stack/web', definition: { service: { name: 'web', address: '10.0.0.5', port: 8080 } } },
      { constructPath: 'Stack/Group/api', definition: { service: { name: 'api', address: '${var.Address}', port: 8080 } } },
    ]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('every example', () => {
  test('produces config entries, service definitions and ACL documents that Consul decodes', () => {
    const examples = fs.existsSync(EXAMPLES)
      ? fs
          .readdirSync(EXAMPLES)
          .sort()
          .map((d) => path.join(EXAMPLES, d))
          .filter((d) => fs.existsSync(path.join(d, 'main.ts')) || fs.existsSync(path.join(d, 'main.js')))
      : [];
    if (examples.length === 0) {
      console.log('consul conformance: no examples/*/main.js found, nothing to cover');
      return;
    }
    const missing = examples.filter((d) => !fs.existsSync(path.join(d, 'main.js')));
    if (missing.length > 0) {
      throw new Error(`examples not compiled: ${missing.map((d) => path.basename(d)).join(', ')}; run \`npm run build\` first`);
    }

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-examples-'));
    const stackFiles: string[] = [];
    const serviceDefFiles: string[] = [];
    const lines: string[] = [];
    for (const dir of examples) {
      const example = synthesizeExample(dir, path.join(work, path.basename(dir)));
      if (example.stackFiles.length === 0) throw new Error(`example ${example.name} synthesized no stack`);
      stackFiles.push(...example.stackFiles);
      serviceDefFiles.push(...example.serviceDefFiles);
      // Each example on its own: the checker must have decoded every document the example holds, so a kind
      // it skipped would show as a count below what the stacks contain.
      const own = runConformance(example.stackFiles, example.serviceDefFiles);
      if (!own.ok) throw new Error(`Consul conformance failed for example ${example.name} (inputs kept in ${work}):\n${own.stderr}`);
      const m = CONFORMANCE_SUMMARY.exec(own.stdout.trim());
      expect(m).not.toBeNull();
      expect(m!.slice(1).map(Number)).toEqual(documentsIn(example.stackFiles, example.serviceDefFiles.length));
      lines.push(`${own.stdout.trim()}  [example ${example.name}]`);
    }

    const result = runConformance(stackFiles, serviceDefFiles);
    if (!result.ok) throw new Error(`Consul conformance failed for the examples (inputs kept in ${work}):\n${result.stderr}`);
    expect(result.stdout.trim()).toMatch(CONFORMANCE_SUMMARY);
    console.log([...lines, `${result.stdout.trim()}  [all examples]`].join('\n'));
    fs.rmSync(work, { recursive: true, force: true });
  }, 600_000);
});

describe('connections on Enterprise', () => {
  test('a partition-to-partition call and a peering between non-default partitions decode strictly', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-connections-'));
    const app = new App({ outdir: path.join(work, 'cdktf.out') });
    const stack = new TerraformStack(app, 'enterprise');
    const dc1 = new ConsulCluster(stack, 'Dc1', { datacenter: 'dc1', address: '127.0.0.1:8500', edition: ConsulEdition.ENTERPRISE });
    const dc2 = new ConsulCluster(stack, 'Dc2', { datacenter: 'dc2', address: '127.0.0.1:9500', edition: ConsulEdition.ENTERPRISE });
    const ap1 = dc1.addPartition('ap1');
    const ap2 = dc2.addPartition('ap2');
    let n = 10;
    for (const p of [dc1.defaultPartition, ap1, dc2.defaultPartition, ap2]) {
      p.addMeshGateway('Gateway', { lanAddress: `10.11.0.${n}`, wanAddress: `10.10.0.${n++}` });
    }
    const peering = new ClusterPeering(stack, 'Ap2Ap1', { acceptor: ap2, dialer: ap1 });
    const web = dc1.defaultPartition.addService('Web', { port: 9090 });
    const api = ap1.addService('Api', { port: 8080 });
    ap2.addNamespace('Data');
    const db = ap2.addService('Db', { port: 5432, namespace: 'data' });
    web.connectTo(api, { localBindPort: 9191 });
    api.connectTo(db, { via: peering, localBindPort: 15432 });
    app.synth();
    const result = runConformance(synthesizedStackFiles(app.outdir), writeServiceDefinitions(app, path.join(work, 'service-definitions')));
    if (!result.ok) throw new Error(`Consul conformance failed (inputs kept in ${work}):\n${result.stderr}`);
    // mesh + proxy-defaults per cluster, the exported-services entries of ap1 (to partition default) and ap2
    // (to peer), and the typed service-intentions of api (source in partition default) and db (source from peer).
    expect(result.stdout).toBe('consul conformance: decoded 8 config entries, 7 service definitions, 4 ACL documents\n');
    fs.rmSync(work, { recursive: true, force: true });
  });
});
