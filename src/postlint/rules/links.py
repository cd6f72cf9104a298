"""Link rules (LNK): {% post_url %}, {% link %} and root-relative URLs must reach the built site.

Resolution is the site model's (jekyll/posts.py, jekyll/links.py), which follows Jekyll 4.3 step
by step, so every finding names a tag Jekyll would reject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from postlint.errors import ConfigError
from postlint.finding import Edit, Fix, Problem
from postlint.jekyll.links import (
    SCHEME,
    address_source,
    image_target,
    link_target_problem,
    liquid_free_href,
    literal_url_filter,
    own_address,
    parse_origin,
    site_origins,
    site_path,
    source_tag,
    unresolved_url,
)
from postlint.jekyll.posts import resolve_post_url
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.spans import Spans
from postlint.registry import rule


def _future(ctx) -> bool:
    return ctx.site.future(ctx.config.site.get("future"))


@rule("LNK001", "post-url-target", severity="error")
def post_url_target(post, ctx) -> Iterator[Problem]:
    """A `{% post_url %}` tag names a post that a normal `jekyll build` cannot find (no such post, a draft, `published: false`, future-dated, a bad name); the closest post is suggested.

    ## What it does
    Resolves every `{% post_url NAME %}` in the body the way Jekyll 4.3 does and reports each
    one that fails, at the tag's exact line and column: a name that does not parse (no
    `YYYY-MM-DD-` date, quoted, empty), a date that does not exist, an extension such as `.md`,
    a name no post has (with the closest existing post as a suggestion), and a post that
    exists but is not built: a draft, `published: false`, dated in the future (unless
    `future: true` in `_config.yml` or `site.future` in `.postlint.yaml`), or not UTF-8 text
    (Jekyll cannot read it). Any dated file of `_posts` but a `.yml` is a post, as in Jekyll:
    a `.txt` or `.textile` post is found.

    Liquid runs before Markdown, so tags inside code blocks and code spans are checked too;
    only `{% raw %}` protects a tag. Inside `{% comment %}` Jekyll still parses the tag but
    never renders it, so only names that do not parse are reported there. A tag that resolves
    only through Jekyll's deprecated fallback is `post-url-deprecated` (LNK004), not this rule.
    Tags in a post that is not built yet (a draft, `published: false`, dated in the future) are
    checked too: Jekyll skips them today and stops on them the day the post is published. Tags
    Jekyll never runs are not: in a page without front matter (copied as it is) or a file with
    `render_with_liquid: false`.

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
    Whether future-dated posts count as built comes from `site.future` in `.postlint.yaml`,
    else `future` in `_config.yml`.
    """
    if not ctx.site.renders_liquid(post):
        return  # Jekyll copies the file as it is: its tags never run
    future = _future(ctx)
    for tag in post.tags("post_url"):
        result = resolve_post_url(tag.markup, ctx.site, future)
        if result.status == "unparseable" or (result.status == "not-found" and not tag.in_comment):
            line, column = post.position(tag.markup_start if tag.markup else tag.start)
            yield Problem(line, column, f"post_url '{tag.markup}' fails the build: {result.reason}",
                          fingerprint=f"post_url {tag.markup}")


@rule("LNK004", "post-url-deprecated", severity="warning", fixable=True)
def post_url_deprecated(post, ctx) -> Iterator[Problem]:
    """A `{% post_url %}` tag reaches its post only through Jekyll's deprecated fallback (a missing or wrong folder, an unpadded date); `--fix` writes the exact name.

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
    """
    if not ctx.site.renders_liquid(post):
        return  # Jekyll copies the file as it is: its tags never run
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


@rule("LNK002", "link-target", severity="error")
def link_target(post, ctx) -> Iterator[Problem]:
    """A `{% link %}` tag names no page, post, document or static file of the built site (a missing extension, a leading `/`, a typo).

    ## What it does
    Checks every `{% link PATH %}` in the body: PATH must be the source path of a page, post,
    collection document (of a collection with `output: true`) or static file, relative to the
    site root, with its extension, and without a leading `/` (a static file outside collections
    may have one). Posts and a collection's files are named from `collections_dir` when the site
    sets one (`_posts/…`, not `my/_posts/…`), as Jekyll names them. A post must be one Jekyll builds (not a draft, `published: false` or future-dated). Paths
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
    """
    if not ctx.site.renders_liquid(post):
        return  # Jekyll copies the file as it is: its tags never run
    future = _future(ctx)
    for tag in post.tags("link"):
        if tag.in_comment or "{{" in tag.markup or "{%" in tag.markup:
            continue
        problem = link_target_problem(tag.markup, ctx.site, future)
        if problem is not None:
            line, column = post.position(tag.markup_start)
            yield Problem(line, column, f"link '{tag.markup}' fails the build: {problem}", fingerprint=f"link {tag.markup}")


@rule("LNK003", "relative-url-target", severity="warning")
def relative_url_target(post, ctx) -> Iterator[Problem]:
    """A site-internal URL (a root-relative link, or a literal path given to `relative_url` or `absolute_url`) matches no permalink or file of the site.

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
    jekyll-redirect-from's `redirect_from`) or by the host (Netlify `_redirects`, `netlify.toml`). Image sources are `image-missing`'s job,
    and so is a link wrapped around an image of the same file (`<a href="x.png"><img
    src="x.png"></a>`, `[![chart](x.png)](x.png)`): a missing file is reported once, there.

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
    """
    site = ctx.site
    image_srcs = Spans((image.src_start, image.src_start + len(image.src)) for image in post.body.images)
    checked: list[tuple[int, str]] = []
    for tag in post.liquid.tags:
        if tag.kind != "output" or tag.in_comment or post.in_code(tag.start) or tag.start in image_srcs:
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
        if href is not None and not _links_to_its_own_image(post, link, href, site):
            checked.append((link.href_start, href))
    for offset, url in checked:
        path = site_path(url, site)
        if path is None:
            continue
        problem = unresolved_url(path, site)
        if problem is not None:
            line, column = post.position(offset)
            yield Problem(line, column, problem, fingerprint=url)


_CLOSING_A = lazy_compile(r"</a\s*>", re.I)


def _links_to_its_own_image(post, link, href: str, site) -> bool:
    """Is the link wrapped around an image with the same target (`<a href="x.png"><img src="x.png"></a>`,
    `[![chart](x.png)](x.png)`)? Whether that file exists is image-missing's to say, once."""
    path = site_path(href, site)
    if path is None:
        return False
    end = link.end
    if link.kind == "html":  # the link's span is its opening tag; what it wraps runs to `</a>`
        closing = _CLOSING_A.search(post.text, link.end)
        end = closing.start() if closing else link.end
    for image in post.body.images:
        if link.start <= image.start < end:
            target = image_target(image.src, site)
            if target is not None and site_path(target, site) == path:
                return True
    return False


