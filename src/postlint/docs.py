"""Rule documentation generated from rule metadata: each rule's "## Options" section and README's
rules table. Option facts (kind, bounds, default, description) live only in the rules' `Option(...)`
declarations; a rule's docstring adds prose that is about no single option.

    python -m postlint.docs README.md           # rewrite the table between the markers
    python -m postlint.docs --check README.md   # exit 1 when the table is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from postlint.lazy_patterns import lazy_compile
from postlint.options import Option, _split_union
from postlint.registry import Registry, Rule

OPTIONS_HEADING = "## Options"
TABLE_START = "<!-- rules:start -->"
TABLE_END = "<!-- rules:end -->"
REGENERATE = "python -m postlint.docs README.md"

_KIND_WORDS = {"int": "integer", "number": "number", "str": "string", "bool": "boolean", "null": "null"}
_FENCE = lazy_compile(r"^\s*(```|~~~)")


# What the engine reports that is no rule's finding; `postlint explain` documents these too.
ENGINE_REPORTS = {
    "PL001": ("internal-error", """Severity: **error**, always: the run exits 2.

Not a rule but a report: postlint could not finish its work on a file, and says so on that file
instead of stopping the run. The message says what happened:

- a rule crashed on the file (the message names the rule and the exception; `--debug` shows the
  traceback);
- a plugin's rule ran over its time budget on the file (2 s of its own code per file; postlint's
  parsing is not counted);
- the process checking the file died (killed for memory, or a crash in C code);
- `--fix` did not write the file: it changed on disk while postlint checked it, the disk is full,
  or the post is a symbolic link to a file outside the site.

The other files are still checked. A baseline never records or hides this report: a crash is not a
finding to accept.

## What to do
Run again with `--debug` and report the traceback to the rule's authors (postlint's own rules or
the plugin the message names). For a file changed during `--fix`, run `--fix` again."""),
}


def engine_report_doc(key: str) -> str | None:
    """The documentation of the engine report with this code or name (None: there is none)."""
    for code, (name, doc) in ENGINE_REPORTS.items():
        if key.upper() == code or key.lower() == name:
            return f"# {code} {name}\n\n{doc}"
    return None


def kind_text(kind: str, plural: bool = False) -> str:
    """An option kind in words: `list[str]` is "list of strings", `str|null` "string or null"."""
    kind = kind.strip()
    if kind.startswith("list[") and kind.endswith("]"):
        return ("lists of " if plural else "list of ") + kind_text(kind[5:-1], plural=True)
    if kind.startswith("dict[") and kind.endswith("]"):
        key, _, value = kind[5:-1].partition(",")
        return ("mappings of " if plural else "mapping of ") + f"{kind_text(key, True)} to {kind_text(value, True)}"
    parts = _split_union(kind)
    if len(parts) > 1:
        return " or ".join(kind_text(part, plural) for part in parts)
    word = _KIND_WORDS.get(kind, kind)
    return word + "s" if plural and word != "null" else word


def default_text(value: Any) -> str:
    """A default as the user would write it in `.postlint.yaml` (YAML flow style)."""
    import yaml  # here: validating a config imports this module, and needs no YAML written

    text = yaml.safe_dump(value, default_flow_style=True, width=float("inf"), allow_unicode=True, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def option_line(option: Option) -> str:
    default = default_text(option.default)
    quoted = f"`` {default} ``" if "`" in default else f"`{default}`"
    kind = kind_text(option.kind)
    bounds = option.bounds_text()
    # A number's bounds follow its kind ("integer, at least 1"); those of the numbers inside a list
    # or mapping are left to its help text and to the config error that names them.
    if bounds and not option.kind.startswith(("list[", "dict[")):
        kind += f", {bounds}"
    return f"- `{option.name}` ({kind}, default {quoted}): {option.help}"


def _find_options(lines: list[str]) -> tuple[int, int] | None:
    """(heading line, end line) of the docstring's Options section; fenced code is not searched."""
    start = None
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        if start is None and line.strip() == OPTIONS_HEADING:
            start = number
        elif start is not None and re.match(r"#{1,6} ", line):
            return start, number
    return None if start is None else (start, len(lines))


