"""The terminal report: findings by file, the source line with a caret, then a summary; the fixes
`--fix` made or `--diff` would make; the progress bar of a long run.

Two layouts (`--output-format`), as in ruff: `full` (the default) starts every finding with
`path:line:col:`, which editors and terminals jump to, and shows its source line; `concise` names
each file once and lists its findings under it, one line each.

Colour (`--color`): `auto` colours a terminal only (FORCE_COLOR and TTY_COMPATIBLE make rich
treat the output as one), `always` colours anything, `never` nothing; under `auto`, NO_COLOR
turns off every escape sequence, bold and underline included.

Output that is neither coloured nor a terminal (a pipe, a file, a CI log, pre-commit) is written
by PlainOutput without importing rich, whose import costs more than a cached run's linting; rich
draws the rest (see make_output).
"""

from __future__ import annotations

import builtins
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from itertools import groupby
from typing import IO, TYPE_CHECKING, Any, ClassVar

from postlint.engine.check import RunResult
from postlint.finding import Finding
from postlint.lazy_patterns import lazy_compile
from postlint.record import FrozenRecord
from postlint.visible import one_line

if TYPE_CHECKING:
    from rich.console import Console

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}
PROGRESS_DELAY = 1.0  # seconds: a run that is over sooner never shows a bar
PROGRESS_REDRAW = 0.1  # seconds between two drawings of the bar
SOURCE_WINDOW = 160  # characters of a long source line shown around the column


class TextView(FrozenRecord):
    """How the text report looks, as the command line chose."""
    __slots__ = ("output_format", "show_source", "quiet", "statistics", "color")

    output_format: str  # "full" or "concise" (see the module's docs)
    show_source: bool | None  # None: the full layout shows source lines, the concise one not
    quiet: bool  # the findings and nothing else: no summary, fixes or notes
    statistics: bool  # the number of findings of each rule instead of the findings
    color: str

    def __init__(self, output_format: str = "full", show_source: bool | None = None, quiet: bool = False,
                 statistics: bool = False, color: str = "auto") -> None:
        self.output_format = output_format
        self.show_source = show_source
        self.quiet = quiet
        self.statistics = statistics
        self.color = color

    @property
    def source_lines(self) -> bool:
        return self.output_format == "full" if self.show_source is None else self.show_source


def make_console(color: str = "auto", *, stderr: bool = False, terminal: bool | None = None) -> Console:
    """A rich console for standard output (or error) that colours as `color` says (see the module);
    `terminal=True` draws on it as on a terminal (the progress bar)."""
    from rich.console import Console

    if color == "never" or (color == "auto" and os.environ.get("NO_COLOR")):
        return Console(stderr=stderr, color_system=None, force_terminal=terminal, highlight=False)
    if color == "always":
        console = Console(stderr=stderr, force_terminal=True, highlight=False)
        if console.color_system is None:  # TERM=dumb: the user asked for colour all the same
            console = Console(stderr=stderr, force_terminal=True, color_system="standard", highlight=False)
        return console
    return Console(stderr=stderr, force_terminal=terminal, highlight=False)


class PlainOutput:
    """A stream that rich would write plain text to: no terminal, no colour. It has the two
    attributes of a rich Console that the writers below read (`file`, `is_terminal`); with
    write_line for Console.print, they write the bytes rich would."""

    is_terminal: ClassVar[bool] = False

    def __init__(self, file: IO[str]) -> None:
        self.file = file


def make_output(color: str = "auto", *, stderr: bool = False) -> Console | PlainOutput:
    """Where the text report goes: standard output (or error) as a PlainOutput when rich would
    neither colour it nor treat it as a terminal, else make_console's rich console."""
    stream = _plain_stream(color, stderr)
    return make_console(color, stderr=stderr) if stream is None else PlainOutput(stream)


