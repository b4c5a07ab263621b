"""A discrete-event simulator of a multi-account AWS estate under AWS License Manager."""

from simulator.simulation import Simulation

__all__ = ["Simulation"]
