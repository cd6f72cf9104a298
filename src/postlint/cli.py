"""The `postlint` command. `postlint` alone (or `postlint PATH…`) means `postlint check`.

Exit codes, as in ruff and markdownlint: 0 no finding at or above --fail-on, 1 such findings,
2 usage, configuration or internal error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from postlint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _DefaultToCheck(TyperGroup):
    """Route anything that is not a sub-command to `check`, so `postlint PATH` works."""

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_DefaultToCheck,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Content linter and SEO auditor for Jekyll blogs. `postlint` alone lints the site you stand in.",
)


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    html = "html"


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"postlint {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Show the version and exit.")] = None,
) -> None:
    """Content linter and SEO auditor for Jekyll blogs."""


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _fail(message: str) -> typer.Exit:
    from postlint.visible import one_line

    typer.echo(f"postlint: error: {one_line(message)}", err=True)
    return typer.Exit(EXIT_ERROR)


@app.command()
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders to lint (default: the current folder).")] = None,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Use this config instead of discovering .postlint.yaml.")] = None,
    select: Annotated[Optional[list[str]], typer.Option(help="Only these rules: codes, code prefixes or names (comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="Skip these rules: codes, code prefixes or names.")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="Report format: text, json, github (Actions annotations), sarif, junit, html (a self-contained audit page).")] = Format.text,
    output_file: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE; the terminal still gets the text summary.")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF", help="Lint only posts changed since git REF (and posts whose post_url/link targets were renamed or deleted).")] = None,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", help="Hide the findings recorded in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", metavar="FILE", help="Record today's findings in FILE (exit 0) for later --baseline runs.")] = None,
    fail_on: Annotated[Optional[Severity], typer.Option(help="Lowest severity that makes the exit code 1 [default: error].")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (report-only jobs).")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes rules offer, in place and atomically.")] = False,
    show_source: Annotated[bool, typer.Option("--show-source/--no-show-source", help="Show the source line under each finding.")] = True,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes to use [default: one per CPU].")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", envvar="POSTLINT_NO_CACHE",
                                           help="Neither read nor write .postlint_cache/ (also: POSTLINT_NO_CACHE=1).")] = False,
) -> None:
    """Lint posts: `postlint check [PATH…]`."""
    from postlint.run import RunRequest, execute

    request = RunRequest(
        paths=paths or [Path(".")],
        config_file=config_file,
        select=_split(select),
        ignore=_split(ignore),
        fail_on=fail_on.value if fail_on else None,
        fix=fix,
        debug=debug,
        changed_since=changed_since,
        baseline=baseline,
        write_baseline=write_baseline,
        jobs=jobs,
        use_cache=not no_cache,
    )
    code = execute(request, output_format.value, show_source=show_source, output_file=output_file)
    raise typer.Exit(EXIT_OK if exit_zero and code == EXIT_FINDINGS else code)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="A folder of the site (default: the current folder).")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing .postlint.yaml.")] = False,
) -> None:
    """Write a starting .postlint.yaml inferred from the site's posts."""
    from postlint.errors import ConfigError
    from postlint.init import write_config

    try:
        path, summary = write_config(folder, force=force)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"Wrote {path}")
    for line in summary:
        typer.echo(f"  {line}")


@app.command("rules")
def list_rules(
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Include the YAML rules this config adds.")] = None,
) -> None:
    """List every rule: code, name, default severity, summary."""
    from rich.console import Console
    from rich.table import Table

    from postlint.run import registry_for

    registry, _ = registry_for(config_file, Path("."))
    table = Table(box=None, header_style="bold")
    for column in ("code", "name", "severity", "fix", "summary"):
        table.add_column(column)
    for rule in registry.sorted():
        severity = rule.severity if rule.enabled else f"{rule.severity} (off)"
        table.add_row(rule.code, rule.name, severity, "yes" if rule.fixable else "", rule.summary)
    console = Console(soft_wrap=False)
    if console.is_terminal:
        console.print(table)
    else:  # a pipe or log: one line per rule, however long its summary, no trailing padding
        console.width = 1000
        with console.capture() as captured:
            console.print(table)
        typer.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))
    for error in registry.errors:
        typer.echo(f"postlint: error: {error}", err=True)
    if registry.errors:
        raise typer.Exit(EXIT_ERROR)


@app.command()
def explain(
    rule_name: Annotated[str, typer.Argument(metavar="RULE", help="A rule code or name.")],
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Include the YAML rules this config adds.")] = None,
) -> None:
    """Show a rule's documentation."""
    from rich.console import Console
    from rich.markdown import Markdown

    from postlint.docs import rule_doc
    from postlint.run import registry_for
    from postlint.visible import lines

    registry, _ = registry_for(config_file, Path("."))
    found = registry.get(rule_name) or registry.get(rule_name.upper())
    if found is None:
        raise _fail(f"unknown rule '{rule_name}' (see `postlint rules`)")
    header = f"# {found.code} {found.name}\n\nDefault severity: **{found.severity}**" + (
        "" if found.enabled else " (off unless enabled in config)") + (" · fixable with `--fix`" if found.fixable else "")
    Console().print(Markdown(lines(header + "\n\n" + rule_doc(found))))  # a YAML rule's text is the repository's


def main() -> None:
    if sys.stdout is None:  # started with standard output closed
        print("postlint: error: standard output is closed: the report has nowhere to go", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
