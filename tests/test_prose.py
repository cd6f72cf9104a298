"""The readable text the copy, read-time and SEO rules work on (prose.py over Post.body)."""

from __future__ import annotations

from pathlib import Path

from postlint.engine.check import read_post
from postlint.jekyll.site import Site
from postlint.parse import prose
from postlint.parse.prose import reader_prose, sentences
from postlint.parse.words import unicode_pattern


def _post(tmp_path: Path, body: str):
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    path = tmp_path / "_posts" / "2024-01-01-post.md"
    path.write_text("---\ntitle: t\n---\n" + body, encoding="utf-8")
    return read_post(path, Site(tmp_path), tmp_path)


def test_inline_code_is_blanked_in_every_table_cell(tmp_path):
    post = _post(tmp_path, "| a | b | c |\n|---|---|---|\n| `one_x` | `two_y` | three `four_z` |\n")
    row = post.body.prose.split("\n")[5]
    assert row.split() == ["three"]


def test_comment_and_diagram_bodies_are_not_read(tmp_path):
    post = _post(tmp_path, (
        "Visible words here.\n\n"
        "{% comment %}\nHidden editor note.\n{% endcomment %}\n\n"
        "{% blockdiag %}\nblockdiag { A -> B; }\n{% endblockdiag %}\n\n"
        "{% if page.x %}\nShown when x.\n{% endif %}\n"
    ))
    assert reader_prose(post).split() == ["Visible", "words", "here.", "Shown", "when", "x."]
    assert [block.kind for block in post.blocks] == ["paragraph", "paragraph"]


def test_blocks_know_headings_cells_and_list_items(tmp_path):
    post = _post(tmp_path, "## Title\n\n* item one\n\n| h |\n|---|\n| cell |\n")
    assert [(b.kind, b.line, b.in_list, b.prose.strip()) for b in post.blocks] == [
        ("heading", 4, False, "Title"), ("paragraph", 6, True, "item one"),
        ("cell", 8, False, "h"), ("cell", 10, False, "cell"),
    ]


def test_sentences_keep_abbreviations_and_closing_quotes():
    text = "Sales vs. marketing, e.g. budgets. It said “done.” Then (quietly.) the end"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Sales vs. marketing, e.g. budgets.", "It said “done.”", "Then (quietly.)", "the end",
    ]


def test_sentences_whose_words_are_ascii_compile_no_regex_pattern(monkeypatch):
    """Curly quotes and dashes are the only characters outside ASCII in most English posts:
    splitting their sentences takes the stdlib twins (a `regex` pattern takes milliseconds to
    compile); a word outside ASCII takes the `regex` pattern, and the same sentences."""
    monkeypatch.delitem(vars(prose._LAST_WORD_REVERSED), "unicode", raising=False)  # compiled by an earlier test
    unicode_pattern.cache_clear()
    assert len(sentences("It’s “done” — e.g. twice… Dr. Li agrees. The end.")) == 3
    assert unicode_pattern.cache_info().currsize == 0
    assert len(sentences("It’s “done” — e.g. café… Dr. Lí agrees. The end.")) == 3
    assert unicode_pattern.cache_info().currsize > 0


def test_reference_labels_and_definitions_are_not_read(tmp_path):
    post = _post(tmp_path, (
        "See the [changelog][cl cl] and [notes][].\n\n"
        "{% include links.md %}\n"
        "[cl cl]: https://example.com/changelog\n"
        "[notes]: https://example.com/notes\n"
    ))
    assert reader_prose(post).split() == ["See", "the", "changelog", "and", "notes", "."]
    assert len(reader_prose(post)) == len(post.text)  # offsets stay exact
