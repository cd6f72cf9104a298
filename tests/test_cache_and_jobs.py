"""The result cache and parallel runs change speed, never findings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO_SITE, REPO, copy_site, joined_parts, run

from postlint.engine import cache as cache_module
from postlint.engine import check as engine
from postlint.engine import shards
from postlint.engine.cache import (
    CACHE_DIR,
    CACHE_FILE,
    JOURNAL_FILE,
    _read_parts,
    _sign,
    _write_parts,
    decode,
    encode,
    secret_key,
    stored_parts,
)
from postlint.errors import ConfigError
from postlint.jekyll.site import Site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    copy_site(DEMO_SITE, copy)
    return copy


def lint(site: Path, **kwargs):
    result, _ = run([site], use_cache=True, **kwargs)
    return [(Path(f.path).name, f.line, f.column, f.code, f.message) for f in result.findings]


def read_cache(site: Path) -> dict:
    """The cache's key and its parts decoded, after checking it is signed with this user's key."""
    parts, _, _ = _read_parts(site / CACHE_DIR / CACHE_FILE, secret_key())
    assert parts is not None
    return {"key": parts.key, **joined_parts(parts)}


def write_cache(site: Path, data: dict) -> None:
    """Replace the cache with `data` (as read_cache gives it), signed with this user's key."""
    _write_parts(site / CACHE_DIR / CACHE_FILE, secret_key(), data["key"],
                 stored_parts({name: part for name, part in data.items() if name != "key"}))


def count_checks(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = engine.check_post

    def counting(post, *args, **kwargs):
        checked.append(post.path.name)
        return real(post, *args, **kwargs)

    monkeypatch.setattr(engine, "check_post", counting)
    return checked


def edit_body(site: Path) -> None:
    post = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    post.write_text(post.read_text() + "\nOne more sentence.\n")


def uncached(site: Path, **kwargs):
    return [(Path(f.path).name, f.line, f.column, f.code, f.message) for f in run([site], **kwargs)[0].findings]


def test_warm_run_reuses_results_and_reports_the_same(site, monkeypatch):
    cold = lint(site)
    assert (site / CACHE_DIR / CACHE_FILE).is_file()
    assert (site / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")
    checked = count_checks(monkeypatch)
    assert lint(site) == cold
    assert checked == [], "nothing changed: every result comes from the cache"


def test_edited_post_is_checked_again(site, monkeypatch):
    lint(site)
    post = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    post.write_text(post.read_text().replace("title: \"How long", "title: [broken\ndescription: \"How long", 1))
    checked = count_checks(monkeypatch)
    findings = lint(site)
    assert "2024-01-15-ramp-time-benchmark.md" in checked
    assert any(f[0] == "2024-01-15-ramp-time-benchmark.md" and f[3] == "FM001" for f in findings)


def test_deleting_a_link_target_resurfaces_the_broken_link(site):
    before = lint(site)
    assert not any(f[3] == "LNK001" and "setup-guide" in f[4] for f in before)
    linking = [p for p in (site / "_posts").rglob("*.md") if "post_url guides/2024-03-01-setup-guide" in p.read_text()]
    assert linking, "the demo site links to the guide post with its prefix"
    (site / "_posts" / "guides" / "2024-03-01-setup-guide.md").unlink()
    after = lint(site)
    assert any(f[3] == "LNK001" and "setup-guide" in f[4] for f in after)
    assert after == uncached(site)


def test_config_change_invalidates(site):
    lint(site)
    config = site / ".postlint.yaml"
    config.write_text(config.read_text() + "  title-length: {max: 20}\n")
    assert lint(site) == uncached(site)


def test_corrupt_cache_is_ignored_and_rebuilt(site):
    cold = lint(site)
    cache = site / CACHE_DIR / CACHE_FILE
    cache.write_text('{"key": "x", "entries": ')
    assert lint(site) == cold
    read_cache(site)  # rewritten whole


def test_a_small_change_is_written_as_a_journal_beside_the_cache(site, monkeypatch):
    # The demo site's cache is small: even one post's changes are more than an eighth of it.
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 0)
    lint(site)
    written = (site / CACHE_DIR / CACHE_FILE).read_bytes()
    edit_body(site)
    assert lint(site) == uncached(site)
    assert (site / CACHE_DIR / CACHE_FILE).read_bytes() == written, "the cache itself is left as it was"
    journal = (site / CACHE_DIR / JOURNAL_FILE).read_bytes()
    assert len(journal) < len(written) / 2
    checked = count_checks(monkeypatch)
    again = lint(site)
    assert checked == [], "the edited post's result comes from the journal"
    assert again == uncached(site)


def test_a_large_change_writes_the_whole_cache_and_drops_the_journal(site, monkeypatch):
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 0)
    lint(site)
    edit_body(site)
    lint(site)
    assert (site / CACHE_DIR / JOURNAL_FILE).is_file()
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 10**9)  # any journal is too large now
    edit_body(site)
    assert lint(site) == uncached(site)
    assert not (site / CACHE_DIR / JOURNAL_FILE).exists()
    checked = count_checks(monkeypatch)
    again = lint(site)
    assert checked == [], "every result comes from the whole cache written again"
    assert again == uncached(site)


