"""The JSON Schema of .postlint.yaml: generated from rule metadata, shipped up to date, agreeing
with the loader and with jsonschema, and checked when a config loads."""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import DEMO_SITE
from typer.testing import CliRunner

from postlint import schema
from postlint.cli import app
from postlint.config import SITE_OPTIONS, TOP_LEVEL, load_config, resolve_rules
from postlint.errors import ConfigError
from postlint.registry import load_registry

runner = CliRunner()
SHIPPED = schema.shipped()


def test_the_shipped_schema_is_up_to_date():
    assert schema.render(schema.build(load_registry())) == schema.SCHEMA_PATH.read_text(encoding="utf-8"), \
        f"run `{schema.REGENERATE}`"
    assert schema.main(["--check"]) == 0


def test_it_is_a_valid_draft_7_schema_naming_every_rule_option_and_key():
    jsonschema.Draft7Validator.check_schema(SHIPPED)
    assert set(SHIPPED["properties"]) == set(TOP_LEVEL)
    assert set(SHIPPED["properties"]["site"]["properties"]) == set(SITE_OPTIONS)
    rules = SHIPPED["properties"]["rules"]["properties"]
    for rule in load_registry().sorted():
        assert rules[rule.name] == rules[rule.code] == {"$ref": f"#/definitions/{rule.code}"}
        definition = SHIPPED["definitions"][rule.code]
        assert rule.name in definition["description"]
        options = definition["anyOf"][1]["properties"]
        for name, option in rule.options.items():
            assert options[name]["default"] == json.loads(json.dumps(option.default))
            assert options[name]["description"].startswith(option.help)
            assert "type" in options[name] or "anyOf" in options[name]


def _config(text: str) -> object:
    return yaml.safe_load(text)


VALID = [
    "",
    (DEMO_SITE / ".postlint.yaml").read_text(encoding="utf-8"),
    "rules: {FM: off, LNK00: warning, front-matter-date: {severity: OFF}, read-time: {off: true}}",
    "rules: {title-length: {max: 70, severity: info}, SEO002: {min: 0}, image-alt: on}",
    "rules: {acme-plugin-rule: {threshold: 3}}",  # a plugin's: the loader checks it against the registry
    "rules: {readability: {min_reading_ease: 50.5}, conflicting-definition: {min_similarity: 1}}",
    "site: {future: null, languages: [de, pt-br]}\nexclude: _drafts/\nyaml_rules: []\nfail_on: warning",
    "max_file_size: 1048576",
]
INVALID = [
    "rulez: {}",
    "site: []",
    "site: {image_dir: x}",
    "fail_on: fatal",
    "max_file_size: 0",
    "max_file_size: -5",
    "exclude: [1]",
    "rules: {title-length: {max: 0}}",
    "rules: {title-length: {max: -60}}",
    "rules: {read-time: {words_per_minute: 0}}",
    "rules: {conflicting-definition: {min_similarity: 1.5}}",
    "rules: {image-variants: {variants: {webpm: 0}}}",
    "rules: {front-matter-required: {keys: title}}",
    "rules: {front-matter-required: {kees: [title]}}",
    "rules: {front-matter-date: {severity: fatal}}",
    "rules: {title-length: maybe}",
    "rules: [a]",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_configs_pass_both_validators(text):
    config = _config(text)
    assert schema.first_error(config) is None
    jsonschema.Draft7Validator(SHIPPED).validate(schema.as_editors_see_it(config))


@pytest.mark.parametrize("text", INVALID)
def test_invalid_configs_fail_both_validators(text):
    config = _config(text)
    assert schema.first_error(config) is not None
    assert not jsonschema.Draft7Validator(SHIPPED).is_valid(schema.as_editors_see_it(config))


def test_every_rule_with_its_default_options_is_valid():
    for rule in load_registry().sorted():
        for setting in ({"severity": "info", **rule.defaults()}, "off", "warning", True):
            assert schema.first_error({"rules": {rule.name: setting, rule.code: setting}}) is None, rule.name


@pytest.mark.parametrize("text, message", [
    ("site: []\n", ".postlint.yaml: site: must be a mapping or null, got a list"),
    ("rules:\n  title-length: {max: 0}\n", "rules.title-length: option 'max' must be at least 1, got 0"),  # the rule's words
    ("max_file_size: -1\n", "'max_file_size' must be a positive number of bytes"),
])
def test_loading_rejects_what_the_schema_rejects(tmp_path, text, message):
    path = tmp_path / ".postlint.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        resolve_rules(load_config(path), load_registry())
    assert message in str(raised.value)


def test_a_schema_error_exits_2(tmp_path):
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: Funnel notes\n", encoding="utf-8")
    (tmp_path / ".postlint.yaml").write_text("site: []\n", encoding="utf-8")
    result = runner.invoke(app, [str(tmp_path)])
    assert result.exit_code == 2 and "site: must be a mapping" in result.stderr


def test_errors_name_the_place_and_the_accepted_values():
    assert schema.first_error({"rules": {"read-time": {"tolerance": -1}}}) == \
        (["rules", "read-time", "tolerance"], "must be at least 0, got -1")
    path, problem = schema.first_error({"rules": {"title-length": "maybe"}})
    assert path == ["rules", "title-length"] and problem.startswith("must be one of 'off', 'on', error, warning, info")
    assert schema.first_error({"rules": {"title-length": {"max": 70, "mx": 1}}}) == \
        (["rules", "title-length", "mx"], "unknown key (known: severity, enabled, off, max)")


def test_the_modeline_points_at_the_installed_schema_or_the_release_tag(monkeypatch):
    line = schema.modeline()
    assert line.startswith("# yaml-language-server: $schema=")
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: _Metadata([]))
    assert schema.schema_url() == schema.SCHEMA_PATH.resolve().as_uri()
    monkeypatch.setattr(importlib.metadata, "metadata",
                        lambda name: _Metadata(["Documentation, https://example.org", "Repository, https://github.com/acme/postlint.git"]))
    assert schema.schema_url() == (f"https://raw.githubusercontent.com/acme/postlint/v{schema.__version__}/"
                                   "src/postlint/data/postlint.schema.json")


class _Metadata:
    def __init__(self, urls: list[str]) -> None:
        self.urls = urls

    def get_all(self, key: str) -> list[str]:
        return self.urls if key == "Project-URL" else []


def test_the_file_url_of_the_installed_schema_exists():
    assert Path(schema.SCHEMA_PATH).is_file()
