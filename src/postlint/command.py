"""The `postlint` executable. A plain check run (paths and check's options, as the pre-commit hook
and CI jobs write them) is read here, without typer: importing typer and building its command
were 12% of an edited post's run on 18F and 22% of an unchanged one's. Anything else (help, the
version, the other sub-commands, shell completion, a command line with a mistake or a form this
reader does not take) goes to typer's app in cli.py, which gives every usage error its message.
A test holds the two readers to the same answers (tests/test_command_line.py).

Exit codes, as in ruff and markdownlint: 0 no finding at or above --fail-on, 1 such findings,
2 usage, configuration or internal error.
"""

import os
import sys
from enum import Enum
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
OTHER_COMMANDS = ("init", "rules", "explain", "lsp")  # cli.py's sub-commands besides check


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


class OutputFormat(str, Enum):
    full = "full"
    concise = "concise"
    # As in ruff, whose --output-format also picks the machine formats: the same as --format.
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"
    html = "html"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def run_check(paths: list[Path] | None = None, config_file: Path | None = None, select: list[str] | None = None,
              ignore: list[str] | None = None, output_format: Format = Format.text,
              text_layout: OutputFormat = OutputFormat.full, output_file: Path | None = None,
              changed_since: str | None = None, staged: bool = False, force_exclude: bool = False,
              baseline: Path | None = None, write_baseline: Path | None = None, fail_on: Severity | None = None,
              exit_zero: bool = False, fix: bool = False, diff: bool = False, show_source: bool | None = None,
              quiet: bool = False, statistics: bool = False, color: Color = Color.auto, debug: bool = False,
              jobs: int | None = None, no_cache: bool = False) -> int:
    """`postlint check`, its options by the names of cli.check's parameters; the exit code."""
    from postlint.report.text import TextView
    from postlint.run import RunRequest, execute

    if text_layout.value in Format.__members__:  # --output-format json, as ruff users write it
        if output_format not in (Format.text, Format(text_layout.value)):
            return usage_error(f"--output-format {text_layout.value} and --format {output_format.value} disagree")
        output_format, text_layout = Format(text_layout.value), OutputFormat.full
    if diff and (output_format is not Format.text or output_file is not None or write_baseline is not None):
        return usage_error("--diff prints the fixes as a diff: it takes no --format, --output or --write-baseline")
    if statistics and output_format is not Format.text:
        return usage_error(f"--statistics counts the findings of each rule in the text report, not in --format {output_format.value}")
    progress = _progress_bar(output_format, quiet, diff, color)
    request = RunRequest(
        paths=paths or ([] if staged else [_site_you_stand_in()]),
        config_file=config_file,
        select=_split(select),
        ignore=_split(ignore),
        fail_on=fail_on.value if fail_on else None,
        fix=fix,
        debug=debug,
        changed_since=changed_since,
        staged=staged,
        force_exclude=force_exclude,
        baseline=baseline,
        write_baseline=write_baseline,
        jobs=jobs,
        use_cache=not no_cache,
        diff=diff,
        progress=progress,
    )
    view = TextView(output_format=text_layout.value, show_source=show_source, quiet=quiet, statistics=statistics,
                    color=color.value)
    try:
        code = execute(request, output_format.value, output_file=output_file, view=view)
    finally:
        if progress is not None:
            progress.close()
    return EXIT_OK if exit_zero and code == EXIT_FINDINGS else code


def usage_error(message: str) -> int:
    """Print `message` as postlint's error and give the exit code of a usage error."""
    from postlint.visible import one_line

    print(f"postlint: error: {one_line(message)}", file=sys.stderr, flush=True)
    return EXIT_ERROR


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _site_you_stand_in() -> Path:
    """What `postlint` without paths checks: the site whose folder holds the current one (the
    nearest folder above with _config.yml or .postlint.yaml), as a path from here (`..` from
    `_posts/`: its drafts too); the current folder outside any site."""
    from postlint.jekyll.site import find_site_root

    here = Path.cwd()
    root = find_site_root(here)
    return Path(os.path.relpath(root, here)) if root != here else Path(".")


def _progress_bar(output_format: Format, quiet: bool, diff: bool, color: Color):
    """A progress bar on standard error when a person watches a text-report run there (see
    someone_watches); None for machine formats, pipes, logs, --quiet and --diff."""
    from postlint.report.text import ProgressBar, make_console, someone_watches

    if output_format is not Format.text or quiet or diff or not someone_watches():
        return None
    return ProgressBar(make_console(color.value, stderr=True, terminal=True))


