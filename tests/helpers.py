"""Helpers the tests share: error codes, refusals that change nothing, launches, hosts,
license configurations and ARNs, all through real boto3 clients."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from itertools import count
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


#: Whether the suite runs with ``--over-http`` (every sim.client reaches its simulation over HTTP).
OVER_HTTP = {"on": False}


def over_http() -> bool:
    """Whether clients reach their simulations over HTTP (``pytest --over-http``). Some
    requests cannot be written on the wire at all (an empty structure or list in the query
    protocols sends nothing), so what the server receives lacks a member botocore saw."""
    return OVER_HTTP["on"]


def error_code(excinfo: pytest.ExceptionInfo) -> str:
    """The AWS error code of a raised ClientError."""
    assert isinstance(excinfo.value, ClientError), excinfo.value
    return excinfo.value.response["Error"]["Code"]


def assert_refused(sim: Simulation | None, code: str, call, *views, fragments: Iterable[str] = (),
                   members: dict[str, Any] | None = None) -> str:
    """``call()`` fails with the AWS error code ``code`` and changes nothing: what each of
    ``views()`` shows (state as the APIs show it) is the same before and after, and, with
    ``sim``, the world records no event. The message names each of ``fragments``; the
    response's modeled ``members`` (an Organizations ``Reason``) have the values given.
    Returns the message."""
    def state() -> list:
        return ([world_events(sim)] if sim is not None else []) + [view() for view in views]

    before = state()
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == code
    response = excinfo.value.response
    message = response["Error"].get("Message", "")
    for fragment in fragments:
        assert fragment in message, message
    for name, value in (members or {}).items():
        assert response.get(name) == value, response
    assert state() == before
    return message


def world_events(sim: Simulation) -> list[tuple]:
    """The world events (state changes, allocations, ...) the simulation has recorded."""
    return list(sim.records.rows("event_groups"))


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


def summaries(cfg: dict) -> tuple[dict[str, int], dict[str, int]]:
    """A configuration's ConsumedLicenseSummaryList and ManagedResourceSummaryList as
    ``{resource type: number}``."""
    consumed = {e["ResourceType"]: e["ConsumedLicenses"] for e in cfg["ConsumedLicenseSummaryList"]}
    managed = {e["ResourceType"]: e["AssociationCount"] for e in cfg["ManagedResourceSummaryList"]}
    return consumed, managed


def consumed(lm, arn: str) -> int:
    """The configuration's ConsumedLicenses."""
    return configuration(lm, arn)["ConsumedLicenses"]


def associate(lm, resource_arn: str, *arns: str, scope: str | None = None) -> None:
    """Add license configurations to a resource."""
    lm.update_license_specifications_for_resource(ResourceArn=resource_arn,
                                                  AddLicenseSpecifications=license_specs(*arns, scope=scope))


def associated(lm, arn: str) -> list[str]:
    """The ResourceArns ListAssociationsForLicenseConfiguration returns."""
    found = lm.list_associations_for_license_configuration(LicenseConfigurationArn=arn)
    return [a["ResourceArn"] for a in found["LicenseConfigurationAssociations"]]


def usage(lm, arn: str, **filters: list[str]) -> list[dict]:
    """ListUsageForLicenseConfiguration, filtered by name=values."""
    flt = [{"Name": name, "Values": values} for name, values in filters.items()]
    return lm.list_usage_for_license_configuration(LicenseConfigurationArn=arn, Filters=flt)[
        "LicenseConfigurationUsageList"]


def licenses(ec2, instance_id: str) -> list[str]:
    """The instance's Licenses as DescribeInstances shows them."""
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return [entry["LicenseConfigurationArn"] for entry in instance.get("Licenses", [])]


def failures(lm, arn: str) -> list[dict]:
    """ListFailuresForLicenseConfigurationOperations."""
    return lm.list_failures_for_license_configuration_operations(LicenseConfigurationArn=arn)[
        "LicenseOperationFailureList"]


def kinds(sim, arn: str) -> list[tuple[str, str]]:
    """(kind, action) of the configuration's violations, oldest first."""
    frame = sim.timelines.violations
    rows = frame[frame.license_configuration_arn == arn]
    return list(zip(rows.kind, rows.action))


def license_state(ec2s, lm, arns):
    """A view (for ``assert_refused``) of the instances of ``ec2s`` and of the configurations
    ``arns`` (consumption, associations, usage)."""
    return lambda: ([c.describe_instances()["Reservations"] for c in ec2s],
                    [(configuration(lm, a), associated(lm, a), usage(lm, a)) for a in arns])


# -- managed entitlements ----------------------------------------------------------------------

