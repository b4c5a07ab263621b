"""Every notebook in notebooks/ runs headless from top to bottom and shows its figures
inline, as Jupyter displays them; the stored notebooks carry their outputs, so the figures
are there when a notebook is opened (regenerate: python3 tools/execute_notebooks.py)."""

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: A cell that draws: it calls a plot function or makes a figure.
_PLOTS = re.compile(r"\bplot\w*\(|\bsubplots\(")


def plotting_cells(notebook) -> list:
    """The code cells that draw a figure."""
    return [cell for cell in notebook.cells if cell.cell_type == "code" and _PLOTS.search(cell.source)]


def shows_an_image(cell) -> bool:
    """Whether the cell's outputs include a PNG image (an inline figure)."""
    return any("image/png" in output.get("data", {}) for output in cell.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_shows_its_figures_stored_and_executed(path, monkeypatch):
    """Opened as stored, each plotting cell already shows its figure; executed in a fresh
    kernel (its kernel imports this checkout's simulator, whatever else is installed;
    execute() raises at the first cell that fails), each plotting cell produces an inline
    image."""
    notebook = nbformat.read(path, as_version=4)
    stored = plotting_cells(notebook)
    assert stored, f"{path.name} draws nothing"
    assert [shows_an_image(cell) for cell in stored] == [True] * len(stored), \
        "stored without figures: run python3 tools/execute_notebooks.py"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")  # a backend that draws nothing unless the notebook asks for inline figures
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    executed = plotting_cells(notebook)
    assert [shows_an_image(cell) for cell in executed] == [True] * len(executed)
