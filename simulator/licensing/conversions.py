"""License type conversions (License Manager User Guide, "License type conversions in License
Manager", "Prerequisites", "Convert a license type", "License type conversion limits",
"Troubleshooting license type conversion").

CreateLicenseConversionTaskForResource validates the request and the instance first, and
refuses it, changing nothing, when a check fails, each with its own message:

- the resource is an EC2 instance of the caller; the source is its current usage operation;
  the pair of billing codes is one ``conversion_paths`` allows;
- no other conversion of the instance is in progress; the instance is stopped;
- it is a Systems Manager managed node whose inventory License Manager holds;
- a product leaving license included for BYOL needs an instance launched from your own VM
  image (ImportImage), not from an AWS-provided AMI;
- license-included SQL Server cannot run on a Dedicated Host and needs at least 4 vCPUs;
- the new billing code is permitted on the instance's tenancy (``billing.PERMITTED_TENANCIES``);
- SQL Server becoming license included must be installed in that edition, as License
  Manager's inventory shows it;
- the configurations that apply to the new license type but not to the current one would
  take the instance as a start would (hard limits, rules).

The task then runs on the simulation clock: ``IN_PROGRESS``; after ``ConversionTimings.billing``
the instance's usage operation changes (the instance may have started and stopped meanwhile;
the tenancy and limit checks are made again, and a task whose instance was terminated or
no longer passes them ends ``FAILED``), License Manager disassociates it from discovering
configurations whose License Included rules now all exclude it, and the task ends
``SUCCEEDED``. When Windows Server becomes license included, an activation step follows
after ``ConversionTimings.activation``: License Manager points the instance at the AWS KMS
servers. A fault (``fail_activation``) makes that step fail: the task ends ``FAILED`` with a
status message naming the step, the instance keeps its new usage operation, and Windows stays
unactivated until the user switches the KMS server (``Ec2Service.set_kms_server``). When
Windows Server becomes BYOL, License Manager does not activate it: the user points it at
their own KMS server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from simulator.core.arn import parse_arn
from simulator.core.billing import USAGE_OPERATIONS, tenancy_refusal
from simulator.core.errors import ServiceError
from simulator.core.validation import invalid
from simulator.licensing.conversion_paths import ConversionPath, conversion_path
from simulator.licensing.discovery import Discovery
from simulator.licensing.enforcement import Enforcement
from simulator.licensing.errors import validation_exception
from simulator.licensing.filters import filter_by
from simulator.licensing.inventory import ResourceInventory
from simulator.licensing.records import ConversionRecord
from simulator.licensing.state import LicenseState
from simulator.world.ec2 import Instance, InstanceState
from simulator.world.ec2.instance import AWS_KMS_SERVER

OPERATION = "CreateLicenseConversionTaskForResource"
#: The filters ListLicenseConversionTasks accepts, and the field of a task each tests.
_TASK_FILTERS = {"ResourceArns": lambda t: t.resource_arn, "Status": lambda t: t.status}
#: License-included SQL Server needs at least this many vCPUs ("License type conversion limits").
SQL_INCLUDED_MIN_VCPUS = 4
ACTIVATION_RUNBOOK = "AWSSupport-ActivateWindowsWithAmazonLicense"
_GONE = (InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED)


@dataclass(frozen=True)
class ConversionTimings:
    """How long a conversion task's steps take, in simulated seconds: from creation to the
    usage operation change (``billing``), and from there to the end of the Windows
    activation step, when Windows Server becomes license included (``activation``)."""

    billing: float = 600.0
    activation: float = 300.0


class ConversionStatus(StrEnum):
    """A conversion task's status (the model's LicenseConversionTaskStatus)."""

    IN_PROGRESS = "IN_PROGRESS"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass(slots=True, eq=False)
class ConversionTask:
    """One license type conversion task."""

    task_id: str
    account_id: str
    region: str
    instance: Instance
    path: ConversionPath
    start_time: datetime
    status: ConversionStatus = ConversionStatus.IN_PROGRESS
    status_message: str | None = None
    license_conversion_time: datetime | None = None
    end_time: datetime | None = None

    @property
    def resource_arn(self) -> str:
        """The converted instance's ARN."""
        return self.instance.arn


