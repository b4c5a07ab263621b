"""Timelines: pandas DataFrames built on demand from the simulation's records."""

from simulator.timelines.frames import Timelines, records_frame

__all__ = ["Timelines", "records_frame"]
