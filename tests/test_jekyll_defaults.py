"""Front-matter `defaults` and `collections_dir` as Jekyll 4.3 reads them. Every expectation here was
checked against a real `jekyll build` of the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import run

from postlint.jekyll.defaults import defaults_for
from postlint.jekyll.site import Site


def config(*sets: dict) -> dict:
    return {"defaults": list(sets)}


def test_a_longer_path_wins_over_a_later_set():
    found = defaults_for(config({"scope": {"path": "_posts/sub"}, "values": {"permalink": "/specific/"}},
                                {"scope": {"path": ""}, "values": {"permalink": "/general/"}}),
                         "_posts/sub/2024-01-01-a.md", "posts")
    assert found == {"permalink": "/specific/"}


def test_of_equal_paths_a_typed_set_wins_over_a_later_untyped_one():
    found = defaults_for(config({"scope": {"path": "", "type": "posts"}, "values": {"slug": "typed"}},
                                {"scope": {"path": ""}, "values": {"slug": "untyped"}}),
                         "_posts/2024-01-02-b.md", "posts")
    assert found == {"slug": "typed"}


def test_otherwise_the_later_set_wins_and_mappings_merge_key_by_key():
    found = defaults_for(config({"values": {"author": {"name": "A", "team": "x"}, "layout": "post"}},
                                {"scope": {"path": "_posts"}, "values": {"author": {"name": "B"}}}),
                         "_posts/2024-01-02-b.md", "posts")
    assert found == {"author": {"name": "B", "team": "x"}, "layout": "post"}


@pytest.mark.parametrize("scope, applies", [
    ({"path": "_posts/2024-01-04-pre"}, True),  # a plain prefix, with no regard to "/"
    ({"path": "/_posts/2024-01-04-prefixed.md"}, False),  # a leading slash matches nothing
    ({"path": "_posts/2024-01-04-prefixed.md/"}, False),
    ({"path": "_posts/2024-01-04-prefixed.md", "type": "post"}, True),  # the old type name
    ({"path": "", "type": "drafts"}, False),  # a post (or draft) is of kind "posts"
    ({"path": "_posts/*"}, True),
    ({"path": "_posts/*.md"}, True),
    ({"path": "*.md"}, False),  # `*` stays within one folder name
    ({"path": "**/*.md"}, True),
    ({"path": "_posts/2024-01-0{3,4}-*"}, True),
    ({"path": "_posts/2024-01-0{5,6}-*"}, False),
    ({"path": "_posts/[^x]*"}, True),
])
def test_which_scopes_cover_a_post(scope, applies):
    found = defaults_for(config({"scope": scope, "values": {"slug": "s"}}), "_posts/2024-01-04-prefixed.md", "posts")
    assert found == ({"slug": "s"} if applies else {})


def test_a_glob_covers_the_files_inside_a_folder_it_matches():
    sets = config({"scope": {"path": "_posts/*"}, "values": {"slug": "s"}})
    assert defaults_for(sets, "_posts/sub/2024-01-01-a.md", "posts") == {"slug": "s"}
    assert defaults_for(config({"scope": {"path": "_posts/*.md"}, "values": {"slug": "s"}}),
                        "_posts/sub/2024-01-01-a.md", "posts") == {}


def make_site(tmp_path: Path, defaults: str, posts: dict[str, str]) -> Path:
    (tmp_path / "_config.yml").write_text(f"title: t\npermalink: /:year/:month/:day/:slug/\ndefaults:\n{defaults}",
                                          encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    for name, front in posts.items():
        (tmp_path / "_posts" / name).write_text(f"---\n{front}---\nBody\n", encoding="utf-8")
    return tmp_path


def test_a_post_takes_its_slug_and_date_from_defaults(tmp_path):
    root = make_site(tmp_path, (
        '  - scope: {path: "_posts/2024-01-01-dated.md"}\n    values: {date: "2020-05-05"}\n'
        '  - scope: {path: "_posts/2024-01-02-broken.md"}\n    values: {date: "2019-04-04 10:00:00", slug: mended}\n'
        '  - scope: {path: "_posts/2024-01-04-pre"}\n    values: {slug: prefix-applies}\n'
        '  - scope: {path: "_posts/2024-01-06-own.md"}\n    values: {date: "2018-03-03"}\n'), {
        "2024-01-01-dated.md": "title: t\n",
        "2024-01-02-broken.md": "title: [broken\n",  # Jekyll keeps the defaults of a post it cannot read
        "2024-01-04-prefixed.md": "title: t\n",
        "2024-01-06-own.md": "title: t\ndate: 2024-01-06\n",  # its own date wins
    })
    site = Site(root)
    assert {rel: site.published_url(rel) for rel in sorted(site.posts)} == {
        "_posts/2024-01-01-dated.md": "/2020/05/05/dated/",
        "_posts/2024-01-02-broken.md": "/2019/04/04/mended/",
        "_posts/2024-01-04-prefixed.md": "/2024/01/04/prefix-applies/",
        "_posts/2024-01-06-own.md": "/2024/01/06/own/",
    }


def test_post_url_falls_back_to_a_slug_set_by_defaults_as_jekyll_does(tmp_path):
    root = make_site(tmp_path, '  - scope: {path: "_posts/2024-01-01-x.md"}\n    values: {slug: renamed}\n', {
        "2024-01-01-x.md": "title: X\n",
        "2024-03-03-y.md": "title: Y\n",
    })
    linking = root / "_posts" / "2024-03-03-y.md"
    linking.write_text("---\ntitle: Y\n---\nA {% post_url 2024-01-01-renamed %} B {% post_url 2024-01-01-x %}\n",
                       encoding="utf-8")
    result, _ = run([linking], select=["LNK"], use_cache=False)
    assert [(f.code, f.severity) for f in result.findings] == [("LNK004", "warning")]
    assert "2024-01-01-renamed" in result.findings[0].message


def test_with_collections_dir_posts_are_read_and_named_below_it(tmp_path):
    (tmp_path / "_config.yml").write_text(
        'collections_dir: my\npermalink: /:categories/:slug/\ndefaults:\n'
        '  - scope: {path: "my/_posts/2024-01-01"}\n    values: {slug: from-defaults}\n', encoding="utf-8")
    (tmp_path / "my" / "_posts").mkdir(parents=True)
    (tmp_path / "_posts").mkdir()
    (tmp_path / "my" / "_posts" / "2024-01-01-x.md").write_text("---\ntitle: X\n---\nx\n", encoding="utf-8")
    (tmp_path / "_posts" / "2024-01-02-root.md").write_text("---\ntitle: R\n---\nr\n", encoding="utf-8")
    linking = tmp_path / "my" / "_posts" / "2024-01-03-y.md"
    linking.write_text("---\ntitle: Y\n---\nA {% post_url 2024-01-01-x %} B {% post_url 2024-01-02-root %}\n",
                       encoding="utf-8")
    site = Site(tmp_path)
    assert sorted(site.posts) == ["my/_posts/2024-01-01-x.md", "my/_posts/2024-01-03-y.md"]  # not _posts/
    assert [p.relative_to(tmp_path).as_posix() for p in site.lint_targets(tmp_path)] == sorted(site.posts)
    assert site.posts["my/_posts/2024-01-01-x.md"].name == "2024-01-01-x"
    assert site.published_url("my/_posts/2024-01-01-x.md") == "/from-defaults/"  # no `my` category
    result, _ = run([linking], select=["LNK"], use_cache=False)
    assert [(f.code, f.column) for f in result.findings] == [("LNK001", 45)]  # the root post only; no LNK004


def test_a_glob_written_to_explode_stays_quick():
    import time

    started = time.perf_counter()
    for scope in ("{a,b}" * 40 + "*", "**/" * 60 + "x.md", "*a" * 200 + "*b"):
        defaults_for(config({"scope": {"path": scope}, "values": {"slug": "s"}}), "/".join(["d"] * 60) + "/y.md", "posts")
    assert time.perf_counter() - started < 2


def test_categories_come_from_folders_then_defaults_then_front_matter_then_category(tmp_path):
    (tmp_path / "_config.yml").write_text(
        'permalink: /:categories/:title/\ndefaults:\n'
        '  - scope: {path: "news"}\n    values: {categories: "dflt other"}\n'
        '  - scope: {path: "_posts/2024-01-03"}\n    values: {category: dcat}\n', encoding="utf-8")
    posts = {
        "news/_posts/2024-01-01-a.md": "categories: [one, news]\n",
        "news/_posts/2024-01-02-b.md": "categories: [one]\ncategory: three\n",
        "_posts/2024-01-03-c.md": "categories: Two Words\n",
        "_posts/2024-01-04-d.md": "category: [x, y]\n",
        "_posts/2024-01-05-e.md": "category: null\ncategories: [p]\n",
    }
    for rel, front in posts.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"---\ntitle: t\n{front}---\nb\n", encoding="utf-8")
    site = Site(tmp_path)
    assert [site.published_url(rel) for rel in posts] == [
        "/news/dflt/other/one/a/", "/news/dflt/other/one/three/b/", "/two/words/dcat/c/", "/x/y/d/", "/p/e/"]


def test_a_glob_scope_is_matched_from_the_site_root_even_under_collections_dir():
    sets = {"collections_dir": "content", "defaults": [
        {"scope": {"path": "_posts/*"}, "values": {"permalink": "/changed/"}},  # finds nothing in content/_posts
        {"scope": {"path": "content/_posts/*"}, "values": {"slug": "s"}},
        {"scope": {"path": "content/_posts"}, "values": {"layout": "post"}},
        {"scope": {"path": "_posts"}, "values": {"author": "a"}},  # a plain path is taken from collections_dir
    ]}
    assert defaults_for(sets, "content/_posts/2020-01-01-x.md", "posts") == {"slug": "s", "layout": "post", "author": "a"}


def test_categories_differing_only_in_case_are_one_in_the_url(tmp_path):
    (tmp_path / "_config.yml").write_text("permalink: /:categories/:title/\n", encoding="utf-8")
    (tmp_path / "news" / "_posts").mkdir(parents=True)
    (tmp_path / "news" / "_posts" / "2020-01-01-p.md").write_text("---\ntitle: p\ncategories: [News]\n---\np\n",
                                                                  encoding="utf-8")
    assert Site(tmp_path).published_url("news/_posts/2020-01-01-p.md") == "/news/p/"



@pytest.mark.parametrize("key, value", [("defaults", [{"values": {"layout": "post"}}] * 1001),
                                         ("exclude", [f"*a*a*b{n}" for n in range(1001)])])
def test_a_config_list_longer_than_postlint_reads_is_a_run_error(tmp_path, key, value):
    (tmp_path / "_config.yml").write_text(yaml.safe_dump({"title": "t", key: value}))
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a.md").write_text("---\ntitle: A\n---\nBody.\n")
    result, _ = run([tmp_path])
    assert any(f"`{key}` (1,001) has more entries than the 1,000 postlint reads" in error for error in result.errors)
