"""The JSON documents users give a replay (overrides, what-ifs): as values, or as files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def json_input(value: Any, what: str, error: type[ValueError]) -> Any:
    """``value`` itself, or the JSON document in the file a path names.

    Args:
        value: A parsed document, or a ``str``/``Path`` naming its file.
        what: What the document is, for messages (``"overrides"``, ``"what-if"``).
        error: The exception to raise for a file that is not JSON.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: ``error``, if the file is not JSON.
    """
    if not isinstance(value, (str, Path)):
        return value
    path = Path(value)
    if not path.is_file():
        raise FileNotFoundError(f"no {what} file at {path}")
    try:
        return json.loads(path.read_text())
    except ValueError as problem:
        raise error(f"{what} file {path} is not JSON: {problem}") from None
