/*
 * The "twin" of benchmarks/topology.ts: the same Terraform configuration written without this library, with
 * the typed L1 classes of @cdktf/provider-consul and @cdktf/provider-docker only (what a user writes by hand).
 *
 * It was written from the library's own synthesized output: every value below is what the library writes
 * (policy rules, config entry bodies, agent config files, container arguments), spelled out as literals and
 * loops. Plain `Construct` scopes reproduce the library's construct paths, so every logical ID is the same,
 * and the JSON of the two apps is identical apart from the `//` metadata (benchmarks/bench.ts checks that
 * before timing anything). No Lazy values: a hand-written program knows every value when it creates a
 * resource, so it builds the data plane before the peerings that wait for it.
 *
 * Imports only this file's own helpers, cdktf, constructs and the provider packages (never ../lib).
 */
import * as path from 'path';
import * as aclPolicy from '@cdktf/provider-consul/lib/acl-policy';
import * as aclToken from '@cdktf/provider-consul/lib/acl-token';
import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import * as serviceDefaults from '@cdktf/provider-consul/lib/config-entry-service-defaults';
import * as serviceIntentions from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import * as tokenSecret from '@cdktf/provider-consul/lib/data-consul-acl-token-secret-id';
import * as serviceHealth from '@cdktf/provider-consul/lib/data-consul-service-health';
import * as peering from '@cdktf/provider-consul/lib/peering';
import * as peeringToken from '@cdktf/provider-consul/lib/peering-token';
import { ConsulProvider } from '@cdktf/provider-consul/lib/provider';
import * as container from '@cdktf/provider-docker/lib/container';
import * as image from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, AssetType, LocalBackend, TerraformAsset, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  BenchSize,
  DEMO_HEALTH_CHECK,
  DEMO_IMAGE,
  HTTP_PORT_BASE,
  LOCAL_BIND_PORT,
  SERVICE_PORT,
  STACK_NAME,
  STATE_FILE,
  dcId,
  dcName,
  gatewayLanAddress,
  gatewayWanAddress,
  peeringId,
  serverAddress,
  serviceAddress,
  svcId,
  svcName,
} from './names';

/** The Dockerfile of the Consul+Envoy image (the same file the library builds from). */
const DOCKER_CONTEXT = path.join(__dirname, '..', 'lib', 'dataplane', 'docker', 'context');
const CONSUL_ENVOY_IMAGE = 'cdktf-consul-peering/consul-envoy:1.22.5-envoy-1.35.8';
const GATEWAY_PORT = 8443;
const GATEWAY_RULES = JSON.stringify({
  agent_prefix: { '': { policy: 'read' } },
  mesh: 'write',
  node_prefix: { '': { policy: 'read' } },
  peering: 'read',
  service: { 'mesh-gateway': { policy: 'write' } },
  service_prefix: { '': { policy: 'read' } },
});

interface Cluster {
  readonly i: number;
  readonly dc: string;
  readonly scope: Construct;
  readonly partition: Construct;
  readonly provider: ConsulProvider;
  readonly mesh: configEntry.ConfigEntry;
  readonly gateway: Construct;
  readonly gatewayToken: Token;
  readonly services: Array<{ readonly scope: Construct; readonly token: Token }>;
  ready?: serviceHealth.DataConsulServiceHealth;
}

interface Token {
  readonly resource: aclToken.AclToken;
  /** Read `secret.secretId` once, where it is used (every read is a new reference token). */
  readonly secret: tokenSecret.DataConsulAclTokenSecretId;
}

interface DockerShared {
  readonly provider: DockerProvider;
  readonly consulEnvoyImageId: string;
  readonly appImageId: string;
}

