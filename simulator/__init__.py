"""A discrete-event simulator of a multi-account AWS estate under AWS License Manager."""

from simulator.cloudtrail import replay_cloudtrail
from simulator.replay import replay
from simulator.result import Result
from simulator.scenario import run_scenario
from simulator.simulation import Simulation
from simulator.sweep import sweep

__all__ = ["Result", "Simulation", "replay", "replay_cloudtrail", "run_scenario", "sweep"]
