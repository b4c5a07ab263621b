"""Hybrid activations: the id and code an on-premises server's agent registers with
(CreateActivation, DescribeActivations, DeleteActivation), their registration limit and
expiry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from simulator.core.clock import Clock
from simulator.core.ids import LOWER_ALNUM, IdFactory
from simulator.world.ssm.activation import Activation
from simulator.world.ssm.errors import invalid_activation, invalid_activation_id, invalid_filter, validation_exception

#: An activation expires 24 hours after its creation unless told otherwise, and at most 30
#: days after it (CreateActivation's ExpirationDate).
DEFAULT_LIFETIME = 86400.0
LONGEST_LIFETIME = 30 * 86400.0
REGISTRATION_LIMITS = (1, 1000)
ACTIVATION_FILTERS = ("ActivationIds", "DefaultInstanceName", "IamRole")



class Activations:
    """The activations of one region, for every account.

    Args:
        clock: The simulation clock.
        ids: The id factory.
        region: The region's name.
    """

    def __init__(self, clock: Clock, ids: IdFactory, region: str) -> None:
        self._clock = clock
        self._ids = ids
        self._region = region
        self._by_id: dict[str, Activation] = {}

    def create(
        self, account_id: str, iam_role: str, *, description: str = "", default_instance_name: str = "",
        registration_limit: int | None = None, expiration: datetime | None = None,
        tags: dict[str, str] | None = None,
    ) -> Activation:
        """CreateActivation.

        Raises:
            ServiceError: ValidationException for an IAM role name past 64 characters, a
                registration limit outside 1 to 1000, or an expiration in the past or more
                than 30 days ahead.
        """
        clock = self._clock
        if not iam_role or len(iam_role) > 64:
            raise validation_exception(f"IamRole must be 1 to 64 characters, got {iam_role!r}")
        limit = 1 if registration_limit is None else registration_limit
        low, high = REGISTRATION_LIMITS
        if not low <= limit <= high:
            raise validation_exception(f"RegistrationLimit must be from {low} to {high}, got {limit}")
        now = clock.seconds
        expires_at = now + DEFAULT_LIFETIME if expiration is None else clock.to_seconds(expiration)
        if not now < expires_at <= now + LONGEST_LIFETIME:
            raise validation_exception(f"ExpirationDate {clock.to_datetime(expires_at).isoformat()} must lie after "
                                       f"now ({clock.now().isoformat()}) and at most 30 days ahead")
        activation = Activation(
            activation_id=self._ids.uuid("activation"), code=self._ids.token("activation-code", 20, LOWER_ALNUM),
            account_id=account_id, region=self._region, iam_role=iam_role, created_at=clock.now(),
            expires_at=expires_at, description=description, default_instance_name=default_instance_name,
            registration_limit=limit, tags=dict(tags or {}),
        )
        self._by_id[activation.activation_id] = activation
        return activation

    def find(self, activation_id: str) -> Activation | None:
        """The activation ``activation_id`` (of any account), or None."""
        return self._by_id.get(activation_id)

    def describe(self, account_id: str, filters: Iterable[tuple[str, list[str]]] = ()) -> list[Activation]:
        """DescribeActivations: the account's activations, oldest first, filtered by
        ActivationIds, DefaultInstanceName or IamRole.

        Raises:
            ServiceError: InvalidFilter for another filter key.
        """
        getters = {"ActivationIds": lambda a: a.activation_id, "DefaultInstanceName": lambda a: a.default_instance_name,
                   "IamRole": lambda a: a.iam_role}
        tests = []
        for key, values in filters:
            if key not in getters:
                raise invalid_filter(f"Filter key {key!r} is invalid; allowed: {', '.join(getters)}")
            tests.append(lambda a, get=getters[key], wanted=set(values): get(a) in wanted)
        return [a for a in self._by_id.values() if a.account_id == account_id and all(t(a) for t in tests)]

    def delete(self, account_id: str, activation_id: str) -> Activation:
        """DeleteActivation: no more servers can register with it; those registered stay.

        Raises:
            ServiceError: InvalidActivationId for an activation the account does not have.
        """
        activation = self._by_id.get(activation_id)
        if activation is None or activation.account_id != account_id:
            raise invalid_activation_id(f"Activation {activation_id} does not exist in account {account_id} in "
                                        f"{self._region}")
        del self._by_id[activation_id]
        return activation

    def redeem(self, activation_id: str, code: str, count: int = 1) -> Activation:
        """Use ``count`` registrations of an activation (agents registering with its id and
        code).

        Raises:
            ServiceError: InvalidActivation for an unknown or deleted activation, a code
                that does not match, an expired activation, or one with fewer than ``count``
                registrations left.
        """
        activation = self._by_id.get(activation_id)
        if activation is None or activation.code != code:
            raise invalid_activation(f"Activation {activation_id} does not exist or its code does not match")
        if activation.expired(self._clock.seconds):
            raise invalid_activation(f"Activation {activation_id} expired at "
                                     f"{self._clock.to_datetime(activation.expires_at).isoformat()}")
        left = activation.registration_limit - activation.registrations
        if count > left:
            raise invalid_activation(f"Activation {activation_id} has {left} of its {activation.registration_limit} "
                                     f"registrations left, {count} asked")
        activation.registrations += count
        return activation
