"""Inline suppression comments and the front-matter `postlint: {ignore: …}` key."""

from __future__ import annotations

from pathlib import Path

from helpers import run

BODY = "Our price is TBD.\n"  # STY001 placeholder-text fires on "TBD"


def lint_post(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    (tmp_path / "_config.yml").write_text("title: t\n")
    post = tmp_path / "_posts" / "2024-01-01-p.md"
    post.parent.mkdir(exist_ok=True)
    post.write_text(text)
    result, _ = run([post], select=["STY001", "FM002"])
    return [(f.line, f.code) for f in result.findings]


FRONT = "---\ntitle: T\n---\n"


def test_unsuppressed_baseline(tmp_path):
    assert lint_post(tmp_path, FRONT + BODY) == [(4, "STY001")]


def test_disable_and_enable_region(tmp_path):
    text = FRONT + "<!-- postlint-disable placeholder-text -->\n" + BODY + "<!-- postlint-enable placeholder-text -->\n" + BODY
    assert lint_post(tmp_path, text) == [(7, "STY001")]


def test_disable_without_rule_disables_all(tmp_path):
    text = FRONT + "<!-- postlint-disable -->\n" + BODY + BODY
    assert lint_post(tmp_path, text) == []


def test_disable_other_rule_does_not_hide(tmp_path):
    text = FRONT + "<!-- postlint-disable FM002 -->\n" + BODY
    assert lint_post(tmp_path, text) == [(5, "STY001")]


def test_disable_next_line_by_code(tmp_path):
    text = FRONT + "<!-- postlint-disable-next-line STY001 -->\n" + BODY + BODY
    assert lint_post(tmp_path, text) == [(6, "STY001")]


def test_disable_line_by_prefix(tmp_path):
    text = FRONT + "Our price is TBD. <!-- postlint-disable-line STY -->\n" + BODY
    assert lint_post(tmp_path, text) == [(5, "STY001")]


def test_disable_file(tmp_path):
    text = FRONT + BODY + "<!-- postlint-disable-file placeholder-text -->\n" + BODY
    assert lint_post(tmp_path, text) == []


def test_front_matter_ignore(tmp_path):
    text = "---\ntitle: T\npostlint:\n  ignore: [STY001]\n---\n" + BODY
    assert lint_post(tmp_path, text) == []


def test_comment_inside_code_is_not_a_directive(tmp_path):
    text = FRONT + "```html\n<!-- postlint-disable -->\n```\n\n" + BODY
    assert lint_post(tmp_path, text) == [(8, "STY001")]
