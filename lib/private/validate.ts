import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ValidationError } from '../errors';

/**
 * Shared checks for input that is wrong on its face. Each throws an Error whose message names the prop,
 * shows the value and says how to fix it. Unresolved tokens are never inspected.
 */

const DNS_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/**
 * `Token.isUnresolved`, answered without cdktf for the values checks see almost always: a string without a
 * token marker (every string token contains "TfToken["), or a number that is not an encoded token (every
 * encoded token number is negative and below -1e290). cdktf's own answer allocates for every number.
 */
export function isUnresolved(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('TfToken[') && Token.isUnresolved(value);
  if (typeof value === 'number') return value < -1e290 && Token.isUnresolved(value);
  return Token.isUnresolved(value);
}

/** True when `value` is a DNS hostname label: letters, digits and "-", 1-63 characters, no leading or trailing "-". */
export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

/** A readable DNS-label suggestion for a bad value: lower case, "_" and "." become "-", other characters dropped. */
export function suggestDnsLabel(value: string): string {
  const s = value
    .toLowerCase()
    .replace(/[_.\s]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/g, '');
  return s.length > 0 ? s : 'name';
}

/** Throws a {@link ValidationError} unless `value` is a DNS label (tokens pass). */
export function assertDnsLabel(prop: string, value: string, scope?: IConstruct): void {
  if (isUnresolved(value)) return;
  if (!isDnsLabel(value)) {
    throw new ValidationError(scope, {
      prop,
      value,
      problem: 'is not a valid DNS label',
      fix:
        'use letters, digits and "-" (1-63 characters, not starting or ending with "-"), ' +
        `e.g. ${JSON.stringify(suggestDnsLabel(value))}`,
    });
  }
}

/**
 * A lower-case DNS label: lower-case letters, digits and "-", 1-63 characters, not starting or ending with
 * "-". It is Consul's rule for peer names (agent/structs `validatePeerName`), and what the library requires
 * of the services it registers: Consul's service-identity rule (acl/validation.go `validServiceIdentityName`:
 * lower-case letters, digits, "-" and "_", at most 256) intersected with a DNS label (Consul's DNS interface
 * and the SNI names Envoy routes on carry the service name; agent/agent.go warns that other names are not
 * discoverable in DNS).
 *
 * The same rule holds for every service name the library writes, also of services it does not register
 * (upstream targets, exports, intention sources and destinations, service-defaults, resolvers and their
 * targets, imported services, gateways): such a name points at a mesh service, whose sidecar registers with a
 * service identity, so a name outside the rule names no service a mesh workload can be. Nomad refuses upper
 * case in Connect service names for the same reason: Consul's DNS names and URL domains do not tell case
 * apart (hashicorp/nomad#10450, #10455).
 */
const LOWER_DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws a {@link ValidationError} unless `value` is a lower-case DNS label; `what` says which Consul rule. */
function assertLowerDnsLabel(prop: string, value: string, what: string, scope?: IConstruct, defaulted?: string): void {
  if (isUnresolved(value)) return;
  if (!LOWER_DNS_LABEL.test(value)) {
    throw new ValidationError(scope, {
      prop,
      value,
      problem: `is not ${what}${defaulted ? ` (${defaulted})` : ''}`,
      fix:
        `${defaulted ? `set ${prop} explicitly, ` : ''}use lower-case letters, digits and "-" (1-63 characters, not ` +
        `starting or ending with "-"), e.g. ${JSON.stringify(suggestDnsLabel(value))}`,
    });
  }
}

/**
 * Throws a {@link ValidationError} unless `value` is a service name the library can register (tokens pass): the
 * one check of every service name the library writes (see {@link LOWER_DNS_LABEL}).
 */
export function assertServiceName(prop: string, value: string, scope?: IConstruct, defaulted?: string): void {
  assertLowerDnsLabel(prop, value, 'a service name Consul accepts for a service identity token and DNS', scope, defaulted);
}

/**
 * {@link assertServiceName}, where Consul also takes the wildcard `"*"` for every service (an exported-services
 * `Services[].Name`).
 */
