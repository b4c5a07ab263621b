"""Alerts published to the SNS topic of the settings (User Guide, "Settings in License
Manager": the SNS topic ARN ``aws-license-manager-service-*``; "Dashboard in License
Manager": alerts from rule violations; the core role's ``sns:Publish`` on those topics):
one message per alert, JSON with the documented fields, delivered to confirmed
subscriptions, and handled inside the simulation by ``sim.sns.on_message``."""

from __future__ import annotations

import json

import pytest

from simulator import Simulation
from simulator.licensing.alerts import ALERT_KINDS
from tests.helpers import (
    ACCOUNT_A,
    REGION,
    SQL_ENTERPRISE,
    create_configuration,
    discover,
    instance_arn,
    launch,
    license_specs,
    managed_instance_arn,
    register_servers,
    ssm_product,
    states,
)

TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT_A}:aws-license-manager-service-alerts"
FIELDS = {"kind", "licenseConfigurationArn", "licenseConfigurationName", "accountId", "region", "resourceArn", "time",
          "message"}


@pytest.fixture
def alerting(sim, lm):
    """Account A's settings name its alert topic, with an email (confirmed a minute later)
    and an SQS subscription."""
    sns = sim.client("sns", ACCOUNT_A)
    sns.create_topic(Name="aws-license-manager-service-alerts")
    lm.update_service_settings(SnsTopicArn=TOPIC)
    sns.subscribe(TopicArn=TOPIC, Protocol="email", Endpoint="licensing@example.com")
    sns.subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT_A}:alerts")
    return sns


def _messages(sim: Simulation, protocol: str = "sqs") -> list[dict]:
    deliveries = sim.timelines.deliveries
    return [json.loads(m) for m in deliveries[deliveries.protocol == protocol].message]


def test_every_alert_kind_is_published_once_with_its_fields(sim, lm, alerting):
    """A soft limit passed, a launch blocked by a hard limit, a rule broken by an association,
    an association refused by a hard limit, automated discovery past the count and a failed
    report run: each one message to the topic, its subject naming the configuration,
    its JSON giving the kind, configuration, account, resource and simulated time."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    soft = create_configuration(lm, "vCPU", count=2, hard=False, name="soft-vcpus")
    launch(ec2, "m5.xlarge", licenses=[soft])                                              # soft_limit
    hard = create_configuration(lm, "Instance", count=1, name="one-seat")
    launch(ec2, licenses=[hard])
    with pytest.raises(ec2.exceptions.ClientError):
        launch(ec2, licenses=[hard])                                                       # launch_blocked
    ruled = create_configuration(lm, "vCPU", count=100, rules=["#minimumVcpus=8"], name="big-only")
    (small,) = launch(ec2)
    sim.advance("5m")
    with pytest.raises(lm.exceptions.ClientError):
        lm.update_license_specifications_for_resource(ResourceArn=instance_arn(ACCOUNT_A, small),
                                                      AddLicenseSpecifications=license_specs(ruled))  # rule_violation
    cores = create_configuration(lm, "Core", count=10, name="ten-cores")
    first, second = register_servers(sim, ACCOUNT_A, 2)
    lm.update_license_specifications_for_resource(ResourceArn=managed_instance_arn(ACCOUNT_A, first),
                                                  AddLicenseSpecifications=license_specs(cores))
    with pytest.raises(lm.exceptions.ClientError):
        lm.update_license_specifications_for_resource(ResourceArn=managed_instance_arn(ACCOUNT_A, second),
                                                      AddLicenseSpecifications=license_specs(cores))  # hard_limit
    found = lm.create_license_configuration(Name="sql-found", LicenseCountingType="Core", LicenseCount=4,
                                            ProductInformationList=[ssm_product()])["LicenseConfigurationArn"]
    register_servers(sim, ACCOUNT_A, 1, software=[SQL_ENTERPRISE])
    discover(sim)                                                                          # discovered_over_limit
    generator = lm.create_license_manager_report_generator(
        ReportGeneratorName="daily", Type=["LicenseConfigurationSummaryReport"],
        ReportContext={"licenseConfigurationArns": [found]}, ReportFrequency={"value": 1, "period": "DAY"},
        ClientToken="daily")["LicenseManagerReportGeneratorArn"]
    bucket = lm.get_service_settings()["S3BucketArn"].removeprefix("arn:aws:s3:::")
    sim.client("s3", ACCOUNT_A).delete_bucket(Bucket=bucket)
    sim.advance("2h")                                                                      # report_failed
    notes = sim.timelines.notifications
    assert list(notes.kind) == ["soft_limit", "launch_blocked", "rule_violation", "hard_limit",
                                "discovered_over_limit", "report_failed"]
    assert set(notes.topic_arn) == {TOPIC} and set(notes.kind) <= set(ALERT_KINDS)
    messages = _messages(sim)
    assert [m["kind"] for m in messages] == list(notes.kind)
    for message, subject, name in zip(messages, sim.timelines.deliveries.query("protocol == 'sqs'").subject,
                                      ["soft-vcpus", "one-seat", "big-only", "ten-cores", "sql-found", "sql-found"],
                                      strict=True):
        assert set(message) == FIELDS and message["licenseConfigurationName"] == name and name in subject
        assert message["accountId"] == ACCOUNT_A and message["region"] == REGION
        assert message["time"].startswith("2026-01-01T") and message["time"].endswith("Z")
    by_kind = {m["kind"]: m for m in messages}
    assert by_kind["launch_blocked"]["licenseConfigurationArn"] == hard
    assert by_kind["launch_blocked"]["resourceArn"].startswith(f"arn:aws:ec2:{REGION}::image/ami-")
    assert by_kind["rule_violation"]["resourceArn"] == instance_arn(ACCOUNT_A, small)
    assert by_kind["hard_limit"]["resourceArn"] == managed_instance_arn(ACCOUNT_A, second)
    assert by_kind["discovered_over_limit"]["resourceArn"].startswith(f"arn:aws:ssm:{REGION}:{ACCOUNT_A}:managed")
    assert by_kind["report_failed"]["resourceArn"] == generator and "NoSuchBucket" in by_kind["report_failed"][
        "message"]


def test_only_confirmed_subscriptions_receive_alerts(sim, lm, alerting):
    """The email subscription is PendingConfirmation for its first minute: the alert raised
    then reaches the SQS queue only; later ones reach both."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    soft = create_configuration(lm, "Instance", count=0, hard=False, name="none-allowed")
    launch(ec2, licenses=[soft])
    sim.advance("2m")
    launch(ec2, licenses=[soft])
    sim.advance("1s")
    deliveries = sim.timelines.deliveries
    assert list(deliveries.protocol) == ["sqs", "email", "sqs"]
    assert set(deliveries.subject) == {"License Manager alert: none-allowed is over its license count"}