# `[label]: url` at the start of a line (in a quote or list item too), the URL on that line or the
# next. Not `[^1]: …`: kramdown reads that as a footnote, whose URL is text, not a link.
_REFERENCE_DEFINITION = lazy_compile(r"^[ \t>]*\[(?!\^)(?:[^\]\\\n]|\\.)+\]:[ \t]*(?:\n[ \t>]*)?<?([^\s<>]+)", re.M)
_NOT_DEFINITION = ("inline", "fence", "code_block", "html_block")  # blocks whose lines hold no definition


@rule("LNK005", "self-link", severity="warning", fixable=True, options=[
    Option("domains", "list[str]", [],
           "Other addresses that count as the site's own, such as an old domain (`old.example.com`, "
           "`https://example.org/blog`); the `url` of `_config.yml` always counts."),
])
def self_link(post, ctx) -> Iterator[Problem]:
    """An absolute link or image URL on the site's own domain, where `{% post_url %}`, `{% link %}` or `{{ site.baseurl }}` would survive a move (`--fix` writes it); one to an address the site does not publish is reported as broken.

    ## What it does
    Finds absolute URLs on the site's own address in Markdown inline links, images, reference
    definitions and autolinks, and in HTML `href`/`src`: the host of `url` in `_config.yml`
    (http or https, with or without `www.`, the same port; the path of a `url` such as
    `https://example.org/blog` must prefix the link) followed by `baseurl`, plus the `domains`
    option. The path after the domain is resolved like `relative-url-target` resolves a
    root-relative link:

    - when the site publishes it, the message names the post, page or file and what to write
      instead, and `--fix` rewrites exactly the URL (a `?query` or `#fragment` stays, after the
      tag): a post becomes `{% post_url NAME %}` (its folder under `_posts` included, as Jekyll
      4.3 names it), a page or collection document `{% link PATH %}` (an address in its
      `redirect_from` too: the link goes straight to it), anything else (a static file, a feed
      or other plugin page, a host redirect, a post a normal build does not write)
      `{{ site.baseurl }}/PATH`.
      The `{{ site.baseurl }}` prefix is used because it reads the same in Markdown and HTML and
      `relative-url-target` checks it; `{% link %}` and `{% post_url %}` add `baseurl` themselves
      (Jekyll 4).
    - when it does not, the message says the self-link is broken: no page, post or file of the
      site is published there, with the closest address as a suggestion.

    Links in front matter, code blocks and spans, `{% raw %}` and `{% comment %}` are not
    reported, nor URLs built with Liquid, URLs on the same host outside `baseurl` or the `url`
    path (another site), or on another port. Autolinks (`<https://…>`) and HTML attributes
    written with entities are reported without a fix. A reference link is reported once, at
    its definition.

    A self-link that works is a `warning`; a broken one is an `error` (it says "broken
    self-link" and has no fix). A `severity` set for the rule in `.postlint.yaml` applies to
    both.

    ## Why is this bad?
    An absolute link to your own site breaks, or silently leads to the old site, when the
    domain, the protocol or the `baseurl` changes; it points at production from a staging or
    preview build; and Jekyll never checks it, so a typo or a renamed post is a 404 that no
    build reports. `{% post_url %}` and `{% link %}` follow the post wherever it is published
    and stop the build when it is gone.

    ## Example
    ```markdown
    Our [win-loss template](https://example.com/2024/01/15/win-loss-template/) and
    ![Funnel chart](https://example.com/assets/funnel.png)
    ```

    ## Use instead
    ```markdown
    Our [win-loss template]({% post_url 2024-01-15-win-loss-template %}) and
    ![Funnel chart]({{ site.baseurl }}/assets/funnel.png)
    ```

    ## Options
    """
    site = ctx.site
    for domain in ctx.options.domains:
        if parse_origin(domain) is None:
            raise ConfigError(f"self-link: `domains` entry {domain!r} names no host (write `old.example.com` "
                              f"or `https://old.example.com/blog`)")
    origins = site_origins(site, ctx.options.domains)
    if not origins:
        return
    future = _future(ctx)
    unrendered = _unrendered_ranges(post)
    hosts = [origin.host for origin in origins]
    for offset, url, form in _written_urls(post):
        address = own_address(url, origins) if _may_name(url, hosts) else None
        if address is None or post.in_code(offset) or offset in unrendered:
            continue
        path = site_path(address, site)
        if path is None:
            continue  # same host, outside baseurl or the url's path: another site
        line, column = post.position(offset)
        problem = unresolved_url(path, site)
        if problem is not None:
            yield Problem(line, column, f"broken self-link '{url}': {problem}", fingerprint=url, severity="error")
            continue
        what, replacement = _self_link_target(address, path, site, future)
        advice = f"`[text]({replacement})` (an autolink cannot hold Liquid)" if form == "autolink" else f"`{replacement}`"
        message = (f"'{url}' is an absolute link to this site's own {what}; it breaks when the domain or "
                   f"baseurl changes: write {advice}")
        fix = Fix(f"write {replacement}", (Edit(offset, offset + len(url), replacement),)) if form == "written" else None
        yield Problem(line, column, message, fix=fix, fingerprint=url)


