"""Link rules (LNK): {% post_url %}, {% link %} and root-relative URLs must reach the built site.

post_url resolution follows Jekyll 4.3's `Jekyll::Tags::PostComparer` step by step (the same
name regex, the same deprecated slug-and-date fallback), so "postlint is clean" means "`jekyll
build` will not stop on a post_url", and every finding names a tag Jekyll would reject.
"""

from __future__ import annotations

import datetime as _dt
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from postlint.jekyll import urls
from postlint.finding import Edit, Fix, Problem
from postlint.parse.post import POST_EXTENSIONS
from postlint.registry import rule
from postlint.jekyll.site import PostEntry, Site
from postlint.suggest import closest

# Jekyll::Tags::PostComparer::MATCHER; Ruby's ^ and $ anchor at every line, hence re.M.
POST_NAME = re.compile(r"^(.+/)*(\d+-\d+-\d+)-(.*)$", re.M)
_LITERAL_URL_FILTER = re.compile(r"""^(['"])([^'"{}]*)\1\s*\|\s*(relative_url|absolute_url)\s*$""")
BASEURL_PREFIX = re.compile(r"^\{\{-?\s*site\.baseurl\s*-?\}\}")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

Status = Literal["ok", "deprecated", "unparseable", "not-found"]


@dataclass(frozen=True)
class PostUrlResult:
    status: Status
    entry: PostEntry | None = None  # the post the tag reaches (ok, deprecated)
    reason: str = ""  # what is wrong, for people


def _post_name_problem(name: str) -> str:
    """Why PostComparer cannot parse `name` (Jekyll: 'Could not parse name of post')."""
    if not name:
        return "the tag names no post; write `{% post_url YYYY-MM-DD-slug %}`"
    quotes = "\"'"
    if name[0] in quotes or name[-1] in quotes:
        return f"the post name must not be quoted; write `{{% post_url {name.strip(quotes)} %}}`"
    return f"'{name}' has no YYYY-MM-DD- date before the slug; post names look like `2024-01-15-my-post`"


def ruby_date(text: str) -> _dt.date | None:
    """The day Ruby's Time.parse reads from a post_url date ("2024-3-1" works, "2024-02-30" rolls
    over to March 1); None where Jekyll raises "Invalid date" (month or day out of range)."""
    match = re.fullmatch(r"(\d+)-(\d+)-(\d+)", text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if len(match.group(1)) == 2:  # Date._parse completes two-digit years
        year += 2000 if year < 69 else 1900
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1 <= year <= 9999):
        return None
    return _dt.date(year, month, 1) + _dt.timedelta(days=day - 1)


def _published(site: Site, future: bool) -> list[PostEntry]:
    return [e for e in sorted(site.posts.values(), key=lambda e: e.rel) if site.unpublished_reason(e, future) is None]


