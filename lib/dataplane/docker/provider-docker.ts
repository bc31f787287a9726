/*
 * The one place the Docker data plane loads `@cdktf/provider-docker`.
 *
 * The package is an optional peer dependency: the control plane (clusters, peerings, gateways, services,
 * ACLs) never needs it, so `require('cdktf-consul-peering')` must work where it is not installed. Every other
 * module of the data plane imports its types only (`import type`, erased at compile time) and asks this
 * module for the classes when it creates a resource, which is when a missing package is reported, with the
 * command that installs it.
 */
import type * as containerL1 from '@cdktf/provider-docker/lib/container';
import type * as imageL1 from '@cdktf/provider-docker/lib/image';
import type * as networkL1 from '@cdktf/provider-docker/lib/network';
import type * as providerL1 from '@cdktf/provider-docker/lib/provider';
import type { IConstruct } from 'constructs';
import { ValidationError } from '../../errors';

/** The modules of `@cdktf/provider-docker` the data plane creates resources with. */
export interface DockerL1Modules {
  readonly container: typeof containerL1;
  readonly image: typeof imageL1;
  readonly network: typeof networkL1;
  readonly provider: typeof providerL1;
}

/** The version the library is built and tested against (its peer dependency). */
const PROVIDER_DOCKER = '@cdktf/provider-docker';
const TESTED_VERSION = '12.0.3';

let loaded: DockerL1Modules | undefined;

/**
 * The provider-docker modules, loaded on first use; `scope` is the construct that needs them (named in the
 * error when the package is not installed).
 */
export function dockerL1(scope: IConstruct): DockerL1Modules {
  if (loaded) return loaded;
  try {
    let network: typeof networkL1 | undefined;
    loaded = {
      container: require('@cdktf/provider-docker/lib/container'),
      image: require('@cdktf/provider-docker/lib/image'),
      // Only a DockerNetwork the program creates needs it (88 kB to compile): networks imported by name, as
      // most data planes use the lab's, never load it. The package is there: the modules above loaded.
      get network(): typeof networkL1 {
        return (network ??= require('@cdktf/provider-docker/lib/network'));
      },
      provider: require('@cdktf/provider-docker/lib/provider'),
    };
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(PROVIDER_DOCKER);
    if (!missing) throw e;
    throw new ValidationError(scope, {
      prop: PROVIDER_DOCKER,
      problem: 'is not installed, and the Docker data plane creates its resources with it',
      fix: `install it beside this library (npm install ${PROVIDER_DOCKER}@${TESTED_VERSION}); the control plane alone does not need it`,
    });
  }
  return loaded;
}
