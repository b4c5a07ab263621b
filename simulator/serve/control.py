"""The control API of ``lmsim serve`` under ``/_lmsim/`` (JSON): the simulated clock, the
run's timelines and summary, faults and the facade's actions, for callers that speak HTTP
rather than Python."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from simulator.actions.machines import MachineActions
from simulator.core.errors import ServiceError
from simulator.runs.scenario import end_seconds

if TYPE_CHECKING:
    from simulator.serve.server import SimulationServer

PREFIX = "/_lmsim/"
#: The facade's actions the control API runs: the machine actions and the account set-up.
ACTIONS = frozenset(
    {name for name, value in vars(MachineActions).items() if callable(value) and not name.startswith("_")}
    | {"add_account", "create_organization"})


class ControlError(Exception):
    """A control request that cannot be served: its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Answer = tuple[int, str, bytes]


def handle_control(server: SimulationServer, method: str, path: str, query: str, body: bytes) -> Answer:
    """The answer (status, content type, body) to a request under ``/_lmsim/``; the caller
    holds the server's lock."""
    try:
        return _route(server, method, path.removeprefix(PREFIX).strip("/"), parse_qs(query), body)
    except ControlError as error:
        return _json(error.status, {"error": error.message})
    except ServiceError as error:
        return _json(400, {"error": error.code, "message": error.message})
    except (ValueError, TypeError, KeyError) as error:
        return _json(400, {"error": type(error).__name__, "message": str(error)})


def _route(server: SimulationServer, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
    head, _, name = path.partition("/")
    routes: dict[tuple[str, str], Callable[[], Answer]] = {
        ("GET", "status"): lambda: _json(200, server.status()),
        ("POST", "advance"): lambda: _advance(server, _body(body)),
        ("GET", "summary"): lambda: _json(200, server.result().summary),
        ("GET", "timelines"): lambda: _timeline(server, name, query),
        ("POST", "faults"): lambda: _call(server, server.sim.faults, name, _body(body), "fault"),
        ("POST", "actions"): lambda: _call(server, server.sim, name, _body(body), "action"),
    }
    route = routes.get((method, head))
    if route is None:
        if any(key[1] == head for key in routes):
            raise ControlError(405, f"{method} is not allowed on {PREFIX}{head}")
        raise ControlError(404, f"no control resource {PREFIX}{path}; there are status, advance, summary, "
                                "timelines/<name>, faults/<name> and actions/<name>")
    return route()


def _body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except ValueError as error:
        raise ControlError(400, f"the body must be a JSON object: {error}") from None
    if not isinstance(value, dict):
        raise ControlError(400, f"the body must be a JSON object, got {type(value).__name__}")
    return value


def _advance(server: SimulationServer, body: dict[str, Any]) -> Answer:
    keys = set(body)
    if len(keys) != 1 or not keys <= {"duration", "until"}:
        raise ControlError(400, 'give {"duration": "1d"} or {"until": "2026-02-01T00:00:00Z"}')
    key, value = next(iter(body.items()))
    sim = server.sim
    target = end_seconds(sim, str(value), "duration") if key == "duration" else sim.clock.to_seconds(str(value))
    server.advance_to(target)
    return _json(200, server.status())


def _timeline(server: SimulationServer, name: str, query: dict[str, list[str]]) -> Answer:
    tables = server.result().tables()
    if name not in tables:
        raise ControlError(404, f"no timeline {name!r}; there are {', '.join(sorted(tables))}")
    frame = tables[name]
    if query.get("format", ["csv"])[-1] == "json":
        return 200, "application/json", frame.to_json(orient="records", date_format="iso").encode()
    return 200, "text/csv", frame.to_csv(index=False).encode()


def _call(server: SimulationServer, target: object, name: str, kwargs: dict[str, Any], kind: str) -> Answer:
    allowed = ACTIONS if kind == "action" else {
        n for n, v in vars(type(target)).items() if callable(v) and not n.startswith("_")}
    if name not in allowed:
        raise ControlError(404, f"no {kind} {name!r}; there are {', '.join(sorted(allowed))}")
    method = getattr(target, name)
    try:
        inspect.signature(method).bind(**kwargs)
    except TypeError as error:
        raise ControlError(400, f"{name}: {error}") from None
    return _json(200, {"result": jsonable(method(**kwargs))})


def jsonable(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON values: dataclasses as objects, instants in ISO-8601, enums by
    value, anything else by its text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return jsonable(value.value, depth)
    if depth > 3:
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v, depth + 1) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)}
    return str(value)


def _json(status: int, value: Any) -> Answer:
    return status, "application/json", json.dumps(jsonable(value)).encode()

