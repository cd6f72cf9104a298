"""The Post model: exact positions of front-matter keys, Liquid tags, links, images, headings."""

from __future__ import annotations

from pathlib import Path

from postlint.parse.post import Post
from postlint.parse.source import Source


def make_post(text: str, name: str = "_posts/2024-01-01-x.md") -> Post:
    return Post(Source.from_text(Path(name), text), name, name, "post")


TEXT = """\
---
title: "Links"
date: 2024-01-01
---
# Heading one

See [the guide]({% post_url 2024-01-01-guide %}){:target="_blank"} and ![A chart](/img/chart.png).

```liquid
{% post_url 2020-01-01-in-a-fence %}
```

{% raw %}{% post_url 2020-01-01-in-raw %}{% endraw %}

Inline `code [not](a-link)` and <img src="/img/a.png"> and [ref link][r].

<div>
  <img src="{{ 'img/b.png' | relative_url }}" alt="B">
  <a href="/request-demo">here</a>
</div>

### Skipped level

[r]: https://example.com/ref
"""


def test_front_matter_key_lines():
    post = make_post(TEXT)
    assert post.front_matter.keys["title"].line == 2
    assert post.front_matter.keys["date"].line == 3
    assert post.body_line == 5


def test_liquid_positions_and_raw():
    post = make_post(TEXT)
    names = [(t.name, t.markup, post.position(t.start)) for t in post.tags("post_url")]
    assert names == [
        ("post_url", "2024-01-01-guide", (7, 17)),
        ("post_url", "2020-01-01-in-a-fence", (10, 1)),
    ]
    assert post.text[post.tags("post_url")[0].markup_start:].startswith("2024-01-01-guide")


def test_links_with_positions_and_ial():
    post = make_post(TEXT)
    links = [(l.kind, l.text, l.href, post.position(l.start), l.attrs) for l in post.body.links]
    assert links[0] == ("inline", "the guide", "{% post_url 2024-01-01-guide %}", (7, 5), {"target": "_blank"})
    assert ("reference", "ref link", "https://example.com/ref", (15, 60), {}) in links
    html = [l for l in links if l[0] == "html"]
    assert html == [("html", "here", "/request-demo", (19, 3), {"href": "/request-demo"})]
    assert not any("a-link" in l[2] for l in links), "links inside code spans are not links"


def test_a_link_whose_liquid_tag_spans_lines_is_a_link_and_lines_stay_the_files():
    # interrupt's 2020-07-29-cortex-m-debug-monitor.md:42: `[this article]({% post_url\n  2019-08-06-…%})`;
    # Jekyll renders the tag to one URL before kramdown reads the link
    post = make_post("---\ntitle: t\n---\nRead [this article]({% post_url\n  2024-01-01-a %}#x) and [that]({%\n"
                     "post_url 2024-01-01-b %}).\n\n## After\n\nText [last]({% post_url 2024-01-01-c\n%})\n")
    links = [(link.text, post.position(link.start)) for link in post.body.links]
    assert links == [("this article", (4, 6)), ("that", (5, 26)), ("last", (10, 6))]
    assert post.body.links[0].href == "{% post_url\n  2024-01-01-a %}#x"
    assert [(heading.text, heading.line) for heading in post.body.headings] == [("After", 8)]
    assert [(block.kind, block.line) for block in post.blocks] == [("paragraph", 4), ("heading", 8), ("paragraph", 10)]


def test_images_markdown_and_html():
    post = make_post(TEXT)
    images = [(i.kind, i.alt, i.src, post.position(i.start)) for i in post.body.images]
    assert images == [
        ("markdown", "A chart", "/img/chart.png", (7, 72)),
        ("html", None, "/img/a.png", (15, 33)),
        ("html", "B", "{{ 'img/b.png' | relative_url }}", (18, 3)),
    ]


def test_headings():
    post = make_post(TEXT)
    assert [(h.level, h.text, h.line) for h in post.body.headings] == [(1, "Heading one", 5), (3, "Skipped level", 22)]


def test_code_ranges_and_prose():
    post = make_post(TEXT)
    fence = post.text.index("{% post_url 2020-01-01-in-a-fence")
    assert post.in_code(fence)
    prose = post.body.prose
    assert len(prose) == len(post.text)
    assert "the guide" in prose and "post_url" not in prose and "chart.png" not in prose
    assert "not" not in prose.split()  # inline code is not prose
    assert "title" not in prose  # front matter is not prose


def test_crlf_positions_match_lf():
    lf = make_post(TEXT)
    crlf = make_post(TEXT.replace("\n", "\r\n"))
    assert [crlf.position(l.start) for l in crlf.body.links] == [lf.position(l.start) for l in lf.body.links]
    assert crlf.source.line_text(7) == lf.source.line_text(7)


def test_html_post_links_and_images():
    post = make_post('---\ntitle: t\n---\n<p><a href="/x">x</a> <img src="/i.png"></p>\n', name="_posts/2024-01-01-x.html")
    assert [l.href for l in post.body.links] == ["/x"]
    assert [(i.src, i.alt, post.position(i.start)) for i in post.body.images] == [("/i.png", None, (4, 23))]


def test_reference_definition_below_a_liquid_only_line_is_a_definition():
    # Jekyll leaves an empty line where `{% include %}` or `{% if %}` stood, so kramdown reads the
    # definition below it; as filler text the line glued the definition into the paragraph.
    for tag in ("{% include cta.html %}", "{%- if page.cta -%}"):
        post = make_post(f"---\ntitle: t\n---\nSee [the pricing guide][p] first.\n{tag}\n[p]: /pricing/\n")
        assert [(link.text, link.href) for link in post.body.links] == [("the pricing guide", "/pricing/")]
        assert "/pricing/" not in post.body.prose


def test_reference_labels_defined_by_an_include_are_not_prose():
    text = "---\ntitle: t\n---\nCompare [win rates][wr] by segment.\n\n{% include links.md %}\n"
    prose = make_post(text).body.prose
    assert prose.split() == ["Compare", "win", "rates", "by", "segment."]
    without_include = make_post(text.replace("{% include links.md %}", "")).body.prose
    assert "wr" in without_include.split()  # no include: the brackets are text the reader sees
