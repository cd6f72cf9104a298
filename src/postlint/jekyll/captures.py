"""A check, for postlint's own tests, that no index build or fact computation uses a value of
the site model read outside it.

An index records the inputs its build reads (facts.py). A value the model handed out *before*
the build (another index, a fact, a file or its front matter) and captured by the build's function
(`posts = site.posts` and then `site.index(name, lambda: ... posts ...)`) is used without its
inputs being recorded with the index: a warm run reuses the index after those inputs changed,
and answers differently from a cold run. The published-posts index once did exactly this (a post
added to a cached site was missing from it). Reading the value inside the build records it.

With POSTLINT_CHECK_CAPTURES=1 in the environment (tests/conftest.py sets it for the whole
suite), the model notes every index, fact, file (Post), front matter and document data it hands
out, and before it runs a build or a computation it looks through what the function captured
(closure cells, default arguments, a bound method's object, a partial's arguments; nested
functions and containers included) and raises CapturedValueError on a value it handed out. A value given by the
function's parameters and the index's name (strings, numbers, the site itself) is fine. Off,
nothing is noted and nothing is checked: the check costs every build a walk of its function.
"""

from __future__ import annotations

import functools
import os
import types
from collections.abc import Callable, Iterator
from typing import Any

CHECKING = os.environ.get("POSTLINT_CHECK_CAPTURES") == "1"
_PLAIN = (str, bytes, int, float, bool, type(None), type, types.ModuleType)


class CapturedValueError(RuntimeError):
    """An index build or fact computation captured a value the site model handed out before it."""


class HandedOut:
    """The values the site model handed out (kept alive, so that an id is never reused)."""

    def __init__(self) -> None:
        self._values: dict[int, tuple[object, str]] = {}

    def note(self, value: object, what: str) -> None:
        """`value` (an index, a fact, a front matter) was handed out as `what`."""
        if not isinstance(value, _PLAIN):
            self._values.setdefault(id(value), (value, what))

    def check(self, function: Callable[..., Any], what: str, site: object) -> None:
        """Raise CapturedValueError when `function`, about to compute `what`, captured a value
        handed out before (`site` itself may be captured: it reads through the recorders)."""
        for value in _captured(function, site, set()):
            found = self._values.get(id(value))
            if found is not None and found[0] is value:
                raise CapturedValueError(
                    f"{what} is computed from {found[1]}, read before it: read it inside, so that "
                    f"the inputs it was built from are recorded with {what}")


def _captured(value: object, site: object, seen: set[int]) -> Iterator[object]:
    """`value` and everything it holds or, for a function, captured: depth first, each once."""
    if value is site or isinstance(value, _PLAIN) or id(value) in seen:
        return
    seen.add(id(value))
    yield value
    if isinstance(value, types.FunctionType):
        cells = [cell.cell_contents for cell in value.__closure__ or () if _filled(cell)]
        inner: list[object] = [*cells, *(value.__defaults__ or ()), *(value.__kwdefaults__ or {}).values()]
    elif isinstance(value, types.MethodType):
        inner = [value.__self__, value.__func__]
    elif isinstance(value, functools.partial):
        inner = [value.func, *value.args, *value.keywords.values()]
    elif isinstance(value, dict):
        inner = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        inner = list(value)
    elif isinstance(value, types.SimpleNamespace):
        inner = list(vars(value).values())
    else:
        inner = [getattr(value, name, None) for name in getattr(type(value), "_fields", ())]  # a Record's
    for item in inner:
        yield from _captured(item, site, seen)


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True
