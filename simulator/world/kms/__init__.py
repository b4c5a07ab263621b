"""AWS KMS: asymmetric keys whose private half never leaves the service, with real
signatures made by the ``cryptography`` package."""

from simulator.world.kms.key import (
    KEY_SPECS,
    KeySpec,
    KeyUsage,
    KmsKey,
    SigningAlgorithm,
)
from simulator.world.kms.service import KmsService

__all__ = ["KEY_SPECS", "KeySpec", "KeyUsage", "KmsKey", "KmsService", "SigningAlgorithm"]
