"""AWS KMS operations over the keys of the call's region."""

from __future__ import annotations

from typing import Any

from simulator.aws.dispatch import Call, Params, Response, operation
from simulator.aws.models import operation_model
from simulator.core.errors import ServiceError
from simulator.world.kms import KmsKey, KmsService

#: CreateKey parameters whose non-default values the simulated KMS does not model.
_UNSIMULATED = {"Policy": None, "Origin": "AWS_KMS", "MultiRegion": False, "CustomKeyStoreId": None,
                "XksKeyId": None}


def key_metadata(key: KmsKey) -> dict[str, Any]:
    """The KeyMetadata shape."""
    return {
        "AWSAccountId": key.account_id, "KeyId": key.key_id, "Arn": key.arn, "CreationDate": key.created_at,
        "Enabled": key.enabled, "Description": key.description, "KeyUsage": str(key.key_usage),
        "KeyState": "Enabled" if key.enabled else "Disabled", "Origin": "AWS_KMS", "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": str(key.key_spec), "KeySpec": str(key.key_spec), "MultiRegion": False,
        "SigningAlgorithms": [str(a) for a in key.signing_algorithms] or None,
        "EncryptionAlgorithms": list(key.encryption_algorithms) or None,
    }


def _kms(call: Call) -> KmsService:
    return call.world.region(call.region).kms


def _blob(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


def _signing_algorithm(call: Call, params: Params) -> str:
    """The request's SigningAlgorithm, if it is one of the model's values.

    Raises:
        ServiceError: ValidationException in KMS's wording, listing the model's values.
    """
    algorithm = params["SigningAlgorithm"]
    allowed = operation_model(call.service, call.operation).input_shape.members["SigningAlgorithm"].enum
    if algorithm not in allowed:
        raise ServiceError("ValidationException", f"1 validation error detected: Value '{algorithm}' at "
                           "'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: "
                           f"[{', '.join(allowed)}]")
    return algorithm


@operation("kms", "CreateKey")
def create_key(call: Call, params: Params) -> Response:
    for name, default in _UNSIMULATED.items():
        if params.get(name, default) != default:
            raise ServiceError("UnsupportedOperationException",
                               f"{name} is not simulated: simulated keys are AWS_KMS keys of one region, usable "
                               "by their own account")
    tags = {t["TagKey"]: t["TagValue"] for t in params.get("Tags") or ()}
    key = _kms(call).create_key(
        call.account_id, key_spec=params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT",
        key_usage=params.get("KeyUsage", "ENCRYPT_DECRYPT"), description=params.get("Description", ""), tags=tags,
    )
    call.resource_id = key.key_id
    return {"KeyMetadata": key_metadata(key)}


@operation("kms", "DescribeKey")
def describe_key(call: Call, params: Params) -> Response:
    return {"KeyMetadata": key_metadata(_kms(call).key(call.account_id, params["KeyId"]))}


@operation("kms", "GetPublicKey")
def get_public_key(call: Call, params: Params) -> Response:
    key = _kms(call).public_key(call.account_id, params["KeyId"])
    return {
        "KeyId": key.arn, "PublicKey": key.public_key_der, "CustomerMasterKeySpec": str(key.key_spec),
        "KeySpec": str(key.key_spec), "KeyUsage": str(key.key_usage),
        "SigningAlgorithms": [str(a) for a in key.signing_algorithms] or None,
        "EncryptionAlgorithms": list(key.encryption_algorithms) or None,
    }


@operation("kms", "Sign")
def sign(call: Call, params: Params) -> Response:
    kms = _kms(call)
    algorithm = _signing_algorithm(call, params)
    key = kms.key(call.account_id, params["KeyId"])
    message = _blob(params["Message"])
    message_type = params.get("MessageType", "RAW")
    if params.get("DryRun"):
        kms.verify_request(call.account_id, key.arn, message, algorithm, message_type)
        raise ServiceError("DryRunOperationException", "The request would have succeeded, but DryRun was set")
    signature = kms.sign(call.account_id, key.arn, message, algorithm, message_type)
    return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}


@operation("kms", "Verify")
def verify(call: Call, params: Params) -> Response:
    kms = _kms(call)
    algorithm = _signing_algorithm(call, params)
    message = _blob(params["Message"])
    message_type = params.get("MessageType", "RAW")
    if params.get("DryRun"):
        kms.verify_request(call.account_id, params["KeyId"], message, algorithm, message_type)
        raise ServiceError("DryRunOperationException", "The request would have succeeded, but DryRun was set")
    key = kms.verify(call.account_id, params["KeyId"], message, _blob(params["Signature"]), algorithm, message_type)
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}


@operation("kms", "ListKeys")
def list_keys(call: Call, params: Params) -> Response:
    page, token = call.page(params, _kms(call).list_keys(call.account_id))
    return {"Keys": [{"KeyId": k.key_id, "KeyArn": k.arn} for k in page], "Truncated": bool(token), **token}


@operation("kms", "CreateAlias")
def create_alias(call: Call, params: Params) -> Response:
    _kms(call).create_alias(call.account_id, params["AliasName"], params["TargetKeyId"])
    call.resource_id = params["AliasName"]
    return {}


@operation("kms", "ListAliases")
def list_aliases(call: Call, params: Params) -> Response:
    aliases = _kms(call).aliases(call.account_id, params.get("KeyId"))
    page, token = call.page(params, aliases)
    items = [{"AliasName": name, "AliasArn": arn, "TargetKeyId": key_id, "CreationDate": created,
              "LastUpdatedDate": created} for name, arn, key_id, created in page]
    return {"Aliases": items, "Truncated": bool(token), **token}
