"""Loading and running scenario files.

A scenario is a Python file with a ``build(sim, **params)`` function whose keyword
defaults (documented in its docstring) are the scenario's parameters. ``build`` sets up
accounts and resources and starts SimPy processes; the runner then advances the clock. A
scenario may set ``DURATION`` (default run length, e.g. ``"30d"``), ``START`` (its start
instant), ``PRICES`` (a price table for the cost model: a CSV path relative to the scenario
file, or a ``Prices``; the run then has its costs timeline and plot and the summary its cost)
and define ``summarize(sim)`` (figures of its own for the summary).
"""

from __future__ import annotations

import inspect
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from simulator.core.clock import parse_duration, parse_instant
from simulator.runs.result import Result
from simulator.runs.summary import Figure
from simulator.runs.trace import Trace
from simulator.simulation import MAX_HORIZON, Simulation
from simulator.timelines.costs import Prices, as_prices

DEFAULT_START = "2026-01-01T00:00:00Z"
DEFAULT_DURATION = "7d"


class ScenarioError(Exception):
    """A scenario file failed: it does not compile or import, or its code raised while
    building or running. The message names the file, the line and the error; the original
    exception is the ``__cause__``."""

    def __init__(self, path: Path, error: BaseException) -> None:
        self.path = path
        self.error = error
        super().__init__(f"{path}:{_line_of(error, path)}: {_message(error)}")


def _line_of(error: BaseException, path: Path) -> str:
    """The line of ``path`` the error comes from (the deepest frame in that file)."""
    if isinstance(error, SyntaxError) and error.filename == str(path):
        return str(error.lineno)
    line = "?"
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == str(path):
            line = str(lineno)
    return line


def _message(error: BaseException) -> str:
    """The error's type and message; an AWS error's code stands for its type (the modeled
    exception class is named after the code, so it would be said twice)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        return f"{response['Error'].get('Code')}: {response['Error'].get('Message')}"
    code = getattr(error, "code", None)  # a ServiceError raised by the domain: its str is "code: message"
    if isinstance(code, str) and str(error).startswith(f"{code}: "):
        return str(error)
    return f"{type(error).__name__}: {error.msg if isinstance(error, SyntaxError) else error}"


@dataclass
class Scenario:
    """A loaded scenario file."""

    path: Path
    module: ModuleType
    source: str

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
    def prices(self) -> Prices | None:
        """The price table the scenario declares (``PRICES``: a ``Prices``, a table, or a CSV
        path relative to the scenario file), if any.

        Raises:
            FileNotFoundError, ValueError: for a missing or malformed table.
        """
        prices = getattr(self.module, "PRICES", None)
        if isinstance(prices, (str, Path)):
            prices = self.path.parent / prices
        return None if prices is None else as_prices(prices)

    @property
    def summarize(self) -> Callable[[Simulation], Mapping[str, Figure]] | None:
        """The scenario's own ``summarize(sim)``, if it has one."""
        return getattr(self.module, "summarize", None)

    @contextmanager
    def failures(self) -> Iterator[None]:
        """Report any exception the block raises as a ScenarioError of this file."""
        try:
            yield
        except ScenarioError:
            raise
        except Exception as error:
            raise ScenarioError(self.path, error) from error

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
            self.check_params({key: text})
            params[key] = _convert(key, text, defaults[key])
        return params

    def check_params(self, params: Mapping[str, Any]) -> None:
        """Check that ``build`` has a parameter of each name in ``params``.

        Raises:
            ValueError: naming an unknown parameter and the scenario's parameters.
        """
        defaults = self.defaults()
        for key in params:
            if key not in defaults:
                raise ValueError(
                    f"scenario {self.name} has no parameter {key!r}; its parameters: "
                    f"{', '.join(f'{k}={v!r}' for k, v in defaults.items()) or 'none'}"
                )

    def convert(self, key: str, text: str) -> Any:
        """The text ``text`` as a value of parameter ``key``, typed after its default.

        Raises:
            ValueError: for an unknown parameter or a value of the wrong type.
        """
        self.check_params({key: text})
        return _convert(key, text, self.defaults()[key])


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
        kind = type(default).__name__
        article = "an" if kind[0] in "aeiou" else "a"
        raise ValueError(f"parameter {key} expects {article} {kind}, got {text!r}") from None
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
    return scenario_from_source(path.read_text(), path)


