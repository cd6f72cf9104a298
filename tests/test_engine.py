"""Crash isolation: a broken plugin or a rule that raises is reported, never fatal."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from helpers import CASES, add_rules, run
from typer.testing import CliRunner

from postlint.cli import app
from postlint.finding import Problem
from postlint.registry import ENTRY_POINT_GROUP, Rule, load_registry

runner = CliRunner()
CASE = CASES / "front-matter-required"


def test_broken_plugin_is_reported_and_the_run_goes_on(monkeypatch):
    real = importlib.metadata.entry_points

    def with_broken(**kwargs):
        found = list(real(**kwargs))
        if kwargs.get("group") == ENTRY_POINT_GROUP:
            found.append(importlib.metadata.EntryPoint("broken", "postlint_no_such_plugin", ENTRY_POINT_GROUP))
        return found

    monkeypatch.setattr(importlib.metadata, "entry_points", with_broken)
    registry = load_registry()
    assert any("broken" in e and "failed to load" in e for e in registry.errors)
    assert registry.get("front-matter-required") is not None
    result = runner.invoke(app, ["check", str(CASE)])
    assert result.exit_code == 2
    assert "failed to load" in result.stdout
    assert "FM002" in result.stdout  # the other rules still ran


def _explode(post, ctx):
    if "fail" in post.path.name:
        raise ZeroDivisionError("boom")
    yield Problem(1, 1, "fine")


def test_rule_that_raises_becomes_an_internal_error(monkeypatch):
    crashing = Rule("ZZZ999", "crashing-rule", "warning", _explode, "Crashes.")
    add_rules(monkeypatch, crashing)
    result, _ = run([CASE], select=["ZZZ999"])
    internal = [f for f in result.findings if f.internal]
    assert internal and all(f.code == "PL001" and "crashing-rule" in f.message and "ZeroDivisionError" in f.message
                            for f in internal)
    assert {Path(f.path).name for f in result.findings if not f.internal}  # other files were linted
    cli = runner.invoke(app, ["check", str(CASE), "--select", "ZZZ999"])
    assert cli.exit_code == 2
    debug = runner.invoke(app, ["check", str(CASE), "--select", "ZZZ999", "--debug", "--format", "json"])
    assert "Traceback" in debug.stdout
