"""License configurations through boto3: Create/Get/Update/Delete/ListLicenseConfigurations,
the rule table, product information and exclusion rules, tags and service settings (AWS
License Manager User Guide, /work/shared/spec/license-manager-user-guide.txt: "License
configurations in License Manager" and the sections below it, and "Automated discovery of
resource inventory")."""

from __future__ import annotations

import re

import pytest

from simulator import Simulation
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    LINUX,
    assert_refused,
    enable_cross_account_discovery,
    public_ami,
    summaries,
)
from tests.helpers import configuration as get

ARN = re.compile(r"^arn:aws:license-manager:us-east-1:(\d{12}):license-configuration:(lic-[0-9a-f]{32})$")
COUNTING_TYPES = ("vCPU", "Instance", "Core", "Socket")
#: The user guide's table "which license rules are available for each counting type".
TABLE = {
    "licenseAffinityToHost": {"Core", "Socket"},
    "maximumCores": {"Core", "Instance"},
    "maximumSockets": {"Instance", "Socket"},
    "maximumVcpus": {"Instance", "vCPU"},
    "minimumCores": {"Core", "Instance"},
    "minimumSockets": {"Instance", "Socket"},
    "minimumVcpus": {"Instance", "vCPU"},
    "allowedTenancy": {"Core", "Instance", "Socket", "vCPU"},
    "honorVcpuOptimization": {"vCPU"},
}
VALID = {
    "licenseAffinityToHost": "90", "maximumCores": "16", "maximumSockets": "2", "maximumVcpus": "16",
    "minimumCores": "4", "minimumSockets": "1", "minimumVcpus": "2", "allowedTenancy": "EC2-DedicatedHost",
    "honorVcpuOptimization": "True",
}
SQL_2019 = {"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [{
    "ProductInformationFilterName": "Application Name",
    "ProductInformationFilterValue": ["Microsoft SQL Server 2019 Enterprise"],
    "ProductInformationFilterComparator": "EQUALS"}]}


def oracle(*editions: str) -> dict:
    """An RDS product entry selecting the Oracle Database engine editions given."""
    return {"ResourceType": "RDS", "ProductInformationFilterList": [{
        "ProductInformationFilterName": "Engine Edition", "ProductInformationFilterValue": list(editions),
        "ProductInformationFilterComparator": "EQUALS"}]}


def ssm(name: str, values: list[str], comparator: str = "EQUALS", resource_type: str = "SSM_MANAGED") -> dict:
    """A product entry: SQL Server 2019 Enterprise plus one more filter."""
    extra = {"ProductInformationFilterName": name, "ProductInformationFilterValue": values,
             "ProductInformationFilterComparator": comparator}
    return {"ResourceType": resource_type,
            "ProductInformationFilterList": SQL_2019["ProductInformationFilterList"] + [extra]}


def create(lm, counting: str = "vCPU", name: str = "cfg", **kwargs) -> str:
    """Create a configuration and return its ARN."""
    return lm.create_license_configuration(Name=name, LicenseCountingType=counting, **kwargs)["LicenseConfigurationArn"]


def listing(lm, **kwargs) -> list[dict]:
    """ListLicenseConfigurations (all of it, unless MaxResults is given)."""
    return lm.list_license_configurations(**kwargs)["LicenseConfigurations"]


def snapshot(sim: Simulation, lm) -> tuple:
    """The caller's configurations with their tags, and the number of compliance records."""
    configs = listing(lm)
    tags = [lm.list_tags_for_resource(ResourceArn=c["LicenseConfigurationArn"])["Tags"] for c in configs]
    return configs, tags, len(sim.records.rows("compliance"))


def refused(sim: Simulation, lm, code: str, call, *fragments: str) -> str:
    """``call()`` fails with ``code`` (its message naming each fragment) and changes nothing
    (see ``snapshot``)."""
    return assert_refused(sim, code, call, lambda: snapshot(sim, lm), fragments=fragments)


