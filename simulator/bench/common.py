"""What every benchmark mode shares: CPU and wall timing, a settled heap, peak memory and the
printing of figures.

Wall time on a shared machine swings with the other work on its cores; the CPU time of this
process (``time.process_time``) does much less. Every mode reports both, and modes that
compare two sides (the simulator and bare SimPy, or lmsim's boto3 path and botocore's own)
run them interleaved in one process and keep the best of several repeats of each.
"""

from __future__ import annotations

import gc
import json
import resource
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timing:
    """Seconds one measured piece of work took: on the wall clock and on this process's CPU."""

    wall: float
    cpu: float

    @staticmethod
    def best(timings: Iterable[Timing]) -> Timing:
        """The least of each figure over ``timings`` (other work on the machine only adds
        time, so the least disturbed repeat is the closest to the work's own cost)."""
        timings = list(timings)
        return Timing(min(t.wall for t in timings), min(t.cpu for t in timings))


class Stopwatch:
    """Times the block it guards: ``with Stopwatch() as watch: ...``, then ``watch.timing``."""

    def __init__(self) -> None:
        self.timing = Timing(0.0, 0.0)
        self._wall = self._cpu = 0.0

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.timing = Timing(time.perf_counter() - self._wall, time.process_time() - self._cpu)


@contextmanager
def settled_heap() -> Iterator[None]:
    """Collect, then freeze what exists (imported libraries, a set-up world), so the cyclic
    garbage collector does not rescan it during the measured work; both sides of a
    comparison are measured this way."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def peak_memory_mib() -> float:
    """The peak resident memory of this process so far, in MiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def children_cpu_seconds() -> float:
    """CPU seconds of the child processes this process has waited for (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def print_figures(figures: dict[str, Any] | Sequence[dict[str, Any]], as_json: bool,
                  columns: Sequence[str] | None = None) -> None:
    """Print one dict of figures (or a table of them): as JSON, or as aligned columns."""
    if as_json:
        print(json.dumps(figures))
        return
    rows = [figures] if isinstance(figures, dict) else list(figures)
    columns = list(columns or rows[0])
    print("  ".join(columns))
    for row in rows:
        print("  ".join(str(row[c]).rjust(len(c)) for c in columns))
