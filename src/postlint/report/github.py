"""`--format github`: GitHub Actions workflow commands, one line per finding.

Each line becomes an annotation on the pull request's diff:
`::error file=PATH,line=L,col=C,title=CODE rule::message`. Severity maps to the command:
error -> `::error`, warning -> `::warning`, info -> `::notice`. Paths are the findings' paths
(relative to the current folder), so run postlint from the repository root in a workflow.
"""

from __future__ import annotations

from postlint.engine.check import RunResult

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    """The message part, escaped as the Actions runner expects (it unescapes these back)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A property value: also `:` and `,`, which would otherwise end the property."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult) -> str:
    lines = []
    for finding in result.findings:
        properties = ",".join(f"{name}={escape_property(value)}" for name, value in (
            ("file", finding.path),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", f"{finding.code} {finding.rule}"),
        ))
        lines.append(f"::{COMMAND[finding.severity]} {properties}::{escape_data(finding.message)}")
    for error in result.errors:
        lines.append(f"::error title=postlint::{escape_data(error)}")
    return "".join(line + "\n" for line in lines)
