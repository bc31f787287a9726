import { App, TerraformVariable } from 'cdktf';
import {
  AclToken,
  AgentServiceDefinition,
  ClusterDataPlane,
  ConsulAgentPod,
  ConsulAgentPodProps,
  ConsulEdition,
  ConsulEnvoyImage,
  ConsulServerContainer,
  ConsulServerContainerProps,
  DataPlaneVersions,
  DockerHost,
  DockerNetwork,
  PeeringLabServers,
} from '../../../lib';
import { InvalidProgram } from '../corpus';
import { cluster, DEMO_APP, dockerOnly, meshStack, withDataPlane } from '../programs';

const WEB_POD = 'mesh/Dc1/Partitions/default/Web/DataPlane/Pod';
const GATEWAY_POD = 'mesh/Dc1/Partitions/default/Gateway/DataPlane/Pod';

/** A lab server "Server" for dc1 on the stack's LAN 10.11.0.0/24 (address .2, HTTP API on 8500) with `extra` props. */
function server(app: App, extra: Partial<ConsulServerContainerProps> = {}): void {
  const { stack, host, lan1 } = dockerOnly(app);
  new ConsulServerContainer(stack, 'Server', {
    host,
    datacenter: 'dc1',
    network: lan1,
    address: '10.11.0.2',
    managementToken: new TerraformVariable(stack, 'management_token', { type: 'string', sensitive: true }).stringValue,
    httpHostPort: 8500,
    ...extra,
  });
}

/** A pod built directly (ConsulAgentPod is public) in dc1's default partition, with `extra` props. */
function pod(app: App, extra: Partial<ConsulAgentPodProps> = {}): void {
  const { stack, host, lan1 } = dockerOnly(app);
  const dc1 = cluster(stack, 'Dc1', 'dc1');
  new ConsulAgentPod(stack, 'Pod', {
    partition: dc1.defaultPartition,
    host,
    image: new ConsulEnvoyImage(stack, 'Image', { provider: host.provider }),
    podName: 'custom',
    lan: { network: lan1, address: '10.11.0.30' },
    retryJoin: ['10.11.0.2'],
    registrationToken: new AclToken(stack, 'Token', { provider: dc1.provider, serviceIdentities: ['custom'] }),
    serviceDefinitions: [],
    ...extra,
  });
}

/** The lab's two clusters. */
const LAB = [
  { datacenter: 'dc1', lanSubnet: '10.11.0.0/24', httpHostPort: 8500 },
  { datacenter: 'dc2', lanSubnet: '10.12.0.0/24', httpHostPort: 9500 },
];