def refused_create(sim: Simulation, lm, *fragments: str, **kwargs) -> None:
    """CreateLicenseConfiguration(**kwargs) fails with InvalidParameterValueException."""
    kwargs.setdefault("Name", "bad")
    kwargs.setdefault("LicenseCountingType", "vCPU")
    refused(sim, lm, "InvalidParameterValueException", lambda: lm.create_license_configuration(**kwargs),
            *fragments)


# -- create and get --------------------------------------------------------------------------


def test_create_get_round_trip(lm):
    """"License configuration parameters and rules": every parameter comes back as given."""
    rules = ["#allowedTenancy=EC2-Default", "#minimumVcpus=2", "#honorVcpuOptimization=True"]
    tags = [{"Key": "team", "Value": "dba"}, {"Key": "cost", "Value": "42"}]
    arn = create(lm, "vCPU", name="SQL Enterprise", Description="SQL Server 2019 EE", LicenseCount=96,
                 LicenseCountHardLimit=True, LicenseRules=rules, Tags=tags,
                 ProductInformationList=[SQL_2019], DisassociateWhenNotFound=True)
    match = ARN.match(arn)
    assert match and match[1] == ACCOUNT_A
    cfg = get(lm, arn)
    assert cfg["LicenseConfigurationId"] == match[2]
    assert cfg["LicenseConfigurationArn"] == arn
    assert (cfg["Name"], cfg["Description"], cfg["LicenseCountingType"]) == ("SQL Enterprise", "SQL Server 2019 EE", "vCPU")
    assert (cfg["LicenseCount"], cfg["LicenseCountHardLimit"]) == (96, True)
    assert cfg["LicenseRules"] == rules
    assert (cfg["Status"], cfg["OwnerAccountId"], cfg["ConsumedLicenses"]) == ("AVAILABLE", ACCOUNT_A, 0)
    assert sorted(cfg["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
    assert cfg["ProductInformationList"] == [SQL_2019]
    assert cfg["DisassociateWhenNotFound"] is True
    assert listing(lm)[0]["LicenseConfigurationArn"] == arn


def test_create_defaults_and_distinct_ids(lm):
    """"License configuration parameters and rules": count and hard limit are optional."""
    first, second = create(lm, "Core"), create(lm, "Core")
    assert first != second
    cfg = get(lm, first)
    assert "LicenseCount" not in cfg and cfg["LicenseCountHardLimit"] is False
    assert (cfg["LicenseRules"], cfg["ProductInformationList"], cfg["Tags"]) == ([], [], [])


@pytest.mark.parametrize("kwargs, fragments", [
    ({"LicenseCountingType": "Cores"}, ("Cores", "vCPU", "Instance", "Core", "Socket")),
    ({"LicenseCountingType": "vcpu"}, ("vcpu", "vCPU, Instance, Core, Socket")),
    ({"LicenseCount": -1}, ("LicenseCount",)),
    ({"Name": ""}, ("Name",)),
    ({"Name": "   "}, ("Name",)),
])
def test_create_refuses_bad_parameters(sim, lm, kwargs, fragments):
    """"License configuration parameters and rules": counting type, count and name are checked."""
    create(lm)
    refused_create(sim, lm, *fragments, **kwargs)


# -- the rule table --------------------------------------------------------------------------


@pytest.mark.parametrize("counting", COUNTING_TYPES)
@pytest.mark.parametrize("rule", list(TABLE))
def test_rule_table(sim, lm, counting, rule):
    """"License configuration parameters and rules" table: a rule is accepted iff it is marked."""
    text = f"#{rule}={VALID[rule]}"
    if counting in TABLE[rule]:
        assert get(lm, create(lm, counting, LicenseRules=[text]))["LicenseRules"] == [text]
    else:
        refused_create(sim, lm, rule, LicenseCountingType=counting, LicenseRules=[text])


@pytest.mark.parametrize("counting", ["Core", "Socket"])
@pytest.mark.parametrize("days, ok", [(0, False), (1, True), (180, True), (181, False)])
def test_affinity_range(sim, lm, counting, days, ok):
    """"License configuration parameters and rules": license affinity to host ranges 1 to 180 days."""
    text = f"#licenseAffinityToHost={days}"
    if ok:
        assert get(lm, create(lm, counting, LicenseRules=[text]))["LicenseRules"] == [text]
    else:
        refused_create(sim, lm, "licenseAffinityToHost", LicenseCountingType=counting, LicenseRules=[text])


@pytest.mark.parametrize("counting", COUNTING_TYPES)
@pytest.mark.parametrize("tenancy", ["EC2-Default", "EC2-DedicatedInstance", "EC2-DedicatedHost"])
def test_allowed_tenancy_values(sim, lm, counting, tenancy):
    """"License configuration parameters and rules" (Tenancy): Cores/Sockets need Dedicated Hosts."""
    text = f"#allowedTenancy={tenancy}"
    if counting in ("vCPU", "Instance") or tenancy == "EC2-DedicatedHost":
        assert get(lm, create(lm, counting, LicenseRules=[text]))["LicenseRules"] == [text]
    else:
        refused_create(sim, lm, "allowedTenancy", LicenseCountingType=counting, LicenseRules=[text])


@pytest.mark.parametrize("value, ok", [("True", True), ("False", True), ("true", True), ("FALSE", True),
                                       ("Yes", False), ("1", False)])
def test_honor_vcpu_optimization_values(sim, lm, value, ok):
    """"License configuration parameters and rules" (vCPU Optimization): True or False, in any
    case (the AWS CLI's own create-license-configuration example writes "true")."""
    text = f"#honorVcpuOptimization={value}"
    if ok:
        assert get(lm, create(lm, "vCPU", LicenseRules=[text]))["LicenseRules"] == [text]
    else:
        refused_create(sim, lm, "honorVcpuOptimization", LicenseRules=[text])


@pytest.mark.parametrize("counting, rules, fragment", [
    ("vCPU", ["minimumVcpus=2"], "minimumVcpus=2"),
    ("vCPU", ["#minimumVcpus"], "#minimumVcpus"),
    ("vCPU", ["#minimumVcpus="], "#minimumVcpus="),
    ("vCPU", ["allowedTenancy"], "allowedTenancy"),
    ("Core", ["#minimumCores=four"], "minimumCores"),
    ("Core", ["#maximumCorez=4"], "maximumCorez"),
    ("Core", ["#allowedTenancy=EC2-Shared"], "allowedTenancy"),
    ("vCPU", ["#minimumVcpus=8", "#maximumVcpus=4"], "minimumVcpus"),
    ("Core", ["#minimumCores=16", "#maximumCores=8"], "minimumCores"),
    ("Socket", ["#minimumSockets=2", "#maximumSockets=1"], "minimumSockets"),
    ("Instance", ["#minimumCores=9", "#maximumCores=8"], "minimumCores"),
    ("vCPU", ["#minimumVcpus=2", "#minimumVcpus=4"], "minimumVcpus"),
    ("Core", ["#licenseAffinityToHost=30", "#licenseAffinityToHost=30"], "licenseAffinityToHost"),
    ("vCPU", ["#allowedTenancy=EC2-Default", "#allowedTenancy=EC2-Default"], "allowedTenancy"),
])
def test_bad_rules_refused(sim, lm, counting, rules, fragment):
    """"License configuration parameters and rules": malformed, inverted or repeated rules."""
    refused_create(sim, lm, fragment, LicenseCountingType=counting, LicenseRules=rules)


@pytest.mark.parametrize("counting, text", [("Core", "#minimumCores=²"), ("Core", "#licenseAffinityToHost=٣")])
def test_non_ascii_digits_refused(sim, lm, counting, text):
    """"License configuration parameters and rules": rule values are whole numbers (ASCII digits)."""
    refused_create(sim, lm, text.split("=")[0][1:], LicenseCountingType=counting, LicenseRules=[text])


@pytest.mark.parametrize("counting, rules", [
    ("vCPU", ["#allowedTenancy=EC2-Default", "#allowedTenancy=EC2-DedicatedInstance"]),
    ("Instance", ["#allowedTenancy=EC2-DedicatedHost", "#allowedTenancy=EC2-Default", "#minimumSockets=1"]),
    ("vCPU", ["#minimumVcpus=4", "#maximumVcpus=4"]),
    ("Core", ["#minimumCores=8", "#maximumCores=16", "#allowedTenancy=EC2-DedicatedHost"]),
])
def test_rule_combinations_accepted(lm, counting, rules):
    """"License configuration parameters and rules": several tenancies, minimum equal to maximum."""
    assert get(lm, create(lm, counting, LicenseRules=rules))["LicenseRules"] == rules


# -- update ----------------------------------------------------------------------------------


def test_update_editable_fields(sim, lm):
    """"Edit a license configuration": name, description, count and hard limit change."""
    arn = create(lm, "Core", Description="old", LicenseCount=10, LicenseRules=["#minimumCores=4"])
    lm.update_license_configuration(LicenseConfigurationArn=arn, Name="new", Description="now",
                                    LicenseCount=48, LicenseCountHardLimit=True)
    cfg = get(lm, arn)
    assert (cfg["Name"], cfg["Description"], cfg["LicenseCount"], cfg["LicenseCountHardLimit"]) == ("new", "now", 48, True)
    assert (cfg["LicenseRules"], cfg["Status"], cfg["LicenseCountingType"]) == (["#minimumCores=4"], "AVAILABLE", "Core")
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseCountHardLimit=False)
    assert get(lm, arn)["LicenseCountHardLimit"] is False


def test_update_status_and_compliance_timeline(sim, lm):
    """"Deactivate a license configuration": DISABLED and back, each change on the compliance timeline."""
    arn = create(lm, "vCPU", LicenseCount=4)
    sim.advance("1h")
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseCount=8)
    sim.advance("1h")
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="DISABLED")
    assert get(lm, arn)["Status"] == "DISABLED"
    rows = sim.timelines.compliance
    rows = rows[rows.license_configuration_arn == arn]
    assert list(rows.license_count) == [4, 8, 8]
    assert list(rows.status) == ["AVAILABLE", "AVAILABLE", "DISABLED"]
    assert [t.isoformat() for t in rows.time] == [
        "2026-01-01T00:00:00+00:00", "2026-01-01T01:00:00+00:00", "2026-01-01T02:00:00+00:00"]
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="AVAILABLE")
    assert get(lm, arn)["Status"] == "AVAILABLE"


