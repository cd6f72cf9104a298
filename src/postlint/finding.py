"""What rules report (Problem) and what the engine hands to reporters (Finding)."""

from __future__ import annotations

from postlint.record import FrozenRecord, Record

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


class Edit(FrozenRecord):
    """Replace Source.text[start:end] (same offsets in the decoded file) with `replacement`."""
    __slots__ = ("start", "end", "replacement")

    start: int
    end: int
    replacement: str

    def __init__(self, start: int, end: int, replacement: str) -> None:
        self.start = start
        self.end = end
        self.replacement = replacement


class Fix(FrozenRecord):
    """A fix a rule offers: what it does and the edits that do it."""
    __slots__ = ("description", "edits")

    description: str
    edits: tuple[Edit, ...]

    def __init__(self, description: str, edits: tuple[Edit, ...]) -> None:
        self.description = description
        self.edits = edits


class Problem(Record):
    """A rule's report: where and what. The engine adds the path, code, name and severity."""
    __slots__ = ("line", "column", "message", "fix", "fingerprint", "severity")

    line: int
    column: int
    message: str
    fix: Fix | None
    fingerprint: str  # the offending text, so baselines survive edits elsewhere
    # A rule with two kinds of finding may mark the worse kind (a self-link to no page: "error");
    # a severity the user configured for the rule still wins.
    severity: str | None

    def __init__(self, line: int, column: int, message: str, fix: Fix | None = None, fingerprint: str = "",
                 severity: str | None = None) -> None:
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
        self.fingerprint = fingerprint
        self.severity = severity


class Finding(FrozenRecord):
    """A problem as reporters see it: where (relative path, line, column), which rule, how severe, what."""
    __slots__ = ("path", "line", "column", "code", "rule", "severity", "message", "source_line", "fix", "fingerprint",
                 "internal")
    _uncompared = ("source_line", "fix", "fingerprint", "internal")

    path: str  # relative to the current directory, "/" separators
    line: int
    column: int
    code: str
    rule: str
    severity: str
    message: str
    source_line: str
    fix: Fix | None
    fingerprint: str
    internal: bool  # a crash or load failure: exit 2

    def __init__(self, path: str, line: int, column: int, code: str, rule: str, severity: str, message: str,
                 source_line: str = "", fix: Fix | None = None, fingerprint: str = "", internal: bool = False) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.code = code
        self.rule = rule
        self.severity = severity
        self.message = message
        self.source_line = source_line
        self.fix = fix
        self.fingerprint = fingerprint
        self.internal = internal

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "fixable": self.fix is not None,
        }
