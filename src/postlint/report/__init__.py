"""Reporters: one module per output format.

`text` writes to standard output (through rich only when it draws colour); every other format
is a `render(...) -> str` that `render` below dispatches to, so `--output FILE` can write any of
them.
"""

from __future__ import annotations

from pathlib import Path

from postlint.config import RuleSetting
from postlint.engine.check import RunResult
from postlint.jekyll.site import Site
from postlint.registry import Rule

FORMATS = ("text", "json", "github", "sarif", "junit", "html")


def render(output_format: str, result: RunResult, *, rules: list[Rule], checked: list[str], cwd: Path,
           settings: list[RuleSetting] = (), targets: list[tuple[Path, Site]] = ()) -> str:
    """The whole report in a machine format. `rules`: the rules the run applied (SARIF metadata);
    `checked`: every linted file as findings name it (JUnit lists clean files as passing);
    `settings` and `targets`: the rules with their options and each linted file with its site
    (the HTML report's charts and per-post numbers)."""
    if output_format == "json":
        from postlint.report import json

        return json.render(result)
    if output_format == "github":
        from postlint.report import github

        return github.render(result)
    if output_format == "sarif":
        from postlint.report import sarif

        return sarif.render(result, rules, cwd)
    if output_format == "junit":
        from postlint.report import junit

        return junit.render(result, checked)
    if output_format == "html":
        from postlint.report import html

        return html.render(result, list(settings), list(targets), cwd)
    raise ValueError(f"no renderer for format {output_format!r}")

