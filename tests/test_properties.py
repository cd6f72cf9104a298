"""Property-based tests (issue 7): random and mutated posts through every rule, in-process.

Posts are built from the demo site's own posts: fragments of Liquid, Markdown, HTML and YAML
inserted anywhere, spans deleted, lines repeated, bytes flipped, line endings and encodings
changed. For each, every rule runs on the post inside a copy of the demo site, and:

- no rule raises (a raise would be a PL001 internal error in a real run);
- every problem a rule reports is inside the file: line 1..line count, column 1..line length + 1
  (checked on the rule's own output, before the engine clamps anything);
- the JSON report is valid JSON with the documented fields;
- --fix is idempotent: a second --fix run leaves the file's bytes as the first one left them,
  and the file keeps its encoding and byte-order mark.

Examples are bounded and derandomized (see SETTINGS) so the suite stays fast and repeatable.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import DEMO_SITE, copy_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postlint.config import find_config, load_config, resolve_rules
from postlint.engine.check import RuleContext, lint, read_post
from postlint.jekyll.site import Site
from postlint.parse.source import decode
from postlint.registry import load_registry
from postlint.report import json as json_report

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SEEDS = [p.read_text(encoding="utf-8") for p in sorted(DEMO_SITE.glob("_*/**/*.md"))]
FRAGMENTS = [
    # Liquid
    "{% post_url 2024-01-15-ramp-time-benchmark %}", "{% post_url guides/2024-03-01-setup-guide %}",
    "{% post_url ../../etc/passwd %}", "{% link about.md %}", "{% link /etc/hosts %}", "{{ page.title }}",
    "{{ '/request-demo' | relative_url }}", "{% raw %}", "{% endraw %}", "{% comment %}", "{% endcomment %}",
    "{% highlight ruby %}", "{% endhighlight %}", "{%", "%}", "{{", "}}", "{%- if x -%}", "{% endif %}",
    # Markdown
    "[a link](/about/)", "![an image](/assets/images/blog/x.png)", "[ref]", "[ref][]", "[ref]: /x\n",
    "# Heading\n", "### Deep heading\n", "Setext\n===\n", "```\n", "`code`", "``", "*", "_", "**", "[", "]",
    "(", ")", "![", "{:target=\"_blank\"}", "> quote\n", "- item\n", "1. item\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "\\", "    indented code\n", "<https://example.com>", "https://example.com/bare",
    # suppression comments
    "<!-- postlint-disable -->", "<!-- postlint-enable -->", "<!-- postlint-disable-next-line STY001 -->",
    "<!-- postlint-disable-line -->", "<!-- postlint-disable-file CPY -->", "<!-- postlint-",
    # HTML
    '<a href="/x">t</a>', '<img src="/a.png">', "<img alt>", "<![x", "<div>\n", "</div>\n", "<a", "<!--", "-->",
    "&amp;", "<script>x</script>",
    # YAML
    "title: x\n", "date: 2024-13-45\n", "tags: [a, b\n", "- list\n", "key: &a [1, 2]\n", "k: *a\n", "\t", "---\n",
    "...\n", ": :\n", "'", '"', "time_read: 5 min\n", "description: |\n  text\n",
    # text and characters
    "TODO", "lorem ipsum", "in order to", "the the", "\n", "\r\n", "\r", "\n\n", " ", "\u00e9", "\u200b", "\ufeff",
    "\u2028", "\U0001f600", "\x00",
]


@st.composite
def mutated_post(draw) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["insert", "insert", "insert", "delete", "repeat-line", "swap-lines"]))
        at = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)):]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "repeat-line":
                lines.insert(i, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    newline = draw(st.sampled_from([None, "\n", "\r\n", "\r"]))
    if newline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline)
    bom, encoding = draw(st.sampled_from([(b"", "utf-8")] * 4 + [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le")]))
    data = bom + text.encode(encoding, errors="surrogatepass")
    if draw(st.integers(0, 9)) == 0 and data:  # now and then, a damaged byte
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    return data


random_post = st.builds(
    lambda front, body, newline: ("---\n" + front + "\n---\n" + body).replace("\n", newline).encode("utf-8", "surrogatepass"),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.text(max_size=600).map(lambda s: s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")),
    st.sampled_from(["\n", "\r\n", "\r"]),
)


@pytest.fixture(scope="module")
def fuzz_site():
    """A copy of the demo site, its registry, config and rule settings (built once)."""
    folder = Path(tempfile.mkdtemp(prefix="postlint-fuzz-"))
    site = folder / "site"
    copy_site(DEMO_SITE, site)
    config = load_config(find_config(site))
    registry = load_registry(config.yaml_rule_dirs)
    assert not registry.errors, registry.errors
    rule_settings = resolve_rules(config, registry)
    yield SimpleNamespace(root=site, config=config, settings=rule_settings,
                          path=site / "_posts" / "2024-06-01-fuzzed-post.md")
    shutil.rmtree(folder, ignore_errors=True)


def check_every_rule(fuzz, data: bytes) -> None:
    fuzz.path.write_bytes(data)
    site = Site(fuzz.root, fuzz.config.max_file_size)
    post = read_post(fuzz.path, site, fuzz.root)
    source = post.source
    for setting in fuzz.settings:
        rule = setting.rule
        if post.read_error is not None and rule.code != "PL002":
            continue
        ctx = RuleContext(SimpleNamespace(**setting.options), site, fuzz.config, setting.severity)
        problems = list(rule.check(post, ctx))  # a raise fails the example, with the rule in the traceback
        for problem in problems:
            assert 1 <= problem.line <= source.line_count, (rule.code, problem, source.line_count)
            start = source.line_starts[problem.line - 1]
            end = source.text.find("\n", start)
            length = (len(source.text) if end == -1 else end) - start
            assert 1 <= problem.column <= length + 1, (rule.code, problem, length)


def check_run_and_fix(fuzz, data: bytes) -> None:
    fuzz.path.write_bytes(data)
    targets = [(fuzz.path, Site(fuzz.root))]
    result = lint(targets, fuzz.settings, fuzz.config, cwd=fuzz.root)
    assert not [f.message for f in result.findings if f.internal]
    report = json.loads(json_report.render(result))
    for finding in report:
        assert finding["line"] >= 1 and finding["column"] >= 1 and finding["code"] and finding["message"]
    fixed = lint([(fuzz.path, Site(fuzz.root))], fuzz.settings, fuzz.config, fix=True, cwd=fuzz.root)
    assert not [f.message for f in fixed.findings if f.internal]
    after_first = fuzz.path.read_bytes()
    if after_first != data:
        _, bom_before, encoding_before = decode(data)
        _, bom_after, encoding_after = decode(after_first)
        assert (bom_before, encoding_before) == (bom_after, encoding_after)
    again = lint([(fuzz.path, Site(fuzz.root))], fuzz.settings, fuzz.config, fix=True, cwd=fuzz.root)
    assert not [f.message for f in again.findings if f.internal]
    assert fuzz.path.read_bytes() == after_first, "a second --fix changed the file"
    assert again.fixed == 0


@SETTINGS
@given(data=mutated_post())
def test_mutated_demo_posts(fuzz_site, data):
    check_every_rule(fuzz_site, data)
    check_run_and_fix(fuzz_site, data)


@settings(SETTINGS, max_examples=60)
@given(data=random_post)
def test_random_posts(fuzz_site, data):
    check_every_rule(fuzz_site, data)
    check_run_and_fix(fuzz_site, data)
