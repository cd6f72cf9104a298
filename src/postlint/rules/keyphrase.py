"""Focus keyphrase rule (SEO): the phrase a post wants to be found for, where readers and search
engines look for it."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from postlint.errors import ConfigError
from postlint.finding import Problem
from postlint.options import Option
from postlint.parse.words import WORD_PIECE, characters_apart
from postlint.registry import rule

_PLURAL_ES = ("ses", "xes", "zes", "ches", "shes")


def _words(text: object) -> list[str]:
    """Words split on Unicode word boundaries, NFKC and casefolded; each Han or kana character a
    word of its own (Chinese and Japanese put no spaces between words)."""
    return WORD_PIECE.findall(characters_apart(unicodedata.normalize("NFKC", str(text)).casefold()))


def _singular(word: str) -> str:
    """A simple English singular: "companies" → "company", "boxes" → "box", "leads" → "lead"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(_PLURAL_ES):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _code(number: int) -> str:
    """A text of its own for each number: one character below U+F0000, else a character of
    U+F0000-U+FFFFF followed by one of U+100000-U+10FFFF (never the start of a code), so that a
    code is found only where one starts."""
    if number < 0xF0000:
        return chr(number)
    high, low = divmod(number - 0xF0000, 0x10000)
    return chr(0xF0000 + high) + chr(0x100000 + low)


class Phrase:
    """The keyphrase as words; in English posts each word also matches its simple plural or singular."""

    def __init__(self, text: str, english: bool) -> None:
        self.text = " ".join(text.split())
        self._fold = _singular if english else (lambda word: word)
        self.words = [self._fold(word) for word in _words(text)]

    def count(self, words: list[str]) -> int:
        """Occurrences of the phrase in `words` (not overlapping, counted from the left). Each
        distinct word is a code of its own (one character, mostly), so that str.count finds the
        phrase in linear time: a list slice compared at every word took n × k steps for a
        keyphrase of k words (40,000 words over a body of 80,000: 6 s)."""
        codes: dict[str, str] = {}
        text = "".join([codes.get(word) or codes.setdefault(word, _code(len(codes))) for word in map(self._fold, words)])
        if any(word not in codes for word in self.words):
            return 0
        return text.count("".join(codes[word] for word in self.words))

    def in_text(self, text: object) -> bool:
        return self.count(_words(text)) > 0


def _text(value: object) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip() else None


def _slug(post, ctx) -> tuple[str, tuple[int, int] | None]:
    """The last part of the post's URL (its file name's slug for a draft), and the front-matter
    key that sets it (`slug` or `permalink`), if one does."""
    url = ctx.site.published_url(post.rel)
    parts = [part for part in (url or "").split("/") if part]
    if parts:
        slug = parts[-1].rsplit(".", 1)[0] if parts[-1].endswith((".html", ".htm")) else parts[-1]
    else:
        entry = ctx.site.posts.get(post.rel)
        slug = entry.slug if entry is not None else post.path.stem
    for key in ("permalink", "slug"):
        if post.field(key).present:
            return slug, post.field(key).position
    return slug, None


def _alt_texts(post, alt_keys: list[str]) -> list[str] | None:
    """Alt texts of the front-matter image and the body's images; None when one comes from
    Liquid (its value is not known here)."""
    data = post.data
    texts = [str(data[key]) for key in alt_keys if _text(data.get(key)) is not None]
    texts += [str(value["alt"]) for value in data.values() if isinstance(value, dict) and _text(value.get("alt"))]
    texts += [image.alt or "" for image in post.body.images]
    from_liquid = any(image.kind == "markdown" and post.liquid_between(image.start, image.src_start)
                      for image in post.body.images)  # masked before Markdown: the alt text shows no braces
    return None if from_liquid or any("{{" in text or "{%" in text for text in texts) else texts


