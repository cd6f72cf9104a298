"""Rule docs are generated from metadata: README's rules table and every rule's Options section."""

from __future__ import annotations

import re

import pytest
from helpers import REPO
from typer.testing import CliRunner

from postlint import docs
from postlint.cli import app
from postlint.docs import (
    REGENERATE,
    TABLE_END,
    TABLE_START,
    default_text,
    kind_text,
    rule_doc,
    rules_table,
)
from postlint.options import Option
from postlint.registry import Registry, Rule, load_registry
from postlint.report.sarif import _descriptor

REGISTRY = load_registry()
RULES = REGISTRY.sorted()
README = REPO / "README.md"


def options_of(doc: str) -> str:
    """The text of a doc's Options section (the last section of every rule's doc)."""
    head, heading, section = doc.partition("\n## Options\n")
    assert heading, "no '## Options' section"
    return section


def test_readme_rules_table_is_generated_from_the_rules():
    text = README.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text, f"README.md lacks the {TABLE_START} … {TABLE_END} markers"
    current = text[text.index(TABLE_START) + len(TABLE_START):text.index(TABLE_END)].strip("\n")
    assert current == rules_table(REGISTRY), f"README.md's rules table is out of date: run `{REGENERATE}`"


def test_rules_table_rows_come_from_metadata():
    rows = rules_table(REGISTRY).splitlines()
    assert rows[:2] == ["| code | name | default | what it finds |", "| --- | --- | --- | --- |"]
    assert len(rows) == 2 + len(RULES)
    by_code = {row.split(" | ")[0].lstrip("| "): row for row in rows[2:]}
    readability = REGISTRY.get("readability")
    assert not readability.enabled
    assert by_code["SEO004"] == f"| SEO004 | readability | info, off | {readability.summary} |"
    fm002 = REGISTRY.get("FM002")
    assert by_code["FM002"] == f"| FM002 | front-matter-required | error | {fm002.summary} |"
    assert by_code["STY002"].endswith(" (YAML rule). |")


def test_rules_table_escapes_pipes():
    piped = Rule("ZZZ001", "piped", "info", lambda post, ctx: [], "Finds `a | b` in posts.\n")
    registry = Registry()
    registry.add(piped)
    assert rules_table(registry).splitlines()[2] == "| ZZZ001 | piped | info | Finds `a \\| b` in posts. |"


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_generated_options_section_lists_every_option_with_its_default(rule):
    section = options_of(rule_doc(rule))
    bullets = [line for line in section.splitlines() if line.startswith("- `")]
    assert [re.match(r"- `([^`]+)`", line).group(1) for line in bullets] == list(rule.options)
    for bullet, option in zip(bullets, rule.options.values()):
        assert f"default `{default_text(option.default)}`" in bullet, bullet
        assert bullet.endswith(f"): {option.help}")


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_docstrings_hold_no_option_facts(rule):
    """Option facts live in Option(...) only: no hand-written bullet, no hand-written "None."."""
    section = options_of(rule.doc) if "\n## Options\n" in rule.doc else ""
    for name in rule.options:
        assert f"- `{name}`" not in section, f"{rule.name}: the Options bullet for `{name}` is generated; delete it"
    assert not section.strip().startswith("None."), f"{rule.name}: 'None.' is generated; delete it"


def test_known_options_render_exactly():
    section = options_of(rule_doc(REGISTRY.get("front-matter-required")))
    assert section.splitlines()[0] == ("- `keys` (list of strings, default `[title, date]`): Keys every post and draft "
                                       "must have, each with a non-empty value (not blank, `null` or an empty list).")
    schema = options_of(rule_doc(REGISTRY.get("front-matter-schema")))
    assert "- `patterns` (mapping of strings to strings, default `{time_read: \\d+ min}`): " in schema
    assert "- `schema` (string or null, default `null`): " in schema
    variants = options_of(rule_doc(REGISTRY.get("image-variants")))
    assert variants.startswith("- `variants` (mapping of strings to integers or null, default `{}`): ")


