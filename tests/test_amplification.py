"""Untrusted pull requests: inputs a few hundred kilobytes long that cost postlint's own rules
quadratic time (or worse) before. Each test builds the input, runs the rules in-process and
bounds their CPU time generously: the quadratic versions took ten to a hundred times longer."""

from __future__ import annotations

import time
from pathlib import Path

from helpers import run, time_limit

FRONT = "---\ntitle: Pipeline reviews\ndate: 2024-01-01\ndescription: How our team reviews its pipeline every week.\n"


def _site(tmp_path: Path, posts: dict[str, str], config: str = "title: t\nurl: https://example.com\n") -> Path:
    (tmp_path / "_posts").mkdir(parents=True, exist_ok=True)
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    for rel, text in posts.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def _timed(site: Path, select: list[str], seconds: float) -> list:
    """The findings of `select` on `site`, failing when they take over `seconds` of CPU time."""
    started = time.thread_time()  # CPU time: other tests run beside this one
    with time_limit(20 * seconds):
        result, _ = run([site], select=select, jobs=1)
    spent = time.thread_time() - started
    assert spent < seconds, f"{select} took {spent:.1f}s of CPU time"
    return result.findings


def test_images_among_liquid_outputs(tmp_path):
    """Each image asked whether a Liquid tag starts inside its alt text (image-alt, keyphrase)
    and each Liquid output whether it is inside an image's source (relative-url-target), by a
    scan of every tag or image: 10,000 of each took 5 s a rule."""
    body = "![image](b.png) {{ x }} " * 10_000
    site = _site(tmp_path, {"_posts/2024-01-01-x.md": FRONT + "keyphrase: pipeline\n---\n" + body})
    findings = _timed(site, ["IMG001", "SEO008", "LNK003"], 3)
    assert sum(f.code == "IMG001" for f in findings) == 10_000


def test_footnotes_and_links_among_html_blocks_and_comments(tmp_path):
    """footnote-reference and unclosed-link asked for each marker and bracket whether it is in an
    HTML block or a comment, self-link for each URL whether it is in a comment, by a scan of
    every block: 5,000 blocks and 10,000 markers took seconds a rule."""
    body = ("<div>x</div>\n\n{% comment %}{% endcomment %}\n\n" * 5_000 + "a[^1] " * 10_000 + "\n\n[^1]: note\n\n"
            + "[a](https://x.example/y\n\n" * 5_000 + "<https://example.com/a> " * 10_000)
    site = _site(tmp_path, {"_posts/2024-01-01-x.md": FRONT + "---\n" + body})
    findings = _timed(site, ["MD001", "MD002", "LNK005"], 3)
    assert {f.code for f in findings} == {"MD002", "LNK005"}


def test_links_and_definition_terms_left_open(tmp_path):
    """Each text inside an element is text of every element around it, and bs4 (as which HTML is
    read) nests an `<a>` left open around the next one and a `<dd>` around the next `<dt>`: each
    string was copied to every open link, and each element's text joined anew. 10,000 links left
    open in a paragraph or an HTML block, or 10,000 nested terms, took 5 to 20 s and gigabytes."""
    links = "Read <a href='/x'>more " * 10_000 + "\n\n" + "Read " + "<a href='/x'>w " * 5_000 + "</a>" * 5_000
    blocks = ("<div>\n" + "<a href='x'>w " * 10_000 + "\n</div>\n\n<dl>\n" + "<dt>w " * 10_000 + "\n</dl>\n\n<dl>\n"
              + "<dt>t</dt><dd>w " * 10_000 + "\n</dl>\n")
    site = _site(tmp_path, {"_posts/2024-01-01-x.md": FRONT + "---\n" + links + "\n\n" + blocks})
    _timed(site, ["CPY001", "CPY002", "CPY003"], 4)


def test_nested_links_keep_their_texts():
    """What is read of links that nest a little, as bs4 reads them, is unchanged by the budget."""
    from postlint.parse.post import Post
    from postlint.parse.source import Source

    text = ("---\ntitle: t\n---\nSee <a href='/a'>one <a href='/b'>two</a> three</a> and [x *y*](/c).\n\n"
            "<p><a href='/d'>four <a href='/e'>five</a> six</a></p>\n")
    post = Post(Source.from_text(Path("2024-01-01-x.md"), text), "2024-01-01-x.md", "2024-01-01-x.md", "post")
    assert [(link.href, link.text) for link in post.body.links] == [
        ("/a", "one two three"), ("/b", "two"), ("/c", "x y"), ("/d", "four five six"), ("/e", "five")]


