"""A quarter of an organization's SQL Server usage, read the way its license administrator
reads it: reports in S3, alerts by email, the dashboard.

"License reporting in License Manager": the management account's license administrator
creates two report generators over its two license configurations, a weekly resource
report (LicenseConfigurationUsageReport) and a monthly configuration report
(LicenseConfigurationSummaryReport). License Manager creates its
``aws-license-manager-service-*`` bucket for them. Six weeks in, the weekly generator is
renamed: later reports go to the new name's folder. The next day a clean-up empties and
deletes the bucket by mistake (its reports saved aside); the next weekly run fails
(LastRunStatus FAILED, an alert), and the run after the bucket is created again and its
reports put back succeeds.

"Settings in License Manager": alerts go to the SNS topic
``aws-license-manager-service-alerts``, which the licensing team follows by email (the
subscription is confirmed a minute after it is made). An alert handler
(``sim.sns.on_message``) stops, five minutes after each soft-limit alert of the SQL Server
configuration, the servers started last until the configuration is back within its count.

Two member accounts run SQL Server Enterprise (bring your own license) on Windows Server
(license included) from the company's image, which the management account shares with them
and associates with both configurations for all accounts: a vCPU count with a soft limit,
and a server count with a hard limit, which refuses launches past it. On business days each
team starts yesterday's servers and launches more to meet the day's demand, stops them in
the evening, and retires the oldest on Fridays.

``lmsim run`` writes the bucket's reports under ``s3/`` and the dashboard as
``dashboard.html``.

Parameters:
    vcpu_licenses: SQL Server vCPU licenses (soft limit).
    instance_licenses: SQL Server server licenses (hard limit).
    peak_servers: The most servers a team wants on a busy day.
    handler: Whether the alert handler stops the servers over the soft limit.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from simulator import Simulation

START = "2026-01-05T00:00:00Z"  # a Monday
DURATION = "91d"

MANAGEMENT = "111111111111"
TEAMS = ("222222222222", "333333333333")
HOUR = 3600.0
DAY = 24 * HOUR
TOPIC_NAME = "aws-license-manager-service-alerts"
SERVER_TYPES = ("m5.xlarge", "m5.2xlarge")  # 4 and 8 vCPUs
#: Days from the start: the rename, the bucket deleted, the bucket created again.
RENAME_DAY, DELETE_DAY, RESTORE_DAY = 40.5, 41.5, 48.5


def build(sim: Simulation, *, vcpu_licenses: int = 48, instance_licenses: int = 8, peak_servers: int = 5,
          handler: bool = True) -> None:
    """Set up the organization and start the administrator's and the teams' work."""
    sim.create_organization(MANAGEMENT, TEAMS)
    topic = f"arn:aws:sns:{sim.region}:{MANAGEMENT}:{TOPIC_NAME}"
    if handler:
        sim.sns.on_message(topic, lambda message: _on_alert(sim, message))
    sim.process(_administrator(sim, topic, vcpu_licenses, instance_licenses, peak_servers))


def summarize(sim: Simulation) -> dict[str, int]:
    """Reports written and failed, alerts published, emails delivered, and the objects in
    License Manager's bucket at the end."""
    reports, notes = sim.timelines.reports, sim.timelines.notifications
    deliveries = sim.timelines.deliveries
    bucket = sim.license_manager.bucket.name(MANAGEMENT, sim.region) or ""
    return {
        "reports_written": int((reports.status == "SUCCESS").sum()),
        "report_runs_failed": int((reports.status == "FAILED").sum()),
        "alerts_published": int((notes.topic_arn != "").sum()),
        "emails_delivered": int((deliveries.protocol == "email").sum()),
        "bucket_objects": len(sim.s3.list(f"s3://{bucket}/")) if bucket in sim.s3.buckets else 0,
    }


