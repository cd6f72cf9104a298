"""Rules: the @rule decorator, discovery through entry points, lookup by code, prefix or name.

The rule contract: a rule module decorates each rule function with @rule (which turns it into a
`Rule`) and exports its rules as a list, `RULES`. Built-in modules are listed through the same
entry-point group (``postlint.rules``) that third-party plugins use, each entry point naming a
module's list (``postlint.rules.links:RULES``). A list that fails to load, or holds something
other than rules, is recorded in `Registry.errors` (a RunErrors) and the run goes on.

A run whose every result comes from the cache needs the rules' declarations (for its settings and
the cache key), never their functions: a RuleMemo gives postlint's own declarations without
importing a rule module, and each module is imported when a file is checked after all.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from postlint import __version__
from postlint.digest import digest
from postlint.errors import RunErrors
from postlint.finding import SEVERITIES
from postlint.installed import entry_points, normalized, requirement_folders, version
from postlint.jekyll.facts import is_plain
from postlint.jekyll.signatures import signature
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.record import Record

ENTRY_POINT_GROUP = "postlint.rules"
_CODE = lazy_compile(r"^[A-Z]{1,4}[0-9]{3}$")
_NAME = lazy_compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_ENTRY_POINT_VALUE = lazy_compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attribute>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")
DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")


class Rule(Record):
    """A rule: its stable code and name, default severity, check function, docs and options."""
    __slots__ = ("code", "name", "severity", "check", "doc", "options", "enabled", "fixable", "origin", "source",
                 "source_digest")

    code: str
    name: str
    severity: str
    check: Callable[..., Iterable[Any]]
    doc: str
    options: dict[str, Option]
    enabled: bool  # on unless the config turns it off (False: opt-in rules)
    fixable: bool
    origin: str  # the module or YAML file that defines it
    source: bytes  # a YAML rule: its file as read (the site model reuses it)
    source_digest: str  # of those bytes: part of every cache key

    def __init__(self, code: str, name: str, severity: str, check: Callable[..., Iterable[Any]], doc: str,
                 options: dict[str, Option] | None = None, enabled: bool = True, fixable: bool = False,
                 origin: str = "postlint", source: bytes = b"", source_digest: str = "") -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.check = check
        self.doc = doc
        self.options = {} if options is None else options
        self.enabled = enabled
        self.fixable = fixable
        self.origin = origin
        self.source = source
        self.source_digest = source_digest

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
        import inspect  # here: a run whose rules come from the rule memo imports no rule module, nor inspect

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
        """Rules named by a code, a code prefix (``FM``, ``LNK00``) or a name; a code or prefix in
        any case (``fm001``, as `explain` takes it)."""
        exact = self.get(selector) or self.get(selector.upper())
        if exact is not None:
            return [exact]
        if selector.isascii() and selector.isalnum() and selector[:1].isalpha():
            return [r for code, r in self.rules.items() if code.startswith(selector.upper())]
        return []

    def sorted(self) -> list[Rule]:
        return sorted(self.rules.values(), key=lambda r: r.code)


def entry_point_rules(memo: RuleMemo | None = None) -> list[tuple[str, object, str]]:
    """(entry point, what it names, the identity of its code: plugin_identity) for every
    `postlint.rules` entry point, built-in and plugins; a failure to load stands in as the
    exception. postlint's own lists come from `memo` when it holds them (and go to it when not)."""
    found: list[tuple[str, object, str]] = []
    for name, value, distribution in sorted(entry_points(ENTRY_POINT_GROUP)):
        own = memo is not None and _is_postlint(distribution)
        kept = memo.rules(value) if own else None
        if kept is not None:
            found.append((f"'{name}' ({value})", kept, ""))
            continue
        try:
            loaded = load_entry_point(value)
        except Exception as exc:  # a broken plugin must not take the run down
            found.append((f"'{name}' ({value})", exc, ""))
        else:
            if own:
                memo.keep(value, loaded)
            found.append((f"'{name}' ({value})", loaded, plugin_identity(value, distribution)))
    return found


def _is_postlint(distribution: str) -> bool:
    """Is the metadata folder `distribution` postlint's own?"""
    return normalized(os.path.basename(distribution).partition("-")[0]) == "postlint"


def plugin_identity(value: str, distribution: str) -> str:
    """What decides a plugin's findings besides its rules' settings, for the result cache's key:
    the version of its distribution (the metadata folder `distribution`) and the bytes of the
    module the entry point `value` names, which change when the plugin is edited in place without
    a new version. Empty for postlint's own rules: postlint and what it requires are in every
    cache key."""
    if _is_postlint(distribution):
        return ""
    folder = os.path.basename(distribution)
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


