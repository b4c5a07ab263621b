"""RunInstances parameters through a genuine boto3 client: every member of the request is
modelled or refused by name, the InstanceType default, ClientToken idempotency, block
devices and volumes, instance settings and attributes, status checks, reboots, the
documented DescribeInstances and DescribeInstanceTypes filters, and empty id lists."""

from __future__ import annotations

import re

import botocore.session
import pytest
from botocore.exceptions import ClientError

from simulator.aws.ec2.launch_data import DEFAULTS, MODELLED
from simulator.world.ec2.instance_filters import INSTANCE_FILTERS, REFUSED
from simulator.world.ec2.instance_types import INSTANCE_TYPE_FILTERS
from tests.helpers import LINUX, WINDOWS, assert_refused, error_code, launch, public_ami

MODEL = botocore.session.get_session().get_service_model("ec2")


def _instance(ec2, instance_id: str) -> dict:
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def _count(ec2) -> int:
    return sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"])


def _value(shape, default):
    kind = shape.type_name
    if kind == "structure":
        name, member = next(iter(shape.members.items()))
        return {name: _value(member, default.get(name) if isinstance(default, dict) else None)}
    if kind == "list":
        return [_value(shape.member, None)]
    if kind == "boolean":
        return not default if isinstance(default, bool) else True
    if kind in ("integer", "long"):
        return 7
    if getattr(shape, "enum", None):
        return next(v for v in shape.enum if v != default)
    return "simulated-value"


def test_every_run_instances_member_is_modelled_or_refused_by_name(sim, ec2):
    """Each member of RunInstances outside the modelled ones, given a value other than EC2's
    default, is refused with Unsupported naming it; nothing launches. A member botocore adds
    later is refused the same way until it is modelled."""
    shape = MODEL.operation_model("RunInstances").input_shape
    image = public_ami(ec2, LINUX)
    unmodelled = [name for name in shape.members if name not in MODELLED]
    assert "KernelId" in unmodelled and "InstanceMarketOptions" in unmodelled
    for name in unmodelled:
        value = _value(shape.members[name], DEFAULTS.get(name))
        with pytest.raises(ClientError) as excinfo:
            ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1, **{name: value})
        assert error_code(excinfo) == "Unsupported", name
        assert name in excinfo.value.response["Error"]["Message"]
    assert _count(ec2) == 0
    quiet = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              DisableApiTermination=False, InstanceInitiatedShutdownBehavior="stop",
                              EnclaveOptions={"Enabled": False})  # the defaults change nothing: accepted
    assert quiet["Instances"][0]["State"]["Name"] == "pending"


def test_instance_type_defaults_to_m1_small(ec2):
    """EC2 API reference, RunInstances InstanceType: "Default: m1.small"."""
    (instance,) = ec2.run_instances(ImageId=public_ami(ec2, LINUX), MinCount=1, MaxCount=1)["Instances"]
    assert instance["InstanceType"] == "m1.small" and instance["CpuOptions"] == {"CoreCount": 1, "ThreadsPerCore": 1}


def test_client_token_makes_run_instances_idempotent(sim, ec2):
    """The same ClientToken with the same request answers with the first reservation and
    launches nothing more; with another request it is IdempotentParameterMismatch."""
    image = public_ami(ec2, LINUX)
    first = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2, ClientToken="deploy-42")
    sim.advance("1m")
    again = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2, ClientToken="deploy-42")
    assert again["ReservationId"] == first["ReservationId"]
    assert [i["InstanceId"] for i in again["Instances"]] == [i["InstanceId"] for i in first["Instances"]]
    assert again["Instances"][0]["State"]["Name"] == "running" and _count(ec2) == 2
    assert first["Instances"][0]["ClientToken"] == "deploy-42"
    assert_refused(sim, "IdempotentParameterMismatch", lambda: ec2.run_instances(
        ImageId=image, InstanceType="t3.large", MinCount=2, MaxCount=2, ClientToken="deploy-42"), lambda: _count(ec2))
    ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=2, MaxCount=2, ClientToken="deploy-43")
    assert _count(ec2) == 4
    tokens = ec2.describe_instances(Filters=[{"Name": "client-token", "Values": ["deploy-43"]}])["Reservations"]
    assert len(tokens[0]["Instances"]) == 2