# check's options as cli.py declares them (a test compares the two): a flag → (parameter, the value it
# sets); an option with a value → (parameter, the value's type).
FLAGS = {
    "--staged": ("staged", True), "--force-exclude": ("force_exclude", True), "--no-force-exclude": ("force_exclude", False),
    "--exit-zero": ("exit_zero", True), "--fix": ("fix", True), "--diff": ("diff", True),
    "--show-source": ("show_source", True), "--no-show-source": ("show_source", False),
    "--quiet": ("quiet", True), "-q": ("quiet", True), "--statistics": ("statistics", True),
    "--debug": ("debug", True), "--no-cache": ("no_cache", True),
}
VALUED = {
    "--config": ("config_file", Path), "--select": ("select", str), "--ignore": ("ignore", str),
    "--format": ("output_format", Format), "--output-format": ("text_layout", OutputFormat),
    "--output": ("output_file", Path), "-o": ("output_file", Path), "--changed-since": ("changed_since", str),
    "--baseline": ("baseline", Path), "--write-baseline": ("write_baseline", Path), "--fail-on": ("fail_on", Severity),
    "--color": ("color", Color), "--jobs": ("jobs", int), "-j": ("jobs", int),
}
REPEATED = ("select", "ignore")
NO_CACHE_VARIABLE = "POSTLINT_NO_CACHE"
_NO_CACHE_VALUES = {"": False, "0": False, "false": False, "1": True, "true": True}  # others: typer's reader


def plain_check(args: list[str], environ) -> dict | None:
    """run_check's arguments for a command line of check's paths and options, as typer would give
    them; None for anything else: typer's app reads that."""
    if os.name == "nt" or any(name.startswith("_") and name.endswith("_COMPLETE") for name in environ):
        return None  # Windows: typer expands wildcards; a shell asking typer to complete
    no_cache = _NO_CACHE_VALUES.get(environ.get(NO_CACHE_VARIABLE, ""))
    if no_cache is None:
        return None
    if args and args[0] == "check":
        args = args[1:]
    elif args and args[0] in OTHER_COMMANDS:
        return None
    given: dict = {"no_cache": True} if no_cache else {}
    paths: list[Path] = []
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            paths += map(Path, tokens)
        elif not token.startswith("-"):
            paths.append(Path(token))
        elif token in FLAGS:
            name, value = FLAGS[token]
            given[name] = value
        else:
            option, equals, value = token.partition("=") if token.startswith("--") else (token, "", "")
            if option not in VALUED:
                return None
            if not equals:
                value = next(tokens, None)
                if value is None or value.startswith("-"):
                    return None
            name, kind = VALUED[option]
            if kind is int and not (value.isascii() and value.isdigit() and int(value) >= 1):
                return None  # --jobs takes 1 or more; any other form goes to typer's reader
            try:
                converted = kind(value)
            except ValueError:  # not one of the choices
                return None
            if name in REPEATED:
                given.setdefault(name, []).append(converted)
            else:
                given[name] = converted
    if paths:
        given["paths"] = paths
    return given


def main() -> None:
    if sys.stdout is None:  # started with standard output closed
        print("postlint: error: standard output is closed: the report has nowhere to go", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    try:
        arguments = plain_check(sys.argv[1:], os.environ)
        if arguments is None:
            from postlint.cli import app

            app()
        else:
            try:
                code = run_check(**arguments)
            except BrokenPipeError:  # the reader went away: exit 1 without a word, as typer's app does
                from postlint.report.text import stdout_to_null

                stdout_to_null()
                code = EXIT_FINDINGS
            sys.exit(code)
    except KeyboardInterrupt:
        sys.exit(130)


def run_as_command() -> None:
    """The `postlint` executable and `python -m postlint`: main() in a process of its own, which
    it tunes for one run and leaves without tearing down (main() itself stays callable in a
    process that goes on, as the tests do)."""
    from postlint.engine.heap import tune_for_a_run

    tune_for_a_run()
    try:
        main()
    except SystemExit as done:  # typer ends every command so
        _exit_now(done.code)
    _exit_now(0)


def _exit_now(code: object) -> None:
    """Exit with `code` as sys.exit would, without tearing the interpreter down: freeing every
    object one by one took 50-100 ms of a 0.6 s cached run, and the operating system takes the
    memory back at once. The output streams are flushed first; when that fails (a reader that
    went away), the normal exit reports it as it always did."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message: printed, exit 1
        print(code, file=sys.stderr)
        status = 1
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with it closed
                stream.flush()
    except (OSError, ValueError):
        sys.exit(status)
    os._exit(status)
