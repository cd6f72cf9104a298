"""LNK005 self-link: absolute URLs on the site's own domain, resolved and rewritten to tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from postlint.errors import ConfigError
from postlint.jekyll.links import own_address, parse_origin

CONFIG = "title: t\nurl: https://www.dealdesk.example\nbaseurl: /blog\npermalink: /:year/:month/:title/\n" \
         "collections: {plays: {output: true, permalink: '/plays/:path/'}}\n"
TARGETS = {
    "_config.yml": CONFIG,
    "_posts/2024-01-15-win-rate.md": "---\ntitle: Win rate\n---\nText.\n",
    "_posts/emea/2024-02-01-pipeline-review.md": "---\ntitle: Review\n---\nText.\n",
    "_posts/2999-01-01-launch-plan.md": "---\ntitle: Not yet\n---\nText.\n",
    "pricing.md": "---\ntitle: Pricing\n---\nText.\n",
    "_plays/discovery-call.md": "---\ntitle: Discovery\n---\nText.\n",
    "files/quota.csv": "rep,quota\n",
}
WIN_RATE = "https://dealdesk.example/blog/2024/01/win-rate/"


def make_site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {**TARGETS, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def linker(body: str, front: str = "") -> dict[str, str]:
    return {"_posts/2024-05-01-linker.md": f"---\ntitle: Linker\n{front}---\n{body}\n"}


def findings(root: Path, **kwargs):
    result, _ = run([root / "_posts/2024-05-01-linker.md"], select=["self-link"], **kwargs)
    assert not [f for f in result.findings if f.internal], result.findings
    return result.findings


def advice(finding) -> str:
    return finding.message.rsplit("write ", 1)[1]


# --- which URLs are the site's own ---------------------------------------------------------------

@pytest.mark.parametrize("url, address", [
    ("https://dealdesk.example/blog/x/", "/blog/x/"),
    ("http://www.DealDesk.example/blog/x/?q=1#top", "/blog/x/?q=1#top"),  # scheme, www, case
    ("//dealdesk.example/blog/x", "/blog/x"),  # protocol-relative
    ("https://dealdesk.example:443/blog/", "/blog/"),  # the scheme's default port
    ("https://dealdesk.example", "/"),
    ("https://dealdesk.example?ref=mail", "/?ref=mail"),
    ("https://dealdesk.example:8443/blog/x/", None),  # another port is another site
    ("https://dealdesk.example.com/blog/x/", None),
    ("https://eu.dealdesk.example/blog/x/", None),
    ("https://user@dealdesk.example/blog/x/", None),
    ("mailto:sales@dealdesk.example", None),
    ("/blog/x/", None),  # root-relative: relative-url-target's
])
def test_own_address(url, address):
    assert own_address(url, [parse_origin("https://www.dealdesk.example")]) == address


def test_a_url_with_a_path_owns_only_that_path():
    origins = [parse_origin("https://dealdesk.example/insights/")]
    assert own_address("https://dealdesk.example/insights/x/", origins) == "/x/"
    assert own_address("https://dealdesk.example/insights#top", origins) == "/#top"
    assert own_address("https://dealdesk.example/insights-old/x/", origins) is None
    assert own_address("https://dealdesk.example/pricing/", origins) is None


@pytest.mark.parametrize("text", ["", "https://", "not a host", "http://dealdesk.example:port/"])
def test_origins_that_name_no_host(text):
    assert parse_origin(text) is None


# --- the rule ------------------------------------------------------------------------------------

def test_each_kind_of_target_gets_its_tag(tmp_path):
    body = (f"[a]({WIN_RATE}#method)\n"
            "[b](https://dealdesk.example/blog/2024/02/pipeline-review/)\n"
            "[c](https://dealdesk.example/blog/pricing/?plan=team)\n"
            "[d](https://dealdesk.example/blog/plays/discovery-call/)\n"
            "![e](https://dealdesk.example/blog/files/quota.csv)\n"
            "[f](https://dealdesk.example/blog/2999/01/launch-plan/)\n")
    got = findings(make_site(tmp_path, linker(body)))
    assert [advice(f) for f in got] == [
        "`{% post_url 2024-01-15-win-rate %}#method`",
        "`{% post_url emea/2024-02-01-pipeline-review %}`",
        "`{% link pricing.md %}?plan=team`",
        "`{% link _plays/discovery-call.md %}`",
        "`{{ site.baseurl }}/files/quota.csv`",
        "`{{ site.baseurl }}/2999/01/launch-plan/`",  # a future post: post_url would stop the build
    ]
    assert [(f.line, f.column) for f in got] == [(4, 5), (5, 5), (6, 5), (7, 5), (8, 6), (9, 5)]
    assert {f.severity for f in got} == {"warning"} and all(f.fix for f in got)
    assert "post '_posts/2024-01-15-win-rate.md'" in got[0].message
    assert "document '_plays/discovery-call.md'" in got[3].message
    assert "file 'files/quota.csv'" in got[4].message and "normal build does not write" in got[5].message


def test_a_self_link_to_no_page_is_broken(tmp_path):
    got = findings(make_site(tmp_path, linker("[x](https://dealdesk.example/blog/2024/01/win-rates/)")))
    assert len(got) == 1 and got[0].fix is None
    assert got[0].message.startswith("broken self-link 'https://dealdesk.example/blog/2024/01/win-rates/': no page")
    assert "did you mean `/blog/2024/01/win-rate/`?" in got[0].message
    assert got[0].severity == "error"  # a working self-link is a warning


def test_a_configured_severity_applies_to_broken_self_links_too(tmp_path):
    root = make_site(tmp_path, linker("[x](https://dealdesk.example/blog/2024/01/win-rates/)"))
    (root / ".postlint.yaml").write_text("rules:\n  self-link: info\n")
    assert [f.severity for f in findings(root)] == ["info"]


def test_what_is_not_a_self_link(tmp_path):
    body = "\n".join([
        "[other port](https://dealdesk.example:8080/blog/pricing/) [other host](https://dealdesk.example.org/blog/)",
        "[outside baseurl](https://dealdesk.example/careers/) [liquid](https://dealdesk.example/blog/{{ page.slug }}/)",
        "`https://dealdesk.example/blog/pricing/` and a bare https://dealdesk.example/blog/pricing/ mention",
        "",
        "    [indented code](https://dealdesk.example/blog/pricing/)",
        "",
        "{% raw %}[raw](https://dealdesk.example/blog/pricing/){% endraw %}",
        "{% comment %}{% comment %}{% endcomment %}[nested](https://dealdesk.example/blog/pricing/){% endcomment %}",
        "<!-- [html comment](https://dealdesk.example/blog/pricing/) -->",
        "Footnote.[^1]",
        "",
        "[^1]: https://dealdesk.example/blog/pricing/",
    ])
    front = "canonical_url: https://dealdesk.example/blog/pricing/\n"
    assert findings(make_site(tmp_path, linker(body, front))) == []


def test_reference_definitions_html_and_autolinks(tmp_path):
    body = "\n".join([
        "See [the rate][rate] and ![chart][chart], again [the rate][rate].",
        "",
        "> [rate]:",
        ">   <https://dealdesk.example/blog/2024/01/win-rate/>",
        "",
        "[chart]: https://dealdesk.example/blog/files/quota.csv \"Quota\"",
        "",
        '<p><a href="https://dealdesk.example/blog/pricing/?a=1&amp;b=2">Pricing</a>',
        '<img src="https://dealdesk.example/blog/files/quota.csv" alt="q"></p>',
        "",
        "Or <https://dealdesk.example/blog/pricing/>.",
    ])
    got = findings(make_site(tmp_path, linker(body)))
    assert [(f.line, f.column, f.fix is not None) for f in got] == [
        (7, 6, True),  # the definition, once for both uses, its URL on the next line
        (9, 10, True),
        (11, 13, False),  # &amp; decoded: the attribute is not the text
        (12, 11, True),
        (14, 5, False),  # an autolink cannot hold a tag
    ]
    assert advice(got[-1]) == "`[text]({% link pricing.md %})` (an autolink cannot hold Liquid)"


def test_domains_option_and_its_validation(tmp_path):
    root = make_site(tmp_path, linker("[old](http://old-dealdesk.example/blog/pricing/)"))
    assert findings(root) == []
    (root / ".postlint.yaml").write_text("rules:\n  self-link:\n    domains: [old-dealdesk.example]\n", encoding="utf-8")
    assert [advice(f) for f in findings(root)] == ["`{% link pricing.md %}`"]
    (root / ".postlint.yaml").write_text("rules:\n  self-link:\n    domains: ['https://']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="names no host"):
        findings(root)


def test_no_url_no_findings(tmp_path):
    root = make_site(tmp_path, {**linker(f"[a]({WIN_RATE})"), "_config.yml": "title: t\n"})
    assert findings(root) == []


def test_a_draft_or_unpublished_target(tmp_path):
    files = {"_posts/2024-03-01-hidden.md": "---\ntitle: A\npublished: false\n---\n", "_drafts/idea.md": "---\ntitle: B\n---\n"}
    got = findings(make_site(tmp_path, {**files, **linker("[t](https://dealdesk.example/blog/2024/03/hidden/)")}))
    assert [advice(f) for f in got] == ["`{{ site.baseurl }}/2024/03/hidden/`"]
    assert "post '_posts/2024-03-01-hidden.md', which a normal build does not write" in got[0].message


def test_redirect_from_leads_to_its_page(tmp_path):
    moved = {"pricing.md": "---\ntitle: Pricing\nredirect_from: /plans/\n---\n"}
    got = findings(make_site(tmp_path, {**moved, **linker("[p](https://dealdesk.example/blog/plans/)")}))
    assert "page 'pricing.md' (through its redirect_from)" in got[0].message and advice(got[0]) == "`{% link pricing.md %}`"


# --- --fix ---------------------------------------------------------------------------------------

def test_fix_rewrites_only_the_urls_byte_for_byte(tmp_path):
    root = make_site(tmp_path, {})
    post = root / "_posts/2024-05-01-linker.md"
    lines = ["---", "title: Linker", f"canonical_url: {WIN_RATE}", "---",
             f"Read [the win rate]({WIN_RATE}#method \"Win rate\")  ",
             "Prices: <a href='https://dealdesk.example/blog/pricing/'>plans</a>, <https://dealdesk.example/blog/pricing/>",
             "Broken: [gone](https://dealdesk.example/blog/gone/) — é", ""]
    original = "\ufeff" + "\r\n".join(lines)
    post.write_bytes(original.encode("utf-8"))
    result, _ = run([post], select=["self-link"], fix=True)
    assert result.fixed == 2
    expected = original.replace(f"({WIN_RATE}#method", "({% post_url 2024-01-15-win-rate %}#method") \
                       .replace("href='https://dealdesk.example/blog/pricing/'", "href='{% link pricing.md %}'")
    assert post.read_bytes() == expected.encode("utf-8")  # BOM, CRLF, front matter, the rest untouched
    assert [f.fix for f in findings(root)] == [None, None]  # the autolink and the broken link stay


# --- the cache follows the targets ---------------------------------------------------------------

def test_cached_result_follows_a_moved_target(tmp_path):
    root = make_site(tmp_path, linker(f"[a]({WIN_RATE})"))
    assert findings(root, use_cache=True)[0].message.startswith("'")
    (root / "_posts/2024-01-15-win-rate.md").write_text("---\ntitle: Win rate\npermalink: /win-rate/\n---\nText.\n",
                                                         encoding="utf-8")
    assert findings(root, use_cache=True)[0].message.startswith("broken self-link")
