"""Runs: scenario files, their results and summaries, the traces a run records, and sweeps."""