@pytest.mark.parametrize("kwargs, fragment", [
    ({"LicenseConfigurationStatus": "ENABLED"}, "LicenseConfigurationStatus"),
    ({"LicenseConfigurationStatus": "DELETED"}, "LicenseConfigurationStatus"),
    ({"LicenseCount": -5}, "LicenseCount"),
    ({"Name": ""}, "Name"),
    ({"LicenseRules": ["#minimumCores=8"]}, "licenseAffinityToHost"),
    ({"LicenseRules": ["#minimumCores=4", "#maximumCores=16"]}, "licenseAffinityToHost"),
    ({"LicenseRules": ["#minimumCores=4", "#allowedTenancy=EC2-DedicatedHost"]}, "licenseAffinityToHost"),
    ({"LicenseRules": []}, "licenseAffinityToHost"),
    ({"LicenseRules": ["#minimumCores=4", "#licenseAffinityToHost=0"]}, "licenseAffinityToHost"),
    ({"LicenseRules": ["#minimumCores=4", "#minimumVcpus=2"]}, "minimumVcpus"),
])
def test_update_refused(sim, lm, kwargs, fragment):
    """"Edit a license configuration": other fields, other rules and bad values are refused."""
    arn = create(lm, "Core", LicenseCount=10, LicenseRules=["#minimumCores=4"])
    before = get(lm, arn)
    kwargs = {"Name": "changed", "LicenseCount": 11, **kwargs}  # nothing of the call may stick
    refused(sim, lm, "InvalidParameterValueException",
            lambda: lm.update_license_configuration(LicenseConfigurationArn=arn, **kwargs), fragment)
    assert get(lm, arn) == before


