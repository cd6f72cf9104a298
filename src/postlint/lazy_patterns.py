"""Module-level regular expressions compiled when first used.

`re.compile` runs its parser and compiler in Python: compiling postlint's hundred module-level
patterns took 15–20 ms of every run's start, and a run over one post uses a third of them.
"""

from __future__ import annotations

import re
from typing import Any

# What the rules ask of a pattern; after the first use each is the compiled pattern's own,
# found in the instance's dict without a detour through __getattr__.
_ATTRIBUTES = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split", "pattern",
               "flags", "groups", "groupindex")


class _LazyPattern:
    def __init__(self, source: str, flags: int) -> None:
        self._source, self._flags = source, flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self._source, self._flags)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(source: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(source, flags), done when the pattern is first used. Use its methods and
    attributes only: re's functions (re.sub(pattern, ...)) take no stand-in."""
    return _LazyPattern(source, flags)  # type: ignore[return-value]
