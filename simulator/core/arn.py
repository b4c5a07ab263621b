"""Amazon Resource Names: parsing and formatting, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>[0-9]{12})?:(?P<resource>.+)"
)


@dataclass(frozen=True, slots=True)
class Arn:
    """The parts of an ARN: ``arn:partition:service:region:account:type<sep>id``.

    ``resource_type`` is what precedes the first ``/`` or ``:`` of the resource part
    (``instance``, ``license-configuration``), ``resource_id`` what follows it; a resource
    part without a separator has an empty type.
    """

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource_id: str
    separator: str = "/"

    def __str__(self) -> str:
        resource = f"{self.resource_type}{self.separator}{self.resource_id}" if self.resource_type else self.resource_id
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{resource}"


def parse_arn(text: str) -> Arn | None:
    """The parts of ``text``, or None if it is not an ARN."""
    match = _ARN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    resource = match["resource"]
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    if cut < 0:
        resource_type, separator, resource_id = "", "", resource
    else:
        resource_type, separator, resource_id = resource[:cut], resource[cut], resource[cut + 1:]
    return Arn(
        partition=match["partition"], service=match["service"], region=match["region"],
        account=match["account"] or "", resource_type=resource_type, resource_id=resource_id,
        separator=separator,
    )


def format_arn(
    service: str, region: str, account: str, resource_type: str, resource_id: str, separator: str = "/"
) -> str:
    """``arn:aws:<service>:<region>:<account>:<resource_type><separator><resource_id>`` (as
    ``str(Arn(...))`` writes it, without building one: every instance and host ARN is made here)."""
    resource = f"{resource_type}{separator}{resource_id}" if resource_type else resource_id
    return f"arn:aws:{service}:{region}:{account}:{resource}"
