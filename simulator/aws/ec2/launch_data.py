"""Launch parameters of RunInstances and of launch template data: every member of the
request is either modelled (turned into ``LaunchParameters``) or refused by name with
Unsupported, unless it carries the value EC2 uses when it is left out (which changes
nothing). A member botocore's model gains later is refused until it is modelled. Also the
ResponseLaunchTemplateData of a template version."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from simulator.aws import unmodelled
from simulator.aws.ec2.common import license_arns, placement_in, tag_specifications
from simulator.aws.shapes import tags_out
from simulator.core.errors import ServiceError
from simulator.world.ec2 import (
    BlockDeviceMapping,
    CpuOptionsRequest,
    EbsRequest,
    LaunchParameters,
    MetadataOptions,
)
from simulator.world.ec2.errors import invalid_parameter_combination, invalid_user_data_malformed, not_simulated

#: Members of RunInstances and of launch template data that are modelled.
MODELLED = frozenset({
    "BlockDeviceMappings", "ClientToken", "CpuOptions", "DryRun", "EbsOptimized", "HibernationOptions",
    "IamInstanceProfile", "ImageId", "InstanceType", "KeyName", "LaunchTemplate", "LicenseSpecifications",
    "MaxCount", "MetadataOptions", "MinCount", "Monitoring", "NetworkInterfaces", "Placement",
    "PrivateIpAddress", "SecurityGroupIds", "SecurityGroups", "SubnetId", "TagSpecifications", "UserData",
})
#: Members that are not modelled, with the value EC2 gives them when they are left out
#: (that value is accepted; any other is refused).
DEFAULTS: dict[str, Any] = {
    "DisableApiTermination": False, "DisableApiStop": False, "InstanceInitiatedShutdownBehavior": "stop",
    "EnablePrimaryIpv6": False, "EnclaveOptions": {"Enabled": False}, "Ipv6AddressCount": 0, "Ipv6Addresses": [],
    "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
    "MaintenanceOptions": {"AutoRecovery": "default"},
    "PrivateDnsNameOptions": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                              "EnableResourceNameDnsAAAARecord": False},
    "NetworkPerformanceOptions": {"BandwidthWeighting": "default"},
    "ElasticGpuSpecification": [], "ElasticGpuSpecifications": [], "ElasticInferenceAccelerators": [],
    "SecondaryInterfaces": [],
}
_WHY = {
    "InstanceMarketOptions": "Spot Instances", "KernelId": "kernels", "RamdiskId": "RAM disks",
    "RamDiskId": "RAM disks", "CreditSpecification": "burstable CPU credits",
    "InstanceRequirements": "attribute-based instance type selection; name an InstanceType",
}
_RUN_TAG_TYPES = ("instance", "volume")
_UNSIMULATED_TAG_TYPES = ("network-interface", "spot-instances-request", "elastic-gpu")


def refuse_unmodelled(data: Mapping[str, Any], modelled: frozenset[str] | set[str], where: str,
                      defaults: Mapping[str, Any] | None = None) -> None:
    """Refuse every member of ``data`` outside ``modelled`` whose value is not its default.

    Raises:
        ServiceError: Unsupported naming the member.
    """
    unmodelled.refuse_unmodelled(data, modelled, where, DEFAULTS if defaults is None else defaults, _WHY,
                                 not_simulated)


def _user_data(value: Any, encoded: bool, field: str) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        raw = value
    elif encoded:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise invalid_user_data_malformed(f"Invalid BASE64 encoding of user data ({field})") from None
    else:
        raw = str(value).encode()
    return raw


def _block_devices(mappings: list[Mapping[str, Any]] | None, prefix: str) -> tuple[BlockDeviceMapping, ...] | None:
    if mappings is None:
        return None
    result = []
    for index, mapping in enumerate(mappings):
        field = f"{prefix}BlockDeviceMappings[{index}]."
        refuse_unmodelled(mapping, {"DeviceName", "Ebs", "NoDevice"}, field)
        ebs = mapping.get("Ebs")
        request = None
        if ebs is not None:
            refuse_unmodelled(ebs, {"DeleteOnTermination", "Iops", "VolumeSize", "VolumeType", "Throughput",
                                    "Encrypted"}, f"{field}Ebs.", {"EbsCardIndex": 0})
            request = EbsRequest(ebs.get("VolumeSize"), ebs.get("VolumeType"), ebs.get("DeleteOnTermination"),
                                 ebs.get("Iops"), ebs.get("Throughput"), ebs.get("Encrypted"))
        if "DeviceName" not in mapping:
            raise ServiceError("MissingParameter", f"The request must contain the parameter {field}DeviceName")
        result.append(BlockDeviceMapping(mapping["DeviceName"], request, "NoDevice" in mapping))
    return tuple(result)


def _network_interface(data: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The subnet, private address and groups of NetworkInterfaces (one primary interface)."""
    interfaces = data.get("NetworkInterfaces") or []
    if not interfaces:
        return {}
    if len(interfaces) > 1:
        raise not_simulated(f"{prefix}NetworkInterfaces[1]", "instances get one network interface")
    interface = interfaces[0]
    field = f"{prefix}NetworkInterfaces[0]."
    refuse_unmodelled(interface, {"DeviceIndex", "NetworkCardIndex", "SubnetId", "Groups", "PrivateIpAddress",
                                  "DeleteOnTermination"}, field,
                      {"AssociatePublicIpAddress": False, "AssociateCarrierIpAddress": False, "InterfaceType":
                       "interface", "Ipv6AddressCount": 0, "SecondaryPrivateIpAddressCount": 0, "Ipv4PrefixCount": 0,
                       "Ipv6PrefixCount": 0, "PrimaryIpv6": False, "Ipv6Addresses": [], "Ipv4Prefixes": [],
                       "Ipv6Prefixes": [], "PrivateIpAddresses": []})
    for name, allowed in (("DeviceIndex", 0), ("NetworkCardIndex", 0), ("DeleteOnTermination", True)):
        if interface.get(name, allowed) != allowed:
            raise not_simulated(f"{field}{name}", f"only the primary interface ({name} {allowed}) is simulated")
    if data.get("SubnetId") or data.get("SecurityGroupIds") or data.get("SecurityGroups") or \
            data.get("PrivateIpAddress"):
        raise invalid_parameter_combination(
            "Network interfaces and an instance-level subnet ID, security groups or private IP address may not be "
            "specified on the same request")
    groups = interface.get("Groups")
    return {"subnet_id": interface.get("SubnetId"), "private_ip_address": interface.get("PrivateIpAddress"),
            "security_group_ids": tuple(groups) if groups is not None else None}


