"""License Manager run from the centre of an organization of six accounts.

"License Manager across your AWS accounts": the management account links the organization
(Settings, "Link AWS Organizations accounts": the service-linked roles of every account and a
resource share in the management account), shares two license configurations with the
organization through that share, and registers the platform account as the delegated
administrator ("Register a delegated administrator"), which shares a third configuration of
its own and distributes an entitlement to the organization. An organization trail logs every
call ("Logging AWS License Manager API calls using AWS CloudTrail"): ``lmsim run`` writes its
log files under ``cloudtrail/``.

The member teams launch servers every working day, each attaching a shared configuration
another way: a launch template, the launch's LicenseSpecifications, an AMI association of
their own. Their consumption counts against the owner's pool; the SQL Server configuration's
hard limit blocks launches past it. An auditor (an IAM user of the management account allowed
``license-manager:List*`` and ``Get*``) tries to delete a configuration and is denied.

Mid-run the research account leaves the organization: its later launches no longer carry the
shared configuration ("Child account user cannot associate shared license configuration").
The web account deletes its member account role, so the management account cannot
disassociate the web account's servers ("Master account cannot disassociate resources") until
the role is restored.

Parameters:
    sql_vcpus: vCPU licenses of the shared SQL Server Enterprise configuration (hard limit).
    days: Working days of workload.
    leave_day: The day the research account leaves the organization.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from simulator import Simulation

START = "2026-04-06T00:00:00Z"  # a Monday
DURATION = "21d"

MANAGEMENT = "111111111111"
PLATFORM = "222222222222"   # the delegated administrator
ANALYTICS = "333333333333"
FINANCE = "444444444444"
WEB = "555555555555"
RESEARCH = "666666666666"
MEMBERS = (PLATFORM, ANALYTICS, FINANCE, WEB, RESEARCH)
HOUR = 3600.0
DAY = 24 * HOUR
LINUX = "al2023-ami-*-x86_64"
WINDOWS = "Windows_Server-2022-English-Full-Base-*"
LICENSE_MANAGER = "license-manager.amazonaws.com"
MEMBER_ROLE = "AWSServiceRoleForAWSLicenseManagerMemberAccountRole"
AUDITOR_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "ReadLicenseManager", "Effect": "Allow", "Action": ["license-manager:List*", "license-manager:Get*"],
     "Resource": "*"},
    {"Sid": "NeverDelete", "Effect": "Deny", "Action": "license-manager:Delete*", "Resource": "*"}]}
_tokens = iter(range(1, 10**9))


def _token() -> str:
    return f"governance-{next(_tokens)}"


def build(sim: Simulation, *, sql_vcpus: int = 48, days: int = 15, leave_day: int = 8) -> None:
    """Set up the organization, its trail, link and shares; start the teams and the incidents."""
    sim.create_organization(MANAGEMENT, MEMBERS)
    sim.process(_administrator(sim, sql_vcpus, days, leave_day))


def _image(ec2, pattern: str) -> str:
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [pattern]}])["Images"]
    return images[0]["ImageId"]


def _administrator(sim, sql_vcpus, days, leave_day):
    orgs = sim.client("organizations", MANAGEMENT)
    for principal in (LICENSE_MANAGER, "ram.amazonaws.com", "cloudtrail.amazonaws.com"):
        orgs.enable_aws_service_access(ServicePrincipal=principal)
    trail = sim.client("cloudtrail", MANAGEMENT)
    trail.create_trail(Name="organization-trail", S3BucketName="example-org-cloudtrail", IsOrganizationTrail=True)
    trail.start_logging(Name="organization-trail")
    ram = sim.client("ram", MANAGEMENT)
    ram.enable_sharing_with_aws_organization()
    lm = sim.client("license-manager", MANAGEMENT)
    lm.update_service_settings(OrganizationConfiguration={"EnableIntegration": True})
    share = lm.get_service_settings()["LicenseManagerResourceShareArn"]
    sql = lm.create_license_configuration(
        Name="sql-server-enterprise-vcpus", LicenseCountingType="vCPU", LicenseCount=sql_vcpus,
        LicenseCountHardLimit=True, Description="SQL Server Enterprise, per vCPU, shared with the organization",
    )["LicenseConfigurationArn"]
    windows = lm.create_license_configuration(
        Name="windows-server-instances", LicenseCountingType="Instance", LicenseCount=12,
        LicenseCountHardLimit=False, Description="Windows Server, per instance (soft limit)",
    )["LicenseConfigurationArn"]
    ram.associate_resource_share(resourceShareArn=share, resourceArns=[sql, windows])
    orgs.register_delegated_administrator(AccountId=PLATFORM, ServicePrincipal=LICENSE_MANAGER)
    rhel = _delegated_administrator(sim)
    iam = sim.client("iam", MANAGEMENT)
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="read-only-license-manager",
                        PolicyDocument=json.dumps(AUDITOR_POLICY))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    sim.process(_auditor(sim, key, windows))
    teams = {ANALYTICS: ("template", sql, LINUX, "m5.xlarge"), FINANCE: ("specifications", sql, LINUX, "m5.2xlarge"),
             WEB: ("specifications", windows, WINDOWS, "m5.large"), RESEARCH: ("ami", sql, LINUX, "m5.xlarge"),
             PLATFORM: ("specifications", rhel, LINUX, "m5.large")}
    for account, (how, arn, pattern, instance_type) in teams.items():
        sim.process(_team(sim, account, how, arn, pattern, instance_type, days))
    sim.process(_research_leaves(sim, leave_day))
    sim.process(_web_role_incident(sim, windows))
    yield sim.env.timeout(0)


def _delegated_administrator(sim) -> str:
    """The platform account, delegated administrator: a configuration of its own shared with
    the organization, and an entitlement distributed to it."""
    lm = sim.client("license-manager", PLATFORM)
    rhel = lm.create_license_configuration(Name="rhel-instances", LicenseCountingType="Instance", LicenseCount=20,
                                           LicenseCountHardLimit=False)["LicenseConfigurationArn"]
    organization = sim.client("organizations", PLATFORM).describe_organization()["Organization"]["Arn"]
    sim.client("ram", PLATFORM).create_resource_share(name="platform-licenses", resourceArns=[rhel],
                                                      principals=[organization])
    license_arn = lm.create_license(
        LicenseName="Build farm seats", ProductName="Build Farm", ProductSKU="build-farm",
        Issuer={"Name": "Platform team"}, HomeRegion=sim.region,
        Validity={"Begin": "2026-04-01T00:00:00Z", "End": "2027-04-01T00:00:00Z"},
        Entitlements=[{"Name": "Seats", "Unit": "Count", "MaxCount": 40}], Beneficiary="organization",
        ConsumptionConfiguration={"RenewType": "None", "ProvisionalConfiguration": {"MaxTimeToLiveInMinutes": 60}},
        ClientToken=_token())["LicenseArn"]
    lm.create_grant(ClientToken=_token(), GrantName="Build farm for everyone", LicenseArn=license_arn,
                    Principals=[organization], HomeRegion=sim.region,
                    AllowedOperations=["CheckoutLicense", "CheckInLicense"])
    return rhel


def _team(sim, account, how, arn, pattern, instance_type, days):
    """A team launching two to four servers every working day and stopping them at night,
    with the shared configuration attached its own way."""
    ec2 = sim.client("ec2", account)
    rng = sim.random.stream(f"governance-{account}")
    image = _image(ec2, pattern)
    params = {"ImageId": image, "InstanceType": instance_type}
    if how == "template":
        ec2.create_launch_template(LaunchTemplateName="licensed-server", LaunchTemplateData={
            "ImageId": image, "InstanceType": instance_type,
            "LicenseSpecifications": [{"LicenseConfigurationArn": arn}]})
        params = {"LaunchTemplate": {"LaunchTemplateName": "licensed-server"}}
    elif how == "specifications":
        params["LicenseSpecifications"] = [{"LicenseConfigurationArn": arn}]
    else:  # the team associates the shared configuration with the AMI, for its own account
        sim.client("license-manager", account).update_license_specifications_for_resource(
            ResourceArn=f"arn:aws:ec2:{sim.region}::image/{image}",
            AddLicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    for day in range(days + days // 5 * 2):
        if day % 7 >= 5:
            continue
        yield sim.env.timeout(day * DAY + 8 * HOUR + rng.uniform(0, 2 * HOUR) - sim.env.now)
        for _ in range(int(rng.integers(2, 5))):
            try:
                ec2.run_instances(MinCount=1, MaxCount=1, **params)
            except ClientError as error:
                if error.response["Error"]["Code"] not in ("LicenseUsageException", "InvalidParameterValue"):
                    raise
                break  # blocked: the team makes do with what runs
            yield sim.env.timeout(rng.uniform(60, 900))
        yield sim.env.timeout(day * DAY + 19 * HOUR - sim.env.now)
        running = [i["InstanceId"] for r in ec2.describe_instances(Filters=[
            {"Name": "instance-state-name", "Values": ["pending", "running"]}])["Reservations"] for i in r["Instances"]]
        if running:
            ec2.terminate_instances(InstanceIds=running)


def _auditor(sim, key, arn):
    """The auditor reads the configurations, then tries to delete one."""
    yield sim.env.timeout(2 * DAY + 10 * HOUR)
    auditor = sim.client("license-manager", credentials=key)
    auditor.list_license_configurations()
    try:
        auditor.delete_license_configuration(LicenseConfigurationArn=arn)
    except ClientError as error:
        if error.response["Error"]["Code"] != "AccessDeniedException":
            raise


def _research_leaves(sim, leave_day):
    yield sim.env.timeout(leave_day * DAY + 12 * HOUR)
    sim.client("organizations", RESEARCH).leave_organization()


def _web_role_incident(sim, windows):
    """The web account deletes its member account role; the management account then tries
    to take a web server off the Windows configuration, and can once the role is back."""
    yield sim.env.timeout(3 * DAY + 12 * HOUR)
    web_iam = sim.client("iam", WEB)
    web_iam.delete_service_linked_role(RoleName=MEMBER_ROLE)
    yield sim.env.timeout(HOUR)
    lm = sim.client("license-manager", MANAGEMENT)
    usage = lm.list_usage_for_license_configuration(
        LicenseConfigurationArn=windows, Filters=[{"Name": "resourceAccount", "Values": [WEB]}],
    )["LicenseConfigurationUsageList"]
    running = [u["ResourceArn"] for u in usage if u["ResourceStatus"] == "running"]
    if not running:
        return
    removal = {"ResourceArn": running[0], "RemoveLicenseSpecifications": [{"LicenseConfigurationArn": windows}]}
    try:
        lm.update_license_specifications_for_resource(**removal)
    except ClientError as error:
        if error.response["Error"]["Code"] != "AccessDeniedException":
            raise
    yield sim.env.timeout(HOUR)
    web_iam.create_service_linked_role(AWSServiceName="license-manager.member-account.amazonaws.com")
    lm.update_license_specifications_for_resource(**removal)


def summarize(sim: Simulation) -> dict[str, int]:
    """Figures of the organization: calls denied by IAM, CloudTrail events and log files."""
    access = sim.timelines.access
    return {
        "access_denied": int((access.decision == "denied").sum()),
        "cloudtrail_events": len(sim.cloudtrail.events),
        "cloudtrail_log_files": len(sim.cloudtrail.log_files()),
    }
