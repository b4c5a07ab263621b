"""Machine actions: what a scenario does to machines by hand, outside the AWS APIs (an
on-premises server registering, software installed or removed, an agent going dark, a
Windows instance pointed at a KMS server). The Simulation facade has them as methods;
each call is recorded as an ``action`` row at the method's path (``install_software``)."""

from __future__ import annotations

from simulator.actions.log import ActionLog, action
from simulator.world import World
from simulator.world.ec2 import InstanceState
from simulator.world.ssm import ManagedNode, Platform, ServerSpec


class MachineActions:
    """The facade's machine actions; the Simulation provides ``world``, ``region`` and
    ``actions``."""

    world: World
    region: str
    actions: ActionLog

    @action("register_on_premises_server", "ssm")
    def register_on_premises_server(
        self, activation_id: str, activation_code: str, *, name: str, platform_type: str, platform_name: str,
        platform_version: str, cores: int, sockets: int, vcpus: int,
    ) -> str:
        """An on-premises server's SSM Agent registers with a hybrid activation (of any
        account, in the default region); the server's ``mi-`` id.

        Raises:
            ValueError: for an empty name or platform name, a platform type other than
                Windows, Linux or MacOS, or counts that do not make a server.
            ServiceError: InvalidActivation for an unknown, deleted, expired or used-up
                activation, or a code that does not match.
        """
        spec = ServerSpec(name=name, platform=Platform(platform_type, platform_name, platform_version),
                          cores=cores, sockets=sockets, vcpus=vcpus)
        ssm = self.world.region(self.region).ssm
        return ssm.register_servers(activation_id, activation_code, [spec])[0].node_id

    def _node(self, resource_id: str) -> ManagedNode:
        node = self.world.managed_node(resource_id)
        if node is None:
            raise ValueError(f"{resource_id} is not a registered managed node (an mi- server, or an instance "
                             "that runs from an AMI carrying SSM Agent)")
        return node

    @action("install_software", "ssm", resource="resource_id")
    def install_software(self, resource_id: str, name: str, *, publisher: str = "", version: str = "") -> None:
        """Install (or upgrade) ``name`` by hand on a managed node; Systems Manager sees it
        at the node's next inventory collection, License Manager later still.

        Raises:
            ValueError: for an unknown or stopped node, or an empty name.
        """
        node = self._node(resource_id)
        self.world.region(node.region).ssm.install(resource_id, name, publisher, version)

    @action("uninstall_software", "ssm", resource="resource_id")
    def uninstall_software(self, resource_id: str, name: str) -> None:
        """Remove ``name`` from a managed node.

        Raises:
            ValueError: for an unknown or stopped node, or software it does not have.
        """
        node = self._node(resource_id)
        self.world.region(node.region).ssm.uninstall(resource_id, name)

    @action("set_agent_online", "ssm", resource="resource_id")
    def set_agent_online(self, resource_id: str, online: bool) -> None:
        """A node's SSM Agent goes dark (``online=False``) or answers again; the machine
        keeps running either way.

        Raises:
            ValueError: for an unknown node or a non-boolean ``online``.
        """
        node = self._node(resource_id)
        self.world.region(node.region).ssm.set_agent_online(resource_id, online)

    @action("set_kms_server", "ec2", resource="instance_id")
    def set_kms_server(self, instance_id: str, kms_server: str) -> None:
        """Log in to a running Windows instance and point it at the KMS server
        ``kms_server`` (``slmgr.vbs /skms <kms_server>``): your own KMS server after a
        conversion to BYOL, or the AWS KMS servers (``169.254.169.250``) to activate a
        license-included instance whose conversion's activation step failed.

        Raises:
            ValueError: for an unknown instance, one that is not running or does not run
                Windows, or an empty server name.
        """
        instance = self.world.find_instance(instance_id)
        if instance is None:
            raise ValueError(f"instance_id {instance_id!r} is not an instance of the simulation")
        if instance.state is not InstanceState.RUNNING:
            raise ValueError(f"instance {instance_id} is {instance.state}: log in to it once it runs")
        if instance.kms_server is None:
            raise ValueError(f"instance {instance_id} runs {instance.platform_details}, not Windows")
        if not isinstance(kms_server, str) or not kms_server.strip():
            raise ValueError("kms_server must be a host name or address")
        self.world.region(instance.region).ec2.set_kms_server(instance, kms_server)
