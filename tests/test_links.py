"""Link rules: post_url resolution exactly as Jekyll 4.3 does it, {% link %}, relative_url targets."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pytest
from helpers import run
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.jekyll.posts import (
    _name_matcher,
    _name_regex,
    resolve_post_url,
)
from postlint.jekyll.site import Site
from postlint.jekyll.urls import slugify, url_key
from postlint.parse.dates import ruby_date


def make_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if "_config.yml" not in files:
        (root / "_config.yml").write_text("title: test\n", encoding="utf-8")
    return root


def post(title: str = "A post", extra: str = "", body: str = "Text.") -> str:
    return f"---\ntitle: {title}\n{extra}---\n{body}\n"


def findings(root: Path, *select: str) -> list[tuple[str, int, int, str, str]]:
    result, _ = run([root], select=list(select))
    assert not [f for f in result.findings if f.internal], result.findings
    return [(Path(f.path).name, f.line, f.column, f.code, f.message) for f in result.findings]


TARGETS = {
    "_posts/2023-03-30-ramp-time.md": post("Ramp"),
    "_posts/guides/2023-05-01-setup-guide.md": post("Setup"),
    "news/_posts/2023-02-01-launch-notes.md": post("Launch"),
    "_posts/2023-04-01-same-slug.md": post("Same one"),
    "_posts/2023-04-01-same-slug.markdown": post("Same two"),
    "_posts/2023-06-01-hidden.md": post("Hidden", "published: false\n"),
    "_posts/2023-06-02-null-published.md": post("Null", "published:\n"),
    "_posts/2999-01-01-far-future.md": post("Future"),
    "_posts/2023-07-01-moved-date.md": post("Moved", "date: 2023-07-09\n"),
    "_drafts/planning-notes.md": post("Draft"),
}


@pytest.fixture
def site(tmp_path) -> Site:
    return Site(make_site(tmp_path, TARGETS))


@pytest.mark.parametrize("markup, status, name", [
    ("2023-03-30-ramp-time", "ok", "2023-03-30-ramp-time"),
    ("  2023-03-30-ramp-time  ", "ok", "2023-03-30-ramp-time"),  # whitespace does not matter
    ("/2023-03-30-ramp-time", "ok", "2023-03-30-ramp-time"),  # a leading slash resolves
    ("guides/2023-05-01-setup-guide", "ok", "guides/2023-05-01-setup-guide"),
    ("news/2023-02-01-launch-notes", "ok", "news/2023-02-01-launch-notes"),  # a folder's own _posts
    ("2023-04-01-same-slug", "ok", None),  # .md and .markdown: Jekyll builds one with a conflict warning
    ("2023-05-01-setup-guide", "deprecated", "guides/2023-05-01-setup-guide"),  # prefix missing
    ("archive/2023-05-01-setup-guide", "deprecated", "guides/2023-05-01-setup-guide"),  # wrong prefix
    ("2023-3-30-ramp-time", "deprecated", "2023-03-30-ramp-time"),  # unpadded date
    ("2023-07-09-moved-date", "deprecated", "2023-07-01-moved-date"),  # the fallback compares post.date
    ("2023-03-30-Ramp-Time", "not-found", None),  # case-sensitive
    ("2023-03-30-ramp", "not-found", None),  # a partial slug does not match
    ("2023-03-31-ramp-time", "not-found", None),  # a wrong date does not match
    ("2023-03-30-ramp-time.md", "not-found", None),  # no extension
    ("2023-13-45-ramp-time", "not-found", None),  # invalid date
    ("ramp-time", "unparseable", None),
    ('"2023-03-30-ramp-time"', "unparseable", None),
    ("", "unparseable", None),
    ("2023-06-01-hidden", "not-found", None),
    ("2023-06-02-null-published", "not-found", None),  # `published:` with no value is not published
    ("2999-01-01-far-future", "not-found", None),
    ("2024-01-01-planning-notes", "not-found", None),
])
def test_post_url_resolution(site, markup, status, name):
    result = resolve_post_url(markup, site, future=False)
    assert result.status == status, result
    if name is not None:
        assert result.entry is not None and result.entry.name == name


def test_reasons_say_what_is_wrong(site):
    def reason(markup: str) -> str:
        return resolve_post_url(markup, site, future=False).reason

    assert "no YYYY-MM-DD- date" in reason("ramp-time")
    assert "must not be quoted" in reason('"2023-03-30-ramp-time"') and "2023-03-30-ramp-time %}" in reason('"2023-03-30-ramp-time"')
    assert "names no post" in reason("")
    assert "not a valid date" in reason("2023-13-45-ramp-time")
    assert "no extension" in reason("2023-03-30-ramp-time.md") and "{% post_url 2023-03-30-ramp-time %}" in reason("2023-03-30-ramp-time.md")
    assert "published: false" in reason("2023-06-01-hidden")
    assert "future" in reason("2999-01-01-far-future")
    assert "draft" in reason("2024-01-01-planning-notes")
    assert "case-sensitive" in reason("2023-03-30-Ramp-Time")
    assert "did you mean `2023-03-30-ramp-time`" in reason("2023-03-30-ramp-tme")


def test_future_posts_count_when_configured(tmp_path):
    root = make_site(tmp_path, {**TARGETS, "_config.yml": "title: t\nfuture: true\n"})
    assert resolve_post_url("2999-01-01-far-future", Site(root), future=Site(root).future(None)).status == "ok"
    assert Site(root).future(False) is False  # site.future in .postlint.yaml wins over _config.yml


def test_postlint_future_setting_reaches_the_rule(tmp_path):
    files = {**TARGETS, "_posts/2024-01-01-linker.md": post(body="{% post_url 2999-01-01-far-future %}")}
    root = make_site(tmp_path, files)
    assert [f[3] for f in findings(root, "post-url-target")] == ["LNK001"]
    (root / ".postlint.yaml").write_text("site: {future: true}\n", encoding="utf-8")
    assert findings(root, "post-url-target") == []


def test_a_text_post_is_linted_by_a_run_over_the_site(tmp_path):
    """Jekyll renders a `.txt` or `.textile` post's Liquid as a Markdown post's, and a broken
    `post_url` there stops the build; a run over the site linted only Markdown and HTML posts."""
    files = {**TARGETS, "_posts/2024-01-01-notes.txt": post(body="{% post_url 2024-01-15-no-such-post %}"),
             "_posts/2024-01-02-older.textile": post(body="{% post_url 2024-01-15-no-such-post %}")}
    root = make_site(tmp_path, files)
    assert sorted((Path(f[0]).name, f[3]) for f in findings(root, "post-url-target")) == [
        ("2024-01-01-notes.txt", "LNK001"), ("2024-01-02-older.textile", "LNK001")]


def test_a_post_in_a_node_modules_folder_of_posts_is_linted(tmp_path):
    """Jekyll's default `exclude` leaves out `node_modules` and `vendor` at the site's root only:
    `_posts/node_modules/` is read and built, and its broken `post_url` stops the build."""
    files = {**TARGETS, "_posts/node_modules/2024-01-01-hidden.md": post(body="{% post_url 2024-01-15-no-such-post %}"),
             "node_modules/pkg/_posts/2024-01-01-dependency.md": post(body="{% post_url 2024-01-15-no-such-post %}")}
    root = make_site(tmp_path, files)
    assert [(f[0], f[3]) for f in findings(root, "post-url-target")] == [("2024-01-01-hidden.md", "LNK001")]


def test_ruby_date_matches_time_parse():
    assert ruby_date("2024-3-1") == _dt.date(2024, 3, 1)
    assert ruby_date("2024-02-30") == _dt.date(2024, 3, 1)  # Ruby rolls over, no error
    assert ruby_date("24-01-15") == _dt.date(2024, 1, 15)
    assert ruby_date("2024-13-01") is None and ruby_date("2024-01-32") is None and ruby_date("2024-01-00") is None


def test_every_broken_tag_is_reported_with_its_position(tmp_path):
    body = (
        "Broken: {% post_url 2023-03-30-nope %} and {%- post_url   2023-03-30-nope-again -%}\n"
        "```\n{% post_url 2023-01-01-in-a-fence %}\n```\n"
        "`{% post_url 2023-01-02-in-a-span %}`\n"
        "{% raw %}{% post_url 2023-01-03-raw %}{% endraw %}\n"
        "{% comment %}{% post_url 2023-01-04-commented %} {% post_url no-date %}{% endcomment %}\n"
    )
    root = make_site(tmp_path, {**TARGETS, "_posts/2024-01-01-linker.md": post(body=body)})
    got = [(line, column, message.split("'")[1]) for _, line, column, _, message in findings(root, "post-url-target")]
    assert got == [
        (4, 21, "2023-03-30-nope"),
        (4, 59, "2023-03-30-nope-again"),
        (6, 13, "2023-01-01-in-a-fence"),  # Liquid runs before Markdown
        (8, 14, "2023-01-02-in-a-span"),
        (10, 62, "no-date"),  # inside a comment only a name that does not parse breaks the build
    ]


def test_deprecated_form_is_a_fixable_warning(tmp_path):
    body = "See {% post_url 2023-05-01-setup-guide %}."
    root = make_site(tmp_path, {**TARGETS, "_posts/2024-01-01-linker.md": post(body=body)})
    got = findings(root, "post-url-deprecated", "post-url-target")
    assert [(code, "guides/2023-05-01-setup-guide %}" in message) for _, _, _, code, message in got] == [("LNK004", True)]
    result, _ = run([root], select=["post-url-deprecated"], fix=True)
    assert "{% post_url guides/2023-05-01-setup-guide %}" in (root / "_posts/2024-01-01-linker.md").read_text()
    assert findings(root, "post-url-deprecated") == []


def test_link_tag(tmp_path):
    files = {
        "about.md": post("About"),
        "assets/report.txt": "static\n",
        "_docs/install.md": post("Install"),
        "_config.yml": "title: t\ncollections: {docs: {output: true}}\n",
        "_posts/2024-01-01-linker.md": post(body=(
            "{% link about.md %} {% link /assets/report.txt %} {% link assets/report.txt %} {% link _docs/install.md %}\n"
            "{% link about %} {% link /about.md %} {% link {{ page.path }} %} {% raw %}{% link x.md %}{% endraw %}\n"
        )),
    }
    root = make_site(tmp_path, files)
    got = [(line, column, message) for _, line, column, _, message in findings(root, "link-target")]
    assert [(line, column) for line, column, _ in got] == [(5, 9), (5, 26)]
    assert "`{% link about.md %}`" in got[0][2] and "starts with '/'" in got[1][2]


# What `jekyll build` 4.3 did with each tag (collections_dir: my, collection docs with output).
COLLECTIONS_DIR_LINKS = [
    ("_docs/setup.md", True), ("my/_docs/setup.md", False),
    ("_docs/img/a.png", True), ("/_docs/img/a.png", False), ("my/_docs/img/a.png", False),
    ("_posts/2024-01-01-x.md", True), ("my/_posts/2024-01-01-x.md", False),
    ("my/notes/page.md", True), ("notes/page.md", False),
]


@pytest.mark.parametrize("collections_dir", ["", "my"])
def test_link_tag_names_posts_and_collection_files_from_collections_dir(tmp_path, collections_dir):
    base = f"{collections_dir}/" if collections_dir else ""
    files = {
        "_config.yml": f"title: t\ncollections_dir: '{collections_dir}'\ncollections: {{docs: {{output: true}}}}\n",
        f"{base}_docs/setup.md": post("Setup"),
        f"{base}_docs/img/a.png": "PNG",
        f"{base}_posts/2024-01-01-x.md": post("X"),
        "my/notes/page.md": post("Notes"),
        "linking.md": post(body=" ".join(f"{{% link {tag} %}}" for tag, _ in COLLECTIONS_DIR_LINKS)),
    }
    root = make_site(tmp_path, files)
    result, _ = run([root / "linking.md"], select=["link-target"], use_cache=False)
    failing = {f.message.split("'")[1] for f in result.findings}
    # Without collections_dir the files sit at the root and the same tags fail (no `my/_docs` there).
    assert failing == {tag for tag, builds in COLLECTIONS_DIR_LINKS if not builds}
    if collections_dir:
        moved = next(f for f in result.findings if "'my/_docs/setup.md'" in f.message)
        assert "`{% link _docs/setup.md %}`" in moved.message


def test_slugify_and_url_keys():
    assert slugify("Hello, World!") == "hello-world"
    assert slugify("Hello, World!", pretty=True, cased=True) == "Hello,-World!"
    assert slugify("a_b  c") == "a-b-c"
    assert url_key("/x/") == url_key("/x") == url_key("/x.html") == url_key("/x/index.html") == "/x"
    assert url_key("/") == url_key("/index.html") == ""


@pytest.mark.parametrize("config, front, url", [
    ("", "", "/sales/2023/03/30/ramp-time.html"),  # default style "date", categories from front matter
    ("permalink: pretty\n", "", "/sales/2023/03/30/ramp-time/"),
    ("permalink: none\n", "", "/sales/ramp-time.html"),
    ("permalink: /blog/:title\n", "", "/blog/ramp-time"),
    ("permalink: /:year/:month/:slug/\n", "", "/2023/03/ramp-time/"),
    ("permalink: /blog/:title\n", "permalink: /stories/ramp/\n", "/stories/ramp/"),
    ("permalink: /blog/:title\n", "slug: Ramp Up\n", "/blog/Ramp-Up"),
    ("collections: {posts: {permalink: '/news/:year/:title/'}}\n", "", "/news/2023/ramp-time/"),
    ("defaults: [{scope: {path: '', type: posts}, values: {permalink: '/d/:title/'}}]\n", "", "/d/ramp-time/"),
])
def test_post_permalinks(tmp_path, config, front, url):
    root = make_site(tmp_path, {"_config.yml": "title: t\n" + config,
                                "_posts/2023-03-30-ramp-time.md": post("Ramp", "categories: [Sales]\n" + front)})
    assert Site(root).published_url("_posts/2023-03-30-ramp-time.md") == url


@pytest.mark.parametrize("config, rel, front, url", [
    ("", "about.md", "", "/about.html"),
    ("permalink: pretty\n", "about.md", "", "/about/"),
    ("permalink: /blog/:title\n", "about.md", "", "/about"),
    ("", "team/index.md", "", "/team/"),
    ("", "feed.xml", "", "/feed.xml"),
    ("", "request-demo.md", "permalink: /request-demo\n", "/request-demo"),
    ("collections: {guides: {output: true}}\n", "_guides/intro.md", "", "/guides/intro.html"),
    ("collections: {guides: {output: true, permalink: '/g/:title/'}}\n", "_guides/intro.md", "", "/g/intro/"),
    ("collections: {guides: {output: false}}\n", "_guides/intro.md", "", None),
])
def test_page_and_document_urls(tmp_path, config, rel, front, url):
    root = make_site(tmp_path, {"_config.yml": "title: t\n" + config, rel: post("Page", front)})
    assert Site(root).published_url(rel) == url


def test_relative_url_targets_with_baseurl_and_permalinks(tmp_path):
    files = {
        "_config.yml": "title: t\nbaseurl: /docs\npermalink: /blog/:title\nplugins: [jekyll-paginate]\npaginate_path: /blog/page:num/\n",
        "about.md": post("About", "permalink: /about/\n"),
        "request-demo.md": post("Demo", "permalink: /request-demo\n"),
        "moved.md": post("Moved", "redirect_from: [/old-place/]\n"),
        "_redirects": "/events-calendar https://calendar.example.com 301\n/shop/* https://shop.example.com/:splat 301\n",
        "assets/guide.pdf": "pdf\n",
        "index.html": post("Home"),
        "_posts/2024-01-01-ramp-time.md": post("Ramp"),
        "_posts/2024-02-01-linker.md": post(body=(
            "[a](/docs/about/) [b](/docs/about) [c](/docs/request-demo) [d](/docs/request-demo.html#top)\n"
            "[e](/docs/blog/ramp-time?x=1) [f]({{ site.baseurl }}/assets/guide.pdf) [g]({{ '/about/' | relative_url }})\n"
            "[h](/docs/blog/page2/) [i](/docs/old-place/) [j](/docs/events-calendar) [k](/docs/shop/anything)\n"
            "[l](/elsewhere/) [m]({{ page.url | relative_url }}) [n](https://example.com/x) [o](../relative)\n"
            "[p]({{ 'about/' | absolute_url }}) [q](/docs/) [r](/docs/moved.html)\n"
            "[broken](/docs/blog/ramp-tim) [also broken]({{ '/request-a-demo' | relative_url }})\n"
        )),
    }
    root = make_site(tmp_path, files)
    got = [(line, column, message) for _, line, column, _, message in findings(root, "relative-url-target")]
    assert [(line, column) for line, column, _ in got] == [(9, 10), (9, 48)]
    assert "'/docs/blog/ramp-tim'" in got[0][2] and "did you mean `/docs/blog/ramp-time`" in got[0][2]
    assert "did you mean `/docs/request-demo`" in got[1][2]


@pytest.mark.parametrize("name, rules", [
    ("_redirects", "/events /calendar 301\n/* /404.html 404\n"),
    ("netlify.toml", '[[redirects]]\nfrom = "/events"\nto = "/calendar"\n\n'
                     '[[redirects]]\nfrom = "/*"\nto = "/404.html"\nstatus = 404\n'),
])
def test_a_host_s_not_found_rule_is_no_redirect(tmp_path, name, rules):
    """`/* /404.html 404` serves the not-found page for every address without a page: a link to
    one is still broken (it silenced every relative-url-target finding of interrupt's site)."""
    files = {name: rules, "_posts/2024-02-01-linker.md": post(body="[a](/events) [b](/no-such-page/)\n")}
    root = make_site(tmp_path, files)
    assert [message.split("'")[1] for *_, message in findings(root, "relative-url-target")] == ["/no-such-page/"]


def test_link_rules_read_only_what_they_need(tmp_path):
    """Linting a post with one post_url reads the front matter of its target, not of every post."""
    files = {f"_posts/2020-01-{day:02d}-post-{day}.md": post(f"Post {day}") for day in range(1, 29)}
    files["_posts/2024-01-01-linker.md"] = post(body="{% post_url 2020-01-05-post-5 %}")
    root = make_site(tmp_path, files)
    site = Site(root)
    with site.recording() as recorder:
        assert resolve_post_url("2020-01-05-post-5", site, future=False).status == "ok"
    assert {key for key in recorder.inputs if key.startswith("front-matter:")} == {"front-matter:_posts/2020-01-05-post-5.md"}


def test_posts_jekyll_never_reads_are_not_targets(tmp_path):
    root = make_site(tmp_path, {
        "_config.yml": "title: t\nexclude: [old]\n",
        "_archive/_posts/2020-01-01-buried.md": post(),
        "_posts/_hidden/2020-01-02-skipped.md": post(),
        "_posts/deep/_inner/2020-01-03-kept.md": post(),
        "old/_posts/2020-01-04-excluded.md": post(),
    })
    site = Site(root)
    assert set(site.posts) == {"_posts/deep/_inner/2020-01-03-kept.md", "old/_posts/2020-01-04-excluded.md"}
    assert resolve_post_url("deep/_inner/2020-01-03-kept", site, future=False).status == "ok"
    excluded = resolve_post_url("old/2020-01-04-excluded", site, future=False)
    assert excluded.status == "not-found" and "exclude" in excluded.reason


# --- link-text (CPY003): vague openings, bare numbers, English phrases only in English posts -------

@pytest.mark.parametrize("markup, why", [
    ("[Click here to view it](/reports/log/)", "starts with 'click here'"),
    ("[click here for the report](https://example.com/q1)", "starts with 'click here'"),
    ("[this article](https://example.com/a)", "says nothing out of context"),
    ("[This page](https://example.com/p)", "says nothing out of context"),
    ("[1](https://example.com/study)", "is only a number"),
    ("[[2]](https://example.com/study)", "is only a number"),
    ('<a href="https://example.com/study">3</a>', "is only a number"),
    ("[1](#fn1)", None),  # a footnote marker
    ("[4](#story-4-late-renewal)", None),  # a marker for a section of the page
    ("<sup>[5](https://example.com/study)</sup>", None),
    ("[2023](https://example.com/kickoff)", None),  # a year
    ("[click-through rates by channel](https://example.com/ctr)", None),
    ("[here and there](https://example.com)", None),
    ("[`1`](https://example.com)", None),  # inline code: a name
])
def test_link_text_openings_and_numbers(tmp_path, markup, why):
    root = make_site(tmp_path, {"_posts/2024-01-01-x.md": post(body=f"Some words {markup} and more.")})
    messages = [message for *_, message in findings(root, "link-text")]
    if why is None:
        assert messages == []
    else:
        assert len(messages) == 1 and why in messages[0]


def test_link_text_phrases_apply_to_english_posts_and_numbers_to_all(tmp_path):
    body = "Le rapport est [ici](https://example.com/r), [here](https://example.com/r) et [1](https://example.com/s)."
    root = make_site(tmp_path, {"_posts/2024-01-01-x.md": post(extra="lang: fr\n", body=body)})
    assert [message for *_, message in findings(root, "link-text")] == [
        "link text '1' is only a number; say where the link goes"]


def test_link_text_starts_are_configurable(tmp_path):
    files = {".postlint.yaml": "rules:\n  link-text: {starts: [see], texts: []}\n",
             "_posts/2024-01-01-x.md": post(body="[See the report](https://example.com/r) or [click here now](https://example.com/s).")}
    root = make_site(tmp_path, files)
    assert [(line, column) for _, line, column, _, _ in findings(root, "link-text")] == [(4, 1)]


@pytest.mark.parametrize("markup", ["[#348](https://example.com/pull/348)", "[^1](https://example.com/note)"])
def test_link_text_issue_numbers_and_footnote_carets_are_not_bare_numbers(tmp_path, markup):
    root = make_site(tmp_path, {"_posts/2024-01-01-x.md": post(body=f"Merged in {markup}.")})
    assert findings(root, "link-text") == []


def test_link_text_numbers_can_be_turned_off(tmp_path):
    files = {".postlint.yaml": "rules:\n  link-text: {numbers: false}\n",
             "_posts/2024-01-01-x.md": post(body="Sources: [1](https://example.com/a), [here](https://example.com/b).")}
    root = make_site(tmp_path, files)
    assert [message for *_, message in findings(root, "link-text")] == [
        "link text 'here' says nothing out of context; say where the link goes"]


def test_a_missing_image_inside_a_link_to_it_is_reported_once(tmp_path):
    body = ('<a href="{{ site.baseurl }}/img/wall.png">\n  <img src="{{ site.baseurl }}/img/wall.png" alt="Notes wall">\n</a>\n\n'
            "[![Funnel](/img/funnel.png)](/img/funnel.png)\n\n"
            '<a href="/img/other.png"><img src="/img/wall.png" alt="Notes wall"></a>\n')
    root = make_site(tmp_path, {"_posts/2024-01-01-x.md": post(body=body)})
    got = [(line, code) for _, line, _, code, _ in findings(root, "image-missing", "relative-url-target")]
    assert sorted(got) == [(5, "IMG002"), (8, "IMG002"), (10, "IMG002"), (10, "LNK003")]


@settings(max_examples=400, deadline=None)
@given(path=st.sampled_from(["", "2019/", "guides/", "a-b/", "deep/er/", "a.b/", "x+/", "(g)/"]),
       date=st.sampled_from(["2024-01-15", "2024-1-5", "24-01-15"]),
       slug=st.text(alphabet="ab.-+_/ (", min_size=1, max_size=6),
       rel=st.text(alphabet="ab.-+_/ (2024015_posts", max_size=40))
def test_a_post_name_matches_as_jekylls_regex_does(path, date, slug, rel):
    """The text comparison for a literal path answers as PostComparer's regex would."""
    expected = _name_regex(path, date, slug).search(rel) is not None
    assert bool(_name_matcher(path, date, slug)(rel)) == expected
    for made in (f"_posts/{path}{date}-{slug}.md", f"{path}_posts/{date}-{slug}.md", f"{path}_posts{date}-{slug}.x/y",
                 f"_posts/{path}{date}-{slug}..md", f"_posts/{path}{date}-{slug}."):
        assert bool(_name_matcher(path, date, slug)(made)) == (_name_regex(path, date, slug).search(made) is not None)
