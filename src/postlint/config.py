"""`.postlint.yaml`: discovery, validation and the rule settings a run uses.

Every mistake in a config is a ConfigError with a message naming the file and the key, which the
CLI turns into exit code 2: a CI gate must never run with a half-understood config.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from postlint.digest import digest
from postlint.errors import ConfigError, YamlError
from postlint.finding import SEVERITIES
from postlint.options import Option
from postlint.parse.frontmatter import load_yaml
from postlint.record import Record
from postlint.registry import Registry, Rule, load_registry

CONFIG_NAME = ".postlint.yaml"
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024

SITE_OPTIONS = {
    option.name: option
    for option in (
        Option("images_dir", "str", "assets/images", "Folder (from the site root) holding the images that front matter names."),
        Option("future", "bool|null", None, "Count future-dated posts as published (default: _config.yml's `future`)."),
        Option("languages", "list[str]|null", None,
               "The languages of the site's language folders (`[de, pt-br]`: a post under `de/` or `_posts/de/` is "
               "German). Default: _config.yml's `languages:` (jekyll-polyglot); `[]` reads no language from folders."),
    )
}
TOP_LEVEL = {
    "site": "site settings (images_dir, future, languages)",
    "rules": "rule settings by name or code",
    "yaml_rules": "folders of your own YAML rules",
    "exclude": "files not to lint: .gitignore patterns from the site root",
    "fail_on": "lowest severity that fails the run: error, warning or info",
    "max_file_size": "bytes; larger files are reported and skipped",
}


class Config(Record):
    """`.postlint.yaml` as a run uses it: site settings, rule settings, YAML rule folders, exclusions."""
    __slots__ = ("path", "site", "rules", "yaml_rule_dirs", "exclude", "fail_on", "max_file_size", "source",
                 "source_digest", "exclude_spec", "base_files")

    path: Path | None
    site: dict[str, Any]
    rules: dict[str, Any]
    yaml_rule_dirs: list[Path]
    exclude: list[str]
    fail_on: str | None
    max_file_size: int
    source: bytes  # the config file as read (the site model reuses it)
    source_digest: str  # of those bytes: part of every cache key
    exclude_spec: Any  # `exclude` compiled (a pathspec.GitIgnoreSpec); None when empty
    base_files: dict[Path, bytes | None]  # files it names, as the merge base has them (gate.py; None: absent)

    def __init__(self, path: Path | None = None, site: dict[str, Any] | None = None,
                 rules: dict[str, Any] | None = None, yaml_rule_dirs: list[Path] | None = None,
                 exclude: list[str] | None = None, fail_on: str | None = None,
                 max_file_size: int = DEFAULT_MAX_FILE_SIZE, source: bytes = b"", source_digest: str = "",
                 exclude_spec: Any = None) -> None:
        self.path = path
        self.site = {k: o.default for k, o in SITE_OPTIONS.items()} if site is None else site
        self.rules = {} if rules is None else rules
        self.yaml_rule_dirs = [] if yaml_rule_dirs is None else yaml_rule_dirs
        self.exclude = [] if exclude is None else exclude
        self.fail_on = fail_on
        self.max_file_size = max_file_size
        self.source = source
        self.source_digest = source_digest
        self.exclude_spec = exclude_spec
        self.base_files = {}

    def is_excluded(self, rel: str) -> bool:
        """Does `exclude` leave out the file at `rel` (from the site root, "/" separators)?"""
        return self.exclude_spec is not None and self.exclude_spec.match_file(rel)


class RuleSetting(Record):
    """A rule as this run applies it."""
    __slots__ = ("rule", "severity", "options")

    rule: Rule
    severity: str
    options: dict[str, Any]

    def __init__(self, rule: Rule, severity: str, options: dict[str, Any]) -> None:
        self.rule = rule
        self.severity = severity
        self.options = options


def config_candidates(start: Path) -> list[Path]:
    """Where a .postlint.yaml for `start` may be, nearest first: its folder and each above."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    return [candidate / CONFIG_NAME for candidate in (folder, *folder.parents)]


def find_config(start: Path) -> Path | None:
    """The nearest .postlint.yaml at or above `start`."""
    return next((path for path in config_candidates(start) if path.is_file()), None)


