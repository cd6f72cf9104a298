"""Regular expressions written by users (YAML rules): refused when their shape backtracks
catastrophically, and matched under a time limit.

Python's `re` has no timeout, and one pattern such as ``(\\w+\\s?)+$`` can spend hours on a single
line of a post, hanging a CI job with no output. Two guards, because neither alone is enough:

- at load time, patterns with the classic exponential shapes are refused with a message saying
  why: a repeated group that itself holds an unbounded repeat (``(a+)+``, ``(\\w+\\s?)*``) or
  alternatives that can start with the same character (``(a|ab)+``, ``(\\w|\\d)+``);
- at match time, the `regex` module (a dependency for this alone: `re` has no timeout) stops
  any match that runs over its time budget, which also bounds the polynomial and
  back-reference shapes the heuristic lets through.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import regex

from postlint.errors import PatternTimeout, UnsafePattern

try:
    from re import _parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT} | (
    {sre_parse.POSSESSIVE_REPEAT} if hasattr(sre_parse, "POSSESSIVE_REPEAT") else set())
_UNBOUNDED = sre_parse.MAXREPEAT
MATCH_SECONDS = 2.0  # per rule and file: far above what a sane pattern needs on a 10 MB post


def check_pattern(pattern: str, flags: int = 0) -> None:
    """Raise UnsafePattern when `pattern` does not compile or has a catastrophic shape."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except Exception as exc:  # re.error, and the parser's own overflow/recursion errors
        raise UnsafePattern(f"invalid regular expression: {exc}") from None
    problem = _catastrophic(parsed, inside_repeat=False)
    if problem:
        raise UnsafePattern(f"regular expression {pattern!r} {problem}; it can take exponential time on some "
                            "text, so postlint refuses it")


def compile_pattern(pattern: str, flags: int = 0) -> regex.Pattern:
    """Compile a checked user pattern with the `regex` module (same syntax as `re` here)."""
    check_pattern(pattern, flags)
    try:
        return regex.compile(pattern, flags | regex.VERSION0)
    except regex.error as exc:
        raise UnsafePattern(f"invalid regular expression: {exc}") from None


def finditer(pattern: regex.Pattern, text: str, deadline: float) -> Iterator[regex.Match]:
    """`pattern.finditer(text)` that raises PatternTimeout once `deadline` (perf_counter) passes."""
    left = deadline - time.perf_counter()
    if left <= 0:
        raise PatternTimeout(_timeout_message(pattern))
    try:
        yield from pattern.finditer(text, timeout=left)
    except TimeoutError:
        raise PatternTimeout(_timeout_message(pattern)) from None


def _timeout_message(pattern: regex.Pattern) -> str:
    return (f"matching /{pattern.pattern}/ took over {MATCH_SECONDS:g}s on this file and was stopped; "
            "simplify the rule's pattern")


def _catastrophic(parsed, inside_repeat: bool) -> str | None:
    """Describe the first exponential-backtracking shape in a parsed pattern, or None."""
    for op, av in parsed:
        if op in _REPEATS:
            low, high, sub = av
            if inside_repeat and high == _UNBOUNDED:
                return "repeats a group that holds an unbounded repeat (like (a+)+)"
            problem = _catastrophic(sub, inside_repeat or high == _UNBOUNDED or high > 1)
        elif op is sre_parse.SUBPATTERN:
            problem = _catastrophic(av[-1], inside_repeat)
        elif op is sre_parse.BRANCH:
            if inside_repeat and _ambiguous(av[1]):
                return "repeats alternatives that can match the same text (like (a|ab)+)"
            problem = next((p for branch in av[1] if (p := _catastrophic(branch, inside_repeat))), None)
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            problem = _catastrophic(av[1], inside_repeat)
        else:
            problem = None
        if problem:
            return problem
    return None


def _ambiguous(branches) -> bool:
    """Can two alternatives start alike? The parser factors out common prefixes, so ``a|ab``
    arrives as ``a`` then ``(?:|b)``: an empty alternative counts as ambiguous too."""
    firsts = [_first_literal(branch) for branch in branches]
    return None in firsts or len(set(firsts)) < len(firsts)


def _first_literal(branch) -> int | None:
    """The (lower-cased) code point a branch must start with, or None when it is not one fixed
    character (a class, a repeat, nothing at all)."""
    items = list(branch)
    while items and items[0][0] is sre_parse.SUBPATTERN:
        items = list(items[0][1][-1])
    if items and items[0][0] is sre_parse.LITERAL:
        return ord(chr(items[0][1]).lower())
    return None
