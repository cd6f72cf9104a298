"""Link rules (LNK): {% post_url %}, {% link %} and root-relative URLs must reach the built site.

Resolution is the site model's (jekyll/posts.py, jekyll/links.py), which follows Jekyll 4.3 step
by step, so every finding names a tag Jekyll would reject.
"""

from __future__ import annotations

from collections.abc import Iterator

from postlint.finding import Edit, Fix, Problem
from postlint.jekyll.links import (
    SCHEME,
    link_target_problem,
    liquid_free_href,
    literal_url_filter,
    site_path,
    unresolved_url,
)
from postlint.jekyll.posts import resolve_post_url
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
    Whether future-dated posts count as built comes from `site.future` in `.postlint.yaml`,
    else `future` in `_config.yml`.
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
    """
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


RULES = [post_url_target, post_url_deprecated, link_target, relative_url_target]