def test_update_adds_affinity_later(lm):
    """"License configuration parameters and rules": licenseAffinityToHost can be added to Cores later."""
    arn = create(lm, "Core", LicenseRules=["#minimumCores=4"])
    lm.update_license_configuration(LicenseConfigurationArn=arn,
                                    LicenseRules=["#minimumCores=4", "#licenseAffinityToHost=30"])
    assert get(lm, arn)["LicenseRules"] == ["#minimumCores=4", "#licenseAffinityToHost=30"]


def test_update_affinity_on_vcpu_refused(sim, lm):
    """"License configuration parameters and rules" table: no affinity for vCPU, even later."""
    arn = create(lm, "vCPU")
    refused(sim, lm, "InvalidParameterValueException", lambda: lm.update_license_configuration(
        LicenseConfigurationArn=arn, LicenseRules=["#licenseAffinityToHost=30"]), "licenseAffinityToHost")
    assert get(lm, arn)["LicenseRules"] == []


# -- delete ----------------------------------------------------------------------------------


def test_delete_unused(sim, lm):
    """"Delete a license configuration": an unused configuration is deleted."""
    keep, arn = create(lm, name="keep"), create(lm, name="gone")
    lm.delete_license_configuration(LicenseConfigurationArn=arn)
    assert [c["LicenseConfigurationArn"] for c in listing(lm)] == [keep]
    refused(sim, lm, "InvalidParameterValueException", lambda: lm.get_license_configuration(LicenseConfigurationArn=arn))
    refused(sim, lm, "InvalidParameterValueException", lambda: lm.delete_license_configuration(LicenseConfigurationArn=arn))
    compliance = sim.timelines.compliance
    assert list(compliance[compliance.license_configuration_arn == arn].status) == ["AVAILABLE", "DELETED"]


