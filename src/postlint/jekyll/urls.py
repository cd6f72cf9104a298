"""Where Jekyll 4.3 publishes each source file: permalink templates, placeholders, URL keys.

Only the parts of Jekyll's URL logic that a linter needs to tell whether a root-relative link
can resolve: the built-in permalink styles, `add_permalink_suffix`, the placeholders of
documents (posts, collections) and pages, slugify, and a key that
treats `/x`, `/x/`, `/x.html` and `/x/index.html` as the same address (every common host
serves them interchangeably, so a link may use any of them).
"""

from __future__ import annotations

import datetime as _dt
import functools
import posixpath
import re
from typing import Any
from urllib.parse import unquote

from postlint.lazy_patterns import lazy_compile

# Jekyll's Configuration#style_to_permalink.
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
# Converters other than Markdown's that change the extension of what a page writes. Checked with
# `jekyll build`: any other file (`.htm`, `.txt`) is written under its own extension, as written.
OUTPUT_EXT = {".scss": ".css", ".sass": ".css", ".coffee": ".js"}
# Jekyll's default `markdown_ext`: the extensions its Markdown converter takes (to `.html`).
MARKDOWN_EXT = "markdown,mkdown,mkdn,mkd,md"
_SLUG_DEFAULT = lazy_compile(r"(?:[^\w]|_)+")
_SLUG_PRETTY = lazy_compile(r"[^\w._~!$&'()+,;=@]+")
_PLACEHOLDER = lazy_compile(r":(\w+)")


def slugify(text: str | None, pretty: bool = False, cased: bool = False) -> str | None:
    """Jekyll's Utils.slugify in its "default" and "pretty" modes."""
    if text is None:
        return None
    slug = (_SLUG_PRETTY if pretty else _SLUG_DEFAULT).sub("-", str(text)).strip("-")
    return slug if cased else slug.lower()


def output_ext(rel: str, config: dict[str, Any]) -> str:
    """The extension Jekyll writes `rel` under: `.html` for the extensions `markdown_ext` names
    (checked with `jekyll build`: `markdown_ext: "md,txt"` writes a `.txt` post as `.html` and a
    `.markdown` one as `.markdown`), a converter's for Sass and CoffeeScript, else its own."""
    ext = posixpath.splitext(rel)[1]
    if ext.lower() in _markdown_extensions(str(config.get("markdown_ext") or MARKDOWN_EXT)):
        return ".html"
    return OUTPUT_EXT.get(ext.lower(), ext)


@functools.lru_cache(maxsize=8)
def _markdown_extensions(markdown_ext: str) -> frozenset[str]:
    return frozenset("." + name.strip().lower() for name in markdown_ext.split(","))


def site_style(config: dict[str, Any]) -> str:
    """The site's permalink template, with built-in style names expanded."""
    style = config.get("permalink") or "date"
    style = str(style)
    return PERMALINK_STYLES.get(style.lstrip(":"), style)


def add_permalink_suffix(template: str, config: dict[str, Any]) -> str:
    raw = str(config.get("permalink") or "date").lstrip(":")
    if raw == "pretty":
        return template + "/"
    if raw in ("date", "ordinal", "none", "weekdate"):
        return template + ":output_ext"
    suffix = "/" if raw.endswith("/") else ""
    return template + suffix + (":output_ext" if raw.endswith(":output_ext") else "")


def fill(template: str, values: dict[str, str]) -> str | None:
    """A URL from a permalink template; None when it uses a placeholder we cannot compute."""
    unknown = False

    def replace(match: re.Match) -> str:
        nonlocal unknown
        key = match.group(1)
        # "output_ext" must win over a shorter known key such as "output"; longest match first.
        for length in range(len(key), 0, -1):
            if key[:length] in values:
                return values[key[:length]] + key[length:]
        unknown = True
        return ""

    url = _PLACEHOLDER.sub(replace, template)
    if unknown:
        return None
    return _sanitized(url)


def fill_in_order(template: str, placeholders: list[tuple[str, str | None]]) -> str:
    """Jekyll's URL#generate_url_from_hash, which pages and a collection's static files use: each
    placeholder in turn is replaced as text wherever it occurs, a null one together with its
    leading `/`; one Jekyll has no value for stays as written (`/blog/:slug` on a page)."""
    url = template
    for key, value in placeholders:
        if ":" not in url:
            break
        url = url.replace("/:" + key, "") if value is None else url.replace(":" + key, value)
    return _sanitized(url)


def _sanitized(url: str) -> str:
    """URL#sanitize_url."""
    url = ("/" + url).replace("..", "/").replace("./", "")
    return re.sub("/{2,}", "/", url)