def test_two_long_texts_after_one_bold_lead_in(tmp_path):
    """conflicting-definition compares two definitions of a term word by word (difflib: up to n²
    steps for n words): two 'definitions' of 10,000 words took 11 s. A text of over
    `max_definition_words` (40) is a paragraph and is not compared; a definition still is."""
    long = "a b " * 5_000
    body = (f"**Ramp**: {long} x\n\n**Ramp**: {long} y\n\n"
            "**Win rate**: won deals divided by all opportunities.\n\n"
            "**Win rate**: won deals divided by qualified opportunities.\n")
    site = _site(tmp_path, {"_posts/2024-01-01-x.md": FRONT + "---\n" + body})
    findings = _timed(site, ["CPY002"], 2)
    assert [f.message for f in findings] == [
        "'Win rate' is defined differently here than on line 10 (all → qualified); lines 10 and 12"]


def test_thousands_of_posts_with_one_title_and_description(tmp_path):
    """duplicate-title and duplicate-description gave each post every earlier post with its value,
    though they name only the earliest and count the others: 2,000 posts with one title took 14 s
    and 1.2 GB, quadratic in the posts."""
    posts = {f"_posts/2024-01-01-p{number}.md": FRONT + "---\nA post.\n" for number in range(2_000)}
    site = _site(tmp_path, posts)
    findings = _timed(site, ["SEO006", "SEO007"], 5)
    assert len(findings) == 2 * 1_999
    assert findings[-1].message == ("same description as the earlier post _posts/2024-01-01-p0.md:4 (and 1998 other "
                                    "earlier posts): search results show the same snippet for both")


def test_a_term_that_thousands_of_posts_define_differently(tmp_path):
    """cross-post-definition compared each post's definition with every other post's (and the
    term's definitions were digested once for each post): 2,000 posts defining one term each
    their own way took 40 s. A lead-in followed by more than 32 different texts is a label; a
    term that a few posts define differently is still reported."""
    words = ["pipeline", "quota", "forecast", "renewal", "churn", "margin", "seat", "region", "deal", "stage"]
    posts = {f"_posts/2024-01-01-p{n}.md": f"{FRONT}---\n**Ramp**: {' '.join(f'{words[n % 10]}{n}{i}' for i in range(6))}\n"
             for n in range(1_500)}
    posts["_posts/2024-02-01-a.md"] = FRONT + "---\n**Win rate**: won deals divided by all opportunities.\n"
    posts["_posts/2024-02-02-b.md"] = FRONT + "---\n**Win rate**: won deals divided by qualified opportunities.\n"
    site = _site(tmp_path, posts)
    findings = _timed(site, ["CPY006"], 5)
    assert [(Path(f.path).name, f.message) for f in findings] == [
        ("2024-02-01-a.md", "'Win rate' is defined differently than in _posts/2024-02-02-b.md line 6 "
                            "(qualified → all)"),
        ("2024-02-02-b.md", "'Win rate' is defined differently than in _posts/2024-02-01-a.md line 6 "
                            "(all → qualified)")]


def _calls_per_post(tmp_path: Path, posts: int, select: str, body: str, monkeypatch, method: str) -> float:
    """Calls of Site.`method` per post when each of `posts` posts holds `body` (`{n}`: its number)."""
    from postlint.jekyll.site import Site

    site = _site(tmp_path / str(posts), {f"_posts/2024-01-01-p{n}.md": FRONT + "---\n" + body.format(n=n)
                                         for n in range(posts)})
    real = getattr(Site, method)
    calls = [0]

    def counted(self, *args, **kwargs):
        calls[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Site, method, counted)
    run([site], select=[select], jobs=1)
    monkeypatch.setattr(Site, method, real)
    return calls[0] / posts


def test_broken_post_url_and_link_tags_across_many_posts(tmp_path, monkeypatch):
    """A post_url or link tag that names no post went over every post or file of the site to say
    why (a draft? another case? did you mean?): thousands of posts with a broken tag each took
    minutes, quadratic in the posts. The site's names are now found once per run: the work per
    post stays the same as the site doubles."""
    post_url = "See {{% post_url 2024-01-01-q{n}x %}}.\n"
    link = "See {{% link _posts/2024-01-01-q{n}x.md %}}.\n"
    for select, body, method in (("LNK001", post_url, "unpublished_reason"), ("LNK002", link, "is_served_as_is")):
        small = _calls_per_post(tmp_path / select, 60, select, body, monkeypatch, method)
        large = _calls_per_post(tmp_path / select, 120, select, body, monkeypatch, method)
        assert large < 1.3 * small, (select, small, large)


