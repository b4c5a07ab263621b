"""An RDS option group and the Oracle options it may carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.core.arn import format_arn

_SQLT_PACKS = {"T": ("diagnostic pack sqlt", "tuning pack sqlt"), "D": ("diagnostic pack sqlt",), "N": ()}



@dataclass(slots=True, eq=False)
class OptionGroup:
    """An option group: ``options`` maps an option name to its settings."""

    name: str
    account_id: str
    region: str
    engine_name: str
    major_engine_version: str
    description: str
    options: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    default: bool = False

    @property
    def arn(self) -> str:
        """The option group's ARN."""
        return format_arn("rds", self.region, self.account_id, "og", self.name, ":")

    def license_packs(self) -> tuple[str, ...]:
        """The Oracle license packs its options use."""
        packs: list[str] = []
        for name, settings in self.options.items():
            if name in ("OLS", "OLAP"):
                packs.append(name.lower())
            elif name == "SQLT":
                packs.extend(_SQLT_PACKS[settings.get("LICENSE_PACK", "N")])
        return tuple(packs)
