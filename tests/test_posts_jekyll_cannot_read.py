"""A post whose front matter Jekyll's reader raises on (invalid YAML, categories it cannot merge)
is still built, as `jekyll build` 4.3 does it: none of its front matter is kept (no permalink, no
`published: false`, no date), and it is published at an address made of its whole file name.
Every expectation here was checked against a real `jekyll build` of the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from postlint.jekyll.posts import resolve_post_url
from postlint.jekyll.site import Site

UNREADABLE = {
    "_posts/2024-01-01-kept-back.md": "---\ntitle: Kept back\npublished: false\ncategories: 2024\npermalink: /fixed/kept-back/\n---\nA\n",
    "_posts/2099-01-01-later.md": "---\ntitle: Later\ncategories: 7\n---\nLater\n",
    "_posts/2024-01-03-broken.md": '---\ntitle: "Broken quote\n---\nBroken\n',
}


def make_site(tmp_path: Path, permalink: str, linking_body: str) -> Path:
    (tmp_path / "_config.yml").write_text(f"title: t\npermalink: {permalink}\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    for rel, text in UNREADABLE.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "_posts" / "2024-01-02-linking.md").write_text(
        f"---\ntitle: Linking\n---\n{linking_body}\n", encoding="utf-8")
    return tmp_path


def link_findings(site: Path) -> list[tuple[str, str]]:
    result, _ = run([site / "_posts" / "2024-01-02-linking.md"], select=["LNK"], use_cache=False)
    return [(f.code, f.message) for f in result.findings]


def test_post_url_finds_them_whatever_their_published_and_date_said(tmp_path):
    site = make_site(tmp_path, "/blog/:title/",
                     "{% post_url 2024-01-01-kept-back %} {% post_url 2099-01-01-later %} {% post_url 2024-01-03-broken %}")
    assert link_findings(site) == []  # jekyll build: all three resolve
    model = Site(site)
    for name in ("2024-01-01-kept-back", "2099-01-01-later", "2024-01-03-broken"):
        assert resolve_post_url(name, model, False).status == "ok"


def test_they_are_published_under_their_whole_file_name_not_their_permalink(tmp_path):
    site = make_site(tmp_path, "/blog/:title/",
                     "[a](/blog/2024-01-01-kept-back/) [b](/blog/2099-01-01-later/) [c](/blog/2024-01-03-broken/)\n\n"
                     "[d](/fixed/kept-back/) [e](/blog/later/) [f](/blog/broken/)")
    # jekyll build wrote blog/2024-01-01-kept-back/, blog/2099-01-01-later/ and blog/2024-01-03-broken/
    reported = [message for code, message in link_findings(site) if code == "LNK003"]
    assert [message.split("'")[1] for message in reported] == ["/fixed/kept-back/", "/blog/later/", "/blog/broken/"]


@pytest.mark.parametrize("permalink", ["date", "/:year/:month/:day/:title/"])
def test_with_a_date_in_the_permalink_they_have_no_address_to_link_to(tmp_path, permalink):
    # Jekyll dates such a post at the build's time: its address changes from one build to the next.
    site = make_site(tmp_path, permalink, "[a](/2024/01/01/2024-01-01-kept-back/)")
    model = Site(site)
    assert model.served_urls("_posts/2024-01-01-kept-back.md") == []
    assert [code for code, _ in link_findings(site)] == ["LNK003"]


def test_a_collection_document_jekyll_cannot_read_is_served_at_its_collection_address(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\ncollections:\n  docs:\n    output: true\n", encoding="utf-8")
    (tmp_path / "_docs").mkdir()
    (tmp_path / "_docs" / "setup.md").write_text("---\ntitle: Setup\npermalink: /fixed/setup/\ncategories: 7\n---\nSetup\n",
                                                 encoding="utf-8")
    # jekyll build wrote docs/setup.html, not fixed/setup/
    assert [url for _, url, _ in Site(tmp_path).served_urls("_docs/setup.md")] == ["/docs/setup.html"]
