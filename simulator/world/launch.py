"""What the world asks the engine: launch authorizers before instances launch or start, and
the license lookup host resource groups use to check the license configurations they allow."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from simulator.world.catalog import InstanceTypeSpec
    from simulator.world.ec2.host import DedicatedHost
    from simulator.world.ec2.image import Image
    from simulator.world.ec2.instance import Instance


class LaunchCandidate(NamedTuple):
    """One instance the world is about to launch or start, fully placed (a named tuple:
    cheap to build on the launch path). ``vacating`` is the host a recovered instance leaves
    for ``host``: what that host's instances held is released as they move."""

    instance_type: InstanceTypeSpec
    image: Image
    usage_operation: str
    core_count: int
    threads_per_core: int
    tenancy: str
    availability_zone: str
    host: DedicatedHost | None
    license_configuration_arns: tuple[str, ...]
    instance: Instance | None = None
    vacating: DedicatedHost | None = None

    @property
    def vcpus(self) -> int:
        """The vCPUs the instance will run with."""
        return self.core_count * self.threads_per_core


class LaunchRequest(NamedTuple):
    """A RunInstances or StartInstances call about to take effect: the first ``min_count``
    candidates must all go ahead, the rest may be cut (RunInstances' MinCount)."""

    operation: str
    account_id: str
    region: str
    principal: str
    candidates: tuple[LaunchCandidate, ...]
    min_count: int


class LaunchAuthorizer(Protocol):
    """Decides how much of a launch or start may go ahead."""

    def authorize_launch(self, request: LaunchRequest) -> int:
        """Return how many of the request's leading candidates may go ahead (at least
        ``request.min_count``; ``len(request.candidates)`` to allow them all).

        Raises:
            ServiceError: to refuse the request; the call then fails with this error and
                nothing launches or starts.
        """
        ...


class LicenseConfigurationInfo(NamedTuple):
    """What the world may know of a license configuration."""

    arn: str
    owner_id: str
    counting_type: str


class LicenseLookup(Protocol):
    """Answers the world's questions about license configurations (registered by the engine)."""

    def license_configuration(self, region: str, arn: str) -> LicenseConfigurationInfo | None:
        """The configuration ``arn`` names in ``region``, or None if there is none."""
        ...

    def host_license_configurations(self, host: DedicatedHost) -> tuple[LicenseConfigurationInfo, ...]:
        """The configurations the Dedicated Host itself is associated with."""
        ...

    def launch_license_configurations(
        self, account_id: str, region: str, image: Image, arns: tuple[str, ...],
    ) -> tuple[LicenseConfigurationInfo, ...]:
        """The configurations that would track an instance ``account_id`` launches from
        ``image`` naming ``arns`` (the named ones and the AMI's associations).

        Raises:
            ServiceError: EC2's InvalidParameterValue for a named configuration that does not
                exist or is another account's.
        """
        ...
