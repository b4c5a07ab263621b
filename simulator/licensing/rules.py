"""License rules: which rules each counting type allows, their values, and their checks.

The table is the user guide's ("License configuration parameters and rules"). Where the
API reference (``CreateLicenseConfiguration.LicenseRules``) disagrees, for the Instance
counting type, which it limits to allowedTenancy, maximumVcpus and minimumVcpus, the
user guide wins: Instance counting also allows the core and socket minimums and maximums.

Minimum and maximum rules apply to the resource being counted at launch, the instance:
for vCPU and Instance counting that is plain. For Core and Socket counting the licenses
are counted on the Dedicated Host, yet the rules are checked against the instance's cores
(``CpuOptions.CoreCount``) and sockets. The user guide's operating-system example
settles it: a Cores configuration with "Minimum cores 8, Maximum cores 16" and Dedicated
Host tenancy describes servers of 8 to 16 cores; no Dedicated Host has 16 physical cores or
fewer (an m5 host has 48), so read as host cores the rule could never be met. An instance's
sockets are the host sockets its cores span: ``ceil(cores / cores per socket)`` of its host
(or of its family's host hardware when it does not run on a Dedicated Host).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from simulator.core.validation import invalid, parse_whole_number

#: Counting type -> the rules it allows (user guide table).
ALLOWED_RULES: dict[str, frozenset[str]] = {
    "Core": frozenset({"licenseAffinityToHost", "maximumCores", "minimumCores", "allowedTenancy"}),
    "Instance": frozenset({
        "maximumCores", "maximumSockets", "maximumVcpus", "minimumCores", "minimumSockets",
        "minimumVcpus", "allowedTenancy",
    }),
    "Socket": frozenset({"licenseAffinityToHost", "maximumSockets", "minimumSockets", "allowedTenancy"}),
    "vCPU": frozenset({"maximumVcpus", "minimumVcpus", "allowedTenancy", "honorVcpuOptimization"}),
}
ALL_RULES = frozenset().union(*ALLOWED_RULES.values())

#: allowedTenancy values and the EC2 tenancy each stands for.
TENANCY_NAMES = {"EC2-Default": "default", "EC2-DedicatedInstance": "dedicated", "EC2-DedicatedHost": "host"}
EC2_TENANCY_NAMES = {ec2: name for name, ec2 in TENANCY_NAMES.items()}

AFFINITY_DAYS = (1, 180)
_RULE = re.compile(r"#(?P<name>[A-Za-z]+)=(?P<value>.+)")



@dataclass(frozen=True)
class RuleSet:
    """The parsed rules of a license configuration. None means "no such rule"."""

    allowed_tenancies: frozenset[str] = frozenset()
    minimum_vcpus: int | None = None
    maximum_vcpus: int | None = None
    minimum_cores: int | None = None
    maximum_cores: int | None = None
    minimum_sockets: int | None = None
    maximum_sockets: int | None = None
    honor_vcpu_optimization: bool = False
    affinity_days: int | None = None
    texts: tuple[str, ...] = field(default=())
    constrains_instances: bool = field(init=False)

    def __post_init__(self) -> None:
        # Whether any rule looks at the launched instance (tenancy, minimums, maximums);
        # computed once because every launch asks.
        limits = (self.minimum_vcpus, self.maximum_vcpus, self.minimum_cores, self.maximum_cores,
                  self.minimum_sockets, self.maximum_sockets)
        object.__setattr__(self, "constrains_instances",
                           bool(self.allowed_tenancies) or any(v is not None for v in limits))

    @property
    def names(self) -> frozenset[str]:
        """The API names of the rules present."""
        return frozenset(match["name"] for text in self.texts if (match := _RULE.match(text)))


_NUMERIC = {
    "minimumVcpus": "minimum_vcpus",
    "maximumVcpus": "maximum_vcpus",
    "minimumCores": "minimum_cores",
    "maximumCores": "maximum_cores",
    "minimumSockets": "minimum_sockets",
    "maximumSockets": "maximum_sockets",
}


def parse_rules(texts: list[str] | tuple[str, ...], counting_type: str) -> RuleSet:
    """Parse and check ``#name=value`` rules for ``counting_type``.

    Raises:
        ServiceError: InvalidParameterValueException naming the rule for a malformed rule,
            a rule the counting type does not allow, a repeated rule, or a value out of range.
    """
    numbers: dict[str, int] = {}
    honor: bool | None = None
    tenancies: set[str] = set()
    for text in texts:
        name, value = _rule(text, counting_type)
        if name == "allowedTenancy":
            _check_tenancy(value, counting_type, tenancies)
            tenancies.add(value)
        elif name in numbers or (name == "honorVcpuOptimization" and honor is not None):
            raise invalid(f"License rule {name} is given twice")
        elif name == "honorVcpuOptimization":
            honor = _boolean(name, value)
        else:
            numbers[name] = _number(name, value)
    for kind in ("Vcpus", "Cores", "Sockets"):
        low, high = numbers.get(f"minimum{kind}"), numbers.get(f"maximum{kind}")
        if low is not None and high is not None and low > high:
            raise invalid(f"License rule minimum{kind}={low} exceeds maximum{kind}={high}")
    return RuleSet(
        allowed_tenancies=frozenset(TENANCY_NAMES[t] for t in tenancies),
        honor_vcpu_optimization=bool(honor),
        affinity_days=numbers.get("licenseAffinityToHost"),
        texts=tuple(text.strip() for text in texts),
        **{attr: numbers.get(name) for name, attr in _NUMERIC.items()},
    )


def _rule(text: object, counting_type: str) -> tuple[str, str]:
    """A rule's name and value, for a rule that exists and ``counting_type`` allows.

    Raises:
        ServiceError: InvalidParameterValueException otherwise.
    """
    match = _RULE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise invalid(f"License rule {text!r} is malformed; the syntax is #name=value, "
                      "for example #allowedTenancy=EC2-DedicatedHost")
    name, value = match["name"], match["value"].strip()
    if name not in ALL_RULES:
        raise invalid(f"License rule {name} does not exist; rules: {', '.join(sorted(ALL_RULES))}")
    allowed = ALLOWED_RULES[counting_type]
    if name not in allowed:
        raise invalid(f"License rule {name} is not allowed for counting type {counting_type}; "
                      f"allowed: {', '.join(sorted(allowed))}")
    return name, value


def _check_tenancy(value: str, counting_type: str, seen: set[str]) -> None:
    """Check an ``allowedTenancy`` value (a tenancy name, a Dedicated Host for Core and
    Socket counting, not given twice).

    Raises:
        ServiceError: InvalidParameterValueException otherwise.
    """
    if value not in TENANCY_NAMES:
        raise invalid(f"License rule allowedTenancy={value} is invalid; allowed values: {', '.join(TENANCY_NAMES)}")
    if counting_type in ("Core", "Socket") and value != "EC2-DedicatedHost":
        raise invalid(f"License rule allowedTenancy={value} is invalid for counting type {counting_type}: "
                      f"{counting_type} counting requires Dedicated Hosts (EC2-DedicatedHost)")
    if value in seen:
        raise invalid(f"License rule allowedTenancy={value} is given twice")


def _boolean(name: str, value: str) -> bool:
    """A boolean rule's value; they compare case-insensitively (the AWS CLI's own example
    writes "true").

    Raises:
        ServiceError: InvalidParameterValueException for another value.
    """
    if value.lower() not in ("true", "false"):
        raise invalid(f"License rule {name}={value} is invalid; allowed values: True, False (any case)")
    return value.lower() == "true"


def _number(name: str, value: str) -> int:
    """A numeric rule's value: licenseAffinityToHost in days within its range, the others
    at least 1.

    Raises:
        ServiceError: InvalidParameterValueException for a value that is not a whole
            number or is out of range.
    """
    number = parse_whole_number(value, f"License rule {name}", code="InvalidParameterValueException")
    if name == "licenseAffinityToHost":
        low, high = AFFINITY_DAYS
        if not low <= number <= high:
            raise invalid(f"License rule licenseAffinityToHost={number} is out of range; "
                          f"the unit is days and the range is {low} to {high}")
    elif number < 1:
        raise invalid(f"License rule {name}={number} is out of range; it must be at least 1")
    return number


@dataclass(frozen=True, slots=True)
class Measures:
    """What the rules look at on one instance."""

    tenancy: str
    vcpus: int
    cores: int
    sockets: int


def instance_sockets(cores: int, cores_per_socket: int | None) -> int:
    """The sockets ``cores`` span on hardware with ``cores_per_socket`` (1 if unknown)."""
    return math.ceil(cores / cores_per_socket) if cores_per_socket else 1


def rule_violations(rules: RuleSet, counting_type: str, measures: Measures) -> list[tuple[str, str]]:
    """The rules an instance breaks, as ``(rule name, explanation)``; empty if compliant."""
    broken = []
    if rules.allowed_tenancies and measures.tenancy not in rules.allowed_tenancies:
        allowed = ", ".join(sorted(EC2_TENANCY_NAMES[t] for t in rules.allowed_tenancies))
        broken.append(("allowedTenancy", f"tenancy {EC2_TENANCY_NAMES[measures.tenancy]} is not "
                                         f"allowed (allowed: {allowed})"))
    elif counting_type in ("Core", "Socket") and measures.tenancy != "host":
        broken.append(("allowedTenancy", f"{counting_type} counting requires a Dedicated Host, "
                                         f"tenancy is {EC2_TENANCY_NAMES[measures.tenancy]}"))
    for label, value, low, high in (
        ("Vcpus", measures.vcpus, rules.minimum_vcpus, rules.maximum_vcpus),
        ("Cores", measures.cores, rules.minimum_cores, rules.maximum_cores),
        ("Sockets", measures.sockets, rules.minimum_sockets, rules.maximum_sockets),
    ):
        if low is not None and value < low:
            broken.append((f"minimum{label}", f"{value} {label.lower()} is below minimum{label}={low}"))
        if high is not None and value > high:
            broken.append((f"maximum{label}", f"{value} {label.lower()} is above maximum{label}={high}"))
    return broken
