"""The README's Python example runs as written."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


def test_readme_example_runs(capsys):
    """The example prints the refusal code of the over-limit launch."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    exec(compile(code, "README.md", "exec"), {})
    assert "LicenseUsageException" in capsys.readouterr().out
