"""Signed checkout tokens ("Cryptographic Signing of Licenses"): a JWS signed with the
issuer's KMS key that anyone verifies offline with the public key and a standard JWT library."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tests.helpers import (
    ACCOUNT_A,
    ACCOUNT_B,
    active_grant,
    checkout,
    client_token,
    create_license,
    error_code,
    fingerprint,
    signing_key,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def signed(sim, lm, lm_b):
    """A license signed by an RSA key of the issuer (A), granted to B, and one checkout by B."""
    key = signing_key(sim)
    arn = create_license(lm, sign_key=key)
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    out = checkout(lm_b, "sku-app", fingerprint(lm, arn), NodeId="10.0.21.57")
    public = sim.client("kms", ACCOUNT_A).get_public_key(KeyId=key)["PublicKey"]
    return arn, out, load_der_public_key(public)


def test_checkout_token_verifies_offline_with_the_public_key(signed):
    """"Cryptographic Signing of Licenses": the checkout returns a signed JSON object listing
    the entitlements (the guide's example fields); pyjwt verifies it with GetPublicKey's key
    (PS384, RSASSA-PSS)."""
    arn, out, public = signed
    assert jwt.get_unverified_header(out["SignedToken"])["alg"] == "PS384"
    payload = jwt.decode(out["SignedToken"], public, algorithms=["PS384"])
    assert set(payload) == {"entitlementsAllowed", "expiration", "issuedAt", "licenseArn", "licenseConsumptionToken",
                            "nodeId", "checkoutMetadata"}
    assert payload["entitlementsAllowed"] == [{"name": "Seats", "unit": "Count", "value": "1"}]
    assert payload["licenseArn"] == arn and payload["nodeId"] == "10.0.21.57"
    assert payload["licenseConsumptionToken"] == out["LicenseConsumptionToken"]
    assert (payload["issuedAt"], payload["expiration"]) == ("2026-01-01T00:00:00", "2026-01-01T01:00:00")


def test_tampered_other_key_and_unsigned_tokens_fail(signed):
    """"Cryptographic Signing of Licenses": any party can check the text was not altered and
    that the owner of the private key signed it: a changed payload, a token signed by another
    key and an ``alg: none`` token all fail verification."""
    _, out, public = signed
    header, payload, signature = out["SignedToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["entitlementsAllowed"][0]["value"] = "1000"
    tampered = ".".join([header, _b64(json.dumps(claims).encode()), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tampered, public, algorithms=["PS384"])
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other, algorithm="PS384")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, public, algorithms=["PS384"])
    unsigned = ".".join([_b64(b'{"alg":"none","typ":"JWT"}'), payload, ""])
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(unsigned, public, algorithms=["PS384"])


def test_kms_verify_accepts_the_token_signature(sim, signed):
    """"Cryptographic Signing of Licenses": License Manager signs through KMS Sign; KMS Verify
    accepts the JWS signing input with RSASSA_PSS_SHA_384."""
    _, out, _ = signed
    header, payload, signature = out["SignedToken"].split(".")
    kms = sim.client("kms", ACCOUNT_A)
    key = kms.list_keys()["Keys"][0]["KeyId"]
    result = kms.verify(KeyId=key, Message=f"{header}.{payload}".encode(),
                        Signature=base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)),
                        SigningAlgorithm="RSASSA_PSS_SHA_384")
    assert result["SignatureValid"] is True


def test_borrowed_license_is_signed_with_its_metadata(sim, lm, lm_b):
    """"Cryptographic Signing of Licenses": CheckoutBorrowLicense (only with Borrow
    configured) returns the signed token with its checkout metadata, for offline use."""
    key = signing_key(sim)
    arn = create_license(lm, sign_key=key, provisional=None, borrow=1440)
    active_grant(lm, lm_b, arn, ACCOUNT_B)
    out = lm_b.checkout_borrow_license(LicenseArn=arn, Entitlements=[{"Name": "Seats", "Unit": "Count", "Value": "2"}],
                                       DigitalSignatureMethod="JWT_PS384", NodeId="laptop-7",
                                       CheckoutMetadata=[{"Name": "Mac", "Value": "ABCDEFGHI"}],
                                       ClientToken=client_token())
    public = load_der_public_key(sim.client("kms", ACCOUNT_A).get_public_key(KeyId=key)["PublicKey"])
    payload = jwt.decode(out["SignedToken"], public, algorithms=["PS384"])
    assert payload["checkoutMetadata"] == {"Mac": "ABCDEFGHI"} and payload["expiration"] == "2026-01-02T00:00:00"
    assert out["CheckoutMetadata"] == [{"Name": "Mac", "Value": "ABCDEFGHI"}]


def test_borrow_needs_a_signing_key_and_the_ps384_method(sim, lm, lm_b):
    """"Cryptographic Signing of Licenses": borrowed licenses are signed tokens (JWT_PS384):
    another method, or a license without a signing key, is refused."""
    unsigned = create_license(lm, provisional=None, borrow=60)
    active_grant(lm, lm_b, unsigned, ACCOUNT_B)
    entitlements = [{"Name": "Seats", "Unit": "Count", "Value": "1"}]
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.checkout_borrow_license(LicenseArn=unsigned, Entitlements=entitlements, DigitalSignatureMethod="JWT_PS384",
                                     ClientToken=client_token())
    assert error_code(excinfo) == "UnsupportedDigitalSignatureMethodException"
    with pytest.raises(lm_b.exceptions.ClientError) as excinfo:
        lm_b.checkout_borrow_license(LicenseArn=unsigned, Entitlements=entitlements, DigitalSignatureMethod="RS256",
                                     ClientToken=client_token())
    assert error_code(excinfo) == "UnsupportedDigitalSignatureMethodException"
