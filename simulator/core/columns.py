"""Columnar storage for bulk periodic work: interned strings and long-form row tables whose
rows belong to numbered owners (a managed node's applications, its tags), kept as NumPy
arrays so a whole account can be copied or matched at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

#: The code of a string a vocabulary does not know (matches nothing).
UNKNOWN = -1
_MIN_CAPACITY = 64


class Vocabulary:
    """Interns strings as int32 codes, so that equality filters become integer comparisons."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self.strings: list[str] = []

    def code(self, text: str) -> int:
        """The code of ``text`` (added if new)."""
        code = self._codes.get(text)
        if code is None:
            code = self._codes[text] = len(self.strings)
            self.strings.append(text)
        return code

    def find(self, text: str) -> int:
        """The code of ``text``, or ``UNKNOWN`` if it was never interned."""
        return self._codes.get(text, UNKNOWN)

    def codes(self, texts: Iterable[str]) -> np.ndarray:
        """The codes of ``texts`` (``UNKNOWN`` for strings never interned)."""
        return np.array([self._codes.get(t, UNKNOWN) for t in texts], dtype=np.int32)

    def matching(self, predicate: Callable[[str], bool]) -> np.ndarray:
        """The codes of every interned string for which ``predicate`` holds (prefix and
        substring conditions run over the vocabulary, not over the rows)."""
        return np.array([c for c, s in enumerate(self.strings) if predicate(s)], dtype=np.int32)


class RowTable:
    """Long-form rows owned by numbered owners, as growable NumPy columns.

    An owner's rows are replaced all at once (its rows are killed and the new ones
    appended), so each change costs the rows it touches; dead rows are compacted away once
    they outnumber the live ones.

    Args:
        columns: Column name -> NumPy dtype (an ``owner`` int32 column is added).
    """

    def __init__(self, columns: Mapping[str, Any]) -> None:
        self._dtypes = {"owner": np.int32, **columns}
        self._columns: dict[str, np.ndarray] = {name: np.empty(_MIN_CAPACITY, dtype)
                                                for name, dtype in self._dtypes.items()}
        self._alive = np.zeros(_MIN_CAPACITY, bool)
        self._size = 0
        self._dead = 0
        self._spans: dict[int, tuple[int, int]] = {}

    def __len__(self) -> int:
        return self._size - self._dead

    def replace(self, owner: int, rows: Sequence[tuple]) -> None:
        """Make ``rows`` (tuples in column order, owner excluded) the rows of ``owner``."""
        self.drop(owner)
        if not rows:
            return
        start, count = self._size, len(rows)
        self._reserve(start + count)
        self._columns["owner"][start:start + count] = owner
        for name, values in zip(list(self._dtypes)[1:], zip(*rows, strict=True), strict=True):
            self._columns[name][start:start + count] = values
        self._alive[start:start + count] = True
        self._size += count
        self._spans[owner] = (start, start + count)

    def drop(self, owner: int) -> None:
        """Remove the rows of ``owner`` (if any)."""
        span = self._spans.pop(owner, None)
        if span is None:
            return
        self._alive[span[0]:span[1]] = False
        self._dead += span[1] - span[0]
        if self._dead > _MIN_CAPACITY and self._dead > self._size - self._dead:
            self._compact()

    def rows_of(self, owner: int) -> dict[str, np.ndarray]:
        """The columns of ``owner``'s rows (views; empty if it has none)."""
        start, stop = self._spans.get(owner, (0, 0))
        return {name: column[start:stop] for name, column in self._columns.items()}

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of the live rows' columns, in storage order."""
        alive = self._alive[:self._size]
        return {name: column[:self._size][alive] for name, column in self._columns.items()}

    def _reserve(self, needed: int) -> None:
        capacity = len(self._alive)
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        for name, column in self._columns.items():
            grown = np.empty(capacity, column.dtype)
            grown[:self._size] = column[:self._size]
            self._columns[name] = grown
        alive = np.zeros(capacity, bool)
        alive[:self._size] = self._alive[:self._size]
        self._alive = alive

    def _compact(self) -> None:
        alive = self._alive[:self._size]
        new_position = np.cumsum(alive) - 1
        for column in self._columns.values():
            kept = column[:self._size][alive]
            column[:len(kept)] = kept
        live = int(alive.sum())
        self._alive[:] = False
        self._alive[:live] = True
        self._spans = {owner: (int(new_position[start]), int(new_position[start]) + stop - start)
                       for owner, (start, stop) in self._spans.items()}
        self._size, self._dead = live, 0


def table(columns: dict[str, type], rows: Sequence[tuple]) -> dict[str, np.ndarray]:
    """Long-form ``rows`` (tuples in the order of ``columns``) as a dict of column arrays."""
    if not rows:
        return {name: np.empty(0, dtype) for name, dtype in columns.items()}
    return {name: np.array(values, dtype)
            for (name, dtype), values in zip(columns.items(), zip(*rows, strict=True), strict=True)}


def grown(array: np.ndarray, needed: int, fill: object = 0) -> np.ndarray:
    """``array`` itself if it holds ``needed`` items, else a copy at least twice as long,
    the new tail set to ``fill``."""
    if needed <= len(array):
        return array
    result = np.full(max(needed, 2 * len(array), _MIN_CAPACITY), fill, dtype=array.dtype)
    result[:len(array)] = array
    return result
