"""License Manager's quotas, configurable per simulation ("License configurations in License
Manager", Limits: "Number of license configurations per resource: 10"; "Granted licenses":
"You can create up to 2,000 grants per license"; 25 license configurations per account)."""

from __future__ import annotations

import pytest

from simulator import Simulation
from simulator.licensing import LicenseManagerQuotas
from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    assert_refused,
    associate,
    create_configuration,
    create_license,
    error_code,
    grant,
    image_arn,
    public_ami,
)


@pytest.fixture
def tight():
    """A simulation with quotas of 2 configurations per account, 1 per resource, 1 grant per
    license."""
    sim = Simulation(seed=0, license_manager_quotas=LicenseManagerQuotas(
        configurations_per_account=2, configurations_per_resource=1, grants_per_license=1))
    sim.add_account(ACCOUNT_A)
    sim.add_account(ACCOUNT_B)
    return sim


def test_the_default_quotas_are_the_guides():
    """25 configurations per account and region, 10 per resource, 2,000 grants per license."""
    assert LicenseManagerQuotas() == LicenseManagerQuotas(25, 10, 2000)
    assert Simulation().options["license_manager_quotas"] == LicenseManagerQuotas()


def test_configured_quotas_are_enforced(tight):
    """Past the configured quotas: ResourceLimitExceededException for a configuration,
    InvalidParameterValueException for an association, ResourceLimitExceededException for a
    grant."""
    sim = tight
    lm = sim.client("license-manager", ACCOUNT_A)
    first, second = create_configuration(lm, name="one"), create_configuration(lm, name="two")
    assert_refused(sim, "ResourceLimitExceededException", lambda: create_configuration(lm, name="three"),
                   lambda: lm.list_license_configurations()["LicenseConfigurations"])
    image = image_arn(public_ami(sim.client("ec2", ACCOUNT_A), "al2023-ami-*-x86_64"))
    associate(lm, image, first)
    with pytest.raises(lm.exceptions.InvalidParameterValueException):
        associate(lm, image, second)
    lic = create_license(lm)
    grant(lm, lic, ACCOUNT_B)
    with pytest.raises(lm.exceptions.ClientError) as excinfo:
        grant(lm, lic, "333333333333")
    assert error_code(excinfo) == "ResourceLimitExceededException"


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_quotas_are_positive_integers(value):
    """A quota that is not a positive integer is a ValueError naming it."""
    with pytest.raises(ValueError, match="grants_per_license"):
        LicenseManagerQuotas(grants_per_license=value)