def resolve_post_url(markup: str, site: Site, future: bool) -> PostUrlResult:
    """What `{% post_url markup %}` does in a normal Jekyll 4.3 build of `site`."""
    name = markup.strip()
    match = POST_NAME.search(re.sub(r"^/", "", name, count=1, flags=re.M))
    if match is None:
        return PostUrlResult("unparseable", reason=_post_name_problem(name))
    path, date, slug = match.group(1) or "", match.group(2), match.group(3)
    basename = f"{date}-{re.escape(slug)}\\.[^.]+"
    try:  # Jekyll puts the path into its regex unescaped; so do we, unless it is not a valid regex here
        name_regex = re.compile(f"^_posts/{path}{basename}|^{path}_posts/?{basename}")
    except re.error:
        name_regex = re.compile(f"^_posts/{re.escape(path)}{basename}|^{re.escape(path)}_posts/?{basename}")
    candidates = [e for e in site.posts_by_name_prefix.get(f"{date}-{slug}", []) if not e.draft and name_regex.search(e.rel)]
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
    for entry in sorted(site.posts.values(), key=lambda e: e.rel):
        if entry.draft and entry.slug == slug:
            return f"'{entry.rel}' {site.unpublished_reason(entry, future)}"
    if ruby_date(date) is None:
        return f"'{date}' is not a valid date"
    stem, ext = posixpath.splitext(slug)
    if ext.lower() in POST_EXTENSIONS:
        fixed = f"{path}{date}-{stem}"
        if resolve_post_url(fixed, site, future).status == "ok":
            return f"post names take no extension; write `{{% post_url {fixed} %}}`"
        return f"post names take no extension ('{ext}'), and no post is named '{fixed}' either"
    names = [e.name for e in _published(site, future)]
    same_but_case = [n for n in names if n.lower() == name.lstrip("/").lower()]
    if same_but_case:
        return f"no post is named '{name}'; names are case-sensitive: `{same_but_case[0]}`"
    found = closest(name.lstrip("/"), names, cutoff=0.6)
    close = [found] if found else []
    if not close:  # a wrong folder or date often hides a right slug
        close = [n for n in names if n.rsplit("/", 1)[-1][11:].lower() == slug.lower()][:1]
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"no post is named '{name}'{hint}"


def _future(ctx) -> bool:
    return ctx.site.future(ctx.config.site.get("future"))


@rule("LNK001", "post-url-target", severity="error")
def post_url_target(post, ctx) -> Iterator[Problem]:
    """A `{% post_url %}` tag names a post that a normal `jekyll build` cannot find.

    ## What it does
    Resolves every `{% post_url NAME %}` in the body the way Jekyll 4.3 does and reports each
    one that fails, at the tag's exact line and column: a name that does not parse (no
    `YYYY-MM-DD-` date, quoted, empty), a date that does not exist, an extension such as `.md`,
    a name no post has (with the closest existing post as a suggestion), and a post that
    exists but is not built: a draft, `published: false`, or dated in the future (unless
    `future: true` in `_config.yml` or `site.future` in `.postlint.yaml`).

    Liquid runs before Markdown, so tags inside code blocks and code spans are checked too;
    only `{% raw %}` protects a tag. Inside `{% comment %}` Jekyll still parses the tag but
    never renders it, so only names that do not parse are reported there. A tag that resolves
    only through Jekyll's deprecated fallback is `post-url-deprecated` (LNK004), not this rule.

    ## Why is this bad?
    Jekyll stops the whole build at the first broken `post_url` ("Could not find post") and
    reports only that one; fixing them one build at a time is slow, and a draft or future post
    that builds on your machine with `--drafts` or `--future` breaks the production build.

    ## Example
    ```liquid
    Read the {% post_url 2024-01-15-ramp-time-benchmarks %} first.
    ```

    ## Use instead
    ```liquid
    Read the {% post_url 2024-01-15-ramp-time-benchmark %} first.
    ```

    ## Options
    None. Whether future-dated posts count as built comes from `site.future` in
    `.postlint.yaml`, else `future` in `_config.yml`.
    """
    future = _future(ctx)
    for tag in post.tags("post_url"):
        result = resolve_post_url(tag.markup, ctx.site, future)
        if result.status == "unparseable" or (result.status == "not-found" and not tag.in_comment):
            line, column = post.position(tag.markup_start if tag.markup else tag.start)
            yield Problem(line, column, f"post_url '{tag.markup}' fails the build: {result.reason}",
                          fingerprint=f"post_url {tag.markup}")


