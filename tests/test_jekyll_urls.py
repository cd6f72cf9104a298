"""Addresses Jekyll 4.3 gives collection files, dated collection documents, `:path` and page
permalinks with placeholders pages lack. Every expectation here was checked against a real
`jekyll build` of the same files."""

from __future__ import annotations

import pytest

from postlint.jekyll.site import Site


@pytest.mark.parametrize("permalink, document, static", [
    ("/:collection/:title/", "/notes/gamma/", "/notes.txt"),  # a static file's :title is empty
    ("/d/:title:output_ext", "/d/gamma.html", "/d.txt"),
    ("/c/:slug.html", "/c/gamma.html", "/c/:slug.html.txt"),  # static files have no :slug: it stays
    ("/:collection/:year/:title/", "/notes/2020/gamma/", "/notes/:year.txt"),
    ("/:collection/:year/:month/:title/", "/notes/2020/03/gamma/", "/notes/:year/:month.txt"),
    ("/x/:name/", "/x/2020-03-04-gamma/", "/x/asset.txt"),
    ("/y/:path:output_ext", "/y/2020-03-04-gamma.html", "/y/sub/asset.txt"),
])
def test_a_collection_document_named_with_a_date_and_a_static_file_beside_it(tmp_path, permalink, document, static):
    (tmp_path / "_config.yml").write_text(f'collections:\n  notes:\n    output: true\n    permalink: "{permalink}"\n',
                                          encoding="utf-8")
    (tmp_path / "_notes" / "sub").mkdir(parents=True)
    (tmp_path / "_notes" / "sub" / "asset.txt").write_text("a", encoding="utf-8")
    (tmp_path / "_notes" / "2020-03-04-gamma.md").write_text("---\ntitle: g\n---\ng\n", encoding="utf-8")
    site = Site(tmp_path)
    assert site.published_url("_notes/2020-03-04-gamma.md") == document  # date and slug from the file name
    assert [url for _, url, _ in site.served_urls("_notes/sub/asset.txt")] == [static]


def test_path_of_a_post_in_a_folder_and_a_page_permalink_with_a_placeholder_pages_lack(tmp_path):
    (tmp_path / "_config.yml").write_text("permalink: /:path/\n", encoding="utf-8")
    (tmp_path / "sub" / "_posts").mkdir(parents=True)
    (tmp_path / "sub" / "_posts" / "2019-07-28-foxtrot.md").write_text("---\ntitle: f\n---\nf\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "lima.md").write_text("---\ntitle: l\npermalink: /blog/:slug\n---\nl\n", encoding="utf-8")
    site = Site(tmp_path)
    assert site.published_url("sub/_posts/2019-07-28-foxtrot.md") == "/sub/2019-07-28-foxtrot/"
    assert site.published_url("folder/lima.md") == "/blog/:slug"  # Jekyll writes /blog/:slug.html
