"""What the world asks launch authorizers before instances launch or start."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from simulator.world.catalog import InstanceTypeSpec
    from simulator.world.ec2.hosts import DedicatedHost
    from simulator.world.ec2.images import Image
    from simulator.world.ec2.instances import Instance


class LaunchCandidate(NamedTuple):
    """One instance the world is about to launch or start, fully placed (a named tuple:
    cheap to build on the launch path)."""

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
