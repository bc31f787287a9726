import type * as containerL1 from '@cdktf/provider-docker/lib/container';
import type * as imageL1 from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import { ValidationError } from '../../errors';
import { assertNotBlank, isUnresolved } from '../../private/validate';
import type { ConsulAgentPod } from './pod';
import { dockerL1 } from './provider-docker';

/** The application container of a service pod. */
export interface AppContainerOptions {
  /** Image reference with a tag or digest, e.g. "nginx:1.27-alpine". */
  readonly image: string;
  /**
   * Health check command in Docker's form, e.g. `["CMD", "wget", "-q", "-O-", "http://127.0.0.1:80/"]`.
   * Required: every container of the data plane has a health check.
   */
  readonly healthCheck: string[];
  /**
   * Command.
   * @default - the image's
   */
  readonly command?: string[];
  /**
   * Environment variables (never secrets: they show in `docker inspect` and in state; tokens are refused).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
}

/** Props of {@link AppContainer}. */
export interface AppContainerProps extends AppContainerOptions {
  /** The pod the app joins (its sidecar reaches it on 127.0.0.1). */
  readonly pod: ConsulAgentPod;
  /** Short name used in the container name ("<pod>-app"). */
  readonly containerSuffix?: string;
}

/**
 * The application of a service pod, sharing the pod's network namespace so the sidecar reaches it on
 * 127.0.0.1 and it reaches its upstreams on their local bind ports.
 *
 * Creates a `docker_container`, and the host's shared `docker_image` for `image` (pulled, kept on destroy)
 * unless another container already uses it.
 */
export class AppContainer extends Construct {
  /** The `docker_container` L1. */
  public readonly resource: containerL1.Container;
  /** The pulled `docker_image` L1 (shared by every container of the host using the same image). */
  public readonly imageResource: imageL1.Image;

  public constructor(scope: Construct, id: string, props: AppContainerProps) {
    super(scope, id);
    assertNotBlank('image', props.image, this);
    if (!isUnresolved(props.image) && !/[:@]/.test(props.image.split('/').pop() ?? '')) {
      throw new ValidationError(this, {
        prop: 'image',
        value: props.image,
        problem: 'has no tag or digest',
        fix: `pin one, e.g. "${props.image}:1.0.0"`,
      });
    }
    if (props.healthCheck.length === 0) {
      throw new ValidationError(this, {
        prop: 'healthCheck',
        problem: 'is empty',
        fix: 'give a command in Docker\'s form, e.g. ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]',
      });
    }
    const env = props.environment ?? {};
    for (const [name, value] of Object.entries(env)) {
      if (isUnresolved(value)) {
        // The value is not shown: it is a reference, possibly to a secret.
        throw new ValidationError(this, {
          prop: `environment.${name}`,
          problem:
            'is a Terraform reference; the data plane keeps references (tokens, secrets) out of env, where ' +
            '`docker inspect` shows them',
          fix: 'pass literal, non-secret values only',
        });
      }
    }
    this.imageResource = props.pod.host.pulledImage(props.image);
    this.resource = new (dockerL1(this).container.Container)(this, 'Resource', {
      name: `${props.pod.podName}-${props.containerSuffix ?? 'app'}`,
      image: this.imageResource.imageId,
      command: props.command,
      env: Object.keys(env).length > 0 ? Object.keys(env).sort().map((k) => `${k}=${env[k]}`) : undefined,
      networkMode: props.pod.networkMode,
      restart: 'always',
      healthcheck: { test: props.healthCheck, interval: '10s', timeout: '5s', retries: 3 },
      provider: props.pod.host.provider,
    });
  }
}