def _plain_stream(color: str, stderr: bool) -> IO[str] | None:
    """The stream, if a Console from make_console(color, stderr=stderr) would take it for no
    terminal and so use no colour system; None if it would colour or draw, or might. The steps
    are Console.is_terminal's (rich/console.py), in its order; a Console that is no terminal has
    no colour system, except in Jupyter. IDLE, which rich takes for no terminal before these
    steps, gets rich: its streams say they are terminals."""
    if color == "always":  # force_terminal=True
        return None
    if hasattr(builtins, "get_ipython"):  # IPython, maybe Jupyter: rich colours and displays there
        return None
    stream = sys.stderr if stderr else sys.stdout
    stream = getattr(stream, "rich_proxied_file", stream)  # Console.file: under a rich Live
    if stream is None:  # rich writes to a null file then
        return None
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return stream if tty_compatible == "0" else None
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:  # set and empty: no terminal, however standard output is
        return None if force_color else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return stream if isatty is None or not isatty() else None
    except ValueError:  # closed
        return stream


# What Console.print(text, markup=False, highlight=False, soft_wrap=True) writes unchanged to a
# stream that is no terminal: no line break or tab (lines split, tabs expanded), no control
# character (rich drops BEL, BS, VT, FF and CR), no `:name:` (an emoji code), no trailing white
# space (dropped beyond the console's width).
_PRINTED_AS_IS = lazy_compile(r"(?!.*:\S*?:)[^\x00-\x1f\x7f-\x9f]*(?<!\s)")


def write_line(console: Console | PlainOutput, line: str) -> None:
    """A line of plain text (a note, `Wrote the … report`): not read as markup, never wrapped."""
    if not isinstance(console, PlainOutput):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    elif _PRINTED_AS_IS.fullmatch(line):
        try:
            console.file.write(line + "\n")
            console.file.flush()  # as rich's print does
        except BrokenPipeError:  # as rich's print does (Console.on_broken_pipe): exit 1, quietly
            stdout_to_null()
            raise SystemExit(1) from None
    else:  # rare (a file name with a tab or colons): rich says how it prints that
        from rich.console import Console

        write_line(Console(file=console.file, color_system=None, force_terminal=False, highlight=False), line)


