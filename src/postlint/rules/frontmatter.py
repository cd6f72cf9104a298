"""Front-matter rules (FM): the YAML block at the top of every post."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from postlint import patterns
from postlint.errors import SchemaError, UnsafePattern, YamlError
from postlint.finding import Edit, Fix, Problem
from postlint.jekyll.site import categories_jekyll_cannot_merge
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.parse.dates import judge_date, ruby_reads_date
from postlint.parse.frontmatter import load_yaml
from postlint.parse.post import POST_FILENAME
from postlint.registry import rule

POST_KINDS = ("post", "draft")


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


@rule("FM001", "front-matter-invalid", severity="error")
def front_matter_invalid(post, ctx) -> Iterator[Problem]:
    """Front matter that Jekyll cannot read (unparseable YAML, a top level that is not a mapping, `categories` that are not a list or text, no closing `---`, a duplicate key), or a post without any.

    ## What it does
    Reports YAML that does not parse (with the YAML error's own line and column), a top level
    that is a list or a string instead of a mapping, a post's `categories` written as a number,
    a date, `true`/`false` or a mapping (`categories: 2024`), an opening `---` with no closing
    line, a key written twice, and a post or draft with no front matter at all (including one
    whose `---` does not stand on the very first line).

    ## Why is this bad?
    Jekyll prints an error ("YAML Exception reading …", or for such `categories` "could not
    read file …: no implicit conversion of Integer into Array") but still exits 0 and publishes
    the post at a junk URL with none of its front matter (no title, permalink or layout beyond
    `_config.yml`'s `defaults`); a missing closing `---` renders the YAML as body text
    without any error; a duplicated key silently keeps only the last value. None of these show
    up in a build log anyone reads.

    ## Example
    ```markdown
    ---
    title: "Unclosed quote
    date: 2024-01-15
    ---
    ```

    ## Use instead
    ```markdown
    ---
    title: "Closed quote"
    date: 2024-01-15
    ---
    ```

    ## Options
    """
    fm = post.front_matter
    if fm.error:
        yield Problem(fm.error_line, fm.error_column, fm.error, fingerprint=fm.error)
        return
    if fm.present:
        for key, line, first_line in fm.duplicate_keys:
            yield Problem(line, 1, f"key '{key}' is also written on line {first_line}; Jekyll keeps only the last value",
                          fingerprint=key)
        ruby_class = categories_jekyll_cannot_merge(post.data) if post.kind in POST_KINDS else None
        if ruby_class is not None:
            field = post.field("categories")
            yield Problem(field.line, field.column,
                          f"Jekyll cannot read this front matter: 'categories' is {_describe(field.value)} (\"no implicit "
                          f"conversion of {ruby_class} into Array\"), so it publishes the post at a junk URL without its "
                          "layout, title or permalink; write a list of text or one text", fingerprint="categories")
        return
    if post.kind in POST_KINDS:
        stripped = post.text.lstrip()
        if stripped.startswith("---") and stripped is not post.text:
            line = post.position(len(post.text) - len(stripped))[0]
            yield Problem(line, 1, "front matter must start on the first line; with anything before its '---' "
                                   "Jekyll treats the YAML as body text", fingerprint="late")
        else:
            yield Problem(1, 1, "post has no front matter ('---' on the first line); Jekyll renders it without "
                                "a layout or title", fingerprint="missing")


@rule("FM002", "front-matter-required", severity="error",
      options=[Option("keys", "list[str]", ["title", "date"],
                      "Keys every post and draft must have, each with a non-empty value (not blank, `null` or an empty list)."),
               Option("filename_date", "bool", True,
                      "Jekyll takes a post's date from its file name (`2024-01-15-slug.md`), so a post with a valid "
                      "file-name date needs no `date` key, and neither does a draft (it gets its date when it moves "
                      "into `_posts`). Set it to false to require the key in front matter as well.")])
def front_matter_required(post, ctx) -> Iterator[Problem]:
    """A post is missing a front-matter key the site requires (`title` and `date` unless configured; a file-name date counts as `date`), or leaves it empty.

    ## What it does
    Checks that each key listed in `keys` is present in every post and draft and has a
    non-empty value (not blank, not `null`, not an empty list).

    ## Why is this bad?
    Layouts and SEO tags read these keys: a post without `description` gets no meta
    description, one without `alt` an image nobody can describe. Jekyll never complains.

    ## Example
    ```yaml
    ---
    title: Quarterly report
    description:
    ---
    ```

    ## Use instead
    ```yaml
    ---
    title: Quarterly report
    description: What changed this quarter and what comes next.
    ---
    ```

    ## Options
    """
    fm = post.front_matter
    if post.kind not in POST_KINDS or not fm.present or fm.error:
        return
    for key in ctx.options.keys:
        if key == "date" and ctx.options.filename_date and not post.field(key).present \
                and (post.kind == "draft" or post.filename_date is not None):
            continue  # Jekyll dates a post from its file name, a draft from when it is published
        if key not in post.data:
            yield Problem(1, 1, f"missing required front-matter key '{key}'", fingerprint=key)
        elif _is_empty(post.data[key]):
            field = post.field(key)
            yield Problem(field.line, field.column, f"front-matter key '{key}' is empty", fingerprint=key)


@lru_cache(maxsize=64)
def _user_pattern(pattern: str):
    return patterns.compile_pattern(pattern)


def _schema_problems(post, site, schema_path: Path) -> Iterator[Problem]:
    import jsonschema  # only sites with a schema pay for importing it
    from referencing import Registry

    def refuse(uri: str):
        raise SchemaError(f"front-matter schema refers to '{uri}': postlint never fetches anything")

    schema = site.json_schema(str(schema_path))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker(),
                                                registry=Registry(retrieve=refuse))
    data = json.loads(json.dumps(post.data, default=str))
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        key = str(error.absolute_path[0]) if error.absolute_path else ""
        location = ".".join(str(p) for p in error.absolute_path) or "front matter"
        yield Problem(post.field(key).line, 1, f"{location}: {error.message}", fingerprint=location)


@rule("FM003", "front-matter-schema", severity="error", options=[
    Option("patterns", "dict[str, str]", {"time_read": r"\d+ min"},
           "Front-matter keys mapped to a regular expression their value (as text) must match in full."),
    Option("list_keys", "list[str]", ["categories", "tags"], "Keys that must be a list of strings or one string."),
    Option("string_keys", "list[str]", ["title", "description", "excerpt", "permalink", "layout", "author", "h1", "alt"],
           "Keys that must be text, not a number, list or mapping."),
    Option("schema", "str|null", None,
           "A JSON Schema file (draft 2020-12), relative to `.postlint.yaml`, that the whole front matter must satisfy."),
])
def front_matter_schema(post, ctx) -> Iterator[Problem]:
    """A front-matter value has the wrong type or format: a date that stops the build, a wrong value type, a `time_read`-style format, or a JSON Schema violation.

    ## What it does
    Checks that `date` is a date Jekyll can read, that list keys (`categories`, `tags`) are
    lists of strings or one string, that text keys (`title`, `description`, ...) are text (and
    a post's `slug`, which Jekyll crashes on otherwise), that `permalink` is not empty (a page's
    stops the build, a post's replaces the home page), that `published` is true or false, that values listed in `patterns` match their pattern
    (by default `time_read` must read like `5 min`), and, when `schema` names a JSON Schema
    file, that the whole front matter satisfies it.

    ## Why is this bad?
    `date: not-a-date` or a month of 31 stops `jekyll build`; `tags: 2023` is dropped without
    a word, and `title: [a, b]` renders nonsense in layouts and feeds; `time_read: five` breaks
    the template that prints it. (`categories: 2023` is worse: Jekyll cannot read the post at
    all, which `front-matter-invalid` reports.)

    ## Example
    ```yaml
    date: 2024-31-01
    tags: 2024
    time_read: five minutes
    ```

    ## Use instead
    ```yaml
    date: 2024-01-31
    tags: [Reports]
    time_read: 5 min
    ```

    ## Options
    """
    fm = post.front_matter
    if not fm.present or fm.error:
        return
    data = post.data

    def at(key: str) -> tuple[int, int]:
        field = post.field(key)
        return field.line, field.column

    if "date" in data and data["date"] is not None:
        judged = judge_date(data["date"])
        if judged.date is None:
            yield Problem(*at("date"), f"date {judged.problem}: `jekyll build` stops on this post", fingerprint="date")
    for key in ctx.options.list_keys:
        value = data.get(key)
        if value is None or isinstance(value, str):
            continue
        if key == "categories" and post.kind in POST_KINDS and categories_jekyll_cannot_merge(data) is not None:
            continue  # front-matter-invalid reports it: Jekyll cannot read the post at all
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            yield Problem(*at(key), f"'{key}' must be a list of strings or one string, not {_describe(value)}", fingerprint=key)
    for key in ctx.options.string_keys:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            yield Problem(*at(key), f"'{key}' must be text, not {_describe(value)}", fingerprint=key)
    slug = data.get("slug")
    if post.kind in POST_KINDS and slug is not None and slug is not False and not isinstance(slug, str):
        yield Problem(*at("slug"), f"'slug' must be text, not {_describe(slug)}: `jekyll build` crashes on it "
                      "(undefined method `gsub')", fingerprint="slug")
    if isinstance(data.get("permalink"), str) and not data["permalink"].strip():
        consequence = ("publishes the post at the site's root, in place of its home page" if post.kind in POST_KINDS
                       else "stops `jekyll build` (Invalid permalink)")
        yield Problem(*at("permalink"), f"an empty permalink {consequence}; remove the key or write an address",
                      fingerprint="permalink-empty")
    if "published" in data and not isinstance(data["published"], bool):
        yield Problem(*at("published"), f"'published' must be true or false, not {_describe(data['published'])}",
                      fingerprint="published")
    for key, pattern in ctx.options.patterns.items():
        value = data.get(key)
        if value is None:
            continue
        # A pattern from the user's config: shape-checked (a refused one is a configuration error,
        # exit 2) and matched under the same time budget as YAML rules (a timeout is PL001).
        try:
            compiled = _user_pattern(pattern)
        except UnsafePattern as exc:
            raise UnsafePattern(f"rules.front-matter-schema.patterns.{key}: {exc}") from None
        if not compiled.fullmatch(str(value).strip(), timeout=patterns.MATCH_SECONDS):
            yield Problem(*at(key), f"'{key}' is '{value}', which does not match the expected format /{pattern}/",
                          fingerprint=key)
    if ctx.options.schema:
        base = ctx.config.path.parent if ctx.config.path else ctx.site.root
        yield from _schema_problems(post, ctx.site, base / ctx.options.schema)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list" if all(isinstance(v, str) for v in value) else "a list with non-text items"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"the text '{value}'"
    return f"a {type(value).__name__} ({value})"


@rule("FM004", "front-matter-date", severity="warning")
def front_matter_date(post, ctx) -> Iterator[Problem]:
    """The front-matter date disagrees with the file name, or is written loosely (a format Jekyll guesses at, an impossible day it rolls over).

    ## What it does
    Compares the day Jekyll publishes the post on with the date in the post's file name, and
    reports dates Jekyll accepts only by guessing: impossible days it rolls over
    (`2023-02-30` becomes March 2), a one-digit month or day (`2023-3-5`), trailing text it
    ignores, and formats such as `27/07/2021` or `July 27, 2021`. The day published is the
    front-matter date's, moved into `_config.yml`'s `timezone` when it has a time: Jekyll
    publishes `2016-08-25 09:50:00 +0300` on August 24 in `America/Los_Angeles`.

    ## Why is this bad?
    The front-matter date silently wins: the post's URL, its place in the archive and its feed
    date all move, while the file name (what `post_url` uses) still says the old day.

    ## Example
    File `_posts/2024-03-01-launch.md` with `date: 2024-02-28`.

    ## Use instead
    Make them agree: rename the file or correct the date. Write dates as `YYYY-MM-DD`
    (optionally with a time and offset).

    ## Options
    """
    fm = post.front_matter
    if post.kind != "post" or not fm.present or fm.error or post.data.get("date") is None:
        return
    judged = judge_date(post.data["date"])
    if judged.date is None:
        return  # front-matter-schema reports dates that stop the build
    info = post.field("date")
    if judged.problem:
        yield Problem(info.line, info.column, f"date {judged.problem}; write YYYY-MM-DD", fingerprint="format")
    file_date = post.filename_date
    published = ctx.site.publication_days(post.data["date"])[0]
    if file_date is None or file_date == published:
        return
    if published == judged.date:
        message = (f"front-matter date {judged.date.isoformat()} differs from the file name's {file_date.isoformat()}; "
                   "Jekyll publishes on the front-matter date")
    else:
        start, end = info.value_span
        written = post.text[start:end].strip("'\"")
        message = (f"front-matter date '{written}' is {published.isoformat()} in the site's timezone "
                   f"({ctx.site.config.get('timezone')}), not the file name's {file_date.isoformat()}; Jekyll publishes "
                   f"on {published.isoformat()}")
    yield Problem(info.line, info.column, message, fingerprint=f"{published}/{file_date}")


@rule("FM005", "post-filename", severity="error")
def post_filename(post, ctx) -> Iterator[Problem]:
    """A file in `_posts` whose name Jekyll cannot read as `YYYY-MM-DD-slug.ext`: no date (the post is silently skipped) or an impossible one (the build stops).

    ## What it does
    Reports files in a `_posts` folder whose name has no date (Jekyll silently skips them: the
    post is never published) or whose date Ruby cannot read, a month out of 1–12 or a day out
    of 1–31 (`2023-13-45-x.md` stops the build), when the post has no `date` of its own (in its
    front matter or `defaults`), which Jekyll would use instead. Checked with `jekyll build`:
    Ruby rolls a day past the month's end over (`2023-02-30` is published on March 2) and
    completes a two-digit year (`20-01-05` is 2020), so those names are not reported.

    ## Why is this bad?
    A skipped post gives no error at all; an impossible date fails the whole site.

    ## Example
    `_posts/launch-announcement.md`, `_posts/2024-13-01-launch.md`

    ## Use instead
    `_posts/2024-01-13-launch-announcement.md`

    ## Options
    """
    if post.kind != "post":
        return
    name = post.path.name
    match = POST_FILENAME.match(name)
    if match is None:
        yield Problem(1, 1, f"file name '{name}' has no YYYY-MM-DD- date: Jekyll silently skips this post",
                      fingerprint=name)
    elif not ruby_reads_date(match.group(1)) and not _dated_otherwise(post, ctx.site):
        yield Problem(1, 1, f"file name '{name}' has an impossible date: `jekyll build` stops with \"Invalid date\"",
                      fingerprint=name)


def _dated_otherwise(post, site) -> bool:
    """Does Jekyll not read the date of the post's file name: the post has a `date` of its own
    (front matter or `defaults`), or Jekyll cannot read its front matter and dates it at the
    build's time?"""
    return site.jekyll_fails_reading(post.rel) or site.document_data(post.rel, "posts").get("date") is not None


# Typographic quotes an editor or word processor puts where the author typed a straight one, each
# opener with the closers languages pair it with (English “…” and ‘…’, German „…“ and »…«,
# Polish „…”, French «…», Swedish ”…”, Swiss ‹…›). CJK corner brackets are left alone: wrapping a
# title in 「…」 is a typographic choice, not a YAML quote gone wrong.
TYPOGRAPHIC_QUOTES = {"“": "”", "„": "“”", "«": "»", "»": "«", "‘": "’", "‚": "‘’", "‹": "›", "›": "‹", "”": "”"}
_APOSTROPHE = lazy_compile(r"(?<=\w)’(?=\w)")  # don’t: an apostrophe inside a word, not a closing quote


def _wrapping_quotes(value: str) -> tuple[str, str] | None:
    """The opening and closing quote when typographic quotes wrap the whole of `value` (one quoted
    text, not "“A” or “B”"); None otherwise."""
    text = value.strip()
    closers = TYPOGRAPHIC_QUOTES.get(text[:1], "")
    if len(text) < 3 or text[-1] not in closers or not text[1:-1].strip():
        return None
    inner = _APOSTROPHE.sub("", text[1:-1])
    if any(char in inner for char in {text[0], *closers}):
        return None
    return text[0], text[-1]


# French spacing inside guillemets (« Les ventes », often a no-break space) goes with the quotes.
_QUOTE_SPACING = " \u00a0\u202f"


def _plain_quotes(post, key: str) -> Fix | None:
    """Replace the two typographic quotes (with any spacing inside them) by YAML quotes, the only
    bytes that change, when the result reads back as exactly the text between them."""
    start, end = post.field(key).value_span
    raw = post.text[start:end]
    inner_start = len(raw) - len(raw[1:].lstrip(_QUOTE_SPACING))
    inner_end = len(raw[:-1].rstrip(_QUOTE_SPACING))
    inner = post.data[key].strip()[1:-1].strip(_QUOTE_SPACING)
    if '"' not in inner and "\\" not in inner:
        quote = '"'
    elif "'" not in inner:
        quote = "'"
    else:
        return None  # would need escapes: not a minimal edit
    try:  # a value over several lines folds the same way quoted; checked, not assumed
        if load_yaml(f"value: {quote}{raw[inner_start:inner_end]}{quote}", "front matter") != {"value": inner}:
            return None
    except YamlError:
        return None
    return Fix(f"write {key} in plain YAML quotes",
               (Edit(start, start + inner_start, quote), Edit(start + inner_end, end, quote)))


@rule("FM006", "front-matter-quotes", severity="warning", fixable=True, options=[
    Option("ignore_keys", "list[str]", [],
           "Keys whose values are quotations meant to be shown with their quotes (a `testimonial`, say)."),
])
def front_matter_quotes(post, ctx) -> Iterator[Problem]:
    """A front-matter value wrapped in typographic quotes (`description: “Save time…”`) instead of YAML quotes: the quotes become part of the text; `--fix` makes them plain.

    ## What it does
    Reports a top-level front-matter value written without YAML quotes whose whole text is
    wrapped in typographic quotes: `“…”`, `‘…’`, `„…“`, `„…”`, `«…»`, `»…«`, `‹…›`, `”…”`.
    A value that only starts or ends with a quoted phrase (`“Pipeline” is a verb now`), or
    holds two of them (`“Leads” or “deals”`), is fine, and so is one that already sits in
    YAML quotes (`excerpt: "“We closed in a week,” she said."`): the author clearly wants
    those quotes shown. `--fix` replaces the two typographic quotes with `"` (or `'` when
    the text holds a `"`) and changes no other byte, and only when the value then reads back
    as exactly the text that was between them.

    ## Why is this bad?
    YAML quotes a value only with straight `"` or `'`; typographic ones are ordinary
    characters, so the title, the meta description, the social card and the search snippet
    all show them. They usually arrive when the front matter was written in an editor that
    "smartens" quotes.

    ## Example
    ```yaml
    description: “Five ways to shorten your sales cycle without discounting.”
    ```

    ## Use instead
    ```yaml
    description: "Five ways to shorten your sales cycle without discounting."
    ```

    ## Options
    """
    fm = post.front_matter
    if not fm.present or fm.error:
        return
    ignored = set(ctx.options.ignore_keys)
    for key, value in post.data.items():
        if not isinstance(key, str) or key in ignored or not isinstance(value, str):
            continue
        field = post.field(key)
        span = field.value_span
        quotes = _wrapping_quotes(value)
        if span is None or quotes is None or post.text[span[0]:span[0] + 1] != quotes[0] \
                or post.text[span[1] - 1:span[1]] != quotes[1]:
            continue  # in YAML quotes, a block scalar, or not wrapped as written
        yield Problem(*field.value_position,
                      f"'{key}' is wrapped in typographic quotes ({quotes[0]}…{quotes[1]}): YAML keeps them as part of "
                      "the value, so the page and search snippets show them; use straight YAML quotes (\"…\") "
                      f"instead, or, if they are meant to show, wrap the whole value in YAML quotes ('{quotes[0]}…{quotes[1]}')", fix=_plain_quotes(post, key),
                      fingerprint=key)


RULES = [front_matter_invalid, front_matter_required, front_matter_schema, front_matter_date, post_filename,
         front_matter_quotes]