def _administrator(sim, topic, vcpu_licenses, instance_licenses, peak_servers):
    lm = sim.client("license-manager", MANAGEMENT)
    ec2 = sim.client("ec2", MANAGEMENT)
    sns = sim.client("sns", MANAGEMENT)
    sns.create_topic(Name=TOPIC_NAME)
    lm.update_service_settings(SnsTopicArn=topic)
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="licensing-team@example.com")
    sql = lm.create_license_configuration(
        Name="sql-server-enterprise-vcpus", LicenseCountingType="vCPU", LicenseCount=vcpu_licenses,
        LicenseCountHardLimit=False, Description="SQL Server Enterprise, per vCPU")["LicenseConfigurationArn"]
    servers = lm.create_license_configuration(
        Name="sql-server-enterprise-servers", LicenseCountingType="Instance", LicenseCount=instance_licenses,
        LicenseCountHardLimit=True, Description="SQL Server Enterprise, per server")["LicenseConfigurationArn"]
    task = ec2.import_image(
        Description="Company Windows Server 2022 with SQL Server Enterprise", Platform="Windows", LicenseType="AWS",
        DiskContainers=[{"Format": "VHDX", "UserBucket": {"S3Bucket": "vm-images", "S3Key": "sql2022.vhdx"}}])
    while True:
        yield sim.env.timeout(15 * 60)
        status = ec2.describe_import_image_tasks(ImportTaskIds=[task["ImportTaskId"]])["ImportImageTasks"][0]
        if status["Status"] == "completed":
            break
    image_id = status["ImageId"]
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [{"UserId": t} for t in TEAMS]})
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:{sim.region}::image/{image_id}",
        AddLicenseSpecifications=[{"LicenseConfigurationArn": arn, "AmiAssociationScope": "cross-account"}
                                  for arn in (sql, servers)])
    for team in TEAMS:
        sim.process(_team(sim, team, image_id, peak_servers))
    weekly = lm.create_license_manager_report_generator(
        ReportGeneratorName="weekly-usage", Type=["LicenseConfigurationUsageReport"],
        ReportContext={"licenseConfigurationArns": [sql, servers]}, ReportFrequency={"value": 1, "period": "WEEK"},
        ClientToken="weekly-usage", Description="Servers and their licenses, every week")[
        "LicenseManagerReportGeneratorArn"]
    lm.create_license_manager_report_generator(
        ReportGeneratorName="monthly-summary", Type=["LicenseConfigurationSummaryReport"],
        ReportContext={"licenseConfigurationArns": [sql, servers]}, ReportFrequency={"value": 1, "period": "MONTH"},
        ClientToken="monthly-summary", Description="Each configuration's consumption, every month")
    yield sim.env.timeout(RENAME_DAY * DAY - sim.env.now)
    lm.update_license_manager_report_generator(
        LicenseManagerReportGeneratorArn=weekly, ReportGeneratorName="weekly-resource-usage",
        Type=["LicenseConfigurationUsageReport"], ReportContext={"licenseConfigurationArns": [sql, servers]},
        ReportFrequency={"value": 1, "period": "WEEK"}, ClientToken="weekly-rename")
    yield sim.env.timeout(DELETE_DAY * DAY - sim.env.now)
    bucket = lm.get_service_settings()["S3BucketArn"].removeprefix("arn:aws:s3:::")
    s3 = sim.client("s3", MANAGEMENT)
    saved = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            saved[entry["Key"]] = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            s3.delete_object(Bucket=bucket, Key=entry["Key"])
    s3.delete_bucket(Bucket=bucket)
    yield sim.env.timeout(RESTORE_DAY * DAY - sim.env.now)
    s3.create_bucket(Bucket=bucket)
    for key, body in saved.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/csv")


def _on_alert(sim, message) -> None:
    """A soft-limit alert of the SQL Server configuration: five minutes later (the launch
    done), stop the servers started last until the configuration is within its count."""
    alert = message.data
    if alert["kind"] != "soft_limit" or alert["licenseConfigurationName"] != "sql-server-enterprise-vcpus":
        return
    sim.process(_stop_over_count(sim, alert["licenseConfigurationArn"]))


def _stop_over_count(sim, arn):
    yield sim.env.timeout(5 * 60)
    lm = sim.client("license-manager", MANAGEMENT)
    cfg = lm.get_license_configuration(LicenseConfigurationArn=arn)
    usage = lm.list_usage_for_license_configuration(LicenseConfigurationArn=arn)["LicenseConfigurationUsageList"]
    running = sorted((u for u in usage if u["ResourceStatus"] == "running"), key=lambda u: u["AssociationTime"])
    over = cfg["ConsumedLicenses"] - cfg["LicenseCount"]
    by_account: dict[str, list[str]] = {}
    for entry in reversed(running):
        if over <= 0:
            break
        by_account.setdefault(entry["ResourceOwnerId"], []).append(entry["ResourceArn"].rsplit("/", 1)[1])
        over -= entry["ConsumedLicenses"]
    for account_id, instance_ids in sorted(by_account.items()):
        sim.client("ec2", account_id).stop_instances(InstanceIds=instance_ids)


def _team(sim, account_id, image_id, peak_servers):
    ec2 = sim.client("ec2", account_id)
    rng = sim.random.stream(f"monthly-reports-{account_id}")
    day = int(sim.env.now // DAY) + 1
    while day * DAY < 91 * DAY:
        if day % 7 < 5:  # a business day
            yield sim.env.timeout(day * DAY + 8 * HOUR + rng.uniform(0, 2 * HOUR) - sim.env.now)
            wanted = int(rng.integers(1, peak_servers + 1))
            for instance_id in _servers(ec2, "stopped")[:wanted]:
                if _attempt(ec2.start_instances, InstanceIds=[instance_id]):
                    wanted -= 1
            for _ in range(max(wanted, 0)):
                if not _attempt(ec2.run_instances, ImageId=image_id, InstanceType=str(rng.choice(SERVER_TYPES)),
                                MinCount=1, MaxCount=1):
                    break  # refused at the hard limit: the team makes do
                yield sim.env.timeout(rng.uniform(60, 900))
            yield sim.env.timeout(day * DAY + 18 * HOUR + rng.uniform(0, 2 * HOUR) - sim.env.now)
            running = _servers(ec2, "pending", "running")
            if running:
                ec2.stop_instances(InstanceIds=running)
            if day % 7 == 4:  # Friday: retire the oldest servers
                yield sim.env.timeout(HOUR)
                oldest = _servers(ec2, "stopped")[:2]
                if oldest:
                    ec2.terminate_instances(InstanceIds=oldest)
        day += 1


def _attempt(call, **params) -> bool:
    """Make the call; a refusal at the hard limit is part of the story."""
    try:
        call(**params)
    except ClientError as error:
        if error.response["Error"]["Code"] != "LicenseUsageException":
            raise
        return False
    return True


def _servers(ec2, *states: str) -> list[str]:
    pages = ec2.get_paginator("describe_instances").paginate(
        Filters=[{"Name": "instance-state-name", "Values": list(states)}])
    return [i["InstanceId"] for page in pages for r in page["Reservations"] for i in r["Instances"]]
