"""Reading the data files shipped in ``simulator/world/data`` (CSV with ``#`` header comments
that name their sources)."""

from __future__ import annotations

import csv
import io
from importlib import resources


def data_rows(name: str) -> list[dict[str, str]]:
    """The rows of the data file ``name`` as dicts keyed by its column names."""
    text = resources.files("simulator.world").joinpath("data", name).read_text()
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def as_bool(text: str) -> bool:
    """``"true"``/``"false"`` (any case) as a bool."""
    return text.strip().lower() == "true"