def _may_name(url: str, hosts: list[str]) -> bool:
    """Can own_address find one of `hosts` in `url`? Not in a URL built with Liquid, nor in one whose
    lower case holds none of them: the host own_address compares is lower-cased from the URL, and a
    substring test skips the parsing of every link to another site."""
    if "{{" in url or "{%" in url:
        return False
    lowered = url.lower()
    return any(host in lowered for host in hosts)


def _self_link_target(address: str, path: str, site, future: bool) -> tuple[str, str]:
    """What a self-link reaches (for the message) and what to write instead: the Liquid tag of its
    post, page or document, else the address after `{{ site.baseurl }}`. `?query` and `#fragment`
    follow either."""
    found = address_source(path, site)
    rel, redirected = found if found is not None else (None, False)
    tag = source_tag(rel, site, future) if rel is not None else None
    if rel is None:
        file = unquote(path).lstrip("/")
        what = f"file '{file}'" if file in site.files else f"address '{site.baseurl}{path}'"
    else:
        kind = "post" if rel in site.posts else "document" if site.collection_of(rel) else "page"
        what = f"{kind} '{rel}'" + (" (through its redirect_from)" if redirected else "")
        if tag is None:
            what += ", which a normal build does not write, so a tag naming it would stop the build"
    if tag is not None:
        return what, tag + address[len(re.split(r"[?#]", address, maxsplit=1)[0]):]
    rooted = address[len(site.baseurl):]
    return what, "{{ site.baseurl }}" + (rooted if rooted.startswith("/") else "/" + rooted)


