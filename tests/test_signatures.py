"""A warm run reuses digests of files whose stat signature (change time and inode included) is the
one they had when the previous run read them, and reads every other file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import DEMO_SITE, copy_site, run
from test_read_once import counts  # noqa: F401 - the fixture that counts opens and parses
from test_warm_equals_cold import COACHING, outcome, prepare, same_size_keeping_mtime

from postlint.digest import digest
from postlint.jekyll import signatures
from postlint.jekyll.facts import CONTENT, input_key
from postlint.jekyll.signatures import FileMemo, signature
from postlint.jekyll.site import Site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = copy_site(DEMO_SITE, tmp_path / "site")
    prepare(copy)
    return copy


@pytest.fixture
def trust_at_once(monkeypatch):
    """Files written by the test a moment ago count as settled (in real use: after two seconds)."""
    monkeypatch.setattr(signatures, "RACY_NS", 0)


def test_a_warm_run_opens_no_post_when_nothing_changed(site, counts, trust_at_once):  # noqa: F811
    opened, parsed = counts
    run([site], jobs=1, use_cache=True)
    run([site], jobs=1, use_cache=True)  # the first warm run remembers what the cold run's workers read
    opened.clear()
    parsed.clear()
    warm = outcome(site, use_cache=True)
    assert [name for name in opened if name.endswith(".md")] == [], "an unchanged post was read again"
    assert parsed == {}
    assert warm == outcome(site, use_cache=False)


def test_a_same_size_edit_with_the_old_mtime_is_read_again(site, trust_at_once):
    outcome(site, use_cache=True)
    outcome(site, use_cache=True)
    same_size_keeping_mtime(COACHING, "ramp-time-benchmark %}", "ramp-time-benchmarx %}")(site)
    warm = outcome(site, use_cache=True)
    assert warm == outcome(site, use_cache=False)
    assert any("ramp-time-benchmarx" in finding[6] for finding in warm[0])


def test_a_file_changed_just_now_has_no_signature(tmp_path):
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Fresh\n---\n")
    assert signature(str(path)) is None  # it may change again within the filesystem's time step


def test_a_symbolic_link_has_no_signature(tmp_path, trust_at_once):
    target = tmp_path / "post.md"
    target.write_text("---\ntitle: Linked\n---\n")
    (tmp_path / "link.md").symlink_to(target)
    assert signature(str(target)) is not None
    assert signature(str(tmp_path / "link.md")) is None


def test_a_file_replaced_by_another_is_not_recalled(tmp_path, trust_at_once):
    path = tmp_path / "post.md"
    path.write_text("one")
    memo = FileMemo(str(tmp_path))
    memo.before_read("post.md")
    memo.note("post.md", "content:post.md", "digest of one")
    remembered = memo.export()
    assert FileMemo(str(tmp_path), remembered).unchanged("post.md") == {"content:post.md": "digest of one"}
    replacement = tmp_path / "new.md"
    replacement.write_text("two")
    stat = path.stat()
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, path)  # same size and modification time, another inode
    assert FileMemo(str(tmp_path), remembered).unchanged("post.md") is None


def test_a_memo_of_another_shape_is_ignored(tmp_path, trust_at_once):
    (tmp_path / "post.md").write_text("one")
    for broken in (["not", "a", "pair"], [None, {}], [[1, 2], "digests"], "text", 7):
        memo = FileMemo(str(tmp_path), {"post.md": broken})
        assert memo.unchanged("post.md") is None
        memo.export()  # and saving it again does not fail


def test_an_editors_unsaved_text_is_never_taken_for_the_file_on_disk(site, trust_at_once):
    """The language server checks a document as the editor holds it. The memo of a site that
    remembers the previous session knows the file on disk: neither its digests may stand for
    the text, nor may a fact computed from the text be kept as one about the file."""
    rel = "_posts/2024-01-15-ramp-time-benchmark.md"
    on_disk = (site / rel).read_bytes()
    first = Site(site)
    first.content_digest(rel)
    second = Site(site)
    second.remember(first.memo.export(), first.export_facts())
    text = on_disk.decode() + "\nUnsaved words.\n"
    second.with_text(rel, text)
    assert second.current_digest(input_key(CONTENT, rel)) == digest(text.encode())
    assert second.per_file("length", rel, lambda: len(second.whole_post(rel).text)) == len(text)
    third = Site(site)
    third.remember(second.memo.export(), second.export_facts())
    assert third.current_digest(input_key(CONTENT, rel)) == digest(on_disk)
    assert third.known_fact("length", rel) == (False, None)
