"""Dedicated Hosts through boto3: AllocateHosts, DescribeHosts, ReleaseHosts, placement of
instances on hosts (RunInstances, StartInstances, ModifyInstancePlacement) and the billing
code limits of Dedicated Hosts (AWS License Manager User Guide, section "Tenancy conversion limits",
/work/shared/spec/license-manager-user-guide.txt; LI = license included)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from botocore.exceptions import ClientError

from tests.helpers import (
    AZ,
    LINUX,
    SQL_STANDARD,
    WINDOWS,
    allocate,
    assert_refused,
    error_code,
    launch,
    states,
)

HOST = {"Tenancy": "host"}


def catalog_row(family: str) -> dict[str, str]:
    """The dedicated_hosts.csv row of ``family``."""
    text = resources.files("simulator.world").joinpath("data", "dedicated_hosts.csv").read_text()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return next(row for row in csv.DictReader(lines) if row["family"] == family)


def refused(sim, ec2, code: str, call) -> None:
    """``call()`` fails with ``code`` and changes nothing: no world event, same hosts and instances."""
    assert_refused(sim, code, call, lambda: ec2.describe_hosts()["Hosts"], lambda: ec2.describe_instances()["Reservations"])


def host(ec2, host_id: str) -> dict:
    """One host as DescribeHosts shows it."""
    return ec2.describe_hosts(HostIds=[host_id])["Hosts"][0]


def available(ec2, host_id: str) -> dict[str, tuple[int, int]]:
    """Instance type -> (AvailableCapacity, TotalCapacity) of a host."""
    caps = host(ec2, host_id)["AvailableCapacity"]["AvailableInstanceCapacity"]
    return {c["InstanceType"]: (c["AvailableCapacity"], c["TotalCapacity"]) for c in caps}


def run(ec2, instance_type: str = "m5.large", count: int = 1, pattern: str = LINUX, minimum: int | None = None,
        **placement) -> list[str]:
    """Launch ``count`` instances (at least ``minimum``) with Tenancy host unless ``placement`` says otherwise."""
    return launch(ec2, instance_type, count, pattern=pattern, minimum=minimum, Placement={**HOST, **placement})


def placement(ec2, instance_id: str) -> dict:
    """The Placement of an instance."""
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["Placement"]


def stopped(sim, ec2, *instance_ids: str) -> None:
    """Let instances launch, then stop them and wait until they are stopped."""
    sim.advance("2m")
    ec2.stop_instances(InstanceIds=list(instance_ids))
    sim.advance("2m")
    assert states(ec2, *instance_ids) == ["stopped"] * len(instance_ids)


# -- AllocateHosts ----------------------------------------------------------------------------


def test_allocate_instance_type_host(sim, ec2):
    """A host for one instance type runs only that type, auto-placement off by default."""
    (host_id,) = ec2.allocate_hosts(AvailabilityZone=AZ, InstanceType="m5.large")["HostIds"]
    described = host(ec2, host_id)
    assert host_id.startswith("h-") and described["State"] == "available"
    assert described["AutoPlacement"] == "off" and described["AllowsMultipleInstanceTypes"] == "off"
    assert described["HostProperties"]["InstanceType"] == "m5.large"
    assert described["AllocationTime"] == sim.now and described["OwnerId"] == "111111111111"
    assert available(ec2, host_id) == {"m5.large": (48, 48)}


def test_allocate_family_host(ec2):
    """A host for the m5 family takes every m5 size of the catalog, mixed."""
    (host_id,) = allocate(ec2, InstanceFamily="m5")
    described = host(ec2, host_id)
    assert described["AllowsMultipleInstanceTypes"] == "on"
    assert described["HostProperties"] == {"Cores": 48, "Sockets": 2, "TotalVCpus": 96, "InstanceFamily": "m5"}
    sizes = [s.split(":")[0] for s in catalog_row("m5")["capacity"].split()]
    assert sorted(available(ec2, host_id)) == sorted(f"m5.{size}" for size in sizes)


@pytest.mark.parametrize("kind", [{"InstanceFamily": "m5"}, {"InstanceFamily": "c5"}, {"InstanceFamily": "r7i"},
                                  {"InstanceType": "m4.large"}, {"InstanceType": "m6g.large"}])
def test_host_properties_match_catalog(ec2, kind):
    """HostProperties Cores, Sockets and TotalVCpus are those of the catalog row of the family."""
    (host_id,) = allocate(ec2, **kind)
    family = next(iter(kind.values())).split(".")[0]
    row, props = catalog_row(family), host(ec2, host_id)["HostProperties"]
    assert (props["Sockets"], props["Cores"], props["TotalVCpus"]) == (
        int(row["sockets"]), int(row["physical_cores"]), int(row["total_vcpus"]))


def test_allocate_tag_specifications(ec2):
    """Tags of resource type dedicated-host land on every allocated host."""
    host_ids = ec2.allocate_hosts(
        AvailabilityZone=AZ, InstanceType="m5.large", Quantity=2,
        TagSpecifications=[{"ResourceType": "dedicated-host", "Tags": [{"Key": "team", "Value": "db"}]}],
    )["HostIds"]
    assert all(host(ec2, h)["Tags"] == [{"Key": "team", "Value": "db"}] for h in host_ids)
    tagged = ec2.describe_hosts(Filter=[{"Name": "tag:team", "Values": ["db"]}])["Hosts"]
    assert [h["HostId"] for h in tagged] == host_ids


@pytest.mark.parametrize("params, code", [
    ({"InstanceType": "m5.large", "InstanceFamily": "m5"}, "InvalidParameterCombination"),
    ({}, "MissingParameter"),
    ({"InstanceType": "m5.huge"}, "InvalidParameterValue"),
    ({"InstanceType": "t2.micro"}, "InvalidParameterValue"),
    ({"InstanceFamily": "zz9"}, "InvalidParameterValue"),
    ({"InstanceFamily": "m4"}, "InvalidParameterValue"),
    ({"InstanceType": "m5.large", "AvailabilityZone": "us-east-1z"}, "InvalidParameterValue"),
    ({"InstanceType": "m5.large", "AvailabilityZone": "eu-west-1a"}, "InvalidParameterValue"),
    ({"InstanceType": "m5.large", "AutoPlacement": "maybe"}, "InvalidParameterValue"),
    ({"InstanceType": "m5.large", "Quantity": 0}, "InvalidParameterValue"),
    ({"InstanceType": "m5.large", "AvailabilityZone": None}, "MissingParameter"),
    ({"InstanceType": "m5.large", "TagSpecifications": [{"ResourceType": "instance", "Tags": []}]},
     "InvalidParameterValue"),
])
def test_allocate_errors(sim, ec2, params, code):
    """AllocateHosts refuses bad input with the exact code and allocates nothing."""
    params = {k: v for k, v in {"AvailabilityZone": AZ, **params}.items() if v is not None}
    refused(sim, ec2, code, lambda: ec2.allocate_hosts(**params))


# -- DescribeHosts ----------------------------------------------------------------------------


def test_capacity_follows_launch_and_stop(sim, ec2):
    """AvailableCapacity goes down as instances launch and back up once they are stopped."""
    (host_id,) = allocate(ec2)
    ids = run(ec2, count=3, HostId=host_id)
    assert available(ec2, host_id) == {"m5.large": (45, 48)}
    assert host(ec2, host_id)["Instances"] == [
        {"InstanceId": i, "InstanceType": "m5.large", "OwnerId": "111111111111"} for i in ids]
    sim.advance("2m")
    ec2.stop_instances(InstanceIds=[ids[0]])
    assert available(ec2, host_id) == {"m5.large": (45, 48)}
    sim.advance("2m")
    assert available(ec2, host_id) == {"m5.large": (46, 48)}
    assert [i["InstanceId"] for i in host(ec2, host_id)["Instances"]] == ids[1:]


def test_family_host_capacity_by_vcpus(ec2):
    """On a family host an m5.4xlarge takes 16 of 96 vCPUs; each size's capacity follows."""
    (host_id,) = allocate(ec2, InstanceFamily="m5")
    run(ec2, "m5.4xlarge", HostId=host_id)
    assert host(ec2, host_id)["AvailableCapacity"]["AvailableVCpus"] == 80
    caps = available(ec2, host_id)
    assert caps["m5.large"] == (40, 48) and caps["m5.12xlarge"] == (1, 2) and caps["m5.24xlarge"] == (0, 1)


