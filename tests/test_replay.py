"""What-if replays: the same requests against overridden license configurations, and the
translation of requests about resources the what-if never created."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from simulator import replay, run_scenario
from simulator.cli import main
from simulator.replay.idmap import Gone, IdMap
from simulator.replay.replays import Overrides, ReplayError, delay_to
from simulator.runs.trace import Trace
from tests.helpers import write_scenario

ROOT = Path(__file__).resolve().parents[1]
NAME = "windows-server-datacenter-cores"


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """Two weeks of the quickstart (the user guide's 96-core license, hard limit) and its trace."""
    path = tmp_path_factory.mktemp("quickstart") / "trace.jsonl"
    return run_scenario(ROOT / "scenarios" / "quickstart.py", params={"days": 14}, until="15d", record=path), path


def _what_happened(events: pd.DataFrame) -> pd.DataFrame:
    return events[["time", "account_id", "event_name", "resource_id", "outcome", "error_code", "source"]]


def test_a_lowered_hard_limit_blocks_launches_and_nothing_moves_before_the_first(quickstart):
    """"License configuration parameters and rules": a launch that would take a hard-limited
    configuration past its count is refused. Replayed with LicenseCount 48 instead of 96, the
    same requests meet the lowered limit: the run is the recorded one, row for row, up to the
    first launch the lower count refuses (only the creation request shows the new count),
    and from there refusals the recorded run did not have appear."""
    run, trace = quickstart
    what_if = replay(trace, {"license_configurations": {NAME: {"LicenseCount": 48}}})
    before, after = _what_happened(run.timelines.events), _what_happened(what_if.timelines.events)
    common = min(len(before), len(after))
    differs = (before.iloc[:common] != after.iloc[:common]).any(axis=1)
    first = int(differs.idxmax())
    assert differs.any() and first > 10
    assert (after.event_name.iloc[first], after.outcome.iloc[first], after.error_code.iloc[first]) == (
        "RunInstances", "error", "LicenseUsageException")
    assert (before.event_name.iloc[first], before.outcome.iloc[first]) == ("RunInstances", "success")
    details_before, details_after = run.timelines.events.detail, what_if.timelines.events.detail
    changed = [i for i in range(first) if details_before.iloc[i] != details_after.iloc[i]]
    assert [before.event_name.iloc[i] for i in changed] == ["CreateLicenseConfiguration"]
    assert json.loads(details_after.iloc[changed[0]])["LicenseCount"] == 48
    at = after.time.iloc[first]
    levels_before = run.timelines.compliance.query("time < @at")[["time", "consumed"]].reset_index(drop=True)
    levels_after = what_if.timelines.compliance.query("time < @at")[["time", "consumed"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(levels_before, levels_after)
    assert run.summary["blocked_launches"] < what_if.summary["blocked_launches"]
    assert what_if.summary[f"peak_consumed[{NAME}]"] == 48
    blocked = what_if.timelines.violations
    assert ((blocked.kind == "hard_limit") & (blocked.time == at)).any()
    assert what_if.report["overridden"] == {"CreateLicenseConfiguration": 1}
    assert sum(what_if.report["skipped"].values()) > 0  # starts and stops of servers that never launched


def test_an_override_pins_its_fields_through_updates(tmp_path):
    """An overridden field keeps its value when the trace later updates it (the what-if's
    count holds for the whole history); fields the override leaves alone update as recorded."""
    scenario = write_scenario(tmp_path, '''
        DURATION = "2d"

        def build(sim):
            sim.add_account("111111111111")
            sim.process(_admin(sim))

        def _admin(sim):
            lm = sim.client("license-manager", "111111111111")
            arn = lm.create_license_configuration(Name="db", LicenseCountingType="vCPU", LicenseCount=10,
                                                  LicenseCountHardLimit=True)["LicenseConfigurationArn"]
            yield sim.env.timeout(86400)
            lm.update_license_configuration(LicenseConfigurationArn=arn, LicenseCount=20, Description="more")
    ''')
    run_scenario(scenario, record=tmp_path / "t.jsonl")
    what_if = replay(tmp_path / "t.jsonl", {"license_configurations": {"db": {"LicenseCount": 4}}})
    compliance = what_if.timelines.compliance
    assert set(compliance.license_count) == {4}
    assert what_if.report["overridden"] == {"CreateLicenseConfiguration": 1, "UpdateLicenseConfiguration": 1}


@pytest.mark.parametrize("overrides,message", [
    ({"license_configurations": {"no-such-configuration": {"LicenseCount": 1}}},
     "never creates: no-such-configuration; it creates: windows-server-datacenter-cores"),
    ({"license_configurations": {NAME: {"LicenseCount": -1}}}, "LicenseCount to -1; it must be a int"),
    ({"license_configurations": {NAME: {"LicenseCount": True}}}, "it must be a int"),
    ({"license_configurations": {NAME: {"LicenseCountHardLimit": "yes"}}}, "it must be a bool"),
    ({"license_configurations": {NAME: {"LicenseRules": ["#minimumCores=8", 3]}}}, "list of rule strings"),
    ({"license_configurations": {NAME: {"Name": "x"}}}, "overridable fields: LicenseCount"),
    ({"license_configurations": {NAME: {}}}, "non-empty object"),
    ({"licence_configurations": {}}, "overrides must be"),
], ids=["unknown-name", "negative", "bool-count", "bool", "rules", "field", "empty", "key"])
def test_bad_overrides_are_refused_before_anything_runs(quickstart, tmp_path, overrides, message, capsys):
    """An override naming a configuration the trace never creates, an unknown field or a
    value of the wrong type is an error, from Python and from lmsim replay (exit status 2)."""
    _, trace = quickstart
    with pytest.raises(ReplayError, match=message):
        replay(trace, overrides)
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps(overrides))
    assert main(["replay", str(trace), "--overrides", str(path), "--out", str(tmp_path / "out")]) == 2
    assert message.split(";")[0] in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_overrides_file_that_is_not_json_is_refused(tmp_path):
    """A malformed overrides file is named in the error."""
    path = tmp_path / "o.json"
    path.write_text("{license")
    with pytest.raises(ReplayError, match="o.json is not JSON"):
        Overrides.parse(path)


def test_a_trace_calling_an_action_this_simulator_lacks_is_refused(quickstart, tmp_path):
    """An action the trace names but the simulator does not have is an error before the replay."""
    _, trace = quickstart
    recorded = Trace.read(trace)
    entry = recorded.entries[0]
    broken = Trace(recorded.header, [type(entry)(**{**entry.__dict__, "kind": "action", "name": "faults.melt"})],
                   recorded.end)
    with pytest.raises(ReplayError, match="sim.faults.melt, which this simulator does not have"):
        replay(broken)


def test_ids_map_to_the_replays_and_requests_about_resources_never_created_are_dropped():
    """Recorded ids are translated (ARNs too); ids of resources the replay never created are
    dropped from lists, and a request left naming nothing is not made."""
    ids = IdMap()
    ids.learn(["i-0aaa", "i-0bbb"], ["i-0ccc"])  # the replay launched one of two
    ids.learn(["arn:aws:license-manager:us-east-1:111111111111:license-configuration:lic-1"],
              ["arn:aws:license-manager:us-east-1:111111111111:license-configuration:lic-1"])
    assert ids.translate({"InstanceIds": ["i-0aaa", "i-0bbb"], "Other": "i-0zzz"}) == {
        "InstanceIds": ["i-0ccc"], "Other": "i-0zzz"}
    assert ids.translate("arn:aws:ec2:us-east-1:222222222222:instance/i-0aaa") == (
        "arn:aws:ec2:us-east-1:222222222222:instance/i-0ccc")
    with pytest.raises(Gone):
        ids.translate({"InstanceIds": ["i-0bbb"]})
    with pytest.raises(Gone):
        ids.translate({"InstanceId": "i-0bbb"})
    ids.learn(["i-0ddd"], ["ami-0123", "i-0eee"])  # pairs by kind
    assert ids.get("i-0ddd") == "i-0eee" and ids.get("ami-0123") == "ami-0123"


def test_replayed_instants_are_exact():
    """The replay waits exactly to each recorded instant, whatever the rounding of now + delay."""
    for now, at in ((0.1, 0.3), (3600.25, 90000.123456789), (1e6 / 3, 2e6 / 3), (5.0, 5.0)):
        assert now + delay_to(now, at) == at
