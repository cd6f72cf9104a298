"""summary-relevance (SEO005): summaries that are not about their post, miss the title's key
phrase, or were cut short by YAML; and the site's document frequencies behind it."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path
from types import SimpleNamespace

from helpers import CASES, DEMO_SITE, run, time_limit
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.jekyll.site import Site
from postlint.rules.summaries import PostTopic, _site_terms

CASE = CASES / "summary-relevance"
PIPELINE_POST = CASE / "_posts" / "2024-03-01-pass-on-topic.md"


def _messages(site: Path, config: str = "") -> list[tuple[str, int, str]]:
    if config:
        (site / ".postlint.yaml").write_text(config, encoding="utf-8")
    result, _ = run([site], select=["summary-relevance"])
    return [(Path(f.path).name, f.line, f.message) for f in result.findings]


def _site_with(tmp_path: Path, front: str, body: str | None = None, lang: str = "") -> Path:
    (tmp_path / "_posts").mkdir(parents=True)
    (tmp_path / "_config.yml").write_text(f"title: t\n{lang}", encoding="utf-8")
    body = body if body is not None else PIPELINE_POST.read_text(encoding="utf-8").split("---\n", 2)[2]
    (tmp_path / "_posts" / "2024-01-01-post.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return tmp_path


def test_the_demo_sites_seed_style_excerpt_is_reported():
    result, _ = run([DEMO_SITE], select=["summary-relevance"])
    assert [(Path(f.path).name, f.line, f.message) for f in result.findings] == [
        ("2024-05-20-coaching-vs-revenue-operations.md", 12,
         "the excerpt is about 'marketing' (0 of 346 words), 'sales' (2); "
         "the title's 'revenue operations' (5 times) is not in it")]


def test_a_summary_about_the_post_is_quiet(tmp_path):
    site = _site_with(tmp_path, 'title: "Pipeline coverage: how much is enough?"\n'
                                "description: How to measure pipeline coverage against the quarter's quota.\n")
    assert _messages(site) == []


def test_a_summary_without_a_word_of_the_post_is_off_topic(tmp_path):
    site = _site_with(tmp_path, "title: Notes\n"
                                "description: Trade shows and conference booths eat the events budget every spring.\n")
    [(_, line, message)] = _messages(site)
    assert line == 3
    assert message.startswith("the description is about '") and message.endswith("none of the words the post is about")


def test_most_of_a_title_phrase_counts_as_naming_it(tmp_path):
    site = _site_with(tmp_path, 'title: "Pipeline coverage: how much is enough?"\n'
                                "description: Coverage of the open pipeline, measured weekly by each team.\n")
    assert _messages(site) == []


def test_a_title_phrase_the_post_seldom_repeats_is_not_required(tmp_path):
    site = _site_with(tmp_path, 'title: "Pipeline coverage for new managers"\n'
                                "description: A weekly review habit for new managers about pipeline coverage.\n")
    assert _messages(site) == []  # "new managers" never occurs in the body


def test_options_choose_the_keys_and_the_phrase_count(tmp_path):
    site = _site_with(tmp_path, 'title: "Pipeline coverage for new managers"\n'
                                "summary: \"A weekly review habit for new managers: which deals to ask about.\"\n")
    assert _messages(site) == []
    assert [m[2][:16] for m in _messages(site, "rules:\n  summary-relevance: {keys: [summary]}\n")] == ["the summary is a"]
    assert _messages(site, "rules:\n  summary-relevance: {keys: [summary], title_phrase_count: 50}\n") == []


def test_short_posts_and_other_languages_are_not_judged(tmp_path):
    front = "title: Pipeline coverage\ndescription: Trade shows and conference booths eat the events budget.\n"
    short = _site_with(tmp_path / "short", front, body="Keep three times your quota in pipeline.\n")
    assert _messages(short) == []
    french = _site_with(tmp_path / "french", front, lang="lang: fr\n")
    assert _messages(french) == []


def test_cut_short_is_reported_in_any_language_and_not_for_quoted_or_block_values(tmp_path):
    cut = "title: t\nlang: de\nexcerpt: Erste Zeile.\nZweite Zeile mit: Doppelpunkt\n"
    [(_, line, message)] = _messages(_site_with(tmp_path / "cut", cut))
    assert (line, message[:38]) == (4, "the excerpt stops at line 4: YAML read")
    for name, front in [("quoted", 'title: t\nexcerpt: "One line."\nauthor: Ana\n'),
                        ("block", "title: t\nexcerpt: >\n  One line: and more.\nauthor: Ana\n"),
                        ("next-key", "title: t\nexcerpt: One line about pipeline coverage and quota.\nauthor: Ana Lima\n")]:
        assert _messages(_site_with(tmp_path / name, front)) == [], name


def test_cut_short_is_reported_in_scripts_written_without_spaces(tmp_path):
    """A Japanese line has no space for the key YAML made of it to hold: a change of script
    (kanji, then a particle in hiragana) or punctuation shows where its words meet."""
    for name, line in [("japanese", "主な変更点: 手数料の計算方法が変わります。"),
                       ("mixed", "MuSig2の実装: 署名の集約について"), ("chinese", "本周我们讨论了新的提案，主要变化: 手续费")]:
        front = f"title: t\nlang: ja\nexcerpt: 今週のニュースレターでは新しい提案を説明します。\n{line}\n"
        [(_, _, message)] = _messages(_site_with(tmp_path / name, front))
        assert message.startswith(f"the excerpt stops at line 4: YAML read line 5 ('{line.split(':')[0]}')"), name
    for name, key in [("kanji", "著者"), ("katakana", "カテゴリー"), ("hanzi", "作者")]:
        front = f"title: t\nlang: ja\nexcerpt: 今週のニュースレターでは新しい提案を説明します。\n{key}: 山田\n"
        assert _messages(_site_with(tmp_path / name, front)) == [], name


def test_a_list_of_links_is_not_judged_off_topic(tmp_path):
    """Interrupt's 2025-12-31 roundup: a description of 'the articles, videos, and announcements we've
    been excited about' was reported as about none of the words the post is about; the post's words
    are those of the pages it links to."""
    roundup = (CASE / "_posts" / "2024-03-09-pass-link-roundup.md").read_text(encoding="utf-8").split("---\n", 2)
    front, body = roundup[1], roundup[2]
    assert _messages(_site_with(tmp_path / "links", front, body)) == []
    # The same words in paragraphs, or in list items without links: a post about something else.
    unlinked = re.sub(r"\[(\*\*[^]]*\*\*)\]\([^)]*\)", r"\1", body)
    for name, text in [("paragraphs", body.replace("- [", "[")), ("no-links", unlinked)]:
        [(_, _, message)] = _messages(_site_with(tmp_path / name, front, text))
        assert message.endswith("none of the words the post is about"), name


def test_a_list_of_links_still_needs_the_titles_phrase(tmp_path):
    items = "".join(f"- [Pipeline coverage, part {n}](https://example.com/{n}): what the quarter needs in deals "
                    "and how many of them each rep should bring to the weekly review.\n" for n in range(12))
    front = 'title: "Pipeline coverage reading"\ndescription: Articles, videos and talks we liked this month.\n'
    [(_, _, message)] = _messages(_site_with(tmp_path, front, items))
    assert message.endswith("the title's 'pipeline coverage' (12 times) is not in it")


def test_a_jekyll_made_excerpt_is_not_checked(tmp_path):
    site = _site_with(tmp_path, "title: Pipeline coverage\n")
    assert _messages(site) == []


def test_document_frequencies_count_each_published_english_post_once(tmp_path):
    """A post counts once for a term however often it uses it, plurals folded; drafts, future
    and non-English posts do not count."""
    posts = {"_posts/2024-01-01-a.md": "title: a\n", "_posts/2024-01-02-b.md": "title: b\n",
             "_posts/2024-01-03-c.md": "title: c\nlang: de\n", "_posts/2099-01-01-d.md": "title: d\n",
             "_drafts/e.md": "title: e\n"}
    for rel, front in posts.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"---\n{front}---\nCompanies and a company, the [company](/x) again.\n",
                                    encoding="utf-8")
    (tmp_path / "_posts/2024-01-02-b.md").write_text("---\ntitle: b\n---\nNo such word here.\n", encoding="utf-8")
    site = Site(tmp_path)
    terms = _site_terms(SimpleNamespace(site=site, config=SimpleNamespace(site={})))
    assert (terms.posts, terms.frequency("company"), terms.frequency("word"), terms.frequency("x")) == (2, 1, 1, 0)


def test_a_summary_word_the_post_uses_in_another_form_counts_as_used(tmp_path):
    """18F: a description about how the site 'launched', of a post that says 'launch' three times,
    was reported as about something the post never mentions."""
    body = ("After the launch we watched every visit. From its launch the pass site drew families, and "
            "after the launch week we fixed problems quickly with their feedback. ") + ("Rangers, families and "
                                                                                        "teachers printed passes for the parks. ") * 30
    description = "description: Since it launched, their feedback fixed problems quickly.\n"
    assert _messages(_site_with(tmp_path / "inflected", "title: Park passes\n" + description, body)) == []
    other = "description: Since it started, their feedback fixed problems quickly.\n"
    assert len(_messages(_site_with(tmp_path / "control", "title: Park passes\n" + other, body))) == 1


def test_a_title_of_hundreds_of_words_takes_no_longer_than_a_short_one(tmp_path):
    """Untrusted posts: the phrases of a title are every run of its content words, n²/2 of them of
    up to n words for n words, each counted in the body: a 16 KB title of 1,000 words took minutes
    and a gigabyte. Phrases come from the title's first 32 words; a phrase there is still found."""
    title = " ".join(f"zorblax{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}" for i in range(600))
    body = (title + ". ") * 6 + "Pipeline reviews and quota plans fill the rest of this long post. " * 60
    site = _site_with(tmp_path, f"title: {title}\ndescription: Pipeline reviews and quota plans for every "
                                "team this quarter.\n", body)
    started = time.thread_time()  # CPU time: other tests run beside this one
    with time_limit(20):
        messages = _messages(site)
    assert time.thread_time() - started < 5
    [(_, _, message)] = messages
    assert "the title's 'zorblaxaaa zorblaxbaa" in message, message


