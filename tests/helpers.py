"""Helpers the tests share: error codes, refusals that change nothing, launches, hosts,
license configurations and ARNs, all through real boto3 clients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator import Simulation

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
REGION = "us-east-1"
AZ = "us-east-1a"

LINUX = "al2023-ami-*-x86_64"
LINUX_ARM = "al2023-ami-*-arm64"
WINDOWS = "Windows_Server-2022-English-Full-Base-*"
SQL_STANDARD = "Windows_Server-2022-English-Full-SQL_2022_Standard-*"


def error_code(excinfo: pytest.ExceptionInfo) -> str:
    """The AWS error code of a raised ClientError."""
    assert isinstance(excinfo.value, ClientError), excinfo.value
    return excinfo.value.response["Error"]["Code"]


def assert_refused(sim: Simulation, code: str, call, *views) -> None:
    """``call()`` fails with the AWS error code ``code``, records no world event, and leaves
    what each of ``views()`` shows unchanged."""
    before = [world_events(sim)] + [view() for view in views]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == code
    assert [world_events(sim)] + [view() for view in views] == before


def world_events(sim: Simulation) -> int:
    """How many world events (state changes, allocations, ...) the simulation has recorded."""
    return int((sim.timelines.events.source == "world").sum())


def public_ami(client, pattern: str) -> str:
    """The id of the first Amazon-owned public AMI whose name matches ``pattern``."""
    images = client.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [pattern]}])["Images"]
    assert images, pattern
    return images[0]["ImageId"]


def states(client, *instance_ids: str) -> list[str]:
    """The state names of the instances, in the order given."""
    reservations = client.describe_instances(InstanceIds=list(instance_ids))["Reservations"]
    by_id = {i["InstanceId"]: i["State"]["Name"] for r in reservations for i in r["Instances"]}
    return [by_id[i] for i in instance_ids]


def launch(ec2, instance_type: str = "m5.large", count: int = 1, *, image: str | None = None, pattern: str = LINUX,
           minimum: int | None = None, licenses: Iterable[str] = (), **params: Any) -> list[str]:
    """Launch ``count`` instances (at least ``minimum``) of ``image`` (default: the first
    public AMI matching ``pattern``), with LicenseSpecifications for ``licenses``; their ids."""
    licenses = list(licenses)
    if licenses:
        params["LicenseSpecifications"] = license_specs(*licenses)
    reservation = ec2.run_instances(ImageId=image or public_ami(ec2, pattern), InstanceType=instance_type,
                                    MinCount=minimum or count, MaxCount=count, **params)
    return [i["InstanceId"] for i in reservation["Instances"]]


def allocate(ec2, auto: str = "off", quantity: int = 1, **kind: str) -> list[str]:
    """Allocate Dedicated Hosts in us-east-1a (``kind``: InstanceType=... or InstanceFamily=...,
    default InstanceType m5.large); their ids."""
    kind = kind or {"InstanceType": "m5.large"}
    return ec2.allocate_hosts(AvailabilityZone=AZ, AutoPlacement=auto, Quantity=quantity, **kind)["HostIds"]


def create_configuration(lm, counting: str = "Instance", count: int | None = None, hard: bool = True,
                         rules: Iterable[str] = (), name: str | None = None, **params: Any) -> str:
    """Create a license configuration; its ARN."""
    params = {"Name": name or f"{counting}-licenses", "LicenseCountingType": counting,
              "LicenseCountHardLimit": hard, "LicenseRules": list(rules), **params}
    if count is not None:
        params["LicenseCount"] = count
    return lm.create_license_configuration(**params)["LicenseConfigurationArn"]


def configuration(lm, arn: str) -> dict:
    """GetLicenseConfiguration, without the response metadata."""
    out = lm.get_license_configuration(LicenseConfigurationArn=arn)
    out.pop("ResponseMetadata", None)
    return out


def license_specs(*arns: str, scope: str | None = None) -> list[dict]:
    """License specifications for ``arns`` (with an AMI association scope)."""
    return [{"LicenseConfigurationArn": a, **({"AmiAssociationScope": scope} if scope else {})} for a in arns]


def instance_arn(account: str, instance_id: str, region: str = REGION) -> str:
    """An instance's ARN."""
    return f"arn:aws:ec2:{region}:{account}:instance/{instance_id}"


def image_arn(image_id: str, region: str = REGION) -> str:
    """An AMI's ARN."""
    return f"arn:aws:ec2:{region}::image/{image_id}"


def host_arn(account: str, host_id: str, region: str = REGION) -> str:
    """A Dedicated Host's ARN."""
    return f"arn:aws:ec2:{region}:{account}:dedicated-host/{host_id}"


def host_group_configuration(licenses: Iterable[str] = (), *, any_license: bool = False, families: Iterable[str] = (),
                             auto_allocate: bool = True, auto_release: bool = False) -> list[dict]:
    """A host resource group's Configuration ("Service configurations for resource groups"):
    an AWS::EC2::HostManagement item allowing ``licenses`` (or any Core/Socket configuration)
    and ``families``, and its AWS::ResourceGroups::Generic item."""
    parameters = [{"Name": "auto-allocate-host", "Values": [str(auto_allocate).lower()]},
                  {"Name": "auto-release-host", "Values": [str(auto_release).lower()]}]
    if families:
        parameters.append({"Name": "allowed-host-families", "Values": list(families)})
    if any_license:
        parameters.append({"Name": "any-host-based-license-configuration", "Values": ["true"]})
    else:
        parameters.append({"Name": "allowed-host-based-license-configurations", "Values": list(licenses)})
    return [{"Type": "AWS::EC2::HostManagement", "Parameters": parameters},
            {"Type": "AWS::ResourceGroups::Generic", "Parameters": [
                {"Name": "allowed-resource-types", "Values": ["AWS::EC2::Host"]},
                {"Name": "deletion-protection", "Values": ["UNLESS_EMPTY"]}]}]


def create_host_group(rg, name: str = "sql-hosts", *licenses: str, **settings: Any) -> str:
    """Create a host resource group (see ``host_group_configuration``); its ARN."""
    return rg.create_group(Name=name, Configuration=host_group_configuration(licenses, **settings))["Group"]["GroupArn"]


def associated_image(sim: Simulation, ec2, lm, license_arn: str, scope: str | None = None) -> str:
    """A copy of the public Windows Server AMI owned by ``ec2``'s account, associated with the
    configuration ``license_arn`` (for every account with ``scope="cross-account"``)."""
    image_id = ec2.copy_image(SourceRegion=REGION, SourceImageId=public_ami(ec2, WINDOWS),
                              Name=f"golden-{license_arn[-8:]}")["ImageId"]
    lm.update_license_specifications_for_resource(ResourceArn=image_arn(image_id),
                                                  AddLicenseSpecifications=license_specs(license_arn, scope=scope))
    return image_id


def in_group(group_arn: str, **placement: Any) -> dict:
    """A Placement into a host resource group."""
    return {"Tenancy": "host", "HostResourceGroupArn": group_arn, **placement}


def hosts_by_id(ec2) -> dict[str, dict]:
    """The caller's Dedicated Hosts as DescribeHosts shows them, by id."""
    return {h["HostId"]: h for h in ec2.describe_hosts()["Hosts"]}


def host_of(ec2, instance_id: str) -> str:
    """The Dedicated Host an instance runs (or last ran) on."""
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["Placement"]["HostId"]


def licenses_consumed(lm, arn: str) -> int:
    """ConsumedLicenses of a license configuration."""
    return lm.get_license_configuration(LicenseConfigurationArn=arn)["ConsumedLicenses"]
