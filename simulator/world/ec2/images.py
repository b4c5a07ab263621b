"""AMIs: billing codes, the built-in catalog of public AMIs, the Image entity, image
imports, and the image service of one region."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum

from simulator.core.errors import ServiceError
from simulator.core.random import stable_key
from simulator.world.accounts import ACCOUNT_ID
from simulator.world.ec2.context import RegionContext, check_enum, check_id, check_tags
from simulator.world.events import ImageAvailable, ImageDeregistered, ImageRegistered
from simulator.world.filters import compile_filters

#: UsageOperation billing code -> PlatformDetails, as in the EC2 User Guide's
#: "AMI billing information fields" table and the License Manager User Guide's
#: "Eligible license types for license type conversion" table.
USAGE_OPERATIONS: dict[str, str] = {
    "RunInstances": "Linux/UNIX",
    "RunInstances:00g0": "Red Hat BYOL Linux",
    "RunInstances:0010": "Red Hat Enterprise Linux",
    "RunInstances:1010": "Red Hat Enterprise Linux with HA",
    "RunInstances:1014": "Red Hat Enterprise Linux with SQL Server Standard and HA",
    "RunInstances:1110": "Red Hat Enterprise Linux with SQL Server Enterprise and HA",
    "RunInstances:0014": "Red Hat Enterprise Linux with SQL Server Standard",
    "RunInstances:0210": "Red Hat Enterprise Linux with SQL Server Web",
    "RunInstances:0110": "Red Hat Enterprise Linux with SQL Server Enterprise",
    "RunInstances:0100": "SQL Server Enterprise",
    "RunInstances:0004": "SQL Server Standard",
    "RunInstances:0200": "SQL Server Web",
    "RunInstances:000g": "SUSE Linux",
    "RunInstances:0g00": "Ubuntu Pro",
    "RunInstances:0002": "Windows",
    "RunInstances:0800": "Windows BYOL",
    "RunInstances:0102": "Windows with SQL Server Enterprise",
    "RunInstances:0006": "Windows with SQL Server Standard",
    "RunInstances:0202": "Windows with SQL Server Web",
}

LINUX_UNIX = "RunInstances"

#: RegisterImage BillingProducts codes and the billing code an AMI gets from them. A set
#: of codes maps to the code of its combination (RHEL plus the High Availability add-on).
BILLING_PRODUCTS: dict[frozenset[str], str] = {
    frozenset({"bp-6ba54002"}): "RunInstances:0002",  # Windows
    frozenset({"bp-6fa54006"}): "RunInstances:0010",  # Red Hat Enterprise Linux
    frozenset({"bp-6fa54006", "bp-79a54010"}): "RunInstances:1010",  # RHEL with HA
    frozenset({"bp-63a5400a"}): "RunInstances:00g0",  # Red Hat Cloud Access (BYOL)
}
KNOWN_BILLING_PRODUCTS = sorted(set().union(*BILLING_PRODUCTS))


def is_windows(usage_operation: str) -> bool:
    """Whether the billing code runs Windows (its PlatformDetails start with Windows)."""
    return USAGE_OPERATIONS.get(usage_operation, "").startswith("Windows")


class Billed:
    """The EC2 fields derived from a ``usage_operation`` billing code (AMIs, instances)."""

    __slots__ = ()
    usage_operation: str

    @property
    def platform_details(self) -> str:
        """The PlatformDetails that goes with the billing code."""
        return USAGE_OPERATIONS[self.usage_operation]

    @property
    def platform(self) -> str | None:
        """``"windows"`` on Windows, None otherwise (as EC2's Platform field)."""
        return "windows" if is_windows(self.usage_operation) else None


class ImageSource(Enum):
    """How an AMI came to exist."""

    PUBLIC = "public"
    CREATED = "created"
    COPIED = "copied"
    REGISTERED = "registered"
    IMPORTED = "imported"


@dataclass(slots=True, eq=False)
class Image(Billed):
    """An AMI in one region.

    ``imported`` marks an AMI made from your own VM image (ImportImage), and AMIs created or
    copied from it: the license type conversion rules ask for it.
    """

    image_id: str
    region: str
    owner_id: str
    name: str
    description: str
    architecture: str
    usage_operation: str
    creation_date: datetime
    source: ImageSource
    state: str = "available"
    public: bool = False
    image_owner_alias: str | None = None
    imported: bool = False
    launch_permissions: set[str] = field(default_factory=set)
    tags: dict[str, str] = field(default_factory=dict)
    source_instance_id: str | None = None
    source_image_id: str | None = None
    source_region: str | None = None
    billing_products: tuple[str, ...] = ()
    import_license_type: str | None = None
    license_configuration_arns: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        """The AMI's ARN (AMIs have no account in their ARN)."""
        return f"arn:aws:ec2:{self.region}::image/{self.image_id}"

    def launchable_by(self, account_id: str) -> bool:
        """Whether ``account_id`` may launch from (and see) this AMI."""
        return (
            self.owner_id == account_id or self.public or account_id in self.launch_permissions
        )


@dataclass(frozen=True, slots=True)
class PublicImage:
    """A row of the built-in public AMI catalog."""

    name: str
    description: str
    owner_id: str
    architecture: str
    usage_operation: str


AMAZON = "137112412989"
AMAZON_WINDOWS = "801119661308"
RED_HAT = "309956199498"
SUSE = "013907871322"
CANONICAL = "099720109477"

#: Public AMIs present in every region. Owners are the publishing accounts; all carry the
#: ``amazon`` owner alias, so ``DescribeImages(Owners=["amazon"])`` finds them.
PUBLIC_IMAGES: tuple[PublicImage, ...] = (
    PublicImage("al2023-ami-2023.6.20250107.0-kernel-6.1-x86_64", "Amazon Linux 2023 AMI", AMAZON, "x86_64", "RunInstances"),
    PublicImage("al2023-ami-2023.6.20250107.0-kernel-6.1-arm64", "Amazon Linux 2023 AMI", AMAZON, "arm64", "RunInstances"),
    PublicImage("amzn2-ami-kernel-5.10-hvm-2.0.20250108.0-x86_64-gp2", "Amazon Linux 2 Kernel 5.10 AMI", AMAZON, "x86_64", "RunInstances"),
    PublicImage("amzn2-ami-kernel-5.10-hvm-2.0.20250108.0-arm64-gp2", "Amazon Linux 2 Kernel 5.10 AMI", AMAZON, "arm64", "RunInstances"),
    PublicImage("amzn2-x86_64-SQL_2019_Standard-2024.12.10", "Amazon Linux 2 with SQL Server 2019 Standard", AMAZON, "x86_64", "RunInstances:0004"),
    PublicImage("amzn2-x86_64-SQL_2019_Enterprise-2024.12.10", "Amazon Linux 2 with SQL Server 2019 Enterprise", AMAZON, "x86_64", "RunInstances:0100"),
    PublicImage("amzn2-x86_64-SQL_2019_Web-2024.12.10", "Amazon Linux 2 with SQL Server 2019 Web", AMAZON, "x86_64", "RunInstances:0200"),
    PublicImage("RHEL-9.5.0_HVM-20241211-x86_64-0-Hourly2-GP3", "Provided by Red Hat, Inc.", RED_HAT, "x86_64", "RunInstances:0010"),
    PublicImage("RHEL-9.5.0_HVM-20241211-arm64-0-Hourly2-GP3", "Provided by Red Hat, Inc.", RED_HAT, "arm64", "RunInstances:0010"),
    PublicImage("RHEL_HA-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3", "Provided by Red Hat, Inc.", RED_HAT, "x86_64", "RunInstances:1010"),
    PublicImage("suse-sles-15-sp6-v20250110-hvm-ssd-x86_64", "SUSE Linux Enterprise Server 15 SP6 (HVM, 64-bit, SSD-Backed)", SUSE, "x86_64", "RunInstances:000g"),
    PublicImage("suse-sles-15-sp6-v20250110-hvm-ssd-arm64", "SUSE Linux Enterprise Server 15 SP6 (HVM, 64-bit, SSD-Backed)", SUSE, "arm64", "RunInstances:000g"),
    PublicImage("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115", "Canonical, Ubuntu, 24.04, amd64 noble image", CANONICAL, "x86_64", "RunInstances"),
    PublicImage("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250115", "Canonical, Ubuntu, 24.04, arm64 noble image", CANONICAL, "arm64", "RunInstances"),
    PublicImage("ubuntu-pro-server/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-pro-server-20250115", "Canonical, Ubuntu Pro, 24.04, amd64 noble image", CANONICAL, "x86_64", "RunInstances:0g00"),
    PublicImage("Windows_Server-2022-English-Full-Base-2025.01.15", "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0002"),
    PublicImage("Windows_Server-2019-English-Full-Base-2025.01.15", "Microsoft Windows Server 2019 with Desktop Experience Locale English AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0002"),
    PublicImage("Windows_Server-2016-English-Full-Base-2025.01.15", "Microsoft Windows Server 2016 with Desktop Experience Locale English AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0002"),
    PublicImage("Windows_Server-2022-English-Full-SQL_2022_Standard-2025.01.15", "Microsoft Windows Server 2022 Full Locale English with SQL Standard 2022 AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0006"),
    PublicImage("Windows_Server-2022-English-Full-SQL_2022_Enterprise-2025.01.15", "Microsoft Windows Server 2022 Full Locale English with SQL Enterprise 2022 AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0102"),
    PublicImage("Windows_Server-2022-English-Full-SQL_2022_Web-2025.01.15", "Microsoft Windows Server 2022 Full Locale English with SQL Web 2022 AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0202"),
    PublicImage("Windows_Server-2019-English-Full-SQL_2019_Standard-2025.01.15", "Microsoft Windows Server 2019 Full Locale English with SQL Standard 2019 AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0006"),
    PublicImage("Windows_Server-2019-English-Full-SQL_2019_Enterprise-2025.01.15", "Microsoft Windows Server 2019 Full Locale English with SQL Enterprise 2019 AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0102"),
    PublicImage("Windows_Server-2019-English-Full-SQL_2019_Web-2025.01.15", "Microsoft Windows Server 2019 Full Locale English with SQL Web 2019 AMI provided by Amazon", AMAZON_WINDOWS, "x86_64", "RunInstances:0202"),
)

#: When the public AMIs were published (their CreationDate).
PUBLIC_IMAGE_DATE = datetime(2025, 1, 15, tzinfo=timezone.utc)


def public_image_id(region: str, name: str) -> str:
    """The fixed id of a public AMI in ``region``: the same for every seed, as in AWS."""
    return f"ami-0{stable_key('public-ami', region, name):016x}"


def public_images(region: str) -> list[Image]:
    """The catalog's AMIs as Image entities of ``region``."""
    return [
        Image(
            image_id=public_image_id(region, row.name),
            region=region,
            owner_id=row.owner_id,
            name=row.name,
            description=row.description,
            architecture=row.architecture,
            usage_operation=row.usage_operation,
            creation_date=PUBLIC_IMAGE_DATE,
            source=ImageSource.PUBLIC,
            public=True,
            image_owner_alias="amazon",
        )
        for row in PUBLIC_IMAGES
    ]


IMPORT_PLATFORMS = ("Windows", "Linux")
IMPORT_LICENSE_TYPES = ("AWS", "BYOL")
ARCHITECTURES = ("x86_64", "arm64", "i386")
OWNER_ALIASES = ("self", "amazon", "aws-marketplace", "aws-backup-vault")
_IMAGE_NAME = re.compile(r"^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$")

#: The stages an import task reports while active, by the share of its duration elapsed.
_IMPORT_STAGES = (
    (0.1, "pending"),
    (0.2, "validating"),
    (0.3, "validated"),
    (0.6, "converting"),
    (0.7, "updating"),
    (0.8, "booting"),
    (0.9, "booted"),
    (1.0, "preparing ami"),
)


@dataclass(slots=True, eq=False)
class ImportImageTask:
    """A VM import (ImportImage) that yields an AMI marked as imported when it completes."""

    task_id: str
    account_id: str
    region: str
    platform: str
    license_type: str
    usage_operation: str
    architecture: str
    description: str
    started_at: float
    completes_at: float
    license_configuration_arns: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    image_id: str | None = None
    status: str = "active"

    def progress(self, now: float) -> int | None:
        """Percent done while active, None once completed (EC2 omits it then)."""
        if self.status != "active":
            return None
        share = (now - self.started_at) / (self.completes_at - self.started_at)
        return min(99, max(0, int(share * 100)))

    def status_message(self, now: float) -> str:
        """The stage EC2 would report now."""
        if self.status != "active":
            return self.status
        share = (now - self.started_at) / (self.completes_at - self.started_at)
        return next(stage for limit, stage in _IMPORT_STAGES if share < limit or limit == 1.0)


_IMAGE_FILTERS = {
    "architecture": lambda im: im.architecture,
    "description": lambda im: im.description,
    "image-id": lambda im: im.image_id,
    "image-type": lambda im: "machine",
    "is-public": lambda im: im.public,
    "name": lambda im: im.name,
    "owner-alias": lambda im: im.image_owner_alias,
    "owner-id": lambda im: im.owner_id,
    "platform": lambda im: im.platform,
    "platform-details": lambda im: im.platform_details,
    "source-instance-id": lambda im: im.source_instance_id,
    "state": lambda im: im.state,
    "usage-operation": lambda im: im.usage_operation,
}

_IMPORT_TASK_FILTERS = {
    "task-state": lambda t: t.status,
}


#: Billing codes of licenses you bring; every other code but Linux/UNIX includes the license.
BYOL_USAGE_OPERATIONS = frozenset({"RunInstances:0800", "RunInstances:00g0"})


def _license_type_of(usage_operation: str) -> str | None:
    """AWS or BYOL as a billing code implies it; None for Linux/UNIX, which fits both."""
    if usage_operation == LINUX_UNIX:
        return None
    return "BYOL" if usage_operation in BYOL_USAGE_OPERATIONS else "AWS"


def _not_found(image_id: str) -> ServiceError:
    return ServiceError("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")


class ImageService:
    """The AMIs of one region, visible to each account as EC2 shows them.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self.images: dict[str, Image] = {im.image_id: im for im in public_images(ctx.region)}
        self.import_tasks: dict[str, ImportImageTask] = {}

    # -- lookups --------------------------------------------------------------------------

    def get(self, account_id: str, image_id: str) -> Image:
        """An AMI ``account_id`` can see.

        Raises:
            ServiceError: InvalidAMIID.Malformed or InvalidAMIID.NotFound.
        """
        check_id(image_id, "ami", "InvalidAMIID")
        image = self.images.get(image_id)
        if image is None or image.state == "deregistered" or not image.launchable_by(account_id):
            raise _not_found(image_id)
        return image

    def launchable(self, account_id: str, image_id: str) -> Image:
        """An AMI ``account_id`` can launch now.

        Raises:
            ServiceError: InvalidAMIID.Malformed, InvalidAMIID.NotFound, or
                InvalidAMIID.Unavailable while it is still pending.
        """
        image = self.get(account_id, image_id)
        if image.state != "available":
            raise ServiceError(
                "InvalidAMIID.Unavailable",
                f"The image id '[{image_id}]' is not available (state {image.state})",
            )
        return image

    def owned(self, account_id: str, image_id: str) -> Image:
        """An AMI ``account_id`` owns.

        Raises:
            ServiceError: InvalidAMIID.Malformed, InvalidAMIID.NotFound, or AuthFailure for
                an AMI of another account.
        """
        image = self.get(account_id, image_id)
        if image.owner_id != account_id:
            raise ServiceError(
                "AuthFailure", f"Not authorized for image:{image_id}; account {account_id} "
                f"does not own it (owner {image.owner_id})", status=403,
            )
        return image

    def describe(
        self,
        account_id: str,
        image_ids: Iterable[str] = (),
        owners: Iterable[str] = (),
        executable_users: Iterable[str] = (),
        filters: Iterable[tuple[str, list[str]]] = (),
    ) -> list[Image]:
        """DescribeImages: the AMIs ``account_id`` can see, narrowed as EC2 does.

        Raises:
            ServiceError: InvalidAMIID.Malformed/NotFound for a listed id,
                InvalidUserID.Malformed for a bad owner or user, InvalidParameterValue for
                an unknown filter.
        """
        image_ids, owners, executable_users = list(image_ids), list(owners), list(executable_users)
        for value in owners:
            if value not in OWNER_ALIASES and not ACCOUNT_ID.match(value):
                raise ServiceError(
                    "InvalidUserID.Malformed",
                    f"Invalid owner: '{value}' in Owners; use an account id or one of "
                    f"{', '.join(OWNER_ALIASES)}",
                )
        for value in executable_users:
            if value not in ("self", "all") and not ACCOUNT_ID.match(value):
                raise ServiceError(
                    "InvalidUserID.Malformed",
                    f"Invalid user: '{value}' in ExecutableUsers; use an account id, self or all",
                )
        matches = compile_filters(filters, _IMAGE_FILTERS, "DescribeImages")
        if image_ids:
            candidates = [self.get(account_id, image_id) for image_id in image_ids]
        else:
            candidates = [
                im for im in self.images.values()
                if im.state != "deregistered" and im.launchable_by(account_id)
            ]
        owner_set = {account_id if o == "self" else o for o in owners}
        users = {account_id if u == "self" else u for u in executable_users}
        result = []
        for image in candidates:
            if owner_set and image.owner_id not in owner_set and image.image_owner_alias not in owner_set:
                continue
            if users and not (
                ("all" in users and image.public) or users & image.launch_permissions
            ):
                continue
            if matches(image):
                result.append(image)
        return result

    # -- making AMIs ----------------------------------------------------------------------

    def _check_name(self, account_id: str, name: str) -> None:
        if not _IMAGE_NAME.match(name):
            raise ServiceError(
                "InvalidAMIName.Malformed",
                f"AMI name {name!r} is invalid: Name must be 3 to 128 characters of letters, "
                "numbers, spaces and ( ) [ ] . / - ' @ _",
            )
        for image in self.images.values():
            if image.owner_id == account_id and image.name == name and image.state != "deregistered":
                raise ServiceError(
                    "InvalidAMIName.Duplicate",
                    f"AMI name {name} is already in use by AMI {image.image_id}",
                )

    def _add(self, image: Image) -> Image:
        self.images[image.image_id] = image
        self.ctx.bus.publish(ImageRegistered(image))
        if image.state == "pending":
            self.ctx.clock.call_later(self.ctx.timings.image_pending, self._become_available, image)
        return image

    def _become_available(self, image: Image) -> None:
        if image.state == "pending":
            image.state = "available"
            self.ctx.bus.publish(ImageAvailable(image))

    def _image(self, account_id: str, name: str, description: str, architecture: str,
               usage_operation: str, source: ImageSource, state: str, tags: dict[str, str],
               **extra: object) -> Image:
        return Image(
            image_id=self.ctx.ids.resource_id("ami"),
            region=self.ctx.region,
            owner_id=account_id,
            name=name,
            description=description,
            architecture=architecture,
            usage_operation=usage_operation,
            creation_date=self.ctx.clock.now(),
            source=source,
            state=state,
            tags=dict(tags),
            **extra,  # type: ignore[arg-type]
        )

    def create_from_instance(
        self, account_id: str, instance_id: str, source_image: Image, usage_operation: str,
        architecture: str, name: str, description: str = "", tags: dict[str, str] | None = None,
    ) -> Image:
        """CreateImage: a pending AMI that inherits the instance's billing code.

        Raises:
            ServiceError: InvalidAMIName.Malformed/Duplicate, tag errors.
        """
        self._check_name(account_id, name)
        check_tags(tags or {}, "TagSpecifications")
        return self._add(self._image(
            account_id, name, description, architecture, usage_operation, ImageSource.CREATED,
            "pending", tags or {}, source_instance_id=instance_id,
            imported=source_image.imported, import_license_type=source_image.import_license_type,
        ))

    def copy(
        self, account_id: str, source: Image, name: str, description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> Image:
        """CopyImage: a pending copy owned by ``account_id`` with the source's billing code.

        Raises:
            ServiceError: InvalidAMIName.Malformed/Duplicate, tag errors.
        """
        self._check_name(account_id, name)
        check_tags(tags or {}, "TagSpecifications")
        return self._add(self._image(
            account_id, name, source.description if description is None else description,
            source.architecture, source.usage_operation, ImageSource.COPIED, "pending",
            tags or {}, source_image_id=source.image_id, source_region=source.region,
            imported=source.imported, import_license_type=source.import_license_type,
            billing_products=source.billing_products,
        ))

    def register(
        self, account_id: str, name: str, description: str = "", architecture: str = "x86_64",
        billing_products: Iterable[str] = (), tags: dict[str, str] | None = None,
    ) -> Image:
        """RegisterImage: an available AMI, Linux/UNIX unless ``billing_products`` say other.

        Raises:
            ServiceError: InvalidAMIName.Malformed/Duplicate, InvalidParameterValue for an
                unknown architecture or billing product combination.
        """
        self._check_name(account_id, name)
        check_enum("Architecture", architecture, ARCHITECTURES)
        products = tuple(dict.fromkeys(billing_products))
        usage_operation = LINUX_UNIX
        if products:
            usage_operation = BILLING_PRODUCTS.get(frozenset(products), "")
            if not usage_operation:
                raise ServiceError(
                    "InvalidParameterValue",
                    f"BillingProducts {list(products)} is not a supported combination; known "
                    f"billing products: {', '.join(KNOWN_BILLING_PRODUCTS)}",
                )
        check_tags(tags or {}, "TagSpecifications")
        return self._add(self._image(
            account_id, name, description, architecture, usage_operation, ImageSource.REGISTERED,
            "available", tags or {}, billing_products=products,
        ))

    def deregister(self, account_id: str, image_id: str) -> Image:
        """DeregisterImage: the AMI can no longer be seen or launched.

        Raises:
            ServiceError: InvalidAMIID.*, AuthFailure for an AMI of another account.
        """
        image = self.owned(account_id, image_id)
        image.state = "deregistered"
        self.ctx.bus.publish(ImageDeregistered(image))
        return image

    def modify_launch_permission(
        self, account_id: str, image_id: str, add_users: Iterable[str] = (),
        remove_users: Iterable[str] = (), make_public: bool | None = None,
    ) -> Image:
        """Share the AMI with accounts (or everyone), or stop sharing it.

        Raises:
            ServiceError: InvalidAMIID.*, AuthFailure, InvalidAMIAttributeItemValue for a
                user id that is not 12 digits.
        """
        image = self.owned(account_id, image_id)
        add_users, remove_users = list(add_users), list(remove_users)
        for user in add_users + remove_users:
            if not ACCOUNT_ID.match(user):
                raise ServiceError(
                    "InvalidAMIAttributeItemValue",
                    f'Invalid attribute item value "{user}" for userId item type; it must '
                    "be a 12-digit account id",
                )
        image.launch_permissions.update(add_users)
        image.launch_permissions.difference_update(remove_users)
        if make_public is not None:
            image.public = make_public
        return image

    def modify_description(self, account_id: str, image_id: str, description: str) -> Image:
        """Set the AMI's description.

        Raises:
            ServiceError: InvalidAMIID.*, AuthFailure.
        """
        image = self.owned(account_id, image_id)
        image.description = description
        return image

    # -- VM import --------------------------------------------------------------------------

    def import_image(
        self, account_id: str, *, platform: str | None = None, license_type: str | None = None,
        usage_operation: str | None = None, architecture: str = "x86_64", description: str = "",
        license_configuration_arns: tuple[str, ...] = (), tags: dict[str, str] | None = None,
        disk_containers: int = 1,
    ) -> ImportImageTask:
        """ImportImage: a task that yields an imported AMI after the import delay.

        The platform defaults from the usage operation (Linux otherwise); the license type
        defaults to what the usage operation implies, else AWS for Windows and BYOL for Linux,
        as VM Import/Export does; the usage operation defaults from both.

        Raises:
            ServiceError: InvalidParameter when no disk is given, InvalidParameterValue for
                an unknown platform, license type or usage operation, or a usage operation that
                does not fit the platform or the license type.
        """
        if disk_containers < 1:
            raise ServiceError(
                "InvalidParameter", "DiskContainers must name at least one disk (Url or UserBucket)"
            )
        if usage_operation is not None:
            check_enum("UsageOperation", usage_operation, USAGE_OPERATIONS)
        if platform is None:
            platform = "Windows" if usage_operation and is_windows(usage_operation) else "Linux"
        check_enum("Platform", platform, IMPORT_PLATFORMS)
        if license_type is not None:
            check_enum("LicenseType", license_type, IMPORT_LICENSE_TYPES)
        check_enum("Architecture", architecture, ARCHITECTURES)
        if usage_operation is not None and is_windows(usage_operation) != (platform == "Windows"):
            raise ServiceError(
                "InvalidParameterValue",
                f"UsageOperation {usage_operation} ({USAGE_OPERATIONS[usage_operation]}) does "
                f"not fit Platform {platform}",
            )
        implied = _license_type_of(usage_operation) if usage_operation is not None else None
        if license_type is not None and implied is not None and license_type != implied:
            raise ServiceError(
                "InvalidParameterValue",
                f"LicenseType {license_type} does not fit UsageOperation {usage_operation} "
                f"({USAGE_OPERATIONS[usage_operation]}), which is {implied}",
            )
        if license_type is None:
            license_type = implied or ("AWS" if platform == "Windows" else "BYOL")
        if usage_operation is None:
            if platform == "Windows":
                usage_operation = "RunInstances:0002" if license_type == "AWS" else "RunInstances:0800"
            else:
                usage_operation = LINUX_UNIX
        check_tags(tags or {}, "TagSpecifications")
        now = self.ctx.clock.seconds
        task = ImportImageTask(
            task_id=self.ctx.ids.resource_id("import-ami"),
            account_id=account_id,
            region=self.ctx.region,
            platform=platform,
            license_type=license_type,
            usage_operation=usage_operation,
            architecture=architecture,
            description=description,
            started_at=now,
            completes_at=now + self.ctx.timings.import_image,
            license_configuration_arns=tuple(license_configuration_arns),
            tags=dict(tags or {}),
        )
        self.import_tasks[task.task_id] = task
        self.ctx.clock.call_later(self.ctx.timings.import_image, self._complete_import, task)
        return task

    def _complete_import(self, task: ImportImageTask) -> None:
        image = self._image(
            task.account_id, task.task_id, task.description, task.architecture,
            task.usage_operation, ImageSource.IMPORTED, "available", {}, imported=True,
            import_license_type=task.license_type,
            license_configuration_arns=task.license_configuration_arns,
        )
        task.status = "completed"
        task.image_id = image.image_id
        self._add(image)

    def describe_import_tasks(
        self, account_id: str, task_ids: Iterable[str] = (),
        filters: Iterable[tuple[str, list[str]]] = (),
    ) -> list[ImportImageTask]:
        """DescribeImportImageTasks for ``account_id``.

        Raises:
            ServiceError: InvalidConversionTaskId.Malformed, InvalidConversionTaskId for an
                unknown task, InvalidParameterValue for an unknown filter.
        """
        matches = compile_filters(filters, _IMPORT_TASK_FILTERS, "DescribeImportImageTasks")
        task_ids = list(task_ids)
        if task_ids:
            tasks = []
            for task_id in task_ids:
                check_id(task_id, "import-ami", "InvalidConversionTaskId")
                task = self.import_tasks.get(task_id)
                if task is None or task.account_id != account_id:
                    raise ServiceError(
                        "InvalidConversionTaskId", f"The import task ID '{task_id}' does not exist"
                    )
                tasks.append(task)
        else:
            tasks = [t for t in self.import_tasks.values() if t.account_id == account_id]
        return [t for t in tasks if matches(t)]
