"""Inline suppression: HTML comments in the body and a `postlint:` key in front matter.

    <!-- postlint-disable RULE [RULE…] -->   … until <!-- postlint-enable RULE … -->
    <!-- postlint-disable-next-line RULE -->  the line below only
    <!-- postlint-disable-line RULE -->       the comment's own line
    <!-- postlint-disable-file RULE -->       the whole file
    postlint: {ignore: [RULE, …]}            (front matter) the whole file

RULE is a code, a code prefix or a name; no RULE means every rule. Comments inside code are
examples, not directives, and are ignored.
"""

from __future__ import annotations

import bisect
import re

from postlint.lazy_patterns import lazy_compile
from postlint.record import Record

_DIRECTIVE = lazy_compile(r"<!--\s*postlint-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*?)-->", re.S)
_SPLIT = lazy_compile(r"[\s,]+")



class _Directive(Record):
    """One suppression comment: its line, what it does, and the rules it names."""
    __slots__ = ("line", "action", "rules")

    line: int
    action: str
    rules: tuple[str, ...]  # empty: every rule

    def __init__(self, line: int, action: str, rules: tuple[str, ...]) -> None:
        self.line = line
        self.action = action
        self.rules = rules


def _directives(text: str, start: int):
    """`_DIRECTIVE.finditer(text, start)` in linear time.

    The regex alone rescans to the end of the text from every "<!-- postlint-" whose comment is
    never closed, which takes minutes on a line of 50,000 of them; here each comment's end is
    found once and a missing "-->" ends the search.
    """
    pos = start
    close = -1
    while (opening := text.find("<!--", pos)) != -1:
        if close < opening + 4:
            close = text.find("-->", opening + 4)
            if close == -1:
                return
        match = _DIRECTIVE.match(text, opening, close + 3)
        if match:
            yield match
            pos = match.end()
        else:
            pos = opening + 1


def rule_matches(selector: str, code: str, name: str) -> bool:
    return selector in (code, name) or (selector.isupper() and code.startswith(selector))


class Suppressions:
    def __init__(self, directives: list[_Directive], file_ignores: tuple[str, ...]) -> None:
        self.directives = directives
        self.file_ignores = file_ignores
        self._rules: dict[tuple[str, str], tuple[bool, set[int], list[int], list[bool]]] = {}

    @classmethod
    def scan(cls, post) -> "Suppressions":
        directives = []
        text = post.text
        if "postlint-" in text:
            for match in _directives(text, post.body_offset):
                if post.in_code(match.start()):
                    continue
                rules = tuple(r for r in _SPLIT.split(match.group(2).strip()) if r)
                directives.append(_Directive(post.position(match.start())[0], match.group(1), rules))
        ignore = post.data.get("postlint", {})
        listed = ignore.get("ignore", []) if isinstance(ignore, dict) else []
        if isinstance(listed, str):
            listed = [listed]
        file_ignores = tuple(str(item) for item in listed) if isinstance(listed, list) else ()
        return cls(directives, file_ignores)

    def is_suppressed(self, line: int, code: str, name: str) -> bool:
        whole_file, lines, switch_lines, switch_states = self._for_rule(code, name)
        if whole_file or line in lines:
            return True
        index = bisect.bisect_right(switch_lines, line) - 1
        return index >= 0 and switch_states[index]

    def _for_rule(self, code: str, name: str) -> tuple[bool, set[int], list[int], list[bool]]:
        """What the directives mean for one rule, worked out once per rule: whether the whole file
        is off, the single lines that are off, and each disable/enable switch (line, state) in
        order. A file with thousands of directives and findings stays linear."""
        cached = self._rules.get((code, name))
        if cached is not None:
            return cached

        def covers(rules: tuple[str, ...]) -> bool:
            return not rules or any(rule_matches(r, code, name) for r in rules)

        whole_file = bool(self.file_ignores) and covers(self.file_ignores)
        lines: set[int] = set()
        switch_lines: list[int] = []
        switch_states: list[bool] = []
        for directive in self.directives:
            if not covers(directive.rules):
                continue
            action = directive.action
            if action == "disable-file":
                whole_file = True
            elif action == "disable-next-line":
                lines.add(directive.line + 1)
            elif action == "disable-line":
                lines.add(directive.line)
            else:  # directives come in text order, so the switches are sorted by line
                switch_lines.append(directive.line)
                switch_states.append(action == "disable")
        cached = self._rules[(code, name)] = (whole_file, lines, switch_lines, switch_states)
        return cached
