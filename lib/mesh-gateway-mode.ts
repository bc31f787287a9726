/**
 * How a proxy reaches services in another cluster or partition.
 * @see https://developer.hashicorp.com/consul/docs/east-west/mesh-gateway
 */
export enum MeshGatewayMode {
  /** The proxy dials a mesh gateway in its own partition, which forwards to the remote gateway. Needs a gateway in the importing partition. */
  LOCAL = 'local',
  /** The proxy dials the exporting cluster's mesh gateway directly. Consul's default for peered upstreams. */
  REMOTE = 'remote',
  /** No gateway. Not valid for peered traffic (Consul treats it as `remote` and logs a warning), so rejected there. */
  NONE = 'none',
}
