"""AWS KMS ("Cryptographic Signing of Licenses": an asymmetric KMS key with key usage
SIGN_VERIFY whose private half never leaves KMS): CreateKey, DescribeKey, GetPublicKey, Sign,
Verify, ListKeys, CreateAlias, ListAliases."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tests.helpers import ACCOUNT_A, ACCOUNT_B, assert_refused, error_code


@pytest.fixture
def kms(sim):
    """A KMS client of account A."""
    return sim.client("kms", ACCOUNT_A)


@pytest.mark.parametrize("spec, bits", [("RSA_2048", 2048), ("RSA_3072", 3072)])
def test_rsa_signing_keys_sign_with_pss_verifiable_by_anyone(kms, spec, bits):
    """An asymmetric key pair: GetPublicKey gives the DER SubjectPublicKeyInfo; Sign makes a
    real RSASSA-PSS signature that the public key verifies outside KMS."""
    meta = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY", Description="license signing")["KeyMetadata"]
    assert (meta["KeySpec"], meta["KeyUsage"], meta["KeyState"]) == (spec, "SIGN_VERIFY", "Enabled")
    assert "RSASSA_PSS_SHA_384" in meta["SigningAlgorithms"]
    public = load_der_public_key(kms.get_public_key(KeyId=meta["KeyId"])["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == bits
    signature = kms.sign(KeyId=meta["KeyId"], Message=b"license", SigningAlgorithm="RSASSA_PSS_SHA_384")["Signature"]
    public.verify(signature, b"license", padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48),
                  hashes.SHA384())


def test_digest_messages_and_ecc_keys(kms):
    """Sign with MessageType DIGEST signs a precomputed hash; ECC keys sign with ECDSA."""
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    digest = hashlib.sha256(b"payload").digest()
    signature = kms.sign(KeyId=key, Message=digest, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    public = load_der_public_key(kms.get_public_key(KeyId=key)["PublicKey"])
    public.verify(signature, b"payload", ec.ECDSA(hashes.SHA256()))
    with pytest.raises(kms.exceptions.ClientError) as excinfo:
        kms.sign(KeyId=key, Message=b"short", MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")
    assert error_code(excinfo) == "ValidationException"


def test_verify_rejects_altered_messages(kms):
    """Verify: KMSInvalidSignatureException when the message or signature was altered."""
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=key, Message=b"original", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    assert kms.verify(KeyId=key, Message=b"original", Signature=signature,
                      SigningAlgorithm="RSASSA_PSS_SHA_256")["SignatureValid"] is True
    with pytest.raises(kms.exceptions.KMSInvalidSignatureException):
        kms.verify(KeyId=key, Message=b"altered", Signature=signature, SigningAlgorithm="RSASSA_PSS_SHA_256")


def test_key_usage_and_algorithms_must_fit(kms):
    """A key signs only with SIGN_VERIFY usage and an algorithm of its spec; a spec allows only
    its usages."""
    encrypting = kms.create_key(KeySpec="RSA_2048")["KeyMetadata"]
    assert encrypting["KeyUsage"] == "ENCRYPT_DECRYPT" and "SigningAlgorithms" not in encrypting
    with pytest.raises(kms.exceptions.ClientError) as excinfo:
        kms.sign(KeyId=encrypting["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert error_code(excinfo) == "InvalidKeyUsageException"
    ecc = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(kms.exceptions.ClientError) as excinfo:
        kms.sign(KeyId=ecc, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert error_code(excinfo) == "InvalidKeyUsageException"
    for params in ({"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "SIGN_VERIFY"},
                   {"KeySpec": "ECC_NIST_P256", "KeyUsage": "ENCRYPT_DECRYPT"}, {"KeySpec": "RSA_1024"}):
        with pytest.raises(kms.exceptions.ClientError) as excinfo:
            kms.create_key(**params)
        assert error_code(excinfo) == "ValidationException"
    with pytest.raises(kms.exceptions.ClientError) as excinfo:
        kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
    assert error_code(excinfo) == "UnsupportedOperationException"


def test_sign_and_verify_check_their_input(sim, kms):
    """Sign and Verify (KMS API reference): a SigningAlgorithm that is not one of the model's
    SigningAlgorithmSpec values, an empty Message or an empty Signature is a
    ValidationException."""
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    for call in (lambda: kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_1"),
                 lambda: kms.verify(KeyId=key, Message=b"m", Signature=signature, SigningAlgorithm="PS384"),
                 lambda: kms.sign(KeyId=key, Message=b"", SigningAlgorithm="RSASSA_PSS_SHA_256"),
                 lambda: kms.verify(KeyId=key, Message=b"", Signature=signature, SigningAlgorithm="RSASSA_PSS_SHA_256"),
                 lambda: kms.verify(KeyId=key, Message=b"m", Signature=b"", SigningAlgorithm="RSASSA_PSS_SHA_256")):
        with pytest.raises(kms.exceptions.ClientError) as excinfo:
            call()
        assert error_code(excinfo) == "ValidationException"
    with pytest.raises(kms.exceptions.ClientError) as excinfo:
        kms.sign(KeyId=key, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_1")
    assert "Value 'RSASSA_PSS_SHA_1' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum" \
        in excinfo.value.response["Error"]["Message"]


def test_alias_names_follow_the_pattern(sim, kms):
    """CreateAlias: a name is alias/ and then letters, digits, /, _ or - (AliasNameType's pattern,
    whose colon appears only in alias ARNs); other characters, or a name without the prefix, are
    a ValidationException and make no alias."""
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    for name in ("alias/has space", "alias/dots.are.out", "alias/colon:name", "no-prefix", "ALIAS/upper"):
        assert_refused(sim, "ValidationException", lambda name=name: kms.create_alias(AliasName=name, TargetKeyId=key),
                       lambda: kms.list_aliases()["Aliases"])
    kms.create_alias(AliasName="alias/Team_A/signing-2", TargetKeyId=key)
    assert [a["AliasName"] for a in kms.list_aliases()["Aliases"]] == ["alias/Team_A/signing-2"]


def test_aliases_name_keys(sim, kms):
    """CreateAlias: alias/<name> for a key, unique per account, never alias/aws/ (a name without
    the alias/ prefix is a ValidationException, as AWS answers it); every KMS operation takes the
    alias name or ARN for the key."""
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    kms.create_alias(AliasName="alias/license-signing", TargetKeyId=key["KeyId"])
    assert kms.describe_key(KeyId="alias/license-signing")["KeyMetadata"]["Arn"] == key["Arn"]
    alias_arn = kms.list_aliases()["Aliases"][0]["AliasArn"]
    assert kms.describe_key(KeyId=alias_arn)["KeyMetadata"]["KeyId"] == key["KeyId"]
    for name, code in (("alias/license-signing", "AlreadyExistsException"),
                       ("alias/aws/mine", "InvalidAliasNameException"),
                       ("license-signing", "ValidationException")):
        assert_refused(sim, code, lambda name=name: kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"]),
                       lambda: kms.list_aliases()["Aliases"])


def test_keys_belong_to_their_account_and_region(sim, kms):
    """A key is regional and usable by its own account only (the default key policy)."""
    arn = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    other = sim.client("kms", ACCOUNT_B)
    with pytest.raises(other.exceptions.ClientError) as excinfo:
        other.sign(KeyId=arn, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert error_code(excinfo) == "AccessDeniedException"
    abroad = sim.client("kms", ACCOUNT_A, region="eu-west-1")
    with pytest.raises(abroad.exceptions.NotFoundException):
        abroad.describe_key(KeyId=arn)
    assert abroad.list_keys()["Keys"] == []


def test_list_keys_pages(kms):
    """ListKeys pages with Limit and Marker, Truncated while more follow."""
    ids = [kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True
    rest = kms.list_keys(Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False
    assert [k["KeyId"] for k in first["Keys"] + rest["Keys"]] == ids
    with pytest.raises(kms.exceptions.InvalidMarkerException):
        kms.list_keys(Marker="bogus")
