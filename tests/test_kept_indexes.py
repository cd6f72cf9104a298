"""Site-wide indexes kept across runs whole (jekyll/facts.py, `Keeping`): taken as they are while
every input of their group holds, built again when one changed, and restored as they were built."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest
from helpers import DEMO_SITE, copy_site, run

from postlint.engine import parallel
from postlint.jekyll import facts
from postlint.jekyll import site as site_module
from postlint.rules.uniqueness import _NearestEarlier

POST = Path("_posts") / "2024-01-15-ramp-time-benchmark.md"
KEPT = ("url_index", "url-sources", "posts", "published-posts:False", "uniqueness-values:title:False",
        "uniqueness-near:description:False:0.8")


@pytest.fixture(params=["files recalled one by one", "all unchanged files recalled at once"])
def site(tmp_path: Path, monkeypatch, request) -> Path:
    """A copy of the demo site; its 30 files are fewer than a run asks about one by one before it
    recalls every unchanged file at once (site.py, RECALL_ALL_AFTER), unless told otherwise."""
    if request.param == "all unchanged files recalled at once":
        monkeypatch.setattr(site_module, "RECALL_ALL_AFTER", 0)
    return copy_site(DEMO_SITE, tmp_path / "site")


def findings(site: Path, use_cache: bool) -> list[tuple]:
    result, _ = run([site], use_cache=use_cache)
    return [(Path(f.path).name, f.line, f.column, f.code, f.message) for f in result.findings]


def watch_kept(monkeypatch) -> dict[str, bool]:
    """name -> was the previous run's index taken (True) or built again (False), for each index
    that is kept across runs and was asked for, in the next run (the first)."""
    taken: dict[str, bool] = {}
    real = facts.Recording._kept_index

    def watching(self, name, keep):
        memo = real(self, name, keep)
        taken.setdefault(name, memo is not None)
        return memo

    monkeypatch.setattr(facts.Recording, "_kept_index", watching)
    return taken


def test_an_edited_body_takes_every_kept_index_as_the_previous_run_left_it(site, monkeypatch):
    findings(site, use_cache=True)
    (site / POST).write_text((site / POST).read_text() + "\nOne more sentence.\n")
    taken = watch_kept(monkeypatch)
    assert findings(site, use_cache=True) == findings(site, use_cache=False)
    assert {"url_index", "posts"} <= taken.keys()
    assert all(taken.values()), f"built again: {sorted(name for name, was in taken.items() if not was)}"


@pytest.mark.skipif(not parallel.worker_count(4, 2) and parallel.MIN_FILES_PER_WORKER <= 2, reason="workers need fork")
def test_a_parallel_run_keeps_the_indexes_its_workers_built(site, monkeypatch):
    """The parent of a parallel run checks no file and builds no index: the workers hand over the
    indexes they built to keep, so the next run (one edited post) takes them as it would take a
    single-process run's."""
    workers_from = parallel.MIN_FILES_PER_WORKER
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)  # the demo site is small
    run([site], use_cache=True, jobs=2)
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", workers_from)  # the next run in this process
    (site / POST).write_text((site / POST).read_text() + "\nOne more sentence.\n")
    taken = watch_kept(monkeypatch)
    assert findings(site, use_cache=True) == findings(site, use_cache=False)
    assert {"url_index", "posts", "uniqueness-values:title:False", "uniqueness-near:description:False:0.8"} <= taken.keys()
    assert all(taken.values()), f"built again: {sorted(name for name, was in taken.items() if not was)}"


@pytest.mark.parametrize("edit", ["another post's permalink", "a file added", "a post's title"])
def test_a_kept_index_whose_inputs_changed_is_built_again(site, monkeypatch, edit):
    findings(site, use_cache=True)
    other = site / "_posts" / "2024-02-05-onboarding-checklist.md"
    if edit == "another post's permalink":
        other.write_text(other.read_text().replace("---\n", "---\npermalink: /guides/dashboard/\n", 1))
        changed = "url_index"
    elif edit == "a file added":
        (site / "assets" / "new.txt").write_text("a new file\n")
        changed = "posts"  # the inventory is its input
    else:
        text = other.read_text()
        other.write_text(text.replace("title: \"", "title: \"Renamed: ", 1))
        changed = "uniqueness-values:title:False"
    (site / POST).write_text((site / POST).read_text() + "\nOne more sentence.\n")
    taken = watch_kept(monkeypatch)
    assert findings(site, use_cache=True) == findings(site, use_cache=False)
    assert taken[changed] is False


def test_each_kept_index_is_restored_as_it_was_built(site, monkeypatch):
    built = {}
    real = facts.Recording.index

    def recording(self, name, build, keep=None):
        value = real(self, name, build, keep)
        if keep is not None:
            built[name] = (keep, value)
        return value

    monkeypatch.setattr(facts.Recording, "index", recording)
    (site / POST).write_text((site / POST).read_text() + "\nSee [who we are](https://www.example.com/about/).\n")
    findings(site, use_cache=False)
    assert set(KEPT) <= built.keys()
    for name, (keep, value) in built.items():
        restored = keep.restore(marshal.loads(marshal.dumps(keep.plain(value))))
        assert type(restored) is type(value), name
        if isinstance(value, _NearestEarlier):
            assert [restored.get(rel) for rel in value.position] == [value.get(rel) for rel in value.position]
            assert restored.plain() == value.plain()
        else:
            assert restored == value, name
