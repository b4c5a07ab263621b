"""The cyclic garbage collector while a simulation's clock runs.

A run makes no reference cycles worth finding (its objects are freed by reference counts),
yet each full collection walks every object the run has made so far: instances, their
tracking, and the records. While a clock runs, full collections wait, and the youngest
generation is collected only every ``_YOUNG`` allocations: most of what a run allocates
(events, tokens, the rows of a chunk) is freed by reference counts before a collection
would have looked at it, so fewer collections scan fewer objects. The young generations
are still collected, and the old one is collected as usual once no clock runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_running = 0
_saved: tuple[int, ...] = ()
#: A threshold the oldest generation's count never reaches in a run.
_NEVER = 1 << 30
#: The youngest generation's threshold while a clock runs (Python's default is 700).
_YOUNG = 50_000


@contextmanager
def no_full_collections() -> Iterator[None]:
    """Postpone full collections and space young ones out while the block runs (nested and concurrent runs share
    one postponement; the thresholds in force before the first are restored after the last)."""
    global _running, _saved
    with _lock:
        if _running == 0:
            _saved = gc.get_threshold()
            if len(_saved) == 3:
                gc.set_threshold(max(_saved[0], _YOUNG), _saved[1], _NEVER)
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0:
                gc.set_threshold(*_saved)
