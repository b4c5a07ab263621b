"""Request members the simulator does not model: refused by name unless they carry the value
AWS would take by default, so nothing a caller asks for is silently dropped."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from simulator.core.errors import ServiceError

_MISSING = object()


def refuse_unmodelled(params: Mapping[str, Any], modelled: Collection[str], where: str, defaults: Mapping[str, Any],
                      why: Mapping[str, str], refuse: Callable[[str, str], ServiceError]) -> None:
    """Refuse every member of ``params`` outside ``modelled`` whose value is not its default
    in ``defaults`` (nested structures member by member).

    Raises:
        ServiceError: ``refuse(field, why[name])`` for the first such member, its path after
            ``where``.
    """
    for name, value in params.items():
        if name in modelled or value is None:
            continue
        default = defaults.get(name, _MISSING)
        if isinstance(value, Mapping) and isinstance(default, Mapping):
            refuse_unmodelled(value, (), f"{where}{name}.", default, why, refuse)
        elif value != default:
            raise refuse(f"{where}{name}", why.get(name, ""))
