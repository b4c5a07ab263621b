"""EC2 instances through a genuine boto3 client: launch, lifecycle, describe, authorizers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from simulator.core.errors import ServiceError
from simulator.world.events import InstancesLaunched, InstancesStateChanged
from tests.helpers import (
    ACCOUNT_A,
    LINUX,
    LINUX_ARM,
    WINDOWS,
    error_code,
    launch,
    public_ami,
    states,
)


def _run(ec2, pattern=LINUX, count=1, **kwargs):
    return launch(ec2, kwargs.pop("InstanceType", "m5.large"), count, pattern=pattern, **kwargs)


def _count(ec2) -> int:
    return sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"])


def test_run_instances_returns_pending_reservation_with_billing_and_cpu_fields(ec2):
    """A launch answers with pending instances carrying the AMI's billing code and CPU options."""
    reservation = ec2.run_instances(
        ImageId=public_ami(ec2, WINDOWS), InstanceType="m5.xlarge", MinCount=2, MaxCount=2,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "web"}]}],
    )
    assert reservation["OwnerId"] == ACCOUNT_A and reservation["ReservationId"].startswith("r-")
    first, second = reservation["Instances"]
    assert first["State"] == {"Code": 0, "Name": "pending"}
    assert (first["AmiLaunchIndex"], second["AmiLaunchIndex"]) == (0, 1)
    assert first["PlatformDetails"] == "Windows" and first["UsageOperation"] == "RunInstances:0002"
    assert first["Platform"] == "windows"
    assert first["CpuOptions"] == {"CoreCount": 2, "ThreadsPerCore": 2}
    assert first["Placement"]["Tenancy"] == "default"
    assert first["Tags"] == [{"Key": "team", "Value": "web"}]
    assert first["LaunchTime"] == first["UsageOperationUpdateTime"]


def test_instances_become_running_after_simulated_time(sim, ec2):
    """pending lasts 30 simulated seconds, then the instance is running."""
    (instance_id,) = _run(ec2)
    sim.advance("29s")
    assert states(ec2, instance_id) == ["pending"]
    sim.advance("2s")
    assert states(ec2, instance_id) == ["running"]


def test_cpu_options_are_honoured_and_validated(ec2):
    """CoreCount/ThreadsPerCore must be among the type's valid values."""
    (instance_id,) = _run(ec2, InstanceType="m5.4xlarge", CpuOptions={"CoreCount": 4, "ThreadsPerCore": 1})
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["CpuOptions"] == {"CoreCount": 4, "ThreadsPerCore": 1}
    with pytest.raises(ClientError) as excinfo:
        _run(ec2, InstanceType="m5.4xlarge", CpuOptions={"CoreCount": 5})
    assert error_code(excinfo) == "InvalidParameterValue"
    assert "valid values: 2, 4, 6, 8" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as excinfo:
        _run(ec2, InstanceType="m5.metal", CpuOptions={"CoreCount": 2})
    assert error_code(excinfo) == "InvalidParameterValue"
    assert _count(ec2) == 1


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"InstanceType": "m5.huge"}, "InvalidParameterValue"),
        ({"InstanceType": "m6g.large"}, "InvalidParameterValue"),  # arm64 type, x86_64 AMI
        ({"Placement": {"Tenancy": "shared"}}, "InvalidParameterValue"),
        ({"Placement": {"AvailabilityZone": "us-east-1z"}}, "InvalidParameterValue"),
        ({"Placement": {"GroupName": "cluster-1"}}, "InvalidPlacementGroup.Unknown"),
        ({"Placement": {"Tenancy": "dedicated", "Affinity": "host"}}, "InvalidParameterCombination"),
        ({"Placement": {"Tenancy": "host", "HostId": "h-123"}}, "InvalidHostID.Malformed"),
        ({"Placement": {"Tenancy": "host"}}, "InsufficientHostCapacity"),
    ],
)
def test_run_instances_bad_input_launches_nothing(ec2, kwargs, code):
    """Bad launch parameters get EC2's error code and nothing launches."""
    with pytest.raises(ClientError) as excinfo:
        _run(ec2, **kwargs)
    assert error_code(excinfo) == code
    assert _count(ec2) == 0


def test_run_instances_image_and_count_errors(ec2):
    """Malformed or unknown AMIs, and MaxCount below MinCount, are refused."""
    image_id = public_ami(ec2, LINUX)
    cases = [
        (dict(ImageId="ami-xyz", InstanceType="m5.large", MinCount=1, MaxCount=1), "InvalidAMIID.Malformed"),
        (dict(ImageId="ami-0123456789abcdef0", InstanceType="m5.large", MinCount=1, MaxCount=1), "InvalidAMIID.NotFound"),
        (dict(ImageId=image_id, InstanceType="m5.large", MinCount=3, MaxCount=2), "InvalidParameterValue"),
    ]
    for kwargs, code in cases:
        with pytest.raises(ClientError) as excinfo:
            ec2.run_instances(**kwargs)
        assert error_code(excinfo) == code, kwargs
    assert _count(ec2) == 0


