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

The time budget covers matching, not compiling, so a third guard runs at load time too: counted
repeats are refused when they would make the compiled pattern huge (see MAX_REPEAT below).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from postlint.errors import PatternTimeout, UnsafePattern

try:
    from re import _parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

if TYPE_CHECKING:
    import regex

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT} | (
    {sre_parse.POSSESSIVE_REPEAT} if hasattr(sre_parse, "POSSESSIVE_REPEAT") else set())
_UNBOUNDED = sre_parse.MAXREPEAT
MATCH_SECONDS = 2.0  # per rule and file: far above what a sane pattern needs on a 10 MB post

# Compile-time limits. The `regex` module compiles a counted repeat by writing its body out once
# per repetition (`a{1000}` becomes a thousand nodes; `a{2,}` its two, `a+` one), so the counts of
# nested repeats multiply: `(?:a{65535}){65535}` is 4.3 billion nodes, 5.7 GB and minutes of
# compiling, all before the match budget starts. Measured with regex 2026.11 on CPython 3.11, a
# written-out node costs about 270 bytes and 0.5 microseconds: `(?:a{1000}){1000}` (10^6 nodes)
# takes 270 MB and half a second. The limits keep what postlint accepts near 50 MB per pattern
# (and `--jobs` compiles in each process), while real rules stay far below them: `\d{4}`,
# `[a-z]{2,64}`, `.{0,200}`, `[A-Z]{2,4}-\d{1,6}`, or a token list of ten thousand words (~100,000
# nodes; the estimate counts every parsed node, so it errs on the large side).
MAX_REPEAT = 10_000  # any one bound of a {m,n} repeat
MAX_NESTED_REPEAT = 100_000  # the counts of repeats inside repeats, multiplied together
MAX_COMPILED_SIZE = 200_000  # estimated nodes: each part of the pattern times the repeats around it


def check_pattern(pattern: str, flags: int = 0) -> None:
    """Raise UnsafePattern when `pattern` does not compile, has a catastrophic shape, or would
    compile to too big a program (repeat counts over the limits above)."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except Exception as exc:  # re.error, and the parser's own overflow/recursion errors
        raise UnsafePattern(f"invalid regular expression: {exc}") from None
    _check_size(pattern, _sre_nodes(parsed))
    problem = _catastrophic(parsed, inside_repeat=False)
    if problem:
        raise UnsafePattern(f"regular expression {pattern!r} {problem}; it can take exponential time on some "
                            "text, so postlint refuses it")
    # The counts again on the tree `regex` will compile: the two parsers disagree on some text,
    # e.g. in verbose mode `regex` reads `a{1 000}` as a thousand a's and `re` as literal text.
    # Without a `{` neither sees a counted repeat, and the walk above measured the size.
    if "{" not in pattern:
        return
    if _regex_parser() is not None:
        _check_size(pattern, _regex_nodes(pattern, flags))
    elif _verbose(parsed, flags):
        raise UnsafePattern(f"regular expression {_shown(pattern)!r} uses verbose mode (?x), whose repeat counts "
                            "this version of the regex module does not let postlint check; write it without (?x)")


def compile_pattern(pattern: str, flags: int = 0) -> regex.Pattern:
    """Compile a checked user pattern with the `regex` module (same syntax and flag values as
    `re` here; imported only now: most runs whose results come from the cache match nothing)."""
    check_pattern(pattern, flags)
    return compile_checked(pattern, flags)


def compile_checked(pattern: str, flags: int = 0) -> regex.Pattern:
    """Compile a pattern check_pattern accepted."""
    import regex

    try:
        return regex.compile(pattern, flags | regex.VERSION0)
    except regex.error as exc:
        raise UnsafePattern(f"invalid regular expression: {exc}") from None


def finditer(pattern: regex.Pattern, text: str, deadline: float, pos: int = 0) -> Iterator[regex.Match]:
    """`pattern.finditer(text, pos)` that raises PatternTimeout once `deadline` (perf_counter) passes."""
    left = deadline - time.perf_counter()
    if left <= 0:
        raise PatternTimeout(_timeout_message(pattern))
    try:
        yield from pattern.finditer(text, pos, timeout=left)
    except TimeoutError:
        raise PatternTimeout(_timeout_message(pattern)) from None


def _timeout_message(pattern: regex.Pattern) -> str:
    return (f"matching /{pattern.pattern}/ took over {MATCH_SECONDS:g}s on this file and was stopped; "
            "simplify the rule's pattern")


def _shown(pattern: str) -> str:
    return pattern if len(pattern) <= 100 else pattern[:97] + "..."


def _check_size(pattern: str, nodes) -> None:
    """Raise UnsafePattern when compiling a pattern would build too big a program. `nodes(node)`
    gives a node's (repeat bounds or None, weight, children), `nodes(None)` the top nodes; the
    tree is walked without recursion. Each node counts its weight times the counts of the repeats
    around it: a repeat counts its maximum, an unbounded one its minimum (what `regex` writes out)."""
    total = 0
    stack = [(node, 1) for node in nodes(None)]
    while stack:
        node, scale = stack.pop()
        bounds, weight, children = nodes(node)
        total += weight * scale
        if bounds is not None:
            for count in bounds:
                if count is not None and count > MAX_REPEAT:
                    raise UnsafePattern(f"regular expression {_shown(pattern)!r} repeats a part {count:,} times, "
                                        f"over postlint's limit of {MAX_REPEAT:,} for one repeat count; compiling it "
                                        "could take gigabytes, so postlint refuses it")
            low, high = bounds
            scale *= max(1, high if high is not None else low)
            if scale > MAX_NESTED_REPEAT:
                raise UnsafePattern(f"regular expression {_shown(pattern)!r} nests repeats whose counts multiply to "
                                    f"{scale:,}, over postlint's limit of {MAX_NESTED_REPEAT:,}; compiling it could "
                                    "take gigabytes, so postlint refuses it")
        if total > MAX_COMPILED_SIZE:
            raise UnsafePattern(f"regular expression {_shown(pattern)!r} would compile to over {MAX_COMPILED_SIZE:,} "
                                "nodes (its parts times the repeats around them), too big to compile safely, so "
                                "postlint refuses it; split it into smaller patterns or rules")
        stack.extend((child, scale) for child in children)


def _sre_nodes(parsed):
    """`_check_size`'s view of an `re` parse: None gives the top-level items."""
    literal = sre_parse.LITERAL

    def nodes(item):
        if item is None:
            return list(parsed)
        op, av = item
        if op is literal:  # most of a pattern: answered first
            return None, 1, ()
        bounds = None
        if op in _REPEATS:
            low, high = av[0], av[1]
            bounds = (low, None if high == _UNBOUNDED else high)
        children = []
        for part in av if isinstance(av, (tuple, list)) else (av,):
            if isinstance(part, sre_parse.SubPattern):
                children.extend(part)
            elif isinstance(part, list) and part and isinstance(part[0], sre_parse.SubPattern):
                for sub in part:  # a branch's alternatives
                    children.extend(sub)
        weight = 1 + (len(av) if op is sre_parse.IN else 0)
        return bounds, weight, children

    return nodes