def test_a_keyphrase_of_thousands_of_words(tmp_path):
    """keyphrase counted its phrase by comparing a slice of k words at each of the body's n words:
    a keyphrase of 40,000 words over a body of 80,000 took 6 s. Each word is now one character
    and str.count finds the phrase; a phrase is still found where it stands."""
    phrase = "pipeline " * 40_000
    body = "pipeline review " * 40_000
    site = _site(tmp_path, {"_posts/2024-01-01-x.md": f"{FRONT}keyphrase: {phrase}\n---\n{body}\n",
                            "_posts/2024-01-02-y.md": f"{FRONT}keyphrase: weekly pipeline review\n---\n"
                                                      + "Our weekly pipeline review, step by step. " * 40})
    findings = _timed(site, ["SEO008"], 2)
    assert sorted((Path(f.path).name, f.message[-50:]) for f in findings if "density" in f.message) == [
        ("2024-01-01-x.md", "of 0% (0 times in 80000 words); keep it between 0.5% and 3%"[-50:]),
        ("2024-01-02-y.md", "of 14.3% (40 times in 280 words); keep it between 0.5% and 3%"[-50:])]


def test_thousands_of_comment_blocks(tmp_path):
    """The words a reader reads (Post.reader_prose) blanked each `{% comment %}` body with a copy
    of the whole text: 32,000 comments in 2 MB made 64 GB of copies (5 s)."""
    body = "Pipeline review the the notes. {% comment %}x{% endcomment %}\n" * 32_000
    site = _site(tmp_path, {"_posts/2024-01-01-x.md": FRONT + "---\n" + body})
    findings = _timed(site, ["CPY004"], 3.5)
    assert len(findings) == 32_000


def test_two_long_descriptions(tmp_path):
    """duplicate-description compared two descriptions word by word in full (difflib: up to n²
    steps): two of 12,000 words took 7 s, of 16,000 words 16 s. The first 128 words are compared
    (search results show about thirty): these two are nearly the same."""
    words = "a b " * 6_000
    site = _site(tmp_path, {"_posts/2024-01-01-a.md": f"---\ntitle: A\ndescription: {words} x\n---\nA post.\n",
                            "_posts/2024-01-02-b.md": f"---\ntitle: B\ndescription: {words} y\n---\nA post.\n"})
    [finding] = _timed(site, ["SEO007"], 2)
    assert finding.message.startswith("nearly the same description as the earlier post _posts/2024-01-01-a.md:3 "
                                      "(similarity 1.00)")


def test_thousands_of_broken_links_in_one_post(tmp_path):
    """Each broken link's "did you mean" compares it with up to a thousand addresses (ten
    microseconds each): a post of 30,000 broken links took minutes. A file's questions may compare
    2,000 names and one more per 4 characters of it; the first broken links keep their hint."""
    posts = {f"_posts/2024-01-01-p{n}.md": f"---\ntitle: Post {n}\n---\nA post.\n" for n in range(900)}
    posts["_posts/2024-02-01-big.md"] = FRONT + "---\n" + "".join(f"[x](/2024/01/01/p{n}x.html)\n"
                                                                   for n in range(3_000))
    posts["_posts/2024-02-02-small.md"] = FRONT + "---\nSee [the first post](/2024/01/01/p1x.html).\n"
    site = _site(tmp_path, posts)
    findings = _timed(site, ["LNK003"], 3)
    big = [f.message for f in findings if f.path.endswith("big.md")]
    assert len(big) == 3_000
    assert big[0].endswith("did you mean `/2024/01/01/p0.html`?")
    addresses = 902  # every post's
    assert sum("did you mean" in message for message in big) == (
        2_000 + len(posts["_posts/2024-02-01-big.md"]) // 4) // addresses
    [small] = [f.message for f in findings if f.path.endswith("small.md")]
    assert small.endswith("did you mean `/2024/01/01/p1.html`?")


def test_many_relative_images_find_the_post_url_once(tmp_path, monkeypatch):
    """image-missing resolved each relative image against the post's URL, found again for each
    image (filling its permalink with the date, categories and slug): a tenth of a millisecond
    each, 5 s for a 1 MB post of `![a](b)`. It is found once per post."""
    from postlint.jekyll.site import Site

    site = _site(tmp_path, {"_posts/2024-01-01-x.md": FRONT + "---\n" + "![a](b.png) " * 1_000})
    real = Site.published_url
    calls = []
    monkeypatch.setattr(Site, "published_url", lambda self, rel: calls.append(rel) or real(self, rel))
    result, _ = run([site], select=["IMG002"], jobs=1)
    assert len(result.findings) == 1_000
    assert calls == ["_posts/2024-01-01-x.md"]
