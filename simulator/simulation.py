"""The public facade: one simulated AWS estate, its clock, its clients and its timelines."""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Mapping
from dataclasses import asdict, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import simpy
from botocore.client import BaseClient

from simulator.actions.faults import Faults
from simulator.actions.log import ActionLog
from simulator.actions.machines import MachineActions
from simulator.actions.marketplace import MarketplaceActions
from simulator.aws import Backends, Gateway
from simulator.core import (
    Clock,
    EventBus,
    IdFactory,
    RandomStreams,
    Records,
    parse_duration,
)
from simulator.core.collector import no_full_collections
from simulator.core.records import EventRecorder
from simulator.core.validation import check_account_id
from simulator.licensing import (
    ConversionTimings,
    DashboardRow,
    DiscoverySchedule,
    LicenseManager,
    LicenseManagerQuotas,
)
from simulator.timelines import Timelines
from simulator.timelines.costs import Prices
from simulator.timelines.dashboard import render_dashboard
from simulator.world import AWS_REGIONS, World
from simulator.world.autoscaling import AutoScalingTimings
from simulator.world.autoscaling.records import ScalingRecorder
from simulator.world.cloudtrail import CloudTrailService
from simulator.world.ec2 import Ec2Quotas, Ec2Timings
from simulator.world.ec2.host_records import HostRecorder
from simulator.world.ec2.license_type_records import LicenseTypeRecorder
from simulator.world.organizations import FEATURE_SETS, Account, Organization
from simulator.world.sns import DeliveryRecorder, SnsHub
from simulator.world.ssm.records import InventoryRecorder

#: The furthest a simulation runs: ten simulated years.
MAX_HORIZON = 10 * 365.25 * 86400.0


class ProcessError(Exception):
    """Carries an exception raised inside a simulation process out of SimPy, which rebuilds
    exceptions from their arguments (this one's only argument is the original)."""

_PRINCIPAL = re.compile(
    r"^arn:aws:(?:iam::(?P<iam>\d{12}):(?:root|user/.+|role/.+)"
    r"|sts::(?P<sts>\d{12}):(?:assumed-role|federated-user)/.+)$"
)


