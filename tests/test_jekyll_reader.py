"""Which files Jekyll 4.3 reads and writes: names it skips unless `include` names them, and what
`published: false` (its own, its defaults', `unpublished: true`) or a future date leaves out.
Every expectation here was checked against a real `jekyll build` of the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from postlint.jekyll.site import Site


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


PAGE = "---\ntitle: p\n---\np\n"


@pytest.mark.parametrize("include, written", [
    ("[_private.html, _priv, _partial.css]", {"/_private.html", "/_priv/x.txt", "/assets/_partial.css"}),
    ("[.well-known/security.txt, a/.hidden]", {"/.well-known/security.txt", "/a/.hidden"}),  # that file alone
    ('[".well", ".h*"]', {"/.well-known/security.txt", "/.well-known/other.txt", "/a/.hidden"}),  # a start, a glob
    ("[a/_x, _top/, _top/_h.txt]", {"/_top/g.txt", "/_top/_h.txt"}),  # a folder path with `/` inside: no
])
def test_names_jekyll_skips_unless_include_names_them(tmp_path, include, written):
    write(tmp_path, {
        "_config.yml": f"include: {include}\n", "_private.html": PAGE, "_priv/x.txt": "x", "_priv/_y.txt": "y",
        "assets/_partial.css": "c", "assets/_other.css": "c", ".well-known/security.txt": "s",
        ".well-known/other.txt": "o", "a/.hidden": "h", "a/_x/f.txt": "f", "_top/g.txt": "g", "_top/_h.txt": "h",
        "#hash.md": PAGE, "a/#b.md": PAGE, "backup.txt~": "b", "~tilde.txt": "t", "shown.txt": "s",
    })
    index = Site(tmp_path).url_index
    assert set(index.values()) == written | {"/shown.txt"}


def test_link_tags_to_what_jekyll_reads_and_does_not_write(tmp_path):
    write(tmp_path, {
        "_config.yml": ("collections: {notes: {output: true}}\ndefaults:\n"
                        "  - scope: {path: assets/hidden.txt}\n    values: {published: false}\n"
                        "  - scope: {path: hiddenpage.md}\n    values: {published: false}\n"  # pages ignore it
                        "  - scope: {type: notes, path: _notes/by-default}\n    values: {published: false}\n"),
        "assets/hidden.txt": "a", "assets/shown.txt": "b", "hiddenpage.md": PAGE,
        "own.md": "---\ntitle: o\npublished: false\n---\no\n", ".well-known/security.txt": "s",
        "_notes/future.md": "---\ntitle: f\ndate: 2099-01-01\n---\nf\n", "_notes/now.md": PAGE,
        "_notes/by-default.md": PAGE, "_notes/own.md": "---\ntitle: o\npublished: false\n---\no\n",
        "_notes/2099-01-01-later.md": PAGE,  # dated by its name
    })
    tags = {"assets/hidden.txt": False, "assets/shown.txt": True, "hiddenpage.md": True, "own.md": False,
            ".well-known/security.txt": False, "_notes/future.md": False, "_notes/now.md": True,
            "_notes/by-default.md": False, "_notes/own.md": False, "_notes/2099-01-01-later.md": False}
    linking = write(tmp_path, {"linking.md": PAGE + " ".join(f"{{% link {tag} %}}" for tag in tags) + "\n"})
    result, _ = run([linking / "linking.md"], select=["link-target"], use_cache=False)
    assert {f.message.split("'")[1] for f in result.findings} == {tag for tag, builds in tags.items() if not builds}


def test_unpublished_true_in_config_builds_posts_with_published_false(tmp_path):
    write(tmp_path, {
        "_config.yml": "unpublished: true\n",
        "_posts/2020-01-01-a.md": "---\ntitle: a\npublished: false\n---\na\n",
        "_posts/2020-01-02-b.md": "---\ntitle: b\n---\n{% post_url 2020-01-01-a %} {% link _posts/2020-01-01-a.md %}\n",
    })
    result, _ = run([tmp_path / "_posts/2020-01-02-b.md"], select=["LNK"], use_cache=False)
    assert result.findings == []