def load_registry(yaml_rule_dirs: Iterable[str] = (), memo: RuleMemo | None = None,
                  rule_files: dict | None = None) -> Registry:
    """Every rule: entry-point rule lists (built-in and plugins), then YAML rule folders. With
    `memo`, postlint's own rules import their modules when first run (RuleMemo). `rule_files`:
    folder -> its rule files and their bytes, for folders read as the merge base has them (gate.py)."""
    from postlint import yamlrules

    registry = Registry()
    for name, loaded, identity in entry_point_rules(memo):
        if isinstance(loaded, Exception):
            registry.errors.add(f"rule plugin {name} failed to load: {type(loaded).__name__}: {loaded}")
        elif not isinstance(loaded, (list, tuple)) or not all(isinstance(item, Rule) for item in loaded):
            registry.errors.add(f"rule plugin {name} must name a list of rules made with @rule "
                                        f"(a module's RULES), not {type(loaded).__name__}")
        else:
            for declared in loaded:
                registry.add(declared.replace(source_digest=identity) if identity else declared)
    for folder in [yamlrules.builtin_dir(), *yaml_rule_dirs]:
        if folder is None:
            continue
        rules, errors = yamlrules.load_folder(folder, (rule_files or {}).get(folder))
        registry.errors.add_all(errors)
        for yaml_rule in rules:
            registry.add(yaml_rule)
    return registry


class RuleMemo:
    """What postlint's own rule lists declared when last imported (each rule's code, name,
    severity, docs, options...), so that a run whose every result comes from the cache makes its
    settings and cache key without importing a rule module: 36 ms of a cached one-post run on 18F.

    The declarations are a function of postlint's code, which `code` names (own_code): only what
    was kept for this code is used. The memos of the MAX_CODES latest codes are kept side by side:
    a user often runs two installations in turn (pre-commit's environment for the hook, another
    for the command line), which would otherwise replace each other's memo at every run. A rule
    made from the memo imports its module when a file is checked (load_functions) or when first
    called. Plugins' lists are never kept: they are imported as always, and their code is in the
    cache key (plugin_identity)."""

    MAX_CODES = 4

    def __init__(self, code: str | None, stored: object = None) -> None:
        self.code = code
        memos = stored.get("memos") if isinstance(stored, dict) else None
        memos = memos if isinstance(memos, dict) else {}
        lists = memos.get(code) if code is not None else None
        self.lists: dict[str, list] = dict(lists) if isinstance(lists, dict) else {}
        self._others = {other: kept for other, kept in memos.items() if other != code}  # as stored, oldest first
        self.grew = False

    def rules(self, value: str) -> list[Rule] | None:
        """The rules the entry point `value` declared, as kept; None when not kept, or kept in a
        shape keep() does not give."""
        kept = self.lists.get(value)
        try:
            return [Rule(check=_Deferred(value, plain["code"]),
                         options={option["name"]: Option(**option) for option in options}, **plain)
                    for plain, options in kept]
        except (TypeError, ValueError, KeyError):
            return None

    def keep(self, value: str, loaded: object) -> None:
        """Keep the declarations of the list `loaded` from the entry point `value`, when it is a
        list of rules made of plain data (what marshal gives back as it was)."""
        if self.code is None or not isinstance(loaded, (list, tuple)) or not all(isinstance(r, Rule) for r in loaded):
            return
        kept = [[{name: getattr(rule, name) for name in _PLAIN_FIELDS},
                 [{name: getattr(option, name) for name in _OPTION_FIELDS} for option in rule.options.values()]]
                for rule in loaded]
        if is_plain(kept) and self.lists.get(value) != kept:  # else an option's default of another type
            self.lists[value] = kept
            self.grew = True

    def export(self) -> dict:
        """The memo to store: this code's lists last (the latest), after the others kept."""
        others = list(self._others.items())[-(self.MAX_CODES - 1):]
        return {"memos": {**dict(others), self.code: self.lists}}


_PLAIN_FIELDS = tuple(name for name in Rule._fields if name not in ("check", "options"))
_OPTION_FIELDS = Option._fields


class _Deferred:
    """The function of a rule made from a RuleMemo: imported with its module when first needed."""

    def __init__(self, value: str, code: str) -> None:
        self.value, self.code = value, code
        self._function: Callable[..., Iterable[Any]] | None = None

    def function(self) -> Callable[..., Iterable[Any]]:
        if self._function is None:
            loaded = load_entry_point(self.value)
            found = [r.check for r in loaded if isinstance(r, Rule) and r.code == self.code] \
                if isinstance(loaded, (list, tuple)) else []
            if not found:
                raise LookupError(f"rule {self.code} is no longer in {self.value}")
            self._function = found[0]
        return self._function

    def __call__(self, post: Any, ctx: Any) -> Iterable[Any]:
        return self.function()(post, ctx)


def load_functions(rules: Iterable[Rule]) -> None:
    """Import the functions of the rules made from a RuleMemo: before a run checks a file, so
    that forked workers inherit them and no rule's time includes its module's import."""
    for rule in rules:
        if isinstance(rule.check, _Deferred):
            try:
                rule.check = rule.check.function()
            except Exception:  # noqa: S112 - the rule then fails where it runs, as a finding of each file
                continue


def own_code() -> str | None:
    """What importing postlint's rule modules depends on, and so what their declarations are a
    function of: the Python version, the installed versions of postlint and of what it requires
    (as in the result cache's key), and the signature of each of postlint's module files (an edit
    in place changes one); None when a file's signature cannot tell a change (jekyll/signatures.py:
    changed just now, a symbolic link, Windows)."""
    package = os.path.dirname(os.path.abspath(__file__))
    found: list[object] = [sys.version, __version__, requirement_folders("postlint"), package]
    for folder, below, files in os.walk(package):
        below[:] = sorted(name for name in below if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                file_signature = signature(path)
                if file_signature is None:
                    return None
                found.append([path, file_signature])
    return digest(found)
