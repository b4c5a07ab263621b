"""Replays: a run's trace made again (with overrides), the id maps between runs, the
CloudTrail replay, and diffs of two runs."""
