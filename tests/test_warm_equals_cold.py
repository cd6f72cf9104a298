"""Warm equals cold: after any sequence of edits to a site, a run that reuses the result cache
reports exactly what a run without it reports (findings, messages and exit code)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

from helpers import DEMO_SITE, copy_site, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from postlint.engine import cache, shards
from postlint.errors import ConfigError
from postlint.jekyll import signatures
from postlint.jekyll import site as site_module
from postlint.run import exit_code

RAMP = "_posts/2024-01-15-ramp-time-benchmark.md"
ONBOARDING = "_posts/2024-02-05-onboarding-checklist.md"
GUIDE = "_posts/guides/2024-03-01-setup-guide.md"
COACHING = "_posts/2024-05-20-coaching-vs-revenue-operations.md"
VARIANT = "assets/images/blog/link-audit-376.webp"
DRAFT = "_drafts/quarterly-planning.md"
QUOTA = "_posts/2024-06-10-quota-planning.md"  # the one post whose address _config.yml's permalink decides

SCHEMA = '{"type": "object"}\n'
HOUSE_RULE = """code: HSE001
name: brand-name
kind: substitution
severity: warning
summary: The brand is written Brightwave.
swap: {BrightWave: Brightwave}
examples: {fail: ["Try BrightWave."], pass: ["Try Brightwave."]}
"""


def prepare(site: Path) -> None:
    """The demo site, plus a JSON Schema and a YAML rule folder in its config (and a post the
    rule speaks about), and a post without a permalink of its own that another post links to,
    the one post that sets the alt-text key the config names."""
    (site / "schema.json").write_text(SCHEMA)
    (site / QUOTA).write_text('---\ntitle: "Quota planning"\ndate: 2024-06-10\nimage_alt: A chart of quotas\n---\n'
                              'Set sales quotas a quarter ahead.\n')
    coaching = site / COACHING
    coaching.write_text(coaching.read_text() + "\nTry BrightWave for a month, then read [quota planning](/blog/quota-planning).\n")
    (site / "house-rules").mkdir()
    (site / "house-rules" / "brand.yml").write_text(HOUSE_RULE)
    config = site / ".postlint.yaml"
    config.write_text(config.read_text() + "  front-matter-schema:\n    schema: schema.json\n"
                      "  image-alt:\n    alt_key: image_alt\nyaml_rules: [house-rules]\n")


def text_of(path: Path) -> tuple[str, str]:
    """A file's text and the encoding it is saved in: an edit may have saved a post as UTF-16 or
    left an invalid byte in it, which later edits keep."""
    data = path.read_bytes()
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    return data.decode(encoding, "surrogateescape"), encoding


def save(path: Path, text: str, encoding: str) -> None:
    path.write_bytes(text.encode(encoding, "surrogateescape"))


def replace_in(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        path = site / rel
        if path.is_file():
            text, encoding = text_of(path)
            save(path, text.replace(old, new, count), encoding)
    return edit


def set_front_matter(rel: str, key: str, value: str) -> Callable[[Path], None]:
    """Set `key: value` in a post's front matter (replacing the key when present)."""
    def edit(site: Path) -> None:
        path = site / rel
        if not path.is_file():
            return
        text, encoding = text_of(path)
        lines = text.split("\n")
        end = lines.index("---", 1)
        kept = [line for line in lines[1:end] if not line.startswith(f"{key}:")]
        save(path, "\n".join(["---", *kept, f"{key}: {value}", *lines[end:]]), encoding)
    return edit


def append(rel: str, text: str) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        with open(site / rel, "a") as handle:
            handle.write(text)
    return edit