def test_a_summary_s_result_holds_until_a_term_count_it_read_changes(site, monkeypatch):
    """summary-relevance weighs a summary's words by the share of the site's posts that use them:
    a post's result reads a few dozen of those counts, each an input of its own. Another post's
    body edited without changing one leaves the result valid; a word it asked about added
    elsewhere checks it again, and the warm run reports what --no-cache does."""
    select = ["summary-relevance"]
    judged = "2024-05-20-coaching-vs-revenue-operations.md"
    cold = lint(site, select=select)
    assert [finding[0] for finding in cold] == [judged], "the demo's off-topic excerpt"
    checked = count_checks(monkeypatch)
    other = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    other.write_text(other.read_text() + "\nZeppelins.\n")
    assert lint(site, select=select) == cold
    assert checked == ["2024-01-15-ramp-time-benchmark.md"], "no count the judged post read changed"
    checked.clear()
    other.write_text(other.read_text() + "\nMarketing budgets, marketing plans.\n")  # its excerpt's first word
    warm = lint(site, select=select)
    assert sorted(checked) == ["2024-01-15-ramp-time-benchmark.md", judged]
    assert warm == uncached(site, select=select)


def test_a_definition_s_result_holds_until_the_site_s_definitions_of_its_terms_change(site, monkeypatch):
    """cross-post-definition compares a post's terms with the other posts' definitions of them:
    a post's result reads each of its terms' definitions across the site, an input of its own.
    Another post's body edited without defining one of those terms leaves the result valid; the
    same term defined there checks it again, and the warm run reports what --no-cache does."""
    select = ["cross-post-definition"]
    judged = "2024-05-20-coaching-vs-revenue-operations.md"  # defines Win rate and Ramp time
    cold = lint(site, select=select)
    checked = count_checks(monkeypatch)
    other = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    other.write_text(other.read_text() + "\n* **Churn**: the customers lost in a quarter.\n")
    assert lint(site, select=select) == cold
    assert checked == ["2024-01-15-ramp-time-benchmark.md"], "no term the judged post defines is defined there"
    checked.clear()
    other.write_text(other.read_text() + "\n* **Win rate**: won deals divided by every lead in the quarter.\n")
    warm = lint(site, select=select)
    assert sorted(checked) == ["2024-01-15-ramp-time-benchmark.md", judged]
    assert warm == uncached(site, select=select) != cold


def test_the_whole_cache_written_again_leaves_out_the_entries_no_run_can_use(site, monkeypatch):
    """A post's front matter edited and checked alone builds the URL index again, from a new group
    of inputs (one per file of the site); the other posts' entries name the old group, which no
    longer holds. Kept, such groups piled up with every commit the hook checked until the next
    whole-site run (18F: 6.4 MB to 12.3 MB over twelve title edits). A deleted post's entry
    stayed for good."""
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 10**9)  # every run writes the whole cache
    lint(site)
    whole_run = read_cache(site)
    post = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    for take in range(3):
        post.write_text(post.read_text().replace('title: "', f'title: "Take {take}: ', 1))
        run([post], use_cache=True)
        cache = read_cache(site)
        assert len(cache["groups"]) <= len(whole_run["groups"])
        assert len(cache["entries"]) < len(whole_run["entries"]), "the entries naming the old URL index are left out"
    assert lint(site) == uncached(site)
    gone = site / "_posts" / "2024-02-05-onboarding-checklist.md"
    gone.unlink()
    run([post], use_cache=True)
    assert "_posts/2024-02-05-onboarding-checklist.md" not in read_cache(site)["entries"]
    assert lint(site) == uncached(site)


