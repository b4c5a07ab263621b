"""Replays: a trace's calls and actions made again, at their simulated times, without the
code that first made them.

Each API call goes through a genuine boto3 client as the recorded account, region and
principal; each facade action is called at its path on the Simulation. With the same
simulator, a replay gives the recorded run's ids and timelines byte for byte. Overrides
make it a what-if: license configurations created (or updated) under a given name get the
overridden count, hard limit or rules, and the same requests meet them. Requests about
resources the what-if never created are translated or dropped (``simulator.replay.idmap``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import math
import typing
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import simpy
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from simulator.aws.gateway import StrictModeViolation
from simulator.core.params import unreplayable
from simulator.replay.idmap import Gone, IdMap
from simulator.replay.inputs import json_input
from simulator.runs.result import Result
from simulator.runs.trace import Trace, TraceEntry
from simulator.simulation import Simulation
from simulator.timelines.costs import as_prices

#: The fields of a license configuration an override may set, and the type of each.
OVERRIDABLE = {"LicenseCount": int, "LicenseCountHardLimit": bool, "LicenseRules": list}
_CREATE = ("license-manager", "CreateLicenseConfiguration")
_UPDATE = ("license-manager", "UpdateLicenseConfiguration")


class ReplayError(ValueError):
    """A trace or overrides this simulator cannot replay."""


@dataclass(frozen=True)
class Overrides:
    """What-if changes for a replay: configuration name -> fields of
    CreateLicenseConfiguration (``LicenseCount``, ``LicenseCountHardLimit``, ``LicenseRules``)."""

    license_configurations: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def parse(cls, value: Overrides | Mapping[str, Any] | str | Path | None) -> Overrides:
        """Overrides from a mapping (``{"license_configurations": {name: {field: value}}}``),
        a JSON file holding one, or None (no override).

        Raises:
            FileNotFoundError: if the file does not exist.
            ReplayError: for a file that is not JSON, an unknown key or field, or a value of
                the wrong type.
        """
        if value is None:
            return cls()
        if isinstance(value, Overrides):
            return value
        value = json_input(value, "overrides", ReplayError)
        if not isinstance(value, Mapping) or set(value) - {"license_configurations"}:
            raise ReplayError('overrides must be {"license_configurations": {"<configuration name>": '
                              '{"LicenseCount": ..., "LicenseCountHardLimit": ..., "LicenseRules": [...]}}}')
        configurations = value.get("license_configurations") or {}
        if not isinstance(configurations, Mapping):
            raise ReplayError("license_configurations must map configuration names to their overridden fields")
        for name, fields in configurations.items():
            if not isinstance(fields, Mapping) or not fields:
                raise ReplayError(f"the override of {name!r} must be a non-empty object of fields")
            for key, item in fields.items():
                kind = OVERRIDABLE.get(key)
                if kind is None:
                    raise ReplayError(f"the override of {name!r} sets {key!r}; overridable fields: "
                                      f"{', '.join(OVERRIDABLE)}")
                valid = isinstance(item, kind) and (kind is bool or not isinstance(item, bool))
                if kind is int:
                    valid = valid and item >= 0
                if kind is list:
                    valid = valid and all(isinstance(rule, str) for rule in item)
                if not valid:
                    raise ReplayError(f"the override of {name!r} sets {key} to {item!r}; it must be "
                                      f"{'a list of rule strings' if kind is list else 'a ' + kind.__name__}")
        return cls({name: dict(fields) for name, fields in configurations.items()})

    def check(self, trace: Trace) -> None:
        """Check that the trace creates a configuration of every overridden name.

        Raises:
            ReplayError: naming the configurations the trace never creates.
        """
        created = {e.params.get("Name") for e in trace.entries if (e.service, e.name) == _CREATE}
        unknown = sorted(set(self.license_configurations) - created)
        if unknown:
            raise ReplayError(f"the overrides name license configurations the trace never creates: "
                              f"{', '.join(unknown)}; it creates: {', '.join(sorted(map(str, created))) or 'none'}")


def replay(trace: Trace | str | Path, overrides: Overrides | Mapping[str, Any] | str | Path | None = None) -> Result:
    """Replay a trace, optionally as a what-if.

    Args:
        trace: The trace, or the path of its file.
        overrides: License configuration overrides (see ``Overrides.parse``).

    Returns:
        The replayed run; its ``report`` counts the entries replayed, skipped (they named
        only resources the replay never created) and overridden.

    Raises:
        FileNotFoundError: if a file does not exist.
        TraceError: for a file that is not a trace this version reads.
        ReplayError: for bad overrides, or a trace calling an action the simulator lacks
            or holding values it cannot replay.
    """
    if not isinstance(trace, Trace):
        trace = Trace.read(trace)
    overrides = Overrides.parse(overrides)
    overrides.check(trace)
    header = trace.header
    sim = Simulation(start=header.start, seed=header.seed, region=header.region, **_options(header.options))
    for entry in trace.entries:
        _check_replayable(sim, entry)
    report: dict[str, Any] = {"entries": len(trace.entries), "replayed": 0, "skipped": {}, "overridden": {}}
    sim.process(_Replayer(sim, trace, overrides, report).run())
    sim.run(sim.clock.to_datetime(trace.end))
    return Result(sim, name=header.scenario, seed=header.seed, params=dict(header.params),
                  prices=None if header.prices is None else as_prices(header.prices), report=report)


def _options(recorded: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The Simulation's keyword options from their recorded fields (each option is a
    dataclass; an option the trace does not record keeps its default).

    Raises:
        ReplayError: for an option this Simulation does not take.
    """
    hints = typing.get_type_hints(Simulation.__init__)
    options: dict[str, Any] = {}
    for name, fields in recorded.items():
        kinds = [k for k in typing.get_args(hints.get(name)) if isinstance(k, type) and dataclasses.is_dataclass(k)]
        if not kinds:
            raise ReplayError(f"the trace was recorded with the Simulation option {name!r}, which this simulator "
                              "does not take")
        options[name] = kinds[0](**fields)
    return options


