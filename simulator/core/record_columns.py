"""How a record buffer keeps the values of one field: numbers in typed arrays, repeated
strings as small integer codes, tuples of strings end to end in one such column, anything
else in a plain list.

Every column gives back exactly the values it was given, of the same types: a value the
compact form cannot hold (an ``int`` 0 in a float column before the clock first moved, a
``None``, a string subclass) is kept aside by row, and a column whose values do not suit its
form any more (too many aside, or strings that hardly repeat) turns itself into a plain list.
Typed arrays are not tracked by the garbage collector, hold no object per value, and cost 1
to 8 bytes a value instead of a pointer and often an object of their own.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import accumulate, chain
from typing import Any, get_origin

#: A column whose aside values pass this share of its rows (past a few) becomes a plain list.
_ASIDE_SHARE = 8
#: A text column with more distinct strings than this share of its rows keeps them as they are.
_DISTINCT_SHARE = 2
_FEW = 256
_MISSING = object()
#: Code widths of a text column, narrowest first, with the codes each holds.
_CODE_TYPES = (("B", 1 << 8), ("H", 1 << 16), ("I", 1 << 32))


class Column:
    """The values of one field, in row order."""

    def extend(self, values: Sequence[Any]) -> Column:
        """Append ``values``; return the column that holds them all (itself, or a plain list
        it became)."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def values(self) -> list[Any]:
        """Every value, in order."""
        raise NotImplementedError


class Objects(Column):
    """Values as they are, in a list."""

    __slots__ = ("items",)

    def __init__(self, items: list[Any] | None = None) -> None:
        self.items: list[Any] = items if items is not None else []

    def extend(self, values: Sequence[Any]) -> Column:
        self.items.extend(values)
        return self

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Any:
        return self.items[index]

    def values(self) -> list[Any]:
        return list(self.items)


class _Aside(Column):
    """What compact columns share: the values kept aside by row, and the turn into a list."""

    __slots__ = ("aside",)

    def __init__(self) -> None:
        self.aside: dict[int, Any] = {}

    def _crowded(self) -> bool:
        return len(self.aside) > _FEW and len(self.aside) * _ASIDE_SHARE > len(self)

    def values(self) -> list[Any]:
        out = self._compact_values()
        for index, value in self.aside.items():
            out[index] = value
        return out

    def _compact_values(self) -> list[Any]:
        raise NotImplementedError


class Numbers(_Aside):
    """Numbers of one type in a typed array: ``float`` as doubles, ``int`` as 32-bit
    integers that widen to 64 bits when a value needs it. Values of any other type (a bool,
    a None, an int in a float column) are kept aside.

    Args:
        kind: ``float`` or ``int``.
    """

    __slots__ = ("array", "kind")

    def __init__(self, kind: type) -> None:
        super().__init__()
        self.kind = kind
        self.array = array("d" if kind is float else "i")

    def extend(self, values: Sequence[Any]) -> Column:
        if set(map(type, values)) == {self.kind}:
            try:
                self.array.fromlist(list(values))  # all or nothing
                return self
            except OverflowError:  # an int past 32 bits (or past 64: kept aside below)
                if self.array.typecode == "i":
                    self.array = array("q", self.array)
                    return self.extend(values)
        kind: Any = self.kind
        for value in values:  # some values of another type, or too large for 64 bits
            if type(value) is kind and (kind is float or -(1 << 63) <= value < (1 << 63)):
                if self.array.typecode == "i" and not -(1 << 31) <= value < (1 << 31):
                    self.array = array("q", self.array)
                self.array.append(value)
            else:
                self.aside[len(self.array)] = value
                self.array.append(0)
        return Objects(self.values()) if self._crowded() else self

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, index: int) -> Any:
        value = self.aside.get(index, _MISSING) if self.aside else _MISSING
        return self.array[index] if value is _MISSING else value

    def _compact_values(self) -> list[Any]:
        return self.array.tolist()


