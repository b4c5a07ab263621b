"""Automated discovery through boto3 (License Manager User Guide, "Automated discovery of
resource inventory", "Adding automated discovery rules to a license configuration",
"Associating a license configuration with discovered inventory", "Resource inventory in
License Manager", "Requirements for Oracle Database products", "Systems Manager Inventory is
out of date")."""

from __future__ import annotations

import pytest

from simulator import Simulation
from simulator.licensing import DiscoverySchedule
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    SQL_ENTERPRISE,
    WINDOWS,
    assert_refused,
    associated,
    configuration,
    consumed,
    discover,
    enable_cross_account_discovery,
    instance_arn,
    launch,
    license_specs,
    managed_instance_arn,
    product_filter,
    register_servers,
    ssm_product,
    summaries,
)

SQL = SQL_ENTERPRISE[0]
DAY = 86400


def create(lm, counting: str = "vCPU", products=(ssm_product(),), **params) -> str:
    """A discovering configuration; its ARN."""
    return lm.create_license_configuration(Name=f"{counting}-discovered", LicenseCountingType=counting,
                                           ProductInformationList=list(products), **params)["LicenseConfigurationArn"]


def tracked(lm, arn: str) -> list[str]:
    """The ARNs of the configuration's associated resources, sorted."""
    return sorted(associated(lm, arn))


def install(sim, *node_ids: str) -> None:
    """Install SQL Server 2019 Enterprise by hand on the nodes."""
    for node_id in node_ids:
        sim.install_software(node_id, SQL, publisher=SQL_ENTERPRISE[1], version=SQL_ENTERPRISE[2])


def test_discovery_associates_matching_servers_after_the_lag(sim, lm):
    """"Automated discovery of resource inventory": License Manager tracks the instances that
    have the product installed, found through Systems Manager inventory, by the
    configuration's counting type; LastRunTime shows the pass."""
    arn = create(lm, "Core")
    with_sql, without = register_servers(sim, ACCOUNT_A, 2, cores=8, sockets=2, vcpus=16)
    install(sim, with_sql)
    sim.advance("5h")
    assert consumed(lm, arn) == 0 and configuration(lm, arn)["AutomatedDiscoveryInformation"] == {}  # no run yet
    sim.run("2026-01-01T06:00:01Z")
    cfg = configuration(lm, arn)
    assert tracked(lm, arn) == [managed_instance_arn(ACCOUNT_A, with_sql)]
    assert cfg["ConsumedLicenses"] == 8
    consumed_by_type, managed_by_type = summaries(cfg)
    assert consumed_by_type["SYSTEMS_MANAGER_MANAGED_INSTANCE"] == 8 and sum(consumed_by_type.values()) == 8
    assert managed_by_type["SYSTEMS_MANAGER_MANAGED_INSTANCE"] == 1 and sum(managed_by_type.values()) == 1
    assert cfg["AutomatedDiscoveryInformation"]["LastRunTime"].isoformat() == "2026-01-01T06:00:00+00:00"
    usage = lm.list_usage_for_license_configuration(LicenseConfigurationArn=arn)["LicenseConfigurationUsageList"]
    assert [(u["ResourceType"], u["ResourceStatus"], u["ConsumedLicenses"]) for u in usage] == [
        ("SYSTEMS_MANAGER_MANAGED_INSTANCE", "active", 8)]
    assert lm.list_license_specifications_for_resource(ResourceArn=managed_instance_arn(ACCOUNT_A, with_sql))[
        "LicenseSpecifications"] == [{"LicenseConfigurationArn": arn}]
    assert sim.license_manager.views.recount(arn) == 8


@pytest.mark.parametrize("counting, expected", [("vCPU", 16), ("Instance", 1), ("Core", 8), ("Socket", 2)])
def test_servers_count_by_the_counting_type(sim, lm, counting, expected):
    """"License configuration parameters and rules": an on-premises server counts its vCPUs,
    1, its physical cores or its sockets."""
    arn = create(lm, counting)
    install(sim, *register_servers(sim, ACCOUNT_A, cores=8, sockets=2, vcpus=16))
    discover(sim)
    assert consumed(lm, arn) == expected


