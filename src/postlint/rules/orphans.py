"""Site-structure rules (SEO): how posts are reached from the rest of the site."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from postlint.finding import Problem
from postlint.jekyll import urls
from postlint.jekyll.links import (
    SCHEME,
    liquid_free_href,
    literal_url_filter,
    site_path,
)
from postlint.jekyll.posts import resolve_post_url
from postlint.lazy_patterns import lazy_compile
from postlint.parse.post import POST_EXTENSIONS
from postlint.registry import rule

# Pieces of text a link to a post is made of: what lies between path separators, quotes and
# brackets. A link to a post always holds its slug or its URL's last segment as such a piece.
_PIECE = lazy_compile(r"[^\s/?#\"'()<>\[\]{}|`\\*=&,;]+")
_DATE_PREFIX = lazy_compile(r"^\d+-\d+-\d+-")
# A URL written as data (a front-matter value, a `_data` file): root-relative or absolute.
_DATA_URL = lazy_compile(r"(?:https?:)?//[^\s\"'<>()\[\]{}|`,]+|(?<![\w.~/-])/[^\s\"'<>()\[\]{}|`,]*")
DATA_EXTENSIONS = (".yml", ".yaml", ".json", ".csv", ".tsv")


def _needles(piece: str) -> set[str]:
    """A piece and what a link may wrap around a slug: an extension, a date (`post_url`), a
    percent-encoding, a sentence's full stop. Case-folded: the pre-filter may over-select."""
    found = set()
    for text in {piece, unquote(piece)}:
        text = text.rstrip(".:!").casefold()
        stem, ext = posixpath.splitext(text)
        for form in (text, stem if ext in POST_EXTENSIONS else text):
            found.add(form)
            found.add(_DATE_PREFIX.sub("", form))
    found.discard("")
    return found


def _future(ctx) -> bool:
    return ctx.site.future(ctx.config.site.get("future"))


def _linkers(site, future: bool) -> list[str]:
    """Files whose links readers follow: published posts, pages and output collection documents
    with front matter (Markdown or HTML), layouts and includes. Drafts, unpublished and excluded
    files are not built, so their links do not count."""
    templates = site.template_folders
    data = str(site.config.get("data_dir") or "_data").strip("/") + "/"
    found = [entry.rel for entry in site.published_posts(future)]
    for rel in sorted(site.files):
        if rel.startswith(data) and rel.lower().endswith(DATA_EXTENSIONS):
            found.append(rel)
            continue
        if posixpath.splitext(rel)[1].lower() not in POST_EXTENSIONS or rel in site.posts or site.is_excluded(rel) \
                or any(part.startswith(".") for part in rel.split("/")):
            continue
        if rel.startswith(templates):
            found.append(rel)
            continue
        collection = site.collection_of(rel)
        if (site.is_served_as_is(rel) or (collection is not None and collection[1]["output"])) \
                and site.has_yaml_header(rel):
            found.append(rel)
    return found


def _post_names(site, rel: str) -> set[str]:
    """What any link to the post holds as one piece: its slugs, its URLs' last segments."""
    entry = site.posts[rel]
    names = {entry.slug, site.post_slug(entry)}
    for url in site.published_urls(rel):
        names.add(urls.url_key(url).rsplit("/", 1)[-1])
    redirects = site.front_matter(rel).data.get("redirect_from")
    for redirect in redirects if isinstance(redirects, list) else [redirects]:
        if isinstance(redirect, str):
            names.add(urls.url_key("/" + redirect.lstrip("/")).rsplit("/", 1)[-1])
    pieces = set()
    for name in names:
        found = [p for piece in _PIECE.findall(name) for p in _needles(piece)]
        if not found:
            return set()  # a URL such as "/": no piece to look for
        pieces.add(max(found, key=len))
    return pieces


