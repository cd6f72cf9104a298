"""read-time (RT001): the word count behind the formula, and --fix that edits one value only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run

from postlint.engine.check import read_post
from postlint.jekyll.site import Site
from postlint.rules.readtime import read_time, stated_minutes

# 44 words a reader reads, in two paragraphs with markup, a link, inline code and Liquid.
BODY = (
    "Coaching works when it is **regular**, specific and tied to a number the rep cares about.\n"
    "Start with one [recorded call](https://example.com/calls/recorded) a week per rep `--weekly`.\n"
    "\n"
    "Pick calls where the deal moved. {% include note.html text=\"not read\" %} A call where nothing\n"
    "happened teaches little. Write down one thing to change.\n"
)


def make_site(tmp_path: Path, front: str, body: str = BODY, newline: str = "\n", bom: bool = False,
              config: str = "") -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    if config:
        (tmp_path / ".postlint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    post = tmp_path / "_posts" / "2024-01-01-post.md"
    text = f"---\ntitle: A post\n{front}---\n{body}".replace("\n", newline)
    post.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return post


def load(path: Path):
    return read_post(path, Site(path.parents[1]), path.parent)


def test_words_are_what_a_reader_reads(tmp_path):
    extra = (
        "\n```python\nfor every_word in code_blocks: never_counted()\n```\n\n"
        "<div class=\"note\">\n\n## A heading counts\n\n</div>\n\n"
        "{% comment %}\nan editor's aside that never renders\n{% endcomment %}\n"
        "![an alt text is not read as text](/chart.png)\n"
    )
    post = load(make_site(tmp_path, "time_read: 1 min\n", BODY + extra))
    words = post.body.prose.split()
    assert "https" not in " ".join(words) and "include" not in words and "--weekly" not in words
    computed = read_time(post, 238, 0, 500)
    assert computed.words == 44 + 3  # + "A heading counts"
    assert computed.images == 1


def test_formula_rounds_to_the_nearest_minute_with_images(tmp_path):
    post = load(make_site(tmp_path, "time_read: 1 min\n"))
    (tmp_path / "img").mkdir()
    with_image = load(make_site(tmp_path / "img", "time_read: 1 min\n", BODY + "\n![A chart](/chart.png)\n"))
    assert read_time(with_image, 22, 30, 500).exact == pytest.approx(2.5)
    assert read_time(post, 238, 0, 500).minutes == 1  # 44 words: at least one minute
    assert read_time(post, 22, 0, 500).minutes == 2  # 2.0
    assert read_time(post, 17.6, 0, 500).minutes == 3  # 2.5 rounds half up
    assert read_time(post, 18, 0, 500).minutes == 2  # 2.44
    assert read_time(post, 22, 30, 500).exact == pytest.approx(2.0)  # no images: seconds_per_image adds nothing


def test_chinese_and_japanese_are_read_by_the_character(tmp_path):
    """Japanese and Chinese have no spaces between words: a clause would be one "word", and a
    long Japanese post would read in a minute. Their Han and kana characters count one by one,
    at characters_per_minute; the Latin words among them stay words."""
    sentence = "ビットコインの手数料は、ブロックの空き具合によって変わります。"  # 29 Han and kana characters, 2 punctuation marks
    body = f"Bitcoin Core 27.0 {sentence}\n\n" * 100 + "中文的句子也一样。\n"
    post = load(make_site(tmp_path, "time_read: 1 min\n", body))
    computed = read_time(post, 238, 0, 500)
    assert (computed.words, computed.characters) == (300, 2900 + 8)
    assert computed.exact == pytest.approx(300 / 238 + 2908 / 500)
    assert computed.minutes == 7  # 7.07
    result, _ = run([tmp_path / "_posts" / "2024-01-01-post.md"], select=["read-time"])
    assert [f.message for f in result.findings] == [
        "time_read says 1 min but the post reads in about 7 min (300 words at 238 words per minute, 2,908 Chinese or "
        "Japanese characters at 500 per minute)"]
    (tmp_path / "ko").mkdir()
    korean = load(make_site(tmp_path / "ko", "time_read: 1 min\n", "비트코인 수수료는 블록 공간에 따라 달라집니다.\n"))
    assert (read_time(korean, 238, 0, 500).words, read_time(korean, 238, 0, 500).characters) == (6, 0), \
        "Korean is written with spaces: words"


@pytest.mark.parametrize("value, minutes", [
    ("5 min", 5), ("5 minutes", 5), ("5", 5), (5, 5), ("7 mins", 7), ("3 minute read", 3), ("1 Min", 1),
    ("five minutes", None), ("1 hour", None), (True, None), (None, None),
])
def test_stated_values(value, minutes):
    assert stated_minutes(value) == minutes


@pytest.mark.parametrize("written, fixed", [
    ("time_read: 9 min", "time_read: 2 min"),
    ("time_read: \"9 minutes\"", "time_read: \"2 minutes\""),
    ("time_read: '9 minutes'  # stale", "time_read: '2 minutes'  # stale"),
    ("time_read: 9", "time_read: 2"),
    ("time_read:    12 mins", "time_read:    2 mins"),
])
def test_fix_rewrites_the_number_in_the_authors_style(tmp_path, written, fixed):
    post = make_site(tmp_path, written + "\n", config="rules:\n  read-time: {words_per_minute: 20}\n")
    result, _ = run([post], select=["read-time"], fix=True)
    assert result.fixed == 1 and not result.findings
    assert post.read_text(encoding="utf-8").split("\n")[2] == fixed


def test_fix_follows_singular_and_plural(tmp_path):
    post = make_site(tmp_path, "time_read: 7 minutes\n")
    run([post], select=["read-time"], fix=True)
    assert "time_read: 1 minute\n" in post.read_text(encoding="utf-8")


def test_fix_changes_only_the_value_bytes_keeps_bom_crlf_and_mode(tmp_path):
    post = make_site(tmp_path, "time_read: \"9 min\"\nauthor: Dana\n", newline="\r\n", bom=True,
                     config="rules:\n  read-time: {words_per_minute: 20}\n")
    os.chmod(post, 0o640)
    before = post.read_bytes()
    result, _ = run([post], select=["read-time"], fix=True)
    assert result.fixed == 1
    after = post.read_bytes()
    assert after == before.replace(b'time_read: "9 min"\r\n', b'time_read: "2 min"\r\n', 1)
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\r\n") == before.count(b"\r\n")
    assert post.stat().st_mode & 0o777 == 0o640
    assert not list(post.parent.glob("*.postlint-tmp"))

    again, _ = run([post], select=["read-time"], fix=True)
    assert again.fixed == 0 and not again.findings
    assert post.read_bytes() == after


def test_report_gives_both_figures_and_the_word_count(tmp_path):
    post = make_site(tmp_path, "time_read: 9 min\n")
    result, _ = run([post], select=["read-time"])
    (finding,) = result.findings
    assert (finding.line, finding.column) == (3, 1)
    assert finding.message == "time_read says 9 min but the post reads in about 1 min (44 words at 238 words per minute)"
    assert post.read_bytes().count(b"9 min") == 1  # nothing written without --fix


def test_within_tolerance_and_custom_key(tmp_path):
    post = make_site(tmp_path, "reading: 2 min\ntime_read: 9 min\n",
                     config="rules:\n  read-time: {key: reading, tolerance: 1}\n")
    result, _ = run([post], select=["read-time"])
    assert not result.findings  # `reading` is 1 minute off; `time_read` is not the key
