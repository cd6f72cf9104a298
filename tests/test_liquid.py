"""liquid-syntax (LIQ001), and what Liquid blocks become for the Markdown parse (liquid.markdown_view)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run
from test_parsing import make_post

from postlint.parse.liquid import markdown_view, mask, scan_liquid


def findings(tmp_path: Path, body: str) -> list[tuple[int, int, str]]:
    (tmp_path / "_config.yml").write_text("title: t\n")
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2024-01-01-target.md").write_text("---\ntitle: Target\n---\nPipeline.\n")
    (posts / "2024-02-01-x.md").write_text(f"---\ntitle: X\n---\n{body}\n")
    result, _ = run([posts / "2024-02-01-x.md"], select=["liquid-syntax"])
    assert not [f for f in result.findings if f.internal], result.findings
    return [(f.line, f.column, f.message) for f in result.findings]


@pytest.mark.parametrize("body", [
    "{% if a %}x{% elsif b %}y{% else %}z{% endif %}",
    "{%- unless a -%}x{%- endunless -%}",
    "{% case a %}{% when 1 %}one{% endcase %}",
    "{% for a in b %}{% if a %}{% break %}{% endif %}{% endfor %}",
    "{% tablerow a in b %}{{ a }}{% endtablerow %}",
    "{% capture c %}x{% endcapture %}{{ c }}",
    "{% highlight ruby %}\n# {% if %} runs here, and is closed\n{% endif %}\n{% endhighlight %}",
    "{% raw %}{% if a %} {% endfor %} are text here{% endraw %}",
    "{% comment %}a stray {% endif %} and {% endfor %}: Liquid ignores them{% endcomment %}",
    "{% comment %}{% if a %}closed inside{% endif %}{% endcomment %}",
    "{% include {{ page.cta }} %} and {% link {{ page.doc }} %}",  # outputs in a tag's markup are valid
    "{% comment %}{% post_url 2024-01-01-target ({% post_url x %}) %}{% endcomment %}",
    "{% blockdiag %}a -> b{% endblockdiag %} {% endtabs %}",  # plugin tags: not known, not checked
])
def test_valid_liquid_is_quiet(tmp_path, body):
    assert findings(tmp_path, body) == []


@pytest.mark.parametrize("name", ["raw", "comment", "if", "unless", "case", "for", "capture", "highlight"])
def test_a_block_never_closed_is_reported_at_its_opening_tag(tmp_path, name):
    found = findings(tmp_path, f"Intro.\n\nText {{%- {name} x -%}}\nmore")
    assert found == [(6, 6, f"'{name}' tag was never closed: `jekyll build` stops with this Liquid syntax error; "
                            f"close it with {{% end{name} %}}")]


def test_an_end_tag_that_closes_nothing(tmp_path):
    assert findings(tmp_path, "Win rates.\n{% endcapture %}") == [
        (5, 1, "Unknown tag 'endcapture': no {% capture %} is open here, and `jekyll build` stops with this Liquid "
               "syntax error; remove it or add the opening tag")]


def test_an_end_tag_of_another_block_names_the_open_one(tmp_path):
    found = findings(tmp_path, "{% for r in reps %}\n{% if r.active %}\n{{ r.name }}\n{% endfor %}\nDone.")
    assert found == [(7, 1, "'endfor' is not a valid delimiter for if tags. use endif: the {% if %} on line 5 is "
                            "still open, and `jekyll build` stops with this Liquid syntax error")]


def test_a_block_opened_inside_a_comment_must_close_inside_it(tmp_path):
    found = findings(tmp_path, "{% comment %}\n{% if beta %}\n{% endcomment %}")
    assert [(line, message.split(":")[0]) for line, _, message in found] == [
        (6, "'endcomment' is not a valid delimiter for if tags. use endif")]


def test_a_comment_inside_a_comment_needs_its_own_end(tmp_path):
    found = findings(tmp_path, "{% comment %}\n{% comment %}\n{% endcomment %}")
    assert [(line, column) for line, column, _ in found] == [(4, 1)]


def test_a_tag_inside_a_tag_spread_over_lines(tmp_path):
    found = findings(tmp_path, "Read [it]({% post_url\n({% post_url 2024-01-01-target %}) %}).")
    assert len(found) == 1
    line, column, message = found[0]
    assert (line, column) == (4, 11)
    assert message.startswith("'{% post_url 2024-01-01-target %}' is inside the markup of this {% post_url %}: "
                              "Liquid ends a tag at its first '%}', so Jekyll reads '({% post_url 2024-01-01-target' "
                              "as its markup and prints the '%}' that follows it on the page")


def test_fingerprints_do_not_depend_on_the_line(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = run_fingerprints(tmp_path / "a", "{% if a %}")
    assert first == run_fingerprints(tmp_path / "b", "Intro.\n\nMore intro.\n\n{% if a %}")


def run_fingerprints(root: Path, body: str) -> list[str]:
    (root / "_config.yml").write_text("title: t\n")
    (root / "_posts").mkdir()
    (root / "_posts" / "2024-02-01-x.md").write_text(f"---\ntitle: X\n---\n{body}\n")
    result, _ = run([root], select=["liquid-syntax"])
    return [f.fingerprint for f in result.findings]


def view(text: str) -> str:
    scan = scan_liquid(text)
    spans = [(tag.start, tag.end) for tag in scan.tags]
    return markdown_view(text, mask(text, spans), spans + scan.code_ranges)


def test_markdown_view_blanks_comments_highlight_bodies_and_tag_only_lines():
    text = ("Intro {{ page.x }}.\n{% if a %}\n[r]: /u\n{% highlight ruby %}\n# code\n{% endhighlight %}\n"
            "Text {% comment %}# note{% endcomment %} end.\n  {% assign a = 1 %} {% include b.html %}  \n")
    lines = view(text).split("\n")
    assert lines[0] == "Intro " + "x" * len("{{ page.x }}") + "."  # outputs render as text
    assert lines[1].strip() == "" and lines[2] == "[r]: /u"
    assert all(not line.strip() for line in lines[3:6])
    assert lines[6] == "Text " + " " * len("{% comment %}# note{% endcomment %}") + " end."
    assert not lines[7].strip()
    assert len(view(text)) == len(text)


def test_markdown_view_keeps_tags_inside_a_line_and_unclosed_blocks():
    text = "[a]({% post_url x %}) {% if a %}\n{% comment %}\n# Still parsed: the build fails anyway\n"
    lines = view(text).split("\n")
    assert lines[0] == "[a](" + "x" * len("{% post_url x %}") + ") " + "x" * len("{% if a %}")
    assert lines[2] == "# Still parsed: the build fails anyway"


def test_markdown_view_puts_a_tag_spanning_lines_on_the_line_it_starts_on():
    text = "[a]({% post_url\n x %}) b\n{% if a\n %}\n{% comment %}{% c\n %}{% endcomment %}\nc\n"
    lines = view(text).split("\n")
    assert lines[0] == "[a](" + "x" * len("{% post_url\n x %}") + ") b"  # the output of a tag holds no line break
    assert [line.strip() for line in lines[1:]] == ["", "", "", "", "c", ""]  # blanked tags keep their lines
    assert len(view(text)) == len(text)


def test_highlight_body_is_code_not_headings_or_links():
    post = make_post("---\ntitle: t\n---\n{% highlight ruby %}\n# Load deals\n[x](/y)\n{% endhighlight %}\n## Totals\n")
    assert [h.text for h in post.body.headings] == ["Totals"]
    assert post.body.links == []
    assert post.in_code(post.text.index("# Load deals"))
    assert "Load" not in post.body.prose


def test_comment_body_is_invisible_to_every_rule():
    post = make_post("---\ntitle: t\n---\nIntro.\n{% comment %}\n# Draft\n[click here](/x) TODO\n{% endcomment %}\nEnd.\n")
    assert post.body.headings == [] and post.body.links == []
    assert post.body.prose.split() == ["Intro.", "End."]
