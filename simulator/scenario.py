"""Loading and running scenario files.

A scenario is a Python file with a ``build(sim, **params)`` function whose keyword
defaults (documented in its docstring) are the scenario's parameters. ``build`` sets up
accounts and resources and starts SimPy processes; the runner then advances the clock. A
scenario may set ``DURATION`` (default run length, e.g. ``"30d"``), ``START`` (its
start instant) and ``PRICES`` (a price table for the cost model, a CSV path relative to the
scenario file; ``lmsim run`` then writes the run's costs).
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from simulator.core.clock import parse_duration, parse_instant
from simulator.simulation import Simulation

DEFAULT_START = "2026-01-01T00:00:00Z"
DEFAULT_DURATION = "7d"


@dataclass
class Scenario:
    """A loaded scenario file."""

    path: Path
    module: ModuleType

    @property
    def name(self) -> str:
        """The file's stem."""
        return self.path.stem

    @property
    def build(self) -> Callable[..., Any]:
        """The scenario's ``build(sim, **params)``."""
        return self.module.build

    @property
    def start(self) -> str:
        """Where the scenario's clock starts."""
        return getattr(self.module, "START", DEFAULT_START)

    @property
    def duration(self) -> str:
        """How long the scenario runs unless told otherwise."""
        return getattr(self.module, "DURATION", DEFAULT_DURATION)

    @property
    def prices(self) -> Path | None:
        """The price table the scenario declares (``PRICES``, relative to its file), if any."""
        prices = getattr(self.module, "PRICES", None)
        return None if prices is None else self.path.parent / prices

    def defaults(self) -> dict[str, Any]:
        """The parameters ``build`` accepts, with their defaults."""
        signature = inspect.signature(self.build)
        return {
            name: p.default
            for name, p in list(signature.parameters.items())[1:]
            if p.default is not inspect.Parameter.empty
        }

    def parse_params(self, pairs: list[str]) -> dict[str, Any]:
        """``["key=value", ...]`` as typed parameters, typed after their defaults.

        Raises:
            ValueError: for a malformed pair, an unknown key or a value of the wrong type.
        """
        defaults = self.defaults()
        params: dict[str, Any] = {}
        for pair in pairs:
            key, sep, text = pair.partition("=")
            if not sep:
                raise ValueError(f"--param needs key=value, got {pair!r}")
            if key not in defaults:
                raise ValueError(
                    f"scenario {self.name} has no parameter {key!r}; its parameters: "
                    f"{', '.join(f'{k}={v!r}' for k, v in defaults.items()) or 'none'}"
                )
            params[key] = _convert(key, text, defaults[key])
        return params


def _convert(key: str, text: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return text.lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        raise ValueError(f"parameter {key} expects a {type(default).__name__}, got {text!r}") from None
    return text


def load_scenario(path: str | Path) -> Scenario:
    """Import the scenario file at ``path``.

    Raises:
        FileNotFoundError: if there is no such file.
        ValueError: if it has no ``build`` function.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no scenario file at {path}")
    spec = importlib.util.spec_from_file_location(f"lmsim_scenario_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    if not callable(getattr(module, "build", None)):
        raise ValueError(f"scenario {path} has no build(sim, **params) function")
    return Scenario(path, module)


def run_scenario(
    scenario: Scenario, *, seed: int = 0, until: str | None = None,
    params: dict[str, Any] | None = None, progress: Callable[[float, float], None] | None = None,
) -> Simulation:
    """Build and run ``scenario``; return the finished simulation.

    Args:
        scenario: The loaded scenario.
        seed: The simulation seed.
        until: An ISO-8601 instant or a duration from the start (``"30d"``); default the
            scenario's ``DURATION``.
        params: Keyword arguments for ``build``.
        progress: Called as ``progress(done_seconds, total_seconds)`` while running.
    """
    sim = Simulation(start=scenario.start, seed=seed)
    scenario.build(sim, **(params or {}))
    end = _end_seconds(sim, until or scenario.duration)
    steps = 200
    begin = sim.env.now
    for step in range(1, steps + 1):
        sim.env.run(until=begin + (end - begin) * step / steps)
        if progress is not None:
            progress(sim.env.now - begin, end - begin)
    return sim


def _end_seconds(sim: Simulation, until: str) -> float:
    try:
        return sim.env.now + parse_duration(until).total_seconds()
    except (ValueError, TypeError):
        pass
    try:
        end = sim.clock.to_seconds(parse_instant(until))
    except ValueError:
        raise ValueError(f"--until needs an ISO-8601 instant or a duration like '30d', got {until!r}") from None
    if end < sim.env.now:
        raise ValueError(f"--until {until} lies before the scenario start {sim.now.isoformat()}")
    return end
