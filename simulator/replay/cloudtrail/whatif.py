"""The what-if of a CloudTrail replay: the license configurations a history meets.

A JSON object::

    {"license_configurations": [
        {"Name": "windows-server-cores", "LicenseCountingType": "Core", "LicenseCount": 96,
         "LicenseCountHardLimit": true, "LicenseRules": ["#allowedTenancy=EC2-DedicatedHost"],
         "AssociatedAmis": ["ami-0a1b2c3d4e5f60718"]}],
     "management_account_id": "111111111111"}

Each configuration takes CreateLicenseConfiguration's fields, plus ``AssociatedAmis``: the
AMIs it is associated with for all accounts (AMI association scope cross-account).
``management_account_id`` (optional) names the account that owns them and manages the
organization; by default the trail's first account (lowest id).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.validate import ParamValidator

from simulator.aws.models import operation_model
from simulator.core.validation import is_account_id
from simulator.replay.inputs import json_input

_AMI = re.compile(r"ami-[0-9a-f]{8,17}")
_KEYS = ("license_configurations", "management_account_id")


class WhatIfError(ValueError):
    """A what-if file that cannot be used, naming what is wrong."""


@dataclass(frozen=True)
class WhatIfConfiguration:
    """One license configuration of the what-if."""

    fields: dict[str, Any]
    associated_amis: tuple[str, ...]

    @property
    def name(self) -> str:
        """The configuration's name."""
        return self.fields["Name"]


@dataclass(frozen=True)
class WhatIf:
    """The license configurations to replay a history against."""

    configurations: tuple[WhatIfConfiguration, ...]
    management_account_id: str | None = None

    @classmethod
    def parse(cls, value: WhatIf | Mapping[str, Any] | str | Path) -> WhatIf:
        """A what-if from a mapping or a JSON file (see the module docstring).

        Raises:
            FileNotFoundError: if the file does not exist.
            WhatIfError: for a file that is not JSON, an unknown key, fields that
                CreateLicenseConfiguration would refuse, or an AMI id that is not one.
        """
        if isinstance(value, WhatIf):
            return value
        value = json_input(value, "what-if", WhatIfError)
        if not isinstance(value, Mapping) or set(value) - set(_KEYS):
            raise WhatIfError(f"a what-if is a JSON object with the keys {', '.join(_KEYS)}")
        manager = value.get("management_account_id")
        if manager is not None and not is_account_id(manager):
            raise WhatIfError(f"management_account_id must be 12 digits, got {manager!r}")
        items = value.get("license_configurations")
        if not isinstance(items, list) or not items:
            raise WhatIfError("license_configurations must be a non-empty list of CreateLicenseConfiguration "
                              "fields with AssociatedAmis")
        shape = operation_model("license-manager", "CreateLicenseConfiguration").input_shape
        configurations = []
        for index, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise WhatIfError(f"license_configurations[{index}] must be an object")
            fields = {k: v for k, v in item.items() if k != "AssociatedAmis"}
            report = ParamValidator().validate(fields, shape)
            if report.has_errors():
                raise WhatIfError(f"license_configurations[{index}] ({fields.get('Name', 'no name')}): "
                                  f"{report.generate_report()}")
            amis = item.get("AssociatedAmis", [])
            if not isinstance(amis, list) or not all(isinstance(a, str) and _AMI.fullmatch(a) for a in amis):
                raise WhatIfError(f"license_configurations[{index}] ({fields['Name']}): AssociatedAmis must be a "
                                  f"list of AMI ids (ami-...), got {amis!r}")
            configurations.append(WhatIfConfiguration(fields, tuple(amis)))
        return cls(tuple(configurations), manager)
