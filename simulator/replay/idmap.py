"""Resource ids of a recorded history mapped to the ids a replay gave the same resources.

A replay that diverges from its history (a launch a lowered license count now refuses, a
trail from a real account) creates resources under other ids than the history shows, or
not at all. Requests of the history are translated before they are made: an id the replay
knows becomes the replay's id, inside ARNs too, and an id of a resource the replay never
created is left out of the lists that name it; a request left naming nothing is not made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_LAST_SEGMENT = re.compile(r"^(.*[/:])([^/:]+)$")


class Gone(Exception):
    """A request names a resource that never came to exist in the replay."""


def id_kind(token: str) -> str:
    """What kind of resource an id or ARN names (``i``, ``h``, ``ami``,
    ``arn:license-manager:license-configuration`` ...), to pair ids of one kind only."""
    if token.startswith("arn:"):
        parts = token.split(":", 5)
        resource = parts[5] if len(parts) > 5 else ""
        return f"arn:{parts[2] if len(parts) > 2 else ''}:{re.split('[/:]', resource)[0]}"
    return token.rsplit("-", 1)[0] if "-" in token else ""


class IdMap:
    """Recorded id -> replayed id (None: the replay never created that resource).

    Args:
        unknown_gone: Ids matching this pattern that the map never learned name resources
            the replay does not have (a real history's resources made before it began);
            other unknown ids pass unchanged.
    """

    def __init__(self, unknown_gone: re.Pattern[str] | None = None) -> None:
        self._ids: dict[str, str | None] = {}
        self._given: set[str] = set()
        self._unknown_gone = unknown_gone

    def __contains__(self, recorded: str) -> bool:
        return recorded in self._ids

    def get(self, recorded: str) -> str | None:
        """The replay's id for ``recorded`` (``recorded`` itself when it was never mapped;
        None for a resource that never came to exist)."""
        return self._ids.get(recorded, recorded)

    def pair(self, recorded: str, replayed: str | None) -> None:
        """Map ``recorded`` to ``replayed`` (None: the replay did not create it)."""
        self._ids[recorded] = replayed
        if replayed is not None:
            self._given.add(replayed)

    def learn(self, recorded: Iterable[str], replayed: Iterable[str]) -> None:
        """Pair the ids one call touched in the history with those it touched in the replay:
        new ids of each kind in order; a new recorded id without a partner never came to
        exist."""
        fresh: dict[str, list[str]] = {}
        for token in replayed:
            if token not in self._given:
                fresh.setdefault(id_kind(token), []).append(token)
        for token in recorded:
            if token in self._ids:
                continue
            partners = fresh.get(id_kind(token))
            self.pair(token, partners.pop(0) if partners else None)

    def translate(self, value: Any) -> Any:
        """``value`` (request parameters) with recorded ids replaced by the replay's.

        Raises:
            Gone: if a single value, or every item of a list, names a resource the replay
                never created.
        """
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, dict):
            return {k: self.translate(v) for k, v in value.items()}
        if isinstance(value, list):
            kept = []
            for item in value:
                try:
                    kept.append(self.translate(item))
                except Gone:
                    continue
            if value and not kept:
                raise Gone(f"every item of {value!r}")
            return kept
        return value

    def _string(self, text: str) -> str:
        match = _LAST_SEGMENT.match(text)
        head, token = ("", text) if text in self._ids or match is None else (match[1], match[2])
        if token in self._ids:
            mapped = self._ids[token]
        elif self._unknown_gone is not None and self._unknown_gone.fullmatch(token):
            mapped = None
        else:
            return text
        if mapped is None:
            raise Gone(text)
        return head + mapped
