"""Tenancy conversion (License Manager User Guide, "Tenancy conversion", "Tenancy conversion
limits", "Change the tenancy of an instance using the AWS CLI") through boto3: the guide's CLI
commands, and every row of the limits table enforced alike at launch, at start and by
ModifyInstancePlacement, into Dedicated Hosts and host resource groups."""

from __future__ import annotations

import pytest

from tests.helpers import (
    ACCOUNT_A,
    AZ,
    LINUX,
    WINDOWS,
    allocate,
    assert_refused,
    associate,
    create_configuration,
    create_host_group,
    described,
    imported_windows,
    instance_arn,
    launch,
    public_ami,
)

#: One AMI per billing code of the limits table: a public AMI name pattern, or the usage
#: operation of an image imported from your own VM (Windows BYOL has no public AMI).
IMAGES = {
    "RunInstances": LINUX,
    "RunInstances:0002": WINDOWS,
    "RunInstances:0800": "import",
    "RunInstances:0804": "import",
    "RunInstances:0006": "Windows_Server-2022-English-Full-SQL_2022_Standard-*",
    "RunInstances:0102": "Windows_Server-2022-English-Full-SQL_2022_Enterprise-*",
    "RunInstances:0202": "Windows_Server-2022-English-Full-SQL_2022_Web-*",
    "RunInstances:0004": "amzn2-x86_64-SQL_2019_Standard-*",
    "RunInstances:0010": "RHEL-9.5.0_HVM-*-x86_64-*",
    "RunInstances:1010": "RHEL_HA-9.4.0_HVM-*-x86_64-*",
    "RunInstances:000g": "suse-sles-15-sp6-*-x86_64",
    "RunInstances:0g00": "ubuntu-pro-server/*amd64*",
}

#: "Tenancy conversion limits", row by row: billing code -> the tenancies it is permitted on.
LIMITS = {
    # "The Linux billing code is permitted on all tenancy types."
    "RunInstances": {"default", "dedicated", "host"},
    # "The Windows BYOL billing code is not permitted on Shared tenancy."
    "RunInstances:0800": {"dedicated", "host"},
    # "The Windows Server license included billing code is permitted on all tenancy types."
    "RunInstances:0002": {"default", "dedicated", "host"},
    # "All supported SQL Server editions, Red Hat (RHEL), and SUSE (SLES) license included
    # billing codes are permitted on Shared tenancy and Dedicated Instances", not on hosts.
    "RunInstances:0006": {"default", "dedicated"},
    "RunInstances:0102": {"default", "dedicated"},
    "RunInstances:0202": {"default", "dedicated"},
    "RunInstances:0004": {"default", "dedicated"},
    "RunInstances:0010": {"default", "dedicated"},
    "RunInstances:1010": {"default", "dedicated"},
    "RunInstances:000g": {"default", "dedicated"},
    # "License included billing codes other than Windows Server are not permitted on
    # Dedicated Hosts and Host Resource Groups."
    "RunInstances:0g00": {"default", "dedicated"},
    # Windows BYOL with SQL Server Standard license included: both limits at once.
    "RunInstances:0804": {"dedicated"},
}
CASES = [(code, tenancy, tenancy in permitted) for code, permitted in LIMITS.items()
         for tenancy in ("default", "dedicated", "host")]
IDS = [f"{code.removeprefix('RunInstances')or 'linux'}-{tenancy}" for code, tenancy, _ in CASES]


def image_for(sim, ec2, code: str) -> str:
    """An AMI billed with ``code``."""
    source = IMAGES[code]
    return imported_windows(sim, ec2, code) if source == "import" else public_ami(ec2, source)


def stopped(sim, ec2, instance_id: str) -> None:
    """Stop the instance and wait until it is stopped ("aws ec2 stop-instances")."""
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")


def placement(ec2, instance_id: str) -> dict:
    """The instance's Placement."""
    return described(ec2, instance_id)["Placement"]


