"""The README's Python examples run as written, each on its own: a new user can copy any one
of them (an example that says it continues the one before runs after it)."""

import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
EXAMPLES = re.findall(r"```python\n(.*?)```", README, re.S)
#: How an example says it goes on from the one before it.
CONTINUES = "# Continues the example above"


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_readme_example_runs_on_its_own(index, capsys):
    """Each example runs in a fresh namespace (after the one before only when it says it
    continues it); the first prints the refusal code of the over-limit launch."""
    start = index
    while start > 0 and EXAMPLES[start].startswith(CONTINUES):
        start -= 1
    namespace: dict = {}
    for code in EXAMPLES[start:index + 1]:
        exec(compile(code, "README.md", "exec"), namespace)
    if index == 0:
        assert "LicenseUsageException" in capsys.readouterr().out