CONSUMPTION_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLicenseManagerConsumptionPolicy"
#: What a grant lets a customer do with a floating license.
CONSUME = ["CheckoutLicense", "CheckInLicense", "ExtendConsumptionLicense", "CheckoutBorrowLicense"]
_tokens = count()


def client_token() -> str:
    """A fresh ClientToken."""
    return f"token-{next(_tokens)}"


def signing_key(sim: Simulation, account: str = ACCOUNT_A, spec: str = "RSA_2048", region: str = REGION) -> str:
    """The ARN of a new SIGN_VERIFY KMS key of ``account``."""
    kms = sim.client("kms", account, region=region)
    return kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]


def seats(count: int = 10, name: str = "Seats", overage: bool = False, check_in: bool = True) -> dict:
    """A limited entitlement counted in Count."""
    return {"Name": name, "Unit": "Count", "MaxCount": count, "Overage": overage, "AllowCheckIn": check_in}


def create_license(lm, *, sku: str = "sku-app", sign_key: str | None = None, entitlements: list[dict] | None = None,
                   begin: str = "2026-01-01T00:00:00Z", end: str | None = "2027-01-01T00:00:00Z", renew: str = "None",
                   provisional: int | None = 60, borrow: int | None = None, early_check_in: bool = False,
                   beneficiary: str = "customer-1", region: str = REGION, issuer: str = "Example ISV") -> str:
    """CreateLicense with sensible defaults (ten floating seats, an hour of provisional
    consumption); its ARN."""
    consumption: dict[str, Any] = {"RenewType": renew}
    if provisional is not None:
        consumption["ProvisionalConfiguration"] = {"MaxTimeToLiveInMinutes": provisional}
    if borrow is not None:
        consumption["BorrowConfiguration"] = {"MaxTimeToLiveInMinutes": borrow, "AllowEarlyCheckIn": early_check_in}
    validity = {"Begin": begin, **({"End": end} if end else {})}
    issuer_params = {"Name": issuer, **({"SignKey": sign_key} if sign_key else {})}
    return lm.create_license(
        LicenseName=f"{sku} license", ProductName=f"{sku} product", ProductSKU=sku, Issuer=issuer_params,
        HomeRegion=region, Validity=validity, Entitlements=entitlements or [seats()], Beneficiary=beneficiary,
        ConsumptionConfiguration=consumption, ClientToken=client_token(),
    )["LicenseArn"]


def fingerprint(lm, license_arn: str) -> str:
    """The license issuer's key fingerprint."""
    return lm.get_license(LicenseArn=license_arn)["License"]["Issuer"]["KeyFingerprint"]


def grant(lm, license_arn: str, account: str, operations: Iterable[str] = CONSUME, region: str = REGION) -> str:
    """CreateGrant of the license to ``account``; the grant ARN."""
    return lm.create_grant(ClientToken=client_token(), GrantName=f"to {account}", LicenseArn=license_arn,
                           Principals=[f"arn:aws:iam::{account}:root"], HomeRegion=region,
                           AllowedOperations=list(operations))["GrantArn"]


def activate(lm, grant_arn: str) -> dict:
    """CreateGrantVersion with Status ACTIVE."""
    return lm.create_grant_version(ClientToken=client_token(), GrantArn=grant_arn, Status="ACTIVE")


def active_grant(lm_grantor, lm_grantee, license_arn: str, account: str, operations: Iterable[str] = CONSUME) -> str:
    """A grant of the license to ``account``, accepted and activated; its ARN."""
    arn = grant(lm_grantor, license_arn, account, operations)
    lm_grantee.accept_grant(GrantArn=arn)
    activate(lm_grantee, arn)
    return arn


def grant_status(lm, grant_arn: str) -> str:
    """GetGrant's GrantStatus."""
    return lm.get_grant(GrantArn=grant_arn)["Grant"]["GrantStatus"]


def checkout(lm, sku: str, key_fingerprint: str, value: str | None = "1", name: str = "Seats", unit: str = "Count",
             kind: str = "PROVISIONAL", **params: Any) -> dict:
    """CheckoutLicense of one entitlement."""
    entitlement = {"Name": name, "Unit": unit, **({"Value": value} if value is not None else {})}
    params.setdefault("ClientToken", client_token())
    return lm.checkout_license(ProductSKU=sku, CheckoutType=kind, KeyFingerprint=key_fingerprint,
                               Entitlements=[entitlement], **params)


def entitlement_consumed(lm, license_arn: str, name: str = "Seats") -> int:
    """GetLicenseUsage's ConsumedValue of one entitlement."""
    usages = lm.get_license_usage(LicenseArn=license_arn)["LicenseUsage"]["EntitlementUsages"]
    return int(next(u["ConsumedValue"] for u in usages if u["Name"] == name))