class _Counted:
    """SiteTerms' interface over given document frequencies: how many posts have words, each
    term's count, and a bound on the first as the site's posts and drafts give it."""

    def __init__(self, posts: int, frequencies: dict[str, int], most_posts: int) -> None:
        self.posts, self._frequencies, self.most_posts = posts, frequencies, most_posts

    def weight(self, term: str) -> float:
        return math.log((self.posts + 1) / (self._frequencies[term] + 1)) + 1


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_coverage_settled_without_the_sites_counts_is_the_coverage_they_give(data):
    """_covers answers as the weighted coverage does, whatever the counts it leaves unread: a
    bound settles it only when every weight the counts could give agrees."""
    posts = data.draw(st.integers(0, 2_000))
    terms = data.draw(st.lists(st.sampled_from([f"term{i}" for i in range(12)] + ["post", "guide"]),
                               min_size=1, max_size=12, unique=True))
    # The extremes most often: the bound is tight when the terms used are in every post, the others in none.
    frequencies = {term: data.draw(st.sampled_from([0, posts]) | st.integers(0, posts)) for term in terms}
    used = set(data.draw(st.lists(st.sampled_from(terms), unique=True)))
    topic = PostTopic.__new__(PostTopic)
    topic.site = _Counted(posts, frequencies, posts + data.draw(st.sampled_from([0]) | st.integers(0, 50)))
    topic._uses = used.__contains__
    summary = {term: term for term in terms}
    # Often just beside the coverage itself, where a loose bound would give the wrong verdict.
    near = topic._coverage(summary) + data.draw(st.sampled_from([0.0, 1e-12, -1e-12]) | st.floats(-0.05, 0.05))
    min_coverage = data.draw(st.sampled_from([0.0, 0.25, 1.0, min(1.0, max(0.0, near))]) | st.floats(0, 1))
    assert topic._covers(summary, min_coverage) == (not topic._coverage(summary) < min_coverage)


