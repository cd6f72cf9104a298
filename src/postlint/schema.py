"""The JSON Schema of `.postlint.yaml`, generated from the metadata the loader checks against: the
top-level keys and site options of config.py and every shipped rule (by name and by code) with its
options' kinds, bounds, defaults and help. Editors read the shipped file
(`# yaml-language-server: $schema=…` at the top of the config) to complete and check it;
config.py checks each loaded config against it with `first_error`.

    python -m postlint.schema            # rewrite src/postlint/data/postlint.schema.json
    python -m postlint.schema --check    # exit 1 when it is out of date

`first_error` validates the subset of JSON Schema that `build` writes (type, enum, pattern,
bounds, properties, items, anyOf, $ref) in-process: importing the jsonschema package would cost
every run about 70 ms for a check that takes well under one; the tests check that both agree.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from postlint import __version__
from postlint.config import DEFAULT_MAX_FILE_SIZE, SITE_OPTIONS, TOP_LEVEL
from postlint.docs import default_text, is_yaml_rule, write_generated
from postlint.finding import SEVERITIES
from postlint.options import Option, _split_union
from postlint.registry import Registry, Rule

SCHEMA_PATH = Path(__file__).parent / "data" / "postlint.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
REGENERATE = "python -m postlint.schema"
# `off`/`on` in any case switch a rule (config.py lowers them); YAML 1.1 also reads them as booleans.
SWITCH = {"anyOf": [{"enum": ["off", "on", *reversed(SEVERITIES), True, False, None]},
                    {"type": "string", "pattern": "^(?:[oO][nN]|[oO][fF][fF])$"}]}
SEVERITY = {"anyOf": [{"enum": [*reversed(SEVERITIES), "off", False]},
                      {"type": "string", "pattern": "^[oO][fF][fF]$"}],
            "description": "The rule's severity, or off."}
RULE_SWITCHES = {
    "severity": SEVERITY,
    "enabled": {"type": "boolean", "description": "false turns the rule off, true on."},
    "off": {"type": "boolean", "description": "true turns the rule off."},
}
PREFIX = "^[A-Z]{1,4}[0-9]{0,2}$"  # FM, LNK00: every rule whose code starts so
_SCALAR_TYPES = {"int": "integer", "number": "number", "str": "string", "bool": "boolean", "null": "null"}


# --- building the schema -------------------------------------------------------------------------

def is_builtin(rule: Rule) -> bool:
    """Shipped with postlint: a rule of its own modules or of its YAML rules folder."""
    if is_yaml_rule(rule):
        from postlint.yamlrules import builtin_dir

        folder = builtin_dir()
        return folder is not None and Path(rule.origin).resolve().parent == folder.resolve()
    return rule.origin.partition(".")[0] == "postlint"


def kind_schema(kind: str, option: Option) -> dict:
    """The schema of an option kind ("list[str]", "dict[str, int|null]"); the option's bounds
    hold for every number in the value, as Option.check reads them."""
    kind = kind.strip()
    if kind.startswith("list[") and kind.endswith("]"):
        return {"type": "array", "items": kind_schema(kind[5:-1], option)}
    if kind.startswith("dict[") and kind.endswith("]"):
        _, _, value_kind = kind[5:-1].partition(",")
        return {"type": "object", "additionalProperties": kind_schema(value_kind, option)}
    parts = _split_union(kind)
    if len(parts) > 1:
        return {"anyOf": [kind_schema(part, option) for part in parts]}
    schema: dict[str, Any] = {"type": _SCALAR_TYPES[kind]}
    if kind in ("int", "number"):
        for keyword, bound in (("minimum", option.minimum), ("exclusiveMinimum", option.above),
                               ("maximum", option.maximum)):
            if bound is not None:
                schema[keyword] = bound
    return schema


def option_schema(option: Option) -> dict:
    bounds = option.bounds_text()
    help_text = option.help + (f" Numbers: {bounds}." if bounds and option.kind.startswith(("list[", "dict[")) else "")
    return {**kind_schema(option.kind, option), "description": help_text, "default": option.default}


def rule_schema(rule: Rule) -> dict:
    default = rule.severity if rule.enabled else f"off (opt-in; {rule.severity} when on)"
    return {
        "description": (f"{rule.code} {rule.name}: {rule.summary} Default: {default}. "
                        f"`postlint explain {rule.code}` shows its docs."),
        "anyOf": [
            SWITCH,
            {"type": "object",
             "properties": {**RULE_SWITCHES, **{name: option_schema(o) for name, o in rule.options.items()}},
             "additionalProperties": False},
        ],
    }


def build(registry: Registry) -> dict:
    """The schema of `.postlint.yaml` for the shipped rules of `registry`."""
    rules = [rule for rule in registry.sorted() if is_builtin(rule)]
    by_key = {key: {"$ref": f"#/definitions/{rule.code}"} for rule in rules for key in (rule.name, rule.code)}
    any_rule = {"anyOf": [SWITCH, {"type": "object", "properties": RULE_SWITCHES}]}
    strings = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, {"type": "null"}]}
    return {
        "$schema": DRAFT,
        "title": "postlint configuration (.postlint.yaml)",
        "type": ["object", "null"],
        "properties": {
            "site": {"type": ["object", "null"], "description": TOP_LEVEL["site"],
                     "properties": {name: option_schema(option) for name, option in SITE_OPTIONS.items()},
                     "additionalProperties": False},
            "rules": {
                "type": ["object", "null"],
                "description": (TOP_LEVEL["rules"] + ": off, on, a severity, or a mapping of severity and "
                                "options. A code prefix (FM, LNK00) sets every rule it starts; rules of "
                                "plugins and of your yaml_rules folders are checked when the config loads."),
                "properties": by_key,
                "patternProperties": {PREFIX: any_rule},
                "additionalProperties": any_rule,
            },
            "yaml_rules": {**strings, "description": TOP_LEVEL["yaml_rules"] + ", relative to this file"},
            "exclude": {**strings, "description": TOP_LEVEL["exclude"]},
            "fail_on": {"enum": [*reversed(SEVERITIES), None], "description": TOP_LEVEL["fail_on"]},
            "max_file_size": {"type": "integer", "exclusiveMinimum": 0, "default": DEFAULT_MAX_FILE_SIZE,
                              "description": TOP_LEVEL["max_file_size"]},
        },
        "additionalProperties": False,
        "definitions": {rule.code: rule_schema(rule) for rule in rules},
    }


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# --- where editors find it -----------------------------------------------------------------------

def schema_url() -> str:
    """Where an editor reads the schema of this postlint version: the shipped file at the release
    tag when the distribution names its GitHub repository (`[project.urls] Repository`), else the
    installed file itself."""
    from importlib import (
        metadata,  # 40 ms to import: not on the way of every run that validates a config
    )

    try:
        entries = metadata.metadata("postlint").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        entries = []
    urls = {label.strip().lower(): url.strip() for label, _, url in (e.partition(",") for e in entries)}
    repository = urls.get("repository") or urls.get("source") or ""
    match = re.fullmatch(r"https://github\.com/([^/\s]+)/([^/\s]+?)(?:\.git)?/?", repository)
    if match is None:
        return SCHEMA_PATH.resolve().as_uri()
    owner, name = match.groups()
    return (f"https://raw.githubusercontent.com/{owner}/{name}/v{__version__}/"
            f"src/postlint/data/{SCHEMA_PATH.name}")


def modeline() -> str:
    """The comment that points YAML editors (yaml-language-server: VS Code, Neovim, Helix…) at the schema."""
    return f"# yaml-language-server: $schema={schema_url()}"


# --- checking a config ---------------------------------------------------------------------------

@cache
def shipped() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def as_editors_see_it(value: Any) -> Any:
    """A loaded config as JSON: dates as their ISO text and keys as text, with YAML 1.1's `off:`
    (read as false) back to "off" as YAML 1.2 editors read it."""
    if isinstance(value, dict):
        return {("off" if key is False else "on" if key is True else str(key)): as_editors_see_it(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [as_editors_see_it(item) for item in value]
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return value


def first_error(config: Any, schema: dict | None = None) -> tuple[list[str], str] | None:
    """(path of keys, what is wrong) for the first place `config` breaks the schema, or None."""
    root = shipped() if schema is None else schema
    found = _first_error(as_editors_see_it(config), root, root, [])
    return (found[0], str(found[1])) if found is not None else None


class _Message:
    """A message written only if it is shown: a valid config fails all but one alternative of
    each anyOf it meets, and describing a value imports PyYAML (docs.default_text)."""

    def __init__(self, write: Callable[[], str]) -> None:
        self.write = write

    def __str__(self) -> str:
        return self.write()


def _first_error(value: Any, schema: dict, root: dict, path: list[str]) -> tuple[list[str], str | _Message] | None:
    if "$ref" in schema:
        return _first_error(value, _resolve(root, schema["$ref"]), root, path)
    if "anyOf" in schema:
        alternatives = schema["anyOf"]
        if all(_first_error(value, alt, root, path) for alt in alternatives):
            # A value of the one alternative's type is wrong inside it: say where.
            typed = [alt for alt in alternatives if "type" in alt and _has_type(value, alt["type"])]
            if len(typed) == 1 and typed[0].get("type") in ("object", "array"):
                return _first_error(value, typed[0], root, path)
            return path, _Message(lambda: f"must be {describe(schema, root)}, got {_shown(value)}")
    if "type" in schema and not _has_type(value, schema["type"]):
        return path, _Message(lambda: f"must be {describe(schema, root)}, got {_shown(value)}")
    if "enum" in schema and not any(_same(value, item) for item in schema["enum"]):
        return path, _Message(lambda: f"must be {describe(schema, root)}, got {_shown(value)}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        return path, _Message(lambda: f"must match {schema['pattern']}, got {_shown(value)}")
    if _is_number(value) and (problem := _bounds_problem(value, schema)):
        return path, problem
    if isinstance(value, dict):
        return _mapping_error(value, schema, root, path)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            if found := _first_error(item, schema["items"], root, [*path, str(index + 1)]):
                return found
    return None


def _mapping_error(value: dict, schema: dict, root: dict, path: list[str]) -> tuple[list[str], str | _Message] | None:
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        matched = [properties[key]] if key in properties else [s for p, s in patterns.items() if re.search(p, key)]
        if not matched and extra is False:
            return [*path, key], f"unknown key (known: {', '.join(properties)})"
        for sub in matched or ([extra] if isinstance(extra, dict) else []):
            if found := _first_error(item, sub, root, [*path, key]):
                return found
    return None


def _bounds_problem(number: float, schema: dict) -> str | None:
    # `not (a >= b)`: NaN breaks every bound, as Option.check has it.
    if "minimum" in schema and not number >= schema["minimum"]:
        return f"must be at least {schema['minimum']}, got {number!r}"
    if "exclusiveMinimum" in schema and not number > schema["exclusiveMinimum"]:
        return f"must be greater than {schema['exclusiveMinimum']}, got {number!r}"
    if "maximum" in schema and not number <= schema["maximum"]:
        return f"must be at most {schema['maximum']}, got {number!r}"
    return None


def _resolve(root: dict, ref: str) -> dict:
    found: Any = root
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _has_type(value: Any, types: str | list[str]) -> bool:
    """JSON Schema's types: an integer may be written 3.0; true is no number."""
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "number": _is_number,
        "integer": lambda v: _is_number(v) and (isinstance(v, int) or (math.isfinite(v) and v.is_integer())),
    }
    return any(checks[name](value) for name in ([types] if isinstance(types, str) else types))