def stdout_to_null() -> None:
    """Point standard output at the null device once its reader has gone, so that the last flush
    of what is left in it (at exit) fails no more (Python's documentation's answer to SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (AttributeError, OSError, ValueError):  # not a file (a test's stream): nothing to flush there
        pass


def someone_watches() -> bool:
    """Is a person watching standard error: a terminal that is not a dumb one, unless
    TTY_INTERACTIVE says otherwise (rich's switch: 1 yes, 0 no)? FORCE_COLOR does not count:
    a CI log that wants colour wants no progress bar."""
    forced = os.environ.get("TTY_INTERACTIVE")
    if forced in ("0", "1"):
        return forced == "1"
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty() and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")
    except ValueError:  # closed
        return False


def _visible(text: str) -> str:
    """`text` safe for the terminal: control and bidi characters shown, not obeyed (visible.py)."""
    return one_line(text)


def _caret_line(finding: Finding) -> tuple[str, str]:
    """The source line (tabs expanded) and a caret under the finding's column."""
    source = finding.source_line
    if len(source) > SOURCE_WINDOW:  # keep huge lines readable: show a window around the column
        start = max(0, finding.column - SOURCE_WINDOW // 2)
        source = ("…" if start else "") + source[start:start + SOURCE_WINDOW] + "…"
        column = finding.column - start + (1 if start else 0)
    else:
        column = finding.column
    pad = len(source[: column - 1].expandtabs(4))
    return source.expandtabs(4), " " * pad + "^"


def _source_segments(finding: Finding) -> Iterator[tuple[str, str]]:
    source, caret = _caret_line(finding)
    gutter = f"{finding.line:>6} | "
    yield gutter, "dim"
    yield _visible(source) + "\n", ""
    yield " " * (len(gutter) - 2) + "| ", "dim"
    yield caret + "\n", STYLE.get(finding.severity, "")


def _full_segments(findings: list[Finding], view: TextView) -> Iterator[tuple[str, str]]:
    """`path:line:col: severity CODE name  message` for each finding of one file."""
    for finding in findings:
        yield f"{_visible(finding.path)}:{finding.line}:{finding.column}:", "bold"
        yield " ", ""
        yield finding.severity, STYLE.get(finding.severity, "")
        yield " ", ""
        yield finding.code, "bold"
        yield " ", ""
        yield finding.rule, "dim"
        yield f"  {_visible(finding.message)}\n", ""
        if view.source_lines and finding.source_line.strip():
            yield from _source_segments(finding)


def _concise_segments(findings: list[Finding], view: TextView) -> Iterator[tuple[str, str]]:
    """The file's path once, then `line:col  severity  CODE name  message` for each of its findings,
    in aligned columns."""
    yield _visible(findings[0].path), "bold underline"
    yield "\n", ""
    places = [f"{finding.line}:{finding.column}" for finding in findings]
    place_width = max(map(len, places))
    severity_width = max(len(finding.severity) for finding in findings)
    code_width = max(len(finding.code) for finding in findings)
    rule_width = max(len(finding.rule) for finding in findings)
    for place, finding in zip(places, findings):
        yield f"  {place:<{place_width}}  ", ""
        yield finding.severity.ljust(severity_width), STYLE.get(finding.severity, "")
        yield "  ", ""
        yield finding.code.ljust(code_width), "bold"
        yield " ", ""
        yield finding.rule.ljust(rule_width), "dim"
        yield f"  {_visible(finding.message)}\n", ""
        if view.source_lines and finding.source_line.strip():
            yield from _source_segments(finding)


def _report_segments(result: RunResult, view: TextView) -> Iterator[tuple[str, str]]:
    """The findings as (text, style) pieces, a blank line after each file's."""
    layout = _concise_segments if view.output_format == "concise" else _full_segments
    for _, group in groupby(result.findings, key=lambda f: f.path):
        yield from layout(list(group), view)
        yield "\n", ""


def _write(console: Console | PlainOutput, segments: Iterator[tuple[str, str]]) -> None:
    """Print styled pieces at once: plain text straight to the file when nothing is styled (a pipe
    or log; building rich Text for thousands of findings costs more than linting a cached site),
    else one Text, unwrapped (a terminal wraps long lines itself)."""
    if not console.is_terminal and console.file is not None:
        console.file.write("".join(text for text, _ in segments))
        return
    from rich.text import Text

    report = Text()
    for text, style in segments:
        report.append(text, style)
    if report:
        console.print(report, soft_wrap=True, highlight=False, end="")


def write_findings(console: Console | PlainOutput, result: RunResult, view: TextView = TextView()) -> None:
    """Every finding, in the layout `view` asks for; nothing under --statistics."""
    if not view.statistics:
        _write(console, _report_segments(result, view))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary_segments(result: RunResult, view: TextView) -> Iterator[tuple[str, str]]:
    rules = Counter((f.code, f.rule) for f in result.findings)
    counts = sorted(rules.items(), key=lambda item: (-item[1], item[0]))
    if view.statistics:
        for (code, name), count in counts:
            yield f"{count:>5}  {code} {name}\n", ""
        return
    files = _plural(result.files_checked, "file")
    if not result.findings:
        yield "No findings", "green"
        yield f" in {files} checked in {result.seconds:.2f}s.\n", ""
        return
    severities = Counter(f.severity for f in result.findings)
    files_with = len({f.path for f in result.findings})
    yield f"Found {_plural(len(result.findings), 'finding')} (", ""
    present = [severity for severity in ("error", "warning", "info") if severities[severity]]
    for number, severity in enumerate(present):
        yield ", " if number else "", ""
        yield _plural(severities[severity], severity), STYLE[severity]
    yield f") in {files_with} of {files} checked in {result.seconds:.2f}s.\n", ""
    for (code, name), count in counts:
        yield f"  {count:>5}  {code} {name}\n", ""


def write_summary(console: Console | PlainOutput, result: RunResult, view: TextView = TextView()) -> None:
    """Counts by severity and rule (only the rules' under --statistics), the fixes --fix made,
    and run-level errors; under --quiet only the errors. Never wrapped: a long line stays one
    line in a log or file."""
    if not view.quiet:
        _write(console, _summary_segments(result, view))
        if result.fixes:
            write_fixes(console, result, "Fixed")
    for error in result.errors:  # as every other error of postlint's reads, whatever the format
        _write(console, iter([("postlint: error:", "bold red"), (f" {_visible(error)}\n", "")]))


def write_fixes(console: Console | PlainOutput, result: RunResult, verb: str) -> None:
    """`Fixed 2 findings:` (or `Would fix …`), then each fix: path:line:col, rule, what it does."""
    def segments() -> Iterator[tuple[str, str]]:
        yield f"{verb} {_plural(len(result.fixes), 'finding')}:\n", ""
        for finding in result.fixes:
            yield f"  {_visible(finding.path)}:{finding.line}:{finding.column}: ", ""
            yield finding.code, "bold"
            yield f" {finding.rule}", "dim"
            yield f"  {_visible(finding.fix.description)}\n", ""

    _write(console, segments())


def write_diff(console: Console | PlainOutput, result: RunResult) -> None:
    """The diffs of the fixes --diff would make (coloured by line on a colour terminal)."""
    def segments() -> Iterator[tuple[str, str]]:
        for diff in result.diffs:
            for line in diff.splitlines(keepends=True):
                header = line.startswith(("--- ", "+++ "))
                yield line, "bold" if header else DIFF_STYLE.get(line[:1], "")

    _write(console, segments())


def write_diff_report(result: RunResult, view: TextView) -> None:
    """--diff: the diffs on standard output; on standard error what they would fix (or that
    nothing needs fixing), then the files that could not be checked and run-level errors."""
    out = make_output(view.color)
    write_diff(out, result)
    out.file.flush()
    err = make_output(view.color, stderr=True)
    if not view.quiet:
        if result.fixes:
            write_fixes(err, result, "Would fix")
        else:
            _write(err, iter([("Nothing to fix.\n", "")]))
    problems = [f"{_visible(f.path)}:{f.line}:{f.column}: {_visible(f.message)}" for f in result.findings if f.internal]
    for problem in [*problems, *map(_visible, result.errors)]:
        _write(err, iter([("postlint: error:", "bold red"), (f" {problem}\n", "")]))


def render(result: RunResult, view: TextView = TextView()) -> str:
    """The report as plain text (for `--format text --output FILE`)."""
    buffer = StringIO()
    console = PlainOutput(buffer)
    write_findings(console, result, view)
    write_summary(console, result, view)
    return buffer.getvalue()


class ProgressBar:
    """Files checked out of all, on a terminal's standard error, once a run has lasted
    PROGRESS_DELAY seconds, and gone when it ends (a quick run never shows it). Call it with
    (files done, files in all) as files finish; it draws then, from the caller's thread: no
    thread of its own runs while the engine forks its workers."""

    def __init__(self, console: Console, delay: float | None = None) -> None:
        self.console = console
        self.delay = PROGRESS_DELAY if delay is None else delay
        self.started = time.monotonic()
        self.drawn = 0.0
        self.bar: Any = None  # a rich Progress once shown

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.bar is None:
            if done >= total or now - self.started < self.delay:
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("Checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                console=self.console, auto_refresh=False, transient=True,
                                redirect_stdout=False, redirect_stderr=False)
            self.task = self.bar.add_task("check", total=total)
            self.bar.start()
        self.bar.update(self.task, completed=done, total=total)
        if done >= total:
            self.close()  # before the report is printed
        elif now - self.drawn >= PROGRESS_REDRAW:
            self.drawn = now
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