def test_delete_refused_while_ami_associated(sim, lm, ec2):
    """"Delete a license configuration": you must disassociate any resources (an AMI) first."""
    arn = create(lm)
    image_arn = f"arn:aws:ec2:us-east-1::image/{public_ami(ec2, LINUX)}"
    spec = [{"LicenseConfigurationArn": arn}]
    lm.update_license_specifications_for_resource(ResourceArn=image_arn, AddLicenseSpecifications=spec)
    assert summaries(get(lm, arn))[1] == {"EC2_INSTANCE": 0, "EC2_HOST": 0, "EC2_AMI": 1,
                                          "SYSTEMS_MANAGER_MANAGED_INSTANCE": 0}
    refused(sim, lm, "InvalidParameterValueException",
            lambda: lm.delete_license_configuration(LicenseConfigurationArn=arn), arn)
    lm.update_license_specifications_for_resource(ResourceArn=image_arn, RemoveLicenseSpecifications=spec)
    lm.delete_license_configuration(LicenseConfigurationArn=arn)
    assert listing(lm) == []


def test_delete_refused_while_instance_associated(sim, lm, ec2):
    """"Delete a license configuration": refused while a running instance is associated."""
    arn = create(lm)
    instance_id = ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="m5.large", MinCount=1, MaxCount=1,
                                    LicenseSpecifications=[{"LicenseConfigurationArn": arn}])["Instances"][0]["InstanceId"]
    sim.advance("5m")
    assert get(lm, arn)["ConsumedLicenses"] == 2
    refused(sim, lm, "InvalidParameterValueException",
            lambda: lm.delete_license_configuration(LicenseConfigurationArn=arn), arn)
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    lm.delete_license_configuration(LicenseConfigurationArn=arn)
    assert listing(lm) == []


