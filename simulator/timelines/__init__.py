"""Timelines: pandas DataFrames built on demand from the simulation's records, the
functions over them, and their plots."""

from simulator.timelines.frames import Timelines, records_frame
from simulator.timelines.levels import resample_levels, time_weighted
from simulator.timelines.plots import plot_compliance

__all__ = ["Timelines", "plot_compliance", "records_frame", "resample_levels", "time_weighted"]
