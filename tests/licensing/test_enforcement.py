"""License Manager counting and launch enforcement through genuine boto3 clients (AWS License
Manager User Guide, /work/shared/spec/license-manager-user-guide.txt): counting types, where a
launch's license configurations come from, hard and soft limits, rules, tracking from launch to
termination, deactivation, AMI association scopes, the limit per resource,
UpdateLicenseSpecificationsForResource, deregistered AMIs, license affinity to hosts, the
operating-system example and the dashboard."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    LINUX,
    REGION,
    assert_refused,
    associate,
    associated,
    iam_user,
    consumed,
    failures,
    host_arn,
    image_arn,
    instance_arn,
    kinds,
    license_state,
    licenses,
    public_ami,
    states,
    summaries,
    usage,
)
from tests.helpers import allocate as allocate_hosts
from tests.helpers import configuration as get
from tests.helpers import create_configuration as config
from tests.helpers import launch as run
from tests.helpers import license_specs as specs

HOST = {"Tenancy": "host"}
UNKNOWN_INSTANCE = "i-0123456789abcdef0"


def refused(code: str, call, ec2s, lm, arns) -> str:
    """``call()`` fails with ``code`` and changes no instance of ``ec2s`` and no configuration
    of ``arns`` (consumption, associations, usage); the message."""
    return assert_refused(None, code, call, license_state(ec2s, lm, arns))


def on(host_id: str) -> dict:
    """Placement on one Dedicated Host."""
    return {"Tenancy": "host", "HostId": host_id}


def allocate(ec2, quantity: int = 1) -> list[str]:
    """Allocate m5 family hosts with auto-placement on."""
    return allocate_hosts(ec2, "on", quantity, InstanceFamily="m5")


# -- 1. counting ------------------------------------------------------------------------------


def test_vcpu_counts_default_vcpus_unless_optimization_is_honoured(sim, ec2, lm):
    """Guide "License configuration parameters and rules": honorVcpuOptimization counts cores x threads."""
    plain = config(lm, "vCPU", name="plain")
    honoured = config(lm, "vCPU", rules=["#honorVcpuOptimization=True"], name="optimized")
    (first,) = run(ec2, "m5.2xlarge", licenses=[plain, honoured], CpuOptions={"CoreCount": 2, "ThreadsPerCore": 2})
    assert (consumed(lm, plain), consumed(lm, honoured)) == (8, 4)
    assert [u["ConsumedLicenses"] for u in usage(lm, honoured)] == [4]
    run(ec2, "m5.2xlarge", licenses=[plain, honoured])
    assert (consumed(lm, plain), consumed(lm, honoured)) == (16, 12)
    assert summaries(get(lm, plain))[0] == {"EC2_INSTANCE": 16, "EC2_HOST": 0, "SYSTEMS_MANAGER_MANAGED_INSTANCE": 0}
    assert licenses(ec2, first) == [plain, honoured]


def test_instance_counting_counts_one_per_instance(ec2, lm):
    """Guide "License configuration parameters and rules": Instance counting counts 1 per instance."""
    arn = config(lm, "Instance")
    run(ec2, "m5.large", licenses=[arn])
    run(ec2, "m5.4xlarge", count=2, licenses=[arn])
    assert consumed(lm, arn) == 3
    assert [u["ConsumedLicenses"] for u in usage(lm, arn)] == [1, 1, 1]


def test_core_and_socket_count_each_host_once(sim, ec2, lm):
    """Guide "License configuration parameters and rules": Core/Socket count 48 cores / 2 sockets per host."""
    core, socket = config(lm, "Core", name="cores"), config(lm, "Socket", name="sockets")
    h1, h2 = allocate(ec2, 2)
    run(ec2, "m5.xlarge", count=2, licenses=[core, socket], Placement=on(h1))
    run(ec2, "m5.4xlarge", licenses=[core, socket], Placement=on(h1))
    assert (consumed(lm, core), consumed(lm, socket)) == (48, 2)
    (second_host,) = run(ec2, "m5.large", licenses=[core, socket], Placement=on(h2))
    assert (consumed(lm, core), consumed(lm, socket)) == (96, 4)
    assert summaries(get(lm, core))[0] == {"EC2_INSTANCE": 0, "EC2_HOST": 96, "SYSTEMS_MANAGER_MANAGED_INSTANCE": 0}
    entries = usage(lm, core)
    assert {e["ResourceArn"]: e["ConsumedLicenses"] for e in entries if e["ResourceType"] == "EC2_HOST"} == {
        host_arn(ACCOUNT_A, h1): 48, host_arn(ACCOUNT_A, h2): 48}
    assert sum(e["ConsumedLicenses"] for e in entries) == 96
    assert [e["ConsumedLicenses"] for e in usage(lm, core, resourceType=["EC2_HOST"])] == [48, 48]
    assert len(usage(lm, core, resourceType=["EC2_INSTANCE"])) == 4
    assert len(usage(lm, core, resourceAccount=[ACCOUNT_A])) == 6
    assert usage(lm, core, resourceAccount=[ACCOUNT_B]) == []
    (only,) = usage(lm, core, resourceArn=[host_arn(ACCOUNT_A, h2)])
    assert (only["ResourceType"], only["ConsumedLicenses"], only["ResourceOwnerId"]) == ("EC2_HOST", 48, ACCOUNT_A)
    assert [e["ConsumedLicenses"] for e in usage(lm, socket, resourceType=["EC2_HOST"])] == [2, 2]
    refused("InvalidParameterValueException", lambda: usage(lm, core, instanceType=["m5.large"]), [ec2], lm, [core])
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[second_host])
    sim.advance("2m")
    assert (consumed(lm, core), consumed(lm, socket)) == (48, 2)


# -- 2. where a launch's configurations come from ------------------------------------------------


@pytest.mark.parametrize("source", ["ami", "launch_template", "call"])
def test_each_source_alone_tracks_the_launch(sim, ec2, lm, source):
    """Guide "License rules in License Manager": AMI, launch template or the call each attach a configuration."""
    arn = config(lm, "Instance", name=f"from-{source}")
    ami = public_ami(ec2, LINUX)
    if source == "ami":
        associate(lm, image_arn(ami), arn)
        (instance_id,) = run(ec2)
    elif source == "launch_template":
        template = ec2.create_launch_template(LaunchTemplateName="tracked", LaunchTemplateData={
            "ImageId": ami, "InstanceType": "m5.large", "LicenseSpecifications": specs(arn)})["LaunchTemplate"]
        reservation = ec2.run_instances(LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"]},
                                        MinCount=1, MaxCount=1)
        instance_id = reservation["Instances"][0]["InstanceId"]
    else:
        (instance_id,) = run(ec2, licenses=[arn])
    (untracked,) = run(ec2, "m5.large", image=public_ami(ec2, "Windows_Server-2022-English-Full-Base-*"))
    assert licenses(ec2, instance_id) == [arn] and licenses(ec2, untracked) == []
    assert instance_arn(ACCOUNT_A, instance_id) in associated(lm, arn)
    assert instance_arn(ACCOUNT_A, untracked) not in associated(lm, arn)
    assert consumed(lm, arn) == 1


def test_unknown_configuration_in_the_call_is_refused(ec2, lm):
    """Guide "License rules in License Manager": a configuration that does not exist launches nothing."""
    arn = config(lm, name="real")
    missing = arn[:-4] + ("0000" if not arn.endswith("0000") else "1111")
    message = refused("InvalidParameterValue", lambda: run(ec2, licenses=[arn, missing]), [ec2], lm, [arn])
    assert missing in message


# -- 3. hard and soft limits ---------------------------------------------------------------------


def test_hard_limit_refuses_the_launch_that_would_pass_it(sim, lm):
    """Guide "License configuration parameters and rules": a hard limit blocks an out-of-compliance launch."""
    principal = iam_user(sim, ACCOUNT_A, "alice")
    ec2 = sim.client("ec2", ACCOUNT_A, principal=principal)
    arn = config(lm, "Instance", count=4, name="four-seats")
    run(ec2, count=2, licenses=[arn])
    sim.advance("1m")
    message = refused("LicenseUsageException", lambda: run(ec2, count=3, licenses=[arn]), [ec2], lm, [arn])
    assert "four-seats" in message and arn in message
    run(ec2, count=2, licenses=[arn])
    assert consumed(lm, arn) == 4
    refused("LicenseUsageException", lambda: run(ec2, licenses=[arn]), [ec2], lm, [arn])
    found = failures(lm, arn)
    assert len(found) == 2
    for failure in found:
        assert failure["OperationName"] == "RunInstances"
        assert failure["OperationRequestedBy"] == principal
        assert failure["ResourceOwnerId"] == ACCOUNT_A
        assert "four-seats" in failure["ErrorMessage"] and arn in failure["ErrorMessage"]
    assert kinds(sim, arn) == [("hard_limit", "blocked")] * 2
    notes = sim.timelines.notifications
    assert list(notes.kind) == ["launch_blocked"] * 2
    assert all(a.startswith("arn:aws:ec2:us-east-1::image/ami-") for a in notes.resource_arn)
    assert set(notes.topic_arn) == {""}  # no SNS topic in the settings: recorded, not published


def test_soft_limit_lets_the_launch_go_ahead_and_alerts(sim, ec2, lm):
    """Guide "License configuration parameters and rules": a soft limit permits the launch and sends an alert."""
    arn = config(lm, "vCPU", count=4, hard=False, name="soft-four")
    run(ec2, "m5.xlarge", licenses=[arn])
    assert kinds(sim, arn) == []
    (over,) = run(ec2, "m5.large", licenses=[arn])
    sim.advance("1m")
    assert states(ec2, over) == ["running"]
    assert consumed(lm, arn) == 6 > get(lm, arn)["LicenseCount"]
    assert kinds(sim, arn) == [("soft_limit", "alerted")]
    notes = sim.timelines.notifications
    notes = notes[notes.license_configuration_arn == arn]
    assert len(notes) == 1 and notes.account_id.iloc[0] == ACCOUNT_A and "soft-four" in notes.message.iloc[0]
    assert failures(lm, arn) == []


# -- 4. rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hard", [True, False])
def test_vcpu_and_tenancy_rules_block_under_either_limit(sim, ec2, lm, hard):
    """Guide "License configuration parameters and rules": tenancy and vCPU rules refuse launches."""
    tenancy = config(lm, "Instance", count=10, hard=hard, rules=["#allowedTenancy=EC2-DedicatedInstance"], name="ded")
    minimum = config(lm, "vCPU", count=100, hard=hard, rules=["#minimumVcpus=4"], name="min")
    maximum = config(lm, "vCPU", count=100, hard=hard, rules=["#maximumVcpus=8"], name="max")
    for arn, instance_type in ((tenancy, "m5.large"), (minimum, "m5.large"), (maximum, "m5.4xlarge")):
        message = refused("LicenseUsageException", lambda: run(ec2, instance_type, licenses=[arn]), [ec2], lm, [arn])
        assert arn in message
    run(ec2, "m5.large", licenses=[tenancy], Placement={"Tenancy": "dedicated"})
    run(ec2, "m5.xlarge", licenses=[minimum])
    run(ec2, "m5.2xlarge", licenses=[maximum])
    assert [consumed(lm, a) for a in (tenancy, minimum, maximum)] == [1, 4, 8]
    assert kinds(sim, tenancy) == [("rule:allowedTenancy", "blocked")]
    assert kinds(sim, minimum) == [("rule:minimumVcpus", "blocked")]
    assert kinds(sim, maximum) == [("rule:maximumVcpus", "blocked")]


@pytest.mark.parametrize("hard", [True, False])
def test_core_rules_check_the_instance_cores_on_a_host(sim, ec2, lm, hard):
    """Guide "Build License Manager rules from vendor licenses": minimumCores=8, maximumCores=16 on hosts."""
    arn = config(lm, "Core", count=1000, hard=hard, rules=["#minimumCores=8", "#maximumCores=16"], name="servers")
    allocate(ec2)
    for instance_type, placement in (("m5.2xlarge", HOST), ("m5.12xlarge", HOST), ("m5.4xlarge", {})):
        refused("LicenseUsageException", lambda: run(ec2, instance_type, licenses=[arn], Placement=placement),
                [ec2], lm, [arn])
    run(ec2, "m5.4xlarge", licenses=[arn], Placement=HOST)
    run(ec2, "m5.8xlarge", licenses=[arn], Placement=HOST)
    assert consumed(lm, arn) == 48
    assert kinds(sim, arn) == [("rule:minimumCores", "blocked"), ("rule:maximumCores", "blocked"),
                               ("rule:allowedTenancy", "blocked")]


# -- 5. tracking from launch to termination -------------------------------------------------------


def test_stop_start_terminate_release_and_recount(sim, ec2, lm):
    """Guide "License rules in License Manager": tracked until termination; stop or terminate releases."""
    arn = config(lm, "Instance", count=2, name="two-seats")
    first, second = run(ec2, count=2, licenses=[arn])
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[first])
    sim.advance("2m")
    assert states(ec2, first) == ["stopped"] and consumed(lm, arn) == 1
    ec2.start_instances(InstanceIds=[first])
    assert consumed(lm, arn) == 2
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[first])
    sim.advance("2m")
    run(ec2, licenses=[arn])
    assert consumed(lm, arn) == 2
    message = refused("LicenseUsageException", lambda: ec2.start_instances(InstanceIds=[first]), [ec2], lm, [arn])
    assert "two-seats" in message
    assert states(ec2, first) == ["stopped"]
    assert failures(lm, arn)[-1]["OperationName"] == "StartInstances"
    assert kinds(sim, arn) == [("hard_limit", "blocked")]
    ec2.terminate_instances(InstanceIds=[second])
    sim.advance("1m")
    assert states(ec2, second) == ["terminated"] and consumed(lm, arn) == 1
    assert instance_arn(ACCOUNT_A, second) not in associated(lm, arn)
    assert all(u["ResourceArn"] != instance_arn(ACCOUNT_A, second) for u in usage(lm, arn))
    ec2.start_instances(InstanceIds=[first])
    assert consumed(lm, arn) == 2


# -- 6. deactivation ------------------------------------------------------------------------------


def test_disabled_configuration_tracks_nothing_and_refuses_launches(sim, ec2, lm):
    """Guide "Deactivate a license configuration": consumption is not tracked, launches are refused."""
    arn = config(lm, "Instance", count=5, name="retired")
    ids = run(ec2, count=2, licenses=[arn])
    sim.advance("1m")
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="DISABLED")
    sim.advance("1h")
    assert states(ec2, *ids) == ["running", "running"]
    assert (get(lm, arn)["Status"], consumed(lm, arn)) == ("DISABLED", 0)
    message = refused("LicenseUsageException", lambda: run(ec2, licenses=[arn]), [ec2], lm, [arn])
    assert "retired" in message
    assert kinds(sim, arn) == [("disabled", "blocked")]
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="AVAILABLE")
    assert (get(lm, arn)["Status"], consumed(lm, arn)) == ("AVAILABLE", 2)


def test_ami_of_a_disabled_configuration_still_launches_untracked(sim, ec2, lm):
    """Guide "Deactivate a license configuration": AMIs using the license can still be launched,
    existing resources are unaffected, and consumption is not tracked."""
    arn = config(lm, name="retired-ami")
    ami = public_ami(ec2, LINUX)
    associate(lm, image_arn(ami), arn)
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="DISABLED")
    (instance_id,) = run(ec2, image=ami)
    sim.advance("1m")
    assert states(ec2, instance_id) == ["running"] and consumed(lm, arn) == 0
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("1m")
    assert states(ec2, instance_id) == ["running"] and consumed(lm, arn) == 0
    assert kinds(sim, arn) == []
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="AVAILABLE")
    assert consumed(lm, arn) == 1


# -- 7. AMI association scope ------------------------------------------------------------------------


def test_cross_account_scope_tracks_launches_in_other_accounts(sim, ec2, ec2_b, lm):
    """Guide "Associating license configurations and AMIs": cross-account scope tracks every account."""
    ami = ec2.register_image(Name="golden")["ImageId"]
    ec2.modify_image_attribute(ImageId=ami, OperationType="add", UserIds=[ACCOUNT_B])
    cross, local = config(lm, count=2, name="cross"), config(lm, name="local")
    associate(lm, image_arn(ami), cross, scope="cross-account")
    associate(lm, image_arn(ami), local)
    shown = lm.list_license_specifications_for_resource(ResourceArn=image_arn(ami))["LicenseSpecifications"]
    assert sorted(shown, key=lambda s: s["LicenseConfigurationArn"] != cross) == [
        {"LicenseConfigurationArn": cross, "AmiAssociationScope": "cross-account"},
        {"LicenseConfigurationArn": local}]
    (in_b,) = run(ec2_b, image=ami)
    (in_a,) = run(ec2, image=ami)
    assert (consumed(lm, cross), consumed(lm, local)) == (2, 1)
    assert licenses(ec2_b, in_b) == [cross]
    owners = {u["ResourceArn"]: u["ResourceOwnerId"] for u in usage(lm, cross)}
    assert owners == {instance_arn(ACCOUNT_B, in_b): ACCOUNT_B, instance_arn(ACCOUNT_A, in_a): ACCOUNT_A}
    assert [u["ResourceArn"] for u in usage(lm, cross, resourceAccount=[ACCOUNT_B])] == [instance_arn(ACCOUNT_B, in_b)]
    assert instance_arn(ACCOUNT_B, in_b) not in associated(lm, local)
    message = refused("LicenseUsageException", lambda: run(ec2_b, image=ami), [ec2, ec2_b], lm, [cross, local])
    assert "cross" in message
    (failure,) = failures(lm, cross)
    assert (failure["ResourceOwnerId"], failure["OperationRequestedBy"]) == (ACCOUNT_B, f"arn:aws:iam::{ACCOUNT_B}:root")


def test_shared_ami_is_associated_for_the_current_account_only(sim, ec2, ec2_b, lm, lm_b):
    """Guide "Associating license configurations and AMIs": a shared AMI is associated in your account only."""
    ami = ec2.register_image(Name="shared-base")["ImageId"]
    ec2.modify_image_attribute(ImageId=ami, OperationType="add", UserIds=[ACCOUNT_B])
    mine = config(lm_b, name="b-only")
    refused("InvalidParameterValueException",
            lambda: associate(lm_b, image_arn(ami), mine, scope="cross-account"), [ec2, ec2_b], lm_b, [mine])
    assert lm_b.list_license_specifications_for_resource(ResourceArn=image_arn(ami))["LicenseSpecifications"] == []
    associate(lm_b, image_arn(ami), mine)
    assert lm_b.list_license_specifications_for_resource(ResourceArn=image_arn(ami))["LicenseSpecifications"] == [
        {"LicenseConfigurationArn": mine}]
    assert lm.list_license_specifications_for_resource(ResourceArn=image_arn(ami))["LicenseSpecifications"] == []
    (in_a,) = run(ec2, image=ami)
    (in_b,) = run(ec2_b, image=ami)
    assert consumed(lm_b, mine) == 1 and licenses(ec2, in_a) == []
    assert associated(lm_b, mine) == [image_arn(ami), instance_arn(ACCOUNT_B, in_b)]


# -- 8. at most 10 configurations per resource -------------------------------------------------------


def test_eleventh_configuration_on_an_instance_is_refused(sim, ec2, lm):
    """Guide "Limits": number of license configurations per resource: 10."""
    arns = [config(lm, name=f"product-{n}") for n in range(11)]
    (instance_id,) = run(ec2, licenses=arns[:10])
    assert len(licenses(ec2, instance_id)) == 10
    message = refused("InvalidParameterValueException",
                      lambda: associate(lm, instance_arn(ACCOUNT_A, instance_id), arns[10]), [ec2], lm, arns)
    assert "10" in message
    assert licenses(ec2, instance_id) == arns[:10] and consumed(lm, arns[10]) == 0


# -- 9. UpdateLicenseSpecificationsForResource on instances and hosts -----------------------------------


def test_adding_and_removing_configurations_on_instances(sim, ec2, lm):
    """Guide "License rules in License Manager": rules attached to a running instance track it from then on."""
    arn = config(lm, "vCPU", count=6, name="late")
    first, second = run(ec2, "m5.xlarge", count=2)
    sim.advance("1m")
    associate(lm, instance_arn(ACCOUNT_A, first), arn)
    assert consumed(lm, arn) == 4 and licenses(ec2, first) == [arn]
    message = refused("LicenseUsageException", lambda: associate(lm, instance_arn(ACCOUNT_A, second), arn),
                      [ec2], lm, [arn])
    assert "late" in message
    assert failures(lm, arn)[-1]["OperationName"] == "UpdateLicenseSpecificationsForResource"
    lm.update_license_specifications_for_resource(ResourceArn=instance_arn(ACCOUNT_A, first),
                                                  RemoveLicenseSpecifications=specs(arn))
    assert consumed(lm, arn) == 0 and associated(lm, arn) == [] and licenses(ec2, first) == []
    associate(lm, instance_arn(ACCOUNT_A, second), arn)
    assert consumed(lm, arn) == 4
    ec2.terminate_instances(InstanceIds=[first])
    sim.advance("1m")
    assert states(ec2, first) == ["terminated"]
    template = ec2.create_launch_template(LaunchTemplateName="plain", LaunchTemplateData={
        "ImageId": public_ami(ec2, LINUX), "InstanceType": "m5.large"})["LaunchTemplate"]["LaunchTemplateId"]
    for code, resource in (
        ("InvalidResourceStateException", instance_arn(ACCOUNT_A, first)),
        ("InvalidParameterValueException", f"arn:aws:ec2:{REGION}:{ACCOUNT_A}:launch-template/{template}"),
        ("InvalidParameterValueException", instance_arn(ACCOUNT_A, UNKNOWN_INSTANCE)),
    ):
        refused(code, lambda: associate(lm, resource, arn), [ec2], lm, [arn])


def test_core_configuration_on_a_dedicated_host_counts_until_release(sim, ec2, lm):
    """Guide "License configuration parameters and rules": an associated Core host counts its cores."""
    arn = config(lm, "Core", count=50, name="host-cores")
    (host_id, other) = allocate(ec2, 2)
    associate(lm, host_arn(ACCOUNT_A, host_id), arn)
    assert consumed(lm, arn) == 48 and associated(lm, arn) == [host_arn(ACCOUNT_A, host_id)]
    refused("LicenseUsageException", lambda: associate(lm, host_arn(ACCOUNT_A, other), arn), [ec2], lm, [arn])
    assert [(u["ResourceType"], u["ConsumedLicenses"]) for u in usage(lm, arn)] == [("EC2_HOST", 48)]
    sim.advance("1d")
    assert consumed(lm, arn) == 48
    ec2.release_hosts(HostIds=[host_id])
    assert consumed(lm, arn) == 0 and associated(lm, arn) == [] and usage(lm, arn) == []


# -- 10. deregistered AMIs ---------------------------------------------------------------------------


def test_deregistered_ami_association_persists_until_the_8_hour_sweep(sim, ec2, lm):
    """Guide "Apparent persistence of a de-registered AMI": purged within 8 hours, not before."""
    ami = ec2.register_image(Name="retiring")["ImageId"]
    arn = config(lm, name="ami-tracked")
    associate(lm, image_arn(ami), arn)
    sim.advance("1h")
    ec2.deregister_image(ImageId=ami)
    assert associated(lm, arn) == [image_arn(ami)]
    refused("InvalidParameterValueException",
            lambda: lm.update_license_specifications_for_resource(ResourceArn=image_arn(ami),
                                                                  RemoveLicenseSpecifications=specs(arn)),
            [ec2], lm, [arn])
    sim.advance("8h")
    assert associated(lm, arn) == []
    assert set(summaries(get(lm, arn))[1].values()) == {0}


# -- 11. license affinity to host --------------------------------------------------------------------


def test_affinity_keeps_host_cores_until_the_period_has_elapsed(sim, ec2, lm):
    """Guide "License configuration parameters and rules": affinity period, then reusable within 24 hours."""
    bound = config(lm, "Core", rules=["#licenseAffinityToHost=3"], name="bound")
    free = config(lm, "Core", name="free")
    (host_id,) = allocate(ec2)
    (instance_id,) = run(ec2, "m5.4xlarge", licenses=[bound, free], Placement=on(host_id))
    sim.advance("1h")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert states(ec2, instance_id) == ["stopped"]
    assert (consumed(lm, bound), consumed(lm, free)) == (48, 0)
    sim.advance("1d")
    assert consumed(lm, bound) == 48
    sim.advance("1d22h")  # just before the 3 days have elapsed
    assert consumed(lm, bound) == 48
    assert [u["ConsumedLicenses"] for u in usage(lm, bound, resourceType=["EC2_HOST"])] == [48]
    sim.advance("1d2h")  # period + 1 day
    assert consumed(lm, bound) == 0
    assert usage(lm, bound, resourceType=["EC2_HOST"]) == []


# -- 12. the operating-system example ---------------------------------------------------------------


def test_operating_system_example_96_cores_end_to_end(sim, ec2, lm):
    """Guide "Build License Manager rules from vendor licenses": the 96-core operating-system example."""
    arn = config(lm, "Core", count=96, hard=True, name="server-os",
                 rules=["#minimumCores=8", "#maximumCores=16", "#allowedTenancy=EC2-DedicatedHost"])
    h1, h2, h3 = allocate(ec2, 3)
    message = refused("LicenseUsageException", lambda: run(ec2, "m5.2xlarge", licenses=[arn], Placement=HOST),
                      [ec2], lm, [arn])
    assert "minimumCores" in message
    servers = {}
    for host_id in (h1, h2):
        servers[host_id] = (run(ec2, "m5.8xlarge", count=2, licenses=[arn], Placement=HOST)
                            + run(ec2, "m5.4xlarge", count=2, licenses=[arn], Placement=HOST))
    for host_id, ids in servers.items():
        hosted = ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]
        assert sorted(i["InstanceId"] for i in hosted["Instances"]) == sorted(ids)
    assert consumed(lm, arn) == 96
    refused("LicenseUsageException", lambda: run(ec2, "m5.4xlarge", licenses=[arn], Placement=HOST), [ec2], lm, [arn])
    refused("LicenseUsageException", lambda: run(ec2, "m5.8xlarge", licenses=[arn], Placement=on(h3)),
            [ec2], lm, [arn])
    assert kinds(sim, arn) == [("rule:minimumCores", "blocked"), ("hard_limit", "blocked"), ("hard_limit", "blocked")]
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=servers[h1])
    sim.advance("2m")
    assert consumed(lm, arn) == 48
    (moved,) = run(ec2, "m5.8xlarge", licenses=[arn], Placement=on(h3))
    sim.advance("1m")
    assert states(ec2, moved) == ["running"] and consumed(lm, arn) == 96
    assert sorted(u["ResourceArn"] for u in usage(lm, arn, resourceType=["EC2_HOST"])) == sorted(
        [host_arn(ACCOUNT_A, h2), host_arn(ACCOUNT_A, h3)])
    refused("LicenseUsageException", lambda: ec2.start_instances(InstanceIds=servers[h1][:1]), [ec2], lm, [arn])


# -- 13. the dashboard --------------------------------------------------------------------------------


def test_dashboard_shows_consumption_remaining_enforcement_and_tenancy(sim, ec2, lm):
    """Guide "Dashboard": consumed, remaining, enforced, and instances per tenancy type."""
    hard = config(lm, "Instance", count=10, name="dash-hard")
    soft = config(lm, "vCPU", count=4, hard=False, name="dash-soft")
    allocate(ec2)
    shared = run(ec2, count=2, licenses=[hard])
    run(ec2, licenses=[hard], Placement={"Tenancy": "dedicated"})
    run(ec2, licenses=[hard], Placement=HOST)
    run(ec2, "m5.xlarge", count=2, licenses=[soft])
    rows = {row.name: row for row in sim.license_manager.views.dashboard(ACCOUNT_A, REGION)}
    row = rows["dash-hard"]
    assert (row.license_type, row.license_count, row.consumed, row.remaining, row.rules_enforced) == (
        "Instance", 10, 4, 6, True)
    assert (row.hosts_default, row.hosts_dedicated, row.hosts_host) == (2, 1, 1)
    row = rows["dash-soft"]
    assert (row.consumed, row.remaining, row.rules_enforced, row.hosts_default) == (8, -4, False, 2)
    assert row.consumed == consumed(lm, soft)
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=shared[:1])
    sim.advance("2m")
    row = {r.name: r for r in sim.license_manager.views.dashboard(ACCOUNT_A, REGION)}["dash-hard"]
    assert (row.consumed, row.remaining, row.hosts_default) == (3, 7, 1)


def test_changing_one_instance_of_a_batch_leaves_its_siblings_alone(sim, ec2, lm):
    """Guide "License rules in License Manager": tracking is per instance, also for instances
    launched together."""
    shared, extra = config(lm, name="shared"), config(lm, name="extra")
    first, second = run(ec2, count=2, licenses=[shared])
    associate(lm, instance_arn(ACCOUNT_A, first), extra)
    assert licenses(ec2, first) == [shared, extra] and licenses(ec2, second) == [shared]
    lm.update_license_specifications_for_resource(
        ResourceArn=instance_arn(ACCOUNT_A, second),
        RemoveLicenseSpecifications=[{"LicenseConfigurationArn": shared}])
    assert licenses(ec2, first) == [shared, extra] and licenses(ec2, second) == []
    assert (consumed(lm, shared), consumed(lm, extra)) == (1, 1)


def test_dashboard_alerts_and_hosts_for_every_counting_type(sim, ec2, lm):
    """Guide "Dashboard": alerts from rule violations and limits, and the hosts per tenancy for
    every counting type, vCPU and Instance too."""
    arn = config(lm, "vCPU", count=8, hard=False, rules=["#maximumVcpus=16"], name="dash-vcpu")
    allocate(ec2)
    run(ec2, "m5.2xlarge", count=2, licenses=[arn], Placement=HOST)
    with pytest.raises(ClientError):
        run(ec2, "m5.8xlarge", licenses=[arn])
    row = {r.name: r for r in sim.license_manager.views.dashboard(ACCOUNT_A, REGION)}["dash-vcpu"]
    assert (row.hosts_host, row.dedicated_hosts) == (2, 1)
    assert row.alerts == 2  # the soft-limit alert and the blocked maximumVcpus launch
    assert row.last_alert.startswith("rule:maximumVcpus blocked")


# -- 14. MinCount and MaxCount under a hard limit -------------------------------------------------


def test_launch_is_cut_down_to_what_the_hard_limit_allows(sim, ec2, lm):
    """RunInstances launches as many instances as fit between MinCount and MaxCount: a hard
    limit with room for 2 of MaxCount 3 and MinCount 1 launches 2; fewer than MinCount is refused."""
    arn = config(lm, "Instance", count=2)
    launched = run(ec2, count=3, minimum=1, licenses=[arn])
    assert len(launched) == 2 and consumed(lm, arn) == 2
    assert kinds(sim, arn) == []
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseCount=4)
    refused("LicenseUsageException", lambda: run(ec2, count=5, minimum=3, licenses=[arn]), [ec2], lm, [arn])
    assert len(run(ec2, count=5, minimum=2, licenses=[arn])) == 2
    assert consumed(lm, arn) == 4