def test_the_guides_cli_commands(sim, ec2, lm):
    """"Change the tenancy of an instance using the AWS CLI": stop, then --tenancy default,
    --tenancy dedicated, --tenancy host --affinity default, --tenancy host --affinity host
    --host-id, --tenancy host --host-resource-group-arn; the instance starts each time."""
    (host_id,) = allocate(ec2, "on", InstanceFamily="m5")
    group = create_host_group(sim.client("resource-groups", ACCOUNT_A), "windows-hosts", any_license=True)
    (instance_id,) = launch(ec2, "m5.xlarge", pattern=WINDOWS)
    sim.advance("5m")
    steps = [
        ({"Tenancy": "default"}, {"Tenancy": "default"}),
        ({"Tenancy": "dedicated"}, {"Tenancy": "dedicated"}),
        ({"Tenancy": "host", "Affinity": "default"}, {"Tenancy": "host", "Affinity": "default", "HostId": host_id}),
        ({"Tenancy": "host", "Affinity": "host", "HostId": host_id},
         {"Tenancy": "host", "Affinity": "host", "HostId": host_id}),
    ]
    for params, expected in steps:
        stopped(sim, ec2, instance_id)
        assert ec2.modify_instance_placement(InstanceId=instance_id, **params)["Return"] is True
        ec2.start_instances(InstanceIds=[instance_id])
        sim.advance("5m")
        shown = placement(ec2, instance_id)
        assert {k: shown.get(k) for k in expected} == expected
    stopped(sim, ec2, instance_id)
    associate(lm, instance_arn(ACCOUNT_A, instance_id),
              create_configuration(lm, "Core", name="windows-datacenter-cores"))
    ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host", HostResourceGroupArn=group)
    ec2.start_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    shown = placement(ec2, instance_id)
    assert (shown["Tenancy"], shown["HostResourceGroupArn"]) == ("host", group)
    rows = sim.timelines.license_types
    rows = rows[rows.instance_id == instance_id]
    assert list(zip(rows.tenancy, rows.host_id != "")) == [
        ("default", False), ("dedicated", False), ("host", False), ("host", True), ("host", False), ("host", True)]
    assert rows.host_id.iloc[3] == host_id and rows.host_id.iloc[5] not in ("", host_id)


def test_host_tenancy_needs_a_host_with_room_and_a_group_that_exists(sim, ec2):
    """"Tenancy conversion": switching to Dedicated Host tenancy needs a Dedicated Host with
    capacity to start the instance; host resource group tenancy needs a group."""
    (instance_id,) = launch(ec2, "m5.xlarge", pattern=WINDOWS)
    sim.advance("5m")
    stopped(sim, ec2, instance_id)
    view = lambda: placement(ec2, instance_id)  # noqa: E731
    assert_refused(sim, "InsufficientHostCapacity",
                   lambda: ec2.modify_instance_placement(InstanceId=instance_id, Tenancy="host"), view)
    missing = f"arn:aws:resource-groups:us-east-1:{ACCOUNT_A}:group/none"
    assert_refused(sim, "InvalidParameterValue", lambda: ec2.modify_instance_placement(
        InstanceId=instance_id, Tenancy="host", HostResourceGroupArn=missing), view)


@pytest.mark.parametrize("code, tenancy, permitted", CASES, ids=IDS)
def test_limits_at_launch(sim, ec2, code, tenancy, permitted):
    """"Tenancy conversion limits", at launch: RunInstances with a billing code on a tenancy
    the table does not permit is Unsupported."""
    allocate(ec2, "on", InstanceFamily="m5")
    image = image_for(sim, ec2, code)

    def run():
        return launch(ec2, "m5.xlarge", image=image, Placement={"Tenancy": tenancy})

    if permitted:
        assert placement(ec2, run()[0])["Tenancy"] == tenancy
    else:
        assert_refused(sim, "Unsupported", run, lambda: ec2.describe_instances()["Reservations"])


