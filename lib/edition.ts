/** Consul edition a cluster runs. */
export enum ConsulEdition {
  /** Consul Community Edition: one `default` partition, one `default` namespace. */
  COMMUNITY = 'community',
  /** Consul Enterprise: admin partitions, namespaces, sameness groups. */
  ENTERPRISE = 'enterprise',
}
