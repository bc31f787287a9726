#!/usr/bin/env python3
"""The default example (examples/two-clusters/stack.ts), written in Python.

Two Community clusters, dc1 and dc2, peered through a mesh gateway in each (`local` mode); `web` in dc1
calls `api` in dc2, with the Docker data plane on the local lab's networks. It synthesizes the same
cdk.tf.json as the TypeScript program, byte for byte (test/engine/jsii.test.ts checks that).

Run it with the Python package built by `npm run package:python` installed beside cdktf and the two
prebuilt provider packages:

    pip install dist/python/cdktf_consul_peering-*.whl
    python examples/two-clusters/python/main.py            # writes cdktf.out/stacks/two-clusters/
"""
import sys

from cdktf import App, LocalBackend, TerraformStack, TerraformVariable
from constructs import Construct

from cdktf_consul_peering import (
    AppContainerOptions,
    ConsulMesh,
    LabClusterSpec,
    LabTopology,
    MeshCallSpec,
    MeshClusterSpec,
    MeshDockerDataPlaneOptions,
    MeshGatewayAddresses,
    MeshGatewayMode,
    MeshPartitionSpec,
    MeshServiceRef,
    MeshServiceSpec,
    ServiceProtocol,
)

# Where everything lives: one Docker host, a WAN network for the gateways, a LAN per cluster with the
# cluster's server on ".2" and its HTTP API published on 127.0.0.1 (what the local lab's first stack creates).
TOPOLOGY = LabTopology(
    wan_subnet="10.10.0.0/24",
    clusters=[
        LabClusterSpec(datacenter="dc1", lan_subnet="10.11.0.0/24", http_host_port=8500),
        LabClusterSpec(datacenter="dc2", lan_subnet="10.12.0.0/24", http_host_port=9500),
    ],
)

STACK_NAME = "two-clusters"


class TwoClustersStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        LocalBackend(self, path=f"terraform.{id}.tfstate")

        def token(dc: str) -> str:
            return TerraformVariable(
                self,
                f"{dc}_token",
                type="string",
                sensitive=True,
                description=f"ACL token of the Terraform operator in {dc} (the lab: its management token)",
            ).string_value

        def cluster(dc: str, n: int) -> MeshClusterSpec:
            return MeshClusterSpec(
                datacenter=dc,
                token=token(dc),
                mesh_gateway_mode=MeshGatewayMode.LOCAL,
                partitions=[
                    MeshPartitionSpec(
                        partition_name="default",
                        gateway_addresses=[MeshGatewayAddresses(lan_address=f"10.1{n}.0.10", wan_address=f"10.10.0.1{n}")],
                    )
                ],
            )

        app = AppContainerOptions(
            image="nginx:1.27-alpine",
            health_check=["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"],
        )
        # The mesh's id "Default" is left out of every Terraform address, as if its children were the stack's.
        ConsulMesh(
            self,
            "Default",
            clusters=[cluster("dc1", 1), cluster("dc2", 2)],
            services=[
                MeshServiceSpec(datacenter="dc1", service_name="web", port=80, health_check_http_path="/", app=app, lan_address="10.11.0.20"),
                MeshServiceSpec(
                    datacenter="dc2",
                    service_name="api",
                    port=80,
                    protocol=ServiceProtocol.HTTP,
                    health_check_http_path="/",
                    app=app,
                    lan_address="10.12.0.20",
                ),
            ],
            calls=[
                MeshCallSpec(
                    caller=MeshServiceRef(datacenter="dc1", service_name="web"),
                    callee=MeshServiceRef(datacenter="dc2", service_name="api"),
                    local_bind_port=9191,
                )
            ],
            docker_data_plane=MeshDockerDataPlaneOptions(lab=TOPOLOGY),
        )


def build_app(outdir: str = None) -> App:
    """Builds the example's app without synthesizing it."""
    app = App(outdir=outdir) if outdir else App()
    TwoClustersStack(app, STACK_NAME)
    return app


if __name__ == "__main__":
    build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
