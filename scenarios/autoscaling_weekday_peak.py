"""A web tier under EC2 Auto Scaling against a vCPU-counted SQL Server license with a hard limit.

The license administrator of the management account keeps a golden image of Windows Server
with SQL Server Standard (a copy of Amazon's license-included AMI), shares it with the two
web accounts and associates it, for all accounts, with a vCPU-counted SQL Server Standard
license configuration with a hard limit ("License rules": enforcement at launch applies to
every launch path, Auto Scaling's included).

Each web account launches its tier as the AWS documentation's examples do: a security group
by name in the default VPC, a key pair, user data, a launch template, and an Auto Scaling
group across the default subnets of two zones. Weekday scheduled actions (cron, in New
York time) scale out in the morning and in at night; on Fridays a second action scales out
further for the weekly peak. On Tuesday the administrator publishes a new image, and each
account rolls it out through a new launch template version and an instance refresh. On
Wednesday evening the first account resizes its reporting server (stop, ModifyInstanceAttribute
InstanceType, start): License Manager counts its new vCPUs from that start.

At the default license count the Friday peak hits the hard limit: the groups' launches fail
as activities whose status message carries License Manager's LicenseUsageException, and
the groups retry with back-off until the evening scale-in. With more licenses
(``--param license_count=96``) the failed activities disappear.

Parameters:
    license_count: SQL Server Standard vCPU licenses purchased.
    hard_limit: Whether the count is enforced (False: launches go ahead and alert).
    weekday_desired: Instances each group runs during weekday business hours.
    friday_desired: Instances each group runs at the Friday peak.
    instance_type: The web servers' instance type (m5.xlarge: 4 vCPUs).
"""

from __future__ import annotations

import base64

from simulator import Simulation

START = "2026-03-02T00:00:00Z"  # a Monday
DURATION = "7d"

MANAGEMENT = "111111111111"
WEB_ACCOUNTS = ("222222222222", "333333333333")
HOUR = 3600.0
DAY = 24 * HOUR
SOURCE_AMI = "Windows_Server-2022-English-Full-SQL_2022_Standard-*"
USER_DATA = """<powershell>
Install-WindowsFeature -Name Web-Server -IncludeManagementTools
</powershell>"""


def build(
    sim: Simulation, *, license_count: int = 72, hard_limit: bool = True, weekday_desired: int = 6,
    friday_desired: int = 10, instance_type: str = "m5.xlarge",
) -> None:
    """Set up the organization, the license configuration and the golden image, then each
    web account's tier and the week's changes."""
    sim.create_organization(MANAGEMENT, WEB_ACCOUNTS)
    sim.process(_administrator(sim, license_count, hard_limit, weekday_desired, friday_desired, instance_type))


def _golden_image(sim: Simulation, name: str):
    """Copy Amazon's SQL Server Standard AMI as the company's golden image and share it; the
    image id once available."""
    ec2 = sim.client("ec2", MANAGEMENT)
    source = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [SOURCE_AMI]}])["Images"][0]
    image_id = ec2.copy_image(SourceImageId=source["ImageId"], SourceRegion=sim.region, Name=name,
                              Description="Web tier: Windows Server 2022 with SQL Server 2022 Standard")["ImageId"]
    while ec2.describe_images(ImageIds=[image_id])["Images"][0]["State"] != "available":
        yield sim.env.timeout(5 * 60)
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": a} for a in WEB_ACCOUNTS]})
    return image_id