@pytest.mark.parametrize("journal", ["signed with another key", "of an earlier cache", "genuine (the control)"])
def test_a_journal_not_made_against_this_cache_by_this_user_is_ignored(site, monkeypatch, journal):
    """A journal that says the posts have no findings (each entry emptied, as an attacker would).
    The control, made against this cache and signed with this user's key, is taken: the forged
    journal is refused for its signature or base alone."""
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 0)
    cold = lint(site)
    assert cold
    data = read_cache(site)
    emptied = {rel: [entry[0], entry[1], encode((decode(entry[2])[0], {}, []))] for rel, entry in data["entries"].items()}
    mac = (site / CACHE_DIR / CACHE_FILE).read_bytes().partition(b"\n")[0].decode()
    forged = {"base": "0" * len(mac) if journal == "of an earlier cache" else mac, "key": data["key"],
              "facts": {}, "counts": encode(data["counts"]), "entries": [emptied, []], "groups": [{}, []],
              "files": [{}, []], "front-matters": [{}, []], "indexes": [{}, []],
              "answers": [{}, []]}
    payload = encode(forged)
    key = b"k" * 32 if journal == "signed with another key" else secret_key()
    (site / CACHE_DIR / JOURNAL_FILE).write_bytes(_sign(key, payload).encode() + b"\n" + payload)
    if journal == "genuine (the control)":
        assert lint(site) == []
    else:
        assert lint(site) == cold


def test_foreign_entry_shapes_are_ignored(site):
    cold = lint(site)
    data = read_cache(site)
    for entry in data["entries"].values():
        inputs, lines, _ = decode(entry[2])
        entry[2] = encode((inputs, lines, [{"nonsense": True}]))
    write_cache(site, data)
    assert lint(site) == cold


def test_an_older_format_s_file_is_removed_when_the_cache_is_written(site, tmp_path):
    folder = site / CACHE_DIR
    folder.mkdir()
    (folder / "results-v4.bin").write_bytes(b"an older postlint's results")
    (folder / "results-v5-journal.bin").write_bytes(b"an older postlint's journal")
    (folder / "results-v3.json").write_text("{}")  # the formats before marshal were JSON
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(b"kept")
    (folder / "results-v3.bin").symlink_to(outside)
    (folder / "notes.txt").write_text("kept")
    lint(site)
    assert sorted(path.name for path in folder.iterdir()) == sorted([".gitignore", CACHE_FILE, "notes.txt"])
    assert outside.read_bytes() == b"kept"


def test_no_cache_writes_nothing(site):
    run([site], use_cache=False)
    assert not (site / CACHE_DIR).exists()


def test_concurrent_runs_leave_a_valid_cache(site):
    command = [sys.executable, "-m", "postlint", str(site), "--format", "json"]
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
                 for _ in range(4)]
    outputs = [process.communicate()[0] for process in processes]
    assert len({output for output in outputs}) == 1
    read_cache(site)


def test_parallel_run_matches_single_process(tmp_path):
    site = tmp_path / "many"
    copy_site(DEMO_SITE, site)
    posts = sorted((site / "_posts").glob("*.md"))
    for copy in range(6):  # enough files for two workers
        for post in posts:
            name = post.name.replace("-", f"-copy{copy}-", 3)[:-3] + ".md"
            (site / "_posts" / name).write_text(post.read_text())
    single, _ = run([site], jobs=1)
    parallel, _ = run([site], jobs=2)
    assert len(single.findings) > 40
    assert parallel.findings == single.findings
    assert [f.message for f in parallel.findings] == [f.message for f in single.findings]