def test_settings_of_a_launch_show_on_the_instance(sim, ec2):
    """BlockDeviceMappings (the root volume resized, a data volume added, each a volume id),
    EbsOptimized, Monitoring, MetadataOptions, HibernationOptions and IamInstanceProfile show
    on the instance; DescribeVolumes lists its volumes."""
    (instance_id,) = launch(
        ec2, "m5.large", pattern=WINDOWS, EbsOptimized=True, Monitoring={"Enabled": True},
        MetadataOptions={"HttpTokens": "required", "HttpPutResponseHopLimit": 2},
        HibernationOptions={"Configured": True},
        IamInstanceProfile={"Name": "web-role"},
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 60, "Encrypted": True}},
                             {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 100, "VolumeType": "gp3",
                                                               "DeleteOnTermination": False}}],
    )
    instance = _instance(ec2, instance_id)
    assert instance["EbsOptimized"] and instance["Monitoring"] == {"State": "enabled"}
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert instance["MetadataOptions"]["HttpPutResponseHopLimit"] == 2
    assert instance["HibernationOptions"] == {"Configured": True} and instance["RootDeviceName"] == "/dev/sda1"
    assert instance["IamInstanceProfile"]["Arn"].endswith(":instance-profile/web-role")
    devices = {m["DeviceName"]: m["Ebs"]["VolumeId"] for m in instance["BlockDeviceMappings"]}
    assert set(devices) == {"/dev/sda1", "/dev/sdf"}
    volumes = {v["VolumeId"]: v for v in ec2.describe_volumes(VolumeIds=list(devices.values()))["Volumes"]}
    assert volumes[devices["/dev/sda1"]]["Size"] == 60 and volumes[devices["/dev/sda1"]]["Encrypted"]
    assert volumes[devices["/dev/sdf"]]["VolumeType"] == "gp3" and volumes[devices["/dev/sdf"]]["Iops"] == 3000
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    left = ec2.describe_volumes()["Volumes"]
    assert [(v["VolumeId"], v["State"]) for v in left] == [(devices["/dev/sdf"], "available")]
    count = lambda: _count(ec2)  # noqa: E731
    assert_refused(sim, "InvalidParameterCombination", lambda: launch(
        ec2, HibernationOptions={"Configured": True}), count)  # the root volume is not encrypted
    assert_refused(sim, "InvalidParameterValue", lambda: launch(ec2, BlockDeviceMappings=[
        {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 4}}]), count)  # smaller than the AMI's 8 GiB
    assert_refused(sim, "MissingParameter", lambda: launch(ec2, BlockDeviceMappings=[
        {"DeviceName": "/dev/sdg", "Ebs": {"VolumeType": "gp3"}}]), count)
    assert_refused(sim, "Unsupported", lambda: launch(ec2, BlockDeviceMappings=[
        {"DeviceName": "/dev/sdg", "Ebs": {"SnapshotId": "snap-0123456789abcdef0", "VolumeSize": 8}}]), count)
    assert_refused(sim, "InvalidParameterValue", lambda: launch(ec2, MetadataOptions={"HttpTokens": "maybe"}), count)


def test_user_data_and_instance_attributes(sim, ec2):
    """UserData is kept and read back (base64) with DescribeInstanceAttribute; user data, EBS
    optimization and the instance type change only while the instance is stopped."""
    (instance_id,) = launch(ec2, UserData="#!/bin/bash\necho hello\n")
    read = lambda attribute: ec2.describe_instance_attribute(InstanceId=instance_id, Attribute=attribute)  # noqa: E731
    assert read("userData")["UserData"]["Value"] == "IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo="
    assert read("instanceType")["InstanceType"] == {"Value": "m5.large"}
    assert read("disableApiTermination")["DisableApiTermination"] == {"Value": False}
    assert len(read("blockDeviceMapping")["BlockDeviceMappings"]) == 1
    sim.advance("1m")
    before = lambda: read("userData")["UserData"]  # noqa: E731
    assert_refused(sim, "IncorrectInstanceState", lambda: ec2.modify_instance_attribute(
        InstanceId=instance_id, UserData={"Value": b"new"}), before)
    assert_refused(sim, "Unsupported", lambda: ec2.modify_instance_attribute(
        InstanceId=instance_id, DisableApiTermination={"Value": True}), before)
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    ec2.modify_instance_attribute(InstanceId=instance_id, UserData={"Value": b"echo again"})
    ec2.modify_instance_attribute(InstanceId=instance_id, Attribute="ebsOptimized", Value="true")
    assert read("userData")["UserData"]["Value"] == "ZWNobyBhZ2Fpbg=="
    assert read("ebsOptimized")["EbsOptimized"] == {"Value": True}


