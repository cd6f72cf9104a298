"""--write-baseline / --baseline: legacy findings hidden by file, rule and offending text."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from postlint.baseline import apply_baseline
from postlint.cli import app
from postlint.engine.check import internal_finding

runner = CliRunner()
RULES = ["--select", "FM,STY"]  # the front-matter and shipped YAML rules: stable for this test

LEGACY = """---
title: "Legacy post"
date: 2024-01-10
time_read: five minutes
---
Pricing for the enterprise tier is TBD until the board meets.

The rest of this post is fine and stays fine.
"""


def invoke(*args):
    return runner.invoke(app, [*args, *RULES])


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "blog"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: Baseline test\n", encoding="utf-8")
    (root / "_posts" / "2024-01-10-legacy.md").write_text(LEGACY, encoding="utf-8")
    (root / "_posts" / "2024-02-01-clean.md").write_text(
        "---\ntitle: Clean\ndate: 2024-02-01\ntime_read: 1 min\n---\nA short and tidy post.\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def test_round_trip_write_edit_elsewhere_then_a_new_defect_fails(site):
    post = site / "_posts" / "2024-01-10-legacy.md"
    assert invoke(".").exit_code == 1  # the legacy defects fail a plain run

    written = invoke(".", "--write-baseline", "postlint-baseline.json")
    assert written.exit_code == 0, written.output
    data = json.loads((site / "postlint-baseline.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert {(e["file"], e["code"], e["fingerprint"], e["count"]) for e in data["entries"]} == {
        ("_posts/2024-01-10-legacy.md", "FM003", "time_read", 1),
        ("_posts/2024-01-10-legacy.md", "STY001", "TBD", 1),
    }

    clean = invoke(".", "--baseline", "postlint-baseline.json")
    assert clean.exit_code == 0, clean.output
    assert "No findings" in clean.stdout and "2 findings hidden by the baseline" in clean.stdout

    # Lines inserted above both defects move them; the baseline does not care about lines.
    text = post.read_text(encoding="utf-8")
    text = text.replace("title:", "author: Sam Ortiz\nlayout: post\ntitle:", 1)
    text = text.replace("---\nPricing", "---\nA new opening paragraph.\n\nAnother one.\n\nPricing", 1)
    post.write_text(text, encoding="utf-8")
    still = invoke(".", "--baseline", "postlint-baseline.json")
    assert still.exit_code == 0, still.output

    # A new defect fails, and only it is reported: a second TBD (the baseline holds one) and a bad date.
    post.write_text(text.replace("stays fine.", "stays fine, except the launch date is TBD.")
                    .replace("date: 2024-01-10", "date: 2024-13-10"), encoding="utf-8")
    new = runner.invoke(app, [".", "--baseline", "postlint-baseline.json", "--format", "json", *RULES])
    assert new.exit_code == 1
    reported = json.loads(new.stdout)
    assert sorted((f["code"], f["line"]) for f in reported) == [("FM003", 5), ("STY001", 14)]


def test_fixed_findings_are_reported_as_stale_entries_without_failing(site):
    assert invoke(".", "--write-baseline", "base.json").exit_code == 0
    post = site / "_posts" / "2024-01-10-legacy.md"
    post.write_text(post.read_text(encoding="utf-8").replace("five minutes", "5 min"), encoding="utf-8")
    result = invoke(".", "--baseline", "base.json")
    assert result.exit_code == 0
    assert "1 baseline entry no longer match" in result.stdout and "FM003" in result.stdout
    # machine formats keep the note off stdout
    as_json = runner.invoke(app, [".", "--baseline", "base.json", "--format", "json", *RULES])
    assert json.loads(as_json.stdout) == [] and "no longer match" in as_json.stderr


def test_entries_of_files_or_rules_not_in_this_run_are_not_stale(site):
    assert invoke(".", "--write-baseline", "base.json").exit_code == 0
    only_clean = invoke("_posts/2024-02-01-clean.md", "--baseline", "base.json")
    assert only_clean.exit_code == 0 and "no longer match" not in only_clean.stdout
    only_fm = runner.invoke(app, [".", "--baseline", "base.json", "--select", "FM"])
    assert only_fm.exit_code == 0 and "no longer match" not in only_fm.stdout


def test_writing_over_part_of_the_site_keeps_the_entries_of_the_rest(site):
    """`--write-baseline` over one file, or with some rules, replaced the whole baseline: the next
    full run failed on every finding it had recorded."""
    assert invoke(".", "--write-baseline", "base.json").exit_code == 0
    whole = json.loads((site / "base.json").read_text(encoding="utf-8"))["entries"]
    assert whole and all(entry["file"] == "_posts/2024-01-10-legacy.md" for entry in whole)
    assert invoke("_posts/2024-02-01-clean.md", "--write-baseline", "base.json").exit_code == 0
    assert runner.invoke(app, [".", "--write-baseline", "base.json", "--select", "FM"]).exit_code == 0
    assert json.loads((site / "base.json").read_text(encoding="utf-8"))["entries"] == whole
    assert invoke(".", "--baseline", "base.json").exit_code == 0


def test_baseline_paths_do_not_depend_on_the_current_folder(site, monkeypatch):
    assert invoke(".", "--write-baseline", "base.json").exit_code == 0
    monkeypatch.chdir(site / "_posts")
    assert invoke(".", "--baseline", "../base.json").exit_code == 0


def test_exit_policy_counts_only_findings_left_after_the_baseline(site):
    assert runner.invoke(app, [".", "--select", "FM003", "--write-baseline", "base.json"]).exit_code == 0
    # STY001 (a warning) is not in the baseline: it fails only from --fail-on warning on
    assert invoke(".", "--baseline", "base.json").exit_code == 0
    assert invoke(".", "--baseline", "base.json", "--fail-on", "warning").exit_code == 1
    assert invoke(".", "--baseline", "base.json", "--fail-on", "warning", "--exit-zero").exit_code == 0
    github = invoke(".", "--baseline", "base.json", "--format", "github", "--fail-on", "warning")
    assert github.exit_code == 1 and github.stdout.startswith("::warning ") and github.stdout.count("\n") == 1


@pytest.mark.parametrize("content, message", [
    ("not json", "not valid JSON"),
    ('{"version": 99, "entries": []}', "not a postlint baseline"),
    ('{"version": 1, "entries": [{"file": "a.md"}]}', "entry 1 needs"),
])
def test_a_bad_baseline_file_is_a_usage_error(site, content, message):
    (site / "bad.json").write_text(content, encoding="utf-8")
    result = invoke(".", "--baseline", "bad.json")
    assert result.exit_code == 2 and message in result.stderr


def test_missing_baseline_and_incompatible_options_are_errors(site):
    assert "cannot read baseline" in invoke(".", "--baseline", "nope.json").stderr
    combined = invoke(".", "--write-baseline", "b.json", "--changed-since", "HEAD")
    assert combined.exit_code == 2 and "cannot be combined" in combined.stderr


def test_crashes_are_never_hidden(tmp_path):
    crash = internal_finding("a.md", "rule X crashed")
    key = ("a.md", crash.code, crash.message)
    match = apply_baseline([crash], Counter({key: 1}), tmp_path, tmp_path, {"a.md"}, {"PL001"})
    assert match.kept == [crash] and match.hidden == 0