def date_values(date: _dt.date | None) -> dict[str, str]:
    """The date placeholders of a permalink. Years are padded to four digits as Ruby's strftime
    pads them (`0999`), which glibc's does not."""
    if date is None:
        return {}
    # One strftime for the ten fields (a call each was a tenth of the URL index's own work); no
    # field of these holds the separator, which is no character of a date's names either.
    month, day, short_month, long_month, short_year, y_day, week, w_day, short_day, long_day = \
        date.strftime("%m\x1f%d\x1f%b\x1f%B\x1f%y\x1f%j\x1f%V\x1f%u\x1f%a\x1f%A").split("\x1f")
    return {
        "year": f"{date.year:04d}", "month": month, "day": day,
        "i_day": str(date.day), "i_month": str(date.month), "short_month": short_month,
        "long_month": long_month, "short_year": short_year, "y_day": y_day,
        "w_year": f"{date.isocalendar().year:04d}", "week": week, "w_day": w_day,
        "short_day": short_day, "long_day": long_day,
        "hour": "00", "minute": "00", "second": "00",
    }


def categories(data: dict[str, Any], path_categories: list[str]) -> list[str]:
    """A document's categories in Jekyll's order: the folders above `_posts`, then `categories`
    (the defaults' and the front matter's, as Site.document_data joins them), then `category`,
    or `categories` again when there is none (Document#populate_categories); each once."""
    plural = category_list(data.get("categories"))
    singular = data.get("category")
    extra = _flattened([singular]) if singular is not None and singular is not False else plural
    found: list[str] = []
    for category in [*path_categories, *plural, *extra]:
        text = str(category)
        if text not in found:
            found.append(text)
    return found


def category_list(value: Any) -> list[Any]:
    """A `categories` value as the list Jekyll merges: a text split on spaces, a list without its nulls."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [c for c in _flattened(value) if c is not None]
    return [value]


def _flattened(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(_flattened(value))
        elif value is not None:
            flat.append(value)
    return flat


def url_key(path: str) -> str:
    """`/x`, `/x/`, `/x.html` and `/x/index.html` give the same key (hosts serve them alike)."""
    path = unquote(path)
    for suffix in ("/index.html", "/index.htm", ".html", ".htm"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    path = path.rstrip("/")
    return path


# No plugin or redirect generates an address this long; a link to one is judged as any other.
MAX_GENERATED_ADDRESS = 2048


class AddressPattern:
    """The addresses a permalink-like template generates (Site.generated_patterns): a
    `:placeholder` is one path segment (`:year` four digits, `:month` and `:day` one or two), a
    Netlify `*` anything but a line break, the rest as written (a trailing `/` dropped); the
    address may go on with `/…` or `.html`. It answers as the regular expression
    `re.compile(pieces + r"(?:/.*|\\.html|)$").match` would (a test compares them), without
    backtracking: a redirects file is a pull request's to write, and `/:a:b:c:d:…` made that
    expression take minutes. Every way through the template is followed at once, the positions
    reached in the address kept as the bits of an integer, so a match costs the template's
    length times the address's, over the integer's width."""

    def __init__(self, template: str) -> None:
        pieces = re.split(r"(\*|:\w+)", "/" + template.strip().strip("/"))
        tokens: list[str] = []  # a literal character, or "*", ":year", ":month", ":day", ":" (a segment)
        for piece in pieces:
            if piece == "*" or piece in (":year", ":month", ":day"):
                tokens.append(piece)
            elif piece.startswith(":"):
                tokens.append(":")
            else:
                tokens.extend(piece)
        while tokens and tokens[-1] == "/":
            tokens.pop()
        self._tokens = tokens

    def match(self, path: str) -> bool:
        if len(path) > MAX_GENERATED_ADDRESS:
            return False
        characters, not_slash, not_newline, digit = _address_masks(path)
        everything = (1 << (len(path) + 1)) - 1
        reached = 1  # position 0
        for token in self._tokens:
            if token == ":":
                reached = _run_through(reached, not_slash) << 1
            elif token == "*":
                reached |= _run_through(reached, not_newline) << 1
            elif token == ":year":
                for _ in range(4):
                    reached = (reached & digit) << 1
            elif token in (":month", ":day"):
                one = (reached & digit) << 1
                reached = one | (one & digit) << 1
            else:
                reached = (reached & characters.get(token, 0)) << 1
            reached &= everything
            if not reached:
                return False
        return any(_ends_well(path[index:]) for index in range(len(path) + 1) if reached >> index & 1)


@functools.lru_cache(maxsize=64)  # every pattern of the site is matched against the same address
def _address_masks(path: str) -> tuple[dict[str, int], int, int, int]:
    """The positions of an address (bits) holding each character, and those that are not `/`,
    not a line break, a digit."""
    characters: dict[str, int] = {}
    for index, character in enumerate(path):
        characters[character] = characters.get(character, 0) | 1 << index
    every = (1 << len(path)) - 1
    digit = 0
    for character, where in characters.items():
        if character.isdecimal():
            digit |= where
    return characters, every & ~characters.get("/", 0), every & ~characters.get("\n", 0), digit


def _run_through(starts: int, allowed: int) -> int:
    """Every position from each of `starts` onwards while the characters are `allowed` (bits):
    adding a start to the run it lies in carries through the rest of that run."""
    seeds = starts & allowed
    return (((allowed + seeds) ^ allowed) | seeds) & allowed


def _ends_well(rest: str) -> bool:
    """Does `(?:/.*|\\.html|)$` match the rest of the address (`$` also before a final line break)?"""
    rest = rest[:-1] if rest.endswith("\n") else rest
    return rest in ("", ".html") or (rest.startswith("/") and "\n" not in rest)
