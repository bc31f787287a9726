/*
 * Sizes, names, addresses and ports of the benchmark topology, shared by the library's program
 * (benchmarks/topology.ts) and its twin (benchmarks/twin.ts). Imports nothing, so the twin's process never
 * loads the library.
 */

/** One benchmark size. */
export interface BenchSize {
  readonly clusters: number;
  readonly services: number;
  readonly dataPlane: boolean;
}

/** The stack's name (its directory under `<outdir>/stacks/`). */
export const STACK_NAME = 'bench';
/** The local backend's state file, relative so the JSON is the same wherever the repository is. */
export const STATE_FILE = 'terraform.bench.tfstate';

/** `10x200+dp`: clusters x services, `+dp` with the data plane. */
export function sizeLabel(size: BenchSize): string {
  return `${size.clusters}x${size.services}${size.dataPlane ? '+dp' : ''}`;
}

/** Parses {@link sizeLabel}'s form. */
export function parseSize(label: string): BenchSize {
  const m = /^(\d+)x(\d+)(\+dp)?$/.exec(label);
  if (!m) throw new Error(`size "${label}" is not <clusters>x<services>[+dp]`);
  const size = { clusters: Number(m[1]), services: Number(m[2]), dataPlane: m[3] !== undefined };
  if (size.clusters < 2 || size.clusters > 99 || size.services < 1 || size.services > 2000) {
    throw new Error(`size "${label}": 2-99 clusters and 1-2000 services per cluster`);
  }
  return size;
}

export const dcName = (i: number): string => `dc${i}`;
export const dcId = (i: number): string => `Dc${i}`;
export const svcId = (j: number): string => `Svc${j}`;
export const svcName = (j: number): string => `svc${j}`;
export const peeringId = (i: number): string => `Dc${i + 1}Dc${i}`;
export const HTTP_PORT_BASE = 8500;
export const SERVICE_PORT = 8080;
export const LOCAL_BIND_PORT = 9191;
export const WAN_SUBNET = '10.10.0.0/24';
export const lanOctet = (i: number): number => 100 + i;
export const lanSubnet = (i: number): string => `10.${lanOctet(i)}.0.0/16`;
export const gatewayLanAddress = (i: number): string => `10.${lanOctet(i)}.0.10`;
export const gatewayWanAddress = (i: number): string => `10.10.0.${10 + i}`;
export const serverAddress = (i: number): string => `10.${lanOctet(i)}.0.2`;
/** Service j (1-based) of cluster i: 200 addresses per /24, from .10. */
export const serviceAddress = (i: number, j: number): string => `10.${lanOctet(i)}.${1 + Math.floor((j - 1) / 200)}.${10 + ((j - 1) % 200)}`;
export const DEMO_IMAGE = 'nginx:1.27-alpine';
export const DEMO_HEALTH_CHECK = ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/'];
