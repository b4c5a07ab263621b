"""``lmsim serve``: a simulation behind one AWS-compatible HTTP endpoint."""

from simulator.serve.server import SimulationServer

__all__ = ["SimulationServer"]
