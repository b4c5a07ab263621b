"""Amazon RDS for Oracle: DB instances, their classes, engines and license models, and the
option groups that hold Oracle's separately licensed options.

License packs are named as License Manager's RDS discovery filter names them (``ols``,
``olap``, ``diagnostic pack sqlt``, ``tuning pack sqlt``, ``data guard``). Where they come
from (Amazon RDS User Guide, "Options for Oracle DB instances" and "Working with read
replicas for Amazon RDS for Oracle"): the OLS and OLAP options are Oracle Label Security
and OLAP; the SQLT option's ``LICENSE_PACK`` setting is ``T`` (Tuning Pack, which includes
the Diagnostics Pack), ``D`` (Diagnostics Pack) or ``N`` (neither); Active Data Guard is
what a read replica in ``open-read-only`` mode uses, on the replica and on its source
(``mounted`` replicas do not use it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from simulator.core.arn import format_arn
from simulator.world.rds.option_group import OptionGroup

#: Engine -> the Oracle Database edition it runs (License Manager's Engine Edition values).
ORACLE_ENGINES = {"oracle-ee": "oracle-ee", "oracle-ee-cdb": "oracle-ee", "oracle-se2": "oracle-se2",
                  "oracle-se2-cdb": "oracle-se2"}
BYOL = "bring-your-own-license"
LICENSE_INCLUDED = "license-included"
LICENSE_MODELS = (BYOL, LICENSE_INCLUDED)
#: Major version -> the engine version a DB instance gets when none is asked for.
ENGINE_VERSIONS = {"19": "19.0.0.0.ru-2024-10.rur-2024-10.r1", "21": "21.0.0.0.ru-2024-10.rur-2024-10.r1"}
#: The instance families RDS for Oracle offers (DB instance class ``db.<EC2 type>``).
ORACLE_CLASS_FAMILIES = ("m5", "m5d", "m6i", "m7i", "r5", "r5b", "r5d", "r6i", "r7i", "t3", "x2idn", "x2iedn",
                         "x2iezn", "z1d")
OPEN_READ_ONLY = "open-read-only"
MOUNTED = "mounted"
REPLICA_MODES = (OPEN_READ_ONLY, MOUNTED)

#: Option name -> (editions that may use it, settings and their allowed values).
ORACLE_OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "OLS": (("oracle-ee",), {}),
    "OLAP": (("oracle-ee",), {}),
    "SQLT": (("oracle-ee", "oracle-se2"), {"LICENSE_PACK": ("T", "D", "N")}),
    "SPATIAL": (("oracle-ee", "oracle-se2"), {}),
    "STATSPACK": (("oracle-ee", "oracle-se2"), {}),
}
DATA_GUARD = "data guard"


class DBInstanceStatus(StrEnum):
    """The DB instance states the simulator goes through."""

    CREATING = "creating"
    AVAILABLE = "available"
    DELETING = "deleting"



@dataclass(slots=True, eq=False)
class DBInstance:
    """An RDS DB instance. ``replicas`` are its read replicas; ``source`` is the instance
    it replicates, if it is a replica."""

    identifier: str
    account_id: str
    region: str
    resource_id: str
    instance_class: str
    vcpus: int
    engine: str
    engine_version: str
    license_model: str
    option_group: OptionGroup
    created_at: datetime
    availability_zone: str
    allocated_storage: int
    master_username: str
    multi_az: bool = False
    status: DBInstanceStatus = DBInstanceStatus.CREATING
    source: DBInstance | None = None
    replica_mode: str | None = None
    replicas: list[DBInstance] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """The DB instance's ARN."""
        return format_arn("rds", self.region, self.account_id, "db", self.identifier, ":")

    @property
    def edition(self) -> str:
        """The Oracle Database edition (``oracle-ee``, ``oracle-se2``)."""
        return ORACLE_ENGINES[self.engine]

    @property
    def running(self) -> bool:
        """Whether the instance runs its database (creating or available)."""
        return self.status is not DBInstanceStatus.DELETING

    def license_packs(self) -> tuple[str, ...]:
        """The license packs the instance uses: its options', and Active Data Guard when it
        is, or has, a running replica in open-read-only mode."""
        packs = list(self.option_group.license_packs())
        read_only = self.replica_mode == OPEN_READ_ONLY or any(
            r.replica_mode == OPEN_READ_ONLY and r.running for r in self.replicas)
        if read_only:
            packs.append(DATA_GUARD)
        return tuple(packs)
