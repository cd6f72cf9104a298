"""front-matter-quotes (FM006): values wrapped in typographic quotes, and a --fix that changes only the quotes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import run


def make_post(tmp_path: Path, front: str, config: str = "", newline: str = "\n") -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    if config:
        (tmp_path / ".postlint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "_posts").mkdir(exist_ok=True)
    post = tmp_path / "_posts" / "2024-01-01-post.md"
    post.write_bytes(f"---\n{front}---\nBody.\n".replace("\n", newline).encode("utf-8"))
    return post


def findings(post: Path):
    result, _ = run([post], select=["front-matter-quotes"])
    return [(f.line, f.column, f.message, f.fingerprint) for f in result.findings]


# Each language's typographic pair around the whole title.
WRAPPED = [
    "title: “Save time with pipeline reviews”\n",
    "title: „Schneller verkaufen“\n",
    "title: „Szybsza sprzedaż”\n",
    "title: « Vendre plus vite »\n",
    "title: »Wie Teams prüfen«\n",
    "title: ‘Funnel chart of last quarter’s deals’\n",
    "title: ”Sälj snabbare”\n",
    "title: ‹Schneller verkaufen›\n",
]


@pytest.mark.parametrize("front", WRAPPED)
def test_wrapped_values_in_each_language(tmp_path, front):
    [(line, column, message, fingerprint)] = findings(make_post(tmp_path, front))
    assert (line, column, fingerprint) == (2, 8, "title")
    assert "YAML keeps them as part of the value" in message


@pytest.mark.parametrize("front", [
    "title: Plain title\n",
    'title: "Straight quotes are YAML quoting"\n',
    "title: '“We closed in a week,” she said.'\n",  # in YAML quotes: meant to show
    "title: “Pipeline” is a verb now\n",
    "title: Stop saying “synergy”\n",
    "title: “Leads” or “deals”\n",
    "title: >-\n  “A folded block scalar is written on purpose”\n",
    "title: 「営業パイプライン」\n",  # corner brackets are typography, not YAML quoting
    "count: 3\ntags: [“a”, “b”]\n",  # not top-level text
    "title: “ ”\n",
])
def test_values_not_wrapped_as_written_are_fine(tmp_path, front):
    assert findings(make_post(tmp_path, front)) == []


def test_ignore_keys(tmp_path):
    post = make_post(tmp_path, "testimonial: “They doubled our pipeline.”\n",
                     config="rules:\n  front-matter-quotes: {ignore_keys: [testimonial]}\n")
    assert findings(post) == []


@pytest.mark.parametrize("written, fixed", [
    ("title: “Save time”\n", 'title: "Save time"\n'),
    ("title: « Vendre plus vite »\n", 'title: "Vendre plus vite"\n'),
    ("title: «\u00a0Vendre\u00a0»\n", 'title: "Vendre"\n'),
    ("title: „Schneller verkaufen“ # SEO title\n", 'title: "Schneller verkaufen" # SEO title\n'),
    ("title: ‘Don’t discount’\n", 'title: "Don’t discount"\n'),
    ('title: “Reply with "yes" today”\n', "title: 'Reply with \"yes\" today'\n"),
    ("description: “Five ways to shorten\n  your sales cycle.”\n", 'description: "Five ways to shorten\n  your sales cycle."\n'),
])
def test_fix_changes_only_the_quotes(tmp_path, written, fixed):
    post = make_post(tmp_path, written)
    before = yaml.safe_load(written)
    result, _ = run([post], select=["front-matter-quotes"], fix=True)
    assert result.fixed == 1 and not result.findings
    text = post.read_text(encoding="utf-8")
    assert text == f"---\n{fixed}---\nBody.\n"
    [(key, value)] = before.items()
    assert yaml.safe_load(fixed)[key] == value.strip()[1:-1].strip(" \u00a0")


def test_no_fix_when_the_text_holds_both_straight_quotes(tmp_path):
    post = make_post(tmp_path, "title: “Say \"yes\" or 'no'”\n")
    result, _ = run([post], select=["front-matter-quotes"], fix=True)
    assert result.fixed == 0 and len(result.findings) == 1 and result.findings[0].fix is None


def test_fix_keeps_crlf_and_is_idempotent(tmp_path):
    post = make_post(tmp_path, "title: “Save time”\ndate: 2024-01-01\n", newline="\r\n")
    run([post], select=["front-matter-quotes"], fix=True)
    assert post.read_bytes() == b'---\r\ntitle: "Save time"\r\ndate: 2024-01-01\r\n---\r\nBody.\r\n'
    again, _ = run([post], select=["front-matter-quotes"], fix=True)
    assert again.fixed == 0 and not again.findings
