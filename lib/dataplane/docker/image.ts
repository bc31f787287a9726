import * as path from 'path';
import type * as imageL1 from '@cdktf/provider-docker/lib/image';
import { AssetType, TerraformAsset, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ConsulEdition } from '../../edition';
import { ValidationError } from '../../errors';
import { parseVersion } from '../../private/validate';
import { DataPlaneVersions } from '../versions';
import { dockerL1 } from './provider-docker';

/** Props of {@link ConsulEnvoyImage}. */
export interface ConsulEnvoyImageProps {
  /**
   * Consul version of the `consul` binary (the cluster's version).
   * @default ConsulCluster.DEFAULT_CONSUL_VERSION ("1.22.5")
   */
  readonly consulVersion?: string;
  /**
   * Envoy version; must be supported by the Consul version (checked against the compatibility matrix).
   * @default - DataPlaneVersions.defaultEnvoyFor(consulVersion), "1.35.8" for Consul 1.22
   */
  readonly envoyVersion?: string;
  /**
   * Consul edition: Enterprise uses `hashicorp/consul-enterprise:<version>-ent`.
   * @default ConsulEdition.COMMUNITY
   */
  readonly edition?: ConsulEdition;
  /**
   * Keep the image on the Docker host when the stack is destroyed.
   * @default true
   */
  readonly keepLocally?: boolean;
  /**
   * Docker provider alias of the host the image is built on.
   * @default - the stack's default docker provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * The data-plane image: Envoy with the `consul` binary copied in, so `consul connect envoy` runs Envoy in
 * one container. Built on the Docker host from the Dockerfile that ships in this package.
 *
 * Creates a `TerraformAsset` (the Dockerfile's directory, copied into the stack's output) and a
 * `docker_image` built from it with the Consul and Envoy images as build arguments, named
 * `cdktf-consul-peering/consul-envoy:<consul>-envoy-<envoy>` (`<consul>-ent-...` for Enterprise). The
 * pair is checked against the compatibility matrix at construction.
 */
export class ConsulEnvoyImage extends Construct {
  /** Repository of the built images. */
  public static readonly REPOSITORY = 'cdktf-consul-peering/consul-envoy';

  /** The `docker_image` L1. */
  public readonly resource: imageL1.Image;
  /** The image's name (repository:tag). */
  public readonly imageName: string;
  /** The built image's ID (use as `docker_container.image`). */
  public readonly imageId: string;
  /** Consul version of the `consul` binary. */
  public readonly consulVersion: string;
  /** Envoy version of the base image. */
  public readonly envoyVersion: string;
  /** Consul edition of the binary. */
  public readonly edition: ConsulEdition;
  /** The Consul image the binary is copied from. */
  public readonly consulImage: string;
  /** The Envoy base image. */
  public readonly envoyImage: string;

  public constructor(scope: Construct, id: string, props: ConsulEnvoyImageProps = {}) {
    super(scope, id);
    this.consulVersion = props.consulVersion ?? '1.22.5';
    this.edition = props.edition ?? ConsulEdition.COMMUNITY;
    parseVersion('consulVersion', this.consulVersion, this);
    const envoyVersion = props.envoyVersion ?? DataPlaneVersions.defaultEnvoyFor(this.consulVersion);
    const problem = DataPlaneVersions._pairProblem(this.consulVersion, envoyVersion ?? '0.0.0', this.edition);
    if (problem) throw new ValidationError(this, problem);
    this.envoyVersion = envoyVersion!;
    const enterprise = this.edition === ConsulEdition.ENTERPRISE;
    this.consulImage = enterprise ? `hashicorp/consul-enterprise:${this.consulVersion}-ent` : `hashicorp/consul:${this.consulVersion}`;
    this.envoyImage = `envoyproxy/envoy:v${this.envoyVersion}`;
    this.imageName = `${ConsulEnvoyImage.REPOSITORY}:${this.consulVersion}${enterprise ? '-ent' : ''}-envoy-${this.envoyVersion}`;

    const context = new TerraformAsset(this, 'Context', {
      path: path.join(__dirname, 'context'),
      type: AssetType.DIRECTORY,
    });
    this.resource = new (dockerL1(this).image.Image)(this, 'Resource', {
      name: this.imageName,
      keepLocally: props.keepLocally ?? true,
      buildAttribute: {
        context: context.path,
        buildArgs: { CONSUL_IMAGE: this.consulImage, ENVOY_IMAGE: this.envoyImage },
        tag: [this.imageName],
      },
      // Rebuild when the Dockerfile changes (the asset hash covers its content).
      triggers: { dockerfile: context.assetHash },
      provider: props.provider,
    });
    this.imageId = this.resource.imageId;
  }
}

