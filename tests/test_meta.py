"""Every rule is registered, documented with the standard headings, and has fixtures."""

from __future__ import annotations

import importlib
import pkgutil
import re
import tomllib

import pytest
from helpers import CASES, REPO

import postlint.rules
from postlint.docs import rule_doc
from postlint.registry import DOC_HEADINGS, Rule, load_registry

REGISTRY = load_registry()
RULES = REGISTRY.sorted()
PYTHON_RULES = [r for r in RULES if not r.origin.endswith((".yml", ".yaml"))]


def test_registry_loads_cleanly():
    assert not REGISTRY.errors


RULE_MODULES = sorted(f"postlint.rules.{m.name}" for m in pkgutil.iter_modules(postlint.rules.__path__))


@pytest.mark.parametrize("module_name", RULE_MODULES)
def test_rule_module_is_registered_with_all_its_rules(module_name):
    """A new module under rules/ is not silently ignored: pyproject names its RULES, which hold
    every rule it defines."""
    points = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["entry-points"]["postlint.rules"]
    assert f"{module_name}:RULES" in points.values(), f"pyproject.toml has no postlint.rules entry point for {module_name}:RULES"
    module = importlib.import_module(module_name)
    defined = {value.code for value in vars(module).values() if isinstance(value, Rule) and value.origin == module_name}
    assert defined, f"{module_name} defines no rule: rule helpers belong outside rules/"
    assert {r.code for r in module.RULES} == defined
    assert all(r.code in REGISTRY.rules for r in module.RULES)


def test_codes_and_names_are_unique():
    assert len({r.code for r in RULES}) == len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_is_documented(rule):
    """What `postlint explain` and SARIF show: the docstring with its Options section generated."""
    assert rule.summary, f"{rule.name} has no summary line"
    doc = rule_doc(rule)
    for heading in DOC_HEADINGS:
        assert f"\n## {heading}\n" in doc, f"{rule.name} docs lack '## {heading}'"
    for option in rule.options.values():
        assert f"- `{option.name}` (" in doc, f"{rule.name} does not document option {option.name}"
        assert option.help.strip(), f"{rule.name} option {option.name} has no description"


@pytest.mark.parametrize("rule", PYTHON_RULES, ids=[r.name for r in PYTHON_RULES])
def test_python_rule_has_fixture_cases(rule):
    case = CASES / rule.name
    assert case.is_dir(), f"fixtures/cases/{rule.name}/ is missing"
    assert (case / "expected.txt").is_file()


def test_readme_layout_names_every_module():
    """README's tree of src/postlint/ ("How it works") names every module outside rules/ and
    report/ (those two are described as families), so that a new module is not left out of it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("\nsrc/postlint/\n"):]
    tree = tree[:tree.index("```")]
    package = REPO / "src" / "postlint"
    missing = [path.relative_to(package).as_posix() for path in sorted(package.rglob("*.py"))
               if path.name not in ("__init__.py", "__main__.py") and path.parent.name not in ("rules", "report")
               and not re.search(rf"(?<![\w.]){re.escape(path.name)}\b", tree)]
    assert missing == []
