import { ConsulEdition } from '../edition';
import { ValidationError, ValidationProblem } from '../errors';
import { compareVersions, parseVersion } from '../private/validate';

/**
 * Which Envoy minor versions `consul connect envoy` accepts for each Consul minor version, per edition
 * (HashiCorp's compatibility tables; `consul connect envoy` refuses other minors unless told to ignore
 * the check). The Community and Enterprise LTS tables disagree for 1.21/1.22, so each edition has its own row.
 * @see https://developer.hashicorp.com/consul/docs/reference/proxy/envoy#supported-versions
 */
const ENVOY_MINORS: Record<ConsulEdition, Record<string, string[]>> = {
  [ConsulEdition.COMMUNITY]: {
    '1.22': ['1.38', '1.37', '1.35'],
    '1.21': ['1.38', '1.37', '1.35'],
    '1.20': ['1.33', '1.32', '1.31', '1.30'],
    '1.19': ['1.33', '1.32', '1.29', '1.28', '1.27', '1.26'],
  },
  [ConsulEdition.ENTERPRISE]: {
    '1.22': ['1.35', '1.34', '1.33'],
    '1.21': ['1.34', '1.33', '1.32', '1.31'],
    '1.20': ['1.33', '1.32', '1.31', '1.30'],
    '1.19': ['1.33', '1.32', '1.29', '1.28', '1.27', '1.26'],
  },
};

/** Envoy paired with {@link DataPlaneVersions.DEFAULT_CONSUL_VERSION}; 1.35.x is in every 1.22 row. */
const DEFAULT_ENVOY_FOR: Record<string, string> = {
  '1.22': '1.35.8',
  '1.21': '1.35.8',
  '1.20': '1.33.14',
  '1.19': '1.33.14',
};

/** The Consul/Envoy compatibility matrix the data plane checks its image against. */
export class DataPlaneVersions {
  /** Envoy version used when none is given for a Consul 1.22 cluster. */
  public static readonly DEFAULT_ENVOY_VERSION = '1.35.8';

  /** Envoy minor versions supported for `consulVersion` on `edition` (empty when the Consul minor is unknown). */
  public static supportedEnvoyMinors(consulVersion: string, edition: ConsulEdition): string[] {
    const v = parseVersion('consulVersion', consulVersion);
    return [...(ENVOY_MINORS[edition][`${v.major}.${v.minor}`] ?? [])];
  }

  /** A supported Envoy version for `consulVersion`, or undefined when the Consul minor is not in the matrix. */
  public static defaultEnvoyFor(consulVersion: string): string | undefined {
    const v = parseVersion('consulVersion', consulVersion);
    return DEFAULT_ENVOY_FOR[`${v.major}.${v.minor}`];
  }

  /**
   * Checks a pair; returns an error message naming both props and the supported versions, or undefined
   * when the pair is supported.
   */
  public static checkPair(consulVersion: string, envoyVersion: string, edition: ConsulEdition): string | undefined {
    const problem = DataPlaneVersions._pairProblem(consulVersion, envoyVersion, edition);
    return problem && ValidationError.message(problem);
  }

  /**
   * What is wrong with a pair, as a {@link ValidationProblem} (on `consulVersion` when its minor is not in the
   * matrix, else on `envoyVersion`), or undefined when the pair is supported.
   * @internal
   */
  public static _pairProblem(consulVersion: string, envoyVersion: string, edition: ConsulEdition): ValidationProblem | undefined {
    const consul = parseVersion('consulVersion', consulVersion);
    const envoy = parseVersion('envoyVersion', envoyVersion);
    const minors = DataPlaneVersions.supportedEnvoyMinors(consulVersion, edition);
    const known = Object.keys(ENVOY_MINORS[edition]).sort((a, b) => compareVersions(parseVersion('a', `${a}.0`), parseVersion('b', `${b}.0`)));
    if (minors.length === 0) {
      return {
        prop: 'consulVersion',
        value: consulVersion,
        problem: `is not in the Consul/Envoy compatibility matrix (known: ${known.map((k) => `${k}.x`).join(', ')})`,
        fix: 'use a listed Consul version or update DataPlaneVersions',
      };
    }
    if (!minors.includes(`${envoy.major}.${envoy.minor}`)) {
      return {
        prop: 'envoyVersion',
        value: envoyVersion,
        problem:
          `is not supported by Consul ${consul.major}.${consul.minor}.x ` +
          `${edition === ConsulEdition.ENTERPRISE ? 'Enterprise' : 'Community Edition'} (supported: ` +
          `${minors.map((m) => `${m}.x`).join(', ')}); \`consul connect envoy\` would refuse to start it`,
        fix: `pick a supported version, e.g. "${DataPlaneVersions.defaultEnvoyFor(consulVersion) ?? `${minors[0]}.0`}"`,
      };
    }
    return undefined;
  }

  private constructor() {}
}