/** Builds the twin's app for `size` (not synthesized). */
export function buildTwinApp(size: BenchSize, outdir: string): App {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, STACK_NAME);
  new LocalBackend(stack, { path: STATE_FILE });
  const n = size.clusters;

  // Provider blocks are written in construct-tree order: create the clusters in the order of their aliases.
  const order = Array.from({ length: n }, (_, k) => k + 1).sort((a, b) => (dcName(a) < dcName(b) ? -1 : 1));
  const clusters: Cluster[] = [];
  for (const i of order) clusters[i] = cluster(stack, i);

  // Services: tokens and service-defaults everywhere; intentions and exports on the called side.
  for (let i = 1; i <= n; i++) {
    const c = clusters[i];
    for (let j = 1; j <= size.services; j++) {
      const scope = new Construct(c.partition, svcId(j));
      const name = svcName(j);
      const token = newToken(new Construct(scope, 'Token'), c.provider, {
        description: `service "${name}" of ${c.dc}/default`,
        serviceIdentities: [{ serviceName: name }],
      });
      new serviceDefaults.ConfigEntryServiceDefaults(new Construct(scope, 'Defaults'), 'Resource', {
        name,
        protocol: 'http',
        expose: [{ checks: false }],
        meshGateway: [{ mode: '' }],
        transparentProxy: [{ outboundListenerPort: 0, dialedDirectly: false }],
        provider: c.provider,
      });
      if (i > 1) {
        new serviceIntentions.ConfigEntryServiceIntentions(new Construct(scope, 'Intentions'), 'Resource', {
          name,
          sources: [
            {
              name,
              peer: dcName(i - 1),
              action: 'allow',
              description: `${name} in ${dcName(i - 1)} may call ${name} (cdktf-consul-peering)`,
              precedence: 9,
              type: 'consul',
            },
          ],
          provider: c.provider,
        });
      }
      c.services.push({ scope, token });
    }
    if (i > 1) {
      const names = Array.from({ length: size.services }, (_, k) => svcName(k + 1)).sort();
      new configEntry.ConfigEntry(new Construct(c.partition, 'ExportedServices'), 'Resource', {
        kind: 'exported-services',
        name: 'default',
        configJson: JSON.stringify({ Services: names.map((name) => ({ Name: name, Consumers: [{ Peer: dcName(i - 1) }] })) }),
        provider: c.provider,
      });
    }
  }

  if (size.dataPlane) {
    const docker = dockerShared(stack);
    for (let i = 1; i <= n; i++) dataPlane(clusters[i], docker, size.services, i < n);
  }

  // The chain of peerings: dc<i+1> accepts, dc<i> dials; each side waits for its mesh entry and gateway.
  for (let i = 1; i < n; i++) {
    const acceptor = clusters[i + 1];
    const dialer = clusters[i];
    const scope = new Construct(stack, peeringId(i));
    const token = new peeringToken.PeeringToken(scope, 'Token', {
      peerName: dialer.dc,
      provider: acceptor.provider,
      dependsOn: acceptor.ready ? [acceptor.mesh, acceptor.ready] : [acceptor.mesh],
    });
    new peering.Peering(scope, 'Peering', {
      peerName: acceptor.dc,
      peeringToken: token.peeringToken,
      provider: dialer.provider,
      dependsOn: dialer.ready ? [dialer.mesh, dialer.ready] : [dialer.mesh],
    });
  }
  return app;
}

function cluster(stack: TerraformStack, i: number): Cluster {
  const dc = dcName(i);
  const scope = new Construct(stack, dcId(i));
  const variable = new TerraformVariable(stack, `${dc}_token`, { type: 'string', sensitive: true });
  const provider = new ConsulProvider(scope, 'Provider', {
    alias: dc,
    address: `127.0.0.1:${HTTP_PORT_BASE + i}`,
    datacenter: dc,
    token: variable.stringValue,
  });
  const partition = new Construct(new Construct(scope, 'Partitions'), 'default');
  const gateway = new Construct(partition, 'Gateway');
  const gatewayTokenScope = new Construct(gateway, 'Token');
  const policy = new aclPolicy.AclPolicy(new Construct(gatewayTokenScope, 'Policy'), 'Resource', {
    name: 'mesh-gateway-default',
    description: `Inline policy of ${STACK_NAME}/${dcId(i)}/Partitions/default/Gateway/Token (managed by cdktf)`,
    rules: GATEWAY_RULES,
    provider,
  });
  const gatewayToken = newToken(gatewayTokenScope, provider, {
    description: `mesh gateway "mesh-gateway" of ${dc}/default`,
    policies: [policy.name],
  });
  const mesh = new configEntry.ConfigEntry(new Construct(scope, 'Mesh'), 'Resource', {
    kind: 'mesh',
    name: 'mesh',
    configJson: JSON.stringify({ TransparentProxy: { MeshDestinationsOnly: false }, Peering: { PeerThroughMeshGateways: true } }),
    provider,
  });
  new configEntry.ConfigEntry(new Construct(scope, 'ProxyDefaults'), 'Resource', {
    kind: 'proxy-defaults',
    name: 'global',
    configJson: JSON.stringify({ Expose: {}, MeshGateway: { Mode: 'remote' }, TransparentProxy: {}, AccessLogs: {} }),
    provider,
  });
  return { i, dc, scope, partition, provider, mesh, gateway, gatewayToken, services: [] };
}

