"""Traces: every input of a run, as JSON lines, so it can be replayed without the code that
made it (``simulator.replay.replays``).

A trace is read from what the simulation recorded: each API call and each facade action is
a row of the events timeline with its parameters (``simulator.core.params`` keeps them
exact), and the accounts and organizations the facade set up are ``setup`` records.

The file holds, one JSON object a line:

- the header: ``format`` (``"lmsim-trace"``), ``version`` (of the format), ``lmsim`` (the
  package version that recorded it), ``scenario``, ``params``, ``seed``, ``start``,
  ``region``, ``options`` (the Simulation's keyword options, such as ``ec2_timings``), ``prices`` (the
  price table, hourly prices by component, or null),
  ``accounts`` (each ``{"at", "account_id", "name"}``) and ``organizations`` (each
  ``{"at", "management_account_id", "member_account_ids", "feature_set"}``), ``at`` being
  simulated seconds since the start;
- one line per input in the order they happened: ``time`` (simulated seconds), ``kind``
  (``api`` or ``action``), ``service``, ``name`` (the operation, or the action's path on the
  Simulation), ``account_id``, ``region``, ``principal``, ``params``, ``outcome``,
  ``error_code`` and ``resource_id`` as the events timeline shows them, and ``session``: the
  access key of the temporary credentials the call was made with (empty otherwise; an
  unsigned call has an empty ``account_id``);
- the closing line: ``end`` (the simulated second the run ended) and ``entries`` (how many
  input lines there are), whose absence marks a truncated trace.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.core.params import decode_params, decode_value, encode_params

if TYPE_CHECKING:
    from simulator.runs.result import Result

FORMAT = "lmsim-trace"
FORMAT_VERSION = 1
_ENTRY_KEYS = ("time", "kind", "service", "name", "account_id", "region", "principal", "params",
               "outcome", "error_code", "resource_id", "session")
_SETUP_FIELDS = {
    "add_account": ("accounts", ("account_id", "name")),
    "create_organization": ("organizations", ("management_account_id", "member_account_ids", "feature_set")),
}


class TraceError(ValueError):
    """A file that is not a trace this version can replay: not a trace, from a newer format
    version, truncated or damaged."""


def package_version() -> str:
    """The installed lmsim version."""
    try:
        return version("lmsim")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class TraceHeader:
    """How to rebuild the estate a trace ran in (see the module docstring)."""

    seed: int
    start: str
    region: str
    accounts: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    scenario: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    prices: dict[str, dict[str, float]] | None = None
    lmsim: str = ""


@dataclass(frozen=True)
class TraceEntry:
    """One input of a run: an API call (``kind="api"``, ``name`` the operation; ``session``
    the access key of the temporary credentials it was made with, if any) or a facade action
    (``kind="action"``, ``name`` its path on the Simulation)."""

    time: float
    kind: str
    service: str
    name: str
    account_id: str
    region: str
    principal: str
    params: dict[str, Any]
    outcome: str
    error_code: str
    resource_id: str
    session: str = ""


@dataclass(frozen=True)
class Trace:
    """A run's inputs: the header, the entries in order, and when the run ended."""

    header: TraceHeader
    entries: list[TraceEntry]
    end: float

    @classmethod
    def of(cls, result: Result) -> Trace:
        """The trace of a finished run, from its records."""
        sim = result.sim
        records = sim.records
        rows = records.rows("events")
        inside: set[int] = set()
        for first, end in records.rows("action_spans"):
            inside.update(range(first + 1, end))
        sessions: dict[int, str] = dict(records.rows("call_sessions"))
        entries = [
            TraceEntry(time=row[0], kind=row[9], service=row[3], name=row[4], account_id=row[1], region=row[2],
                       principal=row[8], params=decode_params(row[10]), outcome=row[6], error_code=row[7],
                       resource_id=row[5], session=sessions.get(index, ""))
            for index, row in enumerate(rows) if row[9] in ("api", "action") and index not in inside
        ]
        setup: dict[str, list[dict[str, Any]]] = {"accounts": [], "organizations": []}
        for at, call, params in records.rows("setup"):
            key, names = _SETUP_FIELDS[call]
            values = decode_params(params)
            setup[key].append({"at": at, **{name: values[name] for name in names}})
        header = TraceHeader(
            seed=sim.seed, start=sim.clock.start.isoformat(), region=sim.region,
            options={name: asdict(value) for name, value in sim.options.items()}, scenario=result.name,
            params=dict(result.params),
            prices=None if result.prices is None else result.prices.as_dict(), lmsim=package_version(), **setup)
        return cls(header, entries, sim.env.now)

    def write(self, path: str | Path) -> Path:
        """Write the trace to ``path`` (JSON lines); return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"format": FORMAT, "version": FORMAT_VERSION, **asdict(self.header)}
        header["params"] = _plain(header["params"])
        lines = [json.dumps(header)]
        for entry in self.entries:
            line = asdict(entry)
            line["params"] = _plain(entry.params)
            lines.append(json.dumps(line))
        lines.append(json.dumps({"end": self.end, "entries": len(self.entries)}))
        path.write_text("\n".join(lines) + "\n")
        return path

    @classmethod
    def read(cls, path: str | Path) -> Trace:
        """Read the trace at ``path``.

        Raises:
            FileNotFoundError: if there is no such file.
            TraceError: if it is not a trace, comes from a newer format version, is truncated
                or has a damaged line.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no trace at {path}")
        text = path.read_text()
        if not text.strip():
            raise TraceError(f"{path} is empty, not a trace")
        lines = text.splitlines()
        header = _header(path, lines[0])
        entries: list[TraceEntry] = []
        for number, line in enumerate(lines[1:], start=2):
            data = _line(path, number, line, last=number == len(lines))
            if "end" in data:
                if number != len(lines):
                    raise TraceError(f"{path} line {number}: the closing line is followed by more lines")
                if data.get("entries") != len(entries):
                    raise TraceError(f"{path} closes with entries={data.get('entries')!r} but holds "
                                     f"{len(entries)} entries: lines are missing")
                return cls(header, entries, float(data["end"]))
            entries.append(_entry(path, number, data, entries[-1].time if entries else 0.0))
        raise TraceError(f"{path} is truncated: it ends after {len(entries)} entries without its closing "
                         "line ({\"end\": ..., \"entries\": ...})")


