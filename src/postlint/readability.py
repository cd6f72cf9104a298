"""Flesch scores of a post, offline: syllables from the CMU Pronouncing Dictionary and pyphen.

Syllables: `data/syllables.txt.gz` (written by tools/build_syllables.py; CMU's licence in
`data/CMUDICT-LICENSE`) gives the CMU Pronouncing Dictionary's count (vowel phones of a word's
first pronunciation) for every dictionary word whose count differs from pyphen's hyphenation
estimate; every other word, known to the dictionary or not, is counted by pyphen (textstat's
fallback too), so each dictionary word gets exactly the dictionary's count from a table under
200 KB. Dictionary words without a vowel phone ("hmm") are left to pyphen.

Why postlint counts sentences and words itself instead of textstat: textstat's Flesch functions
count syllables with NLTK's cmudict corpus, which they download when it is missing
(`get_cmudict` calls `nltk.download`), so they are never called. Its `sentence_count` and
`lexicon_count` download nothing, but importing textstat imports nltk, and `sentence_count`
reads a flat string: it drops every sentence of two words or fewer, ends sentences at the dots
of "e.g." or "3.5", and knows no paragraph or list-item ends. On the demo site and three real
Jekyll sites it moved the reading ease of 33 of 786 posts by more than 5 points (up to 16).
Sentences and words here follow prose.py (the same splitting the copy rules use); the formulas
are textstat's English ones. Imported only by the readability rule.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from postlint.parse.prose import sentences
from postlint.parse.words import WORD
from postlint.record import Record

SYLLABLE_TABLE = "data/syllables.txt.gz"


@lru_cache(maxsize=1)
def _dictionary_counts() -> dict[str, int]:
    """The shipped table: word -> syllables, for the words pyphen would count otherwise."""
    counts: dict[str, int] = {}
    with (resources.files("postlint").joinpath(SYLLABLE_TABLE).open("rb") as raw,
          gzip.open(raw, "rt", encoding="utf-8") as lines):
        for line in lines:
            if not line.startswith("#"):  # the header: source, licence, pyphen patterns used
                word, count = line.split()
                counts[word] = int(count)
    return counts


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def estimated_syllables(word: str) -> int:
    """pyphen's estimate for a lower-case word: its hyphenation points plus one."""
    return len(_hyphenator().positions(word)) + 1


def syllable_count(word: str) -> int:
    word = word.lower().replace("’", "'")
    return _dictionary_counts().get(word) or estimated_syllables(word)


class Score(Record):
    __slots__ = ("words", "sentences", "syllables")

    words: int
    sentences: int
    syllables: int

    def __init__(self, words: int, sentences: int, syllables: int) -> None:
        self.words = words
        self.sentences = sentences
        self.syllables = syllables

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words

    @property
    def reading_ease(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def grade(self) -> float:
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59


def score_text(paragraphs: list[str]) -> Score | None:
    """Scores of running text given as paragraphs (each ends a sentence)."""
    words = sentence_count = syllables = 0
    for paragraph in paragraphs:
        for start, end in sentences(paragraph):
            found = WORD.findall(paragraph, start, end)
            if found:
                sentence_count += 1
                words += len(found)
                syllables += sum(syllable_count(word) for word in found)
    if not words:
        return None
    return Score(words, sentence_count, syllables)


def score(post) -> Score | None:
    """Scores of a post's paragraphs and list items (headings and tables are not running text)."""
    return score_text([block.prose for block in post.blocks if block.kind == "paragraph"])
