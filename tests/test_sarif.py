"""SARIF: one fingerprint per occurrence of repeated text, stable when other lines move; helpUri
from the documentation URL the rule's distribution declares."""

from __future__ import annotations

import json
from collections import Counter

from typer.testing import CliRunner

from postlint.cli import app
from postlint.finding import Finding
from postlint.registry import Rule, load_registry
from postlint.report import sarif

runner = CliRunner()


def _finding(line: int, text: str = "2023-01-01-gone", path: str = "_posts/p.md") -> Finding:
    return Finding(path, line, 5, "LNK001", "post-url-target", "error", f"no post {text}", fingerprint=text)


def test_repeated_text_gets_one_fingerprint_per_occurrence():
    findings = [_finding(3), _finding(9), _finding(12), _finding(4, "other"), _finding(3, path="_posts/q.md")]
    prints = sarif.fingerprints(findings)
    assert len(set(prints)) == len(findings)
    # The first occurrence keeps the fingerprint it always had: existing alerts stay open, not reopened.
    assert prints[0] == sarif.fingerprint(findings[0]) and prints[3] == sarif.fingerprint(findings[3])
    assert prints[4] == sarif.fingerprint(findings[4])


def test_fingerprints_survive_moved_lines_and_report_order():
    findings = [_finding(3), _finding(9), _finding(4, "other")]
    moved = [finding.replace(line=finding.line + 20) for finding in findings]  # a paragraph added above
    assert sarif.fingerprints(moved) == sarif.fingerprints(findings)
    assert sarif.fingerprints(findings[::-1]) == sarif.fingerprints(findings)[::-1]


def test_a_site_with_a_link_broken_twice_has_no_merged_alerts(tmp_path, monkeypatch):
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: Pipeline notes\n", encoding="utf-8")
    link = "[last quarter's review]({% post_url 2023-01-01-q4-review %})"
    (tmp_path / "_posts" / "2024-02-01-q1-review.md").write_text(
        f"---\ntitle: Q1 review\n---\nSee {link}.\n\nThe numbers in {link} still hold.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [".", "--format", "sarif", "--select", "post-url-target", "--no-cache"])
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert len(results) == 2
    keys = Counter((r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                    r["partialFingerprints"]["postlint/v1"]) for r in results)
    assert max(keys.values()) == 1


def test_help_uri_is_the_declared_documentation_url(monkeypatch):
    registry = load_registry()
    builtin = registry.get("post-url-target")
    wordiness = registry.get("wordiness")  # a YAML rule postlint ships
    own = Rule("HSE001", "house-style", "warning", lambda *a: [], "Ours.", origin="/blog/styles/house.yml")
    plugin = Rule("ACM001", "acme-rule", "warning", lambda *a: [], "Theirs.", origin="acme_rules.seo")
    assert "helpUri" not in sarif._descriptor(builtin)  # no distribution declares one here
    monkeypatch.setattr(sarif, "_documentation_url",
                        {"postlint": "https://docs.example/postlint", "acme_rules": "https://acme.example/rules"}.get)
    assert sarif._descriptor(builtin)["helpUri"] == "https://docs.example/postlint"
    assert sarif._descriptor(wordiness)["helpUri"] == "https://docs.example/postlint"
    assert sarif._descriptor(plugin)["helpUri"] == "https://acme.example/rules"
    assert "helpUri" not in sarif._descriptor(own)


def test_project_urls_are_read_from_distribution_metadata():
    assert sarif._project_url("Documentation, https://example.org/docs") == ("documentation", "https://example.org/docs")
