/** Small IPv4 helpers for fixed data-plane addresses (no tokens: callers check Token.isUnresolved first). */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a 32-bit number, or undefined when `value` is not a dotted-quad IPv4 address. */
export function ipv4ToNumber(value: string): number | undefined {
  const m = IPV4.exec(value);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** Parses "10.10.0.0/24", or returns undefined. The host bits must be zero. */
export function parseCidr(value: string): Cidr | undefined {
  const [ip, bits, ...rest] = value.split('/');
  if (rest.length > 0 || bits === undefined || !/^\d{1,2}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const network = ipv4ToNumber(ip);
  if (network === undefined || prefix < 8 || prefix > 30) return undefined;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  if ((network & mask) >>> 0 !== network) return undefined;
  return { network, prefix };
}

/** True when `ip` is a usable host address of `cidr` (not the network or broadcast address). */
export function cidrContainsHost(cidr: Cidr, ip: number): boolean {
  const size = 2 ** (32 - cidr.prefix);
  return ip > cidr.network && ip < cidr.network + size - 1;
}

/** The dotted-quad form of a 32-bit address. */
export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
