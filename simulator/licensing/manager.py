"""The License Manager engine's facade: one object per simulation, wiring the engine's
parts (configurations, associations, enforcement, tracking, views, the inventory copy,
automated discovery, exposure, settings, license type conversions, alerts, report
generators and the bucket they write to) over one shared state.

It plugs into the world from above: it is a launch authorizer (EC2 asks it before every
launch and start), the world's license lookup (host resource groups ask which license
configurations an instance has), and it subscribes to the world's events to keep each
configuration's consumption and to send its notices.
"""

from __future__ import annotations

from simulator.core.bus import EventBus
from simulator.core.clock import Clock
from simulator.core.ids import IdFactory
from simulator.core.records import Records
from simulator.licensing.alerts import Alerts
from simulator.licensing.associations import Associations
from simulator.licensing.bucket import LicenseManagerBucket
from simulator.licensing.configurations import Configurations
from simulator.licensing.conversions import Conversions, ConversionTimings
from simulator.licensing.discovery import Discovery
from simulator.licensing.enforcement import Enforcement
from simulator.licensing.entitlements import ManagedEntitlements
from simulator.licensing.exposure import Exposure
from simulator.licensing.inventory import DiscoverySchedule, ResourceInventory
from simulator.licensing.linking import OrganizationLink
from simulator.licensing.notices import HostNotices
from simulator.licensing.quotas import LicenseManagerQuotas
from simulator.licensing.reports import ReportGenerators
from simulator.licensing.resource_sync import LicenseManagerResourceSync
from simulator.licensing.settings import Settings
from simulator.licensing.state import LicenseState, ServiceSettings
from simulator.licensing.tracking import Tracking
from simulator.licensing.views import Views
from simulator.world import World
from simulator.world.ec2 import DedicatedHost, Image
from simulator.world.launch import LaunchRequest, LicenseConfigurationInfo


class LicenseManager:
    """License Manager for every account and region of ``world``.

    The API adapters call its parts: ``configurations``, ``associations``, ``views``,
    ``entitlements`` (seller-issued licenses, grants, checkouts, tokens, AWS Marketplace),
    ``inventory`` (inventory search), ``discovery``, ``settings``, ``conversions`` (license
    type conversion tasks), ``reports`` (report generators), ``bucket`` (each account's
    License Manager bucket), ``alerts`` (publishing to the settings' SNS topic).

    Args:
        world: The simulated world; the engine registers itself as a launch authorizer.
        clock: The simulation clock.
        ids: The id factory.
        records: Where compliance, violation and notification records go.
        bus: The world's event bus.
        discovery: When inventory is copied and automated discovery runs (defaults:
            ``DiscoverySchedule()``).
        conversion_timings: How long license type conversion tasks take (defaults:
            ``ConversionTimings()``).
        quotas: The quotas it enforces (defaults: ``LicenseManagerQuotas()``, the guide's).
    """

    def __init__(self, world: World, clock: Clock, ids: IdFactory, records: Records, bus: EventBus,
                 discovery: DiscoverySchedule | None = None,
                 conversion_timings: ConversionTimings | None = None,
                 quotas: LicenseManagerQuotas | None = None) -> None:
        self.state = LicenseState(world=world, clock=clock, ids=ids, records=records,
                                  quotas=quotas or LicenseManagerQuotas())
        self.alerts = Alerts(self.state)
        self.configurations = Configurations(self.state)
        self.enforcement = Enforcement(self.state, self.configurations)
        self.inventory = ResourceInventory(self.state, discovery)
        self.link = OrganizationLink(self.state, bus)
        self.associations = Associations(self.state, self.configurations, self.enforcement, bus, self.inventory,
                                         self.link)
        self.tracking = Tracking(self.state, self.configurations, bus)
        self.views = Views(self.state, self.configurations)
        self.entitlements = ManagedEntitlements(self.state)
        self.notices = HostNotices(self.state, bus)
        self.exposure = Exposure(self.state, bus)
        self.discovery = Discovery(self.state, self.inventory, self.associations, self.exposure, bus)
        self.bucket = LicenseManagerBucket(self.state)
        self.settings = Settings(self.state, self.inventory, self.exposure, self.link,
                                 LicenseManagerResourceSync(self.state, self.bucket))
        self.conversions = Conversions(self.state, self.inventory, self.discovery, self.enforcement,
                                       conversion_timings)
        self.reports = ReportGenerators(self.state, self.views, self.bucket)
        world.add_launch_authorizer(self)
        world.set_license_lookup(self)

    def authorize_launch(self, request: LaunchRequest) -> int:
        """The world's launch authorizer hook; see ``Enforcement.authorize_launch``."""
        return self.enforcement.authorize_launch(request)

    def license_configuration(self, region: str, arn: str) -> LicenseConfigurationInfo | None:
        """The world's license lookup: the configuration ``arn`` names in ``region``."""
        cfg = self.state.configurations.get(arn)
        if cfg is None or cfg.region != region:
            return None
        return LicenseConfigurationInfo(cfg.arn, cfg.owner_id, cfg.counting_type)

    def host_license_configurations(self, host: DedicatedHost) -> tuple[LicenseConfigurationInfo, ...]:
        """The world's license lookup: the configurations the host itself is associated with."""
        return tuple(LicenseConfigurationInfo(c.arn, c.owner_id, c.counting_type)
                     for c in self.state.host_configs.get(host.host_id, ()))

    def launch_license_configurations(
        self, account_id: str, region: str, image: Image, arns: tuple[str, ...],
    ) -> tuple[LicenseConfigurationInfo, ...]:
        """The world's license lookup: the configurations a launch would be tracked by; see
        ``Configurations.governing_launch``."""
        return tuple(LicenseConfigurationInfo(c.arn, c.owner_id, c.counting_type)
                     for c in self.configurations.governing_launch(account_id, region, image, arns))

    def service_settings(self, account_id: str, region: str) -> ServiceSettings:
        """GetServiceSettings: the account's settings in the region."""
        return self.state.account_settings(account_id, region)
