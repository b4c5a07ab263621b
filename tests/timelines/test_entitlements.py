"""The timelines of managed entitlements ("License usage": License Manager tracks each
checkout with its identity and time; "Entitlements": usage with any overage reported to the
ISV), built from the records only."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from tests.helpers import (
    ACCOUNT_B,
    active_grant,
    checkout,
    create_license,
    fingerprint,
    seats,
)


def test_entitlement_grant_and_checkout_timelines(sim, lm, lm_b):
    """Entitlement levels at each change, grant statuses, and a row per checkout, extension,
    check-in and lapse."""
    arn = create_license(lm, entitlements=[seats(2, overage=True)])
    grant_arn = active_grant(lm, lm_b, arn, ACCOUNT_B)
    fp = fingerprint(lm, arn)
    first = checkout(lm_b, "sku-app", fp, "2")["LicenseConsumptionToken"]
    sim.advance("10m")
    checkout(lm_b, "sku-app", fp, "1", NodeId="n2")
    lm_b.extend_license_consumption(LicenseConsumptionToken=first)
    sim.advance("30m")
    lm_b.check_in_license(LicenseConsumptionToken=first)
    sim.advance("2h")
    levels = sim.timelines.entitlements
    assert list(levels.columns) == ["time", "license_arn", "product_sku", "entitlement", "unit", "max_count",
                                    "consumed", "overage", "account_id"]
    assert list(levels.consumed) == [0, 2, 3, 1, 0] and list(levels.overage) == [0, 0, 1, 0, 0]
    assert str(levels.time.dt.tz) == "UTC"
    grants = sim.timelines.grants
    assert list(grants.columns) == ["time", "grant_arn", "license_arn", "grantee", "status", "version"]
    assert list(grants.status) == ["PENDING_ACCEPT", "DISABLED", "ACTIVE"] and set(grants.grant_arn) == {grant_arn}
    events = sim.timelines.checkouts
    assert list(events.event) == ["checkout", "checkout", "extension", "check_in", "lapse"]
    assert events.expiration.iloc[2] == pd.Timestamp("2026-01-01T01:10:00Z")
    assert events.node_id.iloc[1] == "n2" and set(events.account_id) == {ACCOUNT_B}


def test_plot_entitlements_shades_the_overage(sim, lm, lm_b):
    """plot_entitlements draws consumption against MaxCount, the overage shaded, and returns
    the Axes."""
    arn = create_license(lm, entitlements=[seats(2, overage=True)])
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    checkout(lm_b, "sku-app", fingerprint(lm, arn), "3")
    sim.advance("1h")
    ax = sim.timelines.plot_entitlements(arn)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["Seats consumed (Count)", "Seats MaxCount", "Seats overage"]
    assert len(ax.collections) == 1  # the shaded overage


def test_the_licenses_in_use_are_drawn_as_small_multiples(sim, lm, lm_b):
    """plot_licenses_in_use draws each license with a count that something consumed, most
    used first, and leaves out a license nobody checked out (a run's entitlements.png)."""
    import matplotlib.pyplot as plt
    import pytest

    unused = create_license(lm, sku="sku-spare")
    with pytest.raises(ValueError, match="no license with a limited entitlement was consumed"):
        sim.timelines.plot_licenses_in_use()
    light, heavy = create_license(lm, sku="sku-light"), create_license(lm, sku="sku-heavy")
    for arn, sku, seats_taken in ((light, "sku-light", "1"), (heavy, "sku-heavy", "6")):
        active_grant(lm, lm_b, arn, ACCOUNT_B)
        checkout(lm_b, sku, fingerprint(lm, arn), seats_taken)
    sim.advance("1h")
    axes = sim.timelines.plot_licenses_in_use()
    assert [ax.get_title().split(":")[0] for ax in axes] == ["sku-heavy", "sku-light"]
    assert unused.rsplit(":", 1)[-1] not in " ".join(ax.get_title() for ax in axes)
    assert len({ax.figure for ax in axes}) == 1
    plt.close(axes[0].figure)
