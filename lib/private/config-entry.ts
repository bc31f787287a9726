import * as configEntry from '@cdktf/provider-consul/lib/config-entry';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { IConsulCluster } from '../cluster';
import { renderedString } from './rendered';
import { defaultPartitionOf } from './scoping';

/** What a config entry that the provider has only as `consul_config_entry` needs. */
export interface RenderedConfigEntryProps {
  readonly kind: string;
  readonly name: string;
  readonly partition?: string;
  readonly provider: TerraformProvider;
  /** The body (PascalCase keys, as the API returns them), rendered at synth. */
  readonly render: () => unknown;
}

/**
 * The `consul_config_entry` L1 (child `Resource`) of an L2 whose body is rendered at synth, so it holds
 * everything the program declared, in any order.
 */
export function renderedConfigEntry(scope: Construct, props: RenderedConfigEntryProps): configEntry.ConfigEntry {
  return new configEntry.ConfigEntry(scope, 'Resource', {
    kind: props.kind,
    name: props.name,
    partition: props.partition,
    configJson: renderedString(scope, `${props.kind} entry "${props.name}"`, () => JSON.stringify(props.render())),
    provider: props.provider,
  });
}

/**
 * A cluster-wide entry (`mesh`, `proxy-defaults`): written with the cluster's provider into its default
 * partition (the only one whose copy Consul reads on Enterprise; no partition argument on Community).
 */
export function clusterConfigEntry(scope: Construct, cluster: IConsulCluster, kind: string, name: string, render: () => unknown): configEntry.ConfigEntry {
  return renderedConfigEntry(scope, { kind, name, partition: defaultPartitionOf(cluster).resourcePartition, provider: cluster.provider, render });
}
