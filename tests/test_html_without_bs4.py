"""Raw HTML is read without beautifulsoup4 (parse/htmltree.py): its import alone cost ~175 ms of
a one-post run. These tests hold the new reading to the bs4-based code it replaced, kept below as
a reference, on hand-written tricky fragments, generated ones and every HTML fragment of the
fixtures; and check that a normal run no longer imports bs4."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from bs4.exceptions import ParserRejectedMarkup
from helpers import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.parse import html as html_module
from postlint.parse import markdown
from postlint.parse.definitions import Definition, _html_definitions, term_key
from postlint.parse.html import HtmlElement, html_elements
from postlint.parse.htmltree import parse_html
from postlint.parse.post import POST_EXTENSIONS, Post
from postlint.parse.source import Source, UnreadableFile, decode

# --- the bs4-based code as it was (src/postlint/parse/html.py and definitions.py) ---------------

_MARKED_SECTION = re.compile(r"<!\[")


def bs4_soup(fragment: str) -> BeautifulSoup | None:
    try:
        return BeautifulSoup(fragment, "html.parser")
    except ParserRejectedMarkup:
        try:
            return BeautifulSoup(_MARKED_SECTION.sub(lambda m: " " * len(m.group(0)), fragment), "html.parser")
        except ParserRejectedMarkup:
            return None


def bs4_html_elements(fragment: str, offset: int) -> list[HtmlElement]:
    soup = bs4_soup(fragment)
    if soup is None:
        return []
    local_starts = [0] + [m.end() for m in re.finditer("\n", fragment)]
    elements = []
    for tag in soup.find_all(["a", "img"]):
        line = (tag.sourceline or 1) - 1
        start = local_starts[min(line, len(local_starts) - 1)] + (tag.sourcepos or 0)
        close = fragment.find(">", start)
        end = len(fragment) if close == -1 else close + 1
        attrs = {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in tag.attrs.items()}
        text = tag.get_text(" ", strip=True) if tag.name == "a" else ""
        elements.append(HtmlElement(tag.name, attrs, text, offset + start, offset + end, fragment[start:end]))
    return elements


def bs4_html_definitions(post, soup=bs4_soup) -> list[Definition]:
    """The old _html_definitions, but for `soup`: it called BeautifulSoup(fragment, "html.parser")
    itself, so markup html.parser rejects crashed it (test_rejected_markup_no_longer_crashes)."""
    found = []
    for start, end in post.body.html_ranges:
        fragment = post.text[start:end]
        if "<dt" not in fragment.lower():
            continue
        first_line = post.position(start)[0]
        parsed = soup(fragment)
        for dt in parsed.find_all("dt") if parsed is not None else []:
            parts = []
            for sibling in dt.find_next_siblings(["dt", "dd"]):
                if sibling.name == "dt":
                    break
                parts.append(sibling.get_text(" "))
            term = " ".join(dt.get_text(" ").split())
            words = " ".join(parts).split()
            if term and words:
                found.append(Definition(term, term_key(term), words, first_line + (dt.sourceline or 1) - 1,
                                        (dt.sourcepos or 0) + 1, "html"))
    return found


# --- comparison --------------------------------------------------------------------------------


def fragment_post(fragment: str):
    """What _html_definitions reads of a post whose body is one HTML block starting on line 3."""
    return SimpleNamespace(text=fragment, body=SimpleNamespace(html_ranges=[(0, len(fragment))]),
                           position=lambda offset: (3, 1))


def assert_same(fragment: str) -> None:
    assert html_elements(fragment, 7) == bs4_html_elements(fragment, 7)
    post = fragment_post(fragment)
    assert _html_definitions(post) == bs4_html_definitions(post)


TRICKY = [
    # links: nesting, unclosed, overlapping, stray end tags
    '<a href="/one">one <a href="/two">two</a> after</a>',
    "<a href=x>unclosed <b>bold <i>both</b> still</a> out",
    "<p><a href=x>in p</p> after p</a>",
    "</a><a href=a>x</a></a></a>",
    "<a/>text<a href=y/>more",
    "<a href=x>a<img src=i.png>b</img>c</a>",
    "<a>x</img>y</a>",
    "<a>x<br>y</br>z</a>",
    "<img src=a><img src=b></img></img><a>t</img>u</a>",
    "<a>one<a>two<a>three</a>",
    # attributes
    "<a href>bare</a><img alt src=x.png>",
    "<a href=1 href=2 HREF=3 title=t>dup</a>",
    "<A HREF='/UP' Class=' b  a\tc '>UPPER</A>",
    '<a rel="nofollow  noopener" rev=" x " accesskey=" k  l " dropzone=" copy move ">attrs</a>',
    "<img class='x\u00a0y\u2003z' headers='h1 h2' rel='a b'>",
    '<a href="/x?a=1&amp;b=2&copy&#x41;&#0;&bogus;" title=\'&quot;q&quot;\'>refs</a>',
    "<a href='' title=>empty values</a>",
    "<a href=x/>self-closing with a bare value",
    "<img src=x.png/ alt='a/b'>",
    # references in text
    "<a href=x>&amp; &amp &nbsp; &nbsp &foo; &foo &#x41; &#65 &#0; &#128; &#x9d; &#xD800; &#1114112; &#;</a>",
    "<a href=x>a&amp;b&lt;c</a>",
    "<a href=x>AT&T &; & x</a>",
    "<a href=x>trailing &amp",
    "<a href=x>tail &#65",
    "<a href=x>tail &",
    # things that are not text
    "<a href=x>before<script>var a = '<a href=in-script>no</a>';</script>after</a>",
    "<a href=x><style>a { color: red }</style>styled</a>",
    "<a href=x><template><a href=t>in template</a></template> out</a>",
    "<a href=x>ruby <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby></a>",
    "<a href=x>a<!-- comment <a href=c>no</a> -->b</a>",
    "<a href=x>c<![CDATA[ data <b> ]]>d</a>",
    "<!doctype html><a href=x>doc</a>",
    "<?php echo 1 ?><a href=x>pi</a><?xml version='1.0'?>",
    "<a href=x>e<!bogus comment>f</a>",
    "<a href=x>g</ b>h</>i</a>",
    "<a href=x>un<![if word]>cond<![endif]>itional</a>",
    # malformed declarations html.parser rejects
    "<a href=x>before <![x after</a>",
    "<![ <a href=y>y</a>",
    "<![1]><a href=z>z</a>",
    "<dl><dt>Term</dt><dd>text <![x</dd></dl>",
    # unfinished at the end
    "<a href=x>text <b",
    '<a href="unterminated>text',
    "<a href=x>x <!-- never closed",
    "<a href=x>x < y and x<3</a>",
    "<a\nhref='/multi'\n  title=\"line\">multi\nline</a>",
    "line one\r\n<a href=crlf>crlf\r\ntext</a>\r\n<img\r\nsrc=c.png>",
    "  <p>\n    <a href=x>\n      spaced\n    </a>\n  </p>",
    "<pre>  <a href=x>  pre  </a>  </pre>",
    "<textarea><a href=x>in textarea</a></textarea>",
    "<a href='/ü'>naïve café — 日本語 \u00a0</a><img alt='é' src=é.png>",
    "<a href=x>\u00a0\u2003</a><a href=y> \t </a>",
    "<a href=x>é</a>\n\n\n<a href=y>\u2028sep</a>",
    # definition lists
    "<dl><dt>Churn</dt><dd>customers who leave</dd><dd>in a period</dd><dt>Next</dt><dd>other</dd></dl>",
    "<dl><dt>No close<dd>one<dd>two<dt>Second<dd>three</dl>",
    "<dl><dt>Outer</dt><dd>outer text<dl><dt>Inner</dt><dd>inner text</dd></dl> more</dd></dl>",
    "<dl><dt>Outer<dl><dt>Inner<dd>in</dl><dd>after</dl>",
    "<dt>Loose</dt>\n<p>between</p>\n<dd>def</dd>",
    "<DL>\n  <DT>Upper <b>bold</b> term</DT>\n  <DD>Upper <i>text</i> &amp; more</DD>\n</DL>",
    "<dl><dt><!-- c -->Term<script>x</script></dt><dd><template>t</template>def<![CDATA[cd]]></dd></dl>",
    "<dl><dt></dt><dd>empty term</dd><dt>empty def</dt><dd> </dd></dl>",
    "<dl><dt>a</dt><dd>b</dd></dl><dl><dt>c</dt><dd>d</dd></dl>",
    "<div><dt>in div</dt></div><dd>outside</dd>",
    "<dl>\n<dt>Widget\n<dd>small\n\n<dt>Gadget\n<dd>large\n</dl>",
]


@pytest.mark.parametrize("fragment", TRICKY)
def test_tricky_fragments_read_as_bs4_read_them(fragment):
    assert_same(fragment)


def test_the_tricky_fragments_exercise_what_they_claim():
    """A differential test proves nothing on fragments where both sides find nothing."""
    elements = [element for fragment in TRICKY for element in html_elements(fragment, 0)]
    assert len([e for e in elements if e.tag == "a" and e.text]) >= 45 and len(elements) >= 60
    assert sum(len(_html_definitions(fragment_post(fragment))) for fragment in TRICKY) >= 8


def test_rejected_markup_no_longer_crashes():
    """The one difference: a <dt> fragment html.parser rejects made the old _html_definitions raise
    (three definition rules reported internal errors); it is now read as html_elements read such
    fragments, with "<![" blanked."""
    post = fragment_post("<dl><dt>Widget</dt><dd>a small thing <![x</dd></dl>")
    with pytest.raises(ParserRejectedMarkup):
        bs4_html_definitions(post, soup=lambda fragment: BeautifulSoup(fragment, "html.parser"))
    assert [d.term for d in _html_definitions(post)] == ["Widget"]


PIECES = [
    "<a href=x>", "<a href='/y' class=' p  q '>", '<A HREF="z" rel="a  b">', "<a>", "<a/>", "</a>", "</A>",
    "<img src=i.png alt>", "<img src=j.png/>", "<IMG SRC=k>", "</img>", "<br>", "</br>", "<hr/>",
    "<b>", "</b>", "<p>", "</p>", "<div>", "</div>", "<pre>", "</pre>",
    "<dl>", "</dl>", "<dt>", "</dt>", "<DT>", "<dd>", "</dd>",
    "<script>", "</script>", "<style>", "</style>", "<template>", "</template>", "<rt>", "</rt>",
    "<!-- c -->", "<!--", "-->", "<![CDATA[cd]]>", "<![CDATA[", "]]>", "<!doctype html>", "<?pi x?>",
    "<![x", "<![", "<!", "</", "<", ">", "/>", "=", '"', "'",
    "text", "word", " ", "  ", "\n", "\r\n", "\t", "é", "日本", "\u00a0",
    "&amp;", "&amp", "&nbsp", "&foo;", "&#x41;", "&#65", "&#0;", "&#128;", "&", "&#", ";",
]

fragments = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet="<>/!?=&#;'\" aAbdtx\n-[]", max_size=4)),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(fragments)
def test_generated_fragments_read_as_bs4_read_them(fragment):
    assert_same(fragment)


def _fixture_posts():
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix.lower() in POST_EXTENSIONS and path.is_file() and ".postlint_cache" not in path.parts:
            try:
                text = decode(path.read_bytes())[0]
            except UnreadableFile:
                continue
            yield Post(Source.from_text(path, text), path.name, path.name, "post")


def test_every_html_fragment_of_the_fixtures_reads_as_before(monkeypatch):
    compared = []

    def checked(fragment: str, offset: int) -> list[HtmlElement]:
        found = html_elements(fragment, offset)
        assert found == bs4_html_elements(fragment, offset), fragment
        compared.append(found)
        return found

    monkeypatch.setattr(markdown, "html_elements", checked)  # Markdown posts' blocks and inline HTML
    monkeypatch.setattr(html_module, "html_elements", checked)  # HTML posts
    definitions = 0
    for post in _fixture_posts():
        post.body  # noqa: B018 - parsing the body reads its HTML
        found = _html_definitions(post)
        assert found == bs4_html_definitions(post), post.path
        definitions += len(found)
    assert sum(map(len, compared)) >= 20 and definitions > 0  # the fixtures hold 25 elements and one <dt>


def test_a_run_reads_raw_html_without_importing_bs4(tmp_path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (site / "_posts" / "2024-01-01-raw-html.md").write_text(
        "---\ntitle: Raw HTML in a post\n---\n"
        "Churn\n: the share of customers who leave during a period.\n\n"
        "<dl>\n  <dt>Churn</dt>\n  <dd>the share of customers who leave during a period.</dd>\n</dl>\n\n"
        'Or <a href="https://example.com/html">here</a>.\n\n<img src="/missing.png">\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "postlint", "--no-cache", "--jobs", "1",
                          "--format", "json", "."], cwd=site, capture_output=True, text=True, timeout=120)
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "postlint.parse.htmltree" in imported
    assert not {name for name in imported if name.split(".")[0] in ("bs4", "soupsieve")}
    # and the HTML was read: the <dt>, the <a> and the <img> each have their finding
    found = {(f["line"], f["column"], f["code"]) for f in json.loads(run.stdout)}
    assert {(8, 3, "CPY001"), (12, 4, "CPY003"), (14, 1, "IMG001")} <= found


def test_long_lists_and_stray_end_tags_take_linear_time():
    """Untrusted posts: 20,000 <dt>/<dd> pairs and 50,000 stray end tags under 50,000 open
    elements read in about a second each; looking up each <dt>'s place among its siblings, or
    searching every open element for each end tag, took minutes (quadratic)."""
    started = time.perf_counter()
    pairs = "<dl>" + "<dt>term</dt><dd>what it means</dd>" * 20_000 + "</dl>"
    definitions = [dt for dt in parse_html(pairs) if dt.name == "dt"]
    found = []
    for dt in definitions:
        for sibling in dt.following_siblings():
            if sibling.name == "dt":
                break
            found.append(sibling.name)
    assert len(definitions) == len(found) == 20_000
    stray = "<a href=x>" + "<span>" * 50_000 + "</b>" * 50_000 + "</a>"
    assert [element.attrs for element in html_elements(stray, 0)] == [{"href": "x"}]
    assert time.perf_counter() - started < 30
