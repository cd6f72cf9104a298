"""The language a post is written in, as the site tells it (Site.language).

In order: the post's front-matter `lang`; else a folder of its path named after one of the
languages the site declares (`de/news/_posts/…`, `_posts/hi/…`); else `_config.yml`'s `lang`; else
English (`default_lang`, jekyll-polyglot's, counts as `lang`). A folder counts only when the site
declares its languages: `.postlint.yaml`'s `site.languages`, else `_config.yml`'s `languages:`
list (jekyll-polyglot's key: codes, or mappings with a `code`): folders such as
`it/`, `id/` or `go/` are ordinary folder names on a site that does not, and a site that declares
`languages: []` or none infers nothing from folders. Languages are compared by their primary
subtag (`en-US`, `pt_BR` → `en`, `pt`).
"""

from __future__ import annotations

from typing import Any

from postlint.lazy_patterns import lazy_compile

ENGLISH = "en"
_SUBTAG_SEPARATOR = lazy_compile(r"[-_]")


def primary_subtag(value: Any) -> str:
    """`en-US` → `en`; "" for a value that names no language."""
    if not isinstance(value, str):
        return ""
    return _SUBTAG_SEPARATOR.split(value.strip().casefold(), maxsplit=1)[0]


def declared_languages(config: dict[str, Any]) -> frozenset[str]:
    """The language tags `_config.yml` declares in `languages:` (codes, or mappings with a
    `code`), case-folded."""
    declared = config.get("languages")
    if not isinstance(declared, list):
        return frozenset()
    codes = (item.get("code") if isinstance(item, dict) else item for item in declared)
    return frozenset(code.strip().casefold() for code in codes if isinstance(code, str) and code.strip())


def folder_language(rel: str, languages: frozenset[str]) -> str:
    """The primary subtag of the first folder of `rel` named exactly after a declared language
    ("" when none is)."""
    return next((primary_subtag(folder) for folder in rel.split("/")[:-1] if folder.casefold() in languages), "")


def language_of(data: dict[str, Any], rel: str, config: dict[str, Any], languages: list[str] | None = None) -> str:
    """The primary language subtag of a file with front matter `data` at site path `rel`
    (jekyll-polyglot's `default_lang` counts as `lang`); `languages`, when given, are the
    folder languages instead of `_config.yml`'s."""
    folders = declared_languages(config) if languages is None else frozenset(
        code.strip().casefold() for code in languages if isinstance(code, str) and code.strip())
    return (primary_subtag(data.get("lang"))
            or folder_language(rel, folders)
            or primary_subtag(config.get("lang"))
            or primary_subtag(config.get("default_lang"))
            or ENGLISH)
