"""Liquid that stops `jekyll build`: blocks never closed, stray end tags, tags inside tags."""

from __future__ import annotations

from collections.abc import Iterator

from postlint.finding import Problem
from postlint.parse.liquid import LiquidTag
from postlint.registry import rule

# Block tags of Liquid and Jekyll that need their `end…` tag. Plugins register more (a diagram
# block, a `{% tabs %}`), but which of their tags are blocks cannot be told from a post, so
# tags not listed here are left alone.
BLOCK_TAGS = frozenset({"raw", "comment", "if", "unless", "case", "for", "capture", "highlight", "tablerow"})
NEVER_CLOSED = "'{name}' tag was never closed"  # Liquid's own words


def _where(post, tag: LiquidTag) -> str:
    return f"line {post.position(tag.start)[0]}"


def _snippet(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


@rule("LIQ001", "liquid-syntax", severity="error")
def liquid_syntax(post, ctx) -> Iterator[Problem]:
    """Liquid that stops `jekyll build` or prints tag debris: a block tag never closed, an `{% end… %}` that closes nothing or the wrong block, a tag inside another tag's markup.

    ## What it does
    Follows the post's Liquid as Liquid parses it (the version Jekyll 4.3 uses) and reports:

    - a block never closed: `{% raw %}`, `{% comment %}`, `{% if %}`, `{% unless %}`,
      `{% case %}`, `{% for %}`, `{% tablerow %}`, `{% capture %}` or `{% highlight %}`
      without its `{% end… %}` (Jekyll stops: "'if' tag was never closed"), at the opening tag;
    - an `{% end… %}` of one of those blocks with no such block open (Jekyll stops: "Unknown
      tag 'endif'") or while another block is the innermost one ("'endfor' is not a valid
      delimiter for if tags. use endif"), at the end tag;
    - a `{%` inside a tag's markup, such as `{% post_url ({% post_url 2024-01-15-x %}) %}`:
      Liquid ends a tag at its first `%}`, so the outer tag reads the wrong markup (a
      `post_url` links the wrong post or stops the build) and the rest (` %})`) is printed on
      the page. Reported at the outer tag.

    `{%-` / `-%}` tags count like any other. The body of `{% raw %}` is text, never Liquid. Inside
    `{% comment %}` Liquid still parses block tags, so a block opened there must be closed there,
    while a stray end tag there is ignored, as Liquid does. Tags of plugins are not checked.

    ## Why is this bad?
    Jekyll stops the whole build at the first of these and names only that one; a tag inside a
    tag builds without a word and leaves a broken link and stray `%}` on the published page.

    ## Example
    ```liquid
    {% if page.pricing_table %}
    {% include pricing.html %}
    ```

    ## Use instead
    ```liquid
    {% if page.pricing_table %}
    {% include pricing.html %}
    {% endif %}
    ```

    ## Options
    """
    text = post.text
    open_blocks: list[LiquidTag] = []
    for tag in post.liquid.tags:
        if tag.kind != "tag":
            continue
        if "{%" in text[tag.start + 2:tag.end - 2] and not tag.in_comment:
            yield _nested_tag(post, tag)
        if tag.name in BLOCK_TAGS:
            open_blocks.append(tag)
        elif tag.name.startswith("end") and tag.name[3:] in BLOCK_TAGS:
            problem = _close(post, tag, open_blocks)
            if problem is not None:
                yield problem
    for tag in open_blocks:
        line, column = post.position(tag.start)
        yield Problem(line, column, f"{NEVER_CLOSED.format(name=tag.name)}: `jekyll build` stops with this Liquid "
                                    f"syntax error; close it with {{% end{tag.name} %}}",
                      fingerprint=f"never-closed {tag.name} {tag.markup}")


def _close(post, tag: LiquidTag, open_blocks: list[LiquidTag]) -> Problem | None:
    """Close the block `tag` ends; a Problem when it ends none or not the innermost one."""
    name = tag.name[3:]
    innermost = open_blocks[-1] if open_blocks else None
    if innermost is not None and innermost.name == name:
        open_blocks.pop()
        return None
    if innermost is not None and innermost.name == "comment":
        return None  # a comment ignores end tags it does not know, as Liquid's Comment does
    line, column = post.position(tag.start)
    if innermost is None:
        return Problem(line, column, f"Unknown tag '{tag.name}': no {{% {name} %}} is open here, and `jekyll build` "
                                     "stops with this Liquid syntax error; remove it or add the opening tag",
                       fingerprint=f"unknown {tag.name}")
    if any(block.name == name for block in open_blocks):
        # What Liquid reads as the end of the outer block: the blocks opened since stay unclosed.
        while open_blocks.pop().name != name:
            pass
    return Problem(line, column, f"'{tag.name}' is not a valid delimiter for {innermost.name} tags. use "
                                 f"end{innermost.name}: the {{% {innermost.name} %}} on {_where(post, innermost)} is "
                                 "still open, and `jekyll build` stops with this Liquid syntax error",
                   fingerprint=f"delimiter {tag.name} {innermost.name}")


def _nested_tag(post, tag: LiquidTag) -> Problem:
    text = post.text
    inner = text.find("{%", tag.start + 2)
    line_end = text.find("\n", tag.end)
    rest_of_line = text[tag.end:len(text) if line_end == -1 else line_end]
    printed = " and prints the '%}' that follows it on the page" if "%}" in rest_of_line else ""
    line, column = post.position(tag.start)
    return Problem(line, column,
                   f"'{_snippet(text[inner:tag.end])}' is inside the markup of this {{% {tag.name} %}}: Liquid ends a "
                   f"tag at its first '%}}', so Jekyll reads '{_snippet(tag.markup)}' as its markup{printed}; "
                   "a tag cannot hold another tag (use a variable: {% assign %} or {% capture %} first)",
                   fingerprint=f"nested {tag.name} {_snippet(tag.markup)}")


RULES = [liquid_syntax]