def scenario_from_source(source: str, path: str | Path) -> Scenario:
    """The scenario whose file at ``path`` holds ``source`` (the file need not exist here:
    a sweep sends the source to its workers).

    Raises:
        ScenarioError: if it does not compile or its import fails.
        ValueError: if it has no ``build`` function.
    """
    path = Path(path)
    module = ModuleType(f"lmsim_scenario_{path.stem}")
    module.__file__ = str(path)
    try:
        exec(compile(source, str(path), "exec"), module.__dict__)
    except Exception as error:
        raise ScenarioError(path, error) from error
    if not callable(getattr(module, "build", None)):
        raise ValueError(f"scenario {path} has no build(sim, **params) function")
    return Scenario(path, module, source)


def run_scenario(
    scenario: str | Path | Scenario, *, seed: int = 0, until: str | None = None,
    params: Mapping[str, Any] | None = None, record: str | Path | None = None,
    progress: Callable[[float, float], None] | None = None,
    prices: Prices | str | Path | None = None,
) -> Result:
    """Build and run a scenario; return the finished run.

    Args:
        scenario: The scenario file's path, or the loaded scenario.
        seed: The simulation seed.
        until: An ISO-8601 instant or a duration from the start (``"30d"``); default the
            scenario's ``DURATION``.
        params: Keyword arguments for ``build``.
        record: Write the run's trace to this path (see ``simulator.runs.trace``).
        progress: Called as ``progress(done_seconds, total_seconds)`` while running.
        prices: The price table for the cost model (a ``Prices`` or a CSV path); default the
            scenario's ``PRICES``.

    Raises:
        FileNotFoundError: if there is no scenario file at the path.
        ValueError: for an unknown parameter, a malformed ``until`` (or DURATION) or a
            malformed price table.
        ScenarioError: if the scenario's code fails (an AWS error it does not catch included).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    params = dict(params or {})
    scenario.check_params(params)
    prices = scenario.prices if prices is None else as_prices(prices)  # a bad table fails before the run
    sim = Simulation(start=scenario.start, seed=seed)
    end = end_seconds(sim, until, "--until") if until is not None else end_seconds(
        sim, scenario.duration, f"DURATION of {scenario.path}")
    with scenario.failures():
        scenario.build(sim, **params)
        steps = 200
        begin = sim.env.now
        for step in range(1, steps + 1):
            sim.run_to(begin + (end - begin) * step / steps)
            if progress is not None:
                progress(sim.env.now - begin, end - begin)
    result = Result(sim, name=scenario.name, seed=seed, params=params, prices=prices,
                    extra_figures=scenario.summarize)
    if record is not None:
        Trace.of(result).write(record)
    return result


def end_seconds(sim: Simulation, until: str, what: str = "--until") -> float:
    """Simulated seconds at which a run told ``until`` (an ISO-8601 instant, or a duration
    from now such as ``"30d"``) ends; ``what`` names the setting in errors.

    Raises:
        ValueError: for a malformed, empty or negative value, an instant before now, or an
            end more than ten simulated years after the start.
    """
    if not isinstance(until, str) or not until.strip():
        raise ValueError(f"{what} needs an ISO-8601 instant or a duration like '30d', got {until!r}")
    if until.strip().startswith("-"):
        raise ValueError(f"{what} {until} is negative: a run cannot end before it starts; give a duration like "
                         "'30d' or an instant after the start")
    try:
        end = sim.env.now + parse_duration(until).total_seconds()
    except (ValueError, TypeError):
        try:
            end = sim.clock.to_seconds(parse_instant(until))
        except (ValueError, TypeError):
            raise ValueError(f"{what} needs an ISO-8601 instant or a duration like '30d', got {until!r}") from None
    if end < sim.env.now:
        raise ValueError(f"{what} {until} lies before the scenario start {sim.now.isoformat()}")
    if end > MAX_HORIZON:
        raise ValueError(f"{what} {until} ends more than ten simulated years after the start "
                         f"({sim.clock.start.isoformat()})")
    return end