def host_group_configuration(licenses: Iterable[str] = (), *, any_license: bool = False, families: Iterable[str] = (),
                             auto_allocate: bool = True, auto_release: bool = False,
                             auto_recover: bool | None = None) -> list[dict]:
    """A host resource group's Configuration ("Service configurations for resource groups"):
    an AWS::EC2::HostManagement item allowing ``licenses`` (or any Core/Socket configuration)
    and ``families``, and its AWS::ResourceGroups::Generic item; ``auto_recover`` gives
    auto-host-recovery (left out when None)."""
    parameters = [{"Name": "auto-allocate-host", "Values": [str(auto_allocate).lower()]},
                  {"Name": "auto-release-host", "Values": [str(auto_release).lower()]}]
    if auto_recover is not None:
        parameters.append({"Name": "auto-host-recovery", "Values": [str(auto_recover).lower()]})
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


def write_scenario(directory, source: str, name: str = "scenario"):
    """Write a scenario file (``source`` is its text, dedented) into ``directory``; its path."""
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return path


# -- license type conversions ----------------------------------------------------------------

SQL_EDITIONS = {"Standard": ("Microsoft SQL Server 2019 Standard", "Microsoft Corporation", "15.0.2000.5"),
                "Enterprise": SQL_ENTERPRISE,
                "Web": ("Microsoft SQL Server 2019 Web", "Microsoft Corporation", "15.0.2000.5")}


def imported_windows(sim: Simulation, ec2, usage_operation: str = "RunInstances:0002") -> str:
    """An AMI imported from your own Windows VM image (ImportImage) with ``usage_operation``; its id."""
    task = ec2.import_image(UsageOperation=usage_operation, DiskContainers=[
        {"Format": "VHDX", "UserBucket": {"S3Bucket": "vms", "S3Key": "windows.vhdx"}}])
    sim.advance("2h")
    found = ec2.describe_import_image_tasks(ImportTaskIds=[task["ImportTaskId"]])["ImportImageTasks"][0]
    return found["ImageId"]


def convertible(sim: Simulation, ec2, image: str, instance_type: str = "m5.xlarge", tenancy: str = "dedicated",
                sql: str | None = None, **params: Any) -> str:
    """A stopped instance of ``image`` whose inventory License Manager holds (with SQL Server
    ``sql`` edition installed by hand when given); its id."""
    (instance_id,) = launch(ec2, instance_type, image=image, Placement={"Tenancy": tenancy, **params.pop(
        "placement", {})}, **params)
    sim.advance("2m")
    if sql is not None:
        name, publisher, version = SQL_EDITIONS[sql]
        sim.install_software(instance_id, name, publisher=publisher, version=version)
    discover(sim)
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("5m")
    return instance_id


def convert(lm, account: str, instance_id: str, source: str, destination: str) -> str:
    """CreateLicenseConversionTaskForResource of an instance; the task id."""
    return lm.create_license_conversion_task_for_resource(
        ResourceArn=instance_arn(account, instance_id), SourceLicenseContext={"UsageOperation": source},
        DestinationLicenseContext={"UsageOperation": destination})["LicenseConversionTaskId"]


def conversion_task(lm, task_id: str) -> dict:
    """GetLicenseConversionTask, without the response metadata."""
    out = lm.get_license_conversion_task(LicenseConversionTaskId=task_id)
    out.pop("ResponseMetadata", None)
    return out


def described(ec2, instance_id: str) -> dict:
    """The instance as DescribeInstances shows it."""
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]


def billing(ec2, instance_id: str) -> tuple[str, str]:
    """The instance's (UsageOperation, PlatformDetails)."""
    instance = described(ec2, instance_id)
    return instance["UsageOperation"], instance["PlatformDetails"]


ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"


def iam_user(sim: Simulation, account: str, name: str, *policies: str, managed: Iterable[str] = (ADMINISTRATOR_ACCESS,)
             ) -> str:
    """Create the IAM user ``name`` in ``account`` (through IAM, as the account's root user)
    with the inline policy documents ``policies`` and the managed policies ``managed``
    (default AdministratorAccess); its ARN."""
    iam = sim.client("iam", account)
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    for index, document in enumerate(policies):
        iam.put_user_policy(UserName=name, PolicyName=f"inline-{index}", PolicyDocument=document)
    for policy_arn in managed:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    return arn


def iam_role(sim: Simulation, account: str, name: str, managed: Iterable[str] = (ADMINISTRATOR_ACCESS,)) -> str:
    """Create the IAM role ``name`` in ``account`` (trusting the account) with the managed
    policies ``managed``; its ARN."""
    iam = sim.client("iam", account)
    trust = ('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "' + account
             + '"}, "Action": "sts:AssumeRole"}}')
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    for policy_arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return arn
