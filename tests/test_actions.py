"""Facade actions are events rows with their parameters, whatever their outcome."""

from __future__ import annotations

import json

import pytest

from simulator.actions.log import action
from simulator.core.errors import ServiceError


class _Lab:
    def __init__(self, sim):
        self.actions = sim.actions
        self.sim = sim

    @action("lab.install", "ssm", account="account_id", resource="resource_id")
    def install(self, account_id: str, resource_id: str, *, name: str, version: str = "") -> str:
        if name == "bad":
            raise ServiceError("InvalidParameterValue", "bad name")
        return f"{resource_id}:{name}"


def test_actions_are_rows_with_their_parameters(sim):
    lab = _Lab(sim)
    sim.advance("1h")
    assert lab.install("111111111111", "mi-0123456789abcdef0", name="SQL Server") == "mi-0123456789abcdef0:SQL Server"
    with pytest.raises(ServiceError):
        lab.install("111111111111", "mi-0123456789abcdef0", name="bad")
    rows = sim.timelines.events
    rows = rows[rows.source == "action"]
    assert list(rows.event_name) == ["lab.install", "lab.install"]
    assert list(rows.outcome) == ["success", "error"] and list(rows.error_code) == ["", "InvalidParameterValue"]
    assert set(rows.account_id) == {"111111111111"} and set(rows.service) == {"ssm"}
    assert json.loads(rows.detail.iloc[0]) == {"account_id": "111111111111", "resource_id": "mi-0123456789abcdef0",
                                               "name": "SQL Server", "version": ""}
    assert str(rows.time.iloc[0]) == "2026-01-01 01:00:00+00:00"


class _Nested(_Lab):
    @action("lab.rebuild", "ssm", account="account_id")
    def rebuild(self, account_id: str) -> None:
        self.install(account_id, "mi-0123456789abcdef0", name="agent")


def test_an_action_inside_an_action_is_part_of_it(sim):
    """The rows an action causes (another action, API calls) are noted as its span: a trace
    replays the outer action only, which makes them again."""
    lab = _Nested(sim)
    lab.rebuild("111111111111")
    lab.install("111111111111", "mi-0123456789abcdef0", name="SQL Server")
    rows = sim.timelines.events
    assert list(rows.event_name) == ["lab.rebuild", "lab.install", "lab.install"]
    assert list(sim.records.rows("action_spans")) == [(0, 2)]
