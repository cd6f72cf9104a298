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
# Edited, it is the one post checked again: its links ask for the URL index.
LINKING_POST = Path("_posts") / "2024-05-06-link-audit-before-publishing.md"
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
    that is kept across runs and was asked for, in the next run (the first). An index asked a
    question the previous run answered counts as taken: the answer is (facts.py, answer)."""
    taken: dict[str, bool] = {}
    real, real_answer = facts.Recording._kept_index, facts.Recording.answer

    def watching(self, name, keep):
        memo = real(self, name, keep)
        taken.setdefault(name, memo is not None)
        return memo

    def answering(self, name, build, keep, question, ask):
        found = real_answer(self, name, build, keep, question, ask)
        if name not in self._derived:
            taken.setdefault(name, True)  # answered without the index
        return found

    monkeypatch.setattr(facts.Recording, "_kept_index", watching)
    monkeypatch.setattr(facts.Recording, "answer", answering)
    return taken


def built_again(taken: dict[str, bool]) -> list[str]:
    """The kept indexes built again, but for those that read the posts' text (the definitions of
    every term): an edited body is one of their inputs."""
    return sorted(name for name, was in taken.items() if not was and not name.startswith("definitions-by-term:"))


def test_an_edited_body_takes_every_kept_index_as_the_previous_run_left_it(site, monkeypatch):
    findings(site, use_cache=True)
    (site / LINKING_POST).write_text((site / LINKING_POST).read_text() + "\nOne more sentence.\n")
    cold = findings(site, use_cache=False)
    taken = watch_kept(monkeypatch)
    assert findings(site, use_cache=True) == cold
    assert {"url_index", "posts"} <= taken.keys()
    assert not built_again(taken)


@pytest.mark.skipif(not parallel.worker_count(4, 2) and parallel.MIN_FILES_PER_WORKER <= 2, reason="workers need fork")
def test_a_parallel_run_keeps_the_indexes_its_workers_built(site, monkeypatch):
    """The parent of a parallel run checks no file and builds no index: the workers hand over the
    indexes they built to keep, so the next run (one edited post) takes them as it would take a
    single-process run's."""
    workers_from = parallel.MIN_FILES_PER_WORKER
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)  # the demo site is small
    run([site], use_cache=True, jobs=2)
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", workers_from)  # the next run in this process
    (site / LINKING_POST).write_text((site / LINKING_POST).read_text() + "\nOne more sentence.\n")
    cold = findings(site, use_cache=False)
    taken = watch_kept(monkeypatch)
    assert findings(site, use_cache=True) == cold
    assert {"url_index", "posts", "uniqueness-values:title:False", "uniqueness-near:description:False:0.8"} <= taken.keys()
    assert not built_again(taken)


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


class Posts(facts.Recording):
    """A site of posts and their titles; the index of titles by post is kept across runs."""

    def __init__(self, titles: dict[str, str]) -> None:
        super().__init__()
        self.titles = titles
        self.builds = 0

    def digest_now(self, key: str) -> str:
        return repr(self.titles.get(key.partition(":")[2]))

    def title_index(self) -> dict[str, str]:
        self.builds += 1
        for rel, title in self.titles.items():
            self.record("front-matter", rel, repr(title))
        return dict(self.titles)

    def same_title_as(self, rel: str) -> list[str]:
        return self.answer("titles", self.title_index, facts.AS_IT_IS, rel,
                           lambda titles: sorted(other for other in titles if other != rel and titles[other] == titles[rel]))


def next_run(previous: Posts, titles: dict[str, str], kept_decoded: list[str]) -> Posts:
    """A run that takes what `previous` kept: its answers, and its index, noting when it decodes that."""
    site = Posts(titles)
    indexes = previous.export_indexes()
    groups = {kept[0]: previous.group_inputs(kept[0]) for kept in [*indexes.values(), *previous.export_answers().values()]}

    def decoded() -> dict:
        kept_decoded.append("titles")
        return indexes

    site.remember_indexes(decoded, groups.get)
    site.remember_answers(previous.export_answers())
    return site


def test_a_question_the_previous_run_answered_is_answered_without_the_index():
    titles = {"a.md": "Ramp time", "b.md": "Ramp time", "c.md": "Quota"}
    first = Posts(titles)
    with first.recording() as recorder:
        assert first.same_title_as("a.md") == ["b.md"]
    decoded: list[str] = []
    second = next_run(first, titles, decoded)
    with second.recording() as again:
        assert second.same_title_as("a.md") == ["b.md"]
    assert second.builds == 0 and decoded == []
    assert again.groups == recorder.groups  # what a cached result of the post depends on: the same


def test_an_answer_whose_inputs_changed_is_found_again_from_the_index():
    first = Posts({"a.md": "Ramp time", "b.md": "Ramp time", "c.md": "Quota"})
    first.same_title_as("a.md")
    second = next_run(first, {"a.md": "Ramp time", "b.md": "Quota", "c.md": "Quota"}, [])
    assert second.same_title_as("a.md") == []
    assert second.builds == 1


def test_an_answer_that_reads_the_site_is_refused():
    site = Posts({"a.md": "Ramp time"})
    with pytest.raises(RuntimeError, match="read the site"):
        site.answer("titles", site.title_index, facts.AS_IT_IS, "a.md", lambda titles: site.title_index())
