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

The fleet as it stood when the logs begin (optional):

- ``initial_instances``: what ``aws ec2 describe-instances`` prints (``{"Reservations":
  [...]}``), as the path of its JSON file (relative to the what-if file), a list of such
  paths, or the document itself. Its running and stopped instances exist from the start,
  launched as the configurations would have counted them.
- ``default_instance_type`` (default ``m5.large``) and ``default_image_id`` (default: an AMI
  no configuration tracks): what the replay gives the stand-in it makes for an instance it
  first meets in a later call (a start or stop of an instance launched before the logs).
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

_AMI = re.compile(r"ami-[0-9a-f]{8,17}", re.IGNORECASE)
_KEYS = ("license_configurations", "management_account_id", "initial_instances", "default_instance_type",
         "default_image_id")
#: The instance type of a stand-in when the what-if names none.
DEFAULT_INSTANCE_TYPE = "m5.large"


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
    """The license configurations to replay a history against, and the fleet it starts from.

    Attributes:
        initial_instances: The instances of ``initial_instances`` (describe-instances' form,
            each with its reservation's ``OwnerId``).
    """

    configurations: tuple[WhatIfConfiguration, ...]
    management_account_id: str | None = None
    initial_instances: tuple[dict[str, Any], ...] = ()
    default_instance_type: str = DEFAULT_INSTANCE_TYPE
    default_image_id: str | None = None

    @classmethod
    def parse(cls, value: WhatIf | Mapping[str, Any] | str | Path) -> WhatIf:
        """A what-if from a mapping or a JSON file (see the module docstring).

        Raises:
            FileNotFoundError: if the what-if file or a file of ``initial_instances`` does
                not exist.
            WhatIfError: for a file that is not JSON, an unknown key, fields that
                CreateLicenseConfiguration would refuse, an AMI id that is not one, or
                initial instances that are not describe-instances output.
        """
        if isinstance(value, WhatIf):
            return value
        base = Path(value).parent if isinstance(value, (str, Path)) else Path.cwd()
        value = json_input(value, "what-if", WhatIfError)
        if not isinstance(value, Mapping) or set(value) - set(_KEYS):
            raise WhatIfError(f"a what-if is a JSON object with the keys {', '.join(_KEYS)}")
        manager = value.get("management_account_id")
        if manager is not None and not is_account_id(manager):
            raise WhatIfError(f"management_account_id must be 12 digits, got {manager!r}")
        instance_type = value.get("default_instance_type", DEFAULT_INSTANCE_TYPE)
        if not isinstance(instance_type, str) or not instance_type:
            raise WhatIfError(f"default_instance_type must be an instance type such as m5.large, got {instance_type!r}")
        image_id = value.get("default_image_id")
        if image_id is not None and (not isinstance(image_id, str) or not _AMI.fullmatch(image_id)):
            raise WhatIfError(f"default_image_id must be an AMI id (ami-...), got {image_id!r}")
        instances = initial_instances(value.get("initial_instances", []), base)
        return cls(_configurations(value), manager, instances, instance_type,
                   image_id.lower() if image_id else None)


def _configurations(value: Mapping[str, Any]) -> tuple[WhatIfConfiguration, ...]:
    """The what-if's license configurations, checked against CreateLicenseConfiguration.

    Raises:
        WhatIfError: naming the configuration and what is wrong with it.
    """
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
        configurations.append(WhatIfConfiguration(fields, tuple(a.lower() for a in amis)))
    return tuple(configurations)


def initial_instances(given: Any, base: Path) -> tuple[dict[str, Any], ...]:
    """The running and stopped instances of ``initial_instances`` (see the module
    docstring), each with its reservation's ``OwnerId``.

    Args:
        given: A path, a list of paths, or describe-instances documents.
        base: The folder relative paths start from.

    Raises:
        FileNotFoundError: for a file that does not exist.
        WhatIfError: for a document that is not describe-instances output, naming it and
            the instance at fault.
    """
    items = given if isinstance(given, list) else [given]
    found: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            path = Path(item) if Path(item).is_absolute() else base / item
            where, document = str(path), json_input(path, "initial_instances", WhatIfError)
        else:
            where, document = "initial_instances", item
        reservations = document.get("Reservations") if isinstance(document, Mapping) else None
        if not isinstance(reservations, list):
            raise WhatIfError(f"{where} is not the output of aws ec2 describe-instances (no \"Reservations\" list)")
        for r, reservation in enumerate(reservations):
            for i, instance in enumerate(reservation.get("Instances", []) if isinstance(reservation, Mapping) else []):
                at = f"{where}: Reservations[{r}].Instances[{i}]"
                found.append(_instance(instance, reservation.get("OwnerId"), at))
    return tuple(found)


def _instance(instance: Any, owner: Any, where: str) -> dict[str, Any]:
    """One instance of describe-instances output, checked, with its owner account.

    Raises:
        WhatIfError: for a missing or malformed member, naming it.
    """
    if not isinstance(instance, Mapping):
        raise WhatIfError(f"{where} is not an instance object")
    missing = [k for k in ("InstanceId", "InstanceType", "ImageId", "Placement", "State") if not instance.get(k)]
    if missing:
        raise WhatIfError(f"{where} lacks {', '.join(missing)}")
    if not isinstance(owner, str) or not is_account_id(owner):
        raise WhatIfError(f"{where}: its reservation's OwnerId must be an account id of 12 digits, got {owner!r}")
    placement, state = instance["Placement"], instance["State"]
    if not isinstance(placement, Mapping) or not placement.get("AvailabilityZone"):
        raise WhatIfError(f"{where}: Placement needs an AvailabilityZone")
    if not isinstance(state, Mapping) or not state.get("Name"):
        raise WhatIfError(f"{where}: State needs a Name")
    return {**instance, "OwnerId": owner}
