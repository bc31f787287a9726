import { createHash } from 'crypto';
import { IConstruct } from 'constructs';
import { ValidationError } from '../errors';
import { isUnresolved } from '../private/validate';

/*
 * Name rules shared by the ACL constructs. Not exported from lib/acl/index.ts.
 * Consul's own patterns: acl/validation.go (policy, service-identity and node-identity names) and
 * agent/config/builder.go (datacenter).
 */

const POLICY_NAME = /^[A-Za-z0-9_-]{1,128}$/;
const IDENTITY_NAME = /^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;
const IDENTITY_NAME_MAX = 256;
const DATACENTER = /^[a-z0-9_-]+$/;

/** Longest policy name Consul accepts. */
export const MAX_POLICY_NAME = 128;

export { compareStrings } from '../private/validate';

/**
 * A readable, deterministic name from a construct path: each path component in kebab case ("GatewayToken"
 * -> "gateway-token"), joined by "-". Longer than `maxLength`, it is cut and ends in an 8-character hash of
 * the full path, so it stays unique and stable.
 */
export function nameFromPath(path: string, maxLength: number, fallback: string): string {
  const parts = path
    .split('/')
    .map((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter((part) => part.length > 0);
  const name = parts.join('-') || fallback;
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
  return `${name.slice(0, maxLength - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** Throws a {@link ValidationError} unless `name` is a valid Consul ACL policy name (tokens pass). */
export function assertPolicyName(prop: string, name: string, scope?: IConstruct): void {
  if (isUnresolved(name)) return;
  if (!POLICY_NAME.test(name)) {
    const suggestion = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_POLICY_NAME) || 'policy';
    throw new ValidationError(scope, {
      prop,
      value: name,
      problem: 'is not a valid Consul policy name',
      fix: `use 1-128 letters, digits, "-" and "_" (e.g. ${JSON.stringify(suggestion)})`,
    });
  }
}

/** Throws a {@link ValidationError} unless `name` is a valid service-/node-identity name (tokens pass). */
export function assertIdentityName(prop: string, name: string, scope?: IConstruct): void {
  if (isUnresolved(name)) return;
  if (name.length > IDENTITY_NAME_MAX || !IDENTITY_NAME.test(name)) {
    const suggestion =
      name
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[-_]+|[-_]+$/g, '')
        .slice(0, IDENTITY_NAME_MAX) || 'name';
    throw new ValidationError(scope, {
      prop,
      value: name,
      problem: 'is not a valid identity name',
      fix:
        'use 1-256 lower-case letters, digits, "-" and "_", starting and ending with a letter or digit ' +
        `(e.g. ${JSON.stringify(suggestion)})`,
    });
  }
}

/** Throws a {@link ValidationError} unless `dc` is a valid datacenter name (tokens pass). */
export function assertDatacenter(prop: string, dc: string, scope?: IConstruct): void {
  if (isUnresolved(dc)) return;
  if (!DATACENTER.test(dc)) {
    const suggestion = dc.toLowerCase().replace(/[^a-z0-9_-]+/g, '-') || 'dc1';
    throw new ValidationError(scope, {
      prop,
      value: dc,
      problem: 'is not a valid datacenter name',
      fix: `use lower-case letters, digits, "-" and "_" (e.g. ${JSON.stringify(suggestion)})`,
    });
  }
}
