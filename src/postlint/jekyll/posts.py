"""`{% post_url %}` resolved as Jekyll 4.3's `Jekyll::Tags::PostComparer` does, step by step (the
same name regex, the same deprecated slug-and-date fallback), so "postlint is clean" means
"`jekyll build` will not stop on a post_url"."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from typing import Literal

from postlint.jekyll.site import PostEntry, Site
from postlint.lazy_patterns import lazy_compile
from postlint.parse.dates import ruby_date
from postlint.parse.post import POST_EXTENSIONS
from postlint.record import FrozenRecord
from postlint.suggest import Vocabulary

# Jekyll::Tags::PostComparer::MATCHER; Ruby's ^ and $ anchor at every line, hence re.M.
POST_NAME = lazy_compile(r"^(.+/)*(\d+-\d+-\d+)-(.*)$", re.M)
_REGEX_SYNTAX = frozenset("\\.^$*+?{}[]|()")  # a path holding none of these is literal text in a regex

Status = Literal["ok", "deprecated", "unparseable", "not-found"]


class PostUrlResult(FrozenRecord):
    """What `{% post_url %}` does with a name: builds, builds with a deprecation warning, or stops the build."""
    __slots__ = ("status", "entry", "reason")

    status: Status
    entry: PostEntry | None  # the post the tag reaches (ok, deprecated)
    reason: str  # what is wrong, for people

    def __init__(self, status: Status, entry: PostEntry | None = None, reason: str = "") -> None:
        self.status = status
        self.entry = entry
        self.reason = reason


def _post_name_problem(name: str) -> str:
    """Why PostComparer cannot parse `name` (Jekyll: 'Could not parse name of post')."""
    if not name:
        return "the tag names no post; write `{% post_url YYYY-MM-DD-slug %}`"
    quotes = "\"'"
    if name[0] in quotes or name[-1] in quotes:
        return f"the post name must not be quoted; write `{{% post_url {name.strip(quotes)} %}}`"
    return f"'{name}' has no YYYY-MM-DD- date before the slug; post names look like `2024-01-15-my-post`"


class _PublishedNames:
    """The published posts' names, by lower case and by slug, found once per run (a not-found
    post_url went over every post: thousands of broken tags on a site of thousands of posts took
    minutes)."""

    def __init__(self, site: Site, future: bool) -> None:
        names = [e.name for e in sorted(site.posts.values(), key=lambda e: e.rel)
                 if site.unpublished_reason(e, future) is None]
        self.by_lower: dict[str, str] = {}
        self.by_slug: dict[str, str] = {}
        for name in names:
            self.by_lower.setdefault(name.lower(), name)
            self.by_slug.setdefault(name.rsplit("/", 1)[-1][11:].lower(), name)
        self.vocabulary = Vocabulary(names)


def _drafts_by_slug(site: Site) -> dict[str, PostEntry]:
    """The first draft (by path) of each slug, found once per run."""
    def build() -> dict[str, PostEntry]:
        found: dict[str, PostEntry] = {}
        for entry in sorted(site.posts.values(), key=lambda e: e.rel):
            if entry.draft:
                found.setdefault(entry.slug, entry)
        return found
    return site.index("drafts-by-slug", build)


@functools.lru_cache(maxsize=4096)  # a site's posts link to each other by the same few hundred names
def _name_matcher(path: str, date: str, slug: str) -> Callable[[str], object]:
    """Does a post's path match Jekyll's PostComparer regex for the name? Its
    `^_posts/{path}{date}-{slug}\\.[^.]+|^{path}_posts/?{date}-{slug}\\.[^.]+`, where a path
    without regex syntax (nearly always) is compared as text: compiling a pattern for each name
    linked to was a hundred milliseconds of a site's run."""
    if _REGEX_SYNTAX.isdisjoint(path):
        starts = (f"_posts/{path}{date}-{slug}.", f"{path}_posts/{date}-{slug}.", f"{path}_posts{date}-{slug}.")

        def matches(rel: str) -> bool:
            return any(rel.startswith(start) and rel[len(start):len(start) + 1] not in ("", ".") for start in starts)

        return matches
    return _name_regex(path, date, slug).search


def _name_regex(path: str, date: str, slug: str) -> re.Pattern:
    basename = f"{date}-{re.escape(slug)}\\.[^.]+"
    try:  # Jekyll puts the path into its regex unescaped; so do we, unless it is not a valid regex here
        return re.compile(f"^_posts/{path}{basename}|^{path}_posts/?{basename}")
    except re.error:
        return re.compile(f"^_posts/{re.escape(path)}{basename}|^{re.escape(path)}_posts/?{basename}")


def resolve_post_url(markup: str, site: Site, future: bool) -> PostUrlResult:
    """What `{% post_url markup %}` does in a normal Jekyll 4.3 build of `site`."""
    name = markup.strip()
    match = POST_NAME.search(re.sub(r"^/", "", name, count=1, flags=re.M))
    if match is None:
        return PostUrlResult("unparseable", reason=_post_name_problem(name))
    path, date, slug = match.group(1) or "", match.group(2), match.group(3)
    same_name = site.posts_by_name_prefix.get(f"{date}-{slug}", [])
    name_matches = _name_matcher(path, date, slug) if same_name else None
    candidates = [e for e in same_name if not e.draft and name_matches(site.document_path(e.rel))]
    for entry in candidates:
        if site.unpublished_reason(entry, future) is None:
            return PostUrlResult("ok", entry)
    # Jekyll's deprecated fallback: same slug (folder ignored) and same calendar day.
    same_slug = [e for e in site.posts_by_slug.get(slug, []) if site.unpublished_reason(e, future) is None]
    if same_slug:
        day = ruby_date(date)
        if day is None:
            return PostUrlResult("not-found", reason=f"'{date}' is not a valid date (Jekyll: Invalid date '{date}')")
        for entry in same_slug:
            if day in site.post_dates(entry):
                return PostUrlResult("deprecated", entry)
    return PostUrlResult("not-found", reason=_not_found_reason(name, path, date, slug, candidates, site, future))


def _not_found_reason(name: str, path: str, date: str, slug: str, candidates: list[PostEntry], site: Site, future: bool) -> str:
    for entry in candidates:  # the name is right but the post is not built
        return f"'{entry.rel}' {site.unpublished_reason(entry, future)}"
    draft = _drafts_by_slug(site).get(slug)
    if draft is not None:
        return f"'{draft.rel}' {site.unpublished_reason(draft, future)}"
    if ruby_date(date) is None:
        return f"'{date}' is not a valid date"
    stem, ext = posixpath.splitext(slug)
    if ext.lower() in POST_EXTENSIONS:
        fixed = f"{path}{date}-{stem}"
        if resolve_post_url(fixed, site, future).status == "ok":
            return f"post names take no extension; write `{{% post_url {fixed} %}}`"
        return f"post names take no extension ('{ext}'), and no post is named '{fixed}' either"
    known = site.index(f"published-post-names:{future}", lambda: _PublishedNames(site, future))
    same_but_case = known.by_lower.get(name.lstrip("/").lower())
    if same_but_case is not None:
        return f"no post is named '{name}'; names are case-sensitive: `{same_but_case}`"
    found = known.vocabulary.closest(name.lstrip("/"), cutoff=0.6)
    if not found:  # a wrong folder or date often hides a right slug
        found = known.by_slug.get(slug.lower())
    hint = f"; did you mean `{found}`?" if found else ""
    return f"no post is named '{name}'{hint}"
