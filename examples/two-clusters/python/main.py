#!/usr/bin/env python3
"""The default example (examples/two-clusters/stack.ts), written in Python.

Two Community clusters, dc1 and dc2, peered through a mesh gateway in each (`local` mode); `web` in dc1
calls `api` in dc2 on local port 9191, with the Docker data plane. The mesh derives everything else from
the names: the lab topology (MeshAddressPlan.lab_topology(["dc1", "dc2"]), which the local lab creates) and
every gateway and service address. It synthesizes the same cdk.tf.json as the TypeScript program, byte for
byte (test/engine/jsii.test.ts checks that).

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
    MeshCallSpec,
    MeshClusterSpec,
    MeshDockerDataPlaneOptions,
    MeshGatewayMode,
    MeshServiceRef,
    MeshServiceSpec,
    ServiceProtocol,
)

STACK_NAME = "two-clusters"


class TwoClustersStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        LocalBackend(self, path=f"terraform.{id}.tfstate")

        def cluster(dc: str) -> MeshClusterSpec:
            return MeshClusterSpec(
                datacenter=dc,
                token=TerraformVariable(
                    self,
                    f"{dc}_token",
                    type="string",
                    sensitive=True,
                    description=f"ACL token of the Terraform operator in {dc} (the lab: its management token)",
                ).string_value,
                mesh_gateway_mode=MeshGatewayMode.LOCAL,
            )

        app = AppContainerOptions(
            image="nginx:1.27-alpine",
            health_check=["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:80/"],
        )
        # The mesh's id "Default" is left out of every Terraform address, as if its children were the stack's.
        ConsulMesh(
            self,
            "Default",
            clusters=[cluster("dc1"), cluster("dc2")],
            services=[
                MeshServiceSpec(datacenter="dc1", service_name="web", port=80, health_check_http_path="/", app=app),
                MeshServiceSpec(
                    datacenter="dc2",
                    service_name="api",
                    port=80,
                    protocol=ServiceProtocol.HTTP,
                    health_check_http_path="/",
                    app=app,
                ),
            ],
            calls=[
                MeshCallSpec(
                    caller=MeshServiceRef(datacenter="dc1", service_name="web"),
                    callee=MeshServiceRef(datacenter="dc2", service_name="api"),
                    local_bind_port=9191,
                )
            ],
            docker_data_plane=MeshDockerDataPlaneOptions(),
        )


def build_app(outdir: str = None) -> App:
    """Builds the example's app without synthesizing it."""
    app = App(outdir=outdir) if outdir else App()
    TwoClustersStack(app, STACK_NAME)
    return app


if __name__ == "__main__":
    build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