def test_graviton_types_launch_arm64_images(ec2):
    """An arm64 AMI launches on a Graviton type, with one thread per core."""
    (instance_id,) = _run(ec2, pattern=LINUX_ARM, InstanceType="m7g.xlarge")
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["Architecture"] == "arm64"
    assert instance["CpuOptions"] == {"CoreCount": 4, "ThreadsPerCore": 1}


def test_stop_start_terminate_walk_the_state_machine(sim, ec2):
    """running -> stopping -> stopped -> pending -> running -> shutting-down -> terminated."""
    (instance_id,) = _run(ec2)
    sim.advance("1m")
    stop = ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"][0]
    assert (stop["PreviousState"]["Name"], stop["CurrentState"]["Name"]) == ("running", "stopping")
    sim.advance("2m")
    assert states(ec2, instance_id) == ["stopped"]
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["StateReason"]["Code"] == "Client.UserInitiatedShutdown"
    assert instance["StateTransitionReason"].startswith("User initiated (2026-01-01 00:01:00")
    start = ec2.start_instances(InstanceIds=[instance_id])["StartingInstances"][0]
    assert (start["PreviousState"]["Name"], start["CurrentState"]["Name"]) == ("stopped", "pending")
    sim.advance("1m")
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["State"]["Name"] == "running"
    assert instance["LaunchTime"].isoformat() == "2026-01-01T00:03:00+00:00"
    term = ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"][0]
    assert (term["PreviousState"]["Name"], term["CurrentState"]["Name"]) == ("running", "shutting-down")
    sim.advance("1m")
    assert states(ec2, instance_id) == ["terminated"]


def test_lifecycle_calls_are_idempotent_where_ec2_is(sim, ec2):
    """Starting a running instance, stopping a stopped one, terminating a terminated one: no change."""
    (instance_id,) = _run(ec2)
    sim.advance("1m")
    change = ec2.start_instances(InstanceIds=[instance_id])["StartingInstances"][0]
    assert change["PreviousState"] == change["CurrentState"] == {"Code": 16, "Name": "running"}
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    change = ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"][0]
    assert change["CurrentState"]["Name"] == "stopped"
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    change = ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"][0]
    assert change["PreviousState"]["Name"] == change["CurrentState"]["Name"] == "terminated"


def test_incorrect_state_refuses_the_whole_call(sim, ec2):
    """One instance in a wrong state fails the call and changes none of the others."""
    running = _run(ec2)[0]
    sim.advance("1m")
    pending = _run(ec2)[0]
    with pytest.raises(ClientError) as excinfo:
        ec2.stop_instances(InstanceIds=[running, pending])
    assert error_code(excinfo) == "IncorrectInstanceState"
    assert states(ec2, running, pending) == ["running", "pending"]
    ec2.terminate_instances(InstanceIds=[pending])
    with pytest.raises(ClientError) as excinfo:
        ec2.start_instances(InstanceIds=[pending])
    assert error_code(excinfo) == "IncorrectInstanceState"


def test_unknown_and_malformed_ids_change_nothing(sim, ec2, ec2_b):
    """Unknown ids (including another account's) are NotFound; malformed ids are Malformed."""
    (instance_id,) = _run(ec2)
    sim.advance("1m")
    for call in (ec2_b.stop_instances, ec2_b.start_instances, ec2_b.terminate_instances):
        with pytest.raises(ClientError) as excinfo:
            call(InstanceIds=[instance_id])
        assert error_code(excinfo) == "InvalidInstanceID.NotFound"
    with pytest.raises(ClientError) as excinfo:
        ec2.terminate_instances(InstanceIds=[instance_id, "i-0000000000000000f"])
    assert error_code(excinfo) == "InvalidInstanceID.NotFound"
    assert "i-0000000000000000f" in excinfo.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(InstanceIds=["instance-1"])
    assert error_code(excinfo) == "InvalidInstanceID.Malformed"
    assert states(ec2, instance_id) == ["running"]


def test_terminated_instances_stay_visible_for_an_hour(sim, ec2):
    """A terminated instance is described for an hour, then it is gone."""
    (instance_id,) = _run(ec2)
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("50m")
    assert states(ec2, instance_id) == ["terminated"]
    sim.advance("15m")
    assert _count(ec2) == 0
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(InstanceIds=[instance_id])
    assert error_code(excinfo) == "InvalidInstanceID.NotFound"


