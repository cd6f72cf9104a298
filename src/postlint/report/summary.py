"""A Markdown summary of a report (`--format json` or `--format sarif`), for a CI job's summary
page ($GITHUB_STEP_SUMMARY): the counts by severity, the findings by rule, the files with the
most findings. It reads a finished report, so `--format` stays what it is and the summary is a
side output:

    python -m postlint.report.summary REPORT [--top N] [--title TEXT] >> "$GITHUB_STEP_SUMMARY"
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

from postlint.finding import SEVERITIES
from postlint.record import FrozenRecord

TOP_FILES = 10
_SARIF_SEVERITY = {"error": "error", "warning": "warning", "note": "info", "none": "info"}


class Entry(FrozenRecord):
    __slots__ = ("path", "code", "rule", "severity")

    path: str
    code: str
    rule: str
    severity: str

    def __init__(self, path: str, code: str, rule: str, severity: str) -> None:
        self.path = path
        self.code = code
        self.rule = rule
        self.severity = severity


def from_json(findings: list[dict]) -> list[Entry]:
    return [Entry(f["path"], f["code"], f["rule"], f["severity"]) for f in findings]


def from_sarif(log: dict) -> list[Entry]:
    entries = []
    for run in log["runs"]:
        rules = run["tool"]["driver"].get("rules", [])
        for result in run.get("results", []):
            location = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            rule = rules[result["ruleIndex"]]["name"] if "ruleIndex" in result else result["ruleId"]
            entries.append(Entry(unquote(location), result["ruleId"], rule,
                                 _SARIF_SEVERITY[result.get("level", "warning")]))
    return entries


def read_report(text: str) -> list[Entry]:
    """The findings of a JSON report (a list) or a SARIF log (a mapping with `runs`)."""
    data = json.loads(text)
    return from_sarif(data) if isinstance(data, dict) else from_json(data)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, Markdown and HTML shown as written."""
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _severity_counts(entries: list[Entry]) -> str:
    counts = Counter(entry.severity for entry in entries)
    return ", ".join(f"{counts[severity]:,} {severity}" for severity in reversed(SEVERITIES) if counts[severity])


def render(entries: list[Entry], title: str = "postlint", top: int = TOP_FILES) -> str:
    lines = [f"## {title}", ""]
    if not entries:
        return "\n".join([*lines, "No findings.", ""])
    files = Counter(entry.path for entry in entries)
    lines += [(f"**{_plural(len(entries), 'finding')}** in {_plural(len(files), 'file')} "
               f"({_severity_counts(entries)})."), "",
              "### By rule", "", "| rule | severity | findings |", "| --- | --- | ---: |"]
    rules = Counter((entry.code, entry.rule, entry.severity) for entry in entries)
    for (code, rule, severity), count in sorted(rules.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"| {code} {rule} | {severity} | {count:,} |")
    worst = sorted(files.items(), key=lambda item: (-item[1], item[0]))[:top]
    heading = "Files with the most findings" if len(files) > top else "Files"
    lines += ["", f"### {heading}", "", "| file | findings | by severity |", "| --- | ---: | --- |"]
    for path, count in worst:
        lines.append(f"| {_cell(path)} | {count:,} | {_severity_counts([e for e in entries if e.path == path])} |")
    if len(files) > top:
        lines += ["", f"…and {_plural(len(files) - top, 'more file')}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m postlint.report.summary",
                                     description="A Markdown summary of a postlint JSON or SARIF report.")
    parser.add_argument("report", type=Path, help="a report written with --format json or --format sarif")
    parser.add_argument("--title", default="postlint", help="the summary's heading")
    parser.add_argument("--top", type=int, default=TOP_FILES, help="how many files to list (at least 1)")
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error("--top must be at least 1")
    try:
        entries = read_report(args.report.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"{args.report}: cannot read the report: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        print(f"{args.report}: not a postlint JSON or SARIF report ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    sys.stdout.write(render(entries, args.title, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