@rule("LNK004", "post-url-deprecated", severity="warning", fixable=True)
def post_url_deprecated(post, ctx) -> Iterator[Problem]:
    """A `{% post_url %}` tag reaches its post only through Jekyll's deprecated fallback.

    ## What it does
    Reports a `{% post_url %}` whose name does not match the post's name exactly but that
    Jekyll 4.3 still resolves by comparing slug and date: a post in a subfolder of `_posts`
    named without its folder or with a wrong one, or a date written without zero padding
    (`2024-3-1`). The message names the exact form to write; `--fix` writes it.

    ## Why is this bad?
    The build passes but prints a deprecation warning on every build, and the fallback matches
    any post with that slug and day, whatever its folder: adding a second post with the same
    slug in another folder can silently change where the link goes.

    ## Example
    ```liquid
    {% post_url 2024-03-01-setup-guide %}   (the post is _posts/guides/2024-03-01-setup-guide.md)
    ```

    ## Use instead
    ```liquid
    {% post_url guides/2024-03-01-setup-guide %}
    ```

    ## Options
    None.
    """
    future = _future(ctx)
    for tag in post.tags("post_url"):
        if tag.in_comment:
            continue
        result = resolve_post_url(tag.markup, ctx.site, future)
        if result.status != "deprecated" or result.entry is None:
            continue
        exact = result.entry.name
        line, column = post.position(tag.markup_start)
        fix = Fix(f"write {exact}", (Edit(tag.markup_start, tag.markup_start + len(tag.markup), exact),))
        yield Problem(line, column, f"post_url '{tag.markup}' matches '{result.entry.rel}' only through Jekyll's "
                                    f"deprecated fallback; write `{{% post_url {exact} %}}`",
                      fix=fix, fingerprint=f"post_url {tag.markup}")


def link_target_problem(path: str, site: Site, future: bool) -> str | None:
    """Why `{% link path %}` stops the build (None: Jekyll finds the file), as Jekyll::Tags::Link decides."""
    if _site_file(path, site, future):
        return None
    bare = path.lstrip("/")
    if path.startswith("/") and _site_file(bare, site, future):
        return f"'{path}' starts with '/'; write the path from the site root without it: `{{% link {bare} %}}`"
    if bare in site.posts:
        return f"'{bare}' {site.unpublished_reason(site.posts[bare], future)}"
    collection = site.collection_of(bare)
    if collection is not None and bare in site.files and not collection[1]["output"]:
        return f"'{bare}' is in collection '{collection[1]['label']}', which has no `output: true`, so it has no URL"
    if bare in site.files:
        return f"'{bare}' is not part of the built site (excluded, or in a folder Jekyll skips)"
    with_ext = sorted(f for f in site.files if posixpath.splitext(f)[0] == bare and _site_file(f, site, future))
    if with_ext:
        return f"'{path}' has no extension; {{% link %}} takes the source file's path: `{{% link {with_ext[0]} %}}`"
    choices = [f for f in site.files if site.is_served_as_is(f) or f in site.posts or site.collection_of(f)]
    close = closest(bare, choices, cutoff=0.7)
    hint = f"; did you mean `{close}`?" if close else ""
    return f"no file '{bare}' in the site{hint}"


def _site_file(path: str, site: Site, future: bool) -> bool:
    """Does `path` equal the relative_path of a page, post, document or static file Jekyll writes?"""
    static = path.startswith("/")
    rel = path[1:] if static else path
    if rel not in site.files or site.is_excluded(rel):
        return False
    if rel in site.posts:
        entry = site.posts[rel]
        return not static and site.unpublished_reason(entry, future) is None
    collection = site.collection_of(rel)
    if collection is not None:
        if not collection[1]["output"]:
            return False
        # Collection documents are named without "/", their static files with it.
        return static != site.has_yaml_header(rel)
    if not site.is_served_as_is(rel):
        return False
    # A page (YAML header) is named without a leading "/"; a static file either way.
    return not static or not site.has_yaml_header(rel)


