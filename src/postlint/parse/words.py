"""What a word is: the one definition every rule that counts, compares or looks up words uses.

Words split on Unicode word boundaries as a reader sees them, in any script: a word is letters and
digits together with the combining marks that follow them (categories Mn, Mc, Me: Devanagari vowel
signs and viramas, decomposed accents, Hebrew points) and the zero-width joiners that hold some
Indic and Persian words together. Python's `re` counts a combining mark as a non-word character,
so `[^\\W_]+` cut Hindi "क्या" into "क" and "य"; the `regex` module's Unicode properties do not.
Inner apostrophes ("it's", "don’t"), hyphens ("follow-up") and dots ("e.g", "3.5") join the parts
of one word. `_` is no letter: `snake_case` is two words, as a reader sees it.

Scripts written without spaces (Chinese, Japanese, Thai) have no word boundaries a regular
expression can find; a run of their characters is one word here.
"""

from __future__ import annotations

import regex

# One run of a word's characters: a letter or digit, then letters, digits, marks and joiners.
WORD_PART = r"[\p{L}\p{N}][\p{L}\p{N}\p{M}\u200c\u200d]*"
WORD = regex.compile(rf"{WORD_PART}(?:['’.\-]{WORD_PART})*")
# A run of word characters, no joining punctuation: parts of a word, for dotted abbreviations.
WORD_CHARACTERS = r"[\p{L}\p{N}\p{M}\u200c\u200d]"
# A word's pieces between its inner punctuation ("follow-up": "follow", "up"): for comparing
# texts that may punctuate the same words differently (titles, key phrases).
WORD_PIECE = regex.compile(WORD_PART)
# A run of letters with their marks: a word's letters alone, for term statistics (no digits).
LETTERS = regex.compile(r"\p{L}[\p{L}\p{M}\u200c\u200d]*")
# Anything between words: punctuation, spaces, symbols, `_`.
NOT_WORD = regex.compile(r"[^\p{L}\p{N}\p{M}\u200c\u200d]+")

