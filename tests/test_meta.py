"""Every rule is registered, documented with the standard headings, and has fixtures."""

from __future__ import annotations

import pytest
from helpers import CASES

from postlint.registry import DOC_HEADINGS, load_registry

REGISTRY = load_registry()
RULES = REGISTRY.sorted()
PYTHON_RULES = [r for r in RULES if not r.origin.endswith((".yml", ".yaml"))]


def test_registry_loads_cleanly():
    assert not REGISTRY.load_errors


def test_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_is_documented(rule):
    assert rule.summary, f"{rule.name} has no summary line"
    for heading in DOC_HEADINGS:
        assert f"## {heading}" in rule.doc, f"{rule.name} docs lack '## {heading}'"
    for option in rule.options:
        assert f"`{option}`" in rule.doc, f"{rule.name} does not document option {option}"


@pytest.mark.parametrize("rule", PYTHON_RULES, ids=[r.name for r in PYTHON_RULES])
def test_python_rule_has_fixture_cases(rule):
    case = CASES / rule.name
    assert case.is_dir(), f"fixtures/cases/{rule.name}/ is missing"
    assert (case / "expected.txt").is_file()
