"""Deactivated license configurations ("Deactivate a license configuration")."""

from __future__ import annotations

from tests.helpers import (
    ACCOUNT_A,
    assert_refused,
    associate,
    consumed,
    create_configuration,
    instance_arn,
    kinds,
    launch,
    license_state,
    licenses,
)


def test_a_deactivated_configuration_cannot_be_attached_to_a_running_instance(sim, ec2, lm):
    """"When a license configuration is deactivated, it must not be attached to any running
    instance": UpdateLicenseSpecificationsForResource refuses it and changes nothing."""
    arn = create_configuration(lm, "vCPU", count=100)
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="DISABLED")
    (instance_id,) = launch(ec2)
    sim.advance("1m")
    message = assert_refused(sim, "LicenseUsageException",
                             lambda: associate(lm, instance_arn(ACCOUNT_A, instance_id), arn),
                             license_state([ec2], lm, [arn]))
    assert "disabled" in message
    assert licenses(ec2, instance_id) == [] and ("disabled", "blocked") in kinds(sim, arn)
    ec2.stop_instances(InstanceIds=[instance_id])
    sim.advance("2m")
    associate(lm, instance_arn(ACCOUNT_A, instance_id), arn)  # a stopped instance may carry it
    assert licenses(ec2, instance_id) == [arn]


def test_reactivation_over_a_hard_limit_is_never_silent(sim, ec2, lm):
    """Launches from an associated AMI go ahead untracked while the configuration is
    deactivated; re-activating counts them again, and a hard limit exceeded then is recorded
    as a violation with a notification."""
    image = ec2.register_image(Name="golden-image")["ImageId"]
    arn = create_configuration(lm, "Instance", count=2)
    lm.update_license_specifications_for_resource(
        ResourceArn=f"arn:aws:ec2:us-east-1::image/{image}", AddLicenseSpecifications=[{"LicenseConfigurationArn": arn}])
    launch(ec2, image=image, count=2)
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="DISABLED")
    launch(ec2, image=image, count=2)
    sim.advance("5m")
    assert consumed(lm, arn) == 0 and kinds(sim, arn) == []
    lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseConfigurationStatus="AVAILABLE")
    assert consumed(lm, arn) == 4
    assert kinds(sim, arn) == [("hard_limit", "alerted")]
    notes = sim.timelines.notifications
    assert list(notes[notes.license_configuration_arn == arn].subject) == [
        "License Manager alert: Instance-licenses is over its hard limit"]
    row = sim.dashboard(ACCOUNT_A).set_index("name").loc["Instance-licenses"]
    assert row.alerts == 1 and "re-activation" in row.last_alert
