"""A post's language (Site.language): front matter, declared language folders, _config.yml."""

from __future__ import annotations

import pytest

from postlint.jekyll.languages import (
    declared_languages,
    folder_language,
    language_of,
    primary_subtag,
)
from postlint.jekyll.site import Site

POLYGLOT = {"languages": [{"code": "de", "name": "German"}, {"code": "hi"}, "pt-BR"], "lang": "en-US"}


@pytest.mark.parametrize(("value", "subtag"), [("en-US", "en"), ("pt_BR", "pt"), (" DE ", "de"), ("", ""), (None, ""), (3, "")])
def test_primary_subtag(value, subtag):
    assert primary_subtag(value) == subtag


def test_declared_languages_take_codes_and_polyglot_mappings():
    assert declared_languages(POLYGLOT) == {"de", "hi", "pt-br"}
    assert declared_languages({"languages": "de"}) == frozenset()
    assert declared_languages({}) == frozenset()


@pytest.mark.parametrize(("rel", "language"), [
    ("de/news/_posts/2024-01-01-x.md", "de"),
    ("_posts/hi/2024-01-01-x.md", "hi"),
    ("_posts/pt-BR/2024-01-01-x.md", "pt"),
    ("_posts/it/2024-01-01-x.md", ""),  # `it` is not declared: an ordinary folder
    ("_posts/2024-01-01-de.md", ""),  # the file name is no folder
    ("_posts/deutsch/2024-01-01-x.md", ""),
])
def test_folder_language_needs_a_declared_language(rel, language):
    assert folder_language(rel, declared_languages(POLYGLOT)) == language


def test_order_front_matter_then_folder_then_config_then_english():
    assert language_of({"lang": "fr"}, "_posts/de/2024-01-01-x.md", POLYGLOT) == "fr"
    assert language_of({}, "_posts/de/2024-01-01-x.md", POLYGLOT) == "de"
    assert language_of({}, "_posts/2024-01-01-x.md", POLYGLOT) == "en"
    assert language_of({}, "_posts/it/2024-01-01-x.md", {"lang": "es"}) == "es"
    assert language_of({}, "_posts/2024-01-01-x.md", {"default_lang": "ja"}) == "ja"
    assert language_of({"lang": 7}, "", {}) == "en"


def test_site_reads_declared_languages_from_config_yml(tmp_path):
    (tmp_path / "_config.yml").write_text("languages: [en, vi]\n", encoding="utf-8")
    site = Site(tmp_path)
    assert site.language({}, "_posts/vi/2024-01-01-x.md") == "vi"
    assert not site.is_english({}, "_posts/vi/2024-01-01-x.md")
    assert site.is_english({}, "_posts/go/2024-01-01-x.md")
    assert site.language({"lang": "de-AT"}) == "de"


def test_postlint_yaml_names_the_language_folders(tmp_path):
    """`site.languages` in .postlint.yaml declares the folders when _config.yml does not (or
    overrides it): a German post in `_posts/de/` is judged as German."""
    from helpers import run

    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "_posts" / "de").mkdir(parents=True)
    (tmp_path / "_posts" / "de" / "2024-01-01-bericht.md").write_text(
        "---\ntitle: Bericht\n---\nWir haben die die Zahlen des Quartals geprüft.\n", encoding="utf-8")
    english, _ = run([tmp_path], select=["repeated-word"])
    assert [f.message for f in english.findings] == ["'die' is repeated: 'die die'"]
    (tmp_path / ".postlint.yaml").write_text("site:\n  languages: [de]\n", encoding="utf-8")
    german, _ = run([tmp_path], select=["repeated-word"])
    assert german.findings == []
    assert language_of({}, "_posts/de/x.md", {"languages": ["de"]}, []) == "en", "[] reads no language from folders"