def _mentions(site, future: bool) -> dict[str, list[str]]:
    """Post rel -> the files whose text mentions its slug or URL (the only ones that may link to it).

    One pass over every linker's text, no parsing: a post whose names cannot be told (a URL of
    "/") is listed as mentioned by every linker."""
    posts = [entry.rel for entry in site.published_posts(future)]
    by_piece: dict[str, set[str]] = {}
    everywhere = []
    for rel in posts:
        pieces = _post_names(site, rel)
        if not pieces:
            everywhere.append(rel)
        for piece in pieces:
            by_piece.setdefault(piece, set()).add(rel)
    mentioned: dict[str, list[str]] = {rel: [] for rel in posts}
    for linker in _linkers(site, future):
        text = site.whole_post(linker).text
        targets = set(everywhere)
        for piece in set(_PIECE.findall(text)):
            for needle in _needles(piece):
                targets.update(by_piece.get(needle, ()))
        for target in targets:
            if target != linker:
                mentioned[target].append(linker)
    return mentioned


def _post_by_url(site, future: bool) -> dict[str, str]:
    """URL key -> published post, for every URL a post is served at (redirects included)."""
    found: dict[str, str] = {}
    for entry in site.published_posts(future):
        for url in site.published_urls(entry.rel):
            found.setdefault(urls.url_key(url), entry.rel)
        redirects = site.front_matter(entry.rel).data.get("redirect_from")
        for redirect in redirects if isinstance(redirects, list) else [redirects]:
            if isinstance(redirect, str):
                found.setdefault(urls.url_key("/" + redirect.lstrip("/")), entry.rel)
    return found


def _same_site(url: str, site_url: str) -> str | None:
    """The path of an absolute URL on the site's own host (`url` in _config.yml), else None."""
    if not site_url:
        return None
    here, there = urlsplit(site_url), urlsplit(url)
    host = (there.hostname or "").removeprefix("www.")
    if there.scheme not in ("http", "https") or not host or host != (here.hostname or "").removeprefix("www."):
        return None
    return there.path or "/"


def _linked_posts(site, rel: str, future: bool, keep: str) -> frozenset[str]:
    """The published posts the file `rel` links to: by {% post_url %}, {% link %}, or a URL
    (root-relative, relative to the file's own URL, absolute to the site's `url`, or a literal
    given to `relative_url`/`absolute_url`). Tags in code or {% comment %} do not link."""
    linker = site.whole_post(rel)
    if linker.read_error is not None:
        return frozenset()
    parsed_before = "_parsed_body" in vars(linker)
    try:
        return frozenset(_targets(site, linker, future))
    finally:
        if not parsed_before and rel != keep:
            linker.forget_parsed_body()  # the index must not hold every body of the site


def _data_references(site, text: str, future: bool) -> Iterator[str]:
    """Posts a data text names by URL or by `date-slug` name: what a layout turns into links
    (a "top posts" list in `_data`, a `url:` in a document's front matter)."""
    by_url = site.index(f"orphans-post-urls:{future}", lambda: _post_by_url(site, future))
    names = {entry.name.rsplit("/", 1)[-1].casefold(): entry.rel for entry in site.published_posts(future)}
    for piece in _PIECE.findall(text):
        for needle in _needles(piece):
            if needle in names:
                yield names[needle]
    for url in _DATA_URL.findall(text):
        path = _same_site("https:" + url if url.startswith("//") else url, str(site.config.get("url") or "")) \
            if "//" in url else site_path(url, site) or site_path(site.baseurl + url, site)
        if path is not None and urls.url_key(path) in by_url:
            yield by_url[urls.url_key(path)]


