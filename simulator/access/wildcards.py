"""IAM's wildcard matching: ``*`` (any run of characters, none included) and ``?`` (one
character), nothing else special. Patterns compile once and are cached: policies are
evaluated on every call a principal makes."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

#: A compiled pattern: whether a value matches it.
Matcher = Callable[[str], bool]


def _always(_: str) -> bool:
    return True


def _prefix(prefix: str) -> Matcher:
    def matches(value: str) -> bool:
        return value.startswith(prefix)
    return matches


def has_wildcard(pattern: str) -> bool:
    """Whether ``pattern`` holds ``*`` or ``?``."""
    return "*" in pattern or "?" in pattern


def glob_regex(pattern: str) -> str:
    """The regular expression of an IAM wildcard pattern (anchored by ``fullmatch``)."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@lru_cache(maxsize=65536)
def compile_pattern(pattern: str, ignore_case: bool = False) -> Matcher:
    """A matcher for ``pattern``: ``"*"`` matches everything, a pattern without wildcards
    compares equal (ignoring case when asked, as action names are matched), any other is a
    regular expression over the whole value."""
    if pattern == "*":
        return _always
    if not has_wildcard(pattern):
        if ignore_case:
            folded = pattern.lower()
            return lambda value: value.lower() == folded
        return pattern.__eq__
    if not ignore_case and pattern.endswith("*") and not has_wildcard(pattern[:-1]):
        return _prefix(pattern[:-1])  # "arn:...:instance/*": a prefix test
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(glob_regex(pattern), flags).fullmatch  # type: ignore[return-value]


def any_of(patterns: tuple[str, ...], ignore_case: bool = False) -> Matcher:
    """One matcher for several patterns (a value matching any of them)."""
    if "*" in patterns:
        return _always
    plain = [p for p in patterns if not has_wildcard(p)]
    wild = [p for p in patterns if has_wildcard(p)]
    exact = frozenset(p.lower() for p in plain) if ignore_case else frozenset(plain)
    if not wild:
        if ignore_case:
            return lambda value: value.lower() in exact
        return exact.__contains__
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    if not ignore_case:
        # Resource ARNs ending in * (arn:...:instance/*) are prefix tests, cheaper than a regex.
        prefixes = tuple(p[:-1] for p in wild if p.endswith("*") and not has_wildcard(p[:-1]))
        rest = [p for p in wild if not (p.endswith("*") and not has_wildcard(p[:-1]))]
        if not rest:
            return lambda value: value in exact or value.startswith(prefixes)
        others = re.compile("|".join(f"(?:{glob_regex(p)})" for p in rest), flags).fullmatch
        return lambda value: value in exact or value.startswith(prefixes) or others(value) is not None
    regex = re.compile("|".join(f"(?:{glob_regex(p)})" for p in wild), flags).fullmatch
    if ignore_case:
        return lambda value: value.lower() in exact or regex(value) is not None
    return lambda value: value in exact or regex(value) is not None


def arn_like(pattern: str, value: str) -> bool:
    """The ArnLike comparison: each of the first five colon-separated parts of the ARN
    (``arn``, partition, service, region, account) is matched on its own, wildcards not
    crossing a colon; the resource part, with whatever colons and slashes it holds, is
    matched as a whole."""
    pattern_parts = pattern.split(":", 5)
    value_parts = value.split(":", 5)
    if len(pattern_parts) != 6 or len(value_parts) != 6:
        return compile_pattern(pattern)(value)
    return all(compile_pattern(p)(v) for p, v in zip(pattern_parts, value_parts, strict=True))