def test_family_host_available_not_above_total(ec2):
    """A family host never offers more instances of a size than its TotalCapacity for it."""
    (host_id,) = allocate(ec2, "on", InstanceFamily="m5")
    assert all(free <= total for free, total in available(ec2, host_id).values())
    run(ec2, "m5.8xlarge", count=2)
    with pytest.raises(ClientError) as excinfo:
        run(ec2, "m5.8xlarge")
    assert error_code(excinfo) == "InsufficientHostCapacity"


def test_available_vcpus_never_negative(ec2):
    """A full m4.large host (catalog capacity 22) reports AvailableVCpus 0, not a negative number."""
    (host_id,) = allocate(ec2, InstanceType="m4.large")
    run(ec2, "m4.large", 22, HostId=host_id)
    assert available(ec2, host_id) == {"m4.large": (0, 22)}
    assert host(ec2, host_id)["AvailableCapacity"]["AvailableVCpus"] == 0


def test_describe_filters(ec2):
    """Filters state, instance-type, auto-placement and instance-family select hosts."""
    on, off, family = allocate(ec2, "on")[0], allocate(ec2, "off")[0], allocate(ec2, InstanceFamily="c5")[0]
    ec2.release_hosts(HostIds=[off])

    def ids(name, *values):
        return [h["HostId"] for h in ec2.describe_hosts(Filter=[{"Name": name, "Values": list(values)}])["Hosts"]]

    assert ids("state", "available") == [on, family] and ids("state", "released") == [off]
    assert ids("instance-type", "m5.large") == [on, off] and ids("instance-family", "c5") == [family]
    assert ids("auto-placement", "on") == [on] and ids("auto-placement", "off") == [off, family]


