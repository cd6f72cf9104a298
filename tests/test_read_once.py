"""Each file is read at most once per process and its front matter and body parsed at most once,
whichever rules ask about it: the linted post itself, other posts through the site model, images,
the configuration, the schema and YAML rule files."""

from __future__ import annotations

import builtins
import io
import os
from collections import Counter
from pathlib import Path

import pytest
from helpers import DEMO_SITE, copy_site, run
from test_warm_equals_cold import prepare

from postlint.engine.cache import CACHE_DIR
from postlint.parse import frontmatter_memo, markdown


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = copy_site(DEMO_SITE, tmp_path / "site")
    prepare(copy)  # a schema and a YAML rule folder: every kind of file postlint reads
    return copy


@pytest.fixture
def counts(monkeypatch, site):
    """Opens of each file of the site, and parses of each text, during the test."""
    opened: Counter[str] = Counter()
    parsed: Counter[tuple[str, str]] = Counter()
    root = str(site.resolve())

    def note(path) -> None:
        if isinstance(path, (str, os.PathLike)):
            full = os.path.realpath(os.fspath(path))
            if full.startswith(root + os.sep) and f"{os.sep}{CACHE_DIR}" not in full:
                opened[os.path.relpath(full, root)] += 1

    real_os_open, real_open, real_io_open = os.open, builtins.open, io.open

    def counting_os_open(path, *args, **kwargs):
        note(path)
        return real_os_open(path, *args, **kwargs)

    def counting_open(path, *args, **kwargs):
        note(path)
        return real_open(path, *args, **kwargs)

    def counting_io_open(path, *args, **kwargs):
        note(path)
        return real_io_open(path, *args, **kwargs)

    real_front_matter, real_body = frontmatter_memo.parse_front_matter, markdown.parse_body

    def counting_front_matter(text):
        parsed[("front matter", text[:200])] += 1
        return real_front_matter(text)

    def counting_body(text, *args, **kwargs):
        parsed[("body", text[:200])] += 1
        return real_body(text, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_os_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(io, "open", counting_io_open)
    monkeypatch.setattr(frontmatter_memo, "parse_front_matter", counting_front_matter)
    monkeypatch.setattr(markdown, "parse_body", counting_body)
    return opened, parsed


def test_cold_run_reads_and_parses_each_file_once(site, counts):
    opened, parsed = counts
    result, _ = run([site], jobs=1)
    assert {f.code for f in result.findings} >= {"LNK001", "LNK003", "IMG003", "FM003", "HSE001"}, \
        "the run asks the site about other posts, pages, images, the schema and a YAML rule"
    assert {"_config.yml", ".postlint.yaml", "schema.json", "house-rules/brand.yml", "about.md",
            "assets/images/blog/link-audit-376.webp", "_posts/2024-01-15-ramp-time-benchmark.md"} <= set(opened)
    assert [name for name, count in opened.items() if count > 1] == []
    assert [what for what, count in parsed.items() if count > 1] == []


def test_warm_run_reads_each_file_once_and_parses_nothing(site, counts):
    opened, parsed = counts
    run([site], jobs=1, use_cache=True)
    opened.clear()
    parsed.clear()
    run([site], jobs=1, use_cache=True)
    assert opened and [name for name, count in opened.items() if count > 1] == []
    assert [what for what, _ in parsed if what == "body"] == [], "every result came from the cache"


@pytest.mark.parametrize("jobs", [1, 2])
def test_warm_run_after_an_edit_reads_only_the_edited_post(site, counts, monkeypatch, jobs):
    """What the site's indexes learned from each other file (its URLs, publication, terms,
    title, definitions) comes from the cache's per-file facts, also those a worker process
    computed: checking the one edited post reads no other post or page and parses no front
    matter at all (the edited post's is the one the cache remembers, also when a worker parsed
    it: PyYAML is not needed)."""
    from postlint.engine import parallel
    from postlint.jekyll import signatures

    monkeypatch.setattr(signatures, "RACY_NS", 0)  # the files were written just now
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)  # the demo site is small
    opened, parsed = counts
    run([site], jobs=jobs, use_cache=True)
    edited = site / "_posts" / "2024-05-06-link-audit-before-publishing.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence about link audits.\n", encoding="utf-8")
    opened.clear()
    parsed.clear()
    result, _ = run([edited], jobs=1, use_cache=True)
    assert result.findings, "the post was checked again"
    texts = {name for name in opened if name.endswith((".md", ".html", ".markdown"))}
    assert texts == {"_posts/2024-05-06-link-audit-before-publishing.md"}
    assert [key for key in parsed if key[0] == "front matter"] == []
    assert [key for key in parsed if key[0] == "body"] == [("body", edited.read_text(encoding="utf-8")[:200])]


def test_warm_run_parses_a_front_matter_that_changed_once(site, counts, monkeypatch):
    from postlint.jekyll import signatures

    monkeypatch.setattr(signatures, "RACY_NS", 0)  # the files were written just now
    opened, parsed = counts
    run([site], jobs=1, use_cache=True)
    edited = site / "_posts" / "2024-05-06-link-audit-before-publishing.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "subtitle: Audits\ntitle: ", 1), encoding="utf-8")
    parsed.clear()
    run([edited], jobs=1, use_cache=True)
    assert [key for key in parsed if key[0] == "front matter"] == [("front matter", edited.read_text(encoding="utf-8")[:200])]


def _counting_digests(monkeypatch) -> Counter[str]:
    """How many digests the site model works out during the test, by what they are of: a front
    matter's text ("---..."), an image's size (a tuple), anything else."""
    from postlint.jekyll import site as site_model

    made: Counter[str] = Counter()
    real_digest = site_model.digest

    def counting_digest(value):
        made["front matter" if isinstance(value, str) and value.startswith("---") else
             "image" if isinstance(value, tuple) else "other"] += 1
        return real_digest(value)

    monkeypatch.setattr(site_model, "digest", counting_digest)
    return made


def test_run_without_a_cache_works_out_no_digest_only_a_cache_needs(site, monkeypatch):
    """A run that keeps nothing records no input, so it digests no front matter or image size
    (Site.keep_no_inputs); a run with a cache digests them, for the cache keeps them."""
    made = _counting_digests(monkeypatch)
    without, _ = run([site], jobs=1)
    assert made["front matter"] == made["image"] == 0
    with_cache, _ = run([site], jobs=1, use_cache=True)
    assert made["front matter"] > 0 and made["image"] > 0
    assert [f.sort_key for f in without.findings] == [f.sort_key for f in with_cache.findings]


def test_a_site_that_kept_no_inputs_gets_no_cache(site):
    """Its facts carry no inputs: a cache would keep them as holding whatever changed."""
    from postlint.engine.cache import ResultCache
    from postlint.jekyll.site import Site

    model = Site(site)
    model.keep_no_inputs()
    with pytest.raises(ValueError, match="keep_no_inputs"):
        ResultCache(model, "key", b"secret")
