"""Reading the data files shipped in ``simulator/world/data`` (CSV with ``#`` header comments
that name their sources)."""

from __future__ import annotations

import csv
from importlib import resources


def data_table(name: str) -> tuple[dict[str, int], list[list[str]]]:
    """The column indexes and the rows of the data file ``name`` (comment lines skipped)."""
    text = resources.files("simulator.world").joinpath("data", name).read_text()
    reader = csv.reader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    columns = {column: index for index, column in enumerate(next(reader))}
    return columns, list(reader)


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of the data file ``name`` as dicts keyed by its column names."""
    columns, rows = data_table(name)
    return [{column: row[index] for column, index in columns.items()} for row in rows]


def as_bool(text: str) -> bool:
    """``"true"``/``"false"`` (any case) as a bool."""
    return text.strip().lower() == "true"