def _plain(params: dict[str, Any]) -> Any:
    """``params`` as plain JSON values, their non-JSON values tagged."""
    return json.loads(encode_params(params))


def _line(path: Path, number: int, text: str, last: bool) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        if last:
            raise TraceError(f"{path} is truncated: its last line ({number}) is cut short") from None
        raise TraceError(f"{path} line {number} is not JSON") from None
    if not isinstance(data, dict):
        raise TraceError(f"{path} line {number} is not a JSON object")
    return data


def _header(path: Path, text: str) -> TraceHeader:
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TraceError(f"{path} is not an lmsim trace (its first line is not a {FORMAT} header)")
    found = data.get("version")
    if not isinstance(found, int) or found < 1:
        raise TraceError(f"{path}: the header's version {found!r} is not a format version")
    if found > FORMAT_VERSION:
        raise TraceError(f"{path} was written in trace format version {found} (by lmsim {data.get('lmsim')}); "
                         f"this lmsim ({package_version()}) reads versions up to {FORMAT_VERSION}: upgrade lmsim")
    fields = {k: v for k, v in data.items() if k not in ("format", "version")}
    try:
        header = TraceHeader(**fields)
    except TypeError as error:
        raise TraceError(f"{path}: the header is damaged ({error})") from None
    return TraceHeader(**{**asdict(header), "params": decode_value(header.params)})


def _entry(path: Path, number: int, data: dict[str, Any], previous: float) -> TraceEntry:
    missing = [k for k in _ENTRY_KEYS if k not in data]
    if missing or data.get("kind") not in ("api", "action") or not isinstance(data.get("params"), dict):
        raise TraceError(f"{path} line {number} is not a trace entry (missing or bad: "
                         f"{', '.join(missing) or 'kind or params'})")
    time = data["time"]
    if not isinstance(time, (int, float)) or time < previous:
        raise TraceError(f"{path} line {number}: time {time!r} is not a number at or after the line before's")
    return TraceEntry(**{**{k: data[k] for k in _ENTRY_KEYS}, "params": decode_value(data["params"])})