@rule("LNK002", "link-target", severity="error")
def link_target(post, ctx) -> Iterator[Problem]:
    """A `{% link %}` tag names a file that is not part of the built site.

    ## What it does
    Checks every `{% link PATH %}` in the body: PATH must be the source path of a page, post,
    collection document (of a collection with `output: true`) or static file, relative to the
    site root, with its extension, and without a leading `/` (a static file may have one). A
    post must be one Jekyll builds (not a draft, `published: false` or future-dated). Paths
    built from Liquid variables are not judged. Tags inside code are checked (Liquid runs
    first); tags inside `{% raw %}` or `{% comment %}` are not, as Jekyll never renders them.

    ## Why is this bad?
    Jekyll stops the build: "Could not find document 'PATH' in tag 'link'".

    ## Example
    ```liquid
    [About us]({% link /about %})
    ```

    ## Use instead
    ```liquid
    [About us]({% link about.md %})
    ```

    ## Options
    None.
    """
    future = _future(ctx)
    for tag in post.tags("link"):
        if tag.in_comment or "{{" in tag.markup or "{%" in tag.markup:
            continue
        problem = link_target_problem(tag.markup, ctx.site, future)
        if problem is not None:
            line, column = post.position(tag.markup_start)
            yield Problem(line, column, f"link '{tag.markup}' fails the build: {problem}", fingerprint=f"link {tag.markup}")


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
    close = closest(key, index, cutoff=0.75)
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


@rule("LNK003", "relative-url-target", severity="warning")
def relative_url_target(post, ctx) -> Iterator[Problem]:
    """A site-internal URL matches no page, post or file of the site.

    ## What it does
    Checks root-relative Markdown and HTML links (`/blog/ramp-time`, `/request-demo`), links
    that start with `{{ site.baseurl }}`, and `{{ 'path' | relative_url }}` /
    `{{ 'path' | absolute_url }}` with a literal path, against every address the site
    publishes: posts and pages at their permalinks (`permalink` in `_config.yml` including
    `pretty`, `date`, `none` and custom patterns such as `/blog/:title`, `permalink` in front
    matter, `defaults`), documents of collections with `output: true`, and static files.
    `baseurl` is removed first; `#anchors` and `?queries` are ignored; `/x`, `/x/`,
    `/x.html` and `/x/index.html` count as the same address. External URLs are never fetched.

    To stay free of false positives it says nothing about URLs built from other Liquid, URLs
    outside a non-empty `baseurl`, relative links, and addresses generated by plugins named
    in `_config.yml` (jekyll-paginate, jekyll-archives, jekyll-feed, jekyll-sitemap,
    jekyll-redirect-from's `redirect_from`) or by the host (Netlify `_redirects`, `netlify.toml`). Image sources are `image-missing`'s job.

    ## Why is this bad?
    `relative_url` never fails: Jekyll happily writes a link to a page that does not exist,
    and readers get a 404 that no build log shows.

    ## Example
    ```markdown
    [Book a call]({{ '/request-a-demo' | relative_url }})
    ```

    ## Use instead
    ```markdown
    [Book a call]({{ '/request-demo' | relative_url }})
    ```

    ## Options
    None.
    """
    site = ctx.site
    image_srcs = [(image.src_start, image.src_start + len(image.src)) for image in post.body.images]

    def in_image(offset: int) -> bool:
        return any(start <= offset < end for start, end in image_srcs)

    checked: list[tuple[int, str]] = []
    for tag in post.liquid.tags:
        if tag.kind != "output" or tag.in_comment or post.in_code(tag.start) or in_image(tag.start):
            continue
        literal = literal_url_filter(tag.markup)
        if literal is None:
            continue
        url, _ = literal
        if not url or SCHEME.match(url) or url.startswith("//"):
            continue
        checked.append((tag.markup_start, site.baseurl + "/" + url.lstrip("/")))
    for link in post.body.links:
        if link.kind == "autolink":
            continue
        href = liquid_free_href(link.href, site.baseurl)
        if href is not None:
            checked.append((link.href_start, href))
    for offset, url in checked:
        path = site_path(url, site)
        if path is None:
            continue
        problem = unresolved_url(path, site)
        if problem is not None:
            line, column = post.position(offset)
            yield Problem(line, column, problem, fingerprint=url)