def test_a_parallel_run_without_a_cache_carries_back_only_the_findings(tmp_path, monkeypatch):
    """Without a cache nothing a worker learned is kept: a worker sends the others its facts and
    the parent its findings, and neither hands over nor adopts the rest (the parent's time on a
    large site went to unpickling it, on a core the workers needed)."""
    from postlint.engine import parallel
    from postlint.jekyll.site import Site

    def refused(*args):
        raise AssertionError("handed over or adopted without a cache")

    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    site = copy_site(DEMO_SITE, tmp_path / "site")
    single, _ = run([site], jobs=1)
    for name in ("hand_over", "adopt", "adopt_indexes", "adopt_answers"):
        monkeypatch.setattr(Site, name, refused)
    parallel_run, _ = run([site], jobs=2)
    assert not any(finding.internal for finding in parallel_run.findings)  # a worker that raised lost its files
    assert parallel_run.findings == single.findings


def test_one_post_of_a_large_site_whose_facts_no_cache_holds_splits_them_over_helpers(tmp_path, monkeypatch):
    """One post of a site of FACT_PASS_MIN_SITE_FILES files, with no cache to take the site's facts
    from: the site-wide indexes are the run's work, and helpers split their loops over the cores
    (engine/helpers.py), finding what one process finds; once the cache holds the facts, or the
    site is smaller, the run stays in one process."""
    from postlint.engine import helpers

    if not helpers.can_fork():
        pytest.skip("helpers need fork")
    site = copy_site(DEMO_SITE, tmp_path / "site")
    (site / "notes").mkdir()
    for number in range(engine.FACT_PASS_MIN_SITE_FILES):
        (site / "notes" / f"note-{number}.md").write_text(f"---\ntitle: Note {number}\n---\nBack to [the start](/).\n")
    post = site / "_posts" / "2024-05-06-link-audit-before-publishing.md"  # its broken links need the URL index
    started: list[int] = []
    real = helpers.Helpers._start

    def counting(self, *args):
        started.append(self.shares)
        real(self, *args)

    monkeypatch.setattr(helpers.Helpers, "_start", counting)
    single, _ = run([post], jobs=1)
    split, _ = run([post], jobs=2)
    assert started == [2]
    cold, _ = run([post], jobs=2, use_cache=True)  # the cache is new: the facts come from the files
    warm, _ = run([post], jobs=2, use_cache=True)
    assert started == [2, 2]
    assert single.findings and split.findings == cold.findings == warm.findings == single.findings
    for number in range(len(list(site.rglob("*.*"))) - engine.FACT_PASS_MIN_SITE_FILES + 1):
        (site / "notes" / f"note-{number}.md").unlink()  # a site smaller than that: one process
    run([post], jobs=2, use_cache=False)
    assert started == [2, 2]


def test_a_fact_pass_over_a_few_files_builds_only_the_indexes_their_check_asks_for(tmp_path, monkeypatch):
    """The fact pass of a run over a few files builds what checking its first file asks for, not
    every index of the site model (a post without links needs no URL index); over many files it
    builds them all, for some later file is bound to use each. The findings are one process's."""
    from postlint.engine import parallel
    from postlint.jekyll.site import Site

    if not parallel.worker_count(2 * parallel.MIN_FILES_PER_WORKER, 2):
        pytest.skip("workers need fork")
    site = copy_site(DEMO_SITE, tmp_path / "site")
    (site / "notes").mkdir()
    notes = []
    for number in range(engine.FACT_PASS_MIN_SITE_FILES):
        notes.append(site / "notes" / f"note-{number}.md")
        notes[-1].write_text(f"---\ntitle: Note {number}\n---\nA note without links.\n")
    built = tmp_path / "built"  # the workers are other processes: each build is a line here
    real = Site.build_indexes

    def noted(self):
        with built.open("a") as log:
            log.write("built\n")
        real(self)

    monkeypatch.setattr(Site, "build_indexes", noted)
    few = notes[:parallel.MIN_FILES_PER_WORKER - 1]
    split, _ = run(few, jobs=2)
    assert not built.exists()
    many = notes[:parallel.MIN_FILES_PER_WORKER]
    run(many, jobs=2)
    assert built.read_text() == "built\n" * 2  # once in each worker
    monkeypatch.setattr(Site, "build_indexes", real)
    single, _ = run(few, jobs=1)
    assert split.findings == single.findings