def test_the_tightest_case_is_settled_by_the_weights():
    """The terms used are in every post (weight 1), the others in none (the most weight): the
    coverage is as low as a bound may think it, and a min_coverage just above it is not met."""
    for posts in (0, 1, 9, 100, 5_000):
        for used in range(1, 5):
            for unused in range(1, 5):
                terms = [f"used{i}" for i in range(used)] + [f"unused{i}" for i in range(unused)]
                topic = PostTopic.__new__(PostTopic)
                topic.site = _Counted(posts, {term: posts if term.startswith("used") else 0 for term in terms}, posts)
                topic._uses = lambda term: term.startswith("used")
                summary = {term: term for term in terms}
                coverage = topic._coverage(summary)
                assert (topic._covers(summary, coverage), topic._covers(summary, coverage + 1e-12)) == (True, False)


def test_a_summary_the_bound_settles_reads_no_other_post(tmp_path, monkeypatch):
    """A one-post run needs the site's term counts (every published post read and its words
    counted) only when the weights could change the verdict: a summary whose every word the post
    uses is about it whatever the weights."""
    site = _site_with(tmp_path, 'title: "Pipeline coverage: how much is enough?"\n'
                                "description: Measure pipeline coverage against the quarter's quota.\n")
    for day in range(2, 6):
        (site / "_posts" / f"2024-01-0{day}-other.md").write_text(
            f"---\ntitle: Other {day}\n---\nPipeline reviews every week.\n", encoding="utf-8")
    asked: list[str] = []
    real = Site.term_frequency
    monkeypatch.setattr(Site, "term_frequency", lambda self, term, future: asked.append(term) or real(self, term, future))
    result, _ = run([site / "_posts" / "2024-01-01-post.md"], select=["summary-relevance"])
    assert (result.findings, asked) == ([], [])
    off_topic = "description: Trade shows and conference booths eat the events budget every spring.\n"
    (site / "_posts" / "2024-01-01-post.md").write_text(
        f"---\ntitle: Notes\n{off_topic}---\n" + PIPELINE_POST.read_text(encoding="utf-8").split("---\n", 2)[2],
        encoding="utf-8")
    result, _ = run([site / "_posts" / "2024-01-01-post.md"], select=["summary-relevance"])
    assert len(result.findings) == 1 and "" in asked  # settled by the counts: the message names them
