"""The command line: default command, exit codes, JSON contract, rules and explain."""

from __future__ import annotations

import json
import subprocess
import sys

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
    assert ("2024-03-20-pipeline-review-cadence.md", 4, "front-matter-schema") in got  # categories: 2024
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


def test_rules_lists_every_rule():
    result = invoke("rules")
    assert result.exit_code == 0
    for code, name in (("FM001", "front-matter-invalid"), ("FM002", "front-matter-required"), ("STY001", "placeholder-text")):
        assert code in result.stdout and name in result.stdout


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
