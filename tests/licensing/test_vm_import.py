"""License rules attached through VM Import/Export ("License rules in License Manager": rules
can be attached to AMI building mechanisms such as VM Import/Export)."""

from __future__ import annotations

from tests.helpers import (
    over_http,
    ACCOUNT_B,
    assert_refused,
    associated,
    consumed,
    create_configuration,
    image_arn,
    launch,
    license_specs,
)

DISK = [{"Format": "VHDX", "UserBucket": {"S3Bucket": "vm-images", "S3Key": "ws2022.vhdx"}}]


def _import(ec2, **params) -> dict:
    return ec2.import_image(Platform="Windows", LicenseType="BYOL", DiskContainers=DISK, **params)


def _tasks(ec2) -> list[dict]:
    return ec2.describe_import_image_tasks()["ImportImageTasks"]


def test_imported_ami_is_associated_and_its_launches_enforced(sim, ec2, lm):
    """ImportImage with LicenseSpecifications associates the AMI with those configurations
    when it becomes available; launches from it are tracked and the hard limit enforced."""
    arn = create_configuration(lm, "Instance", count=1)
    task = _import(ec2, LicenseSpecifications=license_specs(arn))
    assert task["LicenseSpecifications"] == [{"LicenseConfigurationArn": arn}]
    assert associated(lm, arn) == []
    sim.advance("1h")
    (done,) = _tasks(ec2)
    image_id = done["ImageId"]
    assert associated(lm, arn) == [image_arn(image_id)]
    placement = {"Tenancy": "dedicated"}
    launch(ec2, image=image_id, Placement=placement)
    assert consumed(lm, arn) == 1
    assert_refused(sim, "LicenseUsageException", lambda: launch(ec2, image=image_id, Placement=placement))


def test_unknown_or_foreign_configurations_are_refused_at_import(sim, ec2, lm_b):
    """An unknown or another account's configuration refuses ImportImage; no task is created."""
    foreign = create_configuration(lm_b, "Instance", count=1)
    unknown = foreign.replace(ACCOUNT_B, "111111111111")
    for arn in (foreign, unknown, "arn:aws:license-manager:us-east-1:111111111111:license-configuration:lic-x"):
        assert_refused(sim, "InvalidParameterValue", lambda arn=arn: _import(ec2, LicenseSpecifications=license_specs(arn)),
                       lambda: _tasks(ec2))
    if not over_http():  # an empty structure is not sent on the query wire
        assert_refused(sim, "MissingParameter", lambda: _import(ec2, LicenseSpecifications=[{}]), lambda: _tasks(ec2))