@pytest.mark.parametrize("code, tenancy, permitted", CASES, ids=IDS)
def test_limits_at_modify_instance_placement(sim, ec2, code, tenancy, permitted):
    """"Tenancy conversion limits", at ModifyInstancePlacement: a stopped instance moves to a
    tenancy only if the table permits its billing code there."""
    allocate(ec2, "on", InstanceFamily="m5")
    (instance_id,) = launch(ec2, "m5.xlarge", image=image_for(sim, ec2, code), Placement={"Tenancy": "dedicated"})
    sim.advance("5m")
    stopped(sim, ec2, instance_id)

    def modify():
        return ec2.modify_instance_placement(InstanceId=instance_id, Tenancy=tenancy)

    if permitted:
        assert modify()["Return"] is True and placement(ec2, instance_id)["Tenancy"] == tenancy
    else:
        assert_refused(sim, "Unsupported", modify, lambda: placement(ec2, instance_id))


@pytest.mark.parametrize("code", [c for c, permitted in LIMITS.items() if "host" not in permitted])
def test_limits_in_host_resource_groups(sim, ec2, lm, code):
    """"Tenancy conversion limits": the codes not permitted on Dedicated Hosts are not
    permitted in host resource groups either, at launch or by ModifyInstancePlacement."""
    group = create_host_group(sim.client("resource-groups", ACCOUNT_A), "any-hosts", any_license=True)
    cores = create_configuration(lm, "Core", name="cores")
    image = image_for(sim, ec2, code)
    assert_refused(sim, "Unsupported", lambda: launch(ec2, "m5.xlarge", image=image, Placement={
        "Tenancy": "host", "HostResourceGroupArn": group}), lambda: ec2.describe_instances()["Reservations"])
    (instance_id,) = launch(ec2, "m5.xlarge", image=image, Placement={"Tenancy": "dedicated"})
    sim.advance("5m")
    stopped(sim, ec2, instance_id)
    associate(lm, instance_arn(ACCOUNT_A, instance_id), cores)
    assert_refused(sim, "Unsupported", lambda: ec2.modify_instance_placement(
        InstanceId=instance_id, Tenancy="host", HostResourceGroupArn=group), lambda: placement(ec2, instance_id))


@pytest.mark.parametrize("code, tenancy", [(c, t) for c, t, permitted in CASES if not permitted],
                         ids=[i for i, (_, _, p) in zip(IDS, CASES) if not p])
def test_limits_at_start(sim, ec2, code, tenancy):
    """"Tenancy conversion limits", at start: an instance whose billing code is not permitted
    on its tenancy (here given to it behind EC2's back) does not start."""
    allocate(ec2, "on", InstanceFamily="m5")
    (instance_id,) = launch(ec2, "m5.xlarge", pattern=LINUX, Placement={"Tenancy": tenancy})
    sim.advance("5m")
    stopped(sim, ec2, instance_id)
    ec2_world = sim.world.region("us-east-1").ec2
    ec2_world.set_usage_operation(sim.world.find_instance(instance_id), code)
    view = lambda: described(ec2, instance_id)["State"]  # noqa: E731
    assert_refused(sim, "Unsupported", lambda: ec2.start_instances(InstanceIds=[instance_id]), view)


def test_refusal_names_the_code_the_tenancy_and_where_it_may_run(sim, ec2):
    """The Unsupported message names the billing code, its platform, the tenancy and the
    tenancies it may run on."""
    image = image_for(sim, ec2, "RunInstances:0800")
    try:
        launch(ec2, "m5.xlarge", image=image, Placement={"Tenancy": "default", "AvailabilityZone": AZ})
    except ec2.exceptions.ClientError as error:
        message = error.response["Error"]["Message"]
    assert "RunInstances:0800 (Windows BYOL)" in message and "shared tenancy" in message
    assert "Dedicated Instances, Dedicated Hosts and host resource groups" in message
