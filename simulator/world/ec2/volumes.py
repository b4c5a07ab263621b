"""The EBS volumes of one region: the volumes a launch's block device mappings give each
instance (the AMI's root volume, resized or retyped by a mapping, and added data volumes),
their fate when the instance terminates, and DescribeVolumes.

An instance's volumes are made the first time anything looks at them (a describe, a tag, the
instance's termination when a volume outlives it), for the account's instances in launch
order: a launch costs no volume objects, and ids stay deterministic per seed and calls."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from simulator.core.validation import check_enum, check_id
from simulator.world.ec2.context import RegionContext
from simulator.world.ec2.errors import (
    invalid_parameter_combination,
    invalid_parameter_value,
    invalid_volume_not_found,
    missing_parameter,
)
from simulator.world.ec2.image import Image
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.ec2.volume import (
    GP3_IOPS,
    GP3_THROUGHPUT,
    IOPS_TYPES,
    SIZE_LIMITS,
    VOLUME_TYPES,
    BlockDeviceMapping,
    Volume,
    VolumeSpec,
)
from simulator.world.filters import compile_filters

_DEVICE = re.compile(r"/dev/(?:sd[a-z][0-9]{0,2}|xvd[a-z]{1,2})|xvd[a-z]{1,2}")
#: The root volume of a public AMI: its size in GiB by platform (Windows AMIs are larger).
ROOT_SIZE = {"windows": 30, "linux": 8}
_FILTERS = {
    "attachment.attach-time": lambda v: v.create_time.strftime("%Y-%m-%dT%H:%M:%S.000Z") if v.instance else None,
    "attachment.delete-on-termination": lambda v: v.spec.delete_on_termination if v.instance else None,
    "attachment.device": lambda v: v.device_name if v.instance else None,
    "attachment.instance-id": lambda v: v.instance.instance_id if v.instance else None,
    "attachment.status": lambda v: "attached" if v.instance else None,
    "availability-zone": lambda v: v.availability_zone,
    "create-time": lambda v: v.create_time.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    "encrypted": lambda v: v.spec.encrypted,
    "size": lambda v: v.spec.size,
    "status": lambda v: v.state,
    "volume-id": lambda v: v.volume_id,
    "volume-type": lambda v: v.spec.volume_type,
}


def root_device_name(image: Image) -> str:
    """The root device of an AMI: ``/dev/sda1`` for Windows, ``/dev/xvda`` otherwise."""
    return "/dev/sda1" if image.platform == "windows" else "/dev/xvda"


def _short(device: str) -> str:
    return device.removeprefix("/dev/").replace("xvd", "sd")


class VolumeService:
    """The EBS volumes of one region, by account.

    Args:
        ctx: The region's shared plumbing.
    """

    def __init__(self, ctx: RegionContext) -> None:
        self.ctx = ctx
        self._by_account: dict[str, dict[str, Volume]] = {}
        self._root_specs: dict[str, tuple[VolumeSpec, ...]] = {}
        #: Gives the instances of an account (set once the instance service exists).
        self.instances_of: Callable[[str], Iterable[Instance]] = lambda account_id: ()

    def account_volumes(self, account_id: str) -> dict[str, Volume]:
        """The volumes of ``account_id`` by id, in creation order (those of its instances made
        first)."""
        for instance in self.instances_of(account_id):
            if instance.volumes is None and instance.state is not InstanceState.TERMINATED:
                self.of(instance)
        return self._by_account.setdefault(account_id, {})

    def of(self, instance: Instance) -> tuple[Volume, ...]:
        """The volumes attached to ``instance`` (made now if nobody looked before)."""
        volumes = instance.volumes
        if volumes is None:
            settings = instance.settings
            volumes = instance.volumes = self._make(instance, settings.volume_specs)
        return volumes

    def _make(self, instance: Instance, specs: Iterable[VolumeSpec]) -> tuple[Volume, ...]:
        settings = instance.settings
        created = settings.launched_at or instance.launch_time
        tags = settings.volume_tags
        volumes = self._by_account.setdefault(instance.account_id, {})
        made = []
        for spec in specs:
            volume = Volume(self.ctx.ids.resource_id("vol"), instance.account_id, self.ctx.region,
                            instance.availability_zone, spec, created, instance, tags=dict(tags))
            volumes[volume.volume_id] = volume
            made.append(volume)
        return tuple(made)

    # -- launches -------------------------------------------------------------------------

    def specs(self, image: Image, mappings: tuple[BlockDeviceMapping, ...] | None,
              prefix: str = "") -> tuple[VolumeSpec, ...]:
        """The volumes every instance of a launch from ``image`` gets under ``mappings``.

        Raises:
            ServiceError: InvalidParameterValue for a bad device name, volume type, size or a
                device mapped twice, MissingParameter for a new volume without a size,
                InvalidParameterCombination for Iops or Throughput its type does not take,
                or the root volume suppressed.
        """
        if not mappings:
            specs = self._root_specs.get(image.image_id)
            if specs is None:
                specs = self._root_specs[image.image_id] = (self._root(image, root_device_name(image)),)
            return specs
        root_name = root_device_name(image)
        root = self._root(image, root_name)
        seen: set[str] = set()
        extra = []
        for index, mapping in enumerate(mappings):
            field = f"{prefix}BlockDeviceMappings[{index}]"
            device = mapping.device_name
            if not _DEVICE.fullmatch(device):
                raise invalid_parameter_value(f"Invalid device name {device!r} ({field}.DeviceName); use /dev/sd[f-p] "
                                              "or /dev/xvd[f-p], or the AMI's root device " + root_name)
            if _short(device) in seen:
                raise invalid_parameter_value(f"The device '{device}' is used in more than one block device mapping")
            seen.add(_short(device))
            is_root = _short(device) == _short(root_name)
            if mapping.no_device:
                if is_root:
                    raise invalid_parameter_combination(f"{field}: the root device {root_name} cannot be suppressed")
                continue
            ebs = mapping.ebs
            if ebs is None:
                raise missing_parameter(f"The request must contain the parameter {field}.Ebs")
            base = root if is_root else None
            if base is None and ebs.volume_size is None:
                raise missing_parameter(f"The request must contain the parameter {field}.Ebs.VolumeSize")
            spec = self._volume(device if not is_root else root_name, ebs, base, field)
            if is_root:
                root = spec
            else:
                extra.append(spec)
        return (root, *extra)

    @staticmethod
    def _root(image: Image, root_name: str) -> VolumeSpec:
        size = ROOT_SIZE["windows" if image.platform == "windows" else "linux"]
        return VolumeSpec(root_name, size, "gp2", True, None, None, False)

    @staticmethod
    def _volume(device: str, ebs, base: VolumeSpec | None, field: str) -> VolumeSpec:
        volume_type = ebs.volume_type or (base.volume_type if base else "gp2")
        check_enum(f"{field}.Ebs.VolumeType", volume_type, VOLUME_TYPES)
        size = ebs.volume_size if ebs.volume_size is not None else base.size  # type: ignore[union-attr]
        low, high = SIZE_LIMITS[volume_type]
        if base is not None:
            low = max(low, base.size)
        if not low <= size <= high:
            raise invalid_parameter_value(f"{field}.Ebs.VolumeSize {size} is invalid for {volume_type}: use {low} to "
                                          f"{high} GiB")
        iops, throughput = ebs.iops, ebs.throughput
        if iops is not None and volume_type not in IOPS_TYPES:
            raise invalid_parameter_combination(f"{field}.Ebs.Iops is not supported for {volume_type} volumes")
        if volume_type in ("io1", "io2") and iops is None:
            raise missing_parameter(f"The request must contain the parameter {field}.Ebs.Iops for {volume_type}")
        if throughput is not None and volume_type != "gp3":
            raise invalid_parameter_combination(f"{field}.Ebs.Throughput is supported for gp3 volumes only")
        if volume_type == "gp3":
            iops, throughput = iops or GP3_IOPS, throughput or GP3_THROUGHPUT
        delete = ebs.delete_on_termination
        if delete is None:
            delete = base.delete_on_termination if base else True
        encrypted = bool(ebs.encrypted) if ebs.encrypted is not None else (base.encrypted if base else False)
        return VolumeSpec(device, size, volume_type, delete, iops, throughput, encrypted)

    def release(self, instances: list[Instance]) -> None:
        """Terminated instances give up their volumes: those marked delete-on-termination
        are deleted, the others stay ``available`` (made now if nobody looked before; the
        others then never existed as objects)."""
        specs: tuple[VolumeSpec, ...] | None = None
        kept: list[VolumeSpec] = []
        for instance in instances:
            if instance.volumes is None:
                if instance.settings.volume_specs is not specs:  # shared by the instances of a launch
                    specs = instance.settings.volume_specs
                    kept = [s for s in specs if not s.delete_on_termination]
                if not kept:  # the volumes were never looked at, and go with the instance
                    continue
                instance.volumes = self._make(instance, kept)
            volumes = self._by_account.setdefault(instance.account_id, {})
            for volume in instance.volumes:
                volume.instance = None
                if volume.spec.delete_on_termination:
                    volume.state = "deleted"
                    volumes.pop(volume.volume_id, None)
                else:
                    volume.state = "available"

    # -- lookups --------------------------------------------------------------------------

    def get(self, account_id: str, volume_id: str) -> Volume:
        """A volume of ``account_id``.

        Raises:
            ServiceError: InvalidVolumeID.Malformed, InvalidVolume.NotFound.
        """
        check_id(volume_id, "vol", "InvalidVolumeID")
        volume = self.account_volumes(account_id).get(volume_id)
        if volume is None:
            raise invalid_volume_not_found(f"The volume '{volume_id}' does not exist.")
        return volume

    def describe(self, account_id: str, volume_ids: list[str] | None = None,
                 filters: list[tuple[str, list[str]]] | None = None) -> list[Volume]:
        """DescribeVolumes.

        Raises:
            ServiceError: InvalidVolume.NotFound, InvalidVolumeID.Malformed,
                InvalidParameterValue for an unknown filter.
        """
        matches = compile_filters(filters or (), _FILTERS, "DescribeVolumes")
        if volume_ids:
            selected = list(dict.fromkeys(self.get(account_id, v) for v in volume_ids))
        else:
            selected = list(self.account_volumes(account_id).values())
        return [v for v in selected if matches(v)]