def test_explanatory_prose_survives_after_the_bullets():
    section = options_of(rule_doc(REGISTRY.get("duplicate-definition")))
    bullets, _, prose = section.partition("\n\n")
    assert bullets.count("\n- `") == 1  # ignore_terms, max_term_words
    assert prose.startswith("A lead-in that starts three or more blocks")


def test_a_rule_without_options_says_none():
    assert options_of(rule_doc(REGISTRY.get("front-matter-invalid"))) == "None."
    assert options_of(rule_doc(REGISTRY.get("post-url-target"))) == (
        "None. Whether future-dated posts count as built comes from `site.future` in `.postlint.yaml`,\n"
        "else `future` in `_config.yml`.")
    yaml_rule = options_of(rule_doc(REGISTRY.get("wordiness")))
    assert yaml_rule == "None. A YAML rule takes `severity` and `off` only; edit the rule file to change its words."


def _plugin_rule(doc: str, options=()) -> Rule:
    return Rule("HSE010", "no-exclamation-title", "warning", lambda post, ctx: [], doc,
                options={option.name: option for option in options})


def test_hand_written_bullets_of_a_plugin_are_replaced_not_repeated():
    doc = ("Titles should not shout.\n\n## What it does\nCounts.\n\n## Example\n```markdown\n## Options\n```\n\n"
           "## Options\n- `max`: exclamation marks allowed,\n  counted in the title.\n\nSee also `title-length`.\n")
    generated = rule_doc(_plugin_rule(doc, [Option("max", "int", 0, "Exclamation marks allowed.")]))
    assert generated.endswith("## Options\n- `max` (integer, default `0`): Exclamation marks allowed.\n\n"
                              "See also `title-length`.")
    assert "counted in the title" not in generated
    assert "```markdown\n## Options\n```" in generated  # an example in a code block is not the section


def test_a_doc_without_an_options_heading_gets_one():
    generated = rule_doc(_plugin_rule("Titles should not shout.\n\n## What it does\nCounts.",
                                      [Option("max", "int", 0, "Exclamation marks allowed.")]))
    assert generated == ("Titles should not shout.\n\n## What it does\nCounts.\n\n"
                         "## Options\n- `max` (integer, default `0`): Exclamation marks allowed.")
    assert rule_doc(_plugin_rule("Titles should not shout.")) == "Titles should not shout.\n\n## Options\nNone."


def test_kinds_and_defaults_in_words():
    assert kind_text("list[str]") == "list of strings"
    assert kind_text("dict[str, int|null]") == "mapping of strings to integers or null"
    assert kind_text("str|null") == "string or null"
    assert kind_text("bool") == "boolean"
    assert [default_text(v) for v in (True, None, 0.5, [], "alt", ["no"])] == ["true", "null", "0.5", "[]", "alt", "['no']"]


def test_explain_and_sarif_show_the_generated_doc():
    result = CliRunner().invoke(app, ["explain", "front-matter-required"], catch_exceptions=False,
                                env={"COLUMNS": "300"})
    assert result.exit_code == 0
    assert "filename_date (boolean, default true): Jekyll takes a post's date" in result.stdout
    rule = REGISTRY.get("FM002")
    assert _descriptor(rule)["help"] == {"text": rule_doc(rule), "markdown": rule_doc(rule)}


def test_the_command_rewrites_a_stale_table_and_check_reports_it(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Site\n\n{TABLE_START}\n| old | table |\n{TABLE_END}\n\nAfter.\n", encoding="utf-8")
    assert docs.main(["--check", str(readme)]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert docs.main([str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == f"# Site\n\n{TABLE_START}\n{rules_table(REGISTRY)}\n{TABLE_END}\n\nAfter.\n"
    assert docs.main(["--check", str(readme)]) == 0
    readme.write_text("no markers\n", encoding="utf-8")
    assert docs.main([str(readme)]) == 2
