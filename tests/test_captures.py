"""The suite's check that no index or fact of the site model is computed from a value the model
handed out before it (jekyll/captures.py): it catches the mistake that once made a warm run miss
a post added to the site, and lets what is computed from plain values through."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from helpers import DEMO_SITE

from postlint.jekyll import captures
from postlint.jekyll.captures import CapturedValueError
from postlint.jekyll.site import Site


def test_the_suite_runs_with_the_check_on():
    assert captures.CHECKING and Site(DEMO_SITE).handed_out is not None


def test_an_index_built_from_an_index_read_before_it():
    """published_posts as it once was: the posts read outside the build of the list kept across runs."""
    site = Site(DEMO_SITE)
    posts = site.posts
    with pytest.raises(CapturedValueError, match="the index published-posts:False is computed from the index posts"):
        site.index("published-posts:False", lambda: [entry for rel, entry in posts.items()
                                                     if site.unpublished_reason(entry, False) is None])


def test_a_fact_or_index_computed_from_a_fact_a_file_or_its_data():
    site = Site(DEMO_SITE)
    rel = "_posts/2024-01-15-ramp-time-benchmark.md"
    days = site.per_file("post-dates", rel, lambda: ["2024-01-15"])
    with pytest.raises(CapturedValueError, match=f"from the fact post-dates of {rel}"):
        site.per_file("day-count", rel, lambda: len(days))
    data = site.front_matter(rel).data
    with pytest.raises(CapturedValueError, match=f"from the front matter of {rel}"):
        site.per_file("title", rel, lambda: data.get("title"))
    post = site.post(rel)
    with pytest.raises(CapturedValueError, match=f"from the file {rel}"):
        site.index(f"links-from:{rel}", lambda: len(post.text))
    merged = site.document_data(rel, "posts")
    with pytest.raises(CapturedValueError, match=f"from the data of {rel}"):
        site.per_file("date", rel, lambda: str(merged.get("date")))
    nested = [{"data": data}]  # inside containers, nested functions and partials too
    with pytest.raises(CapturedValueError):
        site.index("titles", lambda: (lambda: nested)())


def test_plain_values_and_what_is_read_inside_pass():
    """Names, paths, options, entries made from a path, the site itself; and what the build reads itself."""
    site = Site(DEMO_SITE)
    entry = next(iter(site.posts.values()))
    options = SimpleNamespace(required=["title", "description"], limit=60)
    assert site.per_file("title-of", entry.rel, lambda: [entry.rel, options.limit, options.required[0]]) \
        == [entry.rel, 60, "title"]
    assert site.index("post-count", lambda: len(site.posts)) == len(site.posts)
    assert site.index("published-count", lambda: len(site.published_posts(False))) == len(site.published_posts(False))


def test_off_unless_asked_for(tmp_path):
    """A user's run neither notes nor checks anything."""
    env = {key: value for key, value in os.environ.items() if key != "POSTLINT_CHECK_CAPTURES"}
    probe = "import sys; from pathlib import Path; from postlint.jekyll.site import Site; print(Site(Path(sys.argv[1])).handed_out)"
    done = subprocess.run([sys.executable, "-c", probe, str(DEMO_SITE)], capture_output=True, text=True, env=env,
                          timeout=60, check=True)
    assert done.stdout.strip() == "None"
