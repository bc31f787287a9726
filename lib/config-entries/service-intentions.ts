import * as intentionsL1 from '@cdktf/provider-consul/lib/config-entry-service-intentions';
import { Lazy, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { assertDnsLabel, compareStrings } from '../private/validate';

/** What an intention does with matching traffic. */
export enum IntentionAction {
  /** Let the source connect. */
  ALLOW = 'allow',
  /** Refuse the source. */
  DENY = 'deny',
}

/**
 * The source of an intention: a local service, or a service of a cluster peer.
 *
 * @example
 * IntentionSource.peerService('dc1', 'web') // 'dc1' is the destination cluster's local name for the caller's cluster
 */
export class IntentionSource {
  /** A service in the destination's own cluster (and, on Enterprise, optionally another namespace). */
  public static service(serviceName: string, namespace?: string): IntentionSource {
    assertDnsLabel('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
    return new IntentionSource(serviceName, undefined, namespace);
  }

  /**
   * A service of a cluster peer. `peerName` is the *destination* cluster's local name for the peer
   * where the caller runs.
   */
  public static peerService(peerName: string, serviceName: string, namespace?: string): IntentionSource {
    assertDnsLabel('peerName', peerName);
    assertDnsLabel('serviceName', serviceName);
    if (namespace !== undefined) assertDnsLabel('namespace', namespace);
    return new IntentionSource(serviceName, peerName, namespace);
  }

  private constructor(
    /** Source service name. */
    public readonly serviceName: string,
    /** Peer the source lives in, for cross-peer sources. */
    public readonly peerName?: string,
    /** Source namespace (Enterprise). */
    public readonly namespace?: string,
  ) {}

  /** @internal */
  public _key(): string {
    return `${this.peerName ?? ''}/${this.namespace ?? ''}/${this.serviceName}`;
  }
}

/** Props of {@link ServiceIntentions}. */
export interface ServiceIntentionsProps {
  /** The destination service. */
  readonly destinationName: string;
  /**
   * Namespace of the destination (Enterprise).
   * @default - not written (Community Edition); "default" is written on Enterprise
   */
  readonly namespace?: string;
  /**
   * Admin partition of the destination (Enterprise).
   * @default - no partition argument
   */
  readonly partition?: string;
  /**
   * Whether the cluster is Consul Enterprise, so source namespaces are written explicitly and plans converge.
   * @default false
   */
  readonly enterprise?: boolean;
  /**
   * Consul provider alias of the cluster.
   * @default - the stack's default consul provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The `service-intentions` config entry of one destination service, with its sources aggregated and sorted.
 *
 * Creates one `consul_config_entry_service_intentions`. Every source carries the precedence Consul computes
 * for an exact source and destination (9) and `type = "consul"`, because the provider writes the server's
 * values back into state and would otherwise plan a change forever.
 * @see https://developer.hashicorp.com/consul/docs/reference/config-entry/service-intentions
 */
export class ServiceIntentions extends Construct {
  /** Precedence Consul assigns to an exact-name, exact-namespace source towards an exact destination. */
  public static readonly EXACT_PRECEDENCE = 9;

  /** The `consul_config_entry_service_intentions` L1. */
  public readonly resource: intentionsL1.ConfigEntryServiceIntentions;
  /** The destination service name. */
  public readonly destinationName: string;
  private readonly enterprise: boolean;
  private readonly sources = new Map<string, { source: IntentionSource; action: IntentionAction; description?: string }>();

  public constructor(scope: Construct, id: string, props: ServiceIntentionsProps) {
    super(scope, id);
    assertDnsLabel('destinationName', props.destinationName);
    this.destinationName = props.destinationName;
    this.enterprise = props.enterprise ?? false;
    this.resource = new intentionsL1.ConfigEntryServiceIntentions(this, 'Resource', {
      name: props.destinationName,
      namespace: props.namespace ?? (this.enterprise ? 'default' : undefined),
      partition: props.partition,
      sources: Lazy.anyValue({ produce: () => this.renderSources() }) as any,
      provider: props.provider,
    });
    this.node.addValidation({
      validate: () =>
        this.sources.size === 0
          ? [`service-intentions for "${this.destinationName}" has no sources; call addSource() or remove it`]
          : [],
    });
  }

  /**
   * Adds a source with an action. Idempotent for the same source and action; a different action for the
   * same source throws.
   */
  public addSource(source: IntentionSource, action: IntentionAction, description?: string): void {
    const existing = this.sources.get(source._key());
    if (existing && existing.action !== action) {
      throw new Error(
        `intention source ${describe(source)} towards "${this.destinationName}" is already ${existing.action}; ` +
          `it cannot also be ${action}. Remove one of the two calls`,
      );
    }
    this.sources.set(source._key(), { source, action, description: description ?? existing?.description });
  }

  /** True when `source` is allowed. */
  public allows(source: IntentionSource): boolean {
    return this.sources.get(source._key())?.action === IntentionAction.ALLOW;
  }

  // A Lazy value bypasses the L1's camelCase-to-snake_case mapper, so this must produce Terraform's own
  // attribute names; every attribute of a source is a single word, so the two spellings coincide.
  private renderSources(): intentionsL1.ConfigEntryServiceIntentionsSources[] {
    return [...this.sources.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([, { source, action, description }]) => ({
        name: source.serviceName,
        peer: source.peerName,
        namespace: source.namespace ?? (this.enterprise ? 'default' : undefined),
        action,
        description,
        precedence: ServiceIntentions.EXACT_PRECEDENCE,
        type: 'consul',
      }));
  }
}

function describe(source: IntentionSource): string {
  return source.peerName ? `"${source.serviceName}" from peer "${source.peerName}"` : `"${source.serviceName}"`;
}
