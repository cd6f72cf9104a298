"""The two readers of the command line: command.py reads a plain check run without typer, and
anything else goes to typer's app in cli.py. Where the plain reader answers, its answer is the
one typer gives; where it cannot be sure, it leaves the command line to typer."""

from __future__ import annotations

import inspect
import os

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from postlint import cli, command

DEFAULTS = {name: parameter.default for name, parameter in inspect.signature(command.run_check).parameters.items()}

PLAIN = [
    [],
    ["fixtures/demo-site"],
    ["check"],
    ["check", "a.md", "b.md"],
    ["check", "--staged", "--force-exclude", "_posts/2024-01-15-a.md"],  # the pre-commit hook's
    ["--format", "json", "site"],
    ["--format=sarif", "-o", "out.sarif", "site"],
    ["--select", "FM,LNK001", "--select", "SEO", "--ignore=IMG"],
    ["-j", "2", "--jobs", "3"],  # the last one given counts
    ["-j", "007"],
    ["--select="],
    ["--no-force-exclude", "--show-source", "--no-show-source", "-q", "--quiet", "--statistics", "--debug", "--fix",
     "--diff", "--exit-zero", "--no-cache", "--staged", "--force-exclude"],
    ["--fail-on", "warning", "--color", "never", "--output-format", "concise", "--config", "c.yaml",
     "--baseline", "b.json", "--write-baseline", "w.json", "--changed-since", "origin/main", "--output=r.html"],
    ["a.md", "--fix", "b.md"],  # options among the paths
    ["--", "-a-post.md", "--format", "check"],  # after `--` everything is a path
    ["check", "check"],
    ["-q", "init"],  # a sub-command's name after an option is a path
    ["caf\udce9.md", "日本語.md", ""],  # a name that is not UTF-8, another script, an empty one
    ["--changed-since", "HEAD~1", "--format", "github", "--fail-on", "info", "--color=always"],
    ["--output-format", "json"], ["--output-format=sarif", "--format", "sarif"],  # as ruff users write it
]

FOR_TYPER = [
    ["--help"], ["-h"], ["check", "--help"], ["--version"],
    ["init"], ["rules"], ["explain", "FM001"], ["lsp"],
    ["--format", "yaml"], ["--format"], ["--format", "-q"], ["--format="], ["--color", "ALWAYS"],
    ["-j", "0"], ["-j", "x"], ["--jobs=-1"], ["-j", "1_0"], ["-qj2"], ["-j2"], ["-o=x"],
    ["--bogus"], ["-"], ["--staged=1"], ["--install-completion"],
]


def typer_reads(args: list[str], env: dict[str, str | None], monkeypatch) -> dict | None:
    """The arguments typer's app passes to run_check for `args`; None when it runs no check."""
    calls = []
    monkeypatch.setattr(cli, "run_check", lambda **given: calls.append(given) or 0)
    CliRunner().invoke(cli.app, args, env=env, catch_exceptions=False)
    return calls[0] if calls else None


@pytest.mark.parametrize("args", PLAIN)
def test_a_plain_command_line_reads_as_typer_reads_it(args, monkeypatch):
    env = {"POSTLINT_NO_CACHE": None}
    plain = command.plain_check(args, {})
    assert plain is not None, "read without typer"
    assert {**DEFAULTS, **plain} == typer_reads(args, env, monkeypatch)


@pytest.mark.parametrize("args", FOR_TYPER)
def test_anything_else_is_left_to_typer(args):
    assert command.plain_check(args, {}) is None


@pytest.mark.parametrize(("value", "plain"), [(None, True), ("", True), ("0", True), ("1", True), ("true", True),
                                              ("false", True), ("yes", False), ("maybe", False)])
@pytest.mark.parametrize("args", [["site"], ["--no-cache", "site"]])
def test_the_no_cache_variable_reads_as_typer_reads_it(value, plain, args, monkeypatch):
    environ = {} if value is None else {command.NO_CACHE_VARIABLE: value}
    read = command.plain_check(args, environ)
    assert (read is not None) == plain
    if read is not None:
        assert {**DEFAULTS, **read} == typer_reads(args, {command.NO_CACHE_VARIABLE: value}, monkeypatch)


def test_a_shell_completing_is_left_to_typer():
    assert command.plain_check(["site"], {"_POSTLINT_COMPLETE": "bash_complete"}) is None


def test_the_plain_reader_knows_checks_options_as_cli_declares_them():
    group = get_command(cli.app)
    assert set(command.OTHER_COMMANDS) == set(group.commands) - {"check"}
    check = group.commands["check"]
    declared = {}
    for parameter in check.params:
        if parameter.param_type_name != "option" or "--help" in parameter.opts:
            continue
        for option in parameter.opts:
            declared[option] = (parameter.name, "flag" if parameter.is_flag else "value")
        for option in parameter.secondary_opts:
            declared[option] = (parameter.name, "flag")
    known = {option: (name, "flag") for option, (name, _) in command.FLAGS.items()}
    known |= {option: (name, "value") for option, (name, _) in command.VALUED.items()}
    assert known == declared
    assert {name for name, _ in declared.values()} | {"paths"} == set(DEFAULTS)


def test_the_plain_reader_is_what_the_executable_uses(tmp_path, monkeypatch):
    """`postlint PATH` runs run_check with what plain_check read, and never imports typer."""
    import subprocess
    import sys

    script = ("import sys\nfrom postlint import command\nsys.argv = ['postlint', *sys.argv[1:]]\n"
              "try:\n    command.main()\nexcept SystemExit as done:\n"
              "    print(done.code, 'typer' in sys.modules, file=sys.stderr)\n")
    post = tmp_path / "2024-01-01-a-post.md"
    post.write_text("---\ntitle: A post\n---\nWords.\n", encoding="utf-8")
    env = {**os.environ, "POSTLINT_NO_CACHE": "1"}
    plain = subprocess.run([sys.executable, "-c", script, "--format", "json", str(post)], capture_output=True,
                           text=True, timeout=120, env=env, cwd=tmp_path)
    assert plain.stderr.split()[-1] == "False", plain.stderr[-2000:]
    bad = subprocess.run([sys.executable, "-c", script, "--format", "yaml", str(post)], capture_output=True,
                         text=True, timeout=120, env=env, cwd=tmp_path)
    assert bad.stderr.split()[-2:] == ["2", "True"] and "'yaml' is not one of" in bad.stderr


def test_a_reader_gone_ends_either_reader_with_exit_1_and_no_word(monkeypatch, capsys):
    """A closed pipe that reaches the command (the reports handle their own) exits 1 quietly, as
    typer's app does."""
    def gone(**_):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(command, "run_check", gone)
    monkeypatch.setattr(cli, "run_check", gone)
    monkeypatch.setattr("sys.argv", ["postlint", "site"])
    with pytest.raises(SystemExit) as plain:
        command.main()
    assert plain.value.code == 1 and capsys.readouterr() == ("", "")
    assert CliRunner().invoke(cli.app, ["site"]).exit_code == 1