def test_describe_pagination(ec2):
    """Quantity 7 allocates seven distinct hosts; MaxResults 5 pages through them in allocation order."""
    host_ids = allocate(ec2, quantity=7)
    assert len(set(host_ids)) == 7
    first = ec2.describe_hosts(MaxResults=5)
    second = ec2.describe_hosts(MaxResults=5, NextToken=first["NextToken"])
    assert [h["HostId"] for h in first["Hosts"] + second["Hosts"]] == host_ids
    assert "NextToken" not in second


@pytest.mark.parametrize("params, code", [
    ({"HostIds": ["h-0123456789abcdef0"]}, "InvalidHostID.NotFound"),
    ({"HostIds": ["host-1"]}, "InvalidHostID.Malformed"),
    ({"MaxResults": 4}, "InvalidParameterValue"),
    ({"HostIds": ["h-0123456789abcdef0"], "MaxResults": 5}, "InvalidParameterCombination"),
    ({"NextToken": "bm9wZQ=="}, "InvalidParameterValue"),
    ({"Filter": [{"Name": "colour", "Values": ["red"]}]}, "InvalidParameterValue"),
])
def test_describe_errors(sim, ec2, params, code):
    """DescribeHosts refuses unknown or malformed ids, page sizes, tokens, filters and HostIds with MaxResults."""
    allocate(ec2)
    refused(sim, ec2, code, lambda: ec2.describe_hosts(**params))


def test_other_account_cannot_see_host(ec2, ec2_b):
    """A host of account A is not found by account B."""
    host_ids = allocate(ec2)
    assert ec2_b.describe_hosts()["Hosts"] == []
    with pytest.raises(ClientError) as excinfo:
        ec2_b.describe_hosts(HostIds=host_ids)
    assert error_code(excinfo) == "InvalidHostID.NotFound"


# -- ReleaseHosts -----------------------------------------------------------------------------


