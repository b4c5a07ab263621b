"""A discrete-event simulator of a multi-account AWS estate under AWS License Manager."""

from simulator.simulation import Simulation
from simulator.result import Result
from simulator.scenario import run_scenario
from simulator.replay import replay
from simulator.sweep import sweep

__all__ = ["Result", "Simulation", "replay", "run_scenario", "sweep"]