# -- list ------------------------------------------------------------------------------------


def test_list_filters(sim, lm, ec2):
    """"License configuration parameters and rules": list by counting type, enforcement, usage."""
    vcpu = create(lm, "vCPU", name="soft", LicenseCount=1)
    core = create(lm, "Core", name="hard", LicenseCount=10, LicenseCountHardLimit=True)
    inst = create(lm, "Instance", name="plain", LicenseCount=5)
    ec2.run_instances(ImageId=public_ami(ec2, LINUX), InstanceType="m5.large", MinCount=1, MaxCount=1,
                      LicenseSpecifications=[{"LicenseConfigurationArn": vcpu}])
    sim.advance("5m")
    assert get(lm, vcpu)["ConsumedLicenses"] == 2

    def arns(*filters):
        found = listing(lm, Filters=[{"Name": n, "Values": v} for n, v in filters])
        return [c["LicenseConfigurationArn"] for c in found]

    assert arns(("licenseCountingType", ["Core"])) == [core]
    assert arns(("licenseCountingType", ["vCPU", "Instance"])) == [vcpu, inst]
    assert arns(("enforceLicenseCount", ["true"])) == [core]
    assert arns(("enforceLicenseCount", ["false"])) == [vcpu, inst]
    assert arns(("usagelimitExceeded", ["true"])) == [vcpu]
    assert arns(("usagelimitExceeded", ["false"])) == [core, inst]
    assert arns(("usagelimitExceeded", ["false"]), ("enforceLicenseCount", ["false"])) == [inst]
    refused(sim, lm, "InvalidParameterValueException",
            lambda: listing(lm, Filters=[{"Name": "name", "Values": ["soft"]}]), "name")
    assert [c["LicenseConfigurationArn"] for c in listing(lm, LicenseConfigurationArns=[inst, core])] == [inst, core]


def test_list_pagination(sim, lm):
    """"License configurations in License Manager": pages of MaxResults=2 cover all five."""
    for i in range(5):
        create(lm, name=f"c{i}")
    unpaged, pages, token = listing(lm), [], None
    while True:
        page = lm.list_license_configurations(MaxResults=2, **({"NextToken": token} if token else {}))
        pages.append(page["LicenseConfigurations"])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [c for p in pages for c in p] == unpaged
    assert [c["Name"] for c in unpaged] == [f"c{i}" for i in range(5)]
    refused(sim, lm, "InvalidParameterValueException",
            lambda: lm.list_license_configurations(MaxResults=2, NextToken="bogus"))
    token = lm.list_license_configurations(MaxResults=2)["NextToken"]
    lm_b = sim.client("license-manager", ACCOUNT_B)
    refused(sim, lm_b, "InvalidParameterValueException",
            lambda: lm_b.list_license_configurations(MaxResults=2, NextToken=token))


def test_other_account_is_isolated(sim, lm, lm_b):
    """"License configurations in License Manager": configurations belong to their account."""
    arn = create(lm, LicenseCount=3)
    before = get(lm, arn)
    assert listing(lm_b) == []
    refused(sim, lm_b, "AccessDeniedException", lambda: lm_b.get_license_configuration(LicenseConfigurationArn=arn))
    refused(sim, lm_b, "AccessDeniedException", lambda: listing(lm_b, LicenseConfigurationArns=[arn]))
    refused(sim, lm_b, "AccessDeniedException",
            lambda: lm_b.update_license_configuration(LicenseConfigurationArn=arn, LicenseCount=99))
    refused(sim, lm_b, "AccessDeniedException", lambda: lm_b.delete_license_configuration(LicenseConfigurationArn=arn))
    assert get(lm, arn) == before


