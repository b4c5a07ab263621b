"""The checkout benchmark: how fast the engine checks entitlements out and in.

A customer account consumes a floating license it received through an ACTIVE grant: a
SimPy process checks seats out (PROVISIONAL, one seat each), checks the oldest back in
once ``live`` checkouts are held, extends one checkout in twenty and never checks one in
fifty back in (those lapse after the license's hour). Simulated time moves a second every
``live // 100`` operations. The calls go to the engine directly (the boto3 path and the
checkout's JWS signature by KMS are measured by the test suite, not here): the figures of
merit are the run's CPU and wall seconds, checkouts plus check-ins per CPU second, and the
memory the run needs.
"""

from __future__ import annotations

import argparse
from collections import deque
from dataclasses import asdict, dataclass

from simulator.bench.common import Stopwatch, peak_memory_mib, print_figures, settled_heap
from simulator.licensing.entitlements import ConsumptionConfiguration, Entitlement
from simulator.simulation import Simulation

ISSUER = "100000000000"
CUSTOMER = "200000000000"
SKU = "bench-floating"


@dataclass
class CheckoutBenchResult:
    """The figures of one checkout benchmark run."""

    checkouts: int
    check_ins: int
    extensions: int
    lapses: int
    live_target: int
    wall_seconds: float
    cpu_seconds: float
    operations_per_second: float
    microseconds_per_operation: float
    peak_memory_mib: float
    records: int


def checkout_benchmark(checkouts: int = 1_000_000, live: int = 10_000, seed: int = 0) -> CheckoutBenchResult:
    """Run ``checkouts`` checkouts (and their check-ins) with about ``live`` held at once."""
    sim = Simulation(seed=seed)
    sim.add_account(ISSUER)
    sim.add_account(CUSTOMER)
    entitlements = sim.license_manager.entitlements
    lic = entitlements.licenses.create(
        ISSUER, sim.region, name="Floating seats", product_name="Bench app", product_sku=SKU, issuer_name="Bench ISV",
        sign_key=None, home_region=sim.region, begin="2026-01-01T00:00:00Z", end=None, beneficiary=CUSTOMER,
        entitlements=(Entitlement(name="Seats", unit="Count", max_count=live, overage=True, allow_check_in=True),),
        consumption=ConsumptionConfiguration(provisional_minutes=60),
    )
    grant = entitlements.grants.create(ISSUER, sim.region, name="customer", license_arn=lic.arn,
                                       principal=f"arn:aws:iam::{CUSTOMER}:root", home_region=sim.region,
                                       operations=("CheckoutLicense", "CheckInLicense", "ExtendConsumptionLicense"))
    entitlements.grants.accept(CUSTOMER, grant.arn)
    entitlements.grants.create_version(CUSTOMER, grant.arn, status="ACTIVE")
    stats = {"checkouts": 0, "check_ins": 0, "extensions": 0}
    engine = entitlements.checkouts
    fingerprint = lic.current.issuer.key_fingerprint
    principal = f"arn:aws:iam::{CUSTOMER}:root"

    def workload():
        held: deque = deque()
        request = (("Seats", "Count", "1"),)
        per_second = max(live // 100, 1)
        for n in range(checkouts):
            if n % per_second == 0:
                yield sim.env.timeout(1.0)
            checkout = engine.checkout(CUSTOMER, principal, product_sku=SKU, key_fingerprint=fingerprint,
                                       checkout_type="PROVISIONAL", entitlements=request)
            if n % 50:  # one in fifty is never checked in: it lapses
                held.append(checkout.token)
            if n % 20 == 0:
                engine.extend(CUSTOMER, checkout.token)
                stats["extensions"] += 1
            while len(held) > live:
                token = held.popleft()
                if token in engine.state.checkouts:  # not lapsed
                    engine.check_in(CUSTOMER, token)
                    stats["check_ins"] += 1
        stats["checkouts"] = checkouts

    sim.process(workload())
    with settled_heap(), Stopwatch() as watch:
        sim.advance(checkouts // max(live // 100, 1) + 7200)
    timing = watch.timing
    lapses = sim.records.rows("checkouts").column("event").count("lapse")
    operations = stats["checkouts"] + stats["check_ins"]
    return CheckoutBenchResult(
        checkouts=stats["checkouts"], check_ins=stats["check_ins"], extensions=stats["extensions"], lapses=lapses,
        live_target=live, wall_seconds=round(timing.wall, 3), cpu_seconds=round(timing.cpu, 3),
        operations_per_second=round(operations / timing.cpu),
        microseconds_per_operation=round(1e6 * timing.cpu / operations, 2), peak_memory_mib=peak_memory_mib(),
        records=sum(len(sim.records.rows(kind)) for kind in ("checkouts", "entitlements")),
    )


def command(args: argparse.Namespace) -> int:
    """``lmsim bench --mode checkout``."""
    figures = asdict(checkout_benchmark(args.checkouts, args.live, args.seed))
    if args.json:
        print_figures(figures, True)
    else:
        print("\n".join(f"{k}: {v}" for k, v in figures.items()))
    return 0