class Conversions:
    """License type conversion tasks of every account and region.

    Args:
        state: The engine's shared state.
        inventory: License Manager's inventory copies (managed nodes, installed SQL Server).
        discovery: Releases converted instances that discovery rules now exclude.
        enforcement: Judges what a conversion makes configurations count.
        timings: How long the steps take (defaults: ``ConversionTimings()``).
    """

    def __init__(self, state: LicenseState, inventory: ResourceInventory, discovery: Discovery,
                 enforcement: Enforcement, timings: ConversionTimings | None = None) -> None:
        self.state = state
        self.inventory = inventory
        self.discovery = discovery
        self.enforcement = enforcement
        self.timings = timings or ConversionTimings()
        self._tasks: dict[tuple[str, str], dict[str, ConversionTask]] = {}
        self._running: dict[str, ConversionTask] = {}
        self._failing_activation: set[str] = set()
        self._rows = state.records.register("conversions", ConversionRecord)

    # -- the API ----------------------------------------------------------------------------

    def create(self, account_id: str, region: str, resource_arn: str, source: str | None, destination: str | None,
               *, product_codes: bool = False, principal: str = "") -> ConversionTask:
        """CreateLicenseConversionTaskForResource: validate, then start the task.

        Raises:
            ServiceError: InvalidParameterValueException for a resource, source or destination
                the table does not allow; ValidationException for an instance that does not
                meet a prerequisite or limit. Nothing changes then.
        """
        instance = self._instance(account_id, region, resource_arn)
        if product_codes:
            raise invalid("ProductCodes name AWS Marketplace products of Linux subscription conversions; "
                          "Windows Server and SQL Server conversions take a UsageOperation only")
        for field, code in (("SourceLicenseContext", source), ("DestinationLicenseContext", destination)):
            if not code:
                raise invalid(f"{field}.UsageOperation is required")
        assert source is not None and destination is not None
        if source != instance.usage_operation:
            raise invalid(f"SourceLicenseContext.UsageOperation {source} does not match the usage operation of "
                          f"instance {instance.instance_id}, {instance.usage_operation} ({instance.platform_details})")
        path = conversion_path(source, destination)
        self._check(instance, path, principal)
        now = self.state.clock.now()
        task = ConversionTask(task_id="lct-" + self.state.ids.token("lct", 32), account_id=account_id,
                              region=region, instance=instance, path=path, start_time=now)
        self._tasks.setdefault((account_id, region), {})[task.task_id] = task
        self._running[instance.instance_id] = task
        self._record(task)
        self.state.clock.call_later(self.timings.billing, self._change_billing, task)
        return task

    def get(self, account_id: str, region: str, task_id: str) -> ConversionTask:
        """GetLicenseConversionTask.

        Raises:
            ServiceError: InvalidParameterValueException for a task the caller does not have.
        """
        task = self._tasks.get((account_id, region), {}).get(task_id)
        if task is None:
            raise invalid(f"License conversion task {task_id!r} does not exist for account {account_id} in {region}")
        return task

    def list(self, account_id: str, region: str, filters: list[tuple[str, list[str]]]) -> list[ConversionTask]:
        """ListLicenseConversionTasks: the caller's tasks, oldest first, filtered by
        ``ResourceArns`` and ``Status`` (any of the values of each filter, every filter).

        Raises:
            ServiceError: InvalidParameterValueException for an unknown filter or status.
        """
        for name, values in filters:
            bad = [v for v in values if v not in tuple(ConversionStatus)] if name == "Status" else []
            if bad:
                raise invalid(f"Status filter value {bad[0]!r} is invalid; allowed values: "
                              f"{', '.join(ConversionStatus)}")
        return filter_by(self._tasks.get((account_id, region), {}).values(), filters, _TASK_FILTERS)

    def fail_activation(self, instance_id: str) -> None:
        """Make the next Windows activation step of a conversion of ``instance_id`` fail."""
        self._failing_activation.add(instance_id)

    # -- validation -------------------------------------------------------------------------

    def _instance(self, account_id: str, region: str, resource_arn: str) -> Instance:
        arn = parse_arn(resource_arn)
        if arn is None or arn.service != "ec2" or arn.resource_type != "instance":
            raise invalid(f"ResourceArn {resource_arn!r} is not the ARN of an EC2 instance "
                          f"(arn:aws:ec2:{region}:{account_id}:instance/i-...)")
        if arn.region != region or arn.account != account_id:
            raise invalid(f"ResourceArn {resource_arn} names an instance of account {arn.account or '(none)'} in "
                          f"{arn.region or '(no region)'}; License Manager converts the caller's own instances "
                          f"({account_id} in {region})")
        instance = self.state.world.region(region).ec2.instances.find(account_id, arn.resource_id)
        if instance is None or instance.state in _GONE:
            raise invalid(f"Instance {arn.resource_id} does not exist in account {account_id} in {region}")
        return instance

    def _check(self, instance: Instance, path: ConversionPath, principal: str) -> None:
        instance_id = instance.instance_id
        running = self._running.get(instance_id)
        if running is not None:
            raise validation_exception(f"Conversion task {running.task_id} of instance {instance_id} is still in "
                                       "progress")
        if instance.state is not InstanceState.STOPPED:
            raise validation_exception(f"Instance {instance_id} is {instance.state}: it must be stopped before its "
                                       "license type is converted (it may start and stop while the task runs)")
        if not self.discovery.has_inventory(instance):
            raise validation_exception(f"Instance {instance_id} is not a Systems Manager managed node whose inventory "
                                       "License Manager holds: it needs SSM Agent and Systems Manager Inventory, and "
                                       "License Manager takes the inventory within hours of its collection")
        if path.to_byol and not instance.image.imported:
            raise validation_exception(f"{path.describe()}: instance {instance_id} was launched from AMI "
                                       f"{instance.image.image_id}, not from your own VM image (VM Import/Export); "
                                       "instances launched from an AWS-provided AMI cannot convert to BYOL")
        self._check_placement(instance, path)
        if path.sql == "license included":
            edition = path.sql_edition
            installed = self.inventory.applications(instance_id, instance.region)
            if not any(re.search(rf"SQL Server\b.*\b{edition}\b", name) for name in installed):
                raise validation_exception(f"SQL Server {edition} cannot become license included on instance "
                                           f"{instance_id}: License Manager's inventory of it shows no SQL Server "
                                           f"{edition} (applications: {', '.join(installed) or 'none'})")
        self.enforcement.check_conversion(instance, path.destination, OPERATION, principal, "ValidationException")

    @staticmethod
    def _check_placement(instance: Instance, path: ConversionPath) -> None:
        """The limits that depend on where and how large the instance is (they may change
        while a task runs, so its billing step checks them again)."""
        instance_id = instance.instance_id
        if path.sql_included:
            if instance.tenancy == "host":
                where = f"host {instance.host_id}" if instance.host_id else "a Dedicated Host"
                raise validation_exception("License included SQL Server cannot be run on a Dedicated Host: instance "
                                           f"{instance_id} has tenancy host ({where}); move it to shared tenancy or a "
                                           "Dedicated Instance first")
            if instance.vcpus < SQL_INCLUDED_MIN_VCPUS:
                raise validation_exception("A license included SQL Server instance must have at least "
                                           f"{SQL_INCLUDED_MIN_VCPUS} vCPUs; instance {instance_id} "
                                           f"({instance.instance_type.name}) has {instance.vcpus}")
        refusal = tenancy_refusal(path.destination, instance.tenancy, f"instance {instance_id}")
        if refusal is not None:
            raise validation_exception(refusal)

    # -- the task's steps --------------------------------------------------------------------

    def _change_billing(self, task: ConversionTask) -> None:
        instance = task.instance
        if instance.state in _GONE:
            self._end(task, ConversionStatus.FAILED, f"Instance {instance.instance_id} was terminated before its "
                                                     "usage operation changed")
            return
        try:
            self._check_placement(instance, task.path)
            self.enforcement.check_conversion(instance, task.path.destination, OPERATION, "", "ValidationException")
        except ServiceError as error:
            self._end(task, ConversionStatus.FAILED, f"The usage operation was not changed: {error.message}")
            return
        self.state.world.region(task.region).ec2.set_usage_operation(instance, task.path.destination)
        task.license_conversion_time = self.state.clock.now()
        self.discovery.release_converted(instance)
        if task.path.windows_to_included:
            self.state.clock.call_later(self.timings.activation, self._activate_windows, task)
        else:
            self._end(task, ConversionStatus.SUCCEEDED)

    def _activate_windows(self, task: ConversionTask) -> None:
        instance = task.instance
        if instance.instance_id in self._failing_activation:
            self._failing_activation.discard(instance.instance_id)
            self._end(task, ConversionStatus.FAILED, (
                f"Windows activation step failed: the KMS server of instance {instance.instance_id} was not switched "
                f"to the AWS KMS servers ({AWS_KMS_SERVER}). Its usage operation is {instance.usage_operation} "
                f"({USAGE_OPERATIONS[instance.usage_operation]}) since "
                f"{task.license_conversion_time:%Y-%m-%dT%H:%M:%SZ}. "
                f"Activate Windows with the {ACTIVATION_RUNBOOK} Automation runbook, or log in to the instance "
                f"and run slmgr.vbs /skms {AWS_KMS_SERVER}"))
            return
        if instance.state not in _GONE:
            self.state.world.region(task.region).ec2.set_kms_server(instance, AWS_KMS_SERVER)
        self._end(task, ConversionStatus.SUCCEEDED)

    def _end(self, task: ConversionTask, status: ConversionStatus, message: str | None = None) -> None:
        task.status = status
        task.status_message = message
        task.end_time = self.state.clock.now()
        self._running.pop(task.instance.instance_id, None)
        self._record(task)

    def _record(self, task: ConversionTask) -> None:
        self._rows.append((self.state.clock.seconds, task.task_id, task.account_id, task.region,
                           task.instance.instance_id, task.path.source, task.path.destination, str(task.status),
                           task.status_message or ""))