def _check_replayable(sim: Simulation, entry: TraceEntry) -> None:
    bad = unreplayable(entry.params)
    if bad:
        raise ReplayError(f"{entry.name} at {entry.time}s holds values recorded only as text ({', '.join(bad)}): "
                          "they cannot be replayed")
    if entry.kind == "action":
        _action_target(sim, entry.name)


def _action_target(sim: Simulation, path: str) -> Any:
    target: Any = sim
    for part in path.split("."):
        target = getattr(target, part, None)
        if target is None:
            raise ReplayError(f"the trace calls the facade action sim.{path}, which this simulator does not have")
    return target


def delay_to(now: float, at: float) -> float:
    """The delay that takes a SimPy clock from ``now`` to exactly ``at`` (``now + (at - now)``
    can miss ``at`` by a rounding step; a replay must hit the recorded instants)."""
    delay = at - now
    while now + delay < at:
        delay = math.nextafter(delay, math.inf)
    while now + delay > at:
        delay = math.nextafter(delay, -math.inf)
    return delay


class _Replayer:
    """The SimPy process that makes a trace's calls again."""

    def __init__(self, sim: Simulation, trace: Trace, overrides: Overrides, report: dict[str, Any]) -> None:
        self.sim = sim
        self.trace = trace
        self.overrides = overrides.license_configurations
        self.report = report
        self.ids = IdMap()
        self.configuration_names: dict[str, str] = {}
        self.clients: dict[tuple[str, str, str, str, str], BaseClient] = {}
        self.rows = sim.records.rows("events")

    def run(self) -> Generator[simpy.Event, Any, None]:
        env = self.sim.env
        setup = [(a["at"], 0, "add_account", a) for a in self.trace.header.accounts]
        setup += [(o["at"], 1, "create_organization", o) for o in self.trace.header.organizations]
        setup.sort(key=lambda step: step[:2])
        entries = iter(self.trace.entries)
        entry = next(entries, None)
        while setup or entry is not None:
            if setup and (entry is None or setup[0][0] <= entry.time):
                at, _, call, values = setup.pop(0)
                if at > env.now:
                    yield env.timeout(delay_to(env.now, at))
                getattr(self.sim, call)(**{k: v for k, v in values.items() if k != "at"})
                continue
            assert entry is not None
            if entry.time > env.now:
                yield env.timeout(delay_to(env.now, entry.time))
            self._replay(entry)
            entry = next(entries, None)

    def _replay(self, entry: TraceEntry) -> None:
        try:
            params = self.ids.translate(entry.params)
        except Gone:
            skipped = self.report["skipped"]
            skipped[entry.name] = skipped.get(entry.name, 0) + 1
            return
        params = self._override(entry, params)
        slot = len(self.rows)
        if entry.kind == "api":
            self._call(entry, params)
        else:
            self._act(entry, params)
        self.report["replayed"] += 1
        replayed = self.rows[slot] if slot < len(self.rows) else None
        if replayed is not None:
            self.ids.learn(entry.resource_id.split(), replayed[5].split())
            if (entry.service, entry.name) == _CREATE and replayed[6] == "success":
                self.configuration_names[replayed[5]] = params.get("Name", "")

    def _call(self, entry: TraceEntry, params: dict[str, Any]) -> None:
        key = (entry.service, entry.account_id, entry.region, entry.principal, entry.session)
        client = self.clients.get(key)
        if client is None:
            client = self.clients[key] = self._client(entry)
        with contextlib.suppress(ClientError):  # the refusal is recorded, as it was in the history
            getattr(client, xform_name(entry.name))(**params)

    def _client(self, entry: TraceEntry) -> BaseClient:
        """A client as the recorded caller: signed as the account's principal, with the
        session's temporary credentials, or unsigned."""
        if entry.session:
            key = self.sim.world.global_services.iam.access_key(entry.session)
            if key is not None:  # an IAM user's access key
                return self.sim.client(entry.service, region=entry.region, credentials={
                    "AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key})
            session = self.sim.world.global_services.sts.sessions.get(entry.session)
            if session is None:
                raise ReplayError(f"{entry.name} at {entry.time}s was made with the credentials {entry.session}, "
                                  "which the replay's STS never issued")
            credentials = {"AccessKeyId": session.access_key_id, "SecretAccessKey": session.secret_access_key,
                           "SessionToken": session.session_token}
            return self.sim.client(entry.service, region=entry.region, credentials=credentials)
        if not entry.account_id:
            return self.sim.client(entry.service, region=entry.region)
        return self.sim.client(entry.service, entry.account_id, entry.region, entry.principal)

    def _act(self, entry: TraceEntry, params: dict[str, Any]) -> None:
        target = _action_target(self.sim, entry.name)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        parameters = inspect.signature(target).parameters
        for name, value in params.items():
            kind = parameters[name].kind if name in parameters else inspect.Parameter.KEYWORD_ONLY
            if kind is inspect.Parameter.VAR_POSITIONAL:
                args.extend(value)
            elif kind is inspect.Parameter.VAR_KEYWORD:
                kwargs.update(value)
            elif kind is inspect.Parameter.POSITIONAL_ONLY:
                args.append(value)
            else:
                kwargs[name] = value
        try:
            target(*args, **kwargs)
        except StrictModeViolation:
            raise
        except Exception:
            pass

    def _override(self, entry: TraceEntry, params: dict[str, Any]) -> dict[str, Any]:
        operation = (entry.service, entry.name)
        if operation == _CREATE:
            fields = self.overrides.get(params.get("Name", ""))
        elif operation == _UPDATE:
            fields = self.overrides.get(self.configuration_names.get(params.get("LicenseConfigurationArn", ""), ""))
            fields = {k: v for k, v in (fields or {}).items() if k in params}
        else:
            return params
        if not fields:
            return params
        overridden = self.report["overridden"]
        overridden[entry.name] = overridden.get(entry.name, 0) + 1
        return {**params, **fields}
