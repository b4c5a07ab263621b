"""UpdateServiceSettings through boto3 (License Manager User Guide, "Settings in License
Manager", and the troubleshooting note "Cross-account discovery cannot be disabled")."""

from __future__ import annotations

import pytest

from simulator import Simulation
from tests.helpers import ACCOUNT_A, ACCOUNT_B, assert_refused

LICENSE_MANAGER = "license-manager.amazonaws.com"


@pytest.fixture
def org_sim() -> Simulation:
    """An organization with all features: A manages, B is a member."""
    simulation = Simulation(start="2026-01-01T00:00:00Z", seed=0)
    simulation.create_organization(ACCOUNT_A, [ACCOUNT_B])
    return simulation


def settings(lm) -> tuple:
    """What GetServiceSettings shows of the organization link and cross-account discovery."""
    out = lm.get_service_settings()
    return out["OrganizationConfiguration"]["EnableIntegration"], out["EnableCrossAccountsDiscovery"]


def test_link_needs_trusted_access_then_cross_account_discovery_cannot_be_undone(org_sim):
    """"Settings in License Manager": linking AWS Organizations accounts needs the management
    account and trusted access; cross-account discovery needs the link and cannot be disabled."""
    lm = org_sim.client("license-manager", ACCOUNT_A)
    view = lambda: settings(lm)  # noqa: E731
    link = {"OrganizationConfiguration": {"EnableIntegration": True}}
    assert_refused(org_sim, "InvalidParameterValueException", lambda: lm.update_service_settings(**link), view)
    assert_refused(org_sim, "InvalidParameterValueException",
                   lambda: lm.update_service_settings(EnableCrossAccountsDiscovery=True), view)
    org_sim.client("organizations", ACCOUNT_A).enable_aws_service_access(ServicePrincipal=LICENSE_MANAGER)
    assert_refused(org_sim, "AccessDeniedException",
                   lambda: org_sim.client("license-manager", ACCOUNT_B).update_service_settings(**link))
    lm.update_service_settings(**link)
    assert settings(lm) == (True, False)
    assert lm.get_service_settings()["LicenseManagerResourceShareArn"].startswith(
        f"arn:aws:ram:us-east-1:{ACCOUNT_A}:resource-share/")
    lm.update_service_settings(OrganizationConfiguration={"EnableIntegration": False})
    assert settings(lm) == (False, False)
    lm.update_service_settings(EnableCrossAccountsDiscovery=True, **link)
    assert settings(lm) == (True, True)
    for change in ({"EnableCrossAccountsDiscovery": False}, {"OrganizationConfiguration": {"EnableIntegration": False}}):
        assert_refused(org_sim, "InvalidParameterValueException", lambda c=change: lm.update_service_settings(**c),
                       view)


def test_link_needs_all_features():
    """"Settings in License Manager": all features must be enabled in AWS Organizations."""
    sim = Simulation(seed=0)
    sim.create_organization(ACCOUNT_A, [ACCOUNT_B], feature_set="CONSOLIDATED_BILLING")
    lm = sim.client("license-manager", ACCOUNT_A)
    with pytest.raises(lm.exceptions.InvalidParameterValueException, match="all features"):
        lm.update_service_settings(OrganizationConfiguration={"EnableIntegration": True})
    sim.add_account("333333333333")
    with pytest.raises(lm.exceptions.AccessDeniedException):
        sim.client("license-manager", "333333333333").update_service_settings(
            OrganizationConfiguration={"EnableIntegration": True})


def test_bucket_and_topic(sim, lm):
    """"Settings in License Manager": the SNS topic ARN follows
    arn:<partition>:sns:region:account_id:aws-license-manager-service-*."""
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT_A}:aws-license-manager-service-alerts"
    lm.update_service_settings(S3BucketArn="arn:aws:s3:::license-reports", SnsTopicArn=topic)
    out = lm.get_service_settings()
    assert (out["S3BucketArn"], out["SnsTopicArn"]) == ("arn:aws:s3:::license-reports", topic)
    for bad in ({"SnsTopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT_A}:alerts"},
                {"SnsTopicArn": f"arn:aws:sns:us-west-2:{ACCOUNT_A}:aws-license-manager-service-x"},
                {"S3BucketArn": "arn:aws:s3:us-east-1::b"},
                {"EnabledDiscoverySourceRegions": ["us-west-2"]}):
        assert_refused(sim, "InvalidParameterValueException", lambda b=bad: lm.update_service_settings(**b),
                       lambda: {k: v for k, v in lm.get_service_settings().items() if k != "ResponseMetadata"})
