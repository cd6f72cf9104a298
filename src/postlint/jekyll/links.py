"""`{% link %}` tags, root-relative URLs, image sources and absolute URLs on the site's own domain
resolved against the site as Jekyll builds it."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from postlint.jekyll import urls
from postlint.jekyll.facts import AS_IT_IS
from postlint.jekyll.posts import resolve_post_url
from postlint.jekyll.site import Site
from postlint.lazy_patterns import lazy_compile
from postlint.record import FrozenRecord
from postlint.suggest import Vocabulary

_LITERAL_URL_FILTER = lazy_compile(r"""^(['"])([^'"{}]*)\1\s*\|\s*(relative_url|absolute_url)\s*$""")
BASEURL_PREFIX = lazy_compile(r"^\{\{-?\s*site\.baseurl\s*-?\}\}")
SCHEME = lazy_compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LIQUID_OUTPUT = lazy_compile(r"^\{\{-?(.*?)-?\}\}$", re.S)


def link_target_problem(path: str, site: Site, future: bool) -> str | None:
    """Why `{% link path %}` stops the build (None: Jekyll finds the file), as Jekyll::Tags::Link decides."""
    if _site_file(path, site, future):
        return None
    bare = path.lstrip("/")
    if path.startswith("/") and _site_file(bare, site, future):
        return f"'{path}' starts with '/'; write the path from the site root without it: `{{% link {bare} %}}`"
    inner = site.document_path(bare)
    if inner != bare and _is_document(bare, site) and _site_file(inner, site, future):
        return (f"'{bare}' is in collections_dir '{site.collections_dir}', and Jekyll names posts and collection "
                f"files from there: `{{% link {inner} %}}`")
    rel = _source_file(bare, site)
    if rel in site.posts:
        return f"'{bare}' {site.unpublished_reason(site.posts[rel], future)}"
    collection = site.collection_of(rel)
    if collection is not None and rel in site.files and not collection[1]["output"]:
        return f"'{bare}' is in collection '{collection[1]['label']}', which has no `output: true`, so it has no URL"
    if rel in site.files and (site.is_served_as_is(rel) or collection is not None):
        unwritten = site.unwritten_reason(rel, future)
        if unwritten is not None:
            return f"'{bare}' {unwritten}"
    if rel in site.files and collection is None and rel not in site.posts and site.is_hidden(rel):
        return (f"'{bare}' is not part of the built site: Jekyll skips names that start with `.`, `_`, `#` "
                "or `~` unless `include` in _config.yml names them")
    if rel in site.files:
        return f"'{bare}' is not part of the built site (excluded, or in a folder Jekyll skips)"
    named = site.index("link-names", lambda: _LinkNames(site))
    with_ext = sorted(name for name in named.by_stem.get(bare, ()) if _site_file(name, site, future))
    if with_ext:
        return f"'{path}' has no extension; {{% link %}} takes the source file's path: `{{% link {with_ext[0]} %}}`"
    close = named.vocabulary.closest(bare, cutoff=0.7)
    hint = f"; did you mean `{close}`?" if close else ""
    return f"no file '{bare}' in the site{hint}"


class _LinkNames:
    """The names `{% link %}` knows the site's files by, by name without extension and for "did
    you mean", found once per run (each broken tag went over every file of the site: thousands
    of broken tags on a site of thousands of files took minutes)."""

    def __init__(self, site: Site) -> None:
        names = list(dict.fromkeys(_link_name(f, site) for f in site.files
                                   if site.is_served_as_is(f) or f in site.posts or site.collection_of(f)))
        self.by_stem: dict[str, list[str]] = {}
        for name in names:
            self.by_stem.setdefault(posixpath.splitext(name)[0], []).append(name)
        self.vocabulary = Vocabulary(names)


def _is_document(rel: str, site: Site) -> bool:
    """A post, draft or file of a collection: Jekyll names these from collections_dir."""
    return rel in site.posts or site.collection_of(rel) is not None


def _link_name(rel: str, site: Site) -> str:
    """The path `{% link %}` names a file of the site by."""
    return site.document_path(rel) if _is_document(rel, site) else rel


def _source_file(name: str, site: Site) -> str:
    """The file of the site a `{% link %}` path (without a leading "/") may name: below
    collections_dir for posts and collection files."""
    if site.collections_dir:
        inside = f"{site.collections_dir}/{name}"
        if _is_document(inside, site):
            return inside
    return name


def _site_file(path: str, site: Site, future: bool) -> bool:
    """Does `path` equal the relative_path of a page, post, document or static file Jekyll writes?

    Checked with `jekyll build`: posts and a collection's files (documents and static files
    alike) are named from collections_dir and never with a leading "/"; a page is named by its
    path from the site's root, without "/"; any other static file either way."""
    static = path.startswith("/")
    name = path[1:] if static else path
    rel = _source_file(name, site)
    if rel == name and site.collections_dir and _is_document(rel, site):
        return False  # a post or collection file named with collections_dir in front
    if rel not in site.files or site.is_excluded(rel):
        return False
    if rel in site.posts:
        entry = site.posts[rel]
        return not static and site.unpublished_reason(entry, future) is None
    collection = site.collection_of(rel)
    if collection is not None:
        return (not static and collection[1]["output"] and not site.skipped_in_collection(rel)
                and site.unwritten_reason(rel, future) is None)
    if not site.is_served_as_is(rel):
        return False
    # A page (YAML header) is named without a leading "/"; a static file either way.
    return (not static or not site.has_yaml_header(rel)) and site.unwritten_reason(rel, future) is None


def site_path(url: str, site: Site) -> str | None:
    """The path inside the site that a root-relative URL names (baseurl, #anchor and ?query removed).

    None when the URL is not one this site can answer for: external, protocol-relative,
    outside the site's baseurl, or empty.
    """
    url = url.strip()
    if not url.startswith("/") or url.startswith("//"):
        return None
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    base = site.baseurl
    if base:
        if path != base and not path.startswith(base + "/"):
            return None
        path = path[len(base):] or "/"
    return path


def unresolved_url(path: str, site: Site) -> str | None:
    """A message when `path` (from site_path) matches nothing the site serves; None when it does or may."""
    if any(pattern.match(path) for pattern in site.generated_patterns):
        return None
    key = urls.url_key(path)
    index = site.url_index
    if key in index:
        return None
    hint = ""
    if site.shard is None:  # else a fact pass: the index is part of the site's, and this message is not kept
        close = site.index("url-vocabulary", lambda: Vocabulary(site.url_index)).closest(key, cutoff=0.75)
        hint = f"; did you mean `{site.baseurl}{index[close]}`?" if close else ""
    return f"no page, post or file of the site is published at '{site.baseurl}{path}'{hint}"


def literal_url_filter(markup: str) -> tuple[str, str] | None:
    """(url, filter) for `'literal' | relative_url` / `absolute_url`; None for anything else."""
    match = _LITERAL_URL_FILTER.match(markup)
    return (match.group(2), match.group(3)) if match else None


def liquid_free_href(href: str, baseurl: str) -> str | None:
    """The href with a leading `{{ site.baseurl }}` replaced by `baseurl`; None when other Liquid remains."""
    href = href.strip()
    prefix = BASEURL_PREFIX.match(href)
    if prefix:
        href = baseurl + "/" + href[prefix.end():].lstrip("/")
    return None if "{{" in href or "{%" in href else href


def image_target(src: str, site: Site) -> str | None:
    """The site URL or relative path an image source names; None when it is external or not literal."""
    src = src.strip().strip("<>").strip()
    output = _LIQUID_OUTPUT.match(src)
    if output:
        literal = literal_url_filter(output.group(1).strip())
        if literal is None:
            return None
        url = literal[0]
        if SCHEME.match(url) or url.startswith("//"):
            return None
        return site.baseurl + "/" + url.lstrip("/")
    resolved = liquid_free_href(src, site.baseurl)
    if not resolved or SCHEME.match(resolved) or resolved.startswith(("//", "#")):
        return None
    return resolved


def missing_image(post_rel: str, src: str, site: Site, page_url: Callable[[], str | None] | None = None) -> str | None:
    """Why the image at `src` is not in the site (None: found, external or not judged).
    `page_url`: the post's URL when asked (a caller asking about each of a post's thousands of
    images finds it once)."""
    target = image_target(src, site)
    if target is None:
        return None
    if target.startswith("/"):
        path = site_path(target, site)
        if path is None:
            return None
        rel = unquote(path).lstrip("/")
        if rel in site.files or urls.url_key(path) in site.url_index:
            return None
        return f"image '{src}' does not exist: no file '{rel}' in the site{_closest_file(rel, site)}"
    relative = unquote(re.split(r"[?#]", target, maxsplit=1)[0])
    folder = posixpath.dirname(post_rel)
    candidates = {posixpath.normpath(posixpath.join(folder, relative)), posixpath.normpath(relative)}
    url = page_url() if page_url is not None else site.published_url(post_rel) if post_rel in site.files else None
    if url:  # a browser resolves it against the page's URL
        base = url if url.endswith("/") else posixpath.dirname(url) + "/"
        candidates.add(posixpath.normpath(posixpath.join(base, relative)).lstrip("/"))
    if any(c in site.files for c in candidates):
        return None
    return f"image '{src}' does not exist (looked for {', '.join(sorted(candidates))})"


def _closest_file(rel: str, site: Site) -> str:
    """A "did you mean" for a missing file: the closest name in the same folder."""
    folder = posixpath.dirname(rel)
    # a vocabulary per folder, made once: a tuple of a folder's thousands of files made and hashed
    # for each missing image took minutes for a post of thousands
    siblings = site.index(f"folder-vocabulary:{folder}", lambda: Vocabulary(site.files_by_folder.get(folder, [])))
    close = siblings.closest(rel, cutoff=0.8)
    return f"; did you mean '{close}'?" if close else ""


# --- absolute links to the site's own address ------------------------------------------------

_ABSOLUTE_HTTP = lazy_compile(r"^(?:https?:)?//", re.I)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST = lazy_compile(r"[\w.-]+")  # a domain name or IPv4 address, any script


class Origin(FrozenRecord):
    """An address the site is served under: a host (lower case, without "www."), a port other
    than the scheme's default (None: the default), and a path prefix (`url: https://x.org/blog`)."""
    __slots__ = ("host", "port", "path")

    host: str
    port: int | None
    path: str

    def __init__(self, host: str, port: int | None, path: str) -> None:
        self.host = host
        self.port = port
        self.path = path


def _host_and_port(url: str) -> tuple[str, int | None, str] | None:
    """(host, explicit port, what follows the authority) of an http(s) or protocol-relative URL."""
    if not _ABSOLUTE_HTTP.match(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, a malformed IPv6 host
        return None
    if not parts.hostname or parts.username is not None or not _HOST.fullmatch(parts.hostname):
        return None
    host = parts.hostname.rstrip(".").removeprefix("www.")
    if port == _DEFAULT_PORTS.get(parts.scheme.lower()):
        port = None
    rest = url[url.index("//") + 2 + len(parts.netloc):]
    return host, port, rest


def parse_origin(text: str) -> Origin | None:
    """An Origin from `url` in _config.yml or a configured domain: `https://example.com/blog`,
    `example.com`, `//example.com:8080`. None when it names no host."""
    text = text.strip()
    found = _host_and_port(text if _ABSOLUTE_HTTP.match(text) else "//" + text)
    if found is None:
        return None
    host, port, rest = found
    return Origin(host, port, re.split(r"[?#]", rest, maxsplit=1)[0].rstrip("/"))


def site_origins(site: Site, domains: list[str]) -> list[Origin]:
    """Where the site says it lives (`url` in _config.yml) plus `domains` (old or extra names)."""
    url = site.config.get("url")
    found = [parse_origin(text) for text in [url if isinstance(url, str) else "", *domains] if text.strip()]
    return list(dict.fromkeys(origin for origin in found if origin is not None))


def own_address(url: str, origins: list[Origin]) -> str | None:
    """The root-relative address (baseurl included, `?query` and `#fragment` kept) that an
    absolute URL names when it points at one of `origins`; None for any other URL.

    http and https, and a host with or without "www.", are the same site; another port is not.
    """
    url = url.strip()
    found = _host_and_port(url)
    if found is None:
        return None
    host, port, rest = found
    for origin in origins:
        if (host, port) != (origin.host, origin.port):
            continue
        if origin.path:
            if not rest.startswith(origin.path) or rest[len(origin.path):len(origin.path) + 1] not in ("", "/", "?", "#"):
                continue
            rest = rest[len(origin.path):]
        return rest if rest.startswith("/") else "/" + rest
    return None


def address_source(path: str, site: Site) -> tuple[str, bool] | None:
    """The post, page or collection document (its source path) that Jekyll publishes at the site
    path `path` (from site_path), and whether it gets there through the file's `redirect_from`;
    None for static files and addresses no source file makes."""
    return site.index("url-sources", lambda: _url_sources(site), AS_IT_IS).get(urls.url_key(path))


def _url_sources(site: Site) -> dict[str, tuple[str, bool]]:
    """url_key -> (source path, through redirect_from) of every post, page and document with front
    matter. A file's own address wins over another's redirect, and the first file in path order
    wins a shared address, so the answer does not depend on the order of the walk."""
    sources: dict[str, tuple[str, bool]] = {}
    redirects: list[tuple[str, str]] = []
    for rel, served in site.served_urls_of_all:
        for key, _, how in served:
            if how == "page":
                sources.setdefault(key, (rel, False))
            elif how == "redirect":
                redirects.append((key, rel))
    for key, rel in redirects:
        sources.setdefault(key, (rel, True))
    return sources


def source_tag(rel: str, site: Site, future: bool) -> str | None:
    """The Liquid tag that writes the address of `rel` wherever the site is served:
    `{% post_url NAME %}` for a post, `{% link PATH %}` for a page or document; None when no
    tag can (a post a normal build does not write: the tag would stop the build)."""
    entry = site.posts.get(rel)
    if entry is not None:
        if site.unpublished_reason(entry, future) is not None:
            return None
        resolved = resolve_post_url(entry.name, site, future)
        # Two posts with the same date and slug (.md and .markdown): the tag may reach the other.
        return f"{{% post_url {entry.name} %}}" if resolved.status == "ok" and resolved.entry == entry else None
    return f"{{% link {rel} %}}" if link_target_problem(rel, site, future) is None else None
