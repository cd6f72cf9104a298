"""A post's `categories` that Jekyll cannot read (front-matter-invalid), reported once, and the
forms Jekyll reads without complaint, which no front-matter rule reports as unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run


def make_post(tmp_path: Path, front: str, folder: str = "_posts") -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / folder).mkdir(exist_ok=True)
    post = tmp_path / folder / ("2024-01-01-post.md" if folder == "_posts" else "post.md")
    post.write_text(f"---\ntitle: A post\ndate: 2024-01-01\n{front}---\nBody.\n", encoding="utf-8")
    return post


def front_matter_findings(post: Path) -> list[tuple[int, str, str]]:
    result, _ = run([post], select=["FM"])
    return [(f.line, f.code, f.message) for f in result.findings]


# Each value Jekyll 4.3 fails on ("could not read file ...: no implicit conversion of X into Array").
UNREADABLE = [
    ("categories: 2024\n", "a number (2024)", "Integer"),
    ("categories: 2.5\n", "a number (2.5)", "Float"),
    ("categories: false\n", "a boolean (False)", "false"),
    ("categories: 2024-02-11\n", "a date (2024-02-11)", "Date"),
    ("categories: 2024-02-11 10:30:00\n", "a datetime (2024-02-11 10:30:00)", "Time"),
    ("categories:\n  team: offsite\n", "a mapping", "Hash"),
]


@pytest.mark.parametrize(("front", "described", "ruby_class"), UNREADABLE)
@pytest.mark.parametrize("folder", ["_posts", "_drafts"])
def test_categories_jekyll_cannot_read_are_one_front_matter_invalid_finding(tmp_path, front, described, ruby_class, folder):
    [(line, code, message)] = front_matter_findings(make_post(tmp_path, front, folder))
    assert (line, code) == (4, "FM001")  # not also a front-matter-schema finding on the same key
    assert f"'categories' is {described}" in message
    assert f"no implicit conversion of {ruby_class} into Array" in message
    assert "junk URL" in message


@pytest.mark.parametrize("front", [
    "categories: Reports Quarterly\n",  # a text: split on spaces
    "categories: [Reports, Quarterly]\n",
    "categories: []\n",
    "categories:\n",
    "category: 2024\n",  # the singular key is never merged: Jekyll makes it the text "2024"
])
def test_categories_jekyll_reads_are_not_reported(tmp_path, front):
    assert front_matter_findings(make_post(tmp_path, front)) == []


def test_a_list_with_a_number_is_still_a_schema_finding(tmp_path):
    # Jekyll reads it, but ends up with both 2024 and "2024" among the post's categories.
    [(line, code, message)] = front_matter_findings(make_post(tmp_path, "categories: [2024, Reports]\n"))
    assert (line, code) == (4, "FM003")
    assert "list with non-text items" in message
