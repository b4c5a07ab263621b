"""EC2 key pair operations: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.ec2.common import tag_specifications
from simulator.aws.shapes import filters_in, tags_out
from simulator.core.errors import ServiceError
from simulator.world.ec2 import KeyPair


def key_pair_out(key_pair: KeyPair, public_key: bool = False) -> dict[str, Any]:
    """The KeyPairInfo shape."""
    return {"KeyPairId": key_pair.key_pair_id, "KeyName": key_pair.key_name, "KeyType": key_pair.key_type,
            "KeyFingerprint": key_pair.fingerprint, "CreateTime": key_pair.created_at,
            "PublicKey": key_pair.public_key if public_key else None,
            "Tags": tags_out(key_pair.tags) if key_pair.tags else None}


@operation("ec2", "CreateKeyPair")
def create_key_pair(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("key-pair",)).get("key-pair")
    key_pair, material = call.ec2.key_pairs.create(call.account_id, params["KeyName"], params.get("KeyType", "rsa"),
                                                   params.get("KeyFormat", "pem"), tags)
    call.resource_id = key_pair.key_pair_id
    return {"KeyName": key_pair.key_name, "KeyFingerprint": key_pair.fingerprint, "KeyMaterial": material,
            "KeyPairId": key_pair.key_pair_id, "Tags": tags_out(key_pair.tags) if key_pair.tags else None}


@operation("ec2", "ImportKeyPair")
def import_key_pair(call: Call, params: Params) -> Response:
    tags = tag_specifications(params.get("TagSpecifications"), ("key-pair",)).get("key-pair")
    key_pair = call.ec2.key_pairs.import_key(call.account_id, params["KeyName"], params["PublicKeyMaterial"], tags)
    call.resource_id = key_pair.key_pair_id
    return {"KeyName": key_pair.key_name, "KeyFingerprint": key_pair.fingerprint, "KeyPairId": key_pair.key_pair_id,
            "Tags": tags_out(key_pair.tags) if key_pair.tags else None}


@operation("ec2", "DescribeKeyPairs")
def describe_key_pairs(call: Call, params: Params) -> Response:
    pairs = call.ec2.key_pairs.describe(call.account_id, params.get("KeyNames"), params.get("KeyPairIds"),
                                        filters_in(params.get("Filters")))
    return {"KeyPairs": [key_pair_out(k, bool(params.get("IncludePublicKey"))) for k in pairs]}


@operation("ec2", "DeleteKeyPair")
def delete_key_pair(call: Call, params: Params) -> Response:
    if not params.get("KeyName") and not params.get("KeyPairId"):
        raise ServiceError("MissingParameter", "The request must contain the parameter KeyName or KeyPairId")
    deleted = call.ec2.key_pairs.delete(call.account_id, params.get("KeyName"), params.get("KeyPairId"))
    return {"Return": True, "KeyPairId": deleted.key_pair_id if deleted else None}
