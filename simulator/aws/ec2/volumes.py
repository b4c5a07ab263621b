"""EC2 volume operations: DescribeVolumes (the EBS volumes instances carry)."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.shapes import filters_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world.ec2 import Volume
from simulator.world.ec2.network import zone_id


def volume_out(volume: Volume) -> dict[str, Any]:
    """The Volume shape."""
    spec = volume.spec
    attachments = []
    if volume.instance is not None:
        attachments.append({"AttachTime": volume.create_time, "Device": volume.device_name,
                            "InstanceId": volume.instance.instance_id, "State": "attached",
                            "VolumeId": volume.volume_id, "DeleteOnTermination": spec.delete_on_termination})
    return {"VolumeId": volume.volume_id, "Size": spec.size, "VolumeType": spec.volume_type, "Iops": spec.iops,
            "Throughput": spec.throughput, "Encrypted": spec.encrypted, "State": volume.state,
            "AvailabilityZone": volume.availability_zone, "AvailabilityZoneId": zone_id(volume.availability_zone),
            "CreateTime": volume.create_time, "SnapshotId": "", "Attachments": attachments,
            "MultiAttachEnabled": False, "VolumeArn": volume.arn, "OwnerId": volume.account_id,
            "Tags": tags_out(volume.tags) if volume.tags else None}


@operation("ec2", "DescribeVolumes")
def describe_volumes(call: Call, params: Params) -> Response:
    if params.get("VolumeIds") and params.get("MaxResults") is not None:
        raise ServiceError("InvalidParameterCombination", "VolumeIds cannot be used with MaxResults")
    volumes = call.ec2.volumes.describe(call.account_id, params.get("VolumeIds"), filters_in(params.get("Filters")))
    page, token = call.page(params, volumes)
    return {"Volumes": [volume_out(v) for v in page], **token}
