"""The instances of one region by account: lookups by id and DescribeInstances.

Terminated instances stay visible for ``Ec2Timings.terminated_visible`` and are then
forgotten, lazily, at the next lookup.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import cast

import simpy

from simulator.core.validation import check_id
from simulator.world.ec2.errors import invalid_instance_id_not_found
from simulator.world.ec2.instance import Instance, InstanceState
from simulator.world.ec2.instance_filters import instance_matcher


class InstanceIndex:
    """The instances of one region, by account and id.

    Args:
        env: The SimPy environment (for when terminated instances are forgotten).
    """

    def __init__(self, env: simpy.Environment) -> None:
        self._by_account: dict[str, dict[str, Instance]] = {}
        self._terminated: deque[tuple[float, Instance]] = deque()
        self._env = env
        #: Gives an instance's EBS volumes (for the block-device-mapping.volume-id filter).
        self.volumes_of: Callable[[Instance], tuple] | None = None

    # -- lookups --------------------------------------------------------------------------

    def account_instances(self, account_id: str) -> dict[str, Instance]:
        """The instances of ``account_id`` by id, in launch order (recently terminated too)."""
        self._forget_old_terminated()
        return self._by_account.setdefault(account_id, {})

    def get(self, account_id: str, instance_id: str) -> Instance:
        """One instance of ``account_id``.

        Raises:
            ServiceError: InvalidInstanceID.Malformed or InvalidInstanceID.NotFound.
        """
        return self.get_many(account_id, [instance_id])[0]

    def find(self, account_id: str, instance_id: str) -> Instance | None:
        """The instance, or None if ``account_id`` has no such instance (now)."""
        return self.account_instances(account_id).get(instance_id)

    def lookup(self, instance_id: str) -> Instance | None:
        """The instance ``instance_id`` of whichever account has it (now), or None."""
        for account_id in self._by_account:
            instance = self.find(account_id, instance_id)
            if instance is not None:
                return instance
        return None

    def get_many(self, account_id: str, instance_ids: list[str]) -> list[Instance]:
        """Instances of ``account_id``, in the order asked (duplicates dropped).

        Raises:
            ServiceError: InvalidInstanceID.Malformed for the first malformed id, then
                InvalidInstanceID.NotFound naming every unknown id.
        """
        instances = self.account_instances(account_id)
        found = list(map(instances.get, instance_ids))
        if None in found:
            missing = list(dict.fromkeys(i for i, f in zip(instance_ids, found, strict=True) if f is None))
            for instance_id in missing:
                check_id(instance_id, "i", "InvalidInstanceID")
            noun, verb = ("ID", "does") if len(missing) == 1 else ("IDs", "do")
            raise invalid_instance_id_not_found(f"The instance {noun} '{', '.join(missing)}' {verb} not exist")
        present = cast("list[Instance]", found)  # no None is left: refused above
        if len(present) > 1:
            unique = list(dict.fromkeys(present))  # instances hash by identity
            if len(unique) != len(present):
                return unique
        return present

    def describe(
        self, account_id: str, instance_ids: list[str] | None = None,
        filters: list[tuple[str, list[str]]] | None = None,
    ) -> list[Instance]:
        """DescribeInstances: the account's instances, optionally by id and filtered.

        Raises:
            ServiceError: InvalidInstanceID.*, InvalidParameterValue for an unknown filter,
                Unsupported for a documented filter the simulator does not model.
        """
        matches = instance_matcher(list(filters or ()), self.volumes_of)
        if instance_ids:
            selected = self.get_many(account_id, instance_ids)
        else:
            selected = list(self.account_instances(account_id).values())
        return [i for i in selected if matches(i)]

    def _forget_old_terminated(self) -> None:
        queue = self._terminated
        if not queue:
            return
        now = self._env.now
        while queue and queue[0][0] <= now:
            _, instance = queue.popleft()
            if instance.state is InstanceState.TERMINATED:
                self._by_account[instance.account_id].pop(instance.instance_id, None)

    def forget_when_gone(self, instance: Instance, expiry: float) -> None:
        """Forget the terminated ``instance`` at simulated second ``expiry``."""
        self._terminated.append((expiry, instance))