def test_status_checks_reboots_and_empty_id_lists(sim, ec2):
    """DescribeInstanceStatus reports running instances (initializing, then ok; others with
    IncludeAllInstances); RebootInstances keeps an instance running and records a reboot;
    Start/Stop/Terminate with no ids get EC2's InvalidParameterCombination."""
    running, stopped = launch(ec2, count=2)
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[stopped])
    statuses = ec2.describe_instance_status()["InstanceStatuses"]
    assert [(s["InstanceId"], s["InstanceStatus"]["Status"]) for s in statuses] == [(running, "initializing")]
    sim.advance("10m")
    every = {s["InstanceId"]: s for s in ec2.describe_instance_status(IncludeAllInstances=True)["InstanceStatuses"]}
    assert every[running]["SystemStatus"]["Status"] == "ok" and every[stopped]["InstanceStatus"]["Status"] == \
        "not-applicable"
    ec2.reboot_instances(InstanceIds=[running])
    assert _instance(ec2, running)["State"]["Name"] == "running"
    events = sim.timelines.events
    assert list(events[events.event_name == "InstanceReboot"].resource_id) == [running]
    with pytest.raises(ClientError) as excinfo:
        ec2.reboot_instances(InstanceIds=[stopped])
    assert error_code(excinfo) == "IncorrectInstanceState"
    for call in (ec2.start_instances, ec2.stop_instances, ec2.terminate_instances):
        with pytest.raises(ClientError) as excinfo:
            call(InstanceIds=[])
        assert error_code(excinfo) == "InvalidParameterCombination"
        assert excinfo.value.response["Error"]["Message"] == "No instances specified"


def test_every_documented_describe_instances_filter_is_honoured_or_refused_by_name(sim, ec2):
    """Each filter the DescribeInstances documentation lists either filters (those about
    features no simulated instance has match nothing) or is refused with Unsupported naming
    it; an undocumented name is InvalidParameterValue."""
    documentation = MODEL.operation_model("DescribeInstances").input_shape.members["Filters"].documentation
    documented = set(re.findall(r"<code>([a-z0-9.\-]+)</code>\s*-", documentation)) - {"tag-key"}
    (instance_id,) = launch(ec2)
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[instance_id])
    for name in sorted(documented):
        refused = name not in INSTANCE_FILTERS and any(name == p or (p.endswith(".") and name.startswith(p))
                                                       for p, _ in REFUSED)
        try:
            ec2.describe_instances(Filters=[{"Name": name, "Values": ["*"]}])
        except ClientError as error:
            assert refused and error.response["Error"]["Code"] == "Unsupported", name
            assert name in error.response["Error"]["Message"]
        else:
            assert not refused and (name in INSTANCE_FILTERS or name == "block-device-mapping.volume-id"), name
    by = lambda name, value: [i["InstanceId"] for r in ec2.describe_instances(  # noqa: E731
        Filters=[{"Name": name, "Values": [value]}])["Reservations"] for i in r["Instances"]]
    assert by("state-reason-code", "Client.UserInitiatedShutdown") == [instance_id]
    assert by("private-ip-address", "172.31.0.4") == [instance_id]
    assert by("instance.group-name", "default") == [instance_id]
    assert by("spot-instance-request-id", "*") == []
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(Filters=[{"Name": "colour", "Values": ["red"]}])
    assert error_code(excinfo) == "InvalidParameterValue"


def test_every_documented_describe_instance_types_filter_is_honoured_or_refused_by_name(ec2):
    """Each filter the DescribeInstanceTypes documentation lists either filters the catalog
    or, for a property the catalog does not hold, is refused with Unsupported naming it;
    burstable T types and valid threads per core answer as shown in the response."""
    documentation = MODEL.operation_model("DescribeInstanceTypes").input_shape.members["Filters"].documentation
    documented = set(re.findall(r"<code>([a-z0-9.\-]+)</code>\s*-", documentation))
    assert {"burstable-performance-supported", "vcpu-info.valid-threads-per-core"} <= documented
    for name in sorted(documented):
        try:
            ec2.describe_instance_types(Filters=[{"Name": name, "Values": ["*"]}])
        except ClientError as error:
            assert name not in INSTANCE_TYPE_FILTERS and error.response["Error"]["Code"] == "Unsupported", name
            assert name in error.response["Error"]["Message"]
        else:
            assert name in INSTANCE_TYPE_FILTERS, name

    def names(*filters) -> set[str]:
        pages = ec2.get_paginator("describe_instance_types").paginate(
            Filters=[{"Name": n, "Values": v} for n, v in filters])
        return {t["InstanceType"] for page in pages for t in page["InstanceTypes"]}

    burstable = names(("burstable-performance-supported", ["true"]))
    assert "t3.micro" in burstable and "m5.large" not in burstable and all(n.startswith("t") for n in burstable)
    shown = ec2.describe_instance_types(InstanceTypes=["t3.micro"])["InstanceTypes"][0]
    assert shown["BurstablePerformanceSupported"] is True
    single = names(("vcpu-info.valid-threads-per-core", ["1"]), ("instance-type", ["m5.*"]))
    assert "m5.large" in single  # m5 takes ThreadsPerCore 1 or 2
    two_only = names(("vcpu-info.valid-threads-per-core", ["2"]), ("instance-type", ["t3.*"]))
    assert "t3.micro" in two_only and not names(("vcpu-info.valid-threads-per-core", ["3"]))
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instance_types(Filters=[{"Name": "colour", "Values": ["red"]}])
    assert error_code(excinfo) == "InvalidParameterValue"
