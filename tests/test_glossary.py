"""cross-post-definition (CPY006): one term, one definition across the site's posts."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import run

from postlint.errors import ConfigError
from postlint.jekyll.definitions import _may_define

REVIEW = "_posts/2024-01-15-pipeline-review.md"
FORECAST = "_posts/2024-06-03-forecast-basics.md"


def site(tmp_path: Path, files: dict[str, str], config: str = "title: t\n", postlint: str = "") -> Path:
    (tmp_path / "_config.yml").write_text(config)
    if postlint:
        (tmp_path / ".postlint.yaml").write_text(postlint)
    for rel, body in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return tmp_path


def post(body: str, front: str = "") -> str:
    return f"---\ntitle: A post\n{front}---\n{body}\n"


def messages(root: Path, **kwargs) -> list[tuple[str, int, str]]:
    result, _ = run([root], select=["cross-post-definition"], jobs=1, **kwargs)
    assert not [f for f in result.findings if f.internal], result.findings
    return [(Path(f.path).name, f.line, f.message) for f in result.findings]


def test_drift_is_reported_on_both_posts_with_the_other_path_line_and_word_diff(tmp_path):
    root = site(tmp_path, {
        REVIEW: post("* **Win rate**: won deals divided by all opportunities."),
        FORECAST: post("Intro.\n\n* **Win rate**: won deals divided by qualified opportunities."),
    })
    assert messages(root) == [
        ("2024-01-15-pipeline-review.md", 4, f"'Win rate' is defined differently than in {FORECAST} line 6 (qualified → all)"),
        ("2024-06-03-forecast-basics.md", 6, f"'Win rate' is defined differently than in {REVIEW} line 4 (all → qualified)"),
    ]


def test_a_term_holding_liquid_is_named_as_written_and_found_by_a_one_post_run(tmp_path):
    """A bold term with Liquid in it was read from the text with Liquid blanked: its key was
    'xxxxxxxxxxxxxxxx score', which a one-post run's search of the other posts' text never
    finds, so a one-post run said nothing where a whole-site run reported the drift (and a
    cache could keep either answer). The term is now the text as written."""
    root = site(tmp_path, {
        REVIEW: post("* **{{ site.title }} score**: the rating a reviewer gives a call against the team rubric."),
        FORECAST: post("Intro.\n\n* **{{ site.title }} score**: the rating a reviewer gives a call against our team rubric."),
    })
    expected = ("2024-06-03-forecast-basics.md", 6,
                f"'{{{{ site.title }}}} score' is defined differently than in {REVIEW} line 4 (the → our)")
    assert expected in messages(root)
    result, _ = run([root / FORECAST], select=["cross-post-definition"], jobs=1)
    assert [(Path(f.path).name, f.line, f.message) for f in result.findings] == [expected]


def test_same_words_other_senses_labels_paragraphs_and_languages_are_not_reported(tmp_path):
    long = " ".join(["word"] * 45)
    root = site(tmp_path, {
        REVIEW: post("* **Win rate**: won deals divided by all opportunities.\n"
                     "* **Lead**: a contact who asked for a demo.\n"
                     "* **Warning**: numbers exclude renewals.\n"
                     f"* **Pipeline**: {long} one\n"),
        FORECAST: post("- **win rate:** Won deals, divided by *all* opportunities\n"
                       "- **Lead**: the rep who owns the account this quarter.\n"
                       "- **Warning**: numbers include renewals.\n"
                       f"- **Pipeline**: {long} two\n"),
        "_posts/2024-07-01-taux.md": post("* **Win rate** : affaires gagnées sur toutes les opportunités.", "lang: fr\n"),
    })
    assert messages(root) == []


def test_only_published_posts_are_compared_against(tmp_path):
    root = site(tmp_path, {
        REVIEW: post("* **Win rate**: won deals divided by all opportunities."),
        "_posts/2024-02-01-hidden.md": post("* **Win rate**: won deals divided by some opportunities.", "published: false\n"),
        "_posts/2099-01-01-later.md": post("* **Win rate**: won deals divided by few opportunities."),
        "_drafts/idea.md": post("* **Win rate**: won deals divided by open opportunities."),
    })
    found = messages(root)
    # the published post is never reported against the others; each of them is against it
    assert {name for name, _, _ in found} == {"2024-02-01-hidden.md", "2099-01-01-later.md", "idea.md"}
    assert all(REVIEW in message for _, _, message in found)


def test_the_earliest_other_definition_is_named(tmp_path):
    root = site(tmp_path, {
        "_posts/2024-03-01-c.md": post("* **Win rate**: won deals divided by open opportunities."),
        "_posts/2024-02-01-b.md": post("* **Win rate**: won deals divided by all opportunities."),
        "_posts/2024-01-01-a.md": post("* **Win rate**: won deals divided by all opportunities."),
    })
    found = {name: message for name, _, message in messages(root)}
    assert found["2024-03-01-c.md"].endswith("_posts/2024-01-01-a.md line 4 (all → open)")
    assert found["2024-01-01-a.md"].endswith("_posts/2024-03-01-c.md line 4 (open → all)")


def test_glossary_wins_over_other_posts(tmp_path):
    root = site(tmp_path, {
        "_data/glossary.yml": "# KPIs\nWin rate: Won deals divided by all opportunities.\n",
        REVIEW: post("* **Win rate**: won deals divided by all opportunities."),
        FORECAST: post("* **Win rate**: won deals divided by qualified opportunities."),
    }, postlint="rules:\n  cross-post-definition:\n    glossary: _data/glossary.yml\n")
    assert messages(root) == [("2024-06-03-forecast-basics.md", 4,
                               ("'Win rate' is defined differently than in the glossary _data/glossary.yml line 2 "
                               "(all → qualified)"))]


@pytest.mark.parametrize("content", [None, "- a list\n", "Win rate: [not, text]\n", "key: [unclosed\n"])
def test_a_missing_or_broken_glossary_is_a_config_error(tmp_path, content):
    files = {REVIEW: post("* **Win rate**: won deals divided by all opportunities.")}
    if content is not None:
        files["_data/glossary.yml"] = content
    root = site(tmp_path, files, postlint="rules:\n  cross-post-definition:\n    glossary: _data/glossary.yml\n")
    with pytest.raises(ConfigError, match="glossary"):
        run([root], select=["cross-post-definition"], jobs=1)


def test_one_post_run_parses_only_posts_that_may_define(tmp_path, monkeypatch):
    from postlint.parse import definitions

    files = {REVIEW: post("* **Win rate**: won deals divided by all opportunities.")}
    files.update({f"_posts/2024-02-{day:02d}-plain.md": post("No terms here, only prose.") for day in range(1, 20)})
    root = site(tmp_path, files)
    parsed = []
    real = definitions.find_definitions
    monkeypatch.setattr(definitions, "find_definitions", lambda p: parsed.append(p.rel) or real(p))
    run([root / REVIEW], select=["cross-post-definition"], jobs=1)
    assert parsed == [REVIEW]


def test_cache_notices_another_posts_definition_changing(tmp_path):
    root = site(tmp_path, {
        REVIEW: post("* **Win rate**: won deals divided by all opportunities."),
        FORECAST: post("* **Win rate**: won deals divided by all opportunities."),
    })

    def both() -> tuple[list, list]:
        warm = messages(root, use_cache=True)
        assert warm == messages(root, use_cache=False)
        return warm

    assert both() == []
    other = root / FORECAST
    other.write_text(other.read_text().replace("all opportunities", "qualified opportunities"))
    assert [name for name, _, _ in both()] == ["2024-01-15-pipeline-review.md", "2024-06-03-forecast-basics.md"]
    other.write_text(other.read_text().replace("qualified opportunities", "all opportunities"))
    assert both() == []


@pytest.mark.parametrize("written, defined", [
    ("**max_connections**", "max_connections"),  # the term key drops the underscore
    ("<dl><dt>Caf&eacute;</dt><dd>", "Café"),  # a <dt> term is read with its entities decoded
])
def test_a_one_post_run_finds_terms_written_with_markup_or_entities_in_the_other_post(tmp_path, written, defined):
    """The one-post run skips a post whose text lacks the term's longest word: it must look for
    it as the term key is made, or it answers differently from a run that knows the other
    post's definitions from the cache."""
    other = f"{written}: all spend on research in the quarter." if "<dt>" not in written else \
        f"{written}all spend on research in the quarter.</dd></dl>"
    mine = f"**{defined}**: qualified spend on research in the quarter."
    root = site(tmp_path, {REVIEW: post(other), FORECAST: post(mine)})
    (one,) = [m for m in messages(root) if m[0] == Path(FORECAST).name]
    result, _ = run([root / FORECAST], select=["cross-post-definition"], jobs=1)
    assert [(Path(f.path).name, f.line, f.message) for f in result.findings] == [one]
    assert REVIEW in one[2]


@pytest.mark.parametrize(("text", "may"), [
    (": a kramdown definition on the first line", True),
    ("Term\n   : a definition three spaces in", True),
    ("Term\n    : four spaces in is code", False),
    ("Term\n:no space after the colon", False),
    ("**Churn:** the share of customers lost", True),
    ("**Churn**: the share of customers lost", True),
    ("__Churn__ \t: the share of customers lost", True),
    ("<DL><DT>Churn</DT>", True),
    ("A ratio: **bold** words, https://example.com and 10:30", False),
])
def test_which_texts_may_hold_a_definition(text, may):
    """Only posts whose text may hold a definition are parsed for the site's definitions."""
    site = SimpleNamespace(whole_post=lambda rel: SimpleNamespace(text=text))
    assert _may_define(site, "_posts/2024-01-01-a.md") is may
