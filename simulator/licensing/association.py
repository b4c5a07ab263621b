"""A resource's association with a license configuration, and the failures of operations
on associated resources (ListFailuresForLicenseConfigurationOperations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(slots=True, eq=False)
class Association:
    """A resource associated with a license configuration."""

    resource_arn: str
    resource_type: str
    resource_id: str
    owner_id: str
    associated_at: datetime
    ami_scope: str | None = None
    associating_account: str = ""
    #: The associated Image, Instance, DedicatedHost, ManagedNode or DBInstance.
    resource: Any = None



@dataclass(slots=True)
class Failure:
    """A failed operation on a resource, as ListFailuresForLicenseConfigurationOperations
    reports it."""

    resource_arn: str
    resource_type: str
    error_message: str
    failure_time: datetime
    operation_name: str
    resource_owner_id: str
    requested_by: str
    metadata: tuple[tuple[str, str], ...] = ()