# -- limits ----------------------------------------------------------------------------------


def test_limit_of_25_configurations(sim, lm, lm_b):
    """"Limits": total number of license configurations 25, per account and region."""
    for i in range(25):
        create(lm, name=f"c{i}")
    message = refused(sim, lm, "ResourceLimitExceededException", lambda: create(lm, name="c25"))
    assert "25" in message and len(listing(lm)) == 25
    create(lm_b, name="other account")
    create(sim.client("license-manager", ACCOUNT_A, region="us-west-2"), name="other region")
    lm.delete_license_configuration(LicenseConfigurationArn=listing(lm)[0]["LicenseConfigurationArn"])
    create(lm, name="after delete")
    assert len(listing(lm)) == 25


# -- product information ---------------------------------------------------------------------


def test_product_information_accepted(lm):
    """"Create a license configuration": SQL Server (SSM_MANAGED) and Oracle (RDS) products."""
    sql = create(lm, "vCPU", ProductInformationList=[SQL_2019])
    included = ssm("License Included", ["sql-server-enterprise", "windows-server-datacenter"], "NOT_EQUALS")
    included_arn = create(lm, "Core", ProductInformationList=[included])
    ora = create(lm, "vCPU", LicenseCount=32, ProductInformationList=[oracle("oracle-ee")])
    assert get(lm, sql)["ProductInformationList"] == [SQL_2019]
    assert get(lm, included_arn)["ProductInformationList"] == [included]
    assert get(lm, ora)["ProductInformationList"] == [oracle("oracle-ee")]


@pytest.mark.parametrize("kwargs, fragment", [
    ({"ProductInformationList": [{**SQL_2019, "ResourceType": "EC2_INSTANCE"}]}, "EC2_INSTANCE"),
    ({"ProductInformationList": [ssm("Application Vendor", ["Microsoft"])]}, "Application Vendor"),
    ({"ProductInformationList": [ssm("Platform Name", ["Windows"], "NOT_EQUALS")]}, "NOT_EQUALS"),
    ({"ProductInformationList": [ssm("Application Name", ["SQL"], "CONTAINS")]}, "CONTAINS"),
    ({"ProductInformationList": [ssm("License Included", ["sql-server-developer"])]}, "sql-server-developer"),
    ({"ProductInformationList": [oracle("oracle-xe")]}, "oracle-xe"),
    ({"ProductInformationList": [oracle("oracle-ee")], "LicenseCountingType": "Core"}, "vCPU"),
    ({"ProductInformationList": [oracle("oracle-ee")], "LicenseRules": ["#minimumVcpus=2"]}, "ules"),
    ({"ProductInformationList": [oracle("oracle-ee")], "LicenseCountHardLimit": True}, "ard"),
    ({"ProductInformationList": [oracle("oracle-ee", "oracle-se2")]}, "one"),
    ({"ProductInformationList": [oracle("oracle-ee"), oracle("oracle-se")]}, "one"),
    ({"ProductInformationList": [oracle("oracle-ee"), SQL_2019]}, "Oracle"),
])
def test_product_information_refused(sim, lm, kwargs, fragment):
    """"Requirements for Oracle Database products" and product filters: bad entries refused."""
    refused_create(sim, lm, fragment, **kwargs)