def _prose(section: list[str], names: set[str]) -> str:
    """The section without per-option bullets (`- `name` …` and its indented continuation lines)
    and without a hand-written "None."."""
    kept: list[str] = []
    in_bullet = False
    for line in section:
        match = re.match(r"^[-*] `([^`]+)`", line)
        if match and match.group(1) in names:
            in_bullet = True
            continue
        if in_bullet and line[:1].isspace() and line.strip():
            continue
        in_bullet = False
        kept.append(line)
    text = "\n".join(kept).strip()
    return re.sub(r"^None\.\s*", "", text)


def options_section(rule: Rule) -> str:
    """The "## Options" section: one bullet per declared option, then the docstring's own prose."""
    lines = rule.doc.splitlines()
    found = _find_options(lines)
    prose = _prose(lines[found[0] + 1:found[1]], set(rule.options)) if found else ""
    if not rule.options:
        return f"{OPTIONS_HEADING}\nNone." + (f" {prose}" if prose else "")
    bullets = "\n".join(option_line(option) for option in rule.options.values())
    return f"{OPTIONS_HEADING}\n{bullets}" + (f"\n\n{prose}" if prose else "")


def rule_doc(rule: Rule) -> str:
    """The rule's full documentation, its Options section generated from `rule.options`."""
    lines = rule.doc.splitlines()
    found = _find_options(lines)
    section = options_section(rule)
    if found is None:
        return (rule.doc.rstrip() + "\n\n" + section).lstrip()
    before = "\n".join(lines[:found[0]]).rstrip()
    after = "\n".join(lines[found[1]:]).strip()
    return "\n\n".join(part for part in (before, section, after) if part)


def is_yaml_rule(rule: Rule) -> bool:
    return rule.origin.endswith((".yml", ".yaml"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_table(registry: Registry) -> str:
    """README's rules table: code, name, default severity (", off" for opt-in rules), summary."""
    rows = ["| code | name | default | what it finds |", "| --- | --- | --- | --- |"]
    for rule in registry.sorted():
        severity = rule.severity if rule.enabled else f"{rule.severity}, off"
        summary = rule.summary
        if is_yaml_rule(rule):
            summary = summary.removesuffix(".") + " (YAML rule)."
        rows.append(f"| {rule.code} | {rule.name} | {severity} | {_cell(summary)} |")
    return "\n".join(rows)


def replace_table(text: str, table: str) -> str:
    """`text` with everything between the rules-table markers replaced by `table`."""
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"no {TABLE_START} … {TABLE_END} markers")
    return text[:start + len(TABLE_START)] + "\n" + table + "\n" + text[end:]


def main(argv: list[str]) -> int:
    from postlint.registry import load_registry

    check = "--check" in argv
    paths = [arg for arg in argv if arg != "--check"]
    if len(paths) != 1:
        print("usage: python -m postlint.docs [--check] README.md", file=sys.stderr)
        return 2
    path = Path(paths[0])
    registry = load_registry()
    if registry.errors:
        print("\n".join(registry.errors), file=sys.stderr)
        return 2
    text = path.read_text(encoding="utf-8")
    try:
        updated = replace_table(text, rules_table(registry))
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    return write_generated(path, updated, text, check, "the rules table", REGENERATE)


def write_generated(path: Path, updated: str, current: str, check: bool, what: str, regenerate: str) -> int:
    """Write generated text (README's rules table, the config schema) unless it is unchanged;
    with `check`, only say that it is out of date (exit code 1)."""
    if updated == current:
        return 0
    if check:
        print(f"{path}: {what} is out of date; run `{regenerate}`", file=sys.stderr)
        return 1
    path.write_text(updated, encoding="utf-8")
    print(f"rewrote {what} in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