def _same(value: Any, item: Any) -> bool:
    return value == item and isinstance(value, bool) == isinstance(item, bool) and (value is None) == (item is None)


_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "boolean": "true or false",
               "null": "null", "number": "a number", "integer": "an integer"}


def describe(schema: dict, root: dict) -> str:
    """What a schema accepts, in words ("one of off, on, error, … or a mapping")."""
    if "$ref" in schema:
        return describe(_resolve(root, schema["$ref"]), root)
    if "anyOf" in schema:
        # A pattern only widens an enum's spelling ("OFF"): the enum says it.
        words = [describe(alt, root) for alt in schema["anyOf"] if "pattern" not in alt]
        return " or ".join(dict.fromkeys(words))
    if "enum" in schema:
        return "one of " + ", ".join(default_text(item) for item in schema["enum"])
    types = schema.get("type", [])
    return " or ".join(_TYPE_WORDS[name] for name in ([types] if isinstance(types, str) else types))


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else default_text(value)


# --- regenerating the file -----------------------------------------------------------------------

def main(argv: list[str]) -> int:
    from postlint.registry import load_registry

    if argv not in ([], ["--check"]):
        print(f"usage: {REGENERATE} [--check]", file=sys.stderr)
        return 2
    registry = load_registry()
    if registry.errors:
        print("\n".join(registry.errors), file=sys.stderr)
        return 2
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.is_file() else ""
    return write_generated(SCHEMA_PATH, render(build(registry)), current, bool(argv), "the config schema", REGENERATE)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
