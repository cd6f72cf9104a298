"""Typed rule options: declaration and validation of the values users write in config."""

from __future__ import annotations

from typing import Any

from postlint.record import FrozenRecord

# The value kinds an option can declare; each maps to a check of a parsed YAML value.
_SCALARS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _matches(kind: str, value: Any) -> bool:
    kind = kind.strip()
    if kind.startswith("list[") and kind.endswith("]"):
        return isinstance(value, list) and all(_matches(kind[5:-1], item) for item in value)
    if kind.startswith("dict[") and kind.endswith("]"):
        key_kind, _, value_kind = kind[5:-1].partition(",")
        return isinstance(value, dict) and all(
            _matches(key_kind, k) and _matches(value_kind, v) for k, v in value.items()
        )
    if "|" in kind:
        return any(_matches(part, value) for part in _split_union(kind))
    return _SCALARS[kind](value)


def _split_union(kind: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in kind:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def _numbers(value: Any, where: str = "") -> list[tuple[int | float, str]]:
    """Every number in a value (list items and mapping values too) and where it stands."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [(value, where)]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _numbers(item, f" (item {index + 1})")]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _numbers(item, f" (for {key!r})")]
    return []


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else repr(number)


class Option(FrozenRecord):
    """One rule option: its name, kind (e.g. "int", "list[str]", "dict[str, int|null]"), default,
    and for numbers the bounds every number in the value must keep: `minimum` and `maximum`
    (inclusive), `above` (exclusive: words_per_minute > 0)."""
    __slots__ = ("name", "kind", "default", "help", "minimum", "maximum", "above")

    name: str
    kind: str
    default: Any
    help: str
    minimum: float | None
    maximum: float | None
    above: float | None

    def __init__(self, name: str, kind: str, default: Any, help: str, minimum: float | None = None,
                 maximum: float | None = None, above: float | None = None) -> None:
        self.name = name
        self.kind = kind
        self.default = default
        self.help = help
        self.minimum = minimum
        self.maximum = maximum
        self.above = above

    def check(self, value: Any) -> str | None:
        """An error message when `value` is not of this option's kind or breaks its bounds."""
        if not _matches(self.kind, value):
            return f"option '{self.name}' must be {self.kind}, got {type(value).__name__} {value!r}"
        for number, where in _numbers(value):
            # `not (a >= b)` rather than `a < b`: NaN (`.nan` in YAML) compares false with everything.
            if (self.minimum is not None and not number >= self.minimum) or \
                    (self.above is not None and not number > self.above) or \
                    (self.maximum is not None and not number <= self.maximum):
                return f"option '{self.name}' must be {self.bounds_text()}, got {number!r}{where}"
        return None

    def bounds_text(self) -> str:
        """The bounds in words ("at least 1", "from 0 to 1", "greater than 0"); "" without any."""
        low = (f"at least {_number_text(self.minimum)}" if self.minimum is not None
               else f"greater than {_number_text(self.above)}" if self.above is not None else "")
        if self.maximum is None:
            return low
        if self.minimum is not None:
            return f"from {_number_text(self.minimum)} to {_number_text(self.maximum)}"
        high = f"at most {_number_text(self.maximum)}"
        return f"{low} and {high}" if low else high