def load_config(path: Path | None, data: bytes | None = None,
                folder_exists: Callable[[Path], bool] = Path.is_dir) -> Config:
    """The config in the file at `path` (its bytes `data` when already at hand: the merge base's,
    see gate.py; `folder_exists` then says whether a yaml_rules folder existed there)."""
    if path is None:
        return Config()
    where = str(path)
    try:
        data = path.read_bytes() if data is None else data
        raw = load_yaml(data.decode("utf-8-sig"), path.name, unique_keys=True)  # PyYAML raises ValueError on 2023-02-30
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read config: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: config is not UTF-8 text") from None
    except YamlError as exc:
        raise ConfigError(f"{where}: invalid YAML: {exc}") from None
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the config must be a mapping of settings, not a {type(raw).__name__}")
    config = Config(path=path, source=data, source_digest=digest(data))
    for key in raw:
        if key not in TOP_LEVEL:
            known = ", ".join(TOP_LEVEL)
            raise ConfigError(f"{where}: unknown key '{key}' (known keys: {known})")
    site = raw.get("site") or {}
    if not isinstance(site, dict):
        raise ConfigError(f"{where}: 'site' must be a mapping")
    for key, value in site.items():
        option = SITE_OPTIONS.get(key)
        if option is None:
            raise ConfigError(f"{where}: unknown key 'site.{key}' (known: {', '.join(SITE_OPTIONS)})")
        if (problem := option.check(value)) is not None:
            raise ConfigError(f"{where}: site.{problem}")
        config.site[key] = value
    rules = raw.get("rules") or {}
    if not isinstance(rules, dict):
        raise ConfigError(f"{where}: 'rules' must be a mapping of rule names or codes to settings")
    config.rules = rules
    config.yaml_rule_dirs = [path.parent / str(d) for d in _string_list(raw, "yaml_rules", where)]
    home = os.path.realpath(path.parent)
    for folder in config.yaml_rule_dirs:
        real = os.path.realpath(folder)
        if real != home and not real.startswith(home + os.sep):
            raise ConfigError(f"{where}: yaml_rules folder '{folder}' is outside the folder of the config; "
                              "rules are read from inside it only")
        if not folder_exists(folder):
            raise ConfigError(f"{where}: yaml_rules folder '{folder}' does not exist")
    config.exclude = _string_list(raw, "exclude", where)
    config.exclude_spec = _exclude_spec(config.exclude, where)
    fail_on = raw.get("fail_on")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise ConfigError(f"{where}: 'fail_on' must be one of {', '.join(SEVERITIES)}, got {fail_on!r}")
    config.fail_on = fail_on
    size = raw.get("max_file_size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
        raise ConfigError(f"{where}: 'max_file_size' must be a positive number of bytes")
    config.max_file_size = size
    _check_schema(raw, config, where)
    return config


def _check_schema(raw: dict, config: Config, where: str) -> None:
    """The config against the shipped JSON Schema, which editors check too. The checks above (and
    resolve_rules' for rule settings, which know plugin and YAML rules) say what is wrong in the
    user's words; the schema catches what they let through."""
    # Imported here: the schema module is built from this module's settings.
    from postlint.schema import first_error

    found = first_error(raw)
    if found is None:
        return
    path, problem = found
    if path[:1] == ["rules"]:
        resolve_rules(config, load_registry(config.yaml_rule_dirs))  # raises with the rule's own words
    raise ConfigError(f"{where}: {'.'.join(path)}: {problem}")


def _string_list(raw: dict, key: str, where: str) -> list[str]:
    value = raw.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return value


def _exclude_spec(patterns: list[str], where: str) -> Any:
    """`exclude` as .gitignore reads patterns: `_drafts` and `_drafts/` leave out the folder at any
    depth, `/x` anchors at the site root, `**` spans folders, a later `!pattern` takes files back."""
    if not patterns:
        return None
    import pathspec  # only sites that exclude something pay for the import

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except ValueError as exc:
        raise ConfigError(f"{where}: 'exclude': {exc}") from None


def _is_off(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "off")


def resolve_rules(config: Config, registry: Registry, select: list[str] = (), ignore: list[str] = ()) -> list[RuleSetting]:
    """The rules this run applies, with their severities and options, in code order."""
    where = str(config.path) if config.path else "command line"

    def lookup(selector: str, context: str) -> list[Rule]:
        found = registry.select(selector)
        if not found:
            raise ConfigError(f"{context}: unknown rule '{selector}' (see `postlint rules`)")
        return found

    enabled = {rule.code: rule.enabled for rule in registry.rules.values()}
    severities = {rule.code: rule.severity for rule in registry.rules.values()}
    options = {rule.code: rule.defaults() for rule in registry.rules.values()}
    for key, value in config.rules.items():
        for rule in lookup(str(key), f"{where}: rules"):
            context = f"{where}: rules.{key}"
            if _is_off(value):
                enabled[rule.code] = False
                continue
            if value is True or (isinstance(value, str) and value.lower() == "on") or value is None:
                enabled[rule.code] = True
                continue
            if isinstance(value, str) and value in SEVERITIES:
                enabled[rule.code], severities[rule.code] = True, value
                continue
            if not isinstance(value, dict):
                raise ConfigError(f"{context}: expected off, on, a severity or a mapping of options, got {value!r}")
            enabled[rule.code] = True
            for name, setting in value.items():
                if name == "severity":
                    if _is_off(setting):
                        enabled[rule.code] = False
                    elif setting in SEVERITIES:
                        severities[rule.code] = setting
                    else:
                        raise ConfigError(f"{context}: severity must be one of {', '.join(SEVERITIES)} or off, got {setting!r}")
                    continue
                if name in ("off", False, "enabled"):
                    enabled[rule.code] = (setting is not True) if name != "enabled" else bool(setting)
                    continue
                option = rule.options.get(str(name))
                if option is None:
                    known = ", ".join(["severity", *rule.options]) or "severity"
                    raise ConfigError(f"{context}: unknown option '{name}' for {rule.code} {rule.name} (known: {known})")
                if (problem := option.check(setting)) is not None:
                    raise ConfigError(f"{context}: {problem}")
                options[rule.code][str(name)] = setting
    if select:
        chosen = {rule.code for selector in select for rule in lookup(selector, "--select")}
        enabled = {code: code in chosen for code in enabled}
    for selector in ignore:
        for rule in lookup(selector, "--ignore"):
            enabled[rule.code] = False
    return [
        RuleSetting(rule, severities[rule.code], options[rule.code])
        for rule in registry.sorted()
        if enabled[rule.code]
    ]