class Simulation(MachineActions):
    """A simulated multi-account AWS estate driven by a SimPy clock.

    Args:
        start: The UTC instant the simulation starts at (datetime or ISO-8601 string).
        seed: Seeds every random stream and every generated id.
        region: The default region of clients and scenarios.
        ec2_timings: How long EC2 state transitions take (defaults: ``Ec2Timings()``).
        ec2_quotas: The EC2 quotas of every account (defaults: ``Ec2Quotas()``, a large
            estate's raised quotas).
        discovery_schedule: When License Manager copies inventory and runs automated
            discovery (defaults: ``DiscoverySchedule()``: every 6 hours, members daily at 13:00).
        conversion_timings: How long License Manager's license type conversion tasks take
            (defaults: ``ConversionTimings()``).
        license_manager_quotas: License Manager's quotas (defaults:
            ``LicenseManagerQuotas()``: 25 configurations per account and region, 10 per
            resource, 2,000 grants per license).
        autoscaling_timings: How long EC2 Auto Scaling takes to react, detect unhealthy
            instances and back off after failed launches (defaults: ``AutoScalingTimings()``).
        s3_root: A folder where every S3 object is kept as a file ``<s3_root>/<bucket>/<key>``
            (created if need be); None keeps objects in memory. ``sim.s3.read(uri)`` and
            ``sim.s3.list(prefix_uri)`` read them either way.

    Attributes:
        s3: Amazon S3 of the whole world (``read``, ``list``, ``export``).
        sns: Amazon SNS across regions (``on_message(topic_arn, callback)``).

    Raises:
        ValueError: for a bad start, seed or region.
    """

    def __init__(
        self, start: datetime | str = "2026-01-01T00:00:00Z", seed: int = 0,
        region: str = "us-east-1", *, ec2_timings: Ec2Timings | None = None,
        ec2_quotas: Ec2Quotas | None = None,
        discovery_schedule: DiscoverySchedule | None = None,
        conversion_timings: ConversionTimings | None = None,
        license_manager_quotas: LicenseManagerQuotas | None = None,
        autoscaling_timings: AutoScalingTimings | None = None,
        s3_root: str | Path | None = None,
    ) -> None:
        if region not in AWS_REGIONS:
            raise ValueError(f"region must be an AWS Region, got {region!r}")
        self.env = simpy.Environment()
        self.clock = Clock(self.env, start)
        self.seed = seed
        self.random = RandomStreams(seed)
        self.ids = IdFactory(seed)
        self.region = region
        self.records = Records()
        self.bus = EventBus()
        self.world = World(self.clock, self.ids, self.bus, ec2_timings, ec2_quotas, autoscaling_timings)
        self.bus.subscribe(None, EventRecorder(self.records, self.clock))
        HostRecorder(self.records, self.clock, self.bus)
        LicenseTypeRecorder(self.records, self.clock, self.bus)
        InventoryRecorder(self.records, self.clock, self.bus)
        ScalingRecorder(self.records, self.clock, self.bus)
        DeliveryRecorder(self.records, self.clock, self.bus)
        self.s3 = self.world.global_services.s3
        if s3_root is not None:
            self.s3.use_folder(s3_root)
        self.sns = SnsHub(lambda region: self.world.region(region).sns)
        self.license_manager = LicenseManager(self.world, self.clock, self.ids, self.records, self.bus,
                                              discovery_schedule, conversion_timings, license_manager_quotas)
        #: The keyword options, defaults filled in (a trace records them to rebuild the simulation).
        self.options: dict[str, Any] = {"ec2_timings": self.world.timings, "ec2_quotas": self.world.quotas,
                        "discovery_schedule": self.license_manager.inventory.schedule,
                        "conversion_timings": self.license_manager.conversions.timings,
                        "license_manager_quotas": self.license_manager.state.quotas,
                        "autoscaling_timings": self.world.autoscaling_timings}
        self.backends = Backends(
            clock=self.clock, ids=self.ids, world=self.world, license_manager=self.license_manager
        )
        self.gateway = Gateway(self.backends, self.records)
        self.actions = ActionLog(self.records, self.clock)
        self.marketplace = MarketplaceActions(self.actions, self.license_manager.entitlements.marketplace, region)
        self.faults = Faults(self.world, self.clock, self.actions, self.license_manager)
        self.timelines = Timelines(self.records, self.clock)

    # -- time -----------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The simulated time (tz-aware UTC)."""
        return self.clock.now()

    def process(self, generator: Generator[simpy.Event, Any, Any]) -> simpy.Process:
        """Start ``generator`` as a SimPy process of this simulation. An exception it raises
        stops ``run``/``advance`` and reaches their caller as it was raised (an AWS
        ClientError keeps its code and message)."""
        return self.env.process(_carried(generator))

    def run(self, until: datetime | str) -> None:
        """Run the simulation up to the instant ``until`` (datetime or ISO-8601); ``until``
        equal to now does nothing. Services run periodic work for ever, so a run always
        has an end.

        Raises:
            ValueError: if ``until`` lies before the current simulated time or more than
                ten simulated years after the start.
            Exception: whatever a simulation process raised, as it raised it.
        """
        self.run_to(self.clock.to_seconds(until), f"until {until}")

    def advance(self, duration: timedelta | str | float) -> None:
        """Run the simulation for ``duration`` (timedelta, seconds, or "90m", "36h", "7d");
        zero does nothing.

        Raises:
            ValueError: for a malformed, negative or non-finite duration, or one that ends
                more than ten simulated years after the start.
            Exception: whatever a simulation process raised, as it raised it.
        """
        seconds = parse_duration(duration).total_seconds()
        self.run_to(self.env.now + seconds, f"duration {duration!r}")

    def run_to(self, target: float, what: str | None = None) -> None:
        """Run the simulation up to ``target`` simulated seconds since the start (the form
        ``run`` and ``advance`` reduce to; ``what`` names the limit in errors).

        Raises:
            ValueError: if ``target`` lies before now or more than ten simulated years after
                the start.
            Exception: whatever a simulation process raised, as it raised it.
        """
        what = what or f"until {target} seconds"
        env = self.env
        if target < env.now:
            raise ValueError(f"{what} lies before the current time {self.now.isoformat()}")
        if target > MAX_HORIZON:
            raise ValueError(f"{what} ends more than ten simulated years after the start "
                             f"({self.clock.start.isoformat()}); the simulation runs up to "
                             f"{self.clock.to_datetime(MAX_HORIZON).isoformat()}")
        if target == env.now:
            return
        # Step, rather than env.run(until=...): a process that fails then leaves no stale
        # stop event behind to end a later run early.
        peek, step = env.peek, env.step
        try:
            with no_full_collections():
                while peek() < target:
                    step()
        except ProcessError as error:
            raise error.args[0] from None
        env.run(until=target)  # nothing is due before target: this only moves the clock

    # -- accounts -------------------------------------------------------------------------

    def add_account(self, account_id: str, name: str | None = None) -> Account:
        """Add a standalone AWS account.

        Raises:
            ValueError: if ``account_id`` is not 12 digits or already exists.
        """
        account = self.world.organizations.add_account(account_id, name)
        self.actions.setup("add_account", {"account_id": account_id, "name": name})
        return account

    def create_organization(
        self, management_account_id: str, member_account_ids: Iterable[str] = (),
        feature_set: str = "ALL",
    ) -> Organization:
        """Create an organization with its management account and members; accounts not yet
        known are added first.

        Raises:
            ValueError: for a malformed account id, an unknown feature set, or an account
                that already belongs to an organization. Nothing changes then.
        """
        members = list(dict.fromkeys(member_account_ids))
        check_account_id(management_account_id, "management_account_id")
        for account_id in members:
            check_account_id(account_id, "member_account_ids")
        if feature_set not in FEATURE_SETS:
            raise ValueError(f"feature_set must be one of {', '.join(FEATURE_SETS)}, got {feature_set!r}")
        orgs = self.world.organizations
        everyone = [management_account_id] + [a for a in members if a != management_account_id]
        for account_id in everyone:
            org = orgs.organization_of(account_id)
            if org is not None:
                raise ValueError(f"account {account_id} already belongs to organization {org.organization_id}")
        created = set()
        for account_id in everyone:
            if account_id not in orgs.accounts:
                orgs.add_account(account_id)
                created.add(account_id)
        org = orgs.create_organization(management_account_id, feature_set)
        for account_id in everyone[1:]:
            orgs.join(org.organization_id, account_id, "CREATED" if account_id in created else "INVITED")
        self.actions.setup("create_organization", {"management_account_id": management_account_id,
                                                   "member_account_ids": members, "feature_set": feature_set})
        return org

    # -- clients --------------------------------------------------------------------------

    def client(
        self, service_name: str, account_id: str | None = None, region: str | None = None,
        principal: str | None = None, *, credentials: Mapping[str, Any] | None = None,
    ) -> BaseClient:
        """A genuine boto3 client whose calls run inside this simulation, at ``sim.now``, as
        ``principal`` (default: the account's root user) of ``account_id``.

        A principal other than the root user is an IAM user or role that exists: each of its
        calls is evaluated against its identity-based policies (inline, attached, and its
        groups'), as AWS does, and refused with the operation's access-denied error unless
        they allow it; the root user has full access to its account.

        With ``credentials`` (the ``AccessKey`` of an IAM CreateAccessKey response, or the
        ``Credentials`` of an STS AssumeRoleWithWebIdentity response) the client acts as that
        user, or as that assumed-role session (within the role's policies, and refused with
        ExpiredTokenException once the credentials expire). With neither an account nor
        credentials the client is unsigned: only operations that need no credentials (STS
        AssumeRoleWithWebIdentity, License Manager GetAccessToken) succeed.

        Operations the simulator does not implement answer with an AWS error naming them.
        A root user's client (and an unsigned one) is made once per service and region and
        handed out again on the next call with the same arguments.

        Raises:
            ValueError: for an unknown account, a region that is not an AWS Region, a
                principal that is not an IAM or STS ARN of the account or names no user or
                role IAM has, or credentials this simulation's IAM or STS did not issue.
        """
        region = region or self.region
        if region not in AWS_REGIONS:
            raise ValueError(f"region must be an AWS Region, got {region!r}")
        if credentials is not None:
            return self._credentials_client(service_name, account_id, region, principal, credentials)
        if account_id is None:
            if principal is not None:
                raise ValueError("an unsigned client (no account_id) has no principal")
            return self.gateway.client(service_name, "", region, "")
        self.world.organizations.account(account_id)
        if principal is None:
            principal = f"arn:aws:iam::{account_id}:root"
        match = _PRINCIPAL.match(principal)
        if match is None or (match["iam"] or match["sts"]) != account_id:
            raise ValueError(
                f"principal must be an IAM or STS ARN of account {account_id} "
                f"(arn:aws:iam::{account_id}:user/NAME, role/NAME or root), got {principal!r}"
            )
        if not principal.endswith(":root") and self.world.global_services.iam.principal(principal) is None:
            raise ValueError(f"principal {principal} is not an IAM user or role of account {account_id} (create it "
                             "with IAM's CreateUser or CreateRole first)")
        return self.gateway.client(service_name, account_id, region, principal)

    def _credentials_client(self, service_name: str, account_id: str | None, region: str, principal: str | None,
                            credentials: Mapping[str, Any]) -> BaseClient:
        """A client signed with an IAM user's access key or an STS session's credentials."""
        key_id = credentials.get("AccessKeyId", "")
        key = self.world.global_services.iam.access_key(key_id, credentials.get("SecretAccessKey", ""))
        if key is not None:
            user = key.user
            if principal is not None or account_id not in (None, user.account_id):
                raise ValueError(f"credentials act as {user.arn}; give no other account or principal")
            return self.gateway.client(service_name, user.account_id, region, user.arn, access_key=key)
        session = self.world.global_services.sts.session_for(
            key_id, credentials.get("SecretAccessKey", ""), credentials.get("SessionToken", ""))
        if session is None:
            raise ValueError("credentials must be the AccessKey of an IAM CreateAccessKey response, or the "
                             "Credentials of an AssumeRoleWithWebIdentity response, of this simulation")
        if principal is not None or account_id not in (None, session.account_id):
            raise ValueError(f"credentials act as {session.arn}; give no other account or principal")
        return self.gateway.client(service_name, session.account_id, region, session.arn, session=session)

    # -- CloudTrail -----------------------------------------------------------------------

    @property
    def cloudtrail(self) -> CloudTrailService:
        """CloudTrail of every account: the event history every call leaves, the trails, and
        ``export(directory)``, which writes the trails' log files as they lie in their buckets
        (``AWSLogs/[<organization id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/``)."""
        return self.world.global_services.cloudtrail

    # -- License Manager ------------------------------------------------------------------

    def costs(self, prices: Prices | str | Path | pd.DataFrame, every: str = "1h") -> pd.DataFrame:
        """What the run's licenses cost per hour under ``prices`` (a ``Prices``, a price CSV
        file such as ``scenarios/prices_example.csv``, or its table), by account and component
        (license-included premiums, BYOL licenses consumed, Dedicated Hosts) on a grid of
        ``every``; see ``simulator.timelines.costs``. ``timelines.plot_costs`` draws it.

        Raises:
            ValueError: for a malformed price table, or one that does not price what the run uses.
        """
        return self.timelines.costs(prices, every)

    def dashboard(self, account_id: str, region: str | None = None) -> pd.DataFrame:
        """The License Manager dashboard of ``account_id`` now ("Dashboard in License
        Manager"): one row per license configuration.

        Columns: ``name``, ``license_type`` (the counting type), ``consumed``, ``remaining``
        (empty without a count; negative past a soft limit), ``rules_enforced`` (a hard
        limit), ``hosts_default``, ``hosts_dedicated``, ``hosts_host`` (the instances it
        tracks on shared tenancy, as Dedicated Instances and on Dedicated Hosts), ``alerts``
        and ``last_alert``, then ``license_configuration_arn``, ``license_count``, ``status``,
        ``rules`` and ``dedicated_hosts`` (the Dedicated Hosts they run on)."""
        rows = self.license_manager.views.dashboard(account_id, region or self.region)
        frame = pd.DataFrame([asdict(r) for r in rows], columns=[f.name for f in fields(DashboardRow)])
        for column in ("remaining", "license_count"):
            frame[column] = pd.array(list(frame[column]), dtype="Int64")
        return frame

    def dashboard_html(self, account_id: str | None, path: str | Path, region: str | None = None) -> Path:
        """Write the dashboard of ``account_id`` (None: of every account that owns a license
        configuration) as one self-contained HTML page at ``path``: the dashboard table, each
        configuration's compliance as an inline SVG plot, and the account's alerts (no
        script, no network). Returns the path.

        Raises:
            ValueError: for an account that does not exist.
        """
        region = region or self.region
        if account_id is None:
            accounts = sorted({owner for (owner, where), owned in self.license_manager.state.owned.items()
                               if where == region and owned})
        else:
            self.world.organizations.account(account_id)
            accounts = [account_id]
        timelines = self.timelines
        page = render_dashboard([(a, self.dashboard(a, region)) for a in accounts], region, timelines.compliance,
                                timelines.violations, timelines.notifications, self.clock.start, self.now)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        return target


def _carried(generator: Generator[simpy.Event, Any, Any]) -> Generator[simpy.Event, Any, Any]:
    try:
        return (yield from generator)
    except Exception as error:
        raise ProcessError(error) from error