def test_without_a_topic_or_with_a_denying_policy_nothing_is_published(sim, lm):
    """No topic in the settings: the alert is recorded with an empty topic_arn. A topic whose
    policy denies License Manager's role: recorded, not published, nothing delivered."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    soft = create_configuration(lm, "Instance", count=0, hard=False, name="none-allowed")
    launch(ec2, licenses=[soft])
    sns = sim.client("sns", ACCOUNT_A)
    sns.create_topic(Name="aws-license-manager-service-alerts")
    sns.subscribe(TopicArn=TOPIC, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT_A}:alerts")
    policy = json.loads(sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["Policy"])
    policy["Statement"].append({"Sid": "NoLicenseManager", "Effect": "Deny", "Principal": {"AWS": "*"},
                                "Action": "SNS:Publish", "Resource": TOPIC, "Condition": {"StringLike": {
                                    "aws:PrincipalArn": "*AWSServiceRoleForAWSLicenseManagerRole"}}})
    sns.set_topic_attributes(TopicArn=TOPIC, AttributeName="Policy", AttributeValue=json.dumps(policy))
    lm.update_service_settings(SnsTopicArn=TOPIC)
    launch(ec2, licenses=[soft])
    sim.advance("1m")
    assert list(sim.timelines.notifications.topic_arn) == ["", ""]
    assert sim.timelines.deliveries.empty


def test_an_alert_handler_stops_the_instances_over_the_soft_limit(sim, lm, alerting):
    """``sim.sns.on_message`` lets a scenario react to alerts at the instant they are
    published, with API calls and simulation processes: this handler waits for the launch to
    complete, reads the configuration's usage and stops the instances associated last until
    it is back within its count."""
    ec2 = sim.client("ec2", ACCOUNT_A)
    soft = create_configuration(lm, "Instance", count=1, hard=False, name="one-soft")

    def stop_offenders(message):
        alert = message.data
        if alert["kind"] != "soft_limit":
            return

        def after_launch():
            yield sim.env.timeout(120)
            cfg = lm.get_license_configuration(LicenseConfigurationArn=alert["licenseConfigurationArn"])
            usage = lm.list_usage_for_license_configuration(LicenseConfigurationArn=cfg["LicenseConfigurationArn"])
            running = sorted((u for u in usage["LicenseConfigurationUsageList"] if u["ResourceStatus"] == "running"),
                             key=lambda u: u["AssociationTime"])
            ec2.stop_instances(InstanceIds=[u["ResourceArn"].rsplit("/", 1)[1] for u in running[cfg["LicenseCount"]:]])

        sim.process(after_launch())

    sim.sns.on_message(TOPIC, stop_offenders)
    (keep,) = launch(ec2, licenses=[soft])
    sim.advance("5m")
    (extra,) = launch(ec2, licenses=[soft])
    sim.advance("5m")
    assert states(ec2, keep, extra) == ["running", "stopped"]
    notes = sim.timelines.notifications
    assert list(notes.kind) == ["soft_limit"]
    events = sim.timelines.events
    stops = events[(events.event_name == "StopInstances") & (events.source == "api")]
    assert list(stops.resource_id) == [extra]
    assert (stops.time.iloc[0] - notes.time.iloc[0]).total_seconds() == 120