def test_release_host(sim, ec2):
    """A released host shows state released and the simulated ReleaseTime; releasing it again is NotFound."""
    (host_id,) = allocate(ec2)
    sim.advance("3h")
    out = ec2.release_hosts(HostIds=[host_id])
    assert (out["Successful"], out["Unsuccessful"]) == ([host_id], [])
    described = host(ec2, host_id)
    assert described["State"] == "released" and described["ReleaseTime"] == sim.now
    assert (described["ReleaseTime"] - described["AllocationTime"]).total_seconds() == 3 * 3600
    again = ec2.release_hosts(HostIds=[host_id, "h-0123456789abcdef0"])
    assert again["Successful"] == []
    assert [u["Error"]["Code"] for u in again["Unsuccessful"]] == ["Client.InvalidHostID.NotFound"] * 2


def test_release_refused_while_instance_runs(sim, ec2):
    """A host with an instance on it is refused as an Unsuccessful item and stays available."""
    (host_id,) = allocate(ec2)
    (instance_id,) = run(ec2, HostId=host_id)
    out = ec2.release_hosts(HostIds=[host_id])
    assert out["Successful"] == []
    refusal = [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]]
    assert refusal == [(host_id, "Client.InvalidHostState")]
    assert host(ec2, host_id)["State"] == "available"
    sim.advance("2m")
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert ec2.release_hosts(HostIds=[host_id])["Successful"] == [host_id]


def test_release_malformed_id(sim, ec2):
    """A malformed id fails the whole call with InvalidHostID.Malformed; nothing is released."""
    host_ids = allocate(ec2)
    refused(sim, ec2, "InvalidHostID.Malformed", lambda: ec2.release_hosts(HostIds=host_ids + ["h-XYZ"]))


# -- ModifyHosts ---------------------------------------------------------------------------------


def test_modify_auto_placement_and_host_recovery(sim, ec2):
    """ModifyHosts (EC2 API reference): AutoPlacement and HostRecovery on or off, shown by
    DescribeHosts; an untargeted launch lands on a host once its auto-placement is on."""
    (host_id,) = allocate(ec2, "off")
    with pytest.raises(ClientError):
        run(ec2)
    out = ec2.modify_hosts(HostIds=[host_id], AutoPlacement="on", HostRecovery="on")
    assert (out["Successful"], out["Unsuccessful"]) == ([host_id], [])
    described = host(ec2, host_id)
    assert (described["AutoPlacement"], described["HostRecovery"]) == ("on", "on")
    (instance_id,) = run(ec2)
    assert host(ec2, host_id)["Instances"][0]["InstanceId"] == instance_id


def test_modify_supported_instance_types(sim, ec2):
    """ModifyHosts: a host of a family that runs several sizes can be made to support the whole
    family (InstanceFamily) or one type (InstanceType), only within its current family and only
    while no instance runs on it; each refusal is an Unsuccessful item that changes nothing."""
    (host_id,) = allocate(ec2, InstanceType="m5.large")
    out = ec2.modify_hosts(HostIds=[host_id], InstanceFamily="m5")
    assert out["Successful"] == [host_id]
    assert host(ec2, host_id)["HostProperties"].get("InstanceFamily") == "m5"
    (instance_id,) = run(ec2, "m5.xlarge", HostId=host_id)
    for params in ({"InstanceType": "m5.large"}, {"InstanceFamily": "c5"}, {"InstanceType": "c5.large"}):
        out = ec2.modify_hosts(HostIds=[host_id], **params)
        assert out["Successful"] == [] and [u["ResourceId"] for u in out["Unsuccessful"]] == [host_id], params
    assert host(ec2, host_id)["HostProperties"].get("InstanceFamily") == "m5"
    sim.advance("2m")
    ec2.terminate_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert ec2.modify_hosts(HostIds=[host_id], InstanceType="m5.2xlarge")["Successful"] == [host_id]
    assert host(ec2, host_id)["HostProperties"]["InstanceType"] == "m5.2xlarge"
    (c4,) = allocate(ec2, InstanceType="c4.large")
    out = ec2.modify_hosts(HostIds=[c4], InstanceFamily="c4")  # c4 hosts run one type at a time
    assert [u["Error"]["Code"] for u in out["Unsuccessful"]] == ["Client.InvalidParameterValue"]
    assert ec2.modify_hosts(HostIds=[c4], InstanceType="c4.xlarge")["Successful"] == [c4]