/** An ACL token (`<scope>/Resource`) and the data source that reads its secret (`<scope>/Secret`). */
function newToken(scope: Construct, provider: ConsulProvider, config: Omit<aclToken.AclTokenConfig, 'provider'>): Token {
  const resource = new aclToken.AclToken(scope, 'Resource', { ...config, provider });
  const secret = new tokenSecret.DataConsulAclTokenSecretId(scope, 'Secret', { accessorId: resource.accessorId, provider });
  return { resource, secret };
}

function dockerShared(stack: TerraformStack): DockerShared {
  const scope = new Construct(stack, 'Docker');
  const provider = new DockerProvider(scope, 'Provider', {});
  const consulEnvoy = new Construct(scope, 'ConsulEnvoy-1_22_5-community-default');
  const context = new TerraformAsset(consulEnvoy, 'Context', { path: DOCKER_CONTEXT, type: AssetType.DIRECTORY });
  const consulEnvoyImage = new image.Image(consulEnvoy, 'Resource', {
    name: CONSUL_ENVOY_IMAGE,
    keepLocally: true,
    buildAttribute: {
      context: context.path,
      buildArgs: { CONSUL_IMAGE: 'hashicorp/consul:1.22.5', ENVOY_IMAGE: 'envoyproxy/envoy:v1.35.8' },
      tag: [CONSUL_ENVOY_IMAGE],
    },
    triggers: { dockerfile: context.assetHash },
    provider,
  });
  const appImage = new image.Image(scope, `Image-${DEMO_IMAGE.replace(/[^A-Za-z0-9]+/g, '_')}`, {
    name: DEMO_IMAGE,
    keepLocally: true,
    provider,
  });
  return { provider, consulEnvoyImageId: consulEnvoyImage.imageId, appImageId: appImage.imageId };
}

/** The gateway's pod and its readiness check, and every service's pod, app and sidecar. */
function dataPlane(c: Cluster, docker: DockerShared, services: number, calls: boolean): void {
  const gatewayPlane = new Construct(c.gateway, 'DataPlane');
  const podName = `${c.dc}-default-gateway`;
  const lanAddress = gatewayLanAddress(c.i);
  const wanAddress = gatewayWanAddress(c.i);
  const gatewayDefinition = {
    service: {
      kind: 'mesh-gateway',
      id: 'mesh-gateway',
      name: 'mesh-gateway',
      address: lanAddress,
      port: GATEWAY_PORT,
      tagged_addresses: {
        lan: { address: lanAddress, port: GATEWAY_PORT },
        wan: { address: wanAddress, port: GATEWAY_PORT },
      },
      proxy: { config: { envoy_gateway_bind_tagged_addresses: true, envoy_gateway_no_default_bind: true } },
      checks: [{ name: 'mesh-gateway listening', tcp: `${lanAddress}:${GATEWAY_PORT}`, interval: '10s', deregister_critical_service_after: '6h' }],
    },
  };
  const gatewaySecretId = c.gatewayToken.secret.secretId;
  const gatewayPod = pod(gatewayPlane, c, docker, podName, lanAddress, [{ name: 'consul-wan', ipv4Address: wanAddress }], gatewaySecretId, {
    stem: 'mesh-gateway',
    document: gatewayDefinition,
  });
  const gatewayEnvoy = envoy(gatewayPlane, docker, gatewayPod, gatewaySecretId, [
    '-gateway=mesh',
    '-register',
    '-service',
    'mesh-gateway',
    '-address',
    `${lanAddress}:${GATEWAY_PORT}`,
    '-wan-address',
    `${wanAddress}:${GATEWAY_PORT}`,
  ]);
  c.ready = new serviceHealth.DataConsulServiceHealth(gatewayPlane, 'Ready', {
    name: 'mesh-gateway',
    passing: true,
    waitFor: '180s',
    dependsOn: [gatewayEnvoy],
    provider: c.provider,
  });

  for (let j = 1; j <= services; j++) {
    const service = c.services[j - 1];
    const name = svcName(j);
    const plane = new Construct(service.scope, 'DataPlane');
    const upstreams = calls
      ? [
          {
            destination_name: name,
            destination_peer: dcName(c.i + 1),
            local_bind_address: '127.0.0.1',
            local_bind_port: LOCAL_BIND_PORT,
            mesh_gateway: { mode: 'remote' },
          },
        ]
      : [];
    const definition = {
      service: {
        id: name,
        name,
        port: SERVICE_PORT,
        checks: [{ name: `${name} http`, http: `http://127.0.0.1:${SERVICE_PORT}/`, interval: '10s' }],
        connect: { sidecar_service: { port: 21000, proxy: { upstreams } } },
      },
    };
    const secretId = service.token.secret.secretId;
    const servicePod = pod(plane, c, docker, `${c.dc}-default-${name}`, serviceAddress(c.i, j), [], secretId, {
      stem: name,
      document: definition,
    });
    envoy(plane, docker, servicePod, secretId, ['-sidecar-for', name]);
    new container.Container(new Construct(plane, 'App'), 'Resource', {
      name: `${servicePod.podName}-app`,
      image: docker.appImageId,
      networkMode: servicePod.networkMode,
      restart: 'always',
      healthcheck: { test: DEMO_HEALTH_CHECK, interval: '10s', timeout: '5s', retries: 3 },
      provider: docker.provider,
    });
  }
}

