"""The launch parameters a RunInstances call or a launch template version gives, how a
call's parameters go over a template's, and the checks that depend on no world state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.core.billing import TENANCIES
from simulator.core.validation import check_enum, check_id
from simulator.world.catalog import Catalog, InstanceTypeSpec
from simulator.world.ec2.context import check_ec2_tags
from simulator.world.ec2.errors import invalid_parameter_value
from simulator.world.ec2.instance import (
    AFFINITIES,
    CpuOptionsRequest,
    MetadataOptions,
    PlacementRequest,
)
from simulator.world.ec2.volume import BlockDeviceMapping

#: The instance type of a launch that names none, in the call or its template (EC2 API
#: reference, RunInstances: "Default: m1.small").
DEFAULT_INSTANCE_TYPE = "m1.small"
#: The largest user data EC2 takes, in bytes before base64 encoding.
USER_DATA_LIMIT = 16 * 1024
_METADATA_ENUMS = (("HttpTokens", "http_tokens", ("optional", "required")),
                   ("HttpEndpoint", "http_endpoint", ("enabled", "disabled")),
                   ("HttpProtocolIpv6", "http_protocol_ipv6", ("enabled", "disabled")),
                   ("InstanceMetadataTags", "instance_metadata_tags", ("enabled", "disabled")))


@dataclass(frozen=True, slots=True)
class LaunchParameters:
    """The launch parameters the simulation models, as a template or a RunInstances call
    gives them. None means "not given". ``user_data`` is the raw bytes;
    ``security_group_names`` name groups of the default VPC."""

    image_id: str | None = None
    instance_type: str | None = None
    placement: PlacementRequest | None = None
    cpu_options: CpuOptionsRequest | None = None
    license_configuration_arns: tuple[str, ...] = ()
    instance_tags: tuple[tuple[str, str], ...] = ()
    volume_tags: tuple[tuple[str, str], ...] = ()
    subnet_id: str | None = None
    security_group_ids: tuple[str, ...] | None = None
    security_group_names: tuple[str, ...] | None = None
    key_name: str | None = None
    block_device_mappings: tuple[BlockDeviceMapping, ...] | None = None
    ebs_optimized: bool | None = None
    monitoring: bool | None = None
    metadata_options: MetadataOptions | None = None
    hibernation: bool | None = None
    user_data: bytes | None = None
    iam_instance_profile: str | None = None
    private_ip_address: str | None = None

    def over(self, base: LaunchParameters) -> LaunchParameters:
        """These parameters on top of ``base`` (a template's): set fields win, placement, CPU
        and metadata options merge field by field, security groups given by id or name
        replace the template's, license configurations and tags add up (the call's tag wins
        for a key both give)."""
        placement = self.placement.over(base.placement) if self.placement else base.placement
        cpu = self.cpu_options.over(base.cpu_options) if self.cpu_options else base.cpu_options
        metadata = self.metadata_options.over(base.metadata_options) if self.metadata_options else base.metadata_options
        licenses = tuple(dict.fromkeys(base.license_configuration_arns + self.license_configuration_arns))
        mine_groups = self.security_group_ids is not None or self.security_group_names is not None
        return LaunchParameters(
            image_id=self.image_id or base.image_id,
            instance_type=self.instance_type or base.instance_type,
            placement=placement,
            cpu_options=cpu,
            license_configuration_arns=licenses,
            instance_tags=tuple({**dict(base.instance_tags), **dict(self.instance_tags)}.items()),
            volume_tags=tuple({**dict(base.volume_tags), **dict(self.volume_tags)}.items()),
            subnet_id=_first(self.subnet_id, base.subnet_id),
            security_group_ids=self.security_group_ids if mine_groups else base.security_group_ids,
            security_group_names=self.security_group_names if mine_groups else base.security_group_names,
            key_name=_first(self.key_name, base.key_name),
            block_device_mappings=_first(self.block_device_mappings, base.block_device_mappings),
            ebs_optimized=_first(self.ebs_optimized, base.ebs_optimized),
            monitoring=_first(self.monitoring, base.monitoring),
            metadata_options=metadata,
            hibernation=_first(self.hibernation, base.hibernation),
            user_data=_first(self.user_data, base.user_data),
            iam_instance_profile=_first(self.iam_instance_profile, base.iam_instance_profile),
            private_ip_address=_first(self.private_ip_address, base.private_ip_address),
        )


def _first(mine: Any, theirs: Any) -> Any:
    return mine if mine is not None else theirs


def check_instance_type(catalog: Catalog, name: str, field_name: str = "InstanceType") -> InstanceTypeSpec:
    """The catalog spec of ``name``.

    Raises:
        ServiceError: InvalidParameterValue naming the field and, for a known family, its
            types (otherwise the families).
    """
    spec = catalog.instance_type(name)
    if spec is None:
        family = name.split(".", 1)[0]
        same_family = [n for n, s in catalog.instance_types.items() if s.family == family]
        allowed = (
            f"the {family} types are {', '.join(same_family)}"
            if same_family
            else f"known families: {', '.join(catalog.families)}"
        )
        raise invalid_parameter_value(f"Invalid value '{name}' for {field_name}; {allowed}"
        )
    return spec


def check_launch_parameters(catalog: Catalog, params: LaunchParameters, prefix: str = "") -> None:
    """Check the enums and formats of launch parameters (not what depends on the world).

    Raises:
        ServiceError: InvalidParameterValue or InvalidAMIID.Malformed naming the field.
    """
    if params.image_id is not None:
        check_id(params.image_id, "ami", "InvalidAMIID")
    if params.instance_type is not None:
        check_instance_type(catalog, params.instance_type, f"{prefix}InstanceType")
    placement = params.placement
    if placement is not None:
        if placement.tenancy is not None:
            check_enum(f"{prefix}Placement.Tenancy", placement.tenancy, TENANCIES)
        if placement.affinity is not None:
            check_enum(f"{prefix}Placement.Affinity", placement.affinity, AFFINITIES)
        if placement.host_id is not None:
            check_id(placement.host_id, "h", "InvalidHostID")
    cpu = params.cpu_options
    if cpu is not None:
        for name, value in (("CoreCount", cpu.core_count), ("ThreadsPerCore", cpu.threads_per_core)):
            if value is not None and value < 1:
                raise invalid_parameter_value(f"{prefix}CpuOptions.{name} must be a positive integer, got {value}",
                )
    if params.instance_tags:
        check_ec2_tags(dict(params.instance_tags), f"{prefix}TagSpecifications")
    if params.volume_tags:
        check_ec2_tags(dict(params.volume_tags), f"{prefix}TagSpecifications")
    if params.subnet_id is not None and not params.subnet_id.startswith("subnet-"):
        raise invalid_parameter_value(
            f"Invalid id: {params.subnet_id!r} for {prefix}SubnetId (expecting \"subnet-...\")")
    for group_id in params.security_group_ids or ():
        check_id(group_id, "sg", "InvalidGroupId")
    metadata = params.metadata_options
    if metadata is not None:
        for name, attribute, allowed in _METADATA_ENUMS:
            value = getattr(metadata, attribute)
            if value is not None:
                check_enum(f"{prefix}MetadataOptions.{name}", value, allowed)
        hops = metadata.http_put_response_hop_limit
        if hops is not None and not 1 <= hops <= 64:
            raise invalid_parameter_value(
                f"{prefix}MetadataOptions.HttpPutResponseHopLimit must be 1 to 64, got {hops}")
    if params.user_data is not None and len(params.user_data) > USER_DATA_LIMIT:
        raise invalid_parameter_value(f"{prefix}UserData is limited to {USER_DATA_LIMIT} bytes before base64 encoding, "
                                      f"got {len(params.user_data)}")


def resolve_cpu_options(spec: InstanceTypeSpec, cpu: CpuOptionsRequest | None) -> tuple[int, int]:
    """The (cores, threads per core) an instance of ``spec`` runs with under ``cpu``.

    Raises:
        ServiceError: InvalidParameterValue for CPU options of a bare metal type or values
            the type does not accept.
    """
    if cpu is None or (cpu.core_count is None and cpu.threads_per_core is None):
        return spec.default_cores, spec.default_threads_per_core
    if spec.bare_metal:
        raise invalid_parameter_value(f"CpuOptions are not supported for the bare metal instance type {spec.name}"
        )
    cores = spec.default_cores if cpu.core_count is None else cpu.core_count
    threads = spec.default_threads_per_core if cpu.threads_per_core is None else cpu.threads_per_core
    for field_name, value, valid in (("CoreCount", cores, spec.valid_cores),
                                     ("ThreadsPerCore", threads, spec.valid_threads_per_core)):
        if value not in valid:
            raise invalid_parameter_value(
                f"CpuOptions.{field_name} {value} is not valid for {spec.name}; valid values: "
                f"{', '.join(map(str, valid))}")
    return cores, threads