@pytest.mark.parametrize("params, code", [
    ({}, "MissingParameter"),
    ({"InstanceType": "m5.large", "InstanceFamily": "m5"}, "InvalidParameterCombination"),
    ({"AutoPlacement": "maybe"}, "InvalidParameterValue"),
    ({"InstanceType": "m9.huge"}, "InvalidParameterValue"),
    ({"HostMaintenance": "on"}, "Unsupported"),
])
def test_modify_hosts_errors(sim, ec2, params, code):
    """ModifyHosts refuses a request with nothing to modify, both InstanceType and InstanceFamily,
    values outside their allowed ones and unknown types; nothing changes."""
    host_ids = allocate(ec2)
    refused(sim, ec2, code, lambda: ec2.modify_hosts(HostIds=host_ids, **params))


def test_modify_unknown_host_is_an_unsuccessful_item(ec2):
    """ModifyHosts reports hosts it cannot find item by item, as ReleaseHosts does."""
    out = ec2.modify_hosts(HostIds=["h-0123456789abcdef0"], AutoPlacement="on")
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]] == [
        ("h-0123456789abcdef0", "Client.InvalidHostID.NotFound")]


# -- placement: RunInstances and StartInstances ------------------------------------------------


def test_run_on_host_by_id(ec2):
    """Tenancy host with HostId places the instance on that host, even with auto-placement off."""
    (host_id,) = allocate(ec2, "off")
    (default_affinity,) = run(ec2, HostId=host_id)
    (host_affinity,) = run(ec2, HostId=host_id, Affinity="host")
    assert placement(ec2, default_affinity) == {
        "AvailabilityZone": AZ, "GroupName": "", "Tenancy": "host", "HostId": host_id, "Affinity": "default"}
    assert placement(ec2, host_affinity)["Affinity"] == "host"
    assert [i["InstanceId"] for i in host(ec2, host_id)["Instances"]] == [default_affinity, host_affinity]


def test_auto_placement_only_on_hosts_with_it_on(sim, ec2):
    """Without HostId an instance lands only on a host with AutoPlacement on; with none, nothing launches."""
    (off,) = allocate(ec2, "off")
    refused(sim, ec2, "InsufficientHostCapacity", lambda: run(ec2))
    (on,) = allocate(ec2, "on")
    (instance_id,) = run(ec2)
    assert placement(ec2, instance_id)["HostId"] == on and host(ec2, on)["AutoPlacement"] == "on"
    assert host(ec2, off)["Instances"] == [] and host(ec2, off)["AutoPlacement"] == "off"


def test_hosts_full(sim, ec2):
    """Two m5.24xlarge hosts hold one instance each: MinCount 3 fails whole, MaxCount 3 gives 2."""
    host_ids = allocate(ec2, "on", quantity=2, InstanceType="m5.24xlarge")
    refused(sim, ec2, "InsufficientHostCapacity", lambda: run(ec2, "m5.24xlarge", count=3))
    launched = run(ec2, "m5.24xlarge", count=3, minimum=1)
    assert sorted(placement(ec2, i)["HostId"] for i in launched) == sorted(host_ids)
    assert all(available(ec2, h) == {"m5.24xlarge": (0, 1)} for h in host_ids)


@pytest.mark.parametrize("kind, instance_type", [
    ({"InstanceType": "m5.large"}, "m5.xlarge"),
    ({"InstanceFamily": "m5"}, "c5.large"),
])
def test_type_not_supported_by_host(sim, ec2, kind, instance_type):
    """An instance type the host does not run is InvalidParameterValue; nothing launches."""
    (host_id,) = allocate(ec2, "on", **kind)
    refused(sim, ec2, "InvalidParameterValue", lambda: run(ec2, instance_type, HostId=host_id))


