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


def enable_cross_account_discovery(sim: Simulation, management: str) -> None:
    """Give License Manager trusted access to the management account's organization, link
    it and turn on cross-account discovery (User Guide, "Settings in License Manager")."""
    sim.client("organizations", management).enable_aws_service_access(ServicePrincipal="license-manager.amazonaws.com")
    sim.client("license-manager", management).update_service_settings(
        OrganizationConfiguration={"EnableIntegration": True}, EnableCrossAccountsDiscovery=True)


SQL_ENTERPRISE = ("Microsoft SQL Server 2019 Enterprise", "Microsoft Corporation", "15.0.2000.5")
WINDOWS_SERVER = ("Windows", "Microsoft Windows Server 2019 Datacenter", "10.0.17763")


def activation(sim: Simulation, account: str, limit: int = 10, **params: Any) -> dict:
    """CreateActivation in ``account``: its ActivationId and ActivationCode."""
    return sim.client("ssm", account).create_activation(IamRole="SSMServiceRole", RegistrationLimit=limit, **params)


def register_servers(sim: Simulation, account: str, count: int = 1, *, cores: int = 8, sockets: int = 2,
                     vcpus: int = 16, software: Iterable[tuple[str, str, str]] = (), **params: Any) -> list[str]:
    """Register ``count`` on-premises Windows servers in ``account`` through a new activation,
    install ``software`` on each; their ``mi-`` ids."""
    act = activation(sim, account, count, **params)
    ids = []
    for n in range(count):
        node_id = sim.register_on_premises_server(
            act["ActivationId"], act["ActivationCode"], name=f"srv{n}", platform_type=WINDOWS_SERVER[0],
            platform_name=WINDOWS_SERVER[1], platform_version=WINDOWS_SERVER[2], cores=cores, sockets=sockets,
            vcpus=vcpus)
        for name, publisher, version in software:
            sim.install_software(node_id, name, publisher=publisher, version=version)
        ids.append(node_id)
    return ids


def product_filter(name: str, values: list[str], comparator: str = "EQUALS") -> dict:
    """One ProductInformationFilter."""
    return {"ProductInformationFilterName": name, "ProductInformationFilterValue": values,
            "ProductInformationFilterComparator": comparator}


def ssm_product(*filters: dict) -> dict:
    """An SSM_MANAGED product: SQL Server 2019 Enterprise by application name, plus ``filters``."""
    return {"ResourceType": "SSM_MANAGED", "ProductInformationFilterList": [
        product_filter("Application Name", [SQL_ENTERPRISE[0]]), *filters]}


def managed_instance_arn(account: str, node_id: str, region: str = REGION) -> str:
    """An on-premises managed node's ARN."""
    return f"arn:aws:ssm:{region}:{account}:managed-instance/{node_id}"


def discover(sim: Simulation) -> None:
    """Let Systems Manager gather and License Manager copy and discover: run to the next
    discovery pass (every 6 hours from the start) that follows a collection."""
    sim.advance("31m")
    period = 6 * 3600
    sim.run(sim.clock.to_datetime((sim.env.now // period + 1) * period + 1))