def both(first: Callable[[Path], None], second: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        first(site)
        second(site)
    return edit


def delete(rel: str) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        (site / rel).unlink(missing_ok=True)
    return edit


def rename(rel: str, new: str) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        if (site / rel).is_file():
            (site / rel).rename(site / new)
    return edit


def image_of_width(rel: str, width: int) -> Callable[[Path], None]:
    def edit(site: Path) -> None:
        Image.new("RGB", (width, 10), "grey").save(site / rel, "WEBP")
    return edit


def same_size_keeping_mtime(rel: str, old: str, new: str) -> Callable[[Path], None]:
    """An edit a size-and-mtime check cannot see: same length, modification time put back."""
    assert len(old) == len(new)

    def edit(site: Path) -> None:
        path = site / rel
        if not path.is_file():
            return
        info = path.stat()
        text, encoding = text_of(path)
        save(path, text.replace(old, new, 1), encoding)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    return edit


def saved_as(rel: str, encoding: str, tail: bytes = b"") -> Callable[[Path], None]:
    """The file's text saved in another encoding (with `tail` after it): UTF-16, or UTF-8 with an
    invalid byte, make a post Jekyll cannot read; UTF-8 makes it readable again."""
    def edit(site: Path) -> None:
        path = site / rel
        if not path.is_file():
            return
        text, _ = text_of(path)
        path.write_bytes(text.replace("\udcff\n", "").encode(encoding) + tail)  # the invalid byte (surrogateescape) dropped
    return edit


EDITS: dict[str, Callable[[Path], None]] = {
    "date in the future": set_front_matter(RAMP, "date", "2099-01-15"),
    "date in the past": set_front_matter(RAMP, "date", "2023-12-30"),
    "date back": set_front_matter(RAMP, "date", "2024-01-15"),
    "unpublished": set_front_matter(RAMP, "published", "false"),
    "published again": set_front_matter(RAMP, "published", "true"),
    "categories Jekyll cannot read": set_front_matter(RAMP, "categories", "2024"),  # the post keeps no front matter
    "categories readable again": set_front_matter(RAMP, "categories", "[Benchmarks]"),
    "permalink": set_front_matter(ONBOARDING, "permalink", "/guides/onboarding/"),
    "slug": set_front_matter(GUIDE, "slug", "first-steps"),
    "post deleted": delete(GUIDE),
    "post renamed": rename(RAMP, "_posts/2024-01-16-ramp-time-benchmark.md"),
    "post renamed back": rename("_posts/2024-01-16-ramp-time-benchmark.md", RAMP),
    "post not UTF-8": saved_as(RAMP, "utf-8", tail=b"\xff\n"),  # Jekyll leaves it out: post_url to it fails
    "post in UTF-16": saved_as(RAMP, "utf-16"),
    "post in UTF-8 again": saved_as(RAMP, "utf-8"),
    "page added": lambda site: (site / "request-a-demo.md").write_text("---\ntitle: Demo\n---\nHi.\n"),
    # A new post among those the site-wide rules compare: its title repeats an earlier post's.
    "post added": lambda site: (site / "_posts/2024-07-01-ramp-again.md").write_text(
        '---\nlayout: post\ntitle: "How long should new reps take to ramp?"\n---\nRamp time, again.\n'),
    "image narrower": image_of_width(VARIANT, 300),
    "image at the right width": image_of_width(VARIANT, 376),
    "image deleted": delete(VARIANT),
    "config baseurl": append("_config.yml", 'baseurl: "/blog"\n'),
    "config permalink": replace_in("_config.yml", "permalink: /blog/:title", "permalink: pretty"),
    "config future": append("_config.yml", "future: true\n"),
    "config exclude": append("_config.yml", "exclude: [_posts/guides]\n"),
    "config syntax error": append("_config.yml", "timezone: [broken\n"),
    "config defaults": append("_config.yml", "defaults: [{scope: {path: _posts/2024-06-10}, values: {slug: quotas}}]\n"),
    "config collections_dir": append("_config.yml", "collections_dir: stories\n"),  # the posts stop being posts
    "config unpublished": append("_config.yml", "unpublished: true\n"),
    "page unpublished": set_front_matter("request-demo.md", "published", "false"),  # {% link %} to it fails
    "postlint config": append(".postlint.yaml", "exclude: [_posts/2024-05-20-*]\n"),
    "schema": lambda site: (site / "schema.json").write_text('{"type": "object", "required": ["subtitle"]}\n'),
    "yaml rule": replace_in("house-rules/brand.yml", "{BrightWave: Brightwave}", "{Brightwave: BrightWave}"),
    "same size, old mtime": same_size_keeping_mtime(COACHING, "ramp-time-benchmark %}", "ramp-time-benchmarx %}"),
    "body edit": replace_in(COACHING, "wrote about", "wrote about the the"),
    # Edits that change what other posts' checks say: the rules that compare posts across the site.
    "definition in another post": append(ONBOARDING, "\n* **Ramp time**: the weeks a new hire needs before reaching "
                                                     "a full quarterly quota for the first time.\n"),
    "definition changed in another post": replace_in(RAMP, "the weeks from a rep's first day to the first month they "
                                                           "reach full quota", "the weeks a new hire needs before "
                                                           "reaching a full yearly quota for the first time"),
    # Most posts now use the word: the post whose summary leads with it is no longer said to be about it.
    "word most posts use": both(append("_posts/2024-03-20-pipeline-review-cadence.md", "\nSales teams read this too.\n"),
                                append("_posts/2024-05-13-image-checklist-for-posts.md", "\nSales teams read it too.\n")),
    # No post sets the alt-text key any more: a post's image without alt text is told so.
    "alt key set by no post": replace_in(QUOTA, "image_alt: A chart of quotas\n", ""),
    "title of another post": set_front_matter(ONBOARDING, "title", '"An image checklist for every blog post"'),
    "description of another post": set_front_matter(GUIDE, "description", '"A day-by-day plan for a new seller\'s first '
                                                                          'week: accounts, shadowing, product practice '
                                                                          'and a first pipeline review."'),
}

# What a run is given: the site (CI), one post or two (pre-commit), a draft, a folder.
TARGETS: dict[str, tuple[str, ...]] = {
    "the site": (),
    "one post": (COACHING,),
    "another post": (RAMP,),
    "two posts": (ONBOARDING, GUIDE),
    "a draft": (DRAFT,),
    "a folder": ("_posts/guides",),
}


def outcome(site: Path, use_cache: bool, jobs: int = 1, target: str = "the site"):
    """Findings, run errors and exit code of a run over `target` (TARGETS; the site when what it
    names is gone: an edit deleted or renamed it)."""
    paths = [site / rel for rel in TARGETS[target] if (site / rel).exists()] or [site]
    try:
        result, fail_on = run(paths, use_cache=use_cache, jobs=jobs)
    except ConfigError as exc:
        return ("config error", str(exc))
    findings = [(f.path, f.line, f.column, f.code, f.rule, f.severity, f.message, f.fingerprint, f.fix)
                for f in result.findings]
    return findings, sorted(result.errors), exit_code(result, fail_on)


# The demo site's files are fewer than a warm run works out one by one before it recalls every
# unchanged file at once (jekyll/site.py): with a few, each run does both.
FEW = 8

# The cache's entries, parses and facts are stored in shards of about this many keys
# (engine/shards.py): the demo site's few posts would fit in one; here each has its own.
KEYS_PER_SHARD = 1

# How a run writes the cache: whole when its changes are large beside it, else as a journal of
# them (engine/cache.py); "journal" makes every run after the first write a journal.
WRITES = {"as it chooses": cache.JOURNAL_SHARE, "journal": 0}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5), st.sampled_from(sorted(WRITES)))
def test_cached_run_equals_uncached_run_after_every_edit(edits, writes):
    # Every file counts as settled at once, so that unchanged files come from the signature memo
    # (signatures.py) and only what an edit touched is read again.
    with tempfile.TemporaryDirectory() as folder, patch.object(signatures, "RACY_NS", 0), \
            patch.object(site_module, "RECALL_ALL_AFTER", FEW), \
            patch.object(shards, "KEYS_PER_SHARD", KEYS_PER_SHARD), \
            patch.object(cache, "JOURNAL_SHARE", WRITES[writes]):
        site = copy_site(DEMO_SITE, Path(folder) / "site")
        prepare(site)
        assert outcome(site, use_cache=True) == outcome(site, use_cache=False)
        for name in edits:
            EDITS[name](site)
            warm = outcome(site, use_cache=True)
            assert warm == outcome(site, use_cache=False), f"after: {name}"


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_cached_parallel_run_equals_uncached_run_after_every_edit(edits):
    """The same with two worker processes: the facts and file digests the workers learn (in the
    fact pass and while checking) travel to the parent and into the cache."""
    from postlint.engine import parallel

    with tempfile.TemporaryDirectory() as folder, patch.object(signatures, "RACY_NS", 0), \
            patch.object(site_module, "RECALL_ALL_AFTER", FEW), \
            patch.object(shards, "KEYS_PER_SHARD", KEYS_PER_SHARD), \
            patch.object(parallel, "MIN_FILES_PER_WORKER", 1):
        site = copy_site(DEMO_SITE, Path(folder) / "site")
        prepare(site)
        assert outcome(site, use_cache=True, jobs=2) == outcome(site, use_cache=False)
        for name in edits:
            EDITS[name](site)
            warm = outcome(site, use_cache=True, jobs=2)
            assert warm == outcome(site, use_cache=False), f"after: {name}"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.sampled_from(sorted(TARGETS))), min_size=1, max_size=5),
       st.sampled_from(sorted(WRITES)))
