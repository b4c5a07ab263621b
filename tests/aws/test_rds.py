"""Amazon RDS for Oracle through boto3 (query protocol): DB instances with their license
model and class, read replicas, and option groups holding the license packs (License Manager
User Guide, document history "Track Oracle deployments on Amazon RDS", and "Using inventory
search": Engine Edition and License Pack)."""

from __future__ import annotations

import pytest

from simulator.world.rds.db_instance import DATA_GUARD
from tests.helpers import ACCOUNT_A, ACCOUNT_B, assert_refused


@pytest.fixture
def rds(sim):
    """An RDS client of account A."""
    return sim.client("rds", ACCOUNT_A)


def create(rds, identifier: str = "orcl", engine: str = "oracle-ee", instance_class: str = "db.r5.2xlarge",
           **params) -> dict:
    """CreateDBInstance with the required Oracle parameters."""
    params = {"MasterUsername": "admin", "MasterUserPassword": "secret123", "AllocatedStorage": 100, **params}
    return rds.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass=instance_class, Engine=engine,
                                  **params)["DBInstance"]


def test_create_describe_delete(sim, rds):
    """CreateDBInstance (creating, then available), DescribeDBInstances, DeleteDBInstance."""
    created = create(rds, "Orcl-Prod", LicenseModel="bring-your-own-license", Tags=[{"Key": "app", "Value": "erp"}])
    assert (created["DBInstanceIdentifier"], created["DBInstanceStatus"]) == ("orcl-prod", "creating")
    assert created["LicenseModel"] == "bring-your-own-license" and created["EngineVersion"].startswith("19.0.0.0")
    assert created["OptionGroupMemberships"] == [{"OptionGroupName": "default:oracle-ee-19", "Status": "in-sync"}]
    assert created["DBInstanceArn"] == f"arn:aws:rds:us-east-1:{ACCOUNT_A}:db:orcl-prod"
    assert_refused(sim, "InvalidDBInstanceState",
                   lambda: rds.delete_db_instance(DBInstanceIdentifier="orcl-prod", SkipFinalSnapshot=True))
    sim.advance("11m")
    described = rds.describe_db_instances(DBInstanceIdentifier="orcl-prod")["DBInstances"][0]
    assert described["DBInstanceStatus"] == "available" and described["Endpoint"]["Port"] == 1521
    assert sim.client("rds", ACCOUNT_B).describe_db_instances()["DBInstances"] == []
    assert_refused(sim, "InvalidParameterCombination", lambda: rds.delete_db_instance(DBInstanceIdentifier="orcl-prod"))
    rds.delete_db_instance(DBInstanceIdentifier="orcl-prod", SkipFinalSnapshot=True)
    assert rds.describe_db_instances()["DBInstances"][0]["DBInstanceStatus"] == "deleting"
    sim.advance("6m")
    with pytest.raises(rds.exceptions.DBInstanceNotFoundFault):
        rds.describe_db_instances(DBInstanceIdentifier="orcl-prod")


def test_license_models_and_classes(sim, rds):
    """RDS for Oracle: License Included for SE2 only, BYOL for EE and SE2; a class's vCPUs
    are its EC2 type's; engines and classes RDS does not offer for Oracle are refused."""
    se2 = create(rds, "se2", "oracle-se2", "db.m5.large")
    assert se2["LicenseModel"] == "license-included"
    assert create(rds, "ee", "oracle-ee-cdb")["LicenseModel"] == "bring-your-own-license"
    database = sim.world.region("us-east-1").rds.database(ACCOUNT_A, "ee")
    assert (database.vcpus, database.edition) == (8, "oracle-ee")
    assert_refused(sim, "InvalidParameterCombination",
                   lambda: create(rds, "li-ee", LicenseModel="license-included"))
    assert_refused(sim, "InvalidParameterCombination", lambda: create(rds, "tiny", instance_class="db.c5.large"))
    assert_refused(sim, "InvalidParameterValue", lambda: create(rds, "pg", engine="postgres"))
    assert_refused(sim, "InvalidParameterValue", lambda: create(rds, "9bad"))
    assert_refused(sim, "InvalidParameterValue", lambda: create(rds, "nouser", MasterUsername="1admin"))
    assert_refused(sim, "DBInstanceAlreadyExists", lambda: create(rds, "EE"))
    assert len(rds.describe_db_instances()["DBInstances"]) == 2


