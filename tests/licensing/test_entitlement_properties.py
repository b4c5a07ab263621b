"""Property tests of checkout accounting ("Entitlements": limited entitlements, overage;
"Consuming licenses"; provisional and borrow configurations in "Cryptographic Signing of
Licenses"): under random checkouts, borrows, check-ins, extensions and lapses, each
entitlement's consumption equals the sum of the live checkouts, and an entitlement without
overage never exceeds its MaxCount."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.core.errors import ServiceError
from simulator.licensing.entitlements import ConsumptionConfiguration, Entitlement

ISSUER, CUSTOMER, REGION = "111111111111", "222222222222", "us-east-1"
CAPS = {"Seats": (5, False), "Cores": (8, True)}
TTL = {"PROVISIONAL": 1800.0, "BORROW": 2700.0}

operations = st.one_of(
    st.tuples(st.just("checkout"), st.sampled_from(["PROVISIONAL", "PERPETUAL", "BORROW"]), st.integers(0, 3),
              st.integers(0, 4), st.booleans()),
    st.tuples(st.just("check_in"), st.integers(0, 40)),
    st.tuples(st.just("extend"), st.integers(0, 40)),
    st.tuples(st.just("advance"), st.sampled_from([601, 1799, 1801, 3661])),
)


def _world():
    sim = Simulation(seed=3)
    sim.add_account(ISSUER)
    sim.add_account(CUSTOMER)
    engine = sim.license_manager.entitlements
    key = sim.world.region(REGION).kms.create_key(ISSUER, key_spec="RSA_2048", key_usage="SIGN_VERIFY")
    lic = engine.licenses.create(
        ISSUER, REGION, name="mixed", product_name="App", product_sku="app", issuer_name="ISV", sign_key=key.arn,
        home_region=REGION, begin="2026-01-01T00:00:00Z", end=None, beneficiary="c",
        entitlements=(Entitlement(name="Seats", unit="Count", max_count=5, allow_check_in=True),
                      Entitlement(name="Cores", unit="Count", max_count=8, overage=True, allow_check_in=True),
                      Entitlement(name="Tier", unit="None", value="Gold", allow_check_in=True)),
        consumption=ConsumptionConfiguration(provisional_minutes=30, borrow_minutes=45, allow_early_check_in=True),
    )
    grant = engine.grants.create(ISSUER, REGION, name="c", license_arn=lic.arn,
                                 principal=f"arn:aws:iam::{CUSTOMER}:root", home_region=REGION,
                                 operations=("CheckoutLicense", "CheckoutBorrowLicense", "CheckInLicense",
                                             "ExtendConsumptionLicense"))
    engine.grants.accept(CUSTOMER, grant.arn)
    engine.grants.create_version(CUSTOMER, grant.arn, status="ACTIVE")
    return sim, engine, lic


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, max_size=40))
def test_consumption_is_the_sum_of_live_checkouts(steps):
    sim, engine, lic = _world()
    checkouts = engine.checkouts
    model: dict[str, tuple[dict[str, int], float | None, str]] = {}  # token -> (amounts, expires at, type)
    tokens: list[str] = []

    def held(name: str) -> int:
        return sum(amounts.get(name, 0) for amounts, _, _ in model.values())

    for step in steps:
        kind = step[0]
        if kind == "checkout":
            _, checkout_type, seats, cores, tier = step
            request = [(n, "Count", str(q)) for n, q in (("Seats", seats), ("Cores", cores)) if q]
            request += [("Tier", "None", None)] if tier or not request else []
            amounts = {name: int(value) if value else 1 for name, _, value in request}
            fits = all(held(n) + amounts.get(n, 0) <= cap or overage for n, (cap, overage) in CAPS.items())
            try:
                if checkout_type == "BORROW":
                    made = checkouts.borrow(CUSTOMER, "p", license_arn=lic.arn, entitlements=request,
                                            signature_method="JWT_PS384")
                else:
                    made = checkouts.checkout(CUSTOMER, "p", product_sku="app",
                                              key_fingerprint=lic.current.issuer.key_fingerprint,
                                              checkout_type=checkout_type, entitlements=request)
            except ServiceError as error:
                assert not fits and error.code == "NoEntitlementsAllowedException"
            else:
                assert fits
                expires = None if checkout_type == "PERPETUAL" else sim.env.now + TTL[checkout_type]
                model[made.token] = (amounts, expires, checkout_type)
                tokens.append(made.token)
        elif kind in ("check_in", "extend") and tokens:
            token = tokens[step[1] % len(tokens)]
            expected = "ResourceNotFoundException" if token not in model else (
                "ValidationException" if kind == "extend" and model[token][2] != "PROVISIONAL" else None)
            try:
                if kind == "check_in":
                    checkouts.check_in(CUSTOMER, token)
                    del model[token]
                else:
                    checkouts.extend(CUSTOMER, token)
                    model[token] = (model[token][0], sim.env.now + TTL["PROVISIONAL"], "PROVISIONAL")
            except ServiceError as error:
                assert error.code == expected
            else:
                assert expected is None
        elif kind == "advance":
            sim.advance(step[1])
            for token in [t for t, (_, expires, _) in model.items() if expires is not None and expires < sim.env.now]:
                del model[token]
        for name in ("Seats", "Cores", "Tier"):
            assert lic.consumed.get(name, 0) == held(name), name
        assert lic.consumed.get("Seats", 0) <= 5
    recorded = sim.timelines.entitlements.groupby("entitlement").consumed.last()
    for name in ("Seats", "Cores", "Tier"):
        assert recorded.get(name, 0) == held(name)
