"""EC2 DescribeInstanceTypes."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in
from simulator.world.ec2.instance_types import InstanceTypeView


def _instance_type_out(view: InstanceTypeView) -> dict[str, Any]:
    spec = view.spec
    out: dict[str, Any] = {
        "InstanceType": spec.name,
        "CurrentGeneration": spec.current_generation,
        "BareMetal": spec.bare_metal,
        "ProcessorInfo": {"SupportedArchitectures": [spec.architecture]},
        "VCpuInfo": {
            "DefaultVCpus": spec.default_vcpus,
            "DefaultCores": spec.default_cores,
            "DefaultThreadsPerCore": spec.default_threads_per_core,
            "ValidCores": list(spec.valid_cores),
            "ValidThreadsPerCore": list(spec.valid_threads_per_core),
        },
        "MemoryInfo": {"SizeInMiB": spec.memory_mib},
        "DedicatedHostsSupported": view.dedicated_hosts_supported,
        "BurstablePerformanceSupported": spec.burstable,
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
    }
    if not spec.bare_metal:
        out["Hypervisor"] = spec.hypervisor
    network = spec.network
    if network is not None:
        out["NetworkInfo"] = {
            "NetworkPerformance": network.performance,
            "MaximumNetworkInterfaces": network.maximum_network_interfaces,
            "Ipv4AddressesPerInterface": network.ipv4_addresses_per_interface,
        }
    gpu = spec.gpu
    if gpu is not None:
        out["GpuInfo"] = {
            "Gpus": [{"Name": gpu.name, "Manufacturer": gpu.manufacturer, "Count": gpu.count,
                      "MemoryInfo": {"SizeInMiB": gpu.memory_mib}}],
            "TotalGpuMemoryInMiB": gpu.total_memory_mib,
        }
    return out


@operation("ec2", "DescribeInstanceTypes")
def describe_instance_types(call: Call, params: Params) -> Response:
    views = call.ec2.instance_types.describe(params.get("InstanceTypes"), filters_in(params.get("Filters")))
    page, token = call.page(params, views)
    return {"InstanceTypes": [_instance_type_out(v) for v in page], **token}
