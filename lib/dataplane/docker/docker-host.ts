import type * as imageL1 from '@cdktf/provider-docker/lib/image';
import type { DockerProvider, DockerProviderConfig } from '@cdktf/provider-docker/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from '../../errors';
import { ProviderClass, writtenInAliasOrder } from '../../private/provider-order';
import { KIND, register, registered } from '../../private/registry';
import { isUnresolved } from '../../private/validate';
import { dockerL1 } from './provider-docker';

/** Props of {@link DockerHost}. */
export interface DockerHostProps {
  /**
   * Docker daemon address (`unix:///var/run/docker.sock`, `ssh://user@host`, `tcp://host:2376`).
   * @default - DOCKER_HOST, else the local socket
   */
  readonly host?: string;
  /**
   * Alias of this host's `docker` provider block. Set one per host when there are several.
   * @default - no alias (the stack's default docker provider)
   */
  readonly providerAlias?: string;
}

/**
 * One Docker host the data plane runs on: its `docker` provider block, and the register of host ports
 * published on it, so two containers never publish the same host address and port.
 *
 * Creates one `docker` provider block.
 */
export class DockerHost extends Construct {
  /** The `docker` provider of this host. */
  public readonly provider: DockerProvider;
  private readonly published = new Map<string, IConstruct>();
  private readonly names = new Map<string, IConstruct>();

  public constructor(scope: Construct, id: string, props: DockerHostProps = {}) {
    super(scope, id);
    if (props.providerAlias !== undefined && !/^[a-zA-Z][a-zA-Z0-9_-]*$/.test(props.providerAlias)) {
      throw new ValidationError(this, {
        prop: 'providerAlias',
        value: props.providerAlias,
        problem: 'is not a Terraform identifier',
        fix: 'start with a letter and use letters, digits, "_" and "-"',
      });
    }
    this.provider = new (hostProviderClass(this))(this, 'Provider', { host: props.host, alias: props.providerAlias });
    register(TerraformStack.of(this), KIND.DOCKER_HOST, this);
    this.node.addValidation({
      validate: () => {
        const clash = registered<DockerHost>(TerraformStack.of(this), KIND.DOCKER_HOST).filter(
          (c) => c !== this && c.provider.alias === this.provider.alias,
        );
        if (clash.length === 0) return [];
        const hosts = [this, ...clash].map((h) => h.node.path).sort().join(' and ');
        const alias = this.provider.alias;
        return [
          ValidationError.message({
            prop: 'providerAlias',
            value: alias,
            problem: alias
              ? `is shared: Docker hosts ${hosts} both use the docker provider with this alias`
              : `is not set: Docker hosts ${hosts} both use the docker provider without an alias`,
            fix: 'give every host but one its own providerAlias',
          }),
        ];
      },
    });
  }

  /**
   * The `docker_image` that pulls `imageName` on this host, shared by every container that uses it (kept on
   * the host on destroy). Its construct id derives from the image name.
   */
  public pulledImage(imageName: string): imageL1.Image {
    const id = `Image-${imageName.replace(/[^A-Za-z0-9]+/g, '_')}`;
    const existing = this.node.tryFindChild(id) as imageL1.Image | undefined;
    if (existing) return existing;
    return new (dockerL1(this).image.Image)(this, id, { name: imageName, keepLocally: true, provider: this.provider });
  }

  /**
   * Reserves a pod or container name prefix on this host for `owner` (Docker container names are unique per
   * host, and an agent's node name is its pod's name); throws when another construct has it.
   * @internal
   */
  public _claimName(prop: string, name: string, owner: IConstruct): void {
    if (isUnresolved(name)) return;
    const holder = this.names.get(name);
    if (holder && holder !== owner) {
      throw new ValidationError(owner, {
        prop,
        value: name,
        problem: `is already used on Docker host ${this.node.path} by ${holder.node.path} (container and node names must be unique)`,
        fix: 'give the pod another name (for a service: another serviceName or namespace; pod names start with the datacenter with "_" as "-", so datacenters "a_b" and "a-b" clash: rename one)',
      });
    }
    this.names.set(name, owner);
  }

  /**
   * Reserves `hostIp:port` on this host for `owner`; throws when another construct already publishes it.
   * `0.0.0.0` collides with every address on the same port. `prop` is `owner`'s prop the port comes from.
   * @internal
   */
  public _claimHostPort(prop: string, hostIp: string, port: number, owner: IConstruct): void {
    if (isUnresolved(port)) return;
    for (const [key, holder] of this.published) {
      const [ip, p] = key.split('|');
      const clash = Number(p) === port && (ip === hostIp || ip === '0.0.0.0' || hostIp === '0.0.0.0');
      if (clash && holder !== owner) {
        throw new ValidationError(owner, {
          prop,
          value: `${hostIp}:${port}`,
          problem: `is already published on Docker host ${this.node.path} by ${holder.node.path}`,
          fix: 'pick another host port',
        });
      }
    }
    this.published.set(`${hostIp}|${port}`, owner);
  }
}

let hostProvider: ProviderClass<DockerProvider, DockerProviderConfig> | undefined;

/**
 * A Docker host's `docker` provider, whose block is written in alias order (see lib/private/provider-order.ts).
 * Made on first use: its base class comes from the optional `@cdktf/provider-docker` (see ./provider-docker.ts).
 */
function hostProviderClass(scope: Construct): ProviderClass<DockerProvider, DockerProviderConfig> {
  hostProvider ??= writtenInAliasOrder<DockerProvider, DockerProviderConfig>(dockerL1(scope).provider.DockerProvider, 'docker-host-provider', 'HostProvider');
  return hostProvider;
}
