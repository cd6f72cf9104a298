"""The terminal report: findings grouped by file with the source line and a caret, then a summary.

Colour comes from rich and follows its rules: none when the output is not a terminal or when
NO_COLOR is set, so the same report reads well in a CI log.
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from postlint.engine.check import RunResult
from postlint.finding import Finding
from postlint.visible import one_line

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _visible(text: str) -> str:
    """`text` safe for the terminal: control and bidi characters shown, not obeyed (visible.py)."""
    return one_line(text)


def _caret_line(finding: Finding) -> tuple[str, str]:
    """The source line (tabs expanded) and a caret under the finding's column."""
    source = finding.source_line
    if len(source) > 160:  # keep huge lines readable: show a window around the column
        start = max(0, finding.column - 80)
        source = ("…" if start else "") + source[start:start + 160] + "…"
        column = finding.column - start + (1 if start else 0)
    else:
        column = finding.column
    prefix = source[: column - 1]
    pad = len(prefix.expandtabs(4))
    return source.expandtabs(4), " " * pad + "^"


def write_findings(console: Console, result: RunResult, show_source: bool = True) -> None:
    """All findings as one styled Text, printed once: per-line printing costs more than linting
    a cached site, and building Text spans needs no markup parsing or escaping."""
    if not console.is_terminal and console.file is not None:
        console.file.write(_plain_report(result, show_source))  # no styles to draw: skip rich
        return
    report = Text()
    append = report.append
    for path, group in groupby(result.findings, key=lambda f: f.path):
        append(_visible(path), "bold underline")
        append("\n")
        for finding in group:
            style = STYLE.get(finding.severity, "")
            append(f"  {_visible(finding.path)}:{finding.line}:{finding.column}  ")
            append(finding.severity, style)
            append("  ")
            append(finding.code, "bold")
            append(" ")
            append(finding.rule, "dim")
            append(f"  {_visible(finding.message)}\n")
            if show_source and finding.source_line.strip():
                source, caret = _caret_line(finding)
                gutter = f"{finding.line:>6} | "
                append(gutter, "dim")
                append(_visible(source) + "\n")
                append(" " * (len(gutter) - 2) + "| ", "dim")
                append(caret, style)
                append("\n")
        append("\n")
    if report:
        console.print(report, soft_wrap=True, highlight=False, end="")


def _plain_report(result: RunResult, show_source: bool) -> str:
    """The same report without styles, for pipes and CI logs."""
    lines: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        lines.append(_visible(path))
        for finding in group:
            lines.append(f"  {_visible(finding.path)}:{finding.line}:{finding.column}  {finding.severity}  "
                         f"{finding.code} {finding.rule}  {_visible(finding.message)}")
            if show_source and finding.source_line.strip():
                source, caret = _caret_line(finding)
                gutter = f"{finding.line:>6} | "
                lines.append(gutter + _visible(source))
                lines.append(" " * (len(gutter) - 2) + "| " + caret)
        lines.append("")
    return "".join(line + "\n" for line in lines)


def write_summary(console: Console, result: RunResult) -> None:
    severities = Counter(f.severity for f in result.findings)
    rules = Counter(f"{f.code} {f.rule}" for f in result.findings)
    files_with = len({f.path for f in result.findings})
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    if result.findings:
        parts = [f"[{STYLE[s]}]{severities[s]} {s}{'s' if severities[s] != 1 else ''}[/]"
                 for s in ("error", "warning", "info") if severities[s]]
        console.print(f"Found {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} "
                      f"({', '.join(parts)}) in {files_with} of {files} checked in {result.seconds:.2f}s.")
        for name, count in sorted(rules.items(), key=lambda item: (-item[1], item[0])):
            console.print(f"  {count:>5}  {escape(name)}")
    else:
        console.print(f"[green]No findings[/] in {files} checked in {result.seconds:.2f}s.")
    if result.fixed:
        console.print(f"Fixed {result.fixed} finding{'s' if result.fixed != 1 else ''}.")
    for error in result.errors:
        console.print(f"[bold red]error:[/] {escape(error)}", soft_wrap=True)