@cache
def _regex_parser() -> ModuleType | None:
    """`regex`'s own parser, when it can be asked (a private module, so this is checked, not assumed)."""
    try:
        from regex import _regex_core
    except ImportError:  # pragma: no cover - a regex release that moved its parser
        return None
    names = ("Source", "Info", "_parse_pattern", "RegexBase", "GreedyRepeat", "_UnscopedFlagSet", "VERBOSE")
    return _regex_core if all(hasattr(_regex_core, name) for name in names) else None


def _regex_nodes(pattern: str, flags: int):
    """`_check_size`'s view of the tree `regex.compile` builds from `pattern` (parsed the way
    regex.compile parses it, nothing compiled)."""
    import regex

    _regex_core = _regex_parser()
    global_flags = flags | regex.VERSION0
    while True:
        source = _regex_core.Source(pattern)
        info = _regex_core.Info(global_flags, source.char_type, {})
        source.ignore_space = bool(info.flags & _regex_core.VERBOSE)
        try:
            root = _regex_core._parse_pattern(source, info)
            break
        except _regex_core._UnscopedFlagSet:  # a global flag after the start: parse again with it
            global_flags = info.global_flags
        except (regex.error, RecursionError) as exc:
            raise UnsafePattern(f"invalid regular expression: {exc}") from None
    base, character = _regex_core.RegexBase, getattr(_regex_core, "Character", None)

    def nodes(node):
        if node is None:
            return [root]
        if type(node) is character:  # most of a pattern: answered first
            return None, 1, ()
        children = []
        for value in vars(node).values():
            if isinstance(value, base):
                children.append(value)
            elif isinstance(value, (list, tuple)):
                children.extend(item for item in value if isinstance(item, base))
        bounds = (node.min_count, node.max_count) if isinstance(node, _regex_core.GreedyRepeat) else None
        return bounds, 1, children

    return nodes


def _verbose(parsed, flags: int) -> bool:
    """Does verbose mode apply anywhere in an `re` parse (the flag, (?x) or a scoped (?x:...))?"""
    if (flags | parsed.state.flags) & sre_parse.SRE_FLAG_VERBOSE:
        return True
    stack = list(parsed)
    while stack:
        op, av = stack.pop()
        if op is sre_parse.SUBPATTERN and av[1] & sre_parse.SRE_FLAG_VERBOSE:
            return True
        for part in av if isinstance(av, (tuple, list)) else (av,):
            if isinstance(part, sre_parse.SubPattern):
                stack.extend(part)
            elif isinstance(part, list) and part and isinstance(part[0], sre_parse.SubPattern):
                for sub in part:
                    stack.extend(sub)
    return False


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