class Texts(_Aside):
    """Strings that repeat (ARNs, account ids, names, states) as codes into the column's
    own vocabulary, one to four bytes each; they read back as plain ``str`` (a StrEnum
    member as its value, which it equals). Values that are not strings are kept aside; once
    the strings hardly repeat (more distinct ones than half the rows) the column becomes a
    plain list."""

    __slots__ = ("_limit", "codes", "index", "strings")

    def __init__(self) -> None:
        super().__init__()
        self.codes = array(_CODE_TYPES[0][0])
        self._limit = _CODE_TYPES[0][1]
        # "" is code 0 from the start: the placeholder code of values kept aside
        self.strings: list[str] = [""]
        self.index: dict[str, int] = {"": 0}

    def extend(self, values: Sequence[Any]) -> Column:
        index = self.index
        try:
            codes = list(map(index.__getitem__, values))
        except KeyError:  # new strings, or values that are not strings
            codes = []
            for value in values:
                code = index.get(value) if isinstance(value, str) else None
                if code is None:
                    if isinstance(value, str):
                        code = self._add(value)
                    else:
                        self.aside[len(self.codes) + len(codes)] = value
                        code = 0
                codes.append(code)
            if len(self.strings) > self._limit:
                self._widen()
        self.codes.fromlist(codes)
        if (len(self.strings) > _FEW and len(self.strings) * _DISTINCT_SHARE > len(self.codes)) or self._crowded():
            return Objects(self.values())
        return self

    def _add(self, text: str) -> int:
        text = str.__str__(text)  # a str subclass (a StrEnum member) is kept as its plain string
        code = self.index[text] = len(self.strings)
        self.strings.append(text)
        return code

    def _widen(self) -> None:
        for typecode, limit in _CODE_TYPES:
            if len(self.strings) <= limit:
                self.codes = array(typecode, self.codes)
                self._limit = limit
                return

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index: int) -> Any:
        value = self.aside.get(index, _MISSING) if self.aside else _MISSING
        return self.strings[self.codes[index]] if value is _MISSING else value

    def _compact_values(self) -> list[Any]:
        strings = self.strings
        return [strings[code] for code in self.codes]


class Tuples(Column):
    """Tuples of strings (the resource ids of a group of world events, their details), end
    to end in one text column, with where each tuple ends. Values that are not tuples make
    it a plain list."""

    __slots__ = ("ends", "items")

    def __init__(self) -> None:
        self.ends = array("q")
        self.items: Column = Texts()

    def extend(self, values: Sequence[Any]) -> Column:
        if set(map(type, values)) != {tuple}:
            return Objects(self.values()).extend(values)
        self.items = self.items.extend(tuple(chain.from_iterable(values)))
        ends = accumulate(map(len, values), initial=self.ends[-1] if self.ends else 0)
        next(ends)  # the initial end: the last tuple's, already there
        self.ends.extend(ends)
        return self

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> Any:
        start = self.ends[index - 1] if index else 0
        items = self.items
        return tuple([items[position] for position in range(start, self.ends[index])])

    def values(self) -> list[Any]:
        flat = self.items.values()
        starts = chain((0,), self.ends)
        return [tuple(flat[start:end]) for start, end in zip(starts, self.ends, strict=False)]


def column_for(annotation: Any) -> Column:
    """An empty column for a field annotated ``annotation`` (a type, or its name as
    postponed annotations leave it): numbers for ``float`` and ``int``, codes for ``str``,
    tuples of strings end to end for ``tuple[str, ...]``, a plain list for anything else."""
    if isinstance(annotation, str):
        name = annotation
    elif hasattr(annotation, "__forward_arg__"):  # a postponed annotation of a NamedTuple
        name = annotation.__forward_arg__
    else:
        name = str(annotation) if get_origin(annotation) else getattr(annotation, "__name__", "")
    if name in ("float", "int"):
        return Numbers(float if name == "float" else int)
    if name == "str":
        return Texts()
    if name.replace(" ", "") == "tuple[str,...]":
        return Tuples()
    return Objects()
