"""AMIs: the Image entity and the image service of one region (describe, create, copy,
register, deregister, launch permissions); the public AMIs it starts with are in
``public_images``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from simulator.core.billing import (
    BILLING_PRODUCTS,
    KNOWN_BILLING_PRODUCTS,
    LINUX_UNIX,
)
from simulator.core.validation import check_enum, check_id, is_account_id
from simulator.world.ec2.context import RegionContext, check_ec2_tags
from simulator.world.ec2.errors import (
    auth_failure,
    image_not_found,
    invalid_ami_attribute_item_value,
    invalid_ami_id_not_found,
    invalid_ami_id_unavailable,
    invalid_ami_name_duplicate,
    invalid_ami_name_malformed,
    invalid_parameter_value,
    invalid_user_id_malformed,
)
from simulator.world.ec2.image import ARCHITECTURES, Image, ImageSource, ImageState
from simulator.world.events import ImageAvailable, ImageDeregistered, ImageRegistered
from simulator.world.filters import compile_filters

OWNER_ALIASES = ("self", "amazon", "aws-marketplace", "aws-backup-vault")
_IMAGE_NAME = re.compile(r"[A-Za-z0-9()\[\] ./\-'@_]{3,128}")

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


class ImageService:
    """The AMIs of one region, visible to each account as EC2 shows them.

    Args:
        ctx: The region's shared plumbing.
        public: The public AMIs of the region (see ``public_images``).
    """

    def __init__(self, ctx: RegionContext, public: Iterable[Image] = ()) -> None:
        self.ctx = ctx
        self.images: dict[str, Image] = {im.image_id: im for im in public}

    # -- lookups --------------------------------------------------------------------------

    def get(self, account_id: str, image_id: str) -> Image:
        """An AMI ``account_id`` can see.

        Raises:
            ServiceError: InvalidAMIID.Malformed or InvalidAMIID.NotFound.
        """
        check_id(image_id, "ami", "InvalidAMIID")
        image = self.images.get(image_id)
        if image is None or image.state is ImageState.DEREGISTERED or not image.launchable_by(account_id):
            raise image_not_found(image_id)
        return image

    def launchable(self, account_id: str, image_id: str) -> Image:
        """An AMI ``account_id`` can launch now.

        Raises:
            ServiceError: InvalidAMIID.Malformed, InvalidAMIID.NotFound, or
                InvalidAMIID.Unavailable while it is still pending.
        """
        image = self.get(account_id, image_id)
        if image.state is not ImageState.AVAILABLE:
            raise invalid_ami_id_unavailable(f"The image id '[{image_id}]' is not available (state {image.state})")
        return image

    def owned(self, account_id: str, image_id: str) -> Image:
        """An AMI ``account_id`` owns.

        Raises:
            ServiceError: InvalidAMIID.Malformed, InvalidAMIID.NotFound, or AuthFailure for
                an AMI of another account.
        """
        image = self.get(account_id, image_id)
        if image.owner_id != account_id:
            raise auth_failure(f"Not authorized for image:{image_id}; account {account_id} does not own it (owner "
                               f"{image.owner_id})", status=403)
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
            if value not in OWNER_ALIASES and not is_account_id(value):
                raise invalid_user_id_malformed(f"Invalid owner: '{value}' in Owners; use an account id or one of "
                                                f"{', '.join(OWNER_ALIASES)}")
        for value in executable_users:
            if value not in ("self", "all") and not is_account_id(value):
                raise invalid_user_id_malformed(f"Invalid user: '{value}' in ExecutableUsers; use an account id, self "
                                                "or all")
        matches = compile_filters(filters, _IMAGE_FILTERS, "DescribeImages")
        if image_ids:
            candidates = self._listed(account_id, image_ids)
        else:
            candidates = [
                im for im in self.images.values()
                if im.state is not ImageState.DEREGISTERED and im.launchable_by(account_id)
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

    def _listed(self, account_id: str, image_ids: list[str]) -> list[Image]:
        """The AMIs DescribeImages lists by id, each once; every id that the account cannot
        see is named in one error, as EC2 does."""
        for image_id in image_ids:
            check_id(image_id, "ami", "InvalidAMIID")
        found: dict[str, Image] = {}
        missing: list[str] = []
        for image_id in dict.fromkeys(image_ids):
            image = self.images.get(image_id)
            if image is None or image.state is ImageState.DEREGISTERED or not image.launchable_by(account_id):
                missing.append(image_id)
            else:
                found[image_id] = image
        if len(missing) == 1:
            raise image_not_found(missing[0])
        if missing:
            raise invalid_ami_id_not_found(f"The image ids '[{', '.join(missing)}]' do not exist")
        return list(found.values())

    # -- making AMIs ----------------------------------------------------------------------

    def _check_name(self, account_id: str, name: str) -> None:
        if not isinstance(name, str) or not _IMAGE_NAME.fullmatch(name):
            raise invalid_ami_name_malformed(f"AMI name {name!r} is invalid: Name must be 3 to 128 characters of "
                                             "letters, numbers, spaces and ( ) [ ] . / - ' @ _")
        for image in self.images.values():
            if image.owner_id == account_id and image.name == name and image.state is not ImageState.DEREGISTERED:
                raise invalid_ami_name_duplicate(f"AMI name {name} is already in use by AMI {image.image_id}")

    def add(self, image: Image) -> Image:
        """Make ``image`` exist in the region (it becomes available after a delay if pending)."""
        self.images[image.image_id] = image
        self.ctx.bus.publish(ImageRegistered(image))
        if image.state is ImageState.PENDING:
            self.ctx.clock.call_later(self.ctx.timings.image_pending, self._become_available, image)
        return image

    def _become_available(self, image: Image) -> None:
        if image.state is ImageState.PENDING:
            image.state = ImageState.AVAILABLE
            self.ctx.bus.publish(ImageAvailable(image))

    def new_image(self, *, owner_id: str, name: str, description: str, architecture: str,
               usage_operation: str, source: ImageSource, state: ImageState, tags: dict[str, str],
               **lineage: object) -> Image:
        """A new AMI of this region; ``lineage`` holds the fields it inherits (source ids,
        billing products, import flags)."""
        return Image(
            image_id=self.ctx.ids.resource_id("ami"),
            region=self.ctx.region,
            owner_id=owner_id,
            name=name,
            description=description,
            architecture=architecture,
            usage_operation=usage_operation,
            creation_date=self.ctx.clock.now(),
            source=source,
            state=state,
            tags=dict(tags),
            **lineage,  # type: ignore[arg-type]
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
        check_ec2_tags(tags or {})
        return self.add(self.new_image(
            owner_id=account_id, name=name, description=description, architecture=architecture,
            usage_operation=usage_operation, source=ImageSource.CREATED, state=ImageState.PENDING,
            tags=tags or {}, source_instance_id=instance_id, imported=source_image.imported,
            import_license_type=source_image.import_license_type, ssm_agent=source_image.ssm_agent,
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
        check_ec2_tags(tags or {})
        return self.add(self.new_image(
            owner_id=account_id, name=name,
            description=source.description if description is None else description,
            architecture=source.architecture, usage_operation=source.usage_operation,
            source=ImageSource.COPIED, state=ImageState.PENDING, tags=tags or {},
            source_image_id=source.image_id, source_region=source.region, imported=source.imported,
            import_license_type=source.import_license_type, billing_products=source.billing_products,
            ssm_agent=source.ssm_agent,
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
                raise invalid_parameter_value(f"BillingProducts {list(products)} is not a supported combination; "
                                              f"known billing products: {', '.join(KNOWN_BILLING_PRODUCTS)}")
        check_ec2_tags(tags or {})
        return self.add(self.new_image(
            owner_id=account_id, name=name, description=description, architecture=architecture,
            usage_operation=usage_operation, source=ImageSource.REGISTERED, state=ImageState.AVAILABLE,
            tags=tags or {}, billing_products=products,
        ))

    def deregister(self, account_id: str, image_id: str) -> Image:
        """DeregisterImage: the AMI can no longer be seen or launched.

        Raises:
            ServiceError: InvalidAMIID.*, AuthFailure for an AMI of another account.
        """
        image = self.owned(account_id, image_id)
        image.state = ImageState.DEREGISTERED
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
            if not is_account_id(user):
                raise invalid_ami_attribute_item_value(f'Invalid attribute item value "{user}" for userId item type; '
                                                       "it must be a 12-digit account id")
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