interface Pod {
  readonly podName: string;
  readonly networkMode: string;
  readonly agent: container.Container;
}

/** A pause container holding the network namespace, and the client agent with its token and files. */
function pod(
  parent: Construct,
  c: Cluster,
  docker: DockerShared,
  podName: string,
  lanAddress: string,
  extraNetworks: container.ContainerNetworksAdvanced[],
  registrationSecretId: string,
  definition: { stem: string; document: unknown },
): Pod {
  const scope = new Construct(parent, 'Pod');
  const pause = new container.Container(scope, 'Pause', {
    name: `${podName}-pause`,
    image: docker.consulEnvoyImageId,
    entrypoint: ['sleep'],
    command: ['infinity'],
    hostname: podName,
    restart: 'always',
    networksAdvanced: [{ name: `${c.dc}-lan`, ipv4Address: lanAddress }, ...extraNetworks],
    healthcheck: { test: ['CMD', 'true'], interval: '30s', timeout: '5s', retries: 3 },
    provider: docker.provider,
  });
  const networkMode = `container:${pause.id}`;
  const agentToken = newToken(new Construct(scope, 'AgentToken'), c.provider, {
    description: `client agent ${podName} of ${c.dc}/default`,
    nodeIdentities: [{ nodeName: podName, datacenter: c.dc }],
  });
  const config = {
    datacenter: c.dc,
    node_name: podName,
    data_dir: '/consul/data',
    bind_addr: lanAddress,
    advertise_addr: lanAddress,
    client_addr: '127.0.0.1',
    retry_join: [serverAddress(c.i)],
    ports: { grpc: 8502, grpc_tls: -1 },
    acl: { enabled: true, default_policy: 'deny', down_policy: 'extend-cache', enable_token_persistence: true },
    log_level: 'INFO',
  };
  const secrets = { acl: { tokens: { agent: agentToken.secret.secretId, config_file_service_registration: registrationSecretId } } };
  const agent = new container.Container(scope, 'Agent', {
    name: `${podName}-agent`,
    image: docker.consulEnvoyImageId,
    entrypoint: ['/bin/consul'],
    command: ['agent', '-config-dir=/consul/config'],
    networkMode,
    restart: 'always',
    upload: [
      { file: '/consul/config/agent.json', content: JSON.stringify(config, null, 2) },
      { file: '/consul/config/secrets.json', content: JSON.stringify(secrets, null, 2), permissions: '0600' },
      { file: `/consul/config/${definition.stem}.json`, content: JSON.stringify(definition.document, null, 2) },
    ],
    healthcheck: { test: ['CMD', 'consul', 'members'], interval: '10s', timeout: '5s', retries: 6, startPeriod: '10s' },
    provider: docker.provider,
  });
  return { podName, networkMode, agent };
}

/** `consul connect envoy` in the pod, with the token as an uploaded file. */
function envoy(parent: Construct, docker: DockerShared, p: Pod, tokenSecretId: string, role: string[]): container.Container {
  const ready = "exec 3<>/dev/tcp/127.0.0.1/19000 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q LIVE <&3";
  return new container.Container(new Construct(parent, 'Envoy'), 'Resource', {
    name: `${p.podName}-envoy`,
    image: docker.consulEnvoyImageId,
    entrypoint: ['/bin/consul'],
    command: [
      'connect',
      'envoy',
      ...role,
      '-grpc-addr',
      'http://127.0.0.1:8502',
      '-http-addr',
      'http://127.0.0.1:8500',
      '-admin-bind',
      '127.0.0.1:19000',
      '-token-file',
      '/consul/tokens/envoy.token',
    ],
    networkMode: p.networkMode,
    restart: 'on-failure',
    upload: [{ file: '/consul/tokens/envoy.token', content: tokenSecretId, permissions: '0600' }],
    healthcheck: { test: ['CMD', 'bash', '-c', ready], interval: '10s', timeout: '5s', retries: 6, startPeriod: '15s' },
    dependsOn: [p.agent],
    provider: docker.provider,
  });
}
