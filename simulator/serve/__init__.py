"""``lmsim serve``: a simulation behind one AWS-compatible HTTP endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.serve.server import SimulationServer

__all__ = ["SimulationServer"]


def __getattr__(name: str) -> Any:
    # The server (and the protocol libraries under it) loads on first use, so the lmsim
    # command starts as fast without it.
    if name == "SimulationServer":
        from simulator.serve.server import SimulationServer

        return SimulationServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