export function assertServiceNameOrWildcard(prop: string, value: string, scope?: IConstruct): void {
  if (value === '*') return;
  assertServiceName(prop, value, scope);
}

/**
 * `name` as a hostname label: a Consul datacenter may contain "_" (agent/config/builder.go), which RFC 1123
 * hostnames and Consul's DNS-discoverable node names (agent/config/builder.go warns about the others) do not, so
 * "_" becomes "-". The identity for every name without "_".
 */
export function hostnameLabel(name: string): string {
  return name.replace(/_/g, '-');
}

/**
 * Throws a {@link ValidationError} unless `value` is a name Consul accepts for a peer (tokens pass);
 * `defaulted` explains where a value the user did not write came from.
 */
export function assertPeerName(prop: string, value: string, scope?: IConstruct, defaulted?: string): void {
  assertLowerDnsLabel(prop, value, 'a peer name Consul accepts', scope, defaulted);
}

/** Throws a {@link ValidationError} unless `value` is an integer TCP port in [min, 65535] (tokens pass). */
export function assertPort(prop: string, value: number, min = 1, scope?: IConstruct): void {
  if (isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > 65535) {
    throw new ValidationError(scope, { prop, value, problem: 'is not a valid port', fix: `use an integer from ${min} to 65535` });
  }
}

/** Throws a {@link ValidationError} unless `value` is a positive integer (tokens pass); `unit` names what it counts. */
export function assertPositiveInteger(prop: string, value: number, unit: string, example: number, scope?: IConstruct): void {
  if (isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(scope, { prop, value, problem: `must be a positive integer (${unit})`, fix: `e.g. ${example}` });
  }
}

/** The first value that occurs twice in `values`, or one of `reserved`, if any. */
export function firstRepeated(values: readonly string[], reserved: readonly string[] = []): string | undefined {
  const seen = new Set<string>(reserved);
  for (const v of values) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

/** Throws a {@link ValidationError} when a string prop that must not be empty is blank (tokens pass). */
export function assertNotBlank(prop: string, value: string, scope?: IConstruct): void {
  if (isUnresolved(value)) return;
  if (value.trim().length === 0) {
    throw new ValidationError(scope, { prop, problem: 'must not be empty', fix: 'give a non-empty value' });
  }
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** A parsed "major.minor.patch" version. */
export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses "1.22.5"; throws with the prop name on anything else. */
export function parseVersion(prop: string, value: string, scope?: IConstruct): ParsedVersion {
  const m = VERSION.exec(value);
  if (!m) {
    throw new ValidationError(scope, {
      prop,
      value,
      problem: 'is not a version',
      fix: 'use "major.minor.patch" without a "v", e.g. "1.22.5"',
    });
  }
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Compares two parsed versions (negative when a < b). */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Lower-case kebab name derived from a construct id ("WebFrontend" -> "web-frontend"). */
export function kebabFromId(id: string): string {
  return suggestDnsLabel(id.replace(/([a-z0-9])([A-Z])/g, '$1-$2'));
}

/** Stable string comparison for sorting (code-point order, not locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The names in `candidates` that `value` is most likely a slip of, best first (at most three): the same name
 * but for case, "_" and "-" (then only that one); one containing the other; or a few edits away. Used only to
 * word an error.
 */
export function closestNames(value: string, candidates: readonly string[]): string[] {
  const normal = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const v = normal(value);
  const near: Array<[number, string]> = [];
  for (const candidate of candidates) {
    const c = normal(candidate);
    const contained = Math.min(c.length, v.length) >= 4 && (c.includes(v) || v.includes(c));
    const distance = c === v ? 0 : contained ? 1 : editDistance(v, c);
    if (distance <= Math.max(2, Math.floor(v.length / 4))) near.push([distance, candidate]);
  }
  near.sort((a, b) => a[0] - b[0] || compareStrings(a[1], b[1]));
  // A name that differs only in case, "_" or "-" is the one meant.
  return (near.length > 0 && near[0][0] === 0 ? near.filter(([d]) => d === 0) : near).slice(0, 3).map(([, name]) => name);
}

/** Levenshtein distance between `a` and `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
