"""The AWS CLI against lmsim serve: every AWS CLI example of the License Manager User Guide,
unmodified apart from --endpoint-url and real ids, with its output parsed and checked. The
CLI (the awscli package) runs in this process through its own driver, as the aws command
does."""

from __future__ import annotations

import functools
import io
import json
from contextlib import redirect_stderr, redirect_stdout

import pytest
from awscli.clidriver import create_clidriver

from simulator import Simulation
from simulator.aws.dispatch import implemented
from simulator.serve import SimulationServer
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    REGION,
    WINDOWS,
    associated_image,
    convertible,
    create_configuration,
    create_host_group,
    imported_windows,
    instance_arn,
    launch,
    public_ami,
)


@pytest.fixture
def served(monkeypatch, tmp_path):
    """A simulation of an organization served on a free port, and the AWS CLI's settings
    (the caller is account A's root user)."""
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B])
    for name, value in {"AWS_ACCESS_KEY_ID": ACCOUNT_A, "AWS_SECRET_ACCESS_KEY": "simulated",
                        "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": str(tmp_path / "config"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"), "AWS_PAGER": ""}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with SimulationServer(sim, port=0) as server:
        yield server


@functools.cache
def driver():
    """The AWS CLI's driver (made once: it loads every command's model)."""
    return create_clidriver()


def aws(server: SimulationServer, command: str, *args: str, expect: int = 0) -> str:
    """Run ``aws <command> <args> --endpoint-url <server>``; its standard output (its
    standard error when ``expect`` is an error status)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = driver().main([*command.split(), *args, "--endpoint-url", server.url])
    assert status == expect, err.getvalue()
    return out.getvalue() if expect == 0 else err.getvalue()


def described(server, instance_id: str) -> dict:
    """``aws ec2 describe-instances --instance-id <instance-id>`` (the guide's example)."""
    output = json.loads(aws(server, "ec2 describe-instances", "--instance-id", instance_id))
    return output["Reservations"][0]["Instances"][0]


def convert(server, instance_id: str, source: str, destination: str) -> str:
    """The guide's create-license-conversion-task-for-resource example; the task id."""
    output = json.loads(aws(server, "license-manager create-license-conversion-task-for-resource",
                            "--resource-arn", instance_arn(ACCOUNT_A, instance_id),
                            "--source-license-context", f"UsageOperation={source}",
                            "--destination-license-context", f"UsageOperation={destination}"))
    return output["LicenseConversionTaskId"]


def test_license_type_conversion_examples(served):
    """"Convert a license type using the AWS CLI": describe-instances shows the usage
    operation; the three create-license-conversion-task-for-resource examples (license
    included to BYOL, BYOL to license included, Windows to BYOL with SQL Server Standard to
    license included) convert the instance once the task ran."""
    sim = served.sim
    ec2 = sim.client("ec2", ACCOUNT_A)
    instance_id = convertible(sim, ec2, imported_windows(sim, ec2))
    assert described(served, instance_id)["UsageOperation"] == "RunInstances:0002"
    task_id = convert(served, instance_id, "RunInstances:0002", "RunInstances:0800")
    assert task_id.startswith("lct-")
    sim.advance("1h")
    instance = described(served, instance_id)
    assert (instance["UsageOperation"], instance["PlatformDetails"]) == ("RunInstances:0800", "Windows BYOL")
    task = sim.client("license-manager", ACCOUNT_A).get_license_conversion_task(LicenseConversionTaskId=task_id)
    assert instance["UsageOperationUpdateTime"] == task["LicenseConversionTime"].strftime("%Y-%m-%dT%H:%M:%S.000Z")
    convert(served, instance_id, "RunInstances:0800", "RunInstances:0002")
    sim.advance("1h")
    assert described(served, instance_id)["UsageOperation"] == "RunInstances:0002"
    both = convertible(sim, ec2, imported_windows(sim, ec2), sql="Standard")
    convert(served, both, "RunInstances:0002", "RunInstances:0804")
    sim.advance("1h")
    instance = described(served, both)
    assert (instance["UsageOperation"], instance["PlatformDetails"]) == (
        "RunInstances:0804", "Windows BYOL with SQL Server Standard")


def test_tenancy_conversion_examples(served):
    """"Change the tenancy of an instance using the AWS CLI": stop-instances, then the five
    modify-instance-placement examples (default and dedicated for a Windows instance; host with
    auto-placement, a specific Dedicated Host and a host resource group for one that a Core
    configuration tracks, which needs a host)."""
    sim = served.sim
    ec2 = sim.client("ec2", ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    cores = create_configuration(lm, "Core", 96)
    image = associated_image(sim, ec2, lm, cores)
    auto = ec2.allocate_hosts(InstanceFamily="m5", AvailabilityZone="us-east-1a", Quantity=1,
                              AutoPlacement="on")["HostIds"][0]
    target = ec2.allocate_hosts(InstanceFamily="m5", AvailabilityZone="us-east-1a", Quantity=1,
                                AutoPlacement="off")["HostIds"][0]
    group = create_host_group(sim.client("resource-groups", ACCOUNT_A), "sql-hosts", cores)
    sim.advance("1h")  # the image copy becomes available
    (windows,) = launch(ec2, "m5.large", image=public_ami(ec2, WINDOWS))
    (licensed,) = launch(ec2, "m5.large", image=image, Placement={"Tenancy": "host"})
    sim.advance("2m")
    for instance_id in (windows, licensed):
        stopping = json.loads(aws(served, "ec2 stop-instances", "--instance-ids", instance_id))
        assert stopping["StoppingInstances"][0]["CurrentState"]["Name"] == "stopping"
    sim.advance("5m")
    examples = [
        (windows, ["--tenancy", "default"], {"Tenancy": "default"}),
        (windows, ["--tenancy", "dedicated"], {"Tenancy": "dedicated"}),
        (licensed, ["--tenancy", "host", "--affinity", "host", "--host-id", target],
         {"Tenancy": "host", "Affinity": "host", "HostId": target}),
        (licensed, ["--tenancy", "host", "--affinity", "default"], {"Tenancy": "host", "Affinity": "default"}),
        (licensed, ["--tenancy", "host", "--host-resource-group-arn", group],
         {"Tenancy": "host", "HostResourceGroupArn": group}),
    ]
    for instance_id, args, placement in examples:
        assert json.loads(aws(served, "ec2 modify-instance-placement", "--instance-id", instance_id, *args)) == {
            "Return": True}
        shown = described(served, instance_id)["Placement"]
        assert {key: shown.get(key) for key in placement} == placement, args
    assert auto != target


def test_run_instances_into_a_host_resource_group(served):
    """"Launch an instance in a host resource group": run-instances with --placement
    Tenancy=host,HostResourceGroupArn=... (--count 2, AWS CLI v1's form of --min-count 2
    --max-count 2) launches both on hosts the group allocates."""
    sim = served.sim
    ec2 = sim.client("ec2", ACCOUNT_A)
    lm = sim.client("license-manager", ACCOUNT_A)
    cores = create_configuration(lm, "Core", 96)
    image = associated_image(sim, ec2, lm, cores)
    sim.advance("1h")  # the copy becomes available
    group = create_host_group(sim.client("resource-groups", ACCOUNT_A), "sql-hosts", cores)
    output = json.loads(aws(served, "ec2 run-instances", "--count", "2", "--instance-type", "c5.2xlarge",
                            "--image-id", image, f"--placement=Tenancy=host,HostResourceGroupArn={group}"))
    instances = output["Instances"]
    assert len(instances) == 2
    assert {i["Placement"]["Tenancy"] for i in instances} == {"host"}
    assert all(i["Placement"]["HostId"].startswith("h-") for i in instances)


def test_iam_role_examples(served, tmp_path):
    """"Integrate with License Manager for customers without an AWS account": iam create-role
    with the trust policy document, then attach-role-policy of the AWS managed
    AWSLicenseManagerConsumptionPolicy."""
    trust = tmp_path / "trust-policy-document.json"
    trust.write_text(json.dumps({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"Federated": "openid-license-manager.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringLike": {
            "openid-license-manager.amazonaws.com:sub": "66a9bbf5-0896-460f-a1a9-de535dcc175b"}}}}))
    role = json.loads(aws(served, "iam create-role", "--role-name", "AWSLicenseManagerConsumptionRole",
                          "--description", "Role used to consume licenses using AWS License Manager",
                          "--max-session-duration", "3600", "--assume-role-policy-document",
                          f"file://{trust}"))["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT_A}:role/AWSLicenseManagerConsumptionRole"
    assert aws(served, "iam attach-role-policy", "--policy-arn",
               "arn:aws:iam::aws:policy/service-role/AWSLicenseManagerConsumptionPolicy",
               "--role-name", "AWSLicenseManagerConsumptionRole") == ""
    attached = json.loads(aws(served, "iam list-attached-role-policies", "--role-name",
                              "AWSLicenseManagerConsumptionRole"))["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSLicenseManagerConsumptionPolicy"]


@pytest.mark.skipif(("organizations", "RegisterDelegatedAdministrator") not in implemented(),
                    reason="Organizations does not serve delegated administrators yet")
def test_delegated_administrator_examples(served):
    """"Register a delegated administrator": with trusted access enabled, register, list,
    deregister, list again."""
    principal = "--service-principal=license-manager.amazonaws.com"
    aws(served, "organizations enable-aws-service-access", principal)  # trusted access comes first
    aws(served, "organizations register-delegated-administrator", principal, "--account-id", ACCOUNT_B)
    listed = json.loads(aws(served, "organizations list-delegated-administrators", principal))
    assert [a["Id"] for a in listed["DelegatedAdministrators"]] == [ACCOUNT_B]
    aws(served, "organizations deregister-delegated-administrator", principal, "--account-id", ACCOUNT_B)
    listed = json.loads(aws(served, "organizations list-delegated-administrators", principal))
    assert listed["DelegatedAdministrators"] == []


def test_license_configurations_table_and_pages(served):
    """create-license-configuration, list-license-configurations --output table, and a listing
    paginated with --max-items and --starting-token."""
    arns = [json.loads(aws(served, "license-manager create-license-configuration", "--name", f"cores-{n}",
                           "--license-counting-type", "Core", "--license-count", str(32 * (n + 1)),
                           "--license-count-hard-limit", "--license-rules", "#minimumCores=8"))[
        "LicenseConfigurationArn"] for n in range(3)]
    table = aws(served, "license-manager list-license-configurations", "--output", "table")
    assert table.splitlines()[1].strip("| ") == "ListLicenseConfigurations"
    assert all(f"cores-{n}" in table for n in range(3)) and "#minimumCores=8" in table
    first = json.loads(aws(served, "license-manager list-license-configurations", "--max-items", "2"))
    assert [c["LicenseConfigurationArn"] for c in first["LicenseConfigurations"]] == arns[:2]
    rest = json.loads(aws(served, "license-manager list-license-configurations", "--max-items", "2",
                          "--starting-token", first["NextToken"]))
    assert [c["LicenseConfigurationArn"] for c in rest["LicenseConfigurations"]] == arns[2:]
    assert "NextToken" not in rest


def test_errors_print_as_aws_prints_them(served):
    """An AWS error reaches the CLI with its code and message and exit status 254/255."""
    message = aws(served, "ec2 describe-instances", "--instance-ids", "i-0123456789abcdef0", expect=255)
    assert "(InvalidInstanceID.NotFound) when calling the DescribeInstances operation" in message
    ec2 = served.sim.client("ec2", ACCOUNT_A)
    assert public_ami(ec2, WINDOWS).startswith("ami-")


def test_s3_objects_copy_in_and_out(served, tmp_path):
    """``aws s3 cp`` puts a file into a bucket and reads it back byte for byte; ``aws s3 ls``
    lists it with its size, and ``aws s3api head-object`` gives its length and type."""
    report = tmp_path / "usage.csv"
    report.write_bytes(b"license,used\nsql-enterprise,8\n" * 100)
    aws(served, "s3api create-bucket", "--bucket", "license-reports")
    aws(served, "s3 cp", str(report), "s3://license-reports/2026/usage.csv", "--content-type", "text/csv")
    listing = aws(served, "s3 ls", "s3://license-reports/2026/")
    assert listing.split()[-2:] == [str(report.stat().st_size), "usage.csv"]
    head = json.loads(aws(served, "s3api head-object", "--bucket", "license-reports", "--key", "2026/usage.csv"))
    assert (head["ContentLength"], head["ContentType"]) == (report.stat().st_size, "text/csv")
    copy = tmp_path / "copy.csv"
    aws(served, "s3 cp", "s3://license-reports/2026/usage.csv", str(copy))
    assert copy.read_bytes() == report.read_bytes()
