"""The command line: default command, exit codes, JSON contract, rules and explain."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import CASES, DEMO_SITE, REPO
from typer.testing import CliRunner

from postlint import __version__
from postlint.cli import app

runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, list(args), catch_exceptions=False, **kwargs)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"postlint {__version__}"


def test_path_without_check_is_check(monkeypatch):
    monkeypatch.chdir(REPO)
    with_check = invoke("check", "fixtures/demo-site", "--format", "json")
    without = invoke("fixtures/demo-site", "--format", "json")
    assert with_check.exit_code == without.exit_code == 1
    assert json.loads(with_check.stdout) == json.loads(without.stdout)


def test_no_arguments_lints_the_site_you_stand_in(monkeypatch):
    monkeypatch.chdir(DEMO_SITE / "_posts")
    result = invoke("--format", "json")
    assert result.exit_code == 1
    paths = {finding["path"] for finding in json.loads(result.stdout)}
    assert "2024-03-20-pipeline-review-cadence.md" in paths  # relative to where we stand
    assert "10 files checked" in invoke("--no-cache", "--color", "never").stdout, "the whole site: its drafts too"


def test_json_contract_and_order(monkeypatch):
    monkeypatch.chdir(REPO)
    result = invoke("fixtures/demo-site", "--format", "json")
    findings = json.loads(result.stdout)
    assert findings, "the demo site has defects"
    for finding in findings:
        assert {"path", "line", "column", "code", "rule", "severity", "message"} <= set(finding)
        assert finding["path"].startswith("fixtures/demo-site/") and "\\" not in finding["path"]
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert finding["severity"] in ("error", "warning", "info")
    keys = [(f["path"], f["line"], f["column"], f["code"]) for f in findings]
    assert keys == sorted(keys)


def test_demo_site_front_matter_findings_with_exact_lines(monkeypatch):
    monkeypatch.chdir(REPO)
    findings = json.loads(invoke("fixtures/demo-site", "--format", "json", "--select", "FM").stdout)
    got = {(f["path"].rsplit("/", 1)[-1], f["line"], f["rule"]) for f in findings}
    assert ("2024-03-20-pipeline-review-cadence.md", 1, "front-matter-required") in got  # no description
    assert ("2024-03-20-pipeline-review-cadence.md", 4, "front-matter-invalid") in got  # categories: 2024
    assert ("2024-03-20-pipeline-review-cadence.md", 7, "front-matter-schema") in got  # time_read
    assert ("2024-03-20-pipeline-review-cadence.md", 8, "front-matter-date") in got
    assert ("2024-04-02-territory-planning.md", 3, "front-matter-invalid") in got
    assert ("2024-04-10-win-loss-interviews.md", 1, "front-matter-invalid") in got


def test_clean_demo_posts_have_no_findings(monkeypatch):
    monkeypatch.chdir(REPO)
    findings = json.loads(invoke("fixtures/demo-site", "--format", "json").stdout)
    flagged = {f["path"] for f in findings}
    for clean in ("_posts/2024-01-15-ramp-time-benchmark.md", "_posts/2024-02-05-onboarding-checklist.md",
                  "_posts/guides/2024-03-01-setup-guide.md", "_drafts/quarterly-planning.md"):
        assert f"fixtures/demo-site/{clean}" not in flagged


def test_exit_codes(monkeypatch):
    monkeypatch.chdir(REPO)
    clean = CASES / "front-matter-invalid" / "_posts" / "2024-01-01-pass-valid.md"
    date_case = CASES / "front-matter-date"
    assert invoke(str(clean)).exit_code == 0
    assert invoke(str(date_case), "--select", "front-matter-date").exit_code == 0  # warnings only
    assert invoke(str(date_case), "--select", "front-matter-date", "--fail-on", "warning").exit_code == 1
    assert invoke(str(date_case), "--select", "front-matter-date", "--fail-on", "warning", "--exit-zero").exit_code == 0
    assert invoke("fixtures/demo-site").exit_code == 1
    assert invoke("no/such/path").exit_code == 2
    assert invoke("fixtures/demo-site", "--select", "no-such-rule").exit_code == 2
    assert invoke("fixtures/demo-site", "--format", "xml").exit_code == 2


def test_text_report_is_plain_when_not_a_terminal(monkeypatch):
    monkeypatch.chdir(REPO)
    result = invoke("fixtures/demo-site/_posts/2024-03-20-pipeline-review-cadence.md")
    out = result.stdout
    assert "\x1b[" not in out
    assert "fixtures/demo-site/_posts/2024-03-20-pipeline-review-cadence.md:7:1" in out
    assert "FM003 front-matter-schema" in out
    assert "time_read: five minutes" in out and "^" in out  # source line and caret
    assert "Found 4 findings" in out and "1 of 1 file checked" in out


def test_a_path_with_nothing_to_check_warns_as_ruff_does(tmp_path):
    """A mistyped folder in a CI step passed as a clean run, without a word."""
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    result = runner.invoke(app, [str(tmp_path / "assets"), "--no-cache"])
    assert result.exit_code == 0
    assert "warning: no posts or pages to check under" in result.stdout + result.stderr
    machine = runner.invoke(app, [str(tmp_path / "assets"), "--no-cache", "--format", "json"])
    assert machine.stdout == "[]\n" and "warning: no posts or pages" in machine.stderr


def test_output_format_takes_a_report_format_as_in_ruff():
    json_report = invoke(str(DEMO_SITE), "--output-format", "json", "--no-cache")
    assert json_report.exit_code == 1 and json.loads(json_report.stdout)
    both = runner.invoke(app, [str(DEMO_SITE), "--output-format", "json", "--format", "sarif", "--no-cache"])
    assert both.exit_code == 2 and "--output-format json and --format sarif disagree" in both.stderr


def test_rules_lists_every_rule():
    result = invoke("rules")
    assert result.exit_code == 0
    for code, name in (("FM001", "front-matter-invalid"), ("FM002", "front-matter-required"), ("STY001", "placeholder-text")):
        assert code in result.stdout and name in result.stdout
    assert "`[citation needed]`" in result.stdout, "a summary's brackets are text, not rich markup"


@pytest.mark.parametrize("command", [["rules"], ["explain", "FM001"]])
@pytest.mark.parametrize("config", ["bad: 1\n", "rules: [\n", None])
def test_rules_and_explain_report_a_config_error_in_one_line_and_exit_2(tmp_path, monkeypatch, command, config):
    """The commands a user runs while mending a config: a traceback and exit 1 before."""
    monkeypatch.chdir(tmp_path)
    if config is None:
        command = [*command, "--config", "missing.yaml"]
    else:
        (tmp_path / ".postlint.yaml").write_text(config, encoding="utf-8")
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    assert result.stderr.startswith("postlint: error: ") and "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("key", ["FM002", "front-matter-required"])
def test_explain_shows_docs(key):
    result = invoke("explain", key)
    assert result.exit_code == 0
    assert "front-matter-required" in result.stdout and "What it does" in result.stdout


def test_explain_unknown_rule():
    result = runner.invoke(app, ["explain", "nope"])
    assert result.exit_code == 2
    assert "unknown rule" in result.stderr


def test_console_script_runs_as_a_process():
    completed = subprocess.run([sys.executable, "-m", "postlint", "--version"], capture_output=True, text=True, cwd=REPO)
    assert completed.returncode == 0 and __version__ in completed.stdout


# --- help and shell completion ---------------------------------------------------------------

def test_top_level_help_lists_the_options_of_check_whole():
    result = invoke("--help", terminal_width=200)
    assert result.exit_code == 0
    for option in ("--select", "--format", "--output-format", "--fail-on", "--fix", "--diff", "--quiet", "--statistics",
                   "--color", "--changed-since", "--baseline", "--install-completion", "explain"):
        assert option in result.stdout, option
    flat = " ".join(result.stdout.split())
    assert "Lowest severity that makes the exit code 1 (default: error, or the config's fail_on)." in flat  # no markup eaten
    assert "<bool>" not in result.stdout and "…" not in result.stdout.replace("[PATH…]", "")  # nothing cut off
    assert "╭" not in result.stdout  # plain text, not boxes that truncate at 80 columns


@pytest.mark.parametrize(("columns", "widest"), [("200", 120), ("100", 100)])
def test_help_wraps_at_the_terminal_width_up_to_120_columns(columns, widest):
    done = subprocess.run([sys.executable, "-m", "postlint", "--help"], env={**os.environ, "COLUMNS": columns},
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert widest - 10 < max(map(len, done.stdout.splitlines())) <= widest


def _complete(words: str) -> list[str]:
    env = {**os.environ, "_POSTLINT_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    done = subprocess.run([str(Path(sys.executable).parent / "postlint")], env=env, capture_output=True, text=True, cwd=REPO,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_is_on():
    assert "--install-completion" in invoke("--help").stdout
    assert _complete("postlint check --col") == ["--color"]
    assert _complete("postlint --col") == ["--color"]  # `postlint --opt` is `postlint check --opt`
    assert _complete("postlint ex") == ["explain"]
    assert _complete("postlint check --color ") == ["auto", "always", "never"]


# --- colour ------------------------------------------------------------------------------------

ESCAPE = "\x1b"


@pytest.mark.parametrize(("env", "args", "coloured"), [
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),  # NO_COLOR: no escape at all, bold and dim included
    ({"FORCE_COLOR": "1"}, [], True),
    ({}, [], False),  # not a terminal
    ({}, ["--color", "always"], True),
    ({"NO_COLOR": "1"}, ["--color", "always"], True),  # asked for on the command line: it wins
    ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
])
def test_colour_follows_color_no_color_and_force_color(monkeypatch, env, args, coloured):
    monkeypatch.chdir(REPO)
    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["fixtures/demo-site", *args], env=env)
    assert result.exit_code == 1
    assert (ESCAPE in result.stdout) is coloured
    explained = runner.invoke(app, ["explain", "IMG001", *args], env=env)
    assert (ESCAPE in explained.stdout) is coloured


# --- explain -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["PL001", "pl001", "internal-error"])
def test_explain_documents_the_internal_error_report(key):
    result = invoke("explain", key)
    assert result.exit_code == 0
    assert "PL001 internal-error" in result.stdout and "--debug" in result.stdout


@pytest.mark.parametrize(("word", "hint"), [
    ("front-matter-requird", "did you mean FM002 (front-matter-required)?"),
    ("FM02", "did you mean FM002"),
    ("img01", "did you mean IMG001 (image-alt)?"),
    ("FM", "'FM' is a family of"),
    ("interal-error", "did you mean PL001 (internal-error)?"),
    ("zzzz", "`postlint rules` lists them all"),
])
def test_explain_unknown_rule_suggests_one(word, hint):
    result = runner.invoke(app, ["explain", word])
    assert result.exit_code == 2
    assert f"unknown rule '{word}'" in result.stderr and hint in result.stderr


@pytest.mark.parametrize("args", [[], ["--color", "always"]])
def test_explain_pads_no_line_with_trailing_blanks(args):
    for key in ("IMG001", "FM002", "PL001", "wordiness"):
        output = invoke("explain", key, *args, terminal_width=100).stdout
        plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
        assert [line for line in plain.splitlines() if line != line.rstrip()] == [], key


def test_image_alt_advice_is_in_explain_not_in_every_message(monkeypatch):
    monkeypatch.chdir(REPO)
    assert "decorative" in invoke("explain", "IMG001").stdout
    findings = json.loads(invoke("fixtures/cases/image-alt", "--select", "IMG001", "--format", "json").stdout)
    empty = [f["message"] for f in findings if "empty alt text" in f["message"]]
    assert empty and all(message.endswith("empty alt text") for message in empty)


# --- quiet, statistics, progress -------------------------------------------------------------------

def test_quiet_prints_only_the_findings(monkeypatch):
    monkeypatch.chdir(REPO)
    full = invoke("fixtures/demo-site").stdout
    quiet = invoke("fixtures/demo-site", "-q")
    assert quiet.exit_code == 1
    assert "Found" not in quiet.stdout and quiet.stdout == full[:full.index("Found")]
    assert invoke("fixtures/demo-site", "--quiet", "--format", "json").stdout == invoke("fixtures/demo-site", "--format", "json").stdout


def test_statistics_prints_only_the_counts_of_each_rule(monkeypatch):
    monkeypatch.chdir(REPO)
    result = invoke("fixtures/demo-site", "--statistics")
    assert result.exit_code == 1
    counts = json.loads(invoke("fixtures/demo-site", "--format", "json").stdout)
    expected = {}
    for finding in counts:
        key = f"{finding['code']} {finding['rule']}"
        expected[key] = expected.get(key, 0) + 1
    lines = result.stdout.splitlines()
    assert {line.split(None, 1)[1]: int(line.split()[0]) for line in lines} == expected
    assert runner.invoke(app, ["fixtures/demo-site", "--statistics", "--format", "json"]).exit_code == 2


def test_progress_is_reported_once_per_file(tmp_path):
    from helpers import copy_site

    from postlint.run import RunRequest, run_request

    site = copy_site(CASES / "image-alt", tmp_path / "site")
    calls = []
    outcome = run_request(RunRequest(paths=[site], progress=lambda done, total: calls.append((done, total))))
    total = len(outcome.checked)
    assert total > 1 and calls == [(done, total) for done in range(1, total + 1)]


def test_progress_bar_draws_on_an_interactive_terminal_and_goes():
    import io

    from rich.console import Console

    from postlint.report.text import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(Console(file=stream, force_terminal=True, force_interactive=True, width=80), delay=0)
    for done in range(1, 4):
        bar(done, 3)
    drawn = stream.getvalue()
    assert "Checking" in drawn and "1/3" in drawn
    assert bar.bar is None  # done: stopped before the report is printed


def test_progress_bar_only_for_a_person_watching_a_text_report(monkeypatch):
    from postlint.report import text

    monkeypatch.chdir(REPO)
    monkeypatch.setattr(text, "PROGRESS_DELAY", 0)
    watched = runner.invoke(app, ["fixtures/demo-site", "--no-cache"], env={"TTY_INTERACTIVE": "1"})
    assert "Checking" in watched.stderr and "\x1b[2K" in watched.stderr  # drawn, then erased
    assert "Found" in watched.stdout
    for args, env in (([], {"TTY_INTERACTIVE": None}),  # a pipe
                      (["--format", "json"], {"TTY_INTERACTIVE": "1"}),
                      (["--format", "sarif"], {"TTY_INTERACTIVE": "1"}),
                      (["-q"], {"TTY_INTERACTIVE": "1"}),
                      ([], {"TTY_INTERACTIVE": "0", "FORCE_COLOR": "1"})):  # a CI log that wants colour
        result = runner.invoke(app, ["fixtures/demo-site", "--no-cache", *args], env=env)
        assert result.exit_code == 1
        assert result.stderr == "", (args, env)
