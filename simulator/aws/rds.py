"""Amazon RDS operations (query protocol) for Oracle DB instances, read replicas and option
groups."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in, tags_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world.rds import DBInstance, DBInstanceStatus, OptionGroup, RdsService

PORT = 1521


def _rds(call: Call) -> RdsService:
    return call.world.region(call.region).rds


def db_instance_out(database: DBInstance) -> dict[str, Any]:
    """The DBInstance shape."""
    available = database.status is DBInstanceStatus.AVAILABLE
    return {
        "DBInstanceIdentifier": database.identifier,
        "DBInstanceClass": database.instance_class,
        "Engine": database.engine,
        "DBInstanceStatus": database.status.value,
        "MasterUsername": database.master_username,
        "Endpoint": {"Address": f"{database.identifier}.{database.resource_id[3:15].lower()}.{database.region}"
                                f".rds.amazonaws.com", "Port": PORT} if available else None,
        "AllocatedStorage": database.allocated_storage,
        "InstanceCreateTime": database.created_at if available else None,
        "AvailabilityZone": database.availability_zone,
        "MultiAZ": database.multi_az,
        "EngineVersion": database.engine_version,
        "LicenseModel": database.license_model,
        "OptionGroupMemberships": [{"OptionGroupName": database.option_group.name, "Status": "in-sync"}],
        "ReadReplicaSourceDBInstanceIdentifier": database.source.identifier if database.source else None,
        "ReadReplicaDBInstanceIdentifiers": [r.identifier for r in database.replicas],
        "ReplicaMode": database.replica_mode,
        "DbiResourceId": database.resource_id,
        "DBInstanceArn": database.arn,
        "TagList": tags_out(database.tags),
    }


def option_group_out(group: OptionGroup) -> dict[str, Any]:
    """The OptionGroup shape."""
    return {
        "OptionGroupName": group.name,
        "OptionGroupDescription": group.description,
        "EngineName": group.engine_name,
        "MajorEngineVersion": group.major_engine_version,
        "Options": [{"OptionName": name, "Persistent": False, "Permanent": False,
                     "OptionSettings": [{"Name": k, "Value": v} for k, v in settings.items()]}
                    for name, settings in group.options.items()],
        "AllowsVpcAndNonVpcInstanceMemberships": True,
        "OptionGroupArn": group.arn,
    }


@operation("rds", "CreateDBInstance")
def create_db_instance(call: Call, params: Params) -> Response:
    database = _rds(call).create(
        call.account_id, params["DBInstanceIdentifier"], params["DBInstanceClass"], params["Engine"],
        master_username=params.get("MasterUsername"), allocated_storage=params.get("AllocatedStorage"),
        license_model=params.get("LicenseModel"), engine_version=params.get("EngineVersion"),
        option_group_name=params.get("OptionGroupName"), availability_zone=params.get("AvailabilityZone"),
        multi_az=params.get("MultiAZ", False), tags=tags_in(params.get("Tags"), "InvalidParameterValue"),
    )
    call.resource_id = database.identifier
    return {"DBInstance": db_instance_out(database)}


@operation("rds", "CreateDBInstanceReadReplica")
def create_db_instance_read_replica(call: Call, params: Params) -> Response:
    source = params.get("SourceDBInstanceIdentifier")
    if not source:  # the model leaves it optional for Multi-AZ DB cluster sources, not simulated
        raise ServiceError("MissingParameter", "The request must contain the parameter SourceDBInstanceIdentifier")
    if params.get("SourceRegion", call.region) != call.region:
        raise ServiceError("InvalidParameterCombination", "Cross-Region read replicas are not simulated; create the "
                                                          f"replica in the source's Region {call.region}")
    database = _rds(call).create_read_replica(
        call.account_id, params["DBInstanceIdentifier"], source,
        instance_class=params.get("DBInstanceClass"), replica_mode=params.get("ReplicaMode"),
        tags=tags_in(params.get("Tags"), "InvalidParameterValue"),
    )
    call.resource_id = database.identifier
    return {"DBInstance": db_instance_out(database)}


@operation("rds", "DeleteDBInstance")
def delete_db_instance(call: Call, params: Params) -> Response:
    database = _rds(call).delete(call.account_id, params["DBInstanceIdentifier"],
                                 skip_final_snapshot=params.get("SkipFinalSnapshot", False),
                                 final_snapshot_identifier=params.get("FinalDBSnapshotIdentifier"))
    return {"DBInstance": db_instance_out(database)}


@operation("rds", "DescribeDBInstances")
def describe_db_instances(call: Call, params: Params) -> Response:
    found = _rds(call).describe(call.account_id, params.get("DBInstanceIdentifier"), filters_in(params.get("Filters")))
    page, token = call.page(params, found)
    return {"DBInstances": [db_instance_out(d) for d in page], **token}


@operation("rds", "CreateOptionGroup")
def create_option_group(call: Call, params: Params) -> Response:
    group = _rds(call).create_option_group(
        call.account_id, params["OptionGroupName"], params["EngineName"], params["MajorEngineVersion"],
        params["OptionGroupDescription"], tags_in(params.get("Tags"), "InvalidParameterValue"))
    call.resource_id = group.name
    return {"OptionGroup": option_group_out(group)}


@operation("rds", "ModifyOptionGroup")
def modify_option_group(call: Call, params: Params) -> Response:
    include = [(o["OptionName"], {s.get("Name", ""): s.get("Value", "") for s in o.get("OptionSettings") or ()})
               for o in params.get("OptionsToInclude") or ()]
    group = _rds(call).modify_option_group(call.account_id, params["OptionGroupName"], include,
                                           params.get("OptionsToRemove") or ())
    return {"OptionGroup": option_group_out(group)}


@operation("rds", "DescribeOptionGroups")
def describe_option_groups(call: Call, params: Params) -> Response:
    groups = _rds(call).option_groups(call.account_id, params.get("OptionGroupName"), params.get("EngineName"),
                                      params.get("MajorEngineVersion"))
    page, token = call.page(params, groups)
    return {"OptionGroupsList": [option_group_out(g) for g in page], **token}


@operation("rds", "DeleteOptionGroup")
def delete_option_group(call: Call, params: Params) -> Response:
    _rds(call).delete_option_group(call.account_id, params["OptionGroupName"])
    return {}
