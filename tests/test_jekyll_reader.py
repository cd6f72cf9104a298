"""Which files Jekyll 4.3 reads and writes: names it skips unless `include` names them, and what
`published: false` (its own, its defaults', `unpublished: true`) or a future date leaves out.
Every expectation here was checked against a real `jekyll build` of the same files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import run

from postlint.jekyll.site import SKIP_DIRS, SKIP_ROOT_DIRS, Site, _files_below


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


@pytest.mark.parametrize("config, written", [
    ("exclude: [docs, _posts/2020-01-01-a.]\n", {"/2020/01/01/ab.html"}),  # a plain start of the path
    ("exclude: [docs, docs-old]\ninclude: [docs]\n", {"/2020/01/01/a.html", "/2020/01/01/ab.html", "/docs/a.txt",
                                                      "/docsify.txt"}),  # `include` takes `docs` out of `exclude`
])
def test_exclude_leaves_out_every_path_that_starts_with_an_entry(tmp_path, config, written):
    write(tmp_path, {"_config.yml": config, "docs/a.txt": "a", "docs-old/b.txt": "b", "docsify.txt": "c",
                     "_posts/2020-01-01-a.md": PAGE, "_posts/2020-01-01-ab.md": PAGE})
    assert set(Site(tmp_path).url_index.values()) == written


@pytest.mark.parametrize("include, written", [
    ("[]", {"/notes/ok.html", "/notes/sub/ok2.html", "/notes/sub/_x/a.html", "/notes/sub/_x/img2.png"}),
    ("[_priv]", {"/notes/ok.html", "/notes/sub/ok2.html", "/notes/sub/_x/a.html", "/notes/sub/_x/img2.png",
                 "/notes/_priv/b.html"}),
])
def test_inside_a_collection_jekyll_skips_a_special_first_folder_or_file_name(tmp_path, include, written):
    write(tmp_path, {"_config.yml": f"collections:\n  notes: {{output: true}}\ninclude: {include}\n",
                     **{rel: PAGE for rel in ("_notes/sub/_x/a.md", "_notes/sub/_c.md", "_notes/_priv/b.md",
                                              "_notes/.hidden.md", "_notes/ok.md", "_notes/sub/ok2.md", "_notes/#h.md")},
                     "_notes/sub/_x/img2.png": "png"})
    assert set(Site(tmp_path).url_index.values()) == written


def test_tags_jekyll_never_runs_are_not_reported(tmp_path):
    broken = "{% post_url 2020-01-01-missing %} {% link nope.md %}\n"
    write(tmp_path, {
        "_config.yml": "defaults:\n  - scope: {path: raw}\n    values: {render_with_liquid: false}\n",
        "nofm.md": broken,  # no front matter: copied as it is
        "page.md": "---\ntitle: p\nrender_with_liquid: false\n---\n" + broken,
        "_posts/2020-01-02-q.md": "---\ntitle: q\nrender_with_liquid: false\n---\n" + broken,
        "raw/page.md": "---\ntitle: r\n---\n" + broken,  # render_with_liquid: false from defaults
        "checked.md": "---\ntitle: c\n---\n" + broken,
    })
    files = ["nofm.md", "page.md", "_posts/2020-01-02-q.md", "raw/page.md", "checked.md"]
    result, _ = run([tmp_path / rel for rel in files], select=["LNK"], use_cache=False)
    assert {(f.path.rsplit("/", 1)[-1], f.code) for f in result.findings} == {("checked.md", "LNK001"), ("checked.md", "LNK002")}


def test_any_dated_file_of_posts_is_a_post_unless_yaml_or_not_utf8(tmp_path):
    """Checked with `jekyll build`: a `.txt`, `.textile` or `.svg` post, and one without front
    matter, are built where their extension says; a `.yml` file is data, and a file that is not
    UTF-8 text (invalid bytes, a PNG, UTF-16) is left out ("could not read file")."""
    write(tmp_path, {
        "_posts/2020-01-01-txtpost.txt": PAGE, "_posts/2020-01-02-tex.textile": PAGE, "_posts/2020-01-03-h.htm": PAGE,
        "_posts/2020-01-05-data.yml": "k: v\n", "_posts/2020-01-06-pic.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
        "_posts/2020-01-08-nofm.md": "no front matter\n", "about.htm": PAGE, "_config.yml": "title: t\n",
    })
    (tmp_path / "_posts/2020-01-04-badutf.md").write_bytes(b"---\ntitle: bad\n---\nbad \xff byte\n")
    (tmp_path / "_posts/2020-01-07-pic.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "_posts/2020-01-09-wide.md").write_bytes("---\ntitle: w\n---\nw\n".encode("utf-16"))
    names = ["txtpost", "tex", "h", "badutf", "data", "pic", "pic", "nofm", "wide"]
    days = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    tags = " ".join(f"{{% post_url 2020-01-0{day}-{name} %}}" for day, name in zip(days, names))
    write(tmp_path, {"_posts/2020-02-01-links.md": "---\ntitle: l\n---\n" + tags + "\n"})
    result, _ = run([tmp_path / "_posts/2020-02-01-links.md"], select=["post-url-target"], use_cache=False)
    assert {f.message.split("'")[1] for f in result.findings} == {
        "2020-01-04-badutf", "2020-01-05-data", "2020-01-07-pic", "2020-01-09-wide"}
    assert set(Site(tmp_path).url_index.values()) >= {
        "/2020/01/01/txtpost.txt", "/2020/01/02/tex.textile", "/2020/01/03/h.htm", "/2020/01/06/pic.svg",
        "/2020/01/08/nofm.html", "/about.htm"}


def test_markdown_ext_says_which_files_are_written_as_html(tmp_path):
    """Checked with `jekyll build`: with `markdown_ext: "md,txt"` a `.txt` post and a `.TXT` page
    are written as `.html`, and `.markdown` files under their own extension."""
    write(tmp_path, {"_config.yml": 'markdown_ext: "md,txt"\n', "_posts/2020-01-01-a.txt": PAGE,
                     "_posts/2020-01-02-b.markdown": PAGE, "_posts/2020-01-03-c.MD": PAGE, "page.markdown": PAGE,
                     "page2.TXT": PAGE})
    assert set(Site(tmp_path).url_index.values()) == {
        "/2020/01/01/a.html", "/2020/01/02/b.markdown", "/2020/01/03/c.html", "/page.markdown", "/page2.html"}


def test_the_inventory_lists_what_os_walk_lists(tmp_path):
    """Files in folders, symbolic links to a file, to a folder (neither listed nor entered, as
    os.walk(followlinks=False) does), to nothing, and the folders postlint never reads: Jekyll's
    default `exclude` leaves out `node_modules` and `vendor` at the root only (a post in
    `_posts/node_modules/` is built)."""
    for rel in ("a.md", "_posts/2024-01-01-x.md", "deep/er/still/f.png", "_site/out.html", "node_modules/m/i.js",
                "deep/.git/HEAD", "outside/o.md", "_posts/node_modules/2024-01-02-y.md", "vendor/bundle/g.rb"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "site").mkdir()
    for name, target in (("file-link.md", "../a.md"), ("folder-link", "../deep"), ("dangling.md", "../nothing"),
                         ("_site", "../deep")):  # a link named like a skipped folder
        (tmp_path / "site" / name).symlink_to(target)
    expected = []
    for folder, dirs, names in os.walk(tmp_path):
        dirs[:] = [d for d in dirs if d not in (SKIP_ROOT_DIRS if Path(folder) == tmp_path else SKIP_DIRS)]
        prefix = Path(folder).relative_to(tmp_path).as_posix()
        expected += [name if prefix == "." else f"{prefix}/{name}" for name in names]
    assert sorted(_files_below(str(tmp_path))) == sorted(expected)
    assert "site/file-link.md" in expected and "site/dangling.md" in expected and "site/folder-link" not in expected
    assert "_posts/node_modules/2024-01-02-y.md" in expected and "vendor/bundle/g.rb" not in expected


def test_whether_a_file_has_a_yaml_header_does_not_depend_on_what_was_read_before(tmp_path):
    """A UTF-16 text file's first line is `---` as text and not as bytes (Jekyll reads the bytes:
    a static file). A process that had read it as text first (a `.txt` post is linted) answered
    from the text: the answer, and a cached result, depended on the order of the reads."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "notes.txt").write_bytes("---\ntitle: Notes\n---\nText.\n".encode("utf-16"))
    (tmp_path / "mac.txt").write_bytes(b"---\rtitle: Notes\r---\rText.\r")
    for name in ("notes.txt", "mac.txt"):
        fresh = Site(tmp_path).has_yaml_header(name)
        read_first = Site(tmp_path)
        read_first.whole_post(name)
        assert read_first.has_yaml_header(name) == fresh is False
