"""Resizing instances (ModifyInstanceAttribute InstanceType) under License Manager: the
user guide's "License rules" and enforcement at launch apply to the start after a resize,
which counts the new vCPUs; the license_types and compliance timelines show the change."""

from __future__ import annotations

from tests.helpers import WINDOWS, allocate, assert_refused, create_configuration, launch, states


def _stopped(sim, ec2, instance_type="m5.large", **params) -> str:
    (instance_id,) = launch(ec2, instance_type, pattern=WINDOWS, **params)
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    return instance_id


def test_a_resize_counts_the_new_vcpus_from_the_next_start(sim, ec2, lm):
    """A stopped instance resized from 2 to 8 vCPUs counts 8 vCPUs when it starts again; the
    hard limit refuses that start when 8 do not fit, exactly as it refuses a launch."""
    arn = create_configuration(lm, "vCPU", count=8, hard=True)
    instance_id = _stopped(sim, ec2, licenses=[arn])
    ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.2xlarge"})
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["InstanceType"] == "m5.2xlarge" and instance["CpuOptions"] == {"CoreCount": 4,
                                                                                   "ThreadsPerCore": 2}
    ec2.start_instances(InstanceIds=[instance_id])
    compliance = sim.timelines.compliance
    assert list(compliance.consumed) == [0, 2, 0, 8]
    types = sim.timelines.license_types
    assert list(types[types.instance_id == instance_id].vcpus) == [2, 8]
    events = sim.timelines.events
    assert events[events.event_name == "InstanceTypeChange"].detail.iloc[0] == "m5.large->m5.2xlarge vcpus=8"
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.4xlarge"})
    assert_refused(sim, "LicenseUsageException", lambda: ec2.start_instances(InstanceIds=[instance_id]),
                   lambda: states(ec2, instance_id))
    violations = sim.timelines.violations
    assert list(violations.kind) == ["hard_limit"] and list(violations.operation) == ["StartInstances"]


def test_resizing_needs_a_stopped_instance_and_a_type_its_host_runs(sim, ec2):
    """Only a stopped instance is resized; the type must fit the AMI's architecture and, under
    host affinity, the Dedicated Host it is pinned to."""
    (running,) = launch(ec2, pattern=WINDOWS)
    sim.advance("1m")
    view = lambda i: ec2.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0][  # noqa: E731
        "InstanceType"]
    assert_refused(sim, "IncorrectInstanceState", lambda: ec2.modify_instance_attribute(
        InstanceId=running, InstanceType={"Value": "m5.xlarge"}), lambda: view(running))
    host = allocate(ec2, InstanceType="m5.large")[0]
    pinned = _stopped(sim, ec2, Placement={"Tenancy": "host", "HostId": host, "Affinity": "host"})
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.modify_instance_attribute(
        InstanceId=pinned, InstanceType={"Value": "m5.xlarge"}), lambda: view(pinned))
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.modify_instance_attribute(
        InstanceId=pinned, InstanceType={"Value": "m6g.large"}), lambda: view(pinned))
    assert_refused(sim, "InvalidParameterCombination", lambda: ec2.modify_instance_attribute(
        InstanceId=pinned, InstanceType={"Value": "m5.large"}, EbsOptimized={"Value": True}), lambda: view(pinned))