def test_option_groups_carry_the_license_packs(sim, rds):
    """Option groups: OLS and OLAP (Enterprise Edition), SQLT with LICENSE_PACK T (tuning and
    diagnostics packs) or D; the packs a DB instance uses follow its group."""
    rds.create_option_group(OptionGroupName="packs", EngineName="oracle-ee", MajorEngineVersion="19",
                            OptionGroupDescription="licensed packs")
    rds.modify_option_group(OptionGroupName="packs", ApplyImmediately=True, OptionsToInclude=[
        {"OptionName": "OLS"}, {"OptionName": "SQLT", "OptionSettings": [{"Name": "LICENSE_PACK", "Value": "T"}]}])
    create(rds, OptionGroupName="packs", LicenseModel="bring-your-own-license")
    database = sim.world.region("us-east-1").rds.database(ACCOUNT_A, "orcl")
    assert sorted(database.license_packs()) == ["diagnostic pack sqlt", "ols", "tuning pack sqlt"]
    rds.modify_option_group(OptionGroupName="packs", OptionsToRemove=["OLS"], OptionsToInclude=[
        {"OptionName": "SQLT", "OptionSettings": [{"Name": "LICENSE_PACK", "Value": "D"}]}])
    assert database.license_packs() == ("diagnostic pack sqlt",)
    group = rds.describe_option_groups(OptionGroupName="packs")["OptionGroupsList"][0]
    assert group["Options"] == [{"OptionName": "SQLT", "Persistent": False, "Permanent": False,
                                 "OptionSettings": [{"Name": "LICENSE_PACK", "Value": "D"}]}]
    rds.create_option_group(OptionGroupName="se2", EngineName="oracle-se2", MajorEngineVersion="19",
                            OptionGroupDescription="se2")
    assert_refused(sim, "InvalidParameterCombination", lambda: rds.modify_option_group(
        OptionGroupName="se2", OptionsToInclude=[{"OptionName": "OLAP"}]))
    assert_refused(sim, "InvalidParameterValue", lambda: rds.modify_option_group(
        OptionGroupName="packs", OptionsToInclude=[{"OptionName": "SQLT", "OptionSettings": [
            {"Name": "LICENSE_PACK", "Value": "X"}]}]))
    assert_refused(sim, "InvalidParameterCombination", lambda: create(rds, "mixed", OptionGroupName="se2"))
    assert_refused(sim, "InvalidOptionGroupStateFault", lambda: rds.delete_option_group(OptionGroupName="packs"))
    assert_refused(sim, "OptionGroupNotFoundFault", lambda: create(rds, "nogroup", OptionGroupName="absent"))
    rds.delete_option_group(OptionGroupName="se2")


def test_invalid_identifier_message(sim, rds):
    """CreateDBInstance with an invalid DBInstanceIdentifier: InvalidParameterValue in RDS's own
    words, which do not echo the value."""
    for identifier in ("9bad", "two--hyphens", "ends-", "under_score"):
        with pytest.raises(rds.exceptions.ClientError) as excinfo:
            create(rds, identifier)
        error = excinfo.value.response["Error"]
        assert {"Code": error["Code"], "Message": error["Message"]} == {
            "Code": "InvalidParameterValue",
            "Message": "The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a "
                       "letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen "
                       "or contain two consecutive hyphens."}
    assert rds.describe_db_instances()["DBInstances"] == []