@pytest.mark.parametrize("schema", [None, '{"type": '])
def test_a_configuration_error_in_a_worker_stops_the_run_as_in_one_process(tmp_path, monkeypatch, schema):
    """A rule's ConfigError (its schema file gone, or not JSON) raised in a worker process: the run
    stops with that error, as a run in one process does, instead of the worker dying and every
    file it held reported as lost (PL001)."""
    from postlint.engine import parallel

    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    site = copy_site(DEMO_SITE, tmp_path / "site")
    config = site / ".postlint.yaml"
    config.write_text(config.read_text() + "  front-matter-schema:\n    schema: schema.json\n")
    if schema is not None:
        (site / "schema.json").write_text(schema)
    errors = []
    for jobs in (1, 2):
        with pytest.raises(ConfigError) as raised:
            run([site], jobs=jobs)
        errors.append(str(raised.value))
    assert errors[0] == errors[1] and "front-matter schema" in errors[0]


def test_a_parallel_run_caches_the_facts_its_workers_learned(tmp_path, monkeypatch):
    """Per-file facts a worker process computes (another post's definitions, asked by
    cross-post-definition) travel back to the parent and are cached, as a one-process run caches
    them: the next run need not parse those posts again."""
    from postlint.engine import parallel

    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    learned = {}
    for jobs in (1, 2):
        copy = copy_site(DEMO_SITE, tmp_path / f"jobs-{jobs}")
        run([copy], jobs=jobs, use_cache=True)
        learned[jobs] = {name.removeprefix("facts:"): sorted(facts) for name, facts in read_cache(copy).items()
                         if name.startswith("facts:")}
    assert any(name.startswith("definitions:") for name in learned[1])
    assert learned[2] == learned[1]


def test_a_parallel_run_counts_each_post_s_terms_once(tmp_path, monkeypatch):
    """The fact pass splits the site's term counts between the workers whatever the post each
    checks first holds (one without a summary asks for no count): no worker counts the other's
    posts again afterwards (on 18F that doubled the counting, 8% of a cold run)."""
    from postlint.engine import parallel

    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    counted = tmp_path / "counted"
    real = Site._english_terms

    def counting(site, rel):
        with open(counted, "a", encoding="utf-8") as log:  # the workers are forked: a file they share
            log.write(rel + "\n")
        return real(site, rel)

    monkeypatch.setattr(Site, "_english_terms", counting)
    copy = copy_site(DEMO_SITE, tmp_path / "site")
    (copy / ".postlint.yaml").write_text("rules:\n  summary-relevance: {min_words: 0}\n", encoding="utf-8")
    first = copy / "_drafts" / "quarterly-planning.md"  # checked first: no summary to judge
    first.write_text("".join(line for line in first.read_text().splitlines(keepends=True)
                             if not line.startswith(("description:", "excerpt:"))))
    run([copy], jobs=2, select=["summary-relevance"])
    rels = counted.read_text().split()
    assert rels and len(rels) == len(set(rels))


def count_decoded(monkeypatch) -> list[str]:
    """The names of the cache's parts decoded from now on, in order."""
    decoded: list[str] = []
    real = cache_module._Parts.get

    def counting(parts, name):
        if name not in parts._decoded:
            decoded.append(name)
        return real(parts, name)

    monkeypatch.setattr(cache_module._Parts, "get", counting)
    return decoded


def test_a_run_whose_results_all_come_from_the_cache_never_decodes_the_facts(site, monkeypatch):
    cold = lint(site)
    decoded = count_decoded(monkeypatch)
    assert lint(site) == cold
    assert {name.partition("/")[0] for name in decoded} == {"entries", "files", "groups", "counts", "indexes"}, \
        "no facts or parses: the word counts (over the kept list of published posts) answer the term counts " \
        "the results depend on"
    edit_body(site)
    decoded.clear()
    lint(site)
    assert "counts" in decoded, "a post to check again needs the site's word counts"
    assert any(name.startswith("facts:english-terms/") for name in decoded), "... and the other posts' terms"
    assert len(decoded) == len(set(decoded)), "each part is decoded once"


