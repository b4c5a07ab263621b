"""EC2 service quotas per account and region: the vCPU-based On-Demand instance limits and
the Dedicated Hosts per instance family.

Amazon EC2 User Guide, "On-Demand Instance quotas": running On-Demand instances are limited
by the vCPUs of their instance types, per group of families (Standard: A, C, D, H, I, M, R, T,
Z; F; G and VT; Inf; P; X; DL; Trn; HPC; High Memory). Instances on Dedicated Hosts do not
count; Dedicated Hosts have a quota per instance family. A RunInstances call whose MaxCount
goes past the quota launches as many instances as fit, at least MinCount, as EC2 does.

The defaults are those of a large estate (quotas raised well past a new account's) and are
settings: pass ``Ec2Quotas(...)`` to the Simulation to study a tighter one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from simulator.world.catalog import InstanceTypeSpec
from simulator.world.ec2.errors import host_limit_exceeded, vcpu_limit_exceeded

STANDARD = "Standard"
#: Family prefix -> On-Demand quota group (families not listed are Standard).
_GROUPS = {"f": "F", "g": "G and VT", "gr": "G and VT", "vt": "G and VT", "inf": "Inf", "p": "P", "x": "X",
           "dl": "DL", "trn": "Trn", "hpc": "HPC", "u": "High Memory"}
_PREFIX = re.compile(r"[a-z]+")


def quota_group(spec: InstanceTypeSpec) -> str:
    """The On-Demand quota group of an instance type."""
    return _family_group(spec.family)


@cache  # asked for every instance that launches, starts or stops
def _family_group(family: str) -> str:
    prefix = _PREFIX.match(family)
    return _GROUPS.get(prefix.group(0) if prefix else "", STANDARD)


def _default_vcpus() -> dict[str, int]:
    return {STANDARD: 100_000, "F": 2_000, "G and VT": 10_000, "Inf": 10_000, "P": 10_000, "X": 10_000,
            "DL": 2_000, "Trn": 10_000, "HPC": 10_000, "High Memory": 4_000}


@dataclass(frozen=True)
class Ec2Quotas:
    """EC2 quotas that apply to each account in each region.

    Attributes:
        on_demand_vcpus: Quota group -> the running On-Demand vCPUs allowed.
        hosts_per_family: Dedicated Hosts allocated at once per instance family.
    """

    on_demand_vcpus: dict[str, int] = field(default_factory=_default_vcpus)
    hosts_per_family: int = 500


class QuotaUsage:
    """What each account uses of its quotas in one region, kept as running counters.

    Args:
        quotas: The quotas.
    """

    def __init__(self, quotas: Ec2Quotas) -> None:
        self.quotas = quotas
        self._vcpus: dict[tuple[str, str], int] = {}

    def room(self, account_id: str, spec: InstanceTypeSpec) -> int:
        """How many more On-Demand instances of ``spec`` the account may run now."""
        group = quota_group(spec)
        limit = self.quotas.on_demand_vcpus.get(group, 0)
        return max(0, limit - self._vcpus.get((account_id, group), 0)) // spec.default_vcpus

    def check_launch(self, account_id: str, spec: InstanceTypeSpec, min_count: int, max_count: int) -> int:
        """How many of ``max_count`` instances fit the quota (at least ``min_count``).

        Raises:
            ServiceError: VcpuLimitExceeded when fewer than ``min_count`` fit.
        """
        room = self.room(account_id, spec)
        if room < min_count:
            group = quota_group(spec)
            raise vcpu_limit_exceeded("You have requested more vCPU capacity than your current vCPU limit of "
                                      f"{self.quotas.on_demand_vcpus.get(group, 0)} allows for the instance bucket "
                                      f"that the specified instance type {spec.name} belongs to (Running On-Demand "
                                      f"{group} instances); {min_count} x {spec.default_vcpus} vCPUs requested, room "
                                      f"for {room} instances")
        return min(max_count, room)

    def check_start(self, account_id: str, specs: list[InstanceTypeSpec]) -> None:
        """Refuse starting On-Demand instances of ``specs`` together past the quota.

        Raises:
            ServiceError: VcpuLimitExceeded.
        """
        needed: dict[str, int] = {}
        for spec in specs:
            needed[quota_group(spec)] = needed.get(quota_group(spec), 0) + spec.default_vcpus
        for group, vcpus in needed.items():
            limit = self.quotas.on_demand_vcpus.get(group, 0)
            used = self._vcpus.get((account_id, group), 0)
            if used + vcpus > limit:
                raise vcpu_limit_exceeded("You have requested more vCPU capacity than your current vCPU limit of "
                                          f"{limit} allows for Running On-Demand {group} instances: {used} in use, "
                                          f"{vcpus} more requested")

    def add(self, account_id: str, spec: InstanceTypeSpec, count: int) -> None:
        """``count`` On-Demand instances of ``spec`` started (negative: stopped)."""
        key = (account_id, quota_group(spec))
        self._vcpus[key] = self._vcpus.get(key, 0) + count * spec.default_vcpus

    def add_all(self, account_id: str, specs: Iterable[InstanceTypeSpec], sign: int = 1) -> None:
        """On-Demand instances of ``specs`` (one each) started (``sign`` 1) or stopped (-1):
        the counters change once per quota group, with the call's vCPUs summed."""
        summed: dict[str, int] = {}
        for spec in specs:
            group = _family_group(spec.family)
            summed[group] = summed.get(group, 0) + spec.default_vcpus
        for group, vcpus in summed.items():
            key = (account_id, group)
            self._vcpus[key] = self._vcpus.get(key, 0) + sign * vcpus

    def check_hosts(self, account_id: str, family: str, allocated: int, quantity: int) -> None:
        """Refuse allocating ``quantity`` more hosts of ``family`` past the quota.

        Raises:
            ServiceError: HostLimitExceeded.
        """
        limit = self.quotas.hosts_per_family
        if allocated + quantity > limit:
            raise host_limit_exceeded(f"Allocating {quantity} more {family} Dedicated Hosts would exceed the limit of "
                                      f"{limit} hosts of the family for account {account_id} ({allocated} allocated)")