def _administrator(sim, license_count, hard_limit, weekday_desired, friday_desired, instance_type):
    lm = sim.client("license-manager", MANAGEMENT)
    arn = lm.create_license_configuration(
        Name="sql-server-standard-vcpus", Description="SQL Server Standard, licensed per vCPU",
        LicenseCountingType="vCPU", LicenseCount=license_count, LicenseCountHardLimit=hard_limit,
    )["LicenseConfigurationArn"]
    image_id = yield from _golden_image(sim, "web-golden-v1")
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:{sim.region}::image/{image_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": arn, "AmiAssociationScope": "cross-account"}])
    for index, account in enumerate(WEB_ACCOUNTS):
        sim.process(_web_tier(sim, account, image_id, weekday_desired, friday_desired, instance_type,
                              reporting=index == 0))
    yield sim.env.timeout(DAY + 14 * HOUR - sim.env.now)  # Tuesday 14:00 UTC: the new image
    new_image = yield from _golden_image(sim, "web-golden-v2")
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:{sim.region}::image/{new_image}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": arn, "AmiAssociationScope": "cross-account"}])
    for account in WEB_ACCOUNTS:
        sim.process(_roll_out(sim, account, new_image))


def _web_tier(sim, account, image_id, weekday_desired, friday_desired, instance_type, reporting):
    ec2 = sim.client("ec2", account)
    autoscaling = sim.client("autoscaling", account)
    ec2.create_key_pair(KeyName="web-admin", KeyType="ed25519")
    ec2.create_security_group(GroupName="web", Description="Web tier: HTTPS from anywhere")
    ec2.authorize_security_group_ingress(GroupName="web", IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.create_launch_template(LaunchTemplateName="web", VersionDescription="golden image v1", LaunchTemplateData={
        "ImageId": image_id, "InstanceType": instance_type, "KeyName": "web-admin", "SecurityGroups": ["web"],
        "UserData": base64.b64encode(USER_DATA.encode()).decode(), "MetadataOptions": {"HttpTokens": "required"},
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "tier", "Value": "web"}]}],
    })
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                            {"Name": "availability-zone", "Values": ["us-east-1a", "us-east-1b"]}])
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-tier", LaunchTemplate={"LaunchTemplateName": "web", "Version": "$Latest"},
        MinSize=2, MaxSize=12, DesiredCapacity=2,
        VPCZoneIdentifier=",".join(s["SubnetId"] for s in subnets["Subnets"]),
        Tags=[{"Key": "cost-center", "Value": f"web-{account[-4:]}", "PropagateAtLaunch": True}])
    for name, cron, desired in (("weekday-morning", "0 8 * * MON-FRI", weekday_desired),
                                ("friday-peak", "0 11 * * FRI", friday_desired),
                                ("weekday-evening", "0 19 * * MON-FRI", 2)):
        autoscaling.put_scheduled_update_group_action(
            AutoScalingGroupName="web-tier", ScheduledActionName=name, Recurrence=cron,
            TimeZone="America/New_York", DesiredCapacity=desired)
    if reporting:
        sim.process(_reporting_server(sim, account, image_id))
    yield sim.env.timeout(0)


def _roll_out(sim, account, image_id):
    ec2 = sim.client("ec2", account)
    autoscaling = sim.client("autoscaling", account)
    ec2.create_launch_template_version(LaunchTemplateName="web", SourceVersion="$Latest",
                                       VersionDescription="golden image v2", LaunchTemplateData={"ImageId": image_id})
    autoscaling.start_instance_refresh(AutoScalingGroupName="web-tier",
                                       Preferences={"MinHealthyPercentage": 50, "InstanceWarmup": 300})
    yield sim.env.timeout(0)


def _reporting_server(sim, account, image_id):
    ec2 = sim.client("ec2", account)
    instance_id = ec2.run_instances(
        ImageId=image_id, InstanceType="m5.xlarge", MinCount=1, MaxCount=1, KeyName="web-admin",
        SecurityGroups=["web"], TagSpecifications=[{"ResourceType": "instance",
                                                    "Tags": [{"Key": "Name", "Value": "reporting"}]}],
    )["Instances"][0]["InstanceId"]
    yield sim.env.timeout(2 * DAY + 22 * HOUR - sim.env.now)  # Wednesday 22:00 UTC: more memory, more vCPUs
    ec2.stop_instances(InstanceIds=[instance_id])
    yield sim.env.timeout(10 * 60)
    ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.2xlarge"})
    ec2.start_instances(InstanceIds=[instance_id])


def summarize(sim: Simulation) -> dict[str, int | str]:
    """Failed launch activities and the instance refresh status of each web account's group,
    and the reporting server's vCPUs at the end."""
    figures: dict[str, int | str] = {}
    scaling = sim.timelines.scaling
    region = sim.world.region(sim.region)
    for account in WEB_ACCOUNTS:
        rows = scaling[scaling.account_id == account]
        figures[f"failed_launches[{account}]"] = int((rows.status == "Failed").sum())
        refreshes = region.autoscaling.get(account, "web-tier").refreshes
        figures[f"instance_refresh[{account}]"] = refreshes[-1].status if refreshes else ""
    reporting = [i for i in region.ec2.instances.account_instances(WEB_ACCOUNTS[0]).values()
                 if i.tags.get("Name") == "reporting"]
    figures["reporting_server_vcpus"] = reporting[0].vcpus if reporting else 0
    return figures