@pytest.mark.parametrize("name, values", [("AccountId", [ACCOUNT_B]), ("Tag:env", ["dev"])])
def test_exclusion_rules_need_management_account(sim, lm, name, values):
    """"Automated discovery of resource inventory": single accounts cannot add exclusion rules;
    the management account can once cross-account discovery is on (its prerequisite)."""
    refused_create(sim, lm, "xclusion", ProductInformationList=[ssm(name, values, "NOT_EQUALS")])
    org_sim = Simulation(start="2026-01-01T00:00:00Z", seed=0)
    org_sim.create_organization(ACCOUNT_A, member_account_ids=[ACCOUNT_B])
    manager, member = (org_sim.client("license-manager", a) for a in (ACCOUNT_A, ACCOUNT_B))
    product = ssm(name, values, "NOT_EQUALS")
    refused_create(org_sim, manager, "cross-account", ProductInformationList=[product])
    enable_cross_account_discovery(org_sim, ACCOUNT_A)
    arn = create(manager, "vCPU", ProductInformationList=[product])
    assert get(manager, arn)["ProductInformationList"] == [product]
    refused_create(org_sim, member, "xclusion", ProductInformationList=[product])
    refused_create(org_sim, manager, name.split(":")[0],
                   ProductInformationList=[oracle("oracle-ee") | {"ProductInformationFilterList": [
                       *oracle("oracle-ee")["ProductInformationFilterList"],
                       {"ProductInformationFilterName": name, "ProductInformationFilterValue": values,
                        "ProductInformationFilterComparator": "NOT_EQUALS"}]}])


def test_update_product_information_checked(sim, lm):
    """"Automated discovery of resource inventory": UpdateLicenseConfiguration edits discovery rules."""
    arn = create(lm, "vCPU", LicenseCountHardLimit=True)
    refused(sim, lm, "InvalidParameterValueException", lambda: lm.update_license_configuration(
        LicenseConfigurationArn=arn, ProductInformationList=[oracle("oracle-ee")]), "ard")
    lm.update_license_configuration(LicenseConfigurationArn=arn, ProductInformationList=[SQL_2019])
    assert get(lm, arn)["ProductInformationList"] == [SQL_2019]


# -- tags and settings -----------------------------------------------------------------------


def test_tags(sim, lm):
    """"License configuration parameters and rules": you can add tags to license configurations."""
    arn = create(lm, Tags=[{"Key": "team", "Value": "dba"}])
    lm.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "ops"}])
    tags = lm.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "prod"), ("team", "ops")]
    lm.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
    assert lm.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert get(lm, arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    refused(sim, lm, "ValidationException",
            lambda: lm.tag_resource(ResourceArn=arn, Tags=[{"Key": "aws:owner", "Value": "x"}]), "aws:")
    unknown = arn[:-4] + ("0000" if not arn.endswith("0000") else "1111")
    for call in (lambda: lm.tag_resource(ResourceArn=unknown, Tags=[{"Key": "k", "Value": "v"}]),
                 lambda: lm.untag_resource(ResourceArn=unknown, TagKeys=["env"]),
                 lambda: lm.list_tags_for_resource(ResourceArn=unknown)):
        refused(sim, lm, "InvalidParameterValueException", call)


def test_service_settings_defaults(lm, lm_b):
    """"Settings in License Manager": no organization integration or cross-account discovery by default."""
    for client in (lm, lm_b):
        settings = client.get_service_settings()
        assert settings["OrganizationConfiguration"] == {"EnableIntegration": False}
        assert settings["EnableCrossAccountsDiscovery"] is False


def test_page_token_belongs_to_its_filters(lm):
    """A NextToken from one listing is refused by a listing with other filters."""
    for n in range(3):
        create(lm, "vCPU", name=f"pool-{n}")
    token = lm.list_license_configurations(MaxResults=1)["NextToken"]
    with pytest.raises(lm.exceptions.InvalidParameterValueException):
        lm.list_license_configurations(MaxResults=1, NextToken=token,
                                       Filters=[{"Name": "licenseCountingType", "Values": ["vCPU"]}])


def test_description_change_adds_no_compliance_row(sim, lm):
    """Only consumption, count, limit type, name and status changes make compliance rows."""
    arn = create(lm, "vCPU", LicenseCount=4)
    rows = len(sim.timelines.compliance)
    lm.update_license_configuration(LicenseConfigurationArn=arn, Description="only words")
    assert len(sim.timelines.compliance) == rows
