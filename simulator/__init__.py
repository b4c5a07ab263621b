"""A discrete-event simulator of a multi-account AWS estate under AWS License Manager."""

from simulator.replay.cloudtrail import replay_cloudtrail
from simulator.replay.replays import replay
from simulator.runs.result import Result
from simulator.runs.scenario import run_scenario
from simulator.runs.sweep import sweep
from simulator.simulation import Simulation

__all__ = ["Result", "Simulation", "replay", "replay_cloudtrail", "run_scenario", "sweep"]