def launch_parameters(data: Mapping[str, Any], *, template: bool = False, prefix: str = "",
                      account_id: str = "") -> LaunchParameters:
    """The launch parameters of RunInstances (``template=False``: user data as given, which
    botocore base64-encodes on the wire) or of launch template data (user data in base64).

    Raises:
        ServiceError: Unsupported naming an unmodelled member, InvalidParameterValue,
            InvalidParameterCombination, InvalidUserData.Malformed, MissingParameter,
            InvalidPlacementGroup.Unknown.
    """
    refuse_unmodelled(data, MODELLED, prefix)
    tags = tag_specifications(data.get("TagSpecifications"), _RUN_TAG_TYPES, f"{prefix}TagSpecifications",
                              unsimulated=_UNSIMULATED_TAG_TYPES)
    cpu = data.get("CpuOptions")
    if cpu:
        refuse_unmodelled(cpu, {"CoreCount", "ThreadsPerCore"}, f"{prefix}CpuOptions.",
                          {"AmdSevSnp": "disabled", "NestedVirtualization": "disabled"})
    monitoring = data.get("Monitoring")
    if monitoring:
        refuse_unmodelled(monitoring, {"Enabled"}, f"{prefix}Monitoring.", {"MetricCategoryIds": []})
    metadata = data.get("MetadataOptions")
    profile = data.get("IamInstanceProfile") or {}
    if profile.get("Arn") and profile.get("Name"):
        raise invalid_parameter_combination(f"{prefix}IamInstanceProfile: give Arn or Name, not both")
    profile_ref = profile.get("Arn") or profile.get("Name")
    if profile_ref and not profile_ref.startswith("arn:") and account_id:
        profile_ref = f"arn:aws:iam::{account_id}:instance-profile/{profile_ref}"
    hibernation = data.get("HibernationOptions")
    groups = data.get("SecurityGroupIds")
    names = data.get("SecurityGroups")
    fields: dict[str, Any] = {
        "image_id": data.get("ImageId"),
        "instance_type": data.get("InstanceType"),
        "placement": placement_in(data.get("Placement"), f"{prefix}Placement."),
        "cpu_options": CpuOptionsRequest(core_count=cpu.get("CoreCount"), threads_per_core=cpu.get("ThreadsPerCore"))
        if cpu else None,
        "license_configuration_arns": license_arns(data.get("LicenseSpecifications"),
                                                   f"{prefix}LicenseSpecifications"),
        "instance_tags": tuple(tags.get("instance", {}).items()),
        "volume_tags": tuple(tags.get("volume", {}).items()),
        "subnet_id": data.get("SubnetId"),
        "security_group_ids": tuple(groups) if groups is not None else None,
        "security_group_names": tuple(names) if names is not None else None,
        "key_name": data.get("KeyName"),
        "block_device_mappings": _block_devices(data.get("BlockDeviceMappings"), prefix),
        "ebs_optimized": data.get("EbsOptimized"),
        "monitoring": monitoring.get("Enabled") if monitoring else None,
        "metadata_options": MetadataOptions(
            metadata.get("HttpTokens"), metadata.get("HttpPutResponseHopLimit"), metadata.get("HttpEndpoint"),
            metadata.get("HttpProtocolIpv6"), metadata.get("InstanceMetadataTags")) if metadata else None,
        "hibernation": hibernation.get("Configured") if hibernation else None,
        "user_data": _user_data(data.get("UserData"), template, f"{prefix}UserData"),
        "iam_instance_profile": profile_ref,
        "private_ip_address": data.get("PrivateIpAddress"),
    }
    fields.update(_network_interface(data, prefix))
    return LaunchParameters(**fields)