def _written_urls(post) -> Iterator[tuple[int, str, str]]:
    """(offset, URL, form) of every link and image destination of the body. The form is
    "written" where an edit can replace the URL as it stands, "autolink", or "decoded" (an HTML
    attribute whose entities make it differ from the text). Reference links and images are left
    to their definition, which is where the URL is written."""
    text = post.text
    for link in post.body.links:
        if link.kind == "reference":
            continue
        written = text.startswith(link.href, link.href_start)
        yield link.href_start, link.href, "autolink" if link.kind == "autolink" else "written" if written else "decoded"
    for image in post.body.images:
        written = text.startswith(image.src, image.src_start)
        if image.kind == "html" or written:  # a Markdown image not written inline is a reference image
            yield image.src_start, image.src, "written" if written else "decoded"
    yield from ((offset, url, "written") for offset, url in _reference_definitions(post))


def _reference_definitions(post) -> list[tuple[int, str]]:
    """(offset, URL) of each `[label]: url` definition of a Markdown body. markdown-it keeps no
    position for them, but it gives every other line to a block: a candidate line that no
    paragraph, heading, table, code or HTML block holds is a definition."""
    masked = post.body.masked
    if "]:" not in masked:
        return []
    held: set[int] | None = None  # 0-based lines inside blocks, gathered at the first candidate
    found = []
    for match in _REFERENCE_DEFINITION.finditer(masked, post.body_offset):
        if held is None:
            held = {line for token in post.body.tokens if token.map is not None and token.type in _NOT_DEFINITION
                    for line in range(token.map[0], token.map[1])}
        if post.position(match.start())[0] - 1 not in held:
            found.append((match.start(1), post.text[match.start(1):match.end(1)]))
    return found


def _unrendered_ranges(post) -> Spans:
    """Spans of the body no reader sees as a link: `{% raw %}` bodies (shown as text) and
    `{% comment %}` bodies (dropped)."""
    ranges = list(post.liquid.raw_ranges)
    depth, start = 0, 0
    for tag in post.liquid.tags:
        if tag.kind != "tag":
            continue
        if tag.name == "comment":
            start = tag.end if depth == 0 else start
            depth += 1
        elif tag.name == "endcomment" and depth:
            depth -= 1
            if depth == 0:
                ranges.append((start, tag.start))
    if depth:
        ranges.append((start, len(post.text)))
    return Spans(ranges)


RULES = [post_url_target, post_url_deprecated, link_target, relative_url_target, self_link]
