"""How the rest of the engine finds license configurations: the owner's view for the License
Manager API, a sharer's and an administrator's views, and a launch's view for EC2 (the
configurations a launch names and those its AMI is associated with)."""

from __future__ import annotations

from simulator.core.arn import parse_arn
from simulator.core.validation import invalid
from simulator.licensing.configuration import LicenseConfiguration
from simulator.licensing.errors import access_denied_exception, invalid_parameter_value
from simulator.licensing.sharing import Sharing
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import Image

CROSS_ACCOUNT = "cross-account"


class ConfigurationLookups:
    """Lookups of license configurations by ARN, each with the refusal its caller's API gives.

    Args:
        state: The engine's shared state.
    """

    def __init__(self, state: LicenseState) -> None:
        self.state = state
        self.sharing = Sharing(state)
        # (account, region, image id, named ARNs) -> (governing revision, configurations), for
        # launches whose configurations are all the account's own or associated across accounts
        self._governing: dict[tuple, tuple[int, tuple[LicenseConfiguration, ...]]] = {}

    # -- lookups --------------------------------------------------------------------------

    def find(self, region: str, arn: str) -> LicenseConfiguration | None:
        """The configuration ``arn`` names in ``region``, or None (malformed, unknown, or
        of another region). Only ARNs the engine made are keys of ``state.configurations``:
        a lookup there needs no parsing."""
        cfg = self.state.configurations.get(arn) if isinstance(arn, str) else None
        return cfg if cfg is not None and cfg.region == region else None

    def owned(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration the caller owns, for the License Manager API.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed or unknown ARN,
                AccessDeniedException for another account's configuration.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid(unknown_configuration(arn, account_id, region))
        if cfg.owner_id != account_id:
            raise access_denied_exception(_foreign(cfg, account_id))
        return cfg

    def visible(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration the caller owns or has shared with it.

        Raises:
            ServiceError: InvalidParameterValueException for a malformed or unknown ARN,
                AccessDeniedException for another account's configuration not shared with it.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid(unknown_configuration(arn, account_id, region))
        if not self.sharing.usable_by(cfg, account_id):
            raise access_denied_exception(_foreign(cfg, account_id))
        return cfg

    def readable(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration whose associations and usage the caller may list: its own, or
        one of its organization's when it is the management account or the delegated
        administrator ("visibility into EC2 instances owned by accounts in your organization").

        Raises:
            ServiceError: InvalidParameterValueException, AccessDeniedException.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid(unknown_configuration(arn, account_id, region))
        if cfg.owner_id != account_id and not self.sharing.administers(account_id, cfg.owner_id):
            raise access_denied_exception(_foreign(cfg, account_id))
        return cfg

    def for_launch(self, account_id: str, region: str, arn: str) -> LicenseConfiguration:
        """A configuration a launch (EC2 LicenseSpecifications, a launch template) names.

        Raises:
            ServiceError: EC2's InvalidParameterValue for a malformed or unknown ARN, or
                another account's configuration not shared with the account.
        """
        cfg = self.find(region, arn)
        if cfg is None:
            raise invalid_parameter_value(unknown_configuration(arn, account_id, region))
        if not self.sharing.usable_by(cfg, account_id):
            raise invalid_parameter_value(_foreign(cfg, account_id))
        return cfg

    def governing_launch(
        self, account_id: str, region: str, image: Image, explicit: tuple[str, ...],
    ) -> tuple[LicenseConfiguration, ...]:
        """The configurations a launch from ``image`` is tracked by: those the call and its
        launch template name, then those the AMI is associated with for this account
        (remembered until an AMI association or a configuration changes, unless another
        account shares one of them: a RAM share can change at any time).

        Raises:
            ServiceError: EC2's InvalidParameterValue for a named configuration that does
                not exist or is another account's, or past 10 configurations per resource.
        """
        key = (account_id, region, image.image_id, explicit)
        known = self._governing.get(key)
        if known is not None and known[0] == self.state.governing_revision:
            return known[1]
        found, cacheable = self._resolve_launch(account_id, region, image, explicit)
        if cacheable:
            self._governing[key] = (self.state.governing_revision, found)
        return found

    def _resolve_launch(self, account_id: str, region: str, image: Image,
                        explicit: tuple[str, ...]) -> tuple[tuple[LicenseConfiguration, ...], bool]:
        """The launch's configurations, and whether they hold until the governing revision
        changes (no configuration of another account was judged by its RAM shares)."""
        found = {arn: self.for_launch(account_id, region, arn) for arn in explicit}
        cacheable = all(cfg.owner_id == account_id for cfg in found.values())
        for cfg, association in self.state.ami_index.get((region, image.image_id), ()):
            if association.ami_scope == CROSS_ACCOUNT:
                found.setdefault(cfg.arn, cfg)
            elif association.associating_account == account_id:
                if cfg.owner_id != account_id:
                    cacheable = False
                if self.sharing.usable_by(cfg, account_id):
                    found.setdefault(cfg.arn, cfg)
        limit = self.state.quotas.configurations_per_resource
        if len(found) > limit:
            raise invalid_parameter_value(f"The launch would associate {len(found)} license configurations with each "
                                          f"instance; a resource can have at most {limit}")
        return tuple(found.values()), cacheable


def unknown_configuration(arn: str, account_id: str, region: str) -> str:
    """Why ``arn`` names no configuration: malformed, or unknown in ``region``."""
    if parse_arn(arn) is None or "license-configuration:lic-" not in arn:
        return (f"License configuration ARN {arn!r} is malformed; expected "
                f"arn:aws:license-manager:{region}:{account_id}:license-configuration:lic-<32 hex>")
    return f"License configuration {arn} does not exist in {region}"


def _foreign(cfg: LicenseConfiguration, account_id: str) -> str:
    return f"License configuration {cfg.arn} belongs to account {cfg.owner_id}, not to {account_id}"
