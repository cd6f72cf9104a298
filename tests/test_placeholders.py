"""placeholder-text (STY001): placeholders left standing, not placeholders being talked about."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_links import findings, make_site, post


def _found(tmp_path: Path, body: str, extra: str = "", config: str = "") -> list[tuple[int, int, str]]:
    files = {"_posts/2024-01-01-x.md": post(extra=extra, body=body)}
    if config:
        files[".postlint.yaml"] = config
    root = make_site(tmp_path, files)
    return [(line, column, message) for _, line, column, _, message in findings(root, "placeholder-text")]


@pytest.mark.parametrize("body", [
    "TODO: add the churn chart.",
    "FIXME(ana): check the win rates.",
    "* TODO - ask sales for the Q3 numbers",
    "**TODO**",
    "The forecast [TODO add chart] shows growth.",
    "Our enterprise plan starts at TBD per seat.",
    "Pricing: [TBD]",
    "The launch webinar is on XXX.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "Lorem ipsum.",
    "Churn fell by half [citation needed].",
    "See [Insert link to the pricing page] for details.",
])
def test_leftovers_are_reported(tmp_path, body):
    assert len(_found(tmp_path, body)) == 1


@pytest.mark.parametrize("body", [
    "Keep your security “TODO” list short.",
    'The report listed the missing pages as "TBD" for a month.',
    'The printer returned _"TODO: Implement"_ as expected.',
    "An example of fake text is the famous Lorem Ipsum text.",
    "Replace “lorem ipsum” with real words early.",
    'Designers still paste "Lorem ipsum dolor sit amet" into mockups.',
    "Honestly, the roadmap is still a bit TBD.",
    "A TODO list and FIXME comments keep the team honest.",
    "Use `TODO:` markers in code, not in posts.",
    "```\n# TODO: remove this\nprice = TBD\n```",
    "{% comment %} TODO: swap the link when the guide ships {% endcomment %}",
    "<!-- TODO: add a note about pricing -->",
    "| Webinar | Date |\n|---|---|\n| Pipeline review | TBD |",
    "Phone numbers look like XXX-XXX-XXXX here.",
    "TODOs pile up; TBDs too.",
])
def test_mentions_are_not_reported(tmp_path, body):
    assert _found(tmp_path, body) == []


def test_position_and_message(tmp_path):
    assert _found(tmp_path, "Intro.\n\nSeats cost TBD each.") == [
        (6, 12, "placeholder 'TBD' stands where the post should give a value; readers see an unfinished page "
                "(fill it in, or quote it if you mean the word)")]


def test_filler_is_reported_once_per_paragraph(tmp_path):
    body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, dolor sit amet.\n\nDolor sit amet again."
    assert [line for line, _, _ in _found(tmp_path, body)] == [4, 6]


def test_front_matter_fields(tmp_path):
    got = _found(tmp_path, "Body.", extra="description: TBD\nexcerpt: 'TODO: write the excerpt'\n")
    assert got == [
        (3, 14, "front-matter 'description' is only the placeholder 'TBD'; write the real description"),
        (4, 10, "front-matter 'excerpt': note to self 'TODO' left in text readers see; do it and remove the note"),
    ]


def test_a_description_that_names_a_marker_is_fine(tmp_path):
    assert _found(tmp_path, "Body.", extra='description: How a "TODO" column keeps the pipeline honest\n') == []


def test_degree_words_count_only_in_english(tmp_path):
    assert _found(tmp_path, "Le calendrier reste a bit TBD.", extra="lang: fr\n") != []


def test_markers_are_configurable(tmp_path):
    config = "rules:\n  placeholder-text: {value_markers: [TK], note_markers: [], bracketed: [], fields: []}\n"
    got = _found(tmp_path, "Revenue grew TK percent. TODO: check. [citation needed]", extra="description: TBD\n",
                 config=config)
    assert [column for _, column, _ in got] == [14]