#: Launch template data member -> the LaunchParameters fields it gives (a new version made
#: from a source version replaces those fields).
GIVES: dict[str, tuple[str, ...]] = {
    "ImageId": ("image_id",), "InstanceType": ("instance_type",), "Placement": ("placement",),
    "CpuOptions": ("cpu_options",), "LicenseSpecifications": ("license_configuration_arns",),
    "TagSpecifications": ("instance_tags", "volume_tags"), "SecurityGroupIds": ("security_group_ids",),
    "SecurityGroups": ("security_group_names",), "KeyName": ("key_name",),
    "BlockDeviceMappings": ("block_device_mappings",), "EbsOptimized": ("ebs_optimized",),
    "Monitoring": ("monitoring",), "MetadataOptions": ("metadata_options",), "HibernationOptions": ("hibernation",),
    "UserData": ("user_data",), "IamInstanceProfile": ("iam_instance_profile",),
    "NetworkInterfaces": ("subnet_id", "private_ip_address", "security_group_ids"),
}


def given_fields(data: Mapping[str, Any]) -> frozenset[str]:
    """The LaunchParameters fields the members of ``data`` give."""
    return frozenset(field for member in data for field in GIVES.get(member, ()))


def launch_template_data_out(params: LaunchParameters) -> dict[str, Any]:
    """The ResponseLaunchTemplateData shape of a version's parameters."""
    out: dict[str, Any] = {"ImageId": params.image_id, "InstanceType": params.instance_type,
                           "KeyName": params.key_name, "EbsOptimized": params.ebs_optimized}
    placement = params.placement
    if placement is not None:
        out["Placement"] = {"AvailabilityZone": placement.availability_zone, "Tenancy": placement.tenancy,
                            "HostId": placement.host_id, "Affinity": placement.affinity,
                            "HostResourceGroupArn": placement.host_resource_group_arn}
    if params.cpu_options is not None:
        out["CpuOptions"] = {"CoreCount": params.cpu_options.core_count,
                             "ThreadsPerCore": params.cpu_options.threads_per_core}
    if params.license_configuration_arns:
        out["LicenseSpecifications"] = [{"LicenseConfigurationArn": a} for a in params.license_configuration_arns]
    specs = [{"ResourceType": kind, "Tags": tags_out(dict(tags))}
             for kind, tags in (("instance", params.instance_tags), ("volume", params.volume_tags)) if tags]
    if specs:
        out["TagSpecifications"] = specs
    if params.subnet_id is not None or params.private_ip_address is not None:
        out["NetworkInterfaces"] = [{"DeviceIndex": 0, "SubnetId": params.subnet_id,
                                     "PrivateIpAddress": params.private_ip_address,
                                     "Groups": list(params.security_group_ids or ()) or None}]
    elif params.security_group_ids is not None:
        out["SecurityGroupIds"] = list(params.security_group_ids)
    if params.security_group_names is not None:
        out["SecurityGroups"] = list(params.security_group_names)
    if params.block_device_mappings is not None:
        out["BlockDeviceMappings"] = [_mapping_out(m) for m in params.block_device_mappings]
    if params.monitoring is not None:
        out["Monitoring"] = {"Enabled": params.monitoring}
    metadata = params.metadata_options
    if metadata is not None:
        out["MetadataOptions"] = {"HttpTokens": metadata.http_tokens,
                                  "HttpPutResponseHopLimit": metadata.http_put_response_hop_limit,
                                  "HttpEndpoint": metadata.http_endpoint,
                                  "HttpProtocolIpv6": metadata.http_protocol_ipv6,
                                  "InstanceMetadataTags": metadata.instance_metadata_tags}
    if params.hibernation is not None:
        out["HibernationOptions"] = {"Configured": params.hibernation}
    if params.user_data is not None:
        out["UserData"] = base64.b64encode(params.user_data).decode()
    if params.iam_instance_profile is not None:
        out["IamInstanceProfile"] = {"Arn": params.iam_instance_profile}
    return out


def _mapping_out(mapping: BlockDeviceMapping) -> dict[str, Any]:
    out: dict[str, Any] = {"DeviceName": mapping.device_name}
    if mapping.no_device:
        out["NoDevice"] = ""
    ebs = mapping.ebs
    if ebs is not None:
        out["Ebs"] = {"VolumeSize": ebs.volume_size, "VolumeType": ebs.volume_type,
                      "DeleteOnTermination": ebs.delete_on_termination, "Iops": ebs.iops,
                      "Throughput": ebs.throughput, "Encrypted": ebs.encrypted}
    return out
