"""Typed rule options: declaration and validation of the values users write in config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Option:
    """One rule option: its name, kind (e.g. "int", "list[str]", "dict[str, int|null]"), default."""

    name: str
    kind: str
    default: Any
    help: str

    def check(self, value: Any) -> str | None:
        """An error message when `value` is not of this option's kind."""
        if _matches(self.kind, value):
            return None
        return f"option '{self.name}' must be {self.kind}, got {type(value).__name__} {value!r}"
