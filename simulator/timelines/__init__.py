"""Timelines: pandas DataFrames built on demand from the simulation's records, the
functions over them, and their plots (``simulator.timelines.plots``, which loads
matplotlib when first used)."""

from simulator.timelines.frames import Timelines, records_frame
from simulator.timelines.levels import resample_levels, time_weighted

__all__ = ["Timelines", "records_frame", "resample_levels", "time_weighted"]
