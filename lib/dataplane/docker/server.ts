import type * as containerL1 from '@cdktf/provider-docker/lib/container';
import { Construct } from 'constructs';
import { ConsulEdition } from '../../edition';
import { ValidationError } from '../../errors';
import { assertDatacenter } from '../../acl/names';
import { assertPort, hostnameLabel, parseVersion } from '../../private/validate';
import type { DockerHost } from './docker-host';
import type { IDockerNetwork } from './network';
import { dockerL1 } from './provider-docker';

/** Props of {@link ConsulServerContainer}. */
export interface ConsulServerContainerProps {
  /** The Docker host. */
  readonly host: DockerHost;
  /**
   * Datacenter the server bootstraps (Consul's rule: lower-case letters, digits, "-" and "_"). The container
   * is named `<datacenter>-server`; its hostname and Consul node name are the same with "_" turned into "-", since
   * hostnames and DNS-discoverable node names have no "_".
   */
  readonly datacenter: string;
  /** The cluster LAN the server joins. */
  readonly network: IDockerNetwork;
  /** The server's fixed address on it (client agents `retry_join` this). */
  readonly address: string;
  /**
   * Initial management token (`acl.tokens.initial_management`), from a sensitive variable. Uploaded as a
   * file, never in `command` or `env`. Also used as the server's agent token (lab only).
   */
  readonly managementToken: string;
  /** Host port the HTTP API (8500) is published on, for the Terraform consul provider. */
  readonly httpHostPort: number;
  /**
   * Host address the HTTP API is published on.
   * @default "127.0.0.1"
   */
  readonly httpHostIp?: string;
  /**
   * Consul version.
   * @default "1.22.5"
   */
  readonly consulVersion?: string;
  /**
   * Edition. Enterprise needs `license`.
   * @default ConsulEdition.COMMUNITY
   */
  readonly edition?: ConsulEdition;
  /**
   * Enterprise license (sensitive; uploaded as a file).
   * @default - none (Community Edition)
   */
  readonly license?: string;
}

/**
 * A single-node Consul server in Docker for a local lab: ACLs on (default deny) with a known management
 * token, Connect on, gRPC TLS on 8503 (peering; servers use certificates from their Connect CA for it),
 * peering on, HTTP API published on a fixed host port. Not for production: one server, no gossip
 * encryption, no TLS on the HTTP API.
 *
 * Creates a `docker_container` that Terraform waits on until it is healthy (it has elected itself leader),
 * and the host's shared `docker_image` of the official Consul image.
 */
export class ConsulServerContainer extends Construct {
  /** The `docker_container` L1. */
  public readonly resource: containerL1.Container;
  /** The server's LAN address. */
  public readonly address: string;
  /** `host:port` of the published HTTP API. */
  public readonly httpAddress: string;

  public constructor(scope: Construct, id: string, props: ConsulServerContainerProps) {
    super(scope, id);
    assertDatacenter('datacenter', props.datacenter, this);
    assertPort('httpHostPort', props.httpHostPort, 1, this);
    const version = props.consulVersion ?? '1.22.5';
    parseVersion('consulVersion', version, this);
    const edition = props.edition ?? ConsulEdition.COMMUNITY;
    if (edition === ConsulEdition.ENTERPRISE && props.license === undefined) {
      throw new ValidationError(this, {
        prop: 'license',
        problem: 'is not given, but edition is ENTERPRISE',
        fix: 'pass the license from a sensitive TerraformVariable',
      });
    }
    if (edition === ConsulEdition.COMMUNITY && props.license !== undefined) {
      // The license is a secret: its value is not shown.
      throw new ValidationError(this, {
        prop: 'license',
        problem: 'is set on a Community Edition server',
        fix: 'remove it or set edition: ConsulEdition.ENTERPRISE',
      });
    }
    props.network.claimAddress('address', props.address, this);
    const hostIp = props.httpHostIp ?? '127.0.0.1';
    props.host._claimHostPort('httpHostPort', hostIp, props.httpHostPort, this);
    this.address = props.address;
    this.httpAddress = `${hostIp}:${props.httpHostPort}`;

    const image = props.host.pulledImage(
      edition === ConsulEdition.ENTERPRISE ? `hashicorp/consul-enterprise:${version}-ent` : `hashicorp/consul:${version}`,
    );
    // A hostname (RFC 1123) and a DNS-discoverable node name (agent/config/builder.go warns about others) are DNS
    // labels: "dc_1" runs as host and node "dc-1-server". Docker itself takes "_" in a hostname again since 1.13
    // (moby/moby#28988), so this is for resolvers and Consul's DNS, not for Docker. The container keeps the
    // datacenter's own spelling, so two datacenters never share a container name.
    const hostname = `${hostnameLabel(props.datacenter)}-server`;
    const config = {
      datacenter: props.datacenter,
      node_name: hostname,
      server: true,
      bootstrap_expect: 1,
      data_dir: '/consul/data',
      bind_addr: props.address,
      advertise_addr: props.address,
      client_addr: '0.0.0.0',
      ui_config: { enabled: true },
      connect: { enabled: true },
      peering: { enabled: true },
      ports: { grpc_tls: 8503 },
      acl: { enabled: true, default_policy: 'deny', down_policy: 'extend-cache', enable_token_persistence: true },
      log_level: 'INFO',
      ...(props.license !== undefined ? { license_path: '/consul/config/license.hclic' } : {}),
    };
    const secrets = { acl: { tokens: { initial_management: props.managementToken, agent: props.managementToken } } };
    const uploads: containerL1.ContainerUpload[] = [
      { file: '/consul/config/server.json', content: JSON.stringify(config, null, 2) },
      { file: '/consul/config/secrets.json', content: JSON.stringify(secrets, null, 2), permissions: '0600' },
    ];
    if (props.license !== undefined) uploads.push({ file: '/consul/config/license.hclic', content: props.license, permissions: '0600' });
    this.resource = new (dockerL1(this).container.Container)(this, 'Resource', {
      name: `${props.datacenter}-server`,
      image: image.imageId,
      entrypoint: ['/bin/consul'],
      command: ['agent', '-config-dir=/consul/config'],
      hostname,
      restart: 'always',
      networksAdvanced: [{ name: props.network.attachmentName, ipv4Address: props.address }],
      ports: [{ internal: 8500, external: props.httpHostPort, ip: hostIp }],
      upload: uploads,
      healthcheck: {
        test: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1:8500/v1/status/leader | grep -q :'],
        interval: '5s',
        timeout: '3s',
        retries: 24,
        startPeriod: '5s',
      },
      wait: true,
      waitTimeout: 180,
      provider: props.host.provider,
    });
  }
}
