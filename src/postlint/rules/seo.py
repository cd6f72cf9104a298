"""SEO rules: what search results show of a post (title, description) and how it is structured."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from postlint.finding import Problem
from postlint.options import Option
from postlint.registry import rule


@rule("SEO001", "title-length", severity="warning", options=[
    Option("max", "int", 60, "Most characters a title may have (runs of white space count as one; a full-width "
           "character, as in Chinese or Japanese, counts as two).", minimum=1),
])
def title_length(post, ctx) -> Iterator[Problem]:
    """The `title` is wider than search results show (about 60 characters, or 30 Chinese or Japanese ones).

    ## What it does
    Counts the characters of the front-matter `title` (runs of white space count as one) and
    reports a title longer than `max`. A full-width character (East Asian Wide or Fullwidth in
    Unicode: Chinese, Japanese and Korean characters, their punctuation, full-width forms such
    as `－`) counts as two, as it takes the room of two Latin letters; the message says so
    when a title holds one.

    ## Why is this bad?
    Search engines cut titles at about 60 characters (roughly 600 pixels), so the end of a long
    title, often the part that says what the post is about, is replaced by "...". The limit is
    one of width: a Chinese or Japanese character is about twice as wide as a Latin letter, so
    about 30 of them fit (Yoast SEO likewise measures the title's width in pixels). Sites whose
    layout appends the site name (`Title | Blog`) have even less room.

    ## Example
    ```yaml
    title: "Ramp time, quotas and coaching: everything a new sales manager needs to know in the first year"
    ```
    A Japanese title of 37 characters, as wide as 74 Latin ones:
    ```yaml
    title: "新任の営業マネージャーが一年目に知るべき立ち上げ期間とノルマと指導のすべて"
    ```

    ## Use instead
    ```yaml
    title: "What new sales managers need to know about ramp time"
    ```
    ```yaml
    title: "新任の営業マネージャーが知るべき立ち上げ期間"
    ```

    ## Options
    """
    title = post.text_value("title")
    if title is not None and (width := display_width(title)) > ctx.options.max:
        yield Problem(*post.field("title").position,
                      f"title is {_measured(title, width)}; search results show about {ctx.options.max}",
                      fingerprint=title)


def display_width(text: str) -> int:
    """How wide `text` shows in search results, in Latin characters: each East Asian Wide or
    Fullwidth character takes the room of two (a Chinese or Japanese character is about as wide
    as the font is high; a Latin letter, about half that)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(unicodedata.east_asian_width(character) in ("W", "F") for character in text)


def _measured(text: str, width: int) -> str:
    """A length as the messages say it: in characters, and as a width when full-width ones count double
    (with how many there are: a stray full-width dash in a Latin title is worth seeing)."""
    if width == len(text):
        return f"{width} characters"
    return f"{width} characters wide ({len(text)} characters, {width - len(text)} of them full-width, counted as two)"


@rule("SEO002", "description-length", severity="warning", options=[
    Option("min", "int", 50, "Fewest characters a description should have (runs of white space count as one; a "
           "full-width character, as in Chinese or Japanese, counts as two).", minimum=0),
    Option("max", "int", 160, "Most characters a description may have (runs of white space count as one; a "
           "full-width character, as in Chinese or Japanese, counts as two).", minimum=1),
])
def description_length(post, ctx) -> Iterator[Problem]:
    """A post has no `description`, or one too short to be useful (under 50 characters unless configured) or longer than search results show (about 160, or 80 Chinese or Japanese ones).

    ## What it does
    Counts the characters of the front-matter `description` as a page shows them (HTML tags
    left out, as jekyll-seo-tag does; runs of white space count as one) and reports one shorter
    than `min` or longer than `max`. As in `title-length`, a full-width character (Chinese,
    Japanese, Korean) counts as two: search results cut descriptions by width, and Yoast SEO's
    longest Japanese description is about half its longest English one (80 characters against
    156). A post (a file in `_posts`, not a page or a draft) whose front matter has no
    description is reported on its first line, one with an empty description at that key. A
    description that `defaults` in `_config.yml` gives the post, or an explicit `excerpt`
    (which jekyll-seo-tag uses when there is no description), counts as one, unless the post
    sets `description` to empty text (`description: ""`): Jekyll keeps that over the defaults,
    and jekyll-seo-tag over the excerpt, and the page gets the site's description. On a site that runs jekyll-seo-tag (its `plugins` name it, or a layout or
    include of the site uses its `{% seo %}` tag, as when a theme such as minima loads it), the
    message of a missing description says that the tag falls back to Jekyll's own excerpt: the
    first paragraph, the text before `excerpt_separator`, or the whole post when it holds no
    such separator.

    ## Why is this bad?
    The description is the snippet under the title in search results and link previews: cut
    after about 160 characters, and replaced by text the search engine picks when it is
    missing or too short to describe the page.

    ## Example
    ```yaml
    description: "Ramp time."
    ```
    A Japanese description of 19 characters, as wide as 38 Latin ones:
    ```yaml
    description: "営業の立ち上げ期間を縮める三つの習慣。"
    ```

    ## Use instead
    ```yaml
    description: "Benchmarks for sales ramp time by segment, and three habits that shorten it."
    ```
    ```yaml
    description: "セグメント別の営業立ち上げ期間のベンチマークと、それを短くする三つの習慣を紹介します。"
    ```

    ## Options
    """
    description = post.text_value("description")
    if description is None:
        if post.kind == "post" and post.front_matter.present and not post.front_matter.error \
                and not _described_elsewhere(post, ctx):  # a front matter that does not parse is FM001's
            field = post.field("description")
            what = "empty description" if field.present else "no description"
            yield Problem(*(field.position if field.present else (1, 1)),
                          f"{what}: {_what_pages_show(post, ctx)}; write one that says what the post offers",
                          fingerprint="missing")
        return
    description = shown_description(description)
    where = post.field("description").position
    width = display_width(description)
    if width > ctx.options.max:
        yield Problem(*where,
                      f"description is {_measured(description, width)}; search results show about {ctx.options.max}",
                      fingerprint="long")
    elif width < ctx.options.min:
        yield Problem(*where,
                      f"description is only {_measured(description, width)}; write at least {ctx.options.min} "
                      "that say what the post offers", fingerprint="short")


def shown_description(description: str) -> str:
    """A description as a page shows it: HTML tags left out (jekyll-seo-tag's strip_html: from
    each `<` to the next `>`), runs of white space as one space. A loop over str.find, where a
    regular expression would go over the rest of the text again from every `<` that no `>`
    follows: quadratic in a description a pull request fills with them."""
    if "<" not in description:
        return description
    shown, start = [], 0
    while (opening := description.find("<", start)) >= 0 and (closing := description.find(">", opening)) >= 0:
        shown.append(description[start:opening])
        start = closing + 1
    shown.append(description[start:])
    return " ".join("".join(shown).split())


def _what_pages_show(post, ctx) -> str:
    """What the page's meta description becomes without a description of its own: with
    jekyll-seo-tag, Jekyll's excerpt, unless the post's `description` is blank text (jekyll-seo-tag
    takes any text over the excerpt, and blank text gives the site's description instead)."""
    generic = "search engines and link previews then show text they pick from the page"
    if not ctx.site.runs_seo_tag:
        return generic
    if isinstance(post.data.get("description"), str):
        site_description = ctx.site.config.get("description")
        if isinstance(site_description, str) and site_description.strip():
            return "jekyll-seo-tag then gives the page the site's description from _config.yml"
        return generic
    excerpt = _excerpt_source(post, ctx)
    return f"jekyll-seo-tag then describes the page with Jekyll's excerpt ({excerpt})" if excerpt else generic


def _excerpt_source(post, ctx) -> str | None:
    """What Jekyll makes the post's excerpt of: the text before its `excerpt_separator` (the
    post's own, else _config.yml's; a blank line unless set), the whole post when it holds none
    (checked with `jekyll build`); None when an empty separator turns excerpts off."""
    separator = post.data.get("excerpt_separator", ctx.site.config.get("excerpt_separator", "\n\n"))
    if separator == "":
        return None
    if not isinstance(separator, str) or separator == "\n\n":
        return "the post's first paragraph"
    if separator in post.text[post.front_matter.body_offset:]:
        return f"the text before '{separator.strip()}'"
    return f"the whole post: it holds no '{separator.strip()}'"


def _described_elsewhere(post, ctx) -> bool:
    """Does the page get a description without a front-matter `description`: from `defaults`
    in _config.yml, or from an explicit `excerpt` (jekyll-seo-tag's fallback)? Not when the post
    sets `description` to blank text: Jekyll merges only a null over the defaults, and
    jekyll-seo-tag takes the excerpt only when the description is null or false (checked with
    `jekyll build`)."""
    own = post.data.get("description")
    if isinstance(own, str):
        return False
    defaults = ctx.site.defaults(post.rel, "posts")
    return post.text_value("excerpt") is not None or (own is None and bool(str(defaults.get("description") or "").strip()))


@rule("SEO003", "heading-structure", severity="warning", options=[
    Option("layout_renders_title", "bool", True,
           "Where the post's layout cannot be read (a theme's, or one that prints the title through an include): "
           "the layout prints the title as the page's H1, so any H1 in the body is reported. Set it to false when "
           "posts write their own H1 in the body; then only a second one is reported (unless the post has an "
           "`h1` key)."),
])
def heading_structure(post, ctx) -> Iterator[Problem]:
    """An H1 in the body when the layout renders the title (or the post has an `h1` key) or a second H1, or a heading level skipped (`##` straight to `####`).

    ## What it does
    Reports a `#` (or `===` underlined) H1 in the body when the layout already renders the
    title as the page's H1, and also when the post has an `h1` front-matter key for the layout
    to print. Without either, a second body H1 is reported. It also reports a heading more than
    one level deeper than the one before it; the layout's title counts as the first heading, so
    under an H1 title a post may start at `##`. Headings inside code are not headings.

    The title's level is read from the post's layout when the site holds it (its `layout`, or
    the one `defaults` gives it, in `_layouts/`, and the layouts each names in turn): the first
    `<h1>`...`<h6>` that holds `{{ page.title }}`. Jekyll's own news layout prints it as an
    `<h2>`, under which a post starts at `###`. Where the layout cannot be read (a theme's,
    or one that prints the title through an include), `layout_renders_title` says whether the
    title is an H1 (the default, as in Jekyll's own themes).

    ## Why is this bad?
    Two H1s blur what the page is about for search engines and screen readers; a skipped level
    breaks the outline that screen-reader users navigate by, and usually means a heading was
    picked for its size.

    ## Example
    ```markdown
    # Coaching that changes results

    ## Pick the calls

    #### Deals that moved
    ```

    ## Use instead
    ```markdown
    ## Pick the calls

    ### Deals that moved
    ```

    ## Options
    """
    if not post.is_markdown:
        return
    title_level = ctx.site.title_heading_level(post)
    renders_title = ctx.options.layout_renders_title if title_level is None else title_level == 1
    layout_h1 = renders_title or bool(post.data.get("h1"))
    previous = title_level or 1
    body_h1s = 0
    for heading in post.body.headings:
        if heading.level == 1:
            body_h1s += 1
            if layout_h1:
                yield Problem(heading.line, 1, f"H1 '{heading.text}' in the body: the layout already renders the title "
                                               "as the page's H1; use ## for sections", fingerprint=heading.text)
            elif body_h1s > 1:
                yield Problem(heading.line, 1, f"second H1 '{heading.text}': a page should have one H1",
                              fingerprint=heading.text)
        elif heading.level > previous + 1:
            skipped = [f"'{'#' * level}'" for level in range(previous + 1, heading.level)]
            named = f"{', '.join(skipped[:-1])} and {skipped[-1]} are" if len(skipped) > 1 else f"{skipped[0]} is"
            yield Problem(heading.line, 1, f"heading level {heading.level} after level {previous}: {named} skipped",
                          fingerprint=heading.text)
        previous = heading.level


@rule("SEO004", "readability", severity="info", enabled=False, options=[
    Option("min_reading_ease", "number", 30,
           "Lowest acceptable Flesch reading ease (0-100, higher is easier; 30 and below is \"very difficult\" on Flesch's scale).",
           minimum=0, maximum=100),
    Option("max_grade", "number", 14, "Highest acceptable Flesch-Kincaid grade level (a US school grade).", minimum=0),
    Option("min_words", "int", 100, "Posts with fewer words are not scored: short texts give meaningless scores.",
           minimum=1),
])
def readability(post, ctx) -> Iterator[Problem]:
    """The post is hard to read by Flesch reading ease or Flesch-Kincaid grade level (syllables from the bundled CMU dictionary, offline).

    ## What it does
    Scores the body's paragraphs and list items (not headings, tables, code or Liquid) with
    the Flesch formulas, as textstat defines them:
    reading ease = 206.835 - 1.015 × words per sentence - 84.6 × syllables per word;
    grade = 0.39 × words per sentence + 11.8 × syllables per word - 15.59.
    It reports a post whose reading ease is below `min_reading_ease` or whose grade is above
    `max_grade`. Sentences end at `.`, `!`, `?` or the end of a paragraph or list item.
    Syllables come from the CMU Pronouncing Dictionary (a table derived from it ships with
    postlint) and, for words it does not know, from pyphen's hyphenation patterns. Nothing is
    downloaded: textstat's own syllable counter fetches NLTK's copy of the dictionary from the
    internet on first use, which a linter in CI must never do, so postlint counts syllables
    itself and applies textstat's formulas. Only English posts are scored (the post's `lang`, a
    folder named after a language `_config.yml` declares, `_config.yml`'s `lang`).

    ## Why is this bad?
    Long sentences full of long words lose readers; a blog post written at a graduate-school
    grade level reaches fewer of them.

    ## Example
    A post whose every paragraph is one 45-word sentence of polysyllabic abstractions.

    ## Use instead
    Shorter sentences and plainer words.

    ## Options
    """
    from postlint.readability import (
        score,  # the dictionary loads only when this opt-in rule runs
    )

    if not ctx.site.is_english(post.data, post.rel):
        return  # the Flesch formulas and the CMU dictionary are English
    result = score(post)
    if result is None or result.words < ctx.options.min_words:
        return
    problems = []
    if result.reading_ease < ctx.options.min_reading_ease:
        problems.append(f"Flesch reading ease {result.reading_ease:.1f} (below {ctx.options.min_reading_ease:g})")
    if result.grade > ctx.options.max_grade:
        problems.append(f"grade level {result.grade:.1f} (above {ctx.options.max_grade:g})")
    if problems:
        yield Problem(post.body_line, 1,
                      f"hard to read: {' and '.join(problems)}; {result.words_per_sentence:.1f} words per sentence, "
                      f"{result.syllables_per_word:.2f} syllables per word over {result.words:,} words",
                      fingerprint="readability")


RULES = [title_length, description_length, heading_structure, readability]