@pytest.mark.parametrize("extra, code", [
    ({"HostId": "h-0123456789abcdef0"}, "InvalidHostID.NotFound"),
    ({"HostId": "h-1"}, "InvalidHostID.Malformed"),
    ({"Tenancy": "default", "Affinity": "host"}, "InvalidParameterCombination"),
    ({"Affinity": "sticky"}, "InvalidParameterValue"),
    ({"AvailabilityZone": "us-east-1b"}, "InsufficientHostCapacity"),
])
def test_run_host_placement_errors(sim, ec2, extra, code):
    """Unknown or malformed HostId, bad affinities, or a zone without hosts launch nothing."""
    allocate(ec2, "on")
    refused(sim, ec2, code, lambda: run(ec2, **extra))


def test_mixed_sizes_on_family_host(sim, ec2):
    """An m5 family host holds m5.12xlarge + 2 x m5.4xlarge + 4 x m5.xlarge (96 vCPUs), then is full."""
    (host_id,) = allocate(ec2, InstanceFamily="m5")
    ids = run(ec2, "m5.12xlarge", HostId=host_id) + run(ec2, "m5.4xlarge", 2, HostId=host_id)
    ids += run(ec2, "m5.xlarge", 4, HostId=host_id)
    described = host(ec2, host_id)
    assert described["AvailableCapacity"]["AvailableVCpus"] == 0
    assert sorted({i["InstanceType"] for i in described["Instances"]}) == ["m5.12xlarge", "m5.4xlarge", "m5.xlarge"]
    assert [i["InstanceId"] for i in described["Instances"]] == ids
    assert all(free == 0 for free, _ in available(ec2, host_id).values())
    refused(sim, ec2, "InsufficientHostCapacity", lambda: run(ec2, "m5.large", HostId=host_id))


def test_start_with_host_affinity_returns_to_host(sim, ec2):
    """A stopped instance with affinity host starts again on its host, not on an auto-placement one."""
    pinned = allocate(ec2, "off")[0]
    other = allocate(ec2, "on")[0]
    (instance_id,) = run(ec2, HostId=pinned, Affinity="host")
    stopped(sim, ec2, instance_id)
    assert host(ec2, pinned)["Instances"] == []
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    assert states(ec2, instance_id) == ["running"]
    assert placement(ec2, instance_id)["HostId"] == pinned
    assert [i["InstanceId"] for i in host(ec2, pinned)["Instances"]] == [instance_id]
    assert host(ec2, other)["Instances"] == []


def test_start_when_host_filled_meanwhile(sim, ec2):
    """Starting an affinity-host instance whose host filled up is InsufficientHostCapacity; it stays stopped."""
    (host_id,) = allocate(ec2, "off", InstanceType="m5.24xlarge")
    allocate(ec2, "on", InstanceType="m5.24xlarge")
    (first,) = run(ec2, "m5.24xlarge", HostId=host_id, Affinity="host")
    stopped(sim, ec2, first)
    (second,) = run(ec2, "m5.24xlarge", HostId=host_id)
    refused(sim, ec2, "InsufficientHostCapacity", lambda: ec2.start_instances(InstanceIds=[first]))
    assert states(ec2, first) == ["stopped"]
    assert [i["InstanceId"] for i in host(ec2, host_id)["Instances"]] == [second]


# -- ModifyInstancePlacement ------------------------------------------------------------------


def shared(sim, ec2, pattern: str = LINUX, instance_type: str = "m5.large") -> str:
    """A stopped instance with default tenancy."""
    (instance_id,) = run(ec2, instance_type, pattern=pattern, Tenancy="default")
    stopped(sim, ec2, instance_id)
    return instance_id


