"""Rules: the @rule decorator, discovery through entry points, lookup by code, prefix or name.

The rule contract: a rule module decorates each rule function with @rule (which turns it into a
`Rule`) and exports its rules as a list, `RULES`. Built-in modules are listed through the same
entry-point group (``postlint.rules``) that third-party plugins use, each entry point naming a
module's list (``postlint.rules.links:RULES``). A list that fails to load, or holds something
other than rules, is recorded in `Registry.errors` (a RunErrors) and the run goes on.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from postlint.digest import digest
from postlint.errors import RunErrors
from postlint.finding import SEVERITIES
from postlint.installed import entry_points, normalized, version
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option

ENTRY_POINT_GROUP = "postlint.rules"
_CODE = lazy_compile(r"^[A-Z]{1,4}[0-9]{3}$")
_NAME = lazy_compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_ENTRY_POINT_VALUE = lazy_compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attribute>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")


@dataclass
class Rule:
    """A rule: its stable code and name, default severity, check function, docs and options."""

    code: str
    name: str
    severity: str
    check: Callable[..., Iterable[Any]]
    doc: str
    options: dict[str, Option] = field(default_factory=dict)
    enabled: bool = True  # on unless the config turns it off (False: opt-in rules)
    fixable: bool = False
    origin: str = "postlint"  # the module or YAML file that defines it
    source: bytes = b""  # a YAML rule: its file as read (the site model reuses it)
    source_digest: str = ""  # of those bytes: part of every cache key

    @property
    def summary(self) -> str:
        for line in self.doc.splitlines():
            if line.strip() and not line.startswith("#"):
                return line.strip()
        return ""

    def defaults(self) -> dict[str, Any]:
        return {name: option.default for name, option in self.options.items()}


def rule(
    code: str,
    name: str,
    *,
    severity: str,
    options: Iterable[Option] = (),
    enabled: bool = True,
    fixable: bool = False,
) -> Callable[[Callable], Rule]:
    """Make the decorated function ``(post, ctx) -> Iterable[Problem]`` a rule; list it in the
    module's RULES.

    The function's docstring is the rule's documentation: a one-line summary, then the
    sections "## What it does", "## Why is this bad?", "## Example", "## Use instead" and
    "## Options".
    """
    if not _CODE.match(code) or not _NAME.match(name) or severity not in SEVERITIES:
        raise ValueError(f"bad rule declaration {code} {name} {severity}")

    def register(func: Callable) -> Rule:
        return Rule(
            code=code,
            name=name,
            severity=severity,
            check=func,
            doc=inspect.cleandoc(func.__doc__ or ""),
            options={option.name: option for option in options},
            enabled=enabled,
            fixable=fixable,
            origin=func.__module__,
        )

    return register


class Registry:
    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}  # by code
        self.by_name: dict[str, Rule] = {}
        self.errors = RunErrors()  # rules that failed to load or clash

    def add(self, new: Rule) -> None:
        clash = self.rules.get(new.code) or self.by_name.get(new.name)
        if clash is not None:
            if clash is not new and clash.check is not new.check:
                self.errors.add(
                    f"rule {new.code} {new.name} from {new.origin} clashes with {clash.code} {clash.name} from {clash.origin}; kept the first"
                )
            return
        self.rules[new.code] = new
        self.by_name[new.name] = new

    def get(self, key: str) -> Rule | None:
        return self.rules.get(key) or self.by_name.get(key)

    def select(self, selector: str) -> list[Rule]:
        """Rules named by a code, a code prefix (``FM``, ``LNK00``) or a name."""
        exact = self.get(selector)
        if exact is not None:
            return [exact]
        if selector and selector.upper() == selector:
            return [r for code, r in self.rules.items() if code.startswith(selector)]
        return []

    def sorted(self) -> list[Rule]:
        return sorted(self.rules.values(), key=lambda r: r.code)


def entry_point_rules() -> list[tuple[str, object, str]]:
    """(entry point, what it names, the identity of its code: plugin_identity) for every
    `postlint.rules` entry point, built-in and plugins; a failure to load stands in as the
    exception."""
    found: list[tuple[str, object, str]] = []
    for name, value, distribution in sorted(entry_points(ENTRY_POINT_GROUP)):
        try:
            loaded = load_entry_point(value)
        except Exception as exc:  # a broken plugin must not take the run down
            found.append((f"'{name}' ({value})", exc, ""))
        else:
            found.append((f"'{name}' ({value})", loaded, plugin_identity(value, distribution)))
    return found


def plugin_identity(value: str, distribution: str) -> str:
    """What decides a plugin's findings besides its rules' settings, for the result cache's key:
    the version of its distribution (the metadata folder `distribution`) and the bytes of the
    module the entry point `value` names, which change when the plugin is edited in place without
    a new version. Empty for postlint's own rules: postlint and what it requires are in every
    cache key."""
    folder = os.path.basename(distribution)
    if normalized(folder.partition("-")[0]) == "postlint":
        return ""
    match = _ENTRY_POINT_VALUE.match(value)
    module = sys.modules.get(match.group("module")) if match else None
    try:
        with open(getattr(module, "__file__", None) or "", "rb") as file:
            code = file.read()
    except OSError:
        code = b""  # a module without a file of its own (built in, or from a zip)
    return digest([folder, version(distribution), digest(code)])


def load_entry_point(value: str) -> object:
    """What `module:attribute` names (extras in brackets ignored), as EntryPoint.load imports it."""
    match = _ENTRY_POINT_VALUE.match(value)
    if match is None:
        raise ValueError(f"not an entry point ('module:attribute'): {value!r}")
    named: object = importlib.import_module(match.group("module"))
    for attribute in filter(None, (match.group("attribute") or "").split(".")):
        named = getattr(named, attribute)
    return named


def load_registry(yaml_rule_dirs: Iterable[str] = ()) -> Registry:
    """Every rule: entry-point rule lists (built-in and plugins), then YAML rule folders."""
    from postlint import yamlrules

    registry = Registry()
    for name, loaded, identity in entry_point_rules():
        if isinstance(loaded, Exception):
            registry.errors.add(f"rule plugin {name} failed to load: {type(loaded).__name__}: {loaded}")
        elif not isinstance(loaded, (list, tuple)) or not all(isinstance(item, Rule) for item in loaded):
            registry.errors.add(f"rule plugin {name} must name a list of rules made with @rule "
                                        f"(a module's RULES), not {type(loaded).__name__}")
        else:
            for declared in loaded:
                registry.add(replace(declared, source_digest=identity) if identity else declared)
    for folder in [yamlrules.builtin_dir(), *yaml_rule_dirs]:
        if folder is None:
            continue
        rules, errors = yamlrules.load_folder(folder)
        registry.errors.add_all(errors)
        for yaml_rule in rules:
            registry.add(yaml_rule)
    return registry