def _targets(site, linker, future: bool) -> Iterator[str]:
    if linker.rel.lower().endswith(DATA_EXTENSIONS):
        yield from _data_references(site, linker.text, future)
        return
    yield from _data_references(site, linker.text[:linker.body_offset], future)
    by_url = site.index(f"orphans-post-urls:{future}", lambda: _post_by_url(site, future))
    published = {entry.rel for entry in site.published_posts(future)}
    hrefs = []
    for tag in linker.liquid.tags:
        if tag.in_comment or linker.in_code(tag.start):
            continue
        if tag.kind == "tag" and tag.name == "post_url":
            result = resolve_post_url(tag.markup, site, future)
            if result.entry is not None and result.status in ("ok", "deprecated"):
                yield result.entry.rel
        elif tag.kind == "tag" and tag.name == "link" and tag.markup.strip() in published:
            yield tag.markup.strip()
        elif tag.kind == "output":
            literal = literal_url_filter(tag.markup)
            if literal is not None:
                hrefs.append(site.baseurl + "/" + literal[0].lstrip("/"))
    if linker.markdown_error is None:  # else its file-unreadable finding says why its links are not known
        hrefs.extend(link.href for link in linker.body.links)
    own_url = None if linker.rel.startswith(site.template_folders) else site.published_url(linker.rel)
    site_url = str(site.config.get("url") or "")
    for href in hrefs:
        href = liquid_free_href(href, site.baseurl)
        if not href or href.startswith("#"):
            continue
        if SCHEME.match(href) or href.startswith("//"):
            href = _same_site(href if not href.startswith("//") else "https:" + href, site_url)
            if href is None:
                continue
        elif not href.startswith("/"):
            if own_url is None:
                continue  # a layout's relative link depends on the page it renders
            base = own_url if own_url.endswith("/") else posixpath.dirname(own_url) + "/"
            href = site.baseurl + posixpath.normpath(posixpath.join(base, re.split(r"[?#]", href, maxsplit=1)[0]))
        path = site_path(href, site)
        target = by_url.get(urls.url_key(path)) if path is not None else None
        if target is not None:
            yield target


@rule("SEO009", "orphan-post", severity="info", enabled=False)
def orphan_post(post, ctx) -> Iterator[Problem]:
    """A published post that no other post or page links to (by `{% post_url %}`, `{% link %}` or its URL); listings made by Liquid loops are not seen.

    ## What it does
    Reports a published post that no other published post, page, collection document, layout
    or include links to. A link is a `{% post_url %}` or `{% link %}` tag that reaches the post
    (as Jekyll resolves them), or a URL that leads to it: root-relative (with or without
    `baseurl`, `{{ site.baseurl }}` or a literal given to `relative_url`/`absolute_url`),
    relative to the linking page's own URL, or absolute on the host of `url` in `_config.yml`
    (http or https, with or without `www.`). Any of the post's URLs counts, including its
    `redirect_from` addresses. Links from drafts, unpublished or future posts (unless the site
    builds them) and excluded files do not count; neither do tags inside code or
    `{% comment %}`, nor a post's links to itself.

    What it cannot see: links that Liquid computes while the site builds. The home page,
    archives, tag pages, feeds and "related" or "recent posts" includes list posts with loops
    such as `{% for post in site.posts %}`; they reach every post, so counting them would make
    no post an orphan. This rule is about the links people write: a post that only a
    chronological listing reaches gets no links in context, which is what readers and search
    engines follow. Literal links in layouts and includes (a "start here" post in the sidebar)
    do count; relative links in them do not, as they depend on the page being rendered.

    Off by default: turn it on for a site that cares about internal linking. The site's links
    are indexed once per run: every linking file's text is scanned once for the posts' slugs
    and URL segments, and only the files that mention a post are parsed to confirm a link.

    ## Why is this bad?
    Search engines find and rank pages through links; a post that nothing links to in context
    is crawled late, ranks poorly and is found by readers only by scrolling the archive.

    ## Example
    ```markdown
    <!-- _posts/2024-05-06-territory-planning.md: no post or page links here -->
    ```

    ## Use instead
    ```markdown
    <!-- _posts/2024-06-10-quota-setting.md -->
    Quotas follow the [territories]({% post_url 2024-05-06-territory-planning %}) you drew.
    ```

    ## Options
    """
    site = ctx.site
    future = _future(ctx)
    entry = site.posts.get(post.rel)
    if entry is None or post.read_error is not None or site.unpublished_reason(entry, future) is not None:
        return
    mentioned = site.index(f"orphans-mentions:{future}", lambda: _mentions(site, future))
    own = post.rel  # the build takes the path, not this file's Post (captures.py)
    for linker in mentioned.get(own, ()):
        links = site.index(f"orphans-links-from:{linker}:{future}",
                           lambda linker=linker: _linked_posts(site, linker, future, own))
        if post.rel in links:
            return
    line, column = post.field("title").position
    url = site.published_url(post.rel)
    yield Problem(line, column, f"no other post or page links to this post{f' ({site.baseurl}{url})' if url else ''}: link to it "
                                "from related posts so that readers and search engines find it", fingerprint="orphan")


RULES = [orphan_post]
