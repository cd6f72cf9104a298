"""`.postlint.yaml`: the documented shape works; every mistake is a clear exit-2 error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from postlint.cli import app
from postlint.config import load_config, resolve_rules
from postlint.errors import ConfigError
from postlint.registry import load_registry

runner = CliRunner()

POST = "---\ntitle: A post\ndate: 2024-01-01\n---\nBody.\n"


def make_site(tmp_path: Path, config: str | None) -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a-post.md").write_text(POST)
    if config is not None:
        (tmp_path / ".postlint.yaml").write_text(config)
    return tmp_path


def lint(site: Path, *args: str):
    return runner.invoke(app, ["check", str(site), *args])


def test_issue_config_shape_is_accepted(tmp_path):
    site = make_site(tmp_path, """\
site:
  images_dir: assets/images/blog
rules:
  front-matter-required:
    keys: [layout, title, description, categories, h1, alt, time_read, date, author, permalink, excerpt]
  front-matter-date: {severity: error}
  front-matter-schema: off
""")
    config = load_config(site / ".postlint.yaml")
    settings = {s.rule.name: s for s in resolve_rules(config, load_registry())}
    assert "front-matter-schema" not in settings
    assert settings["front-matter-date"].severity == "error"
    assert "excerpt" in settings["front-matter-required"].options["keys"]
    assert config.site["images_dir"] == "assets/images/blog"
    result = lint(site, "--format", "json")
    assert result.exit_code == 1
    assert "missing required front-matter key 'layout'" in result.stdout


def test_config_is_discovered_upward_from_a_nested_file(tmp_path):
    site = make_site(tmp_path, "rules:\n  front-matter-required:\n    keys: [author]\n")
    result = runner.invoke(app, ["check", str(site / "_posts" / "2024-01-01-a-post.md"), "--format", "json"])
    assert "'author'" in result.stdout


def test_explicit_config_file(tmp_path):
    site = make_site(tmp_path, None)
    other = tmp_path / "elsewhere.yaml"
    other.write_text("rules:\n  front-matter-required:\n    keys: [summary]\n")
    result = lint(site, "--config", str(other), "--format", "json")
    assert "'summary'" in result.stdout


@pytest.mark.parametrize("config, message", [
    ("rulez: {}\n", "unknown key 'rulez'"),
    ("rules:\n  no-such-rule: off\n", "unknown rule 'no-such-rule'"),
    ("rules:\n  front-matter-required:\n    keys: title\n", "option 'keys' must be list[str]"),
    ("rules:\n  front-matter-required:\n    kees: [title]\n", "unknown option 'kees'"),
    ("rules:\n  front-matter-date: {severity: fatal}\n", "severity must be one of"),
    ("site:\n  image_dir: x\n", "unknown key 'site.image_dir'"),
    ("rules: [a, b]\n", "'rules' must be a mapping"),
    ("rules:\n  front-matter-required: {keys: [unclosed\n", "invalid YAML"),
    # where and what in one line, not PyYAML's dump of several naming "<unicode string>"
    ("rules:\n\ttitle-length: {max: 20}\n", "invalid YAML: line 2, column 1: found character that cannot start any token"
                                           " (while scanning for the next token)"),
    ("- just\n- a list\n", "must be a mapping"),
    ("rules:\n  title-length: {max: 20}\n  title-length: {max: 200}\n",  # YAML would keep the last, silently
     "line 3, column 3: the key 'title-length' is given twice (first on line 2)"),
    ("fail_on: fatal\n", "'fail_on' must be one of"),
    ("yaml_rules: [missing-folder]\n", "does not exist"),
])
def test_bad_config_exits_2_with_a_clear_message(tmp_path, config, message):
    site = make_site(tmp_path, config)
    result = lint(site)
    assert result.exit_code == 2
    assert message in result.stderr
    assert ".postlint.yaml" in result.stderr


def test_every_rule_accepts_severity_and_off():
    registry = load_registry()
    for rule in registry.sorted():
        config = load_config(None)
        config.rules = {rule.name: {"severity": "info"}}
        assert next(s for s in resolve_rules(config, registry) if s.rule is rule).severity == "info"
        config.rules = {rule.code: "off"}
        assert rule not in [s.rule for s in resolve_rules(config, registry)]


@pytest.mark.parametrize("selector, expected", [
    ("FM", {"FM001", "FM002", "FM003", "FM004", "FM005", "FM006"}),
    ("FM00", {"FM001", "FM002", "FM003", "FM004", "FM005", "FM006"}),
    ("front-matter-date", {"FM004"}),
    ("FM002", {"FM002"}),
    ("fm002", {"FM002"}),  # a code in any case, as `explain` takes it
    ("fm00", {"FM001", "FM002", "FM003", "FM004", "FM005", "FM006"}),
])
def test_select_by_code_prefix_or_name(selector, expected):
    registry = load_registry()
    chosen = {s.rule.code for s in resolve_rules(load_config(None), registry, select=[selector])}
    assert chosen == expected


def test_ignore_removes_rules():
    registry = load_registry()
    chosen = {s.rule.code for s in resolve_rules(load_config(None), registry, ignore=["FM", "placeholder-text"])}
    assert not any(code.startswith("FM") for code in chosen) and "STY001" not in chosen


def test_unknown_select_is_an_error():
    with pytest.raises(ConfigError, match="unknown rule 'XYZ'"):
        resolve_rules(load_config(None), load_registry(), select=["XYZ"])
