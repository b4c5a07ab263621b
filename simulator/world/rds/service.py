"""Amazon RDS of one region, enough for Oracle: DB instances (create, read replicas,
delete, describe) and option groups (create, modify, describe, delete).

Every call checks everything first and changes nothing when it fails. A new DB instance is
``creating`` for ``RdsTimings.create`` seconds, then ``available``; a deleted one is
``deleting`` for ``RdsTimings.delete`` seconds, then gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from simulator.core.ids import LOWER_ALNUM
from simulator.core.validation import check_tags
from simulator.world.ec2.context import RegionContext
from simulator.world.events import (
    DBInstanceCreated,
    DBInstanceDeleted,
    OptionGroupChanged,
)
from simulator.world.rds.db_instance import (
    BYOL,
    ENGINE_VERSIONS,
    LICENSE_INCLUDED,
    LICENSE_MODELS,
    OPEN_READ_ONLY,
    ORACLE_CLASS_FAMILIES,
    ORACLE_ENGINES,
    ORACLE_OPTIONS,
    REPLICA_MODES,
    DBInstance,
    DBInstanceStatus,
)
from simulator.world.rds.errors import (
    db_instance_already_exists,
    db_instance_not_found,
    invalid_db_instance_state,
    invalid_option_group_state_fault,
    invalid_parameter_combination,
    invalid_parameter_value,
    option_group_already_exists_fault,
    option_group_not_found_fault,
)
from simulator.world.rds.option_group import OptionGroup

_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_MASTER_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,15}")
STORAGE = (20, 65536)


@dataclass(frozen=True)
class RdsTimings:
    """How long RDS changes take, in simulated seconds."""

    create: float = 600.0
    delete: float = 300.0


def check_identifier(identifier: str, field: str = "DBInstanceIdentifier") -> str:
    """The identifier in lower case, as RDS stores it.

    Raises:
        ServiceError: InvalidParameterValue naming the constraints.
    """
    lowered = identifier.lower()
    if not 1 <= len(lowered) <= 63 or _IDENTIFIER.fullmatch(lowered) is None:
        # RDS's own wording; it does not echo the value.
        raise invalid_parameter_value(f"The parameter {field} is not a valid identifier. Identifiers must begin with a "
                                      "letter; must contain only ASCII letters, digits, and hyphens; and must not end "
                                      "with a hyphen or contain two consecutive hyphens.")
    return lowered


class RdsService:
    """RDS of one region, for every account.

    Args:
        ctx: The region's shared plumbing.
        timings: How long creation and deletion take.
    """

    def __init__(self, ctx: RegionContext, timings: RdsTimings | None = None) -> None:
        self.ctx = ctx
        self.timings = timings or RdsTimings()
        self._databases: dict[str, dict[str, DBInstance]] = {}
        self._groups: dict[str, dict[str, OptionGroup]] = {}

    # -- lookups --------------------------------------------------------------------------

    def accounts(self) -> list[str]:
        """The accounts that have DB instances."""
        return [a for a, dbs in self._databases.items() if dbs]

    def account_databases(self, account_id: str) -> list[DBInstance]:
        """The account's DB instances, oldest first (deleting ones too)."""
        return list(self._databases.get(account_id, {}).values())

    def database(self, account_id: str, identifier: str) -> DBInstance:
        """One DB instance of the account.

        Raises:
            ServiceError: DBInstanceNotFound.
        """
        found = self._databases.get(account_id, {}).get(identifier.lower())
        if found is None:
            raise db_instance_not_found(f"DBInstance {identifier} not found.", status=404)
        return found

    def describe(self, account_id: str, identifier: str | None = None,
                 filters: Iterable[tuple[str, list[str]]] = ()) -> list[DBInstance]:
        """DescribeDBInstances: one instance, or the account's filtered by db-instance-id,
        dbi-resource-id or engine.

        Raises:
            ServiceError: DBInstanceNotFound, InvalidParameterValue for another filter.
        """
        getters = {"db-instance-id": lambda d: (d.identifier, d.arn), "dbi-resource-id": lambda d: (d.resource_id,),
                   "engine": lambda d: (d.engine,)}
        tests = []
        for name, values in filters:
            if name not in getters:
                raise invalid_parameter_value(f"Unrecognized filter name: {name}; supported: {', '.join(getters)}")
            tests.append(lambda d, get=getters[name], wanted=set(values): bool(wanted & set(get(d))))
        selected = ([self.database(account_id, identifier.rpartition(":")[2])] if identifier
                    else self.account_databases(account_id))
        return [d for d in selected if all(test(d) for test in tests)]

    def option_group(self, account_id: str, name: str) -> OptionGroup:
        """One option group of the account. A default group (``default:<engine>-<major>``)
        exists once RDS made it, with the account's first DB instance of that engine and
        major version; reads and refused calls never make one.

        Raises:
            ServiceError: OptionGroupNotFoundFault.
        """
        group = self._groups.get(account_id, {}).get(name)
        if group is None:
            raise option_group_not_found_fault(f"Option group {name} not found.", status=404)
        return group

    def option_groups(self, account_id: str, name: str | None = None, engine_name: str | None = None,
                      major_engine_version: str | None = None) -> list[OptionGroup]:
        """DescribeOptionGroups.

        Raises:
            ServiceError: OptionGroupNotFoundFault for a named group that does not exist.
        """
        if name:
            return [self.option_group(account_id, name)]
        return [g for g in self._groups.get(account_id, {}).values()
                if (engine_name is None or g.engine_name == engine_name)
                and (major_engine_version is None or g.major_engine_version == major_engine_version)]

    # -- DB instances -----------------------------------------------------------------------

    def create(
        self, account_id: str, identifier: str, instance_class: str, engine: str, *, master_username: str | None,
        allocated_storage: int | None, license_model: str | None = None, engine_version: str | None = None,
        option_group_name: str | None = None, availability_zone: str | None = None, multi_az: bool = False,
        tags: dict[str, str] | None = None,
    ) -> DBInstance:
        """CreateDBInstance of an Oracle DB instance.

        Raises:
            ServiceError: InvalidParameterValue (identifier, engine, license model, storage,
                master user name, engine version), InvalidParameterCombination (a class or a
                license model the engine does not offer, an option group of another engine),
                OptionGroupNotFoundFault, DBInstanceAlreadyExists.
        """
        identifier = check_identifier(identifier)
        if engine not in ORACLE_ENGINES:
            raise invalid_parameter_value(f"Invalid DB engine: {engine}; the simulated engines are "
                                          f"{', '.join(ORACLE_ENGINES)}")
        edition = ORACLE_ENGINES[engine]
        model = license_model or (BYOL if edition == "oracle-ee" else LICENSE_INCLUDED)
        if model not in LICENSE_MODELS:
            raise invalid_parameter_value(f"Invalid license model {model!r} for {engine}; allowed: "
                                          f"{', '.join(LICENSE_MODELS)}")
        if model == LICENSE_INCLUDED and edition != "oracle-se2":
            raise invalid_parameter_combination("RDS does not support creating a DB instance with the following "
                                                f"combination: Engine={engine}, LicenseModel={model} (License "
                                                "Included is offered for SE2 only)")
        vcpus = self._class_vcpus(instance_class, engine, model)
        major, version = self._version(engine_version)
        if master_username is None or _MASTER_USERNAME.fullmatch(master_username) is None:
            raise invalid_parameter_value("The parameter MasterUsername must be provided: 1 to 16 letters, numbers or "
                                          "underscores, starting with a letter")
        low, high = STORAGE
        if allocated_storage is None or not low <= allocated_storage <= high:
            raise invalid_parameter_value(f"Invalid storage size for engine name {engine}: {allocated_storage}; "
                                          f"allowed {low} to {high} GiB")
        zone = self.ctx.check_availability_zone(availability_zone) if availability_zone else \
            self.ctx.availability_zones[0]
        group = self._group_for(account_id, option_group_name, engine, major)
        tags = check_tags(tags or {}, "Tags", code="InvalidParameterValue")
        self._check_free(account_id, identifier)
        return self._add(DBInstance(
            identifier=identifier, account_id=account_id, region=self.ctx.region,
            resource_id="db-" + self.ctx.ids.token("dbi-resource", 26, LOWER_ALNUM).upper(),
            instance_class=instance_class, vcpus=vcpus, engine=engine, engine_version=version, license_model=model,
            option_group=group, created_at=self.ctx.clock.now(), availability_zone=zone,
            allocated_storage=allocated_storage, master_username=master_username, multi_az=multi_az, tags=tags,
        ))

    def create_read_replica(
        self, account_id: str, identifier: str, source_identifier: str, *, instance_class: str | None = None,
        replica_mode: str | None = None, tags: dict[str, str] | None = None,
    ) -> DBInstance:
        """CreateDBInstanceReadReplica of an Oracle Enterprise Edition BYOL instance:
        ``open-read-only`` (the default, Active Data Guard) or ``mounted``.

        Raises:
            ServiceError: DBInstanceNotFound, InvalidDBInstanceState unless the source is an
                available primary, InvalidParameterCombination for a source that is not EE
                BYOL, InvalidParameterValue, DBInstanceAlreadyExists.
        """
        identifier = check_identifier(identifier)
        source = self.database(account_id, source_identifier.rpartition(":")[2])
        if source.status is not DBInstanceStatus.AVAILABLE or source.source is not None:
            raise invalid_db_instance_state(f"DB instance {source.identifier} is "
                                            f"{source.status}{' and a replica' if source.source else ''}; replicas "
                                            "are made of available primary instances")
        if source.edition != "oracle-ee" or source.license_model != BYOL:
            raise invalid_parameter_combination("Oracle read replicas need Enterprise Edition under "
                                                f"bring-your-own-license; {source.identifier} runs {source.engine} "
                                                f"({source.license_model})")
        mode = replica_mode or OPEN_READ_ONLY
        if mode not in REPLICA_MODES:
            raise invalid_parameter_value(f"ReplicaMode {mode!r} is invalid; allowed: {', '.join(REPLICA_MODES)}")
        instance_class = instance_class or source.instance_class
        vcpus = self._class_vcpus(instance_class, source.engine, source.license_model)
        tags = check_tags(tags or {}, "Tags", code="InvalidParameterValue")
        self._check_free(account_id, identifier)
        replica = DBInstance(
            identifier=identifier, account_id=account_id, region=self.ctx.region,
            resource_id="db-" + self.ctx.ids.token("dbi-resource", 26, LOWER_ALNUM).upper(),
            instance_class=instance_class, vcpus=vcpus, engine=source.engine, engine_version=source.engine_version,
            license_model=source.license_model, option_group=source.option_group, created_at=self.ctx.clock.now(),
            availability_zone=source.availability_zone, allocated_storage=source.allocated_storage,
            master_username=source.master_username, source=source, replica_mode=mode, tags=tags,
        )
        source.replicas.append(replica)
        return self._add(replica)

    def delete(self, account_id: str, identifier: str, *, skip_final_snapshot: bool = False,
               final_snapshot_identifier: str | None = None) -> DBInstance:
        """DeleteDBInstance: the instance is ``deleting`` at once, gone after the delay.
        Final snapshots are not kept (snapshots are not simulated).

        Raises:
            ServiceError: DBInstanceNotFound, InvalidDBInstanceState unless available,
                InvalidParameterCombination without SkipFinalSnapshot or a snapshot name (or
                with both, or with a snapshot name for a replica).
        """
        database = self.database(account_id, identifier)
        if database.status is not DBInstanceStatus.AVAILABLE:
            raise invalid_db_instance_state(f"DB instance {database.identifier} is {database.status}; only an "
                                            "available instance can be deleted")
        if skip_final_snapshot == bool(final_snapshot_identifier) or (database.source and not skip_final_snapshot):
            raise invalid_parameter_combination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is "
                                                "specified (and cannot be given with it, nor for a read replica)")
        if any(r.running for r in database.replicas):
            raise invalid_db_instance_state(f"DB instance {database.identifier} has read replicas; delete them first")
        database.status = DBInstanceStatus.DELETING
        self.ctx.bus.publish(DBInstanceDeleted(database))
        self.ctx.clock.call_later(self.timings.delete, self._forget, database)
        return database

    def _forget(self, database: DBInstance) -> None:
        del self._databases[database.account_id][database.identifier]
        if database.source is not None:
            database.source.replicas.remove(database)

    def _add(self, database: DBInstance) -> DBInstance:
        group = database.option_group
        self._groups.setdefault(database.account_id, {}).setdefault(group.name, group)
        self._databases.setdefault(database.account_id, {})[database.identifier] = database
        self.ctx.bus.publish(DBInstanceCreated(database))
        self.ctx.clock.call_later(self.timings.create, self._become_available, database)
        return database

    def _become_available(self, database: DBInstance) -> None:
        if database.status is DBInstanceStatus.CREATING:
            database.status = DBInstanceStatus.AVAILABLE

    def _check_free(self, account_id: str, identifier: str) -> None:
        if identifier in self._databases.get(account_id, {}):
            raise db_instance_already_exists(f"DB instance already exists: {identifier}")

    def _class_vcpus(self, instance_class: str, engine: str, license_model: str) -> int:
        spec = self.ctx.catalog.instance_type(instance_class[3:]) if instance_class.startswith("db.") else None
        if spec is None or spec.family not in ORACLE_CLASS_FAMILIES:
            raise invalid_parameter_combination("RDS does not support creating a DB instance with the following "
                                                f"combination: DBInstanceClass={instance_class}, Engine={engine}, "
                                                f"LicenseModel={license_model}; classes: db.<type> of the families "
                                                f"{', '.join(ORACLE_CLASS_FAMILIES)}")
        return spec.default_vcpus

    @staticmethod
    def _version(engine_version: str | None) -> tuple[str, str]:
        if engine_version is None:
            return "19", ENGINE_VERSIONS["19"]
        major = engine_version.split(".", 1)[0]
        if major not in ENGINE_VERSIONS or not engine_version.startswith(f"{major}.0.0.0"):
            raise invalid_parameter_value(f"Cannot find version {engine_version}; versions: "
                                          f"{', '.join(ENGINE_VERSIONS.values())}")
        return major, engine_version

    def _group_for(self, account_id: str, name: str | None, engine: str, major: str) -> OptionGroup:
        """The option group a new DB instance joins: the one named, or the engine version's
        default group, planned (not registered: ``_add`` registers it) if RDS has not made it
        yet."""
        default = f"default:{engine}-{major}"
        if name in (None, default) and default not in self._groups.get(account_id, {}):
            return OptionGroup(name=default, account_id=account_id, region=self.ctx.region, engine_name=engine,
                               major_engine_version=major, description=f"Default option group for {engine} {major}",
                               default=True)
        group = self.option_group(account_id, name or default)
        if (group.engine_name, group.major_engine_version) != (engine, major):
            raise invalid_parameter_combination(f"The option group {group.name} is for {group.engine_name} "
                                                f"{group.major_engine_version}, not for {engine} {major}")
        return group

    # -- option groups ----------------------------------------------------------------------

    def create_option_group(self, account_id: str, name: str, engine_name: str, major_engine_version: str,
                            description: str, tags: dict[str, str] | None = None) -> OptionGroup:
        """CreateOptionGroup for an Oracle engine.

        Raises:
            ServiceError: InvalidParameterValue (name, engine, version),
                OptionGroupAlreadyExistsFault.
        """
        lowered = check_identifier(name, "OptionGroupName")
        if engine_name not in ORACLE_ENGINES:
            raise invalid_parameter_value(f"Invalid engine name {engine_name}; the simulated engines are "
                                          f"{', '.join(ORACLE_ENGINES)}")
        if major_engine_version not in ENGINE_VERSIONS:
            raise invalid_parameter_value(f"Invalid major engine version {major_engine_version} for {engine_name}; "
                                          f"allowed: {', '.join(ENGINE_VERSIONS)}")
        tags = check_tags(tags or {}, "Tags", code="InvalidParameterValue")
        groups = self._groups.setdefault(account_id, {})
        if lowered in groups:
            raise option_group_already_exists_fault(f"Option group {lowered} already exists.")
        group = groups[lowered] = OptionGroup(
            name=lowered, account_id=account_id, region=self.ctx.region, engine_name=engine_name,
            major_engine_version=major_engine_version, description=description, tags=tags)
        return group

    def modify_option_group(self, account_id: str, name: str, include: Iterable[tuple[str, dict[str, str]]] = (),
                            remove: Iterable[str] = ()) -> OptionGroup:
        """ModifyOptionGroup: add or reconfigure options, remove others (applied at once).

        Raises:
            ServiceError: OptionGroupNotFoundFault, InvalidOptionGroupStateFault for a
                default group, InvalidParameterValue for an unknown option or setting,
                InvalidParameterCombination for an option the edition does not offer.
        """
        group = self.option_group(account_id, name)
        if group.default:
            raise invalid_option_group_state_fault(f"Default option group {name} cannot be modified")
        edition = ORACLE_ENGINES[group.engine_name]
        options = {k: dict(v) for k, v in group.options.items()}
        for option, settings in include:
            known = ORACLE_OPTIONS.get(option)
            if known is None:
                raise invalid_parameter_value(f"Option {option} is not valid for {group.engine_name}; options: "
                                              f"{', '.join(ORACLE_OPTIONS)}")
            editions, allowed = known
            if edition not in editions:
                raise invalid_parameter_combination(f"Option {option} is not available for {group.engine_name}")
            for setting, value in settings.items():
                if setting not in allowed or value not in allowed[setting]:
                    raise invalid_parameter_value(f"Invalid option setting {setting}={value} for {option}; settings: "
                                   + (", ".join(f"{s} ({'|'.join(v)})" for s, v in allowed.items()) or "none"))
            options[option] = {**options.get(option, {}), **settings}
        for option in remove:
            if option not in options:
                raise invalid_parameter_value(f"Option {option} is not in option group {name}")
            del options[option]
        if options != group.options:
            group.options = options
            self.ctx.bus.publish(OptionGroupChanged(group))
        return group

    def delete_option_group(self, account_id: str, name: str) -> None:
        """DeleteOptionGroup of a group no DB instance uses.

        Raises:
            ServiceError: OptionGroupNotFoundFault, InvalidOptionGroupStateFault.
        """
        group = self.option_group(account_id, name)
        users = [d.identifier for d in self.account_databases(account_id) if d.option_group is group]
        if group.default or users:
            raise invalid_option_group_state_fault(f"Option group {name} cannot be deleted"
                               + (f": used by {', '.join(users)}" if users else ": it is a default group"))
        del self._groups[account_id][name]
