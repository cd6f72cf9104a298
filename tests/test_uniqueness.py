"""duplicate-title and duplicate-description: repeats across published posts, reported once."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

import pytest
from helpers import run, time_limit

from postlint.rules import uniqueness
from postlint.rules.uniqueness import normalised_words


def _site(root: Path, posts: dict[str, str], config: str = "title: t\n", postlint: str = "") -> Path:
    """A site whose `posts` map a path under the root to its front matter (a one-line body follows)."""
    (root / "_config.yml").write_text(config, encoding="utf-8")
    if postlint:
        (root / ".postlint.yaml").write_text(postlint, encoding="utf-8")
    for rel, front in posts.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\nThe body of a post about sales.\n", encoding="utf-8")
    return root


def _found(root: Path, rule: str, **kwargs) -> list[tuple[str, int, str]]:
    result, _ = run([root], select=[rule], **kwargs)
    assert not [f for f in result.findings if f.internal]
    return [(Path(f.path).resolve().relative_to(root.resolve()).as_posix(), f.line, f.message) for f in result.findings]


def test_normalisation_ignores_case_markup_punctuation_and_width():
    assert normalised_words("  Ramp-Time: <em>the</em>  BENCHMARK!") == ("ramp", "time", "the", "benchmark")
    assert normalised_words("Ｒａｍｐ time") == normalised_words("ramp TIME")  # NFKC: full-width letters
    assert normalised_words("Straße") == normalised_words("STRASSE")  # casefold, not lower
    assert normalised_words("a < b and c > d") == ("a", "b", "and", "c", "d")  # not an HTML tag
    assert normalised_words("Ventas en {{ site.region }}") == ("ventas", "en", "site", "region")


def test_the_later_post_is_reported_naming_the_first(tmp_path):
    _site(tmp_path, {
        "_posts/2023-01-01-first.md": "title: Ramp time benchmarks\n",
        "_posts/2024-01-01-second.md": "layout: post\ntitle: 'RAMP TIME — benchmarks'\n",
        "_posts/2024-06-01-third.md": "title: ramp time benchmarks!\n",
        "_posts/2024-07-01-other.md": "title: Quota planning\n",
    })
    assert _found(tmp_path, "duplicate-title") == [
        ("_posts/2024-01-01-second.md", 3, ("same title as the earlier post _posts/2023-01-01-first.md:2: search "
                                           "results cannot tell the two apart")),
        ("_posts/2024-06-01-third.md", 2, ("same title as the earlier post _posts/2023-01-01-first.md:2 (and 1 other "
                                          "earlier post): search results cannot tell the two apart")),
    ]


def test_order_is_the_publication_date_then_the_path(tmp_path):
    _site(tmp_path, {
        # the front-matter date wins over the file name's
        "_posts/2020-01-01-old-name.md": "title: Same\ndate: 2024-03-01\n",
        "_posts/2023-01-01-b.md": "title: Same\n",
        "_posts/2022-05-05-x.md": "title: Twin\n",
        "blog/_posts/2022-05-05-x.md": "title: Twin\n",
    })
    found = {(path, message.split(" as the earlier post ")[1].split(":")[0]) for path, _, message in
             _found(tmp_path, "duplicate-title")}
    assert found == {("_posts/2020-01-01-old-name.md", "_posts/2023-01-01-b.md"),
                     ("blog/_posts/2022-05-05-x.md", "_posts/2022-05-05-x.md")}


def test_only_published_posts_take_part(tmp_path):
    _site(tmp_path, {
        "_posts/2023-01-01-first.md": "title: Pipeline review\n",
        "_posts/2023-02-01-hidden.md": "title: Pipeline review\npublished: false\n",
        "_posts/2999-01-01-future.md": "title: Pipeline review\n",
        "_drafts/draft.md": "title: Pipeline review\n",
        "about.md": "title: Pipeline review\n",
    })
    assert _found(tmp_path, "duplicate-title") == []
    (tmp_path / "_posts/2023-03-01-copy.md").write_text("---\ntitle: Pipeline review\n---\nBody.\n", encoding="utf-8")
    assert [path for path, _, _ in _found(tmp_path, "duplicate-title")] == ["_posts/2023-03-01-copy.md"]


def test_future_posts_count_when_the_build_includes_them(tmp_path):
    _site(tmp_path, {"_posts/2023-01-01-first.md": "title: Pipeline review\n",
                     "_posts/2999-01-01-future.md": "title: Pipeline review\n"}, config="title: t\nfuture: true\n")
    assert [path for path, _, _ in _found(tmp_path, "duplicate-title")] == ["_posts/2999-01-01-future.md"]


def test_translations_may_share_a_title(tmp_path):
    _site(tmp_path, {
        "_posts/2023-01-01-en.md": "title: Optech Newsletter 12\n",
        "_posts/2023-01-01-es.md": "title: Optech Newsletter 12\nlang: es\n",
        "_posts/2023-01-02-es-copy.md": "title: Optech Newsletter 12\nlang: es-MX\n",
    }, config="title: t\nlang: en-US\n")
    assert [path for path, _, _ in _found(tmp_path, "duplicate-title")] == ["_posts/2023-01-02-es-copy.md"]


def test_key_option_and_values_that_are_not_text(tmp_path):
    _site(tmp_path, {
        "_posts/2023-01-01-a.md": "title: a\nheadline: Churn by cohort\nnumber: 2024\n",
        "_posts/2023-01-02-b.md": "title: b\nheadline: churn by COHORT\nnumber: 2024\n",
        "_posts/2023-01-03-c.md": "title: c\nheadline: [not, text]\n",
        "_posts/2023-01-04-d.md": "title: d\nheadline: [not, text]\n",
    }, postlint="rules:\n  duplicate-title: {key: headline}\n")
    assert _found(tmp_path, "duplicate-title") == [
        ("_posts/2023-01-02-b.md", 3, ("same headline as the earlier post _posts/2023-01-01-a.md:3: search results "
                                      "cannot tell the two apart"))]


BASE = "Benchmarks for sales ramp time by segment, and three habits that shorten it."


def test_descriptions_same_and_nearly_the_same(tmp_path):
    _site(tmp_path, {
        "_posts/2023-01-01-a.md": f"title: a\ndescription: '{BASE}'\n",
        "_posts/2023-02-01-b.md": f"title: b\ndescription: '{BASE.upper()}'\n",
        "_posts/2023-03-01-c.md": f"title: c\ndescription: '{BASE.replace('three', 'four')}'\n",
        "_posts/2023-04-01-d.md": "title: d\ndescription: 'How three teams cut ramp time with a buddy program.'\n",
    })
    assert _found(tmp_path, "duplicate-description") == [
        ("_posts/2023-02-01-b.md", 3, ("same description as the earlier post _posts/2023-01-01-a.md:3: search results "
                                      "show the same snippet for both")),
        ("_posts/2023-03-01-c.md", 3, ("nearly the same description as the earlier post _posts/2023-01-01-a.md:3 "
                                      "(similarity 0.92): search results show nearly the same snippet for both")),
    ]


def test_japanese_descriptions_compare_by_the_character(tmp_path):
    """Japanese puts no spaces between words: a clause was one "word", so two descriptions that
    differ in one kanji shared no word. Each Han or kana character is a word of its own."""
    assert normalised_words("手数料は、火曜日に") == ("手", "数", "料", "は", "火", "曜", "日", "に")
    _site(tmp_path, {
        "_posts/2023-01-01-a.md": "title: a\nlang: ja\ndescription: '毎週火曜日に、手数料の動きと新しいリリースをまとめてお届けします。'\n",
        "_posts/2023-02-01-b.md": "title: b\nlang: ja\ndescription: '毎週水曜日に、手数料の動きと新しいリリースをまとめてお届けします。'\n",
        "_posts/2023-03-01-c.md": "title: c\nlang: ja\ndescription: 'ライトニングの経路探索について、三つの改善を詳しく説明します。'\n",
    })
    assert _found(tmp_path, "duplicate-description") == [
        ("_posts/2023-02-01-b.md", 4, ("nearly the same description as the earlier post _posts/2023-01-01-a.md:4 "
                                      "(similarity 0.96): search results show nearly the same snippet for both"))]


@pytest.mark.parametrize("similarity, reported", [(1, False), (0.93, False), (0.92, True), (0.5, True)])
def test_similarity_option(tmp_path, similarity, reported):
    _site(tmp_path, {
        "_posts/2023-01-01-a.md": f"title: a\ndescription: '{BASE}'\n",
        "_posts/2023-03-01-c.md": f"title: c\ndescription: '{BASE.replace('three', 'four')}'\n",
    }, postlint=f"rules:\n  duplicate-description: {{similarity: {similarity}}}\n")
    assert bool(_found(tmp_path, "duplicate-description")) is reported


def test_similarity_option_bounds(tmp_path):
    _site(tmp_path, {"_posts/2023-01-01-a.md": "title: a\n"}, postlint="rules:\n  duplicate-description: {similarity: 0}\n")
    with pytest.raises(Exception, match="similarity"):
        run([tmp_path], select=["duplicate-description"])


def test_the_most_similar_earlier_post_is_named(tmp_path):
    _site(tmp_path, {
        "_posts/2023-01-01-a.md": f"title: a\ndescription: '{BASE.replace('three', 'four').replace('segment', 'region')}'\n",
        "_posts/2023-02-01-b.md": f"title: b\ndescription: '{BASE.replace('three', 'two')}'\n",
        "_posts/2023-03-01-c.md": f"title: c\ndescription: '{BASE}'\n",
    })
    found = {path: message for path, _, message in _found(tmp_path, "duplicate-description")}
    assert "_posts/2023-02-01-b.md:3 (similarity 0.92)" in found["_posts/2023-03-01-c.md"]


def test_editing_the_earlier_post_reaches_a_cached_result(tmp_path):
    _site(tmp_path, {"_posts/2023-01-01-a.md": "title: Territory planning\n",
                     "_posts/2023-02-01-b.md": "title: Quota planning\n"})
    assert _found(tmp_path, "duplicate-title", use_cache=True) == []
    (tmp_path / "_posts/2023-01-01-a.md").write_text("---\ntitle: Quota Planning\n---\nBody.\n", encoding="utf-8")
    assert [path for path, _, _ in _found(tmp_path, "duplicate-title", use_cache=True)] == ["_posts/2023-02-01-b.md"]


def _brute_force(descriptions: list[str], threshold: float) -> set[int]:
    """Indexes of descriptions with an earlier, different one at least `threshold` similar."""
    words = [normalised_words(d) for d in descriptions]
    return {i for i in range(len(words)) if words[i] not in words[:i] and any(
        words[j] != words[i] and difflib.SequenceMatcher(None, words[j], words[i], autojunk=False).ratio() >= threshold
        for j in range(i))}


@pytest.mark.parametrize("seed", range(3))
def test_prefix_filter_finds_what_comparing_every_pair_finds(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(uniqueness, "RECENT_PER_TOKEN", 10_000)
    monkeypatch.setattr(uniqueness, "COMPARED", 10_000)
    rng = random.Random(seed)
    vocabulary = ["pipeline", "quota", "churn", "ramp", "deal", "forecast", "coach", "rep", "lead", "win", "rate", "segment", "cohort", "renewal"]
    descriptions = []
    for _ in range(60):
        if descriptions and rng.random() < 0.4:  # an edited copy of an earlier one
            words = rng.choice(descriptions).split()
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        else:
            words = [rng.choice(vocabulary) for _ in range(rng.randint(3, 12))]
        descriptions.append(" ".join(words))
    _site(tmp_path, {f"_posts/2023-01-01-p{i:02d}.md": f"title: p{i}\ndescription: {d}\n" for i, d in enumerate(descriptions)})
    found = {int(path[-5:-3]) for path, _, message in _found(tmp_path, "duplicate-description", jobs=1)
             if message.startswith("nearly")}
    assert found == _brute_force(descriptions, 0.8)


def test_templated_descriptions_stay_near_linear(tmp_path, monkeypatch):
    calls = []
    real = uniqueness.similarity
    monkeypatch.setattr(uniqueness, "similarity", lambda a, b: calls.append(1) or real(a, b))
    count = 600
    _site(tmp_path, {f"_posts/2023-01-01-p{i:03d}.md":
                     f"title: p{i}\ndescription: Articles and tools we read in week {i} of our sales newsletter\n"
                     for i in range(count)})
    with time_limit(60):
        findings = _found(tmp_path, "duplicate-description", jobs=1)
    assert len(findings) == count - 1
    assert len(calls) <= uniqueness.COMPARED * count


def test_one_post_run_sorts_the_words_of_the_posts_sharing_its_rare_words_only(tmp_path, monkeypatch):
    """A pre-commit run on one post finds the prefix (rarest words) of that post and of the
    posts holding those words, not of every post on the site."""
    sorted_prefixes = []
    real = uniqueness._NearestEarlier._prefix

    def counting(self, number):
        if number not in self._prefixes:
            sorted_prefixes.append(self.distinct[number].rel)
        return real(self, number)

    monkeypatch.setattr(uniqueness._NearestEarlier, "_prefix", counting)
    posts = {f"_posts/2023-01-01-p{i:03d}.md": f"title: p{i}\ndescription: alpha{i} bravo{i} charlie{i} delta{i} echo{i}\n"
             for i in range(200)}
    posts["_posts/2023-06-01-copy.md"] = "title: copy\ndescription: alpha7 bravo7 charlie7 delta7 foxtrot\n"
    _site(tmp_path, posts)
    copy = tmp_path / "_posts/2023-06-01-copy.md"
    result, _ = run([copy], select=["duplicate-description"], use_cache=False)
    assert [f.message.split(":")[0] for f in result.findings] == [
        "nearly the same description as the earlier post _posts/2023-01-01-p007.md"]
    assert sorted(sorted_prefixes) == ["_posts/2023-01-01-p007.md", "_posts/2023-06-01-copy.md"]
