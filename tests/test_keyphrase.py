"""keyphrase: the focus keyphrase in the title, description, slug, opening, subheadings, alt texts; its density."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from postlint.errors import ConfigError
from postlint.rules.keyphrase import Phrase, _singular

FILLER = "Our team reviews every open deal with the account owner once a week and writes down the next step. " * 10


def _post(root: Path, front: str, body: str, name: str = "2024-01-01-sales-forecast.md", config: str = "title: t\n",
          postlint: str = "") -> Path:
    (root / "_config.yml").write_text(config, encoding="utf-8")
    if postlint:
        (root / ".postlint.yaml").write_text(postlint, encoding="utf-8")
    (root / "_posts").mkdir(exist_ok=True)
    path = root / "_posts" / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def _found(path: Path) -> list[tuple[int, str]]:
    result, _ = run([path], select=["keyphrase"])
    assert not [f for f in result.findings if f.internal]
    return [(f.line, f.message) for f in result.findings]


GOOD_FRONT = ("title: The weekly sales forecast call\ndescription: How we run a sales forecast call in thirty minutes.\n"
              "keyphrase: Sales Forecast\n")
GOOD_BODY = ("Our sales forecast starts on Monday.\n\n## Sales forecasts by segment\n\n"
             "![A sales forecast board](/img/board.png)\n\n" + FILLER + "\n")


def test_a_post_that_uses_its_keyphrase_well_is_clean(tmp_path):
    assert _found(_post(tmp_path, GOOD_FRONT, GOOD_BODY)) == []


def test_posts_without_the_key_are_not_checked(tmp_path):
    assert _found(_post(tmp_path, "title: Anything\n", "No keyphrase here.\n")) == []


def test_each_missing_place_is_reported_at_its_position(tmp_path):
    front = "title: Our Monday call\ndescription: What we look at every week.\nkeyphrase: sales forecast\n"
    body = "We meet on Monday.\n\n## Three numbers\n\n![Deals by stage](/img/board.png)\n\n" + FILLER + "\n"
    path = _post(tmp_path, front, body, name="2024-01-01-monday-call.md")
    assert _found(path) == [
        (2, "the keyphrase 'sales forecast' is not in the title"),
        (3, "the keyphrase 'sales forecast' is not in the description"),
        (4, "the keyphrase 'sales forecast' has a density of 0% (0 times in 196 words); keep it between 0.5% and 3%"),
        (4, "the keyphrase 'sales forecast' is in no image's alt text (1 image)"),
        (4, "the keyphrase 'sales forecast' is not in the URL slug 'monday-call'"),
        (4, "the keyphrase 'sales forecast' is not in the only subheading"),
        (6, "the keyphrase 'sales forecast' is not in the first paragraph"),
    ]


def test_whole_words_only(tmp_path):
    front = "title: Presales forecasting\nkeyphrase: sales forecast\n"
    assert (2, "the keyphrase 'sales forecast' is not in the title") in _found(_post(tmp_path, front, "Body.\n"))


def test_plural_variants_only_in_english(tmp_path):
    front = "title: Sales forecasts that hold\nkeyphrase: sales forecast\n{lang}"
    english = _post(tmp_path, front.format(lang=""), "Body.\n")
    assert not [m for _, m in _found(english) if "title" in m]
    german = _post(tmp_path, front.format(lang="lang: de\n"), "Body.\n")
    assert (2, "the keyphrase 'sales forecast' is not in the title") in _found(german)


def test_japanese_keyphrases_match_by_the_character(tmp_path):
    """Japanese has no spaces between words: a whole clause was one "word", and a keyphrase of
    three kanji was never found in a title that holds it. Each Han or kana character is a word
    of its own; the density counts them so. Half-width katakana are made full-width (NFKC)."""
    front = ("title: ビットコインの手数料を引き上げる方法\ndescription: 手数料の仕組みと、取引を早く承認してもらう方法を説明します。\n"
             "keyphrase: 手数料\nlang: ja\n")
    body = "送金の手数料は混雑で変わります。\n\n## 手数料の仕組み\n\n" + "ブロックの空き具合を見てから送ります。" * 12 + "\n"
    path = _post(tmp_path, front, body, name="2024-01-01-fees.md")
    assert _found(path) == [(4, "the keyphrase '手数料' is not in the URL slug 'fees'")]
    path.write_text(path.read_text(encoding="utf-8").replace("title: ビットコインの手数料", "title: ﾋﾞｯﾄｺｲﾝの手数"),
                    encoding="utf-8")
    assert (2, "the keyphrase '手数料' is not in the title") in _found(path), "手数 alone is not 手数料"
    assert Phrase("ﾃｽﾄ", english=False).words == ["テ", "ス", "ト"]


def test_singular_rules():
    assert [_singular(w) for w in ("companies", "boxes", "leads", "sales", "process", "status", "analysis", "bus")] == \
        ["company", "box", "lead", "sale", "process", "status", "analysis", "bus"]
    assert Phrase("company", english=True).count(["companies", "and", "company"]) == 2
    assert Phrase("win rate", english=True).count(["win", "rate", "win", "rate", "rate", "win"]) == 2


def test_missing_title_or_description_and_no_headings_or_images_are_other_rules_business(tmp_path):
    path = _post(tmp_path, "keyphrase: sales forecast\n", "Our sales forecast starts on Monday.\n")
    assert _found(path) == []


def test_the_slug_comes_from_the_permalink_and_is_reported_there(tmp_path):
    front = "title: Sales forecast\npermalink: /blog/monday-call/\nkeyphrase: sales forecast\n"
    assert _found(_post(tmp_path, front, "Our sales forecast.\n")) == [
        (3, "the keyphrase 'sales forecast' is not in the URL slug 'monday-call'")]
    front = "title: Sales forecast\nslug: sales-forecast-basics\nkeyphrase: sales forecast\n"
    assert _found(_post(tmp_path, front, "Our sales forecast.\n", name="2024-01-01-x.md")) == []


def test_alt_text_from_front_matter_counts_and_liquid_alt_is_unknown(tmp_path):
    front = GOOD_FRONT + "image: {path: /img/a.png, alt: Sales forecast sheet}\n"
    body = "Our sales forecast.\n\n![Deals by stage](/img/b.png)\n"
    assert _found(_post(tmp_path, front, body)) == []
    body = "Our sales forecast.\n\n![{{ page.alt }}](/img/b.png)\n"
    assert _found(_post(tmp_path, GOOD_FRONT, body)) == []


def test_code_is_not_prose(tmp_path):
    body = "Our plan.\n\n```\nsales forecast\n```\n"
    assert (6, "the keyphrase 'Sales Forecast' is not in the first paragraph") in \
        _found(_post(tmp_path, GOOD_FRONT, body))


@pytest.mark.parametrize("times, reported", [(0, False), (2, False), (3, True)])
def test_density_bounds(tmp_path, times, reported):
    # density = 2 words × (1 + times) occurrences / (203 + 2 × times) words: 0.99%, 2.9%, 3.8%
    body = "Our sales forecast.\n\n" + " ".join(["word"] * 200) + " sales forecast" * times + "\n"
    found = [m for _, m in _found(_post(tmp_path, GOOD_FRONT, body)) if "density" in m]
    assert bool(found) is reported


def test_density_options_and_short_bodies(tmp_path):
    body = "Our sales forecast.\n\n" + " ".join(["word"] * 50) + "\n"
    assert _found(_post(tmp_path, GOOD_FRONT, body)) == []  # under min_words
    path = _post(tmp_path, GOOD_FRONT, body, postlint="rules:\n  keyphrase: {min_words: 20, min_density: 4, max_density: 10}\n")
    assert _found(path) == [(4, ("the keyphrase 'Sales Forecast' has a density of 3.8% (1 time in 53 words); "
                                "keep it between 4% and 10%"))]


def test_inverted_density_range_is_a_config_error(tmp_path):
    path = _post(tmp_path, GOOD_FRONT, "Body.\n", postlint="rules:\n  keyphrase: {min_density: 4}\n")
    with pytest.raises(ConfigError, match="min_density"):
        run([path], select=["keyphrase"])