/** Docker hosts, networks, pods, containers, images, the data plane, and the peering lab. */
export const DATA_PLANE: InvalidProgram[] = [
  {
    name: 'docker: a pod of a cluster with ACLs without a registration token',
    rule: 'docker.pod-registration-token',
    build: (app) => pod(app, { registrationToken: undefined }),
    at: 'construct',
    path: 'mesh/Pod',
    prop: 'registrationToken',
    fix: 'pass the token of the gateway or service the pod runs',
    also: ['is missing, and cluster "dc1" runs with ACLs'],
  },
  // ---- DockerHost ----------------------------------------------------------------------------------
  {
    name: 'docker: host providerAlias with a dot',
    rule: 'docker.host-alias',
    build: (app) => new DockerHost(meshStack(app), 'Docker', { providerAlias: 'docker.1' }),
    at: 'construct',
    path: 'mesh/Docker',
    prop: 'providerAlias',
    value: 'docker.1',
    fix: 'start with a letter and use letters, digits, "_" and "-"',
  },
  {
    name: 'docker: two hosts without an alias',
    rule: 'docker.host-alias-shared',
    build: (app) => {
      const stack = meshStack(app);
      new DockerHost(stack, 'HostA');
      new DockerHost(stack, 'HostB', { host: 'ssh://lab@192.0.2.50' });
    },
    at: 'synth',
    path: 'mesh/HostA',
    prop: 'providerAlias',
    fix: 'give every host but one its own providerAlias',
    also: ['is not set: Docker hosts mesh/HostA and mesh/HostB both use the docker provider without an alias'],
    messages: 2,
  },
  {
    name: 'docker: two hosts with one alias',
    rule: 'docker.host-alias-shared',
    build: (app) => {
      const stack = meshStack(app);
      new DockerHost(stack, 'HostA', { providerAlias: 'lab' });
      new DockerHost(stack, 'HostB', { providerAlias: 'lab', host: 'ssh://lab@192.0.2.50' });
    },
    at: 'synth',
    path: 'mesh/HostB',
    prop: 'providerAlias',
    value: 'lab',
    fix: 'give every host but one its own providerAlias',
    messages: 2,
  },
  {
    name: 'docker: two servers publish one host port',
    rule: 'docker.host-port',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const token = new TerraformVariable(stack, 'management_token', { type: 'string', sensitive: true }).stringValue;
      const lan2 = new DockerNetwork(stack, 'Lan2', { host, networkName: 'dc2-lan', subnet: '10.12.0.0/24' });
      new ConsulServerContainer(stack, 'Server1', { host, datacenter: 'dc1', network: lan1, address: '10.11.0.2', managementToken: token, httpHostPort: 8500 });
      new ConsulServerContainer(stack, 'Server2', { host, datacenter: 'dc2', network: lan2, address: '10.12.0.2', managementToken: token, httpHostPort: 8500 });
    },
    at: 'construct',
    path: 'mesh/Server2',
    prop: 'httpHostPort',
    value: '127.0.0.1:8500',
    fix: 'pick another host port',
    also: ['is already published on Docker host mesh/Docker by mesh/Server1'],
  },
  {
    name: 'docker: a gateway publishes the host port of a server\'s API',
    rule: 'docker.host-port',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1');
      const token = new TerraformVariable(stack, 'management_token', { type: 'string', sensitive: true }).stringValue;
      new ConsulServerContainer(stack, 'Server', { host, datacenter: 'dc1', network: lan1, address: '10.11.0.2', managementToken: token, httpHostPort: 8443 });
      const gateway = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: '10.11.0.10', wanAddress: '192.0.2.10' });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] }).addGateway(gateway, { publishWanPort: true });
    },
    at: 'construct',
    path: GATEWAY_POD,
    prop: 'hostPort of pod "dc1-default-gateway"',
    value: '0.0.0.0:8443',
    fix: 'pick another host port',
    also: ['is already published on Docker host mesh/Docker by mesh/Server'],
  },
  {
    name: 'lab: two clusters on one HTTP host port',
    rule: 'docker.host-port',
    build: (app) =>
      new PeeringLabServers(meshStack(app), 'Lab', {
        clusters: [LAB[0], { ...LAB[1], httpHostPort: 8500 }],
        wanSubnet: '10.10.0.0/24',
        managementToken: 'lab-token',
      }),
    at: 'construct',
    path: 'mesh/Lab/dc2/Server',
    prop: 'httpHostPort',
    value: '127.0.0.1:8500',
    fix: 'pick another host port',
  },

  // ---- DockerNetwork and addresses -----------------------------------------------------------------
  {
    name: 'docker: network with an empty name',
    rule: 'docker.network-name',
    build: (app) => {
      const stack = meshStack(app);
      new DockerNetwork(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: '', subnet: '10.11.0.0/24' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'networkName',
    fix: 'give a non-empty value',
  },
  {
    name: 'docker: subnet without a prefix length',
    rule: 'docker.subnet',
    build: (app) => {
      const stack = meshStack(app);
      new DockerNetwork(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: 'dc1-lan', subnet: '10.11.0.0' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'subnet',
    value: '10.11.0.0',
    fix: 'use e.g. "10.11.0.0/24"',
    also: ['is not an IPv4 CIDR block with a /8 to /30 prefix and zero host bits'],
  },
  {
    name: 'docker: subnet with host bits set',
    rule: 'docker.subnet',
    build: (app) => {
      const stack = meshStack(app);
      new DockerNetwork(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: 'dc1-lan', subnet: '10.11.0.1/24' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'subnet',
    value: '10.11.0.1/24',
    fix: 'use e.g. "10.11.0.0/24"',
  },
  {
    name: 'docker: subnet /31',
    rule: 'docker.subnet',
    build: (app) => {
      const stack = meshStack(app);
      new DockerNetwork(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: 'dc1-lan', subnet: '10.11.0.0/31' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'subnet',
    value: '10.11.0.0/31',
    fix: 'use e.g. "10.11.0.0/24"',
  },
  {
    name: 'docker: imported network with an IPv6 subnet',
    rule: 'docker.subnet',
    build: (app) => {
      const stack = meshStack(app);
      DockerNetwork.fromNetworkAttributes(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: 'dc1-lan', subnet: 'fd00::/64' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'subnet',
    value: 'fd00::/64',
    fix: 'use e.g. "10.11.0.0/24"',
  },
  {
    name: 'lab: networksFor with a WAN subnet of 10.10.0.0/33',
    rule: 'docker.subnet',
    build: (app) => {
      const stack = meshStack(app);
      PeeringLabServers.networksFor(stack, new DockerHost(stack, 'Docker'), { clusters: LAB, wanSubnet: '10.10.0.0/33' });
    },
    at: 'construct',
    path: 'mesh/Wan',
    prop: 'subnet',
    value: '10.10.0.0/33',
    fix: 'use e.g. "10.11.0.0/24"',
  },
  {
    name: 'lab: a LAN subnet with host bits set',
    rule: 'docker.subnet',
    build: (app) =>
      new PeeringLabServers(meshStack(app), 'Lab', { clusters: [{ ...LAB[0], lanSubnet: '10.11.0.2/24' }, LAB[1]], wanSubnet: '10.10.0.0/24', managementToken: 'lab-token' }),
    at: 'construct',
    path: 'mesh/Lab/dc1/Lan',
    prop: 'subnet',
    value: '10.11.0.2/24',
    fix: 'use e.g. "10.11.0.0/24"',
  },
  {
    name: 'docker: network gateway outside the subnet',
    rule: 'docker.network-gateway',
    build: (app) => {
      const stack = meshStack(app);
      new DockerNetwork(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: 'dc1-lan', subnet: '10.11.0.0/24', gateway: '10.12.0.1' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'gateway',
    value: '10.12.0.1',
    fix: 'pick an address inside 10.11.0.0/24 other than its network and broadcast addresses',
  },
  {
    name: 'docker: network gateway on the broadcast address',
    rule: 'docker.network-gateway',
    build: (app) => {
      const stack = meshStack(app);
      new DockerNetwork(stack, 'Lan', { host: new DockerHost(stack, 'Docker'), networkName: 'dc1-lan', subnet: '10.11.0.0/24', gateway: '10.11.0.255' });
    },
    at: 'construct',
    path: 'mesh/Lan',
    prop: 'gateway',
    value: '10.11.0.255',
    fix: 'pick an address inside 10.11.0.0/24',
  },
  {
    name: 'docker: pod address from a Terraform variable',
    rule: 'docker.address-literal',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      const address = new TerraformVariable(p.stack, 'web_address', { type: 'string' }).stringValue;
      p.plane1.addService(p.web, { address });
    },
    at: 'construct',
    path: WEB_POD,
    prop: 'address of pod "dc1-default-web"',
    fix: 'give the address as a string, not a Terraform reference',
    also: ['must be a literal IPv4 address on network "dc1-lan" so it is known at plan time'],
  },
  {
    name: 'docker: service address outside the LAN',
    rule: 'docker.address-in-subnet',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.12.0.20' });
    },
    at: 'construct',
    path: WEB_POD,
    prop: 'address of pod "dc1-default-web"',
    value: '10.12.0.20',
    fix: 'pick an address inside 10.11.0.0/24 other than its network and broadcast addresses',
    also: ['is not a host address in subnet 10.11.0.0/24 of network "dc1-lan"'],
  },
  {
    name: 'docker: gateway lanAddress that is a host name',
    rule: 'docker.address-in-subnet',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1');
      const wan = new DockerNetwork(stack, 'Wan', { host, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
      const gateway = dc1.defaultPartition.addMeshGateway('Gateway', { lanAddress: 'gateway.dc1.internal', wanAddress: '10.10.0.11' });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] }).addGateway(gateway, { wan });
    },
    at: 'construct',
    path: GATEWAY_POD,
    prop: 'address of pod "dc1-default-gateway"',
    value: 'gateway.dc1.internal',
    fix: 'pick an address inside 10.11.0.0/24',
  },
  {
    name: 'docker: server address on the network address',
    rule: 'docker.address-in-subnet',
    build: (app) => server(app, { address: '10.11.0.0' }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'address',
    value: '10.11.0.0',
    fix: 'pick an address inside 10.11.0.0/24',
  },
  {
    name: 'docker: server address is the network gateway',
    rule: 'docker.address-is-gateway',
    build: (app) => server(app, { address: '10.11.0.1' }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'address',
    value: '10.11.0.1',
    fix: 'pick another address in 10.11.0.0/24',
    also: ['is the gateway of network "dc1-lan"'],
  },
  {
    name: 'docker: a service pod on the gateway pod\'s address',
    rule: 'docker.address-taken',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addGateway(p.gw1, { wan: p.wan });
      p.plane1.addService(p.web, { address: '10.11.0.10' });
    },
    at: 'construct',
    path: WEB_POD,
    prop: 'address of pod "dc1-default-web"',
    value: '10.11.0.10',
    fix: 'give each pod its own address',
    also: [`on network "dc1-lan" is already used by ${GATEWAY_POD}`],
  },
  {
    name: 'docker: two gateways with one WAN address',
    rule: 'docker.address-taken',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      const gw = p.dc1.defaultPartition.addMeshGateway('Gateway2', { lanAddress: '10.11.0.11', wanAddress: '10.10.0.11' });
      p.plane1.addGateway(p.gw1, { wan: p.wan });
      p.plane1.addGateway(gw, { wan: p.wan });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway2/DataPlane/Pod',
    prop: 'address of pod "dc1-default-gateway2"',
    value: '10.10.0.11',
    fix: 'give each pod its own address',
  },

  // ---- pods ----------------------------------------------------------------------------------------
  {
    name: 'docker: pod name longer than a DNS label',
    rule: 'docker.pod-name',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1');
      const web = dc1.defaultPartition.addService('Web', { port: 9090, serviceName: 'inventory-reconciliation-and-settlement-batch-worker-v2' });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] }).addService(web, { address: '10.11.0.20' });
    },
    at: 'construct',
    path: WEB_POD,
    prop: 'podName',
    value: 'dc1-default-inventory-reconciliation-and-settlement-batch-worker-v2',
    fix: '1-63 characters',
  },
  {
    name: 'docker: pod without servers to join',
    rule: 'docker.retry-join-empty',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1');
      const web = dc1.defaultPartition.addService('Web', { port: 9090 });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: dc1, host, lan: lan1, retryJoin: [] }).addService(web, { address: '10.11.0.20' });
    },
    at: 'construct',
    path: WEB_POD,
    prop: 'retryJoin',
    fix: 'give the LAN addresses of the cluster\'s servers, e.g. ["10.11.0.2"]',
    also: ['is empty'],
  },
  {
    name: 'docker: service port used by the agent\'s HTTP API',
    rule: 'docker.pod-port',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.dc1.defaultPartition.addService('Admin', { port: 8500 }), { address: '10.11.0.21' });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Admin/DataPlane/Pod',
    prop: 'port',
    value: 8500,
    fix: 'pick another port (the pod shares one network namespace)',
    also: ['for service "admin" in pod "dc1-default-admin" is already used by agent HTTP API'],
  },
  {
    name: 'docker: Envoy admin port on the sidecar port',
    rule: 'docker.pod-port',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', adminPort: 21000 });
    },
    at: 'construct',
    path: WEB_POD,
    prop: 'port',
    value: 21000,
    fix: 'pick another port',
    also: ['for Envoy admin (sidecar of web) in pod "dc1-default-web" is already used by sidecar of "web"'],
  },
  {
    name: 'docker: gateway port on the agent\'s gRPC port',
    rule: 'docker.pod-port',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      const gw = p.dc1.defaultPartition.addMeshGateway('Gateway2', { lanAddress: '10.11.0.11', wanAddress: '10.10.0.21', lanPort: 8502 });
      p.plane1.addGateway(gw, { wan: p.wan });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway2/DataPlane/Pod',
    prop: 'port',
    value: 8502,
    fix: 'pick another port',
    also: ['for mesh gateway listener in pod "dc1-default-gateway2" is already used by agent gRPC (xDS)'],
  },
  {
    name: 'docker: Envoy adminPort 0',
    rule: 'docker.envoy-admin-port',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', adminPort: 0 });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane/Envoy',
    prop: 'adminPort',
    value: 0,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'docker: pod publishes containerPort 0',
    rule: 'docker.published-port',
    build: (app) => pod(app, { publishedPorts: [{ containerPort: 0, hostPort: 8080 }] }),
    at: 'construct',
    path: 'mesh/Pod',
    prop: 'containerPort',
    value: 0,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'docker: pod publishes hostPort 70000',
    rule: 'docker.published-port',
    build: (app) => pod(app, { publishedPorts: [{ containerPort: 8080, hostPort: 70000 }] }),
    at: 'construct',
    path: 'mesh/Pod',
    prop: 'hostPort',
    value: 70000,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'docker: two service definitions in one file',
    rule: 'docker.pod-files',
    build: (app) => pod(app, { serviceDefinitions: [AgentServiceDefinition.fromDocument('extra', {}), AgentServiceDefinition.fromDocument('extra', {})] }),
    at: 'construct',
    path: 'mesh/Pod',
    prop: 'serviceDefinitions',
    value: 'extra',
    fix: 'give every definition its own file stem',
  },
  {
    name: 'docker: a service definition in the agent\'s own file',
    rule: 'docker.pod-files',
    build: (app) => pod(app, { serviceDefinitions: [AgentServiceDefinition.fromDocument('secrets', {})] }),
    at: 'construct',
    path: 'mesh/Pod',
    prop: 'serviceDefinitions',
    value: 'secrets',
    fix: 'give every definition its own file stem',
    also: ["(agent.json and secrets.json are the agent's own)"],
  },

  // ---- app containers ------------------------------------------------------------------------------
  {
    name: 'docker: app with an empty image',
    rule: 'docker.app-image',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', app: { ...DEMO_APP, image: '' } });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane/App',
    prop: 'image',
    fix: 'give a non-empty value',
  },
  {
    name: 'docker: app image without a tag',
    rule: 'docker.app-image-tag',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', app: { ...DEMO_APP, image: 'nginx' } });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane/App',
    prop: 'image',
    value: 'nginx',
    fix: 'pin one, e.g. "nginx:1.0.0"',
    also: ['has no tag or digest'],
  },
  {
    name: 'docker: app image from a registry with a port but no tag',
    rule: 'docker.app-image-tag',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', app: { ...DEMO_APP, image: 'registry.local:5000/team/web' } });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane/App',
    prop: 'image',
    value: 'registry.local:5000/team/web',
    fix: 'pin one',
  },
  {
    name: 'docker: app without a health check',
    rule: 'docker.app-health-check',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', app: { image: 'nginx:1.27-alpine', healthCheck: [] } });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane/App',
    prop: 'healthCheck',
    fix: 'give a command in Docker\'s form',
    also: ['is empty'],
  },
  {
    name: 'docker: app environment with the service token',
    rule: 'docker.app-env-reference',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.web, { address: '10.11.0.20', app: { ...DEMO_APP, environment: { CONSUL_TOKEN: p.web.tokenSecretId! } } });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane/App',
    prop: 'environment.CONSUL_TOKEN',
    fix: 'pass literal, non-secret values only',
    also: ['is a Terraform reference'],
  },

  // ---- lab servers ---------------------------------------------------------------------------------
  {
    name: 'docker: upper-case server datacenter',
    rule: 'docker.server-datacenter',
    build: (app) => server(app, { datacenter: 'DC1' }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'datacenter',
    value: 'DC1',
    fix: 'use lower-case letters, digits, "-" and "_" (e.g. "dc1")',
  },
  {
    name: 'docker: server httpHostPort 0',
    rule: 'docker.server-http-port',
    build: (app) => server(app, { httpHostPort: 0 }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'httpHostPort',
    value: 0,
    fix: 'use an integer from 1 to 65535',
  },
  {
    name: 'docker: server consulVersion "latest"',
    rule: 'version.format',
    build: (app) => server(app, { consulVersion: 'latest' }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'consulVersion',
    value: 'latest',
    fix: 'use "major.minor.patch" without a "v"',
  },
  {
    name: 'docker: Enterprise server without a license',
    rule: 'docker.server-license',
    build: (app) => server(app, { edition: ConsulEdition.ENTERPRISE }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'license',
    fix: 'pass the license from a sensitive TerraformVariable',
    also: ['is not given, but edition is ENTERPRISE'],
  },
  {
    name: 'docker: license on a Community server',
    rule: 'docker.server-license',
    build: (app) => server(app, { license: 'not-a-real-license' }),
    at: 'construct',
    path: 'mesh/Server',
    prop: 'license',
    fix: 'remove it or set edition: ConsulEdition.ENTERPRISE',
    also: ['is set on a Community Edition server'],
  },

  // ---- images and versions -------------------------------------------------------------------------
  {
    name: 'image: Envoy version Consul 1.22 does not support',
    rule: 'image.envoy-pair',
    build: (app) => {
      const host = new DockerHost(meshStack(app), 'Docker');
      new ConsulEnvoyImage(host, 'Image', { envoyVersion: '1.29.0', provider: host.provider });
    },
    at: 'construct',
    path: 'mesh/Docker/Image',
    prop: 'envoyVersion',
    value: '1.29.0',
    fix: 'pick a supported version, e.g. "1.35.8"',
    also: ['is not supported by Consul 1.22.x Community Edition (supported: 1.38.x, 1.37.x, 1.35.x)'],
  },
  {
    name: 'image: Envoy 1.37 with Consul Enterprise 1.22',
    rule: 'image.envoy-pair',
    build: (app) => {
      const host = new DockerHost(meshStack(app), 'Docker');
      new ConsulEnvoyImage(host, 'Image', { envoyVersion: '1.37.2', edition: ConsulEdition.ENTERPRISE, provider: host.provider });
    },
    at: 'construct',
    path: 'mesh/Docker/Image',
    prop: 'envoyVersion',
    value: '1.37.2',
    fix: 'pick a supported version',
    also: ['Enterprise (supported: 1.35.x, 1.34.x, 1.33.x)'],
  },
  {
    name: 'data plane: envoyVersion the cluster\'s Consul does not support',
    rule: 'image.envoy-pair',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: cluster(stack, 'Dc1', 'dc1'), host, lan: lan1, retryJoin: ['10.11.0.2'], envoyVersion: '1.30.0' });
    },
    at: 'construct',
    path: 'mesh/Docker/ConsulEnvoy-1_22_5-community-1_30_0',
    prop: 'envoyVersion',
    value: '1.30.0',
    fix: 'pick a supported version',
  },
  {
    name: 'image: Consul version outside the compatibility matrix',
    rule: 'image.consul-minor',
    build: (app) => {
      const host = new DockerHost(meshStack(app), 'Docker');
      new ConsulEnvoyImage(host, 'Image', { consulVersion: '1.23.0', envoyVersion: '1.35.8', provider: host.provider });
    },
    at: 'construct',
    path: 'mesh/Docker/Image',
    prop: 'consulVersion',
    value: '1.23.0',
    fix: 'use a listed Consul version or update DataPlaneVersions',
    also: ['is not in the Consul/Envoy compatibility matrix (known: 1.19.x, 1.20.x, 1.21.x, 1.22.x)'],
  },
  {
    name: 'data plane: cluster on a Consul version outside the matrix',
    rule: 'image.consul-minor',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1', { consulVersion: '1.23.1' });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'] });
    },
    at: 'construct',
    path: 'mesh/Docker/ConsulEnvoy-1_23_1-community-default',
    prop: 'consulVersion',
    value: '1.23.1',
    fix: 'use a listed Consul version',
  },
  {
    name: 'image: consulVersion with a leading v',
    rule: 'version.format',
    build: (app) => {
      const host = new DockerHost(meshStack(app), 'Docker');
      new ConsulEnvoyImage(host, 'Image', { consulVersion: 'v1.22.5', provider: host.provider });
    },
    at: 'construct',
    path: 'mesh/Docker/Image',
    prop: 'consulVersion',
    value: 'v1.22.5',
    fix: 'use "major.minor.patch" without a "v"',
  },
  {
    name: 'image: envoyVersion with two parts (reported without a construct path)',
    rule: 'version.format',
    build: (app) => {
      const host = new DockerHost(meshStack(app), 'Docker');
      new ConsulEnvoyImage(host, 'Image', { envoyVersion: '1.35', provider: host.provider });
    },
    at: 'construct',
    path: '',
    prop: 'envoyVersion',
    value: '1.35',
    fix: 'use "major.minor.patch" without a "v"',
  },
  {
    name: 'versions: DataPlaneVersions.supportedEnvoyMinors of "1.22"',
    rule: 'version.format',
    build: () => DataPlaneVersions.supportedEnvoyMinors('1.22', ConsulEdition.COMMUNITY),
    at: 'construct',
    path: '',
    prop: 'consulVersion',
    value: '1.22',
    fix: 'use "major.minor.patch"',
  },

  // ---- ClusterDataPlane ----------------------------------------------------------------------------
  {
    name: 'data plane: LAN of another Docker host',
    rule: 'dataplane.lan-host',
    build: (app) => {
      const { stack, lan1 } = dockerOnly(app);
      const other = new DockerHost(stack, 'Remote', { providerAlias: 'remote', host: 'ssh://lab@192.0.2.50' });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: cluster(stack, 'Dc1', 'dc1'), host: other, lan: lan1, retryJoin: ['10.11.0.2'] });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'lan',
    value: 'dc1-lan',
    fix: 'use a network of that host',
    also: ['is a network on another Docker host than host mesh/Remote'],
  },
  {
    name: 'data plane: retryJoin outside the LAN',
    rule: 'dataplane.retry-join',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: cluster(stack, 'Dc1', 'dc1'), host, lan: lan1, retryJoin: ['10.12.0.2'] });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'retryJoin',
    value: '10.12.0.2',
    fix: "give the servers' LAN addresses",
    also: ['is not on the LAN network "dc1-lan" (10.11.0.0/24)'],
  },
  {
    name: 'data plane: retryJoin with a host name',
    rule: 'dataplane.retry-join',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: cluster(stack, 'Dc1', 'dc1'), host, lan: lan1, retryJoin: ['consul-server'] });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'retryJoin',
    value: 'consul-server',
    fix: "give the servers' LAN addresses",
  },
  {
    name: 'data plane: Community image for an Enterprise cluster',
    rule: 'dataplane.image-edition',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const dc1 = cluster(stack, 'Dc1', 'dc1', { edition: ConsulEdition.ENTERPRISE });
      const image = new ConsulEnvoyImage(stack, 'Image', { provider: host.provider });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: dc1, host, lan: lan1, retryJoin: ['10.11.0.2'], image });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'image',
    value: 'cdktf-consul-peering/consul-envoy:1.22.5-envoy-1.35.8',
    fix: 'use a ConsulEnvoyImage with edition ConsulEdition.ENTERPRISE',
    also: ['is built for Consul community but cluster "dc1" runs enterprise'],
  },
  {
    name: 'data plane: image of another Consul version',
    rule: 'dataplane.image-version',
    build: (app) => {
      const { stack, host, lan1 } = dockerOnly(app);
      const image = new ConsulEnvoyImage(stack, 'Image', { consulVersion: '1.21.3', provider: host.provider });
      new ClusterDataPlane(stack, 'Dc1DataPlane', { cluster: cluster(stack, 'Dc1', 'dc1'), host, lan: lan1, retryJoin: ['10.11.0.2'], image });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'image',
    value: 'cdktf-consul-peering/consul-envoy:1.21.3-envoy-1.35.8',
    fix: 'build the image with consulVersion "1.22.5"',
    also: ['carries Consul 1.21.3 but cluster "dc1" runs 1.22.5'],
  },
  {
    name: 'data plane: a gateway of another cluster',
    rule: 'dataplane.own-cluster',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addGateway(p.gw2, { wan: p.wan });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'gateway',
    value: 'mesh/Dc2/Partitions/default/Gateway',
    fix: "use that cluster's ClusterDataPlane",
    also: ['belongs to cluster "dc2", not "dc1"'],
  },
  {
    name: 'data plane: a service of another cluster',
    rule: 'dataplane.own-cluster',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addService(p.api, { address: '10.11.0.21' });
    },
    at: 'construct',
    path: 'mesh/Dc1DataPlane',
    prop: 'service',
    value: 'api',
    fix: "use that cluster's ClusterDataPlane",
  },
  {
    name: 'data plane: WAN network of another Docker host',
    rule: 'dataplane.wan-host',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      const remote = new DockerHost(p.stack, 'Remote', { providerAlias: 'remote', host: 'ssh://lab@192.0.2.50' });
      const wan = new DockerNetwork(p.stack, 'RemoteWan', { host: remote, networkName: 'consul-wan', subnet: '10.10.0.0/24' });
      p.plane1.addGateway(p.gw1, { wan });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway/DataPlane',
    prop: 'wan',
    value: 'consul-wan',
    fix: 'use a network of host mesh/Docker',
  },
  {
    name: 'data plane: gateway wanAddress outside the WAN network',
    rule: 'dataplane.wan-unreachable',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      const wan = new DockerNetwork(p.stack, 'Wan2', { host: p.host, networkName: 'consul-wan-2', subnet: '10.20.0.0/24' });
      p.plane1.addGateway(p.gw1, { wan });
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway/DataPlane',
    prop: 'wanAddress',
    value: '10.10.0.11',
    fix: "give a wanAddress in the WAN network's subnet, or set publishWanPort: true with the Docker host's address as wanAddress",
    also: ['of the gateway is not in the WAN network "consul-wan-2" (10.20.0.0/24)'],
  },
  {
    name: 'data plane: gateway with neither a WAN network nor a published port',
    rule: 'dataplane.wan-unreachable',
    build: (app) => {
      const p = withDataPlane(app, { run: false });
      p.plane1.addGateway(p.gw1);
    },
    at: 'construct',
    path: 'mesh/Dc1/Partitions/default/Gateway/DataPlane',
    prop: 'wanAddress',
    value: '10.10.0.11',
    fix: 'or set publishWanPort: true',
    also: ['is not on any network of its pod, and its port is not published, so other clusters cannot reach it'],
  },
  {
    name: 'data plane: upstream on the Envoy admin port (connectTo after addService)',
    rule: 'dataplane.upstream-port-in-pod',
    build: (app) => {
      const p = withDataPlane(app, { connect: false });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 19000 });
    },
    at: 'synth',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane',
    prop: 'localBindPort',
    value: 19000,
    fix: 'pick another localBindPort (the pod shares one network namespace)',
    also: ['of upstream "api" of service "web" is already used in pod "dc1-default-web" by Envoy admin (sidecar of web)'],
  },
  {
    name: 'data plane: upstream on the agent\'s gRPC port (connectTo before addService)',
    rule: 'dataplane.upstream-port-in-pod',
    build: (app) => {
      const p = withDataPlane(app, { connect: false, run: false });
      p.web.connectTo(p.api, { via: p.peering, localBindPort: 8502 });
      p.plane1.addGateway(p.gw1, { wan: p.wan });
      p.plane2.addGateway(p.gw2, { wan: p.wan });
      p.plane1.addService(p.web, { address: '10.11.0.20' });
    },
    at: 'synth',
    path: 'mesh/Dc1/Partitions/default/Web/DataPlane',
    prop: 'localBindPort',
    value: 8502,
    fix: 'pick another localBindPort',
    also: ['is already used in pod "dc1-default-web" by agent gRPC (xDS)'],
  },

  // ---- PeeringLabServers ---------------------------------------------------------------------------
  {
    name: 'lab: one cluster',
    rule: 'lab.clusters',
    build: (app) => new PeeringLabServers(meshStack(app), 'Lab', { clusters: [LAB[0]], wanSubnet: '10.10.0.0/24', managementToken: 'lab-token' }),
    at: 'construct',
    path: 'mesh/Lab',
    prop: 'clusters',
    fix: 'give at least two clusters',
    also: ['has 1 entry, but a peering lab needs at least two'],
  },
  {
    name: 'lab: datacenter with a dot',
    rule: 'lab.datacenter',
    build: (app) =>
      new PeeringLabServers(meshStack(app), 'Lab', { clusters: [{ ...LAB[0], datacenter: 'dc.1' }, LAB[1]], wanSubnet: '10.10.0.0/24', managementToken: 'lab-token' }),
    at: 'construct',
    path: 'mesh/Lab',
    prop: 'datacenter',
    value: 'dc.1',
    fix: 'e.g. "dc-1"',
  },
  {
    name: 'lab: one datacenter twice',
    rule: 'lab.datacenter-repeated',
    build: (app) =>
      new PeeringLabServers(meshStack(app), 'Lab', { clusters: [LAB[0], { ...LAB[1], datacenter: 'dc1' }], wanSubnet: '10.10.0.0/24', managementToken: 'lab-token' }),
    at: 'construct',
    path: 'mesh/Lab',
    prop: 'datacenter',
    value: 'dc1',
    fix: 'give each cluster its own name',
    also: ['appears twice in clusters'],
  },
  {
    name: 'lab: a LAN subnet that is the WAN subnet',
    rule: 'lab.lan-is-wan',
    build: (app) =>
      new PeeringLabServers(meshStack(app), 'Lab', { clusters: [{ ...LAB[0], lanSubnet: '10.10.0.0/24' }, LAB[1]], wanSubnet: '10.10.0.0/24', managementToken: 'lab-token' }),
    at: 'construct',
    path: 'mesh/Lab',
    prop: 'lanSubnet',
    value: '10.10.0.0/24',
    fix: 'give each network its own subnet',
    also: ['of cluster "dc1" is the WAN subnet'],
  },
  {
    name: 'lab: serverAddress of a spec without a prefix length',
    rule: 'lab.server-address',
    build: () => PeeringLabServers.serverAddress({ datacenter: 'dc1', lanSubnet: '10.11.0.0', httpHostPort: 8500 }),
    at: 'construct',
    path: '',
    prop: 'lanSubnet',
    value: '10.11.0.0',
    fix: 'use e.g. "10.11.0.0/24"',
    also: ['of cluster "dc1" is not an IPv4 CIDR block'],
  },
];
