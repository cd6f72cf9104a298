"""Crash isolation: a broken plugin or a rule that raises is reported, never fatal."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

from helpers import CASES, add_rules, run
from typer.testing import CliRunner

from postlint.cli import app
from postlint.finding import Problem
from postlint.registry import (
    ENTRY_POINT_GROUP,
    Rule,
    entry_points,
    load_entry_point,
    load_registry,
)

runner = CliRunner()
CASE = CASES / "front-matter-required"


def _install_plugin(folder: Path, distribution: str, entry_points: str) -> None:
    """A distribution as pip leaves it: a dist-info folder with an entry_points.txt."""
    info = folder / f"{distribution}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_broken_plugin_is_reported_and_the_run_goes_on(monkeypatch, tmp_path):
    _install_plugin(tmp_path, "broken_plugin", f"[{ENTRY_POINT_GROUP}]\nbroken = postlint_no_such_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = load_registry()
    assert any("broken" in e and "failed to load" in e for e in registry.errors)
    assert registry.get("front-matter-required") is not None
    result = runner.invoke(app, ["check", str(CASE)])
    assert result.exit_code == 2
    assert "failed to load" in result.stdout
    assert "FM002" in result.stdout  # the other rules still ran


def test_entry_points_are_those_importlib_metadata_finds():
    """The registry's own scan of sys.path agrees with importlib.metadata on this environment."""
    for group in (ENTRY_POINT_GROUP, "console_scripts"):
        expected = sorted({(e.name, e.value) for e in importlib.metadata.entry_points(group=group)})
        assert sorted({(name, value) for name, value, _ in entry_points(group)}) == expected


def test_entry_points_first_distribution_of_a_name_wins(monkeypatch, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    _install_plugin(first, "Shadowed.Plugin", f"# a comment\n[other]\nx = nope\n[{ENTRY_POINT_GROUP}]\n  mine = json : loads [extra]\n")
    _install_plugin(second, "shadowed_plugin", f"[{ENTRY_POINT_GROUP}]\ntheirs = json:dumps\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second), str(tmp_path / "gone")])
    assert entry_points(ENTRY_POINT_GROUP) == [("mine", "json : loads [extra]", str(first / "Shadowed.Plugin-1.0.dist-info"))]
    import json
    assert load_entry_point("json : loads [extra]") is json.loads
    assert load_entry_point("json") is json


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
