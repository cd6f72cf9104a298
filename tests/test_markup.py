"""footnote-reference (MD001) and unclosed-link (MD002): what kramdown makes of footnotes and of a
link whose parenthesis never closes, checked against kramdown 2.4's own output (see each case)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import run


def lint(tmp_path: Path, body: str, rule: str, config: str = "title: t\n", name: str = "2024-01-01-post.md"):
    """(line, column, message) of each finding `rule` reports on one post with this body."""
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    (tmp_path / "_posts").mkdir(exist_ok=True)
    post = tmp_path / "_posts" / name
    post.write_text("---\ntitle: A post\n---\n" + body, encoding="utf-8")
    result, _ = run([post], select=[rule])
    assert not [f for f in result.findings if f.internal], result.findings
    return [(f.line, f.column, f.message) for f in result.findings]


def footnote_lines(tmp_path: Path, body: str, **kwargs) -> list[int]:
    return [line for line, _, _ in lint(tmp_path, body, "footnote-reference", **kwargs)]


# Line 4 is the body's first line. Each expectation is what kramdown 2.4 (GFM input, Jekyll's
# default) renders: a marker it prints as text, or a definition it drops or reads as text.
@pytest.mark.parametrize("body, lines", [
    ("Churn fell.[^1]\n\n[^1]: Net of expansions.\n", []),
    ("Churn fell.[^1]\n", [4]),  # no definition: the literal "[^1]"
    ("Churn fell.\n\n[^1]: Net of expansions.\n", [6]),  # never referenced: dropped
    ("Churn fell.[^net]\n\n[^Net]: Names are case-sensitive.\n", [4, 6]),
    ("Churn fell.[^1]\n[^1]: Glued to the paragraph.\n", [5]),  # one finding: the marker's cause is the glue
    ("A[^1] B[^2]\n\n[^1]: One\n[^2]: Two, straight after another definition\n", []),
    ("A[^1]\n\n[^1]: One\n    goes on, indented\n", []),
    ("A[^1] B[^2]\n\n[^1]: One\n    goes on, indented\n[^2]: swallowed by the note above\n", [8]),
    ("A[^1] B[^2]\n\n[^1]: One\n  two spaces end the note\n[^2]: glued to that line\n", [8]),
    ("A[^1]\n\n[^1]: One\n[^1]: Again\n", [7]),  # defined twice: the last wins
    ("A[^1] B[^2]\n\n[^1]: https://example.com/one-word\n    goes on\n[^2]: swallowed too\n", [8]),
    ("A[^1]\n\n- a list item\n[^1]: lazy text of the item\n", [7]),
    ("A[^1]\n\n| a | b |\n|---|---|\n| c | d |\n[^1]: glued to the table\n", [9]),
    ("A[^1]\n\n    indented code\n[^1]: swallowed by the code\n", [7]),
    ("A[^1]\n\n```\ncode\n```\n[^1]: after a fence\n", []),
    ("A[^1]\n\n---\n[^1]: after a rule\n", []),
    ("A[^1]\n\n{% include cta.html %}\n[^1]: after Liquid, whose output is unknown\n", []),
    ("> Quoted.[^q]\n>\n> [^q]: A definition in a blockquote counts.\n", []),
    ("| a | b[^t] |\n|---|---|\n| c | d |\n\n[^t]: In a table cell.\n", []),
    ("# Heading[^h]\n[^h]: Straight after a heading is not glued.\n", []),
    ("Write `[^code]`, \\[^escaped] or [^ü] or [^two words]: none is a marker.\n", []),
    ("```\nA[^fenced]\n[^unused-in-fence]: x\n```\n", []),
    ("    A[^indented]\n", []),
    ("{% highlight md %}\nA[^hl]\n{% endhighlight %}\n", []),
    ("{% comment %}\nA[^cm]\n{% endcomment %}\n", []),
    ("<div>\nA[^html]\n</div>\n", []),
    ("Total{{ page.n }}[^{{ page.n }}] is Liquid, not a name.\n", []),
])
def test_footnotes_as_kramdown_reads_them(tmp_path, body, lines):
    assert footnote_lines(tmp_path, body) == lines


def test_messages_say_what_happens_and_hint_at_a_case_slip(tmp_path):
    found = lint(tmp_path, "Churn fell.[^net] Costs rose.[^costs]\n\n[^Net]: x\n\n[^gone]: y\n", "footnote-reference")
    messages = {(line, column): message for line, column, message in found}
    assert messages[(4, 12)] == ("footnote '[^net]' has no definition; the definition '[^Net]' on line 6 differs in case: "
                                 "kramdown prints the marker as literal text")
    assert messages[(4, 30)].startswith("footnote '[^costs]' has no definition ('[^costs]: …')")
    assert messages[(8, 1)].startswith("footnote definition '[^gone]' is never referenced: kramdown drops it")


def test_footnotes_only_where_the_site_uses_kramdown(tmp_path):
    assert footnote_lines(tmp_path, "Churn fell.[^1]\n", config="markdown: CommonMarkGhPages\n") == []
    assert footnote_lines(tmp_path, "Churn fell.[^1]\n", config="markdown: kramdown\n") == [4]


def test_html_posts_are_not_checked(tmp_path):
    assert footnote_lines(tmp_path, "<p>Churn fell.[^1]</p>\n", name="2024-01-01-post.html") == []


def unclosed(tmp_path: Path, body: str) -> list[tuple[int, int]]:
    return [(line, column) for line, column, _ in lint(tmp_path, body, "unclosed-link")]


@pytest.mark.parametrize("body, found", [
    ("See [the guide](https://example.com/guide before you start.\n", [(4, 5)]),
    ("See [the guide](https://example.com/guide) before you start.\n", []),
    ("[Pareto](https://en.wikipedia.org/wiki/Pareto_(economics)) is a link.\n", []),
    ("[Pareto](https://en.wikipedia.org/wiki/Pareto_(economics) is not.\n", [(4, 1)]),
    ("It closes on the next line: [deck](https://example.com/q3\n) still a link.\n", []),
    ("Paragraphs end links: [deck](https://example.com/q3\n\n) is too late.\n", [(4, 23)]),
    ("Revenue fell [sic] in March (see [1] below).\n\n[1]: https://example.com\n", []),
    ("Ask [ops](mailto:ops@example.com (they reply fast).\n", [(4, 5)]),
    ("![Chart]({{ site.baseurl }}/chart.png\n", [(4, 1)]),
    ("[Chart]({{ site.baseurl }}/chart.png) closes.\n", []),
    ("[anchor](#pricing and [path](/pricing/ and [up](../notes\n", [(4, 1), (4, 23), (4, 44)]),
    ("Prose like totals[0](x or [label](not a url stays prose.\n", []),
    ("`[x](https://example.com` and \\[x](https://example.com are not links.\n", []),
    ("[outer ![img](/a.png)](https://example.com/outer\n", [(4, 1)]),
    ("## Sources: [survey](/reports/2023\n", [(4, 13)]),
    ("```\n[x](https://example.com\n```\n", []),
    ("{% highlight md %}\n[x](https://example.com\n{% endhighlight %}\n", []),
    ("<div>\n[x](https://example.com\n</div>\n", []),
])
def test_unclosed_links(tmp_path, body, found):
    assert unclosed(tmp_path, body) == found


def test_unclosed_message_shows_what_the_reader_sees(tmp_path):
    [(_, _, link)] = lint(tmp_path, "Read [the guide](https://example.com/guide now.\n", "unclosed-link")
    assert link == ("link '[the guide](https://example.com/guide' is never closed: no ')' follows before its paragraph "
                    "ends, so the page shows the brackets and the URL as text and nothing links")
    [(_, _, image)] = lint(tmp_path, "![Chart]({{ site.baseurl }}/chart.png\n", "unclosed-link")
    assert image.startswith("image '![Chart]({{ site.baseurl }}/chart.png' is never closed")


def test_a_paragraph_of_many_unclosed_links_stays_linear(tmp_path):
    count = 20_000
    start = time.perf_counter()
    found = unclosed(tmp_path, "[a](https://example.com/x " * count + "\n")
    assert len(found) == count
    assert time.perf_counter() - start < 30
