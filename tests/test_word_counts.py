"""Word counts kept across runs (jekyll/facts.py, word_counts): a run that starts from the previous
run's counts reaches the counts a count from scratch gives."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.digest import digest
from postlint.jekyll.facts import Recording

WORDS = st.lists(st.sampled_from(["ramp", "quota", "pipeline", "café", "coaching", "x"]), unique=True, max_size=5)
FILES = st.dictionaries(st.sampled_from([f"_posts/{n}.md" for n in range(8)]), WORDS.map(" ".join), max_size=8)


def from_scratch(words: dict[str, str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in words.values():
        counts.update(text.split())
    return counts


class Site(Recording):
    """Files and their words; a file's `terms` fact reads its text, one recorded input."""

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()
        self.words = words

    def digest_now(self, key: str) -> str:
        return digest(repr(self.words.get(key.partition(":")[2])).encode())

    def read_terms(self, rel: str) -> str | None:
        """A file's words; None for a file of none (an empty text: a post in another language)."""
        self.record("content", rel, digest(repr(self.words[rel]).encode()))
        return self.words[rel] or None

    def counts(self) -> Counter[str]:
        counts, worded = self.word_counts("summary", "terms", sorted(self.words), self.read_terms)
        assert worded == sum(1 for text in self.words.values() if text)
        return counts


def next_run(previous: Site, words: dict[str, str]) -> Site:
    """A run that remembers what `previous` left: its facts (the words of each file) and counts."""
    site = Site(words)
    site.remember_facts(previous.export_facts(lambda rel: True))
    site.remember_counts(previous.export_counts())
    return site


@settings(max_examples=150, deadline=None)
@given(st.lists(FILES, min_size=1, max_size=6))
def test_counts_corrected_run_after_run_equal_counts_from_scratch(versions):
    site = Site(versions[0])
    assert site.counts() == from_scratch(versions[0])
    for words in versions[1:]:
        site = next_run(site, words)
        counts = site.counts()
        assert counts == from_scratch(words)
        assert all(count > 0 for count in counts.values())


def test_a_run_starts_from_the_previous_counts_and_counts_only_what_changed():
    posts = {f"_posts/{n}.md": "ramp quota" for n in range(10)}
    first = Site(posts)
    first.counts()
    planted = first.export_counts()
    planted["summary"][1]["planted"] = 7  # a count no file gives: kept only if the counts are reused
    second = next_run(first, {**posts, "_posts/3.md": "ramp pipeline"})
    second.remember_counts(planted)
    assert second.counts() == Counter({"ramp": 10, "quota": 9, "pipeline": 1, "planted": 7})


def test_the_facts_of_unchanged_files_are_not_looked_at():
    posts = {f"_posts/{n}.md": "ramp quota" for n in range(10)}
    first = Site({**posts, "_posts/9.md": ""})  # one file without words
    first.counts()
    second = Site({**posts, "_posts/9.md": "", "_posts/3.md": "ramp pipeline"})
    looked_at = []

    class Facts(dict):
        def get(self, rel, default=None):
            looked_at.append(rel)
            return super().get(rel, default)

    second.remember_facts({"terms": Facts(first.export_facts(lambda rel: True)["terms"])})
    second.remember_counts(first.export_counts())
    assert second.counts() == Counter({"ramp": 9, "quota": 8, "pipeline": 1})
    assert looked_at == ["_posts/3.md", "_posts/3.md"]  # its new fact, then its old words


def test_without_the_old_words_of_a_changed_file_the_run_counts_from_scratch():
    posts = {f"_posts/{n}.md": "ramp quota" for n in range(10)}
    first = Site(posts)
    first.counts()
    planted = first.export_counts()
    planted["summary"][1]["planted"] = 7
    edited = {**posts, "_posts/3.md": "ramp pipeline"}
    second = Site(edited)  # the previous run's counts, and none of its facts
    second.remember_counts(planted)
    assert second.counts() == from_scratch(edited)


def test_counts_made_from_a_share_of_the_site_are_not_kept():
    site = Site({"_posts/1.md": "ramp"})
    with site._computing() as partial:
        partial[0] = True  # a fact pass worker's index: built from its share of the files
        site.counts()
    assert site.export_counts() == {} and not site.learned_counts



def count_share(site: Site, share: int) -> None:
    """A fact-pass worker's count of its share of the files (not all the files: no check of `worded`)."""
    site.take_share(share, 2)
    site.word_counts("summary", "terms", sorted(site.words), site.read_terms)
    site.leave_share()


@settings(max_examples=150, deadline=None)
@given(FILES, st.booleans())
def test_a_fact_pass_workers_count_of_the_whole_site_starts_from_its_share_and_is_a_count_from_scratch(words, redone):
    """A worker counts its share, takes the other worker's facts, counts the whole site: the count
    is the one from scratch, whether its share's facts are the very words it counted, or one of
    them was computed again meanwhile (as one from a partial index would be: its share's count
    is then not used)."""
    worker, other = Site(words), Site(words)
    count_share(worker, 0)
    count_share(other, 1)
    worker.adopt_facts(other.hand_over_facts())
    mine = worker._facts.get("terms", {})
    if redone and mine:
        rel = next(iter(mine))
        value = mine[rel][0]
        mine[rel] = [None if value is None else (value + " ")[:-1], mine[rel][1]]  # equal, not the same object
    assert worker.counts() == from_scratch(words)
