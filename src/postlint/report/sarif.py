"""`--format sarif`: a SARIF 2.1.0 log for code-scanning tools (GitHub code scanning and others).

`tool.driver.rules` describes every rule the run applied, with its documentation as help text;
each result points at its rule by id and index. Locations are relative to `%SRCROOT%`, the
folder postlint ran in (`originalUriBaseIds` gives it as an absolute URI).
`partialFingerprints["postlint/v1"]` hashes the file, the rule and the offending text, not the
line, so a finding keeps its identity when lines move. The same text can be at fault more than
once in a file (a phrase repeated, a link broken twice): the second and later occurrences, in
the order they stand in the file, add their occurrence number to the hash, so code scanning keeps
one alert per occurrence instead of merging them, and moving unrelated lines changes nothing.
A rule whose distribution names a documentation URL (`[project.urls] Documentation` in its
pyproject.toml) gets it as `helpUri`; every rule's full docs are in `help` either way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from postlint import __version__
from postlint.docs import is_yaml_rule, rule_doc
from postlint.engine.check import INTERNAL_ERROR, RunResult
from postlint.finding import Finding
from postlint.registry import Rule
from postlint.schema import is_builtin

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
INTERNAL_ERROR_HELP = ("A rule crashed on a file; the message names the rule. Not a finding in the post: "
                       "report it, and run with `--debug` for the traceback.")


def _what_it_does(doc: str) -> str:
    """The "## What it does" section of a rule's docs."""
    match = re.search(r"^## What it does\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""


@cache
def _distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


@cache
def _documentation_url(package: str) -> str | None:
    """The documentation URL the distribution of a top-level package declares (Project-URL
    `Documentation`, else `Homepage`)."""
    for name in _distributions().get(package, []):
        declared = dict(_project_url(entry) for entry in metadata.metadata(name).get_all("Project-URL") or [])
        if url := declared.get("documentation") or declared.get("homepage"):
            return url
    return None


def _project_url(entry: str) -> tuple[str, str]:
    """`"Documentation, https://…"` -> ("documentation", "https://…")."""
    label, _, url = entry.partition(",")
    return label.strip().lower(), url.strip()


def help_uri(rule: Rule) -> str | None:
    """The documentation URL of the distribution that ships the rule, if it declares one. A YAML
    rule from the user's own folder has none (its docs are in `help`)."""
    if is_builtin(rule):
        return _documentation_url("postlint")
    if is_yaml_rule(rule):
        return None
    return _documentation_url(rule.origin.partition(".")[0])


def _descriptor(rule: Rule) -> dict:
    summary = rule.summary or rule.name
    doc = rule_doc(rule) if rule.doc.strip() or rule.options else summary  # Options generated from metadata
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _what_it_does(doc) or summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVEL[rule.severity], "enabled": rule.enabled},
    }
    if (uri := help_uri(rule)) is not None:
        descriptor["helpUri"] = uri
    return descriptor


def _pseudo_descriptor(finding: Finding) -> dict:
    """A code no registered rule owns (PL001 internal-error)."""
    summary = "A rule crashed on this file." if (finding.code, finding.rule) == INTERNAL_ERROR else finding.rule
    return {
        "id": finding.code,
        "name": finding.rule,
        "shortDescription": {"text": summary},
        "help": {"text": INTERNAL_ERROR_HELP, "markdown": INTERNAL_ERROR_HELP},
        "defaultConfiguration": {"level": "error"},
    }


def _identity(finding: Finding) -> tuple[str, str, str]:
    return finding.path, finding.code, finding.fingerprint or finding.message


def fingerprint(finding: Finding, occurrence: int = 0) -> str:
    """The file, rule and offending text hashed; `occurrence` counts earlier findings with the same
    three in the file. The first occurrence hashes as it always has, so existing alerts keep theirs."""
    parts = _identity(finding) + ((str(occurrence),) if occurrence else ())
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def fingerprints(findings: list[Finding]) -> list[str]:
    """Each finding's fingerprint, occurrences numbered in file order (line, then column)."""
    seen: Counter[tuple[str, str, str]] = Counter()
    by_place = sorted(range(len(findings)), key=lambda i: (findings[i].path, findings[i].line, findings[i].column))
    found = [""] * len(findings)
    for i in by_place:
        identity = _identity(findings[i])
        found[i] = fingerprint(findings[i], seen[identity])
        seen[identity] += 1
    return found


def render(result: RunResult, rules: list[Rule], cwd: Path) -> str:
    descriptors = [_descriptor(rule) for rule in sorted(rules, key=lambda r: r.code)]
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    results = []
    for finding, print_ in zip(result.findings, fingerprints(result.findings)):
        if finding.code not in index:
            index[finding.code] = len(descriptors)
            descriptors.append(_pseudo_descriptor(finding))
        results.append({
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(finding.path), "uriBaseId": SRCROOT},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                },
            }],
            "partialFingerprints": {"postlint/v1": print_},
        })
    failed = bool(result.errors) or any(f.internal for f in result.findings)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "postlint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": descriptors,
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": cwd.resolve().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": not failed,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": error}} for error in result.errors
                ],
            }],
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
