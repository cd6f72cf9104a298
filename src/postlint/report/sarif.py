"""`--format sarif`: a SARIF 2.1.0 log for code-scanning tools (GitHub code scanning and others).

`tool.driver.rules` describes every rule the run applied, with its documentation as help text;
each result points at its rule by id and index. Locations are relative to `%SRCROOT%`, the
folder postlint ran in (`originalUriBaseIds` gives it as an absolute URI).
`partialFingerprints["postlint/v1"]` hashes the file, the rule and the offending text, not the
line, so a finding keeps its identity when lines move.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

from postlint import __version__
from postlint.docs import rule_doc
from postlint.engine.check import INTERNAL_ERROR, RunResult
from postlint.finding import Finding
from postlint.registry import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"
INTERNAL_ERROR_HELP = ("A rule crashed on a file; the message names the rule. Not a finding in the post: "
                       "report it, and run with `--debug` for the traceback.")


def _what_it_does(doc: str) -> str:
    """The "## What it does" section of a rule's docs."""
    match = re.search(r"^## What it does\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""


def _descriptor(rule: Rule) -> dict:
    summary = rule.summary or rule.name
    doc = rule_doc(rule) if rule.doc.strip() or rule.options else summary  # Options generated from metadata
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _what_it_does(doc) or summary},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVEL[rule.severity], "enabled": rule.enabled},
    }


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


def fingerprint(finding: Finding) -> str:
    key = "\0".join((finding.path, finding.code, finding.fingerprint or finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def render(result: RunResult, rules: list[Rule], cwd: Path) -> str:
    descriptors = [_descriptor(rule) for rule in sorted(rules, key=lambda r: r.code)]
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    results = []
    for finding in result.findings:
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
            "partialFingerprints": {"postlint/v1": fingerprint(finding)},
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
