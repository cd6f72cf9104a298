"""Markdown that parses into more elements than postlint checks (parse/markdown.py,
MAX_MARKDOWN_ELEMENTS): a few kilobytes must not take gigabytes or minutes. Such a body is
reported by file-unreadable (PL002); the rules that read the front matter and the Liquid still
check the file, the rules that read the body do not, and other files' rules set it aside."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import run, time_limit

from postlint.errors import MarkdownTooComplex
from postlint.parse.markdown import MAX_MARKDOWN_ELEMENTS, markdown_parser


def padded_tables(tables: int, columns: int = 256, rows: int = 256) -> str:
    """Tables of a wide header over one-letter lines, each padded by markdown-it to the header's
    width: 200,000 tokens from 1.5 KB a table."""
    table = "|" + "h|" * columns + "\n|" + "-|" * columns + "\n" + "a\n" * rows + "\n"
    return table * tables


def site_with(tmp_path: Path, posts: dict[str, str]) -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    for name, body in posts.items():
        (tmp_path / "_posts" / name).write_text(
            f"---\ntitle: Post {name[:10]}\ndate: {name[:10]}\ndescription: A post that holds a table of results for the budget test.\n---\n{body}")
    return tmp_path


BROKEN_LINK = "See [here]({% post_url 2024-01-01-nope %}).\n\n"


def test_padded_tables_are_refused_in_a_process_that_may_not_map_a_gigabyte(tmp_path):
    """40 such tables (61 KB) were 8 million tokens: about 3 GB and half a minute. Now the parse
    stops past the budget, PL002 says why, and the front-matter and Liquid rules still report."""
    if not hasattr(__import__("resource"), "RLIMIT_AS"):
        pytest.skip("needs RLIMIT_AS")
    site = site_with(tmp_path, {"2024-01-02-tables.md": BROKEN_LINK + padded_tables(40)})
    code = textwrap.dedent("""
        import resource, sys
        from postlint.command import main
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        sys.argv = ["postlint", "check", sys.argv[1], "--format", "json", "--no-cache", "--jobs", "1"]
        main()
    """)
    done = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    findings = [(f["code"], f["line"], f["message"]) for f in json.loads(done.stdout)]
    assert ("PL002", 6, "the Markdown body holds more blocks and table cells than the 500,000 elements postlint "
            "parses (table cells, list items, links, emphasis: a few kilobytes past that can take gigabytes); "
            "the rules that read the body did not run") in findings
    codes = [code for code, _, _ in findings]
    assert "LNK001" in codes  # the broken post_url, found in the Liquid
    assert "CPY003" not in codes  # "here" is link text only once the body is parsed
    assert "PL001" not in codes  # no rule crashed or ran out of memory


def test_inline_elements_are_counted_before_they_are_parsed():
    """1.2 MB of emphasis: a million and a half inline tokens to come, refused after the block parse."""
    with time_limit(10), pytest.raises(MarkdownTooComplex, match="about 600,004 blocks, table cells and inline elements"):
        markdown_parser().parse("*a* " * 300_000, {})


def test_the_largest_bodies_of_real_sites_are_far_below_the_budget():
    """One padded table (200,000 tokens) and a long post of plain prose parse as before."""
    tokens = markdown_parser().parse(padded_tables(1) + "Plain words, a [link](/a) and *emphasis*.\n\n" * 20_000, {})
    assert MAX_MARKDOWN_ELEMENTS / 2 < len(tokens) + sum(len(t.children or []) for t in tokens) < MAX_MARKDOWN_ELEMENTS


def test_a_post_with_a_body_too_big_is_set_aside_by_the_other_posts_rules(tmp_path):
    """Cross-post definitions and orphan links read other posts' bodies: one too big to parse
    counts as defining nothing and linking nowhere, where it crashed those rules on every
    other post. Its own suppression comments still apply."""
    site = site_with(tmp_path, {
        "2024-01-01-defines.md": "* **Churn rate**: the share of customers who leave in a month.\n",
        "2024-01-02-tables.md": ("* **Churn rate**: the share of customers who stay.\n\n"
                                 "<!-- postlint-disable-next-line post-url-target -->\n"
                                 + BROKEN_LINK + padded_tables(3)),
    })
    result, _ = run([site / "_posts"], select=["PL002", "LNK001", "CPY", "orphan-post"])
    by_file = {}
    for finding in result.findings:
        by_file.setdefault(Path(finding.path).name, []).append(finding.code)
    assert not [f for f in result.findings if f.internal]
    assert sorted(by_file["2024-01-02-tables.md"]) == ["PL002", "SEO009"]  # LNK001 suppressed; no CPY003, no definitions
    assert "CPY006" not in by_file.get("2024-01-01-defines.md", [])  # the other definition is not known