def test_default_option_groups_come_with_the_first_db_instance(sim, rds):
    """Default option groups are made by RDS with the first DB instance of their engine version:
    before that, reads and refused calls naming one find nothing and make nothing."""
    default = "default:oracle-ee-19"
    listed = lambda: [g["OptionGroupName"] for g in rds.describe_option_groups()["OptionGroupsList"]]  # noqa: E731
    assert_refused(sim, "OptionGroupNotFoundFault", lambda: rds.describe_option_groups(OptionGroupName=default),
                   listed)
    assert_refused(sim, "OptionGroupNotFoundFault", lambda: rds.delete_option_group(OptionGroupName=default), listed)
    assert_refused(sim, "OptionGroupNotFoundFault", lambda: rds.modify_option_group(
        OptionGroupName=default, OptionsToInclude=[{"OptionName": "OLS"}]), listed)
    assert_refused(sim, "InvalidParameterValue", lambda: create(rds, "orcl", MasterUsername="1admin"), listed)
    assert listed() == []
    create(rds, "orcl")
    assert listed() == [default]
    assert_refused(sim, "InvalidOptionGroupStateFault", lambda: rds.delete_option_group(OptionGroupName=default),
                   listed)
    create(rds, "orcl2")
    assert listed() == [default]


def test_read_replicas_use_active_data_guard(sim, rds):
    """"Working with read replicas for Amazon RDS for Oracle": an open-read-only replica uses
    Active Data Guard, on the replica and its source; a mounted one does not."""
    create(rds, LicenseModel="bring-your-own-license")
    assert_refused(sim, "InvalidDBInstanceState", lambda: rds.create_db_instance_read_replica(
        DBInstanceIdentifier="orcl-ro", SourceDBInstanceIdentifier="orcl"))
    sim.advance("11m")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="orcl-dr", SourceDBInstanceIdentifier="orcl",
                                        ReplicaMode="mounted")
    service = sim.world.region("us-east-1").rds
    source = service.database(ACCOUNT_A, "orcl")
    assert DATA_GUARD not in source.license_packs()
    replica = rds.create_db_instance_read_replica(DBInstanceIdentifier="orcl-ro", SourceDBInstanceIdentifier="orcl")
    assert replica["DBInstance"]["ReplicaMode"] == "open-read-only"
    assert DATA_GUARD in source.license_packs()
    assert DATA_GUARD in service.database(ACCOUNT_A, "orcl-ro").license_packs()
    sim.advance("11m")
    assert_refused(sim, "InvalidDBInstanceState",
                   lambda: rds.delete_db_instance(DBInstanceIdentifier="orcl", SkipFinalSnapshot=True))
    rds.delete_db_instance(DBInstanceIdentifier="orcl-ro", SkipFinalSnapshot=True)
    assert DATA_GUARD not in source.license_packs()
    create(rds, "se2", "oracle-se2", "db.m5.large")
    sim.advance("11m")
    assert_refused(sim, "InvalidParameterCombination", lambda: rds.create_db_instance_read_replica(
        DBInstanceIdentifier="se2-ro", SourceDBInstanceIdentifier="se2"))


def test_describe_paging_bounds(sim, rds):
    """DescribeDBInstances: MaxRecords from 20 to 100 (default 100), Marker paging."""
    for n in range(21):
        create(rds, f"db{n:02d}", instance_class="db.m5.large")
    first = rds.describe_db_instances(MaxRecords=20)
    assert len(first["DBInstances"]) == 20 and "Marker" in first
    assert len(rds.describe_db_instances(Marker=first["Marker"], MaxRecords=20)["DBInstances"]) == 1
    with pytest.raises(rds.exceptions.ClientError) as excinfo:
        rds.describe_db_instances(MaxRecords=5)
    assert excinfo.value.response["Error"]["Code"] == "InvalidParameterValue"
    filtered = rds.describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": ["db03"]}])["DBInstances"]
    assert [d["DBInstanceIdentifier"] for d in filtered] == ["db03"]
