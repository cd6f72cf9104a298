"""The `postlint` command's sub-commands and options, read by typer. `postlint` alone (or
`postlint PATH…`) means `postlint check`. A plain check run does not come here: command.py reads
it without typer; this is where its options are declared and documented (help, completion).
"""

# No `from __future__ import annotations` here: typer reads the commands' annotations at every
# run, and as strings it would compile and evaluate each again (20 ms of every run).
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from postlint import __version__
from postlint.command import (
    EXIT_ERROR,
    EXIT_OK,
    NO_CACHE_VARIABLE,
    Color,
    Format,
    OutputFormat,
    Severity,
    run_check,
    usage_error,
)
from postlint.lazy_patterns import lazy_compile

HELP_WIDTH = 120  # help wraps at the terminal's width, up to this
CHECK_OPTIONS_HEADING = "Options of check, the default command (postlint [OPTIONS] [PATHS]...)"


class _DefaultToCheck(TyperGroup):
    """Route anything that is not a sub-command or an option of `postlint` itself to `check`, so
    `postlint PATH` works; `postlint --help` lists check's options too, since they are the ones
    `postlint` takes."""

    def parse_args(self, ctx, args):
        own = {name for param in self.get_params(ctx) for name in (*param.opts, *param.secondary_opts)}
        # While the shell completes (resilient parsing), `postlint <TAB>` offers the commands.
        if not (ctx.resilient_parsing and not args) and (not args or (args[0] not in self.commands and args[0] not in own)):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx, incomplete):
        items = super().shell_complete(ctx, incomplete)
        if incomplete.startswith("-"):  # `postlint --opt` is `postlint check --opt`
            command = self.commands["check"]
            items += command.shell_complete(type(ctx)(command, parent=ctx, info_name="check"), incomplete)
        return items

    def format_help(self, ctx, formatter) -> None:
        super().format_help(ctx, formatter)
        command = self.commands["check"]
        check_ctx = type(ctx)(command, parent=ctx, info_name="check")
        records = [record for param in command.get_params(check_ctx)
                   if (record := param.get_help_record(check_ctx)) and "--help" not in param.opts]
        with formatter.section(CHECK_OPTIONS_HEADING):
            formatter.write_dl(records)


app = typer.Typer(
    cls=_DefaultToCheck,
    rich_markup_mode=None,  # plain help: `[default: …]` stays as written, nothing is cut off
    pretty_exceptions_enable=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH},
    help="Content linter and SEO auditor for Jekyll blogs. `postlint` alone lints the site you stand in.",
)


COLOR_HELP = "Colour: auto (on a terminal, or with FORCE_COLOR; none with NO_COLOR), always, never."


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


def _fail(message: str) -> typer.Exit:
    return typer.Exit(usage_error(message))


@app.command()
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders to lint (default: the site you stand in, from the nearest folder above with _config.yml or .postlint.yaml; else the current folder).",
                                                          show_default=False)] = None,
    config_file: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Use this config instead of discovering .postlint.yaml.")] = None,
    select: Annotated[Optional[list[str]], typer.Option(metavar="RULES", help="Only these rules: codes, code prefixes or names (comma-separated).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(metavar="RULES", help="Skip these rules: codes, code prefixes or names.")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="Report format: text, json, github (Actions annotations), sarif, junit, html (a self-contained audit page).")] = Format.text,
    text_layout: Annotated[OutputFormat, typer.Option("--output-format", help="Text report layout: full (every finding starts with path:line:col:, which editors jump to, and shows its source line) or concise (findings listed under their file, one line each); as in ruff, json, github, sarif, junit or html picks that --format.")] = OutputFormat.full,
    output_file: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE; the terminal still gets the text summary.")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF", help="Lint only posts changed since git REF, and the links it broke in other posts (to a post renamed, deleted, unpublished or moved); postlint's configuration is read as the merge base has it, and the inline suppressions the branch adds are named.")] = None,
    staged: Annotated[bool, typer.Option("--staged", help="For the pre-commit hook: lint the files given (none: none) and the links the staged change breaks in other posts.")] = False,
    force_exclude: Annotated[bool, typer.Option("--force-exclude/--no-force-exclude", help="Apply `exclude` to files named on the command line too (the pre-commit hook does).")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", metavar="FILE", help="Hide the findings recorded in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", metavar="FILE", help="Record today's findings in FILE (exit 0) for later --baseline runs.")] = None,
    fail_on: Annotated[Optional[Severity], typer.Option(help="Lowest severity that makes the exit code 1 (default: error, or the config's fail_on).", show_default=False)] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (report-only jobs).")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes rules offer, in place and atomically, and list them.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show the fixes --fix would make as a unified diff, and write nothing; exit 1 when there is something to fix.")] = False,
    show_source: Annotated[Optional[bool], typer.Option("--show-source/--no-show-source", help="Show the source line under each finding (default: in the full layout).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print the findings and nothing else (no summary, fixes or notes; errors still).")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print the number of findings of each rule instead of the findings.")] = False,
    color: Annotated[Color, typer.Option("--color", help=COLOR_HELP)] = Color.auto,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, metavar="N", help="Processes to use (default: one per CPU).", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", envvar=NO_CACHE_VARIABLE, show_envvar=False,
                                           help="Neither read nor write .postlint_cache/ (also: POSTLINT_NO_CACHE=1).")] = False,
) -> None:
    """Lint posts: `postlint check [PATH…]`."""
    raise typer.Exit(run_check(
        paths=paths, config_file=config_file, select=select, ignore=ignore, output_format=output_format,
        text_layout=text_layout, output_file=output_file, changed_since=changed_since, staged=staged,
        force_exclude=force_exclude, baseline=baseline, write_baseline=write_baseline, fail_on=fail_on,
        exit_zero=exit_zero, fix=fix, diff=diff, show_source=show_source, quiet=quiet, statistics=statistics,
        color=color, debug=debug, jobs=jobs, no_cache=no_cache))


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
    config_file: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Include the YAML rules this config adds.")] = None,
    color: Annotated[Color, typer.Option("--color", help=COLOR_HELP)] = Color.auto,
) -> None:
    """List every rule: code, name, default severity, summary."""
    from rich.table import Table
    from rich.text import Text

    from postlint.report.text import make_console

    registry = _registry(config_file)
    table = Table(box=None, header_style="bold")
    for column in ("code", "name", "severity", "fix", "summary"):
        table.add_column(column)
    for rule in registry.sorted():
        severity = rule.severity if rule.enabled else f"{rule.severity} (off)"
        # Text, not a string: rich reads `[citation needed]` in a summary as markup and drops it.
        table.add_row(rule.code, rule.name, severity, "yes" if rule.fixable else "", Text(rule.summary))
    console = make_console(color.value)
    if console.is_terminal:
        console.print(table, soft_wrap=False)
    else:  # a pipe or log: one line per rule, however long its summary, no trailing padding
        console.width = 1000
        with console.capture() as captured:
            console.print(table)
        typer.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))
    for error in registry.errors:
        typer.echo(f"postlint: error: {error}", err=True)
    if registry.errors:
        raise typer.Exit(EXIT_ERROR)


