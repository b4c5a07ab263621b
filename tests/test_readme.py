"""The README's Python example runs as written."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def test_readme_example_runs(capsys):
    """The examples run one after the other; the first prints the refusal code of the
    over-limit launch."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    namespace: dict = {}
    for code in re.findall(r"```python\n(.*?)```", text, re.S):
        exec(compile(code, "README.md", "exec"), namespace)
    assert "LicenseUsageException" in capsys.readouterr().out