def test_a_run_reads_from_the_cache_file_only_its_header_and_the_parts_it_uses(site, monkeypatch):
    """The file stays open and each part is read when first used: a run whose results all come
    from the cache reads neither the facts nor the parses."""
    cold = lint(site)
    monkeypatch.setattr(cache_module, "_HEAD_BYTES", 100)  # the demo site's whole cache would fit in one read
    decoded = count_decoded(monkeypatch)
    read: list[tuple[object, int, int]] = []
    real = cache_module._read_at
    monkeypatch.setattr(cache_module, "_read_at", lambda handle, offset, length: read.append((handle, offset, length))
                        or real(handle, offset, length))
    assert lint(site) == cold
    cache_file = next(handle for handle, offset, length in read if (offset, length) == (0, 100))  # not the journal or memos
    run_reads = [(offset, length) for handle, offset, length in read if handle is cache_file]
    (first, _), (header, _), *rest = run_reads
    parts, _, size = _read_parts(site / CACHE_DIR / CACHE_FILE, secret_key())
    parts.close()
    assert first == 0 and 0 < header < min(start for start, _, _ in parts._layout.values())
    assert set(rest) <= {(start, length) for start, length, _ in parts._layout.values()}
    assert len(rest) == len(decoded)
    assert {name.partition("/")[0] for name in decoded} == {"entries", "files", "groups", "counts", "indexes"}
    unread = sum(length for name, (_, length, _) in parts._layout.items() if name.startswith(("facts:", "front-matters")))
    assert unread and 100 + sum(length for _, length in run_reads[1:]) <= size - unread


def test_a_one_post_run_decodes_the_shard_of_its_entry_and_front_matter(site, monkeypatch):
    """With a shard per file (a large site's sections are in many), a run over one edited post
    looks into one shard of the entries and one of the front-matter parses, and still reports
    what a run without the cache reports."""
    monkeypatch.setattr(shards, "KEYS_PER_SHARD", 1)
    monkeypatch.setattr(cache_module, "JOURNAL_SHARE", 0)  # the whole file each time: no entry in a journal
    lint(site)
    post = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    decoded = count_decoded(monkeypatch)
    post.write_text(post.read_text() + "\nOne more sentence.\n")
    warm, _ = run([post], use_cache=True)
    shards_of = {section: [name for name in decoded if name.startswith(section + "/")]
                 for section in ("entries", "front-matters")}
    assert len(shards_of["entries"]) == 1 and len(shards_of["front-matters"]) == 1, decoded
    assert len(read_cache(site)["entries"]) > 1
    assert warm.findings == run([post])[0].findings


PLUGIN = '''from postlint.finding import Problem
from postlint.registry import rule


@rule("ACM001", "acme-mark", severity="warning")
def acme_mark(post, ctx):
    """Marks every post."""
    yield Problem(1, 1, "MESSAGE")


RULES = [acme_mark]
'''


def test_a_plugin_upgraded_or_edited_in_place_leaves_no_cached_result_of_its_old_code(site, tmp_path):
    """A plugin's rules are part of the cache key through their distribution's version and the
    bytes of the module its entry point names (edited in place, a plugin keeps its version)."""
    plugins = tmp_path / "plugins"
    info = plugins / "acme_postlint-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-postlint\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[postlint.rules]\nacme = acme_rules:RULES\n")
    module = plugins / "acme_rules.py"
    env = {name: value for name, value in os.environ.items() if name != "POSTLINT_NO_CACHE"}  # cached runs
    env["PYTHONPATH"] = os.pathsep.join([str(plugins), os.environ.get("PYTHONPATH", "")])

    def messages() -> set[str]:
        done = subprocess.run([sys.executable, "-m", "postlint", "check", str(site), "--select", "ACM001",
                               "--format", "json"], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr  # warnings only
        return {finding["message"] for finding in json.loads(done.stdout)}

    module.write_text(PLUGIN.replace("MESSAGE", "first version"))
    assert messages() == {"first version"}
    module.write_text(PLUGIN.replace("MESSAGE", "edited in place"))  # the same version
    assert messages() == {"edited in place"}
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-postlint\nVersion: 2.0\n")
    assert (site / CACHE_DIR / CACHE_FILE).is_file()
    key = read_cache(site)["key"]
    messages()
    assert read_cache(site)["key"] != key  # a new version, the same module: another key