def _registry(config_file: Path | None):
    """The rules the config in play adds to postlint's (rules, explain); a configuration error is a
    one-line error and exit 2, as for check."""
    from postlint.errors import ConfigError
    from postlint.run import registry_for

    try:
        registry, _ = registry_for(config_file, Path("."))
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    return registry


_TRAILING_BLANKS = lazy_compile(r"(?:[ \t]|\x1b\[[0-9;]*m)*[ \t](?:[ \t]|\x1b\[[0-9;]*m)*$", re.MULTILINE)
_STYLE_CODE = lazy_compile(r"\x1b\[[0-9;]*m")


def _without_trailing_blanks(text: str) -> str:
    """`text` with the blanks at the end of each line gone, and the style codes among them kept."""
    return _TRAILING_BLANKS.sub(lambda match: "".join(_STYLE_CODE.findall(match.group())), text)


def _did_you_mean(word: str, registry) -> str:
    """A hint for a code or name no rule has: the rules of a code family (`FM`), or the code or
    name closest to it."""
    from postlint.docs import ENGINE_REPORTS

    names = {rule.code: rule.name for rule in registry.sorted()} | {code: name for code, (name, _) in ENGINE_REPORTS.items()}
    prefix = re.fullmatch(r"([A-Za-z]+)\d*", word)
    family = [code for code in names if prefix and code.startswith(word.upper())
              and re.match(r"[A-Z]+", code).group() == prefix.group(1).upper()]
    if family:
        shown = ", ".join(family[:8]) + (", …" if len(family) > 8 else "")
        return f"'{word}' is a family of {len(family)} rules ({shown}); explain one of them"
    import difflib  # only for a word that names no rule: start-up stays lean

    by_key = {key.lower(): code for code, name in names.items() for key in (code, name)}
    close = difflib.get_close_matches(word.lower(), by_key, n=1, cutoff=0.6)
    if close:
        code = by_key[close[0]]
        return f"did you mean {code} ({names[code]})?"
    return "`postlint rules` lists them all"


@app.command()
def explain(
    rule_name: Annotated[str, typer.Argument(metavar="RULE", help="A rule code or name (or PL001 internal-error).",
                                             show_default=False)],
    config_file: Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Include the YAML rules this config adds.")] = None,
    color: Annotated[Color, typer.Option("--color", help=COLOR_HELP)] = Color.auto,
) -> None:
    """Show a rule's documentation."""
    from rich.markdown import Markdown

    from postlint.docs import engine_report_doc, rule_doc
    from postlint.report.text import make_console
    from postlint.visible import lines

    registry = _registry(config_file)
    found = registry.get(rule_name) or registry.get(rule_name.upper())
    if found is not None:
        doc = f"# {found.code} {found.name}\n\nDefault severity: **{found.severity}**" + (
            "" if found.enabled else " (off unless enabled in config)") + (" · fixable with `--fix`" if found.fixable else "")
        doc += "\n\n" + rule_doc(found)
    else:
        doc = engine_report_doc(rule_name)
        if doc is None:
            raise _fail(f"unknown rule '{rule_name}': {_did_you_mean(rule_name, registry)}")
    console = make_console(color.value)
    with console.capture() as captured:
        console.print(Markdown(lines(doc)))  # a YAML rule's text is the repository's
    # rich pads every line to the console's width: no trailing blanks in a terminal or a file
    sys.stdout.write(_without_trailing_blanks(captured.get()))  # typer.echo would drop --color always


@app.command()
def lsp() -> None:
    """Run the language server (LSP over stdio) for editors: diagnostics as you type, quick fixes."""
    from postlint.lsp.server import main as serve

    serve()
