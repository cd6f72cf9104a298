"""What rules report (Problem) and what the engine hands to reporters (Finding)."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Edit:
    """Replace Source.text[start:end] (same offsets in the decoded file) with `replacement`."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A fix a rule offers: what it does and the edits that do it."""

    description: str
    edits: tuple[Edit, ...]


@dataclass
class Problem:
    """A rule's report: where and what. The engine adds the path, code, name and severity."""

    line: int
    column: int
    message: str
    fix: Fix | None = None
    fingerprint: str = ""  # the offending text, so baselines survive edits elsewhere
    # A rule with two kinds of finding may mark the worse kind (a self-link to no page: "error");
    # a severity the user configured for the rule still wins.
    severity: str | None = None


@dataclass(frozen=True)
class Finding:
    """A problem as reporters see it: where (relative path, line, column), which rule, how severe, what."""

    path: str  # relative to the current directory, "/" separators
    line: int
    column: int
    code: str
    rule: str
    severity: str
    message: str
    source_line: str = field(default="", compare=False)
    fix: Fix | None = field(default=None, compare=False)
    fingerprint: str = field(default="", compare=False)
    internal: bool = field(default=False, compare=False)  # a crash or load failure: exit 2

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
