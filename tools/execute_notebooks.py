#!/usr/bin/env python3
"""Execute the notebooks in ``notebooks/`` and store them with their outputs, so they show
their tables and figures when opened, before anything runs.

Run after changing a notebook, or anything its figures show::

    python3 tools/execute_notebooks.py                  # every notebook
    python3 tools/execute_notebooks.py notebooks/events_timeline.ipynb
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path) -> None:
    """Run ``path`` top to bottom in a fresh kernel of this checkout and write it back with
    its outputs (no timings, so an unchanged notebook comes out unchanged)."""
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(notebook, path)


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        execute(path)
        print("executed", path)