def test_modify_needs_stopped_instance(sim, ec2):
    """A running instance cannot change placement: IncorrectInstanceState, nothing changes."""
    (host_id,) = allocate(ec2)
    (instance_id,) = run(ec2, Tenancy="default")
    sim.advance("2m")
    refused(sim, ec2, "IncorrectInstanceState",
            lambda: ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", HostId=host_id))


def test_modify_default_to_host_and_start(sim, ec2):
    """License Manager User Guide, "Tenancy conversion limits": Windows LI converts default -> host with HostId."""
    (host_id,) = allocate(ec2, "off")
    instance_id = shared(sim, ec2, WINDOWS)
    assert ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", HostId=host_id)["Return"] is True
    assert placement(ec2, instance_id) == {
        "AvailabilityZone": AZ, "GroupName": "", "Tenancy": "host", "HostId": host_id, "Affinity": "default"}
    ec2.start_instances(InstanceIds=[instance_id])
    assert [i["InstanceId"] for i in host(ec2, host_id)["Instances"]] == [instance_id]


def test_modify_host_to_dedicated(sim, ec2):
    """host -> dedicated clears HostId and Affinity."""
    (host_id,) = allocate(ec2)
    (instance_id,) = run(ec2, HostId=host_id, Affinity="host")
    stopped(sim, ec2, instance_id)
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="dedicated")
    after = placement(ec2, instance_id)
    assert after["Tenancy"] == "dedicated" and "HostId" not in after and "Affinity" not in after


@pytest.mark.parametrize("params, code", [
    ({"Tenancy": "host", "Affinity": "host"}, "InvalidParameterCombination"),
    ({"Tenancy": "dedicated", "Affinity": "host"}, "InvalidParameterCombination"),
    ({"GroupName": "spread-group"}, "InvalidPlacementGroup.Unknown"),
    ({"Tenancy": "shared"}, "InvalidParameterValue"),
    ({"Tenancy": "host", "HostId": "h-nope"}, "InvalidHostID.Malformed"),
    ({"Tenancy": "host", "HostId": "h-0123456789abcdef0"}, "InvalidHostID.NotFound"),
    ({"Tenancy": "host"}, "InsufficientHostCapacity"),
])
def test_modify_errors(sim, ec2, params, code):
    """Bad placement changes (Tenancy host while the only auto-placement host is full) fail and change nothing."""
    allocate(ec2, "on", InstanceType="m5.24xlarge")
    run(ec2, "m5.24xlarge")
    instance_id = shared(sim, ec2, instance_type="m5.24xlarge")
    refused(sim, ec2, code, lambda: ec2.modify_instance_placement(InstanceId=instance_id, **params))


# -- billing codes on Dedicated Hosts ---------------------------------------------------------

SQL_AND_LINUX_LI = [SQL_STANDARD, "Windows_Server-2022-English-Full-SQL_2022_Enterprise-*",
                    "Windows_Server-2022-English-Full-SQL_2022_Web-*", "amzn2-x86_64-SQL_2019_Standard-*",
                    "RHEL-9.5.0_HVM-*-x86_64-*", "suse-sles-15-sp6-*-x86_64"]


@pytest.mark.parametrize("pattern", SQL_AND_LINUX_LI)
def test_license_included_not_on_host(sim, ec2, pattern):
    """License Manager User Guide, "Tenancy conversion limits": SQL Server/RHEL/SLES LI not on Dedicated Hosts."""
    allocate(ec2, "on")
    refused(sim, ec2, "Unsupported", lambda: run(ec2, pattern=pattern))


@pytest.mark.parametrize("pattern, tenancy", [(WINDOWS, "host"), (SQL_STANDARD, "dedicated"), (LINUX, "host")])
def test_permitted_billing_codes(ec2, pattern, tenancy):
    """License Manager User Guide, "Tenancy conversion limits": Windows LI/Linux on hosts, SQL LI on dedicated."""
    allocate(ec2, "on")
    (instance_id,) = run(ec2, pattern=pattern, Tenancy=tenancy)
    assert placement(ec2, instance_id)["Tenancy"] == tenancy


def test_modify_sql_server_to_host_unsupported(sim, ec2):
    """License Manager User Guide, "Tenancy conversion limits": SQL Server LI to host tenancy is Unsupported."""
    (host_id,) = allocate(ec2, "on")
    instance_id = shared(sim, ec2, SQL_STANDARD)
    refused(sim, ec2, "Unsupported",
            lambda: ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", HostId=host_id))
    assert placement(ec2, instance_id)["Tenancy"] == "default"
