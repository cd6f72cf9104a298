"""A few files of a large site without a cache: helpers split the site model's loops over the
cores (engine/helpers.py), and the run finds, prints and keeps what a run in one process does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DEMO_SITE, copy_site, run, time_limit

from postlint.engine import check as engine
from postlint.engine import helpers
from postlint.jekyll.site import NOTHING_LEARNED, Site

pytestmark = pytest.mark.skipif(not helpers.can_fork(), reason="helpers need fork")

POST = "_posts/2024-05-06-link-audit-before-publishing.md"  # its links need the URL index


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The demo site and enough notes that one post's check splits the site's facts."""
    copy = copy_site(DEMO_SITE, tmp_path / "site")
    (copy / "notes").mkdir()
    for number in range(engine.FACT_PASS_MIN_SITE_FILES):
        (copy / "notes" / f"note-{number}.md").write_text(f"---\ntitle: Note {number}\n---\nBack to [the start](/).\n")
    return copy


@pytest.fixture
def addresses(monkeypatch) -> list[str]:
    """The files whose addresses this process worked out (a helper's are its own)."""
    worked_out: list[str] = []
    real = Site._served_urls

    def noted(self, rel):
        worked_out.append(rel)
        return real(self, rel)

    monkeypatch.setattr(Site, "_served_urls", noted)
    return worked_out


def test_this_process_works_out_its_share_and_takes_the_helpers(site, addresses):
    single, _ = run([site / POST], jobs=1)
    every = len(addresses)
    addresses.clear()
    split, _ = run([site / POST], jobs=2)
    assert split.findings == single.findings and any(f.code == "LNK001" for f in single.findings)
    assert every > engine.FACT_PASS_MIN_SITE_FILES and 0.4 * every < len(addresses) < 0.6 * every


def test_a_helper_that_dies_leaves_the_findings_as_they_are(site, addresses, monkeypatch):
    single, _ = run([site / POST], jobs=1)
    every = len(addresses)
    addresses.clear()
    monkeypatch.setattr(helpers.Helpers, "_become_helper", lambda self, *args: os._exit(1))
    split, _ = run([site / POST], jobs=2)
    assert split.findings == single.findings
    assert len(addresses) == every  # this process worked out the helper's share too


def test_a_helper_prints_nothing_and_its_check_ends_with_it(site):
    """The command's output is one process's: a helper goes on with the check after the loop it was
    forked at, and neither its findings nor anything else it writes reach the output."""
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run([sys.executable, "-m", "postlint", POST, "--no-cache", "--jobs", jobs, "--format", "json"],
                              cwd=site, capture_output=True, text=True, timeout=120)
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[0][0] == 1 and outputs[0] == outputs[1]


def test_a_run_that_fixes_files_has_no_helpers(site, monkeypatch):
    def refused(*args):
        raise AssertionError("a helper forked in a run that writes files")

    monkeypatch.setattr(helpers.Helpers, "_start", refused)
    result, _ = run([site / POST], jobs=2, fix=True)
    assert not any(finding.internal for finding in result.findings)


def test_a_loop_a_helper_reports_without_its_facts_is_computed_here(site, addresses, monkeypatch):
    """A helper sends no fact that rests on its partial indexes; once it has reported its share of
    a loop, this process computes what is missing instead of waiting for the helper to end."""
    single, _ = run([site / POST], jobs=1)
    every = len(addresses)
    addresses.clear()
    real_learned, real_end = helpers.Helpers._learned, helpers.Helpers.end
    monkeypatch.setattr(helpers.Helpers, "_learned",
                        lambda self: NOTHING_LEARNED if self.is_helper else real_learned(self))

    def slow_end(self):
        time.sleep(60)  # a helper whose check takes long after its last loop
        real_end(self)

    monkeypatch.setattr(helpers.Helpers, "end", slow_end)
    with time_limit(30):
        split, _ = run([site / POST], jobs=2)
    assert split.findings == single.findings
    assert len(addresses) == every


def test_a_few_files_are_checked_here_one_after_the_other(site, monkeypatch):
    """Up to HELPED_FILES files: each checked here, helpers forked for a loop that lacks many facts
    (the first file's); more files: a fact pass."""
    started: list[int] = []
    real = helpers.Helpers._start

    def counting(self, *args):
        started.append(self.shares)
        return real(self, *args)

    monkeypatch.setattr(helpers.Helpers, "_start", counting)
    posts = sorted((site / "_posts").glob("*.md"))[-engine.HELPED_FILES:]  # each with findings
    single, _ = run(posts, jobs=1)
    split, _ = run(posts, jobs=2)
    assert split.findings == single.findings and len({f.path for f in single.findings}) > 1
    assert started  # for the first file's loops at least
    started.clear()
    run([*posts, *sorted((site / "notes").glob("*.md"))[:1]], jobs=2)
    assert started == []