def test_cached_run_over_some_files_equals_uncached_run(steps, writes):
    """Runs over one post, a draft or a folder, as pre-commit makes them, between edits: each
    reuses the cache that the runs before it left (a run over one post keeps what it learned
    about the rest of the site), and reports what a run without the cache reports."""
    with tempfile.TemporaryDirectory() as folder, patch.object(signatures, "RACY_NS", 0), \
            patch.object(site_module, "RECALL_ALL_AFTER", FEW), \
            patch.object(shards, "KEYS_PER_SHARD", KEYS_PER_SHARD), \
            patch.object(cache, "JOURNAL_SHARE", WRITES[writes]):
        site = copy_site(DEMO_SITE, Path(folder) / "site")
        prepare(site)
        assert outcome(site, use_cache=True) == outcome(site, use_cache=False)
        for name, target in steps:
            EDITS[name](site)
            warm = outcome(site, use_cache=True, target=target)
            assert warm == outcome(site, use_cache=False, target=target), f"after: {name}, over {target}"


def test_each_edit_changes_some_answer_and_the_cached_run_sees_it(tmp_path):
    """Each edit, made once to a site whose cache is warm: a cached run reports what a run without
    the cache reports (whatever hypothesis draws above, every edit is tried), and that answer
    differs from the one before the edit, so that no edit of the differential tests is vacuous."""
    pristine = tmp_path / "pristine"
    copy_site(DEMO_SITE, pristine)
    prepare(pristine)
    order = {"date back": ["date in the future"], "published again": ["unpublished"],
             "categories readable again": ["categories Jekyll cannot read"],
             "post renamed back": ["post renamed"], "image at the right width": ["image narrower"],
             "post in UTF-8 again": ["post in UTF-16"], "config future": ["date in the future"],
             "config unpublished": ["unpublished"]}
    unchanged = []
    with patch.object(signatures, "RACY_NS", 0), patch.object(site_module, "RECALL_ALL_AFTER", FEW), \
            patch.object(shards, "KEYS_PER_SHARD", KEYS_PER_SHARD):
        for name, edit in EDITS.items():
            site = tmp_path / name.replace(" ", "-").replace(",", "")
            shutil.copytree(pristine, site)
            for earlier in order.get(name, []):
                EDITS[earlier](site)
            start = outcome(site, use_cache=True)  # and the cache the edit is checked against
            edit(site)
            after = outcome(site, use_cache=False)
            assert outcome(site, use_cache=True) == after, f"after: {name}"
            if after == start:
                unchanged.append(name)
    assert unchanged == [], unchanged
