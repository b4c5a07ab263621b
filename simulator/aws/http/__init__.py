"""The wire protocols of ``lmsim serve``: requests routed, parsed and answered from
botocore's model, one parser and one serializer per protocol, served by the gateway."""

from simulator.aws.http.endpoint import MAX_BODY_BYTES, WireEndpoint, WireRequest, WireResponse
from simulator.aws.http.identity import AccessKeys, Identity

__all__ = ["MAX_BODY_BYTES", "AccessKeys", "Identity", "WireEndpoint", "WireRequest", "WireResponse"]