def test_ec2_instances_are_discovered_and_counted_like_launches(sim, ec2, lm):
    """"Automated discovery of resource inventory": discovery works on EC2 instances too, which
    then count as any tracked instance (stopping releases, starting counts again)."""
    arn = create(lm, "vCPU")
    instance = launch(ec2, "m5.2xlarge", pattern=WINDOWS)[0]
    sim.advance("2m")
    install(sim, instance)
    discover(sim)
    assert tracked(lm, arn) == [instance_arn(ACCOUNT_A, instance)]
    assert consumed(lm, arn) == 8
    described = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]
    assert described["Licenses"] == [{"LicenseConfigurationArn": arn}]
    ec2.stop_instances(InstanceIds=[instance])
    assert consumed(lm, arn) == 0
    ec2.terminate_instances(InstanceIds=[instance])
    sim.advance("2h")
    assert tracked(lm, arn) == []


def test_exclusion_rules_by_account_and_tag():
    """"Automated discovery of resource inventory": the management account excludes accounts
    and tagged resources; cross-account discovery reaches the members."""
    sim = Simulation(seed=0)
    member, excluded = ACCOUNT_B, "333333333333"
    sim.create_organization(ACCOUNT_A, [member, excluded])
    enable_cross_account_discovery(sim, ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    arn = create(lm, "Instance", [ssm_product(product_filter("AccountId", [excluded], "NOT_EQUALS"),
                                              product_filter("Tag:environment", ["dev"], "NOT_EQUALS"),
                                              product_filter("Tag:lab", [], "NOT_EQUALS"))])
    prod = register_servers(sim, member, Tags=[{"Key": "environment", "Value": "prod"}])[0]
    dev = register_servers(sim, member, Tags=[{"Key": "environment", "Value": "dev"}])[0]
    lab = register_servers(sim, member, Tags=[{"Key": "lab", "Value": "anything"}])[0]
    other = register_servers(sim, excluded)[0]
    own = register_servers(sim, ACCOUNT_A)[0]
    install(sim, prod, dev, lab, other, own)
    sim.run("2026-01-01T13:00:01Z")
    assert tracked(lm, arn) == sorted([managed_instance_arn(ACCOUNT_A, own), managed_instance_arn(member, prod)])
    sim.client("ssm", member).remove_tags_from_resource(ResourceType="ManagedInstance", ResourceId=dev,
                                                        TagKeys=["environment"])
    discover(sim)
    assert managed_instance_arn(member, dev) not in tracked(lm, arn)  # members sync once a day
    sim.run("2026-01-02T13:00:01Z")
    assert managed_instance_arn(member, dev) in tracked(lm, arn)


def test_member_resources_are_found_after_the_daily_sync():
    """"New child account instances are slow to appear": member inventory reaches the
    management account at 13:00, so installations after it are discovered the next day."""
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    enable_cross_account_discovery(sim, ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    arn = create(lm, "Instance")
    server = register_servers(sim, ACCOUNT_B)[0]
    sim.run("2026-01-01T14:00:00Z")
    install(sim, server)
    sim.run("2026-01-02T12:59:00Z")
    assert consumed(lm, arn) == 0
    sim.run("2026-01-02T13:00:01Z")
    assert consumed(lm, arn) == 1


def test_discovery_schedule_is_configurable():
    """The refresh period and the daily cross-account sync time (the guide's 1 PM, "which you
    can change") are the simulation's DiscoverySchedule."""
    sim = Simulation(seed=0, discovery_schedule=DiscoverySchedule(refresh=3600, sync_time="09:30"))
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    enable_cross_account_discovery(sim, ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    arn = create(lm, "Instance")
    install(sim, *register_servers(sim, ACCOUNT_A))
    sim.run("2026-01-01T01:00:01Z")
    assert consumed(lm, arn) == 1
    install(sim, *register_servers(sim, ACCOUNT_B))
    sim.run("2026-01-01T09:29:00Z")
    assert consumed(lm, arn) == 1
    sim.run("2026-01-01T09:30:01Z")
    assert consumed(lm, arn) == 2


def test_platform_and_license_included_rules(sim, ec2, lm):
    """Product filters Platform Name, Platform Type and License Included (EQUALS, NOT_EQUALS)."""
    byol_sql = create(lm, "Instance", [ssm_product(
        product_filter("License Included", ["sql-server-enterprise"], "NOT_EQUALS"),
        product_filter("Platform Type", ["Windows"]))])
    windows_included = create(lm, "Instance", [{"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
        product_filter("License Included", ["windows-server-datacenter"])]}])
    linux = create(lm, "Instance", [{"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
        product_filter("Platform Name", ["Amazon Linux"])]}])
    server = register_servers(sim, ACCOUNT_A)[0]
    included = launch(ec2, "m5.xlarge", pattern="Windows_Server-2022-English-Full-SQL_2022_Enterprise-*")[0]
    plain_windows = launch(ec2, "m5.xlarge", pattern=WINDOWS)[0]
    amazon_linux = launch(ec2, "m5.large")[0]
    sim.advance("2m")
    install(sim, server, included, plain_windows)
    discover(sim)
    assert tracked(lm, byol_sql) == sorted([managed_instance_arn(ACCOUNT_A, server),
                                               instance_arn(ACCOUNT_A, plain_windows)])
    assert tracked(lm, windows_included) == sorted([instance_arn(ACCOUNT_A, included),
                                                       instance_arn(ACCOUNT_A, plain_windows)])
    assert tracked(lm, linux) == [instance_arn(ACCOUNT_A, amazon_linux)]


def test_discovered_resources_stay_tracked_unless_disassociate_when_not_found(sim, lm):
    """"Automated discovery of resource inventory": by default discovered resources stay
    tracked after an uninstall; with DisassociateWhenNotFound they are released once the
    uninstall is seen in the inventory."""
    keep = create(lm, "Instance")
    release = create(lm, "Instance", DisassociateWhenNotFound=True)
    server = register_servers(sim, ACCOUNT_A)[0]
    install(sim, server)
    discover(sim)
    sim.uninstall_software(server, SQL)
    sim.advance("5h")
    assert (consumed(lm, keep), consumed(lm, release)) == (1, 1)
    discover(sim)
    assert (consumed(lm, keep), consumed(lm, release)) == (1, 0)
    assert tracked(lm, release) == []


def test_release_waits_for_the_license_affinity_period(sim, lm):
    """"Create a license configuration": stop tracking when the software is uninstalled,
    once any license affinity period has elapsed."""
    arn = create(lm, "Core", DisassociateWhenNotFound=True, LicenseRules=["#licenseAffinityToHost=2"])
    server = register_servers(sim, ACCOUNT_A)[0]
    install(sim, server)
    discover(sim)
    sim.uninstall_software(server, SQL)
    discover(sim)
    assert consumed(lm, arn) == 8
    sim.advance(f"{2 * DAY}s")
    discover(sim)
    assert consumed(lm, arn) == 0


def test_discovered_resources_cannot_be_disassociated_by_hand(sim, lm):
    """"Automated discovery of resource inventory": you cannot manually disassociate
    instances tracked by automated discovery."""
    arn = create(lm, "Instance")
    server = register_servers(sim, ACCOUNT_A)[0]
    install(sim, server)
    discover(sim)
    assert_refused(sim, "InvalidParameterValueException", lambda: lm.update_license_specifications_for_resource(
        ResourceArn=managed_instance_arn(ACCOUNT_A, server), RemoveLicenseSpecifications=license_specs(arn)),
        lambda: tracked(lm, arn))


def test_manual_association_of_servers(sim, lm):
    """"Associating a license configuration with discovered inventory": servers can be
    associated by hand, and disassociated by hand; a hard limit refuses past the count."""
    arn = lm.create_license_configuration(Name="cores", LicenseCountingType="Core", LicenseCount=10,
                                          LicenseCountHardLimit=True)["LicenseConfigurationArn"]
    first, second = register_servers(sim, ACCOUNT_A, 2)
    update = lambda node, **change: lm.update_license_specifications_for_resource(  # noqa: E731
        ResourceArn=managed_instance_arn(ACCOUNT_A, node), **change)
    update(first, AddLicenseSpecifications=license_specs(arn))
    assert consumed(lm, arn) == 8
    assert_refused(sim, "LicenseUsageException", lambda: update(second, AddLicenseSpecifications=license_specs(arn)),
                   lambda: consumed(lm, arn))
    update(first, RemoveLicenseSpecifications=license_specs(arn))
    assert consumed(lm, arn) == 0 and tracked(lm, arn) == []
    assert_refused(sim, "InvalidParameterValueException", lambda: lm.update_license_specifications_for_resource(
        ResourceArn=managed_instance_arn(ACCOUNT_B, first), AddLicenseSpecifications=license_specs(arn)))


def test_hard_limit_cannot_block_what_discovery_finds(sim, lm):
    """"Resource inventory in License Manager": License Manager cannot validate licensing rules
    for these servers at launch; discovery records the overage after the fact, with its lag."""
    arn = create(lm, "Core", LicenseCount=10, LicenseCountHardLimit=True)
    servers = register_servers(sim, ACCOUNT_A, 2)
    sim.advance("1h")
    install(sim, *servers)
    discover(sim)
    assert consumed(lm, arn) == 16
    violations = sim.timelines.violations
    assert list(violations.kind) == ["discovered_over_limit"]
    row = violations.iloc[0]
    assert row.resource_arn == managed_instance_arn(ACCOUNT_A, servers[1]) and row.action == "alerted"
    assert "lag_seconds=18000" in row.detail and row.operation == "AutomatedDiscovery"


def test_unreachable_servers_count_for_30_days_then_become_inactive(sim, lm):
    """"Systems Manager Inventory is out of date": License Manager counts an unpingable server
    as active while Systems Manager keeps its inventory (30 days), then marks it inactive and
    releases its licenses; seen again, it counts again."""
    arn = create(lm, "Instance")
    server = register_servers(sim, ACCOUNT_A)[0]
    install(sim, server)
    discover(sim)
    sim.set_agent_online(server, False)
    sim.advance(f"{29 * DAY}s")
    assert consumed(lm, arn) == 1
    sim.advance(f"{2 * DAY}s")
    assert consumed(lm, arn) == 0
    usage = lm.list_usage_for_license_configuration(LicenseConfigurationArn=arn)["LicenseConfigurationUsageList"]
    assert [u["ResourceStatus"] for u in usage] == ["inactive"]
    sim.set_agent_online(server, True)
    discover(sim)
    assert consumed(lm, arn) == 1


def test_deregistration_cleans_up_at_once(sim, lm):
    """"Resource inventory in License Manager": deregistering servers lets License Manager run
    its cleanup at once."""
    arn = create(lm, "Instance")
    server = register_servers(sim, ACCOUNT_A)[0]
    install(sim, server)
    discover(sim)
    sim.client("ssm", ACCOUNT_A).deregister_managed_instance(InstanceId=server)
    assert consumed(lm, arn) == 0 and tracked(lm, arn) == []
    assert lm.list_resource_inventory()["ResourceInventoryList"] == []


def test_rules_change_with_update_license_configuration(sim, lm):
    """"Automated discovery of resource inventory": rules can be edited at any time with
    UpdateLicenseConfiguration; the next pass applies them."""
    arn = lm.create_license_configuration(Name="later", LicenseCountingType="Instance")["LicenseConfigurationArn"]
    server = register_servers(sim, ACCOUNT_A)[0]
    install(sim, server)
    discover(sim)
    assert consumed(lm, arn) == 0
    lm.update_license_configuration(LicenseConfigurationArn=arn, ProductInformationList=[ssm_product()])
    discover(sim)
    assert consumed(lm, arn) == 1


def oracle(*filters: dict) -> dict:
    """An RDS product entry: Oracle Enterprise Edition, plus ``filters``."""
    return {"ResourceType": "RDS", "ProductInformationFilterList": [
        product_filter("Engine Edition", ["oracle-ee"]), *filters]}


def test_rds_oracle_discovery(sim, lm):
    """Document history, "Track Oracle deployments on Amazon RDS": BYOL Oracle DB instances of
    the edition (and license packs) the configuration names are tracked by vCPU; deletion
    releases them."""
    rds = sim.client("rds", ACCOUNT_A)
    edition = create(lm, "vCPU", [oracle()])
    packs = create(lm, "vCPU", [oracle(product_filter("License Pack", ["olap"]))])
    rds.create_option_group(OptionGroupName="olap", EngineName="oracle-ee", MajorEngineVersion="19",
                            OptionGroupDescription="olap")
    rds.modify_option_group(OptionGroupName="olap", OptionsToInclude=[{"OptionName": "OLAP"}])
    common = {"MasterUsername": "admin", "MasterUserPassword": "secret123", "AllocatedStorage": 100}
    rds.create_db_instance(DBInstanceIdentifier="plain", DBInstanceClass="db.r5.xlarge", Engine="oracle-ee", **common)
    rds.create_db_instance(DBInstanceIdentifier="analytics", DBInstanceClass="db.r5.2xlarge", Engine="oracle-ee",
                           OptionGroupName="olap", **common)
    rds.create_db_instance(DBInstanceIdentifier="included", DBInstanceClass="db.m5.large", Engine="oracle-se2",
                           **common)
    discover(sim)
    assert (consumed(lm, edition), consumed(lm, packs)) == (4 + 8, 8)
    assert tracked(lm, packs) == [f"arn:aws:rds:us-east-1:{ACCOUNT_A}:db:analytics"]
    consumed_by_type, managed_by_type = summaries(configuration(lm, packs))
    assert (consumed_by_type["RDS"], managed_by_type["RDS"], sum(consumed_by_type.values())) == (8, 1, 8)
    rds.delete_db_instance(DBInstanceIdentifier="analytics", SkipFinalSnapshot=True)
    assert (consumed(lm, edition), consumed(lm, packs)) == (4, 0)


def test_conversion_questions(sim, ec2, lm):
    """"License type conversions": whether an instance is a managed node whose inventory
    License Manager has, whether discovery follows usage operation changes (License Included
    rules, re-evaluated from the next inventory collection), and the disassociation of an
    instance every License Included rule now excludes."""
    discovery = sim.license_manager.discovery
    byol = create(lm, "Instance", [ssm_product(product_filter("License Included", ["windows-server-datacenter"],
                                                              "NOT_EQUALS"))], DisassociateWhenNotFound=True)
    plain = create(lm, "Instance")
    ec2.import_image(Platform="Windows", LicenseType="BYOL", DiskContainers=[
        {"Format": "VHDX", "UserBucket": {"S3Bucket": "vms", "S3Key": "w.vhdx"}}])
    sim.advance("2h")
    image_id = ec2.describe_import_image_tasks()["ImportImageTasks"][0]["ImageId"]
    instance_id = launch(ec2, "m5.xlarge", image=image_id, Placement={"Tenancy": "dedicated"})[0]
    sim.advance("2m")
    ec2_world = sim.world.region("us-east-1").ec2
    instance = ec2_world.instances.get(ACCOUNT_A, instance_id)
    assert not discovery.has_inventory(instance)
    install(sim, instance_id)
    discover(sim)
    assert discovery.has_inventory(instance)
    cfgs = sim.license_manager.state.configurations
    assert discovery.follows_usage_operation(cfgs[byol]) and not discovery.follows_usage_operation(cfgs[plain])
    assert consumed(lm, byol) == 1
    ec2_world.set_usage_operation(instance, "RunInstances:0002")  # BYOL -> license included
    discover(sim)
    assert (consumed(lm, byol), consumed(lm, plain)) == (0, 1)
    ec2_world.set_usage_operation(instance, "RunInstances:0800")
    discover(sim)
    assert consumed(lm, byol) == 1
    ec2_world.set_usage_operation(instance, "RunInstances:0002")
    assert [c.arn for c in discovery.release_converted(instance)] == [byol]
    assert (consumed(lm, byol), consumed(lm, plain)) == (0, 1)