@rule("SEO008", "keyphrase", severity="warning", options=[
    Option("key", "str", "keyphrase", "Front-matter key holding the post's focus keyphrase."),
    Option("alt_keys", "list[str]", ["alt", "image_alt"],
           "Front-matter keys holding the alt text of the post's front-matter image (an `alt` inside a mapping, as in "
           "`image: {path: ..., alt: ...}`, counts too)."),
    Option("min_density", "number", 0.5, "Lowest keyphrase density, in percent of the body's words.",
           minimum=0, maximum=100),
    Option("max_density", "number", 3, "Highest keyphrase density, in percent of the body's words.",
           above=0, maximum=100),
    Option("min_words", "int", 100, "Density is judged only in bodies of at least this many words.", minimum=1),
])
def keyphrase(post, ctx) -> Iterator[Problem]:
    """A post's focus keyphrase is missing from its title, description, URL slug, first paragraph, subheadings or image alt texts, or its density is off.

    ## What it does
    Only posts that set the `key` (`keyphrase` by default) are checked. The keyphrase must
    appear, as whole words in order (casefolded, words split on Unicode boundaries, punctuation
    and markup ignored), in each of these places; a missing one is reported once, naming it:
    - the `title` and the `description` (at their keys; a post without one is left to
      `front-matter-required` and `description-length`),
    - the URL slug: the last part of the post's URL (from `permalink`, `slug` or the file
      name), read as hyphen-separated words,
    - the first paragraph of the body (at that paragraph),
    - at least one subheading, when the post has any,
    - at least one image's alt text (the front-matter `alt_keys` and the body's `![alt](...)`
      and `<img alt>`), when the post has images and no alt text comes from Liquid.

    Its density, occurrences × words in the keyphrase / words in the body, must stay between
    `min_density` and `max_density` percent (Yoast's 0.5 % to 3 %); bodies shorter than
    `min_words` are not judged. Body words are the words a reader reads: no code, Liquid, URLs
    or markup. In English posts (front-matter `lang`, else `_config.yml`'s; none is English)
    each word of the keyphrase also matches its simple plural or singular (`lead`/`leads`,
    `company`/`companies`, `box`/`boxes`); other languages match words exactly. Chinese and
    Japanese, written without spaces between words, are matched character by character, and
    each Han or kana character counts as a word of the body. Headings, paragraphs and alt texts
    are read in Markdown posts only.

    ## Why is this bad?
    Search engines and readers judge what a page is about from its title, snippet, address,
    opening and headings. A keyphrase missing from them, or repeated until the text reads like
    a list of keywords, makes the post rank for something else, or read badly.

    ## Example
    ```markdown
    ---
    title: "How our team runs a weekly forecast call"
    keyphrase: sales forecast
    ---
    Every Monday we meet for half an hour.
    ```

    ## Use instead
    ```markdown
    ---
    title: "The weekly sales forecast call, step by step"
    keyphrase: sales forecast
    ---
    Our sales forecast starts with a half-hour call every Monday.
    ```

    ## Options
    """
    options = ctx.options
    if options.min_density > options.max_density:
        raise ConfigError(f"keyphrase: min_density ({options.min_density:g}) is above max_density "
                          f"({options.max_density:g})")
    field = post.field(options.key)
    raw = _text(field.value)
    if raw is None:
        return
    phrase = Phrase(raw, ctx.site.is_english(post.data, post.rel))
    if not phrase.words:
        return
    quoted = f"the keyphrase '{phrase.text}'"
    for key, place in (("title", "the title"), ("description", "the description")):
        value = _text(post.data.get(key))
        if value is not None and not phrase.in_text(value):
            yield Problem(*post.field(key).position, f"{quoted} is not in {place}", fingerprint=f"{key} {phrase.text}")
    slug, slug_key = _slug(post, ctx)
    if not phrase.in_text(slug.replace("-", " ")):
        yield Problem(*(slug_key or field.position), f"{quoted} is not in the URL slug '{slug}'",
                      fingerprint=f"slug {phrase.text}")
    blocks = post.blocks
    first = next((block for block in blocks if block.kind == "paragraph"), None)
    if first is not None and not phrase.in_text(first.prose):
        yield Problem(first.line, 1, f"{quoted} is not in the first paragraph", fingerprint=f"first {phrase.text}")
    headings = [block for block in blocks if block.kind == "heading"]
    if headings and not any(phrase.in_text(block.prose) for block in headings):
        where = f"is in none of the {len(headings)} subheadings" if len(headings) > 1 else "is not in the only subheading"
        yield Problem(*field.position, f"{quoted} {where}", fingerprint=f"headings {phrase.text}")
    alts = _alt_texts(post, options.alt_keys) if post.is_markdown else None
    if alts and not any(phrase.in_text(alt) for alt in alts):
        yield Problem(*field.position, f"{quoted} is in no image's alt text ({len(alts)} image"
                                       f"{'s' if len(alts) > 1 else ''})", fingerprint=f"alt {phrase.text}")
    body = _words(post.reader_prose)
    if len(body) >= options.min_words:
        found = phrase.count(body)
        density = 100 * found * len(phrase.words) / len(body)
        if not options.min_density <= density <= options.max_density:
            times = f"{found} time{'' if found == 1 else 's'}"
            shown = f"{density:.2g}" if density < 1 else f"{density:.1f}"
            yield Problem(*field.position, f"{quoted} has a density of {shown}% ({times} in {len(body)} words); "
                                           f"keep it between {options.min_density:g}% and {options.max_density:g}%",
                          fingerprint=f"density {phrase.text}")


RULES = [keyphrase]