def test_describe_instances_filters_and_pagination(sim, ec2, ec2_b):
    """EC2 filters select instances; pages of MaxResults add up to the whole list."""
    web = _run(ec2, count=3, TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}])
    db = _run(ec2, pattern=WINDOWS, count=2, InstanceType="r5.large")
    _run(ec2_b, count=4)
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=web[:1])

    def ids(**kwargs):
        return sorted(i["InstanceId"] for r in ec2.describe_instances(**kwargs)["Reservations"] for i in r["Instances"])

    assert ids(Filters=[{"Name": "tag:role", "Values": ["web"]}]) == sorted(web)
    assert ids(Filters=[{"Name": "instance-type", "Values": ["r5.*"]}]) == sorted(db)
    assert ids(Filters=[{"Name": "platform-details", "Values": ["Windows"]}]) == sorted(db)
    assert ids(Filters=[{"Name": "instance-state-name", "Values": ["stopping"]}]) == web[:1]
    assert ids(Filters=[{"Name": "usage-operation", "Values": ["RunInstances"]},
                        {"Name": "instance-state-name", "Values": ["running"]}]) == sorted(web[1:])
    assert len(ids()) == 5
    pages = list(ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
    assert sum(len(r["Instances"]) for p in pages for r in p["Reservations"]) == 5
    first = ec2.describe_instances(MaxResults=5)
    assert "NextToken" not in first
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(Filters=[{"Name": "colour", "Values": ["blue"]}])
    assert error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(MaxResults=2)
    assert error_code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(NextToken="bogus")
    assert error_code(excinfo) == "InvalidParameterValue"


def test_paging_over_more_instances_than_a_page(ec2):
    """Twelve instances come back over three pages of five."""
    launched = _run(ec2, count=12)
    pages = list(ec2.get_paginator("describe_instances").paginate(PaginationConfig={"PageSize": 5}))
    seen = [i["InstanceId"] for p in pages for r in p["Reservations"] for i in r["Instances"]]
    assert len(pages) == 3 and seen == launched


def test_dedicated_tenancy_and_placement_conversion(sim, ec2):
    """Dedicated Instances launch with tenancy dedicated and can go back to shared when stopped."""
    (instance_id,) = _run(ec2, Placement={"Tenancy": "dedicated"})
    sim.advance("1m")
    with pytest.raises(ClientError) as excinfo:
        ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="default")
    assert error_code(excinfo) == "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="default")["Return"] is True
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["Placement"]["Tenancy"] == "default"
    with pytest.raises(ClientError) as excinfo:
        ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="shared")
    assert error_code(excinfo) == "InvalidParameterValue"
    events = sim.timelines.events
    assert "InstancePlacementChange" in set(events.event_name)


def test_license_specifications_show_as_licenses(sim, ec2):
    """LicenseSpecifications given at launch are the instance's Licenses."""
    lm = sim.client("license-manager", ACCOUNT_A)
    arn = lm.create_license_configuration(Name="apps", LicenseCountingType="vCPU")["LicenseConfigurationArn"]
    (instance_id,) = _run(ec2, LicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["Licenses"] == [{"LicenseConfigurationArn": arn}]


class _Refuse:
    def __init__(self):
        self.requests = []

    def authorize_launch(self, request):
        self.requests.append(request)
        if request.operation == "StartInstances" or len(request.candidates) > 2:
            raise ServiceError("LicenseUsageException", "refused by the test authorizer")
        return len(request.candidates)


def test_launch_authorizers_see_placed_requests_and_can_refuse(sim, ec2):
    """Authorizers are asked before launches and starts; a refusal launches or starts nothing."""
    authorizer = _Refuse()
    sim.world.add_launch_authorizer(authorizer)
    launched = _run(ec2, count=2, InstanceType="m5.2xlarge")
    request = authorizer.requests[-1]
    assert request.operation == "RunInstances" and request.account_id == ACCOUNT_A
    assert [c.vcpus for c in request.candidates] == [8, 8]
    with pytest.raises(ClientError) as excinfo:
        _run(ec2, count=3)
    assert error_code(excinfo) == "LicenseUsageException"
    assert _count(ec2) == 2
    sim.advance("1m")
    ec2.stop_instances(InstanceIds=launched)
    sim.advance("2m")
    with pytest.raises(ClientError) as excinfo:
        ec2.start_instances(InstanceIds=launched)
    assert error_code(excinfo) == "LicenseUsageException"
    assert states(ec2, *launched) == ["stopped", "stopped"]
    assert authorizer.requests[-1].candidates[0].instance.instance_id == launched[0]


def test_state_changes_are_published_and_recorded(sim, ec2):
    """Each state change is a domain event at its instant and a row of the events timeline."""
    seen = []
    sim.bus.subscribe(InstancesLaunched, lambda e: seen.extend((sim.env.now, None, "pending") for _ in e.instances))
    sim.bus.subscribe(InstancesStateChanged,
                      lambda e: seen.extend((sim.env.now, p, e.current) for p in e.previous))
    (instance_id,) = _run(ec2)
    sim.advance("1m")
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("1m")
    assert seen == [(0, None, "pending"), (30, "pending", "running"),
                    (60, "running", "shutting-down"), (90, "shutting-down", "terminated")]
    rows = sim.timelines.events
    changes = rows[(rows.event_name == "InstanceStateChange") & (rows.resource_id == instance_id)]
    assert list(changes.detail) == ["none->pending", "pending->running", "running->shutting-down",
                                    "shutting-down->terminated"]
    assert list(changes.source.unique()) == ["world"]
