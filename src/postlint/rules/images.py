"""Image rules (IMG): alt text, images that exist, and responsive variants at the right widths.

Rules never open files: existence comes from Site.files and pixel widths from Site.image_size,
which reads only each image's header, once.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from postlint.finding import Problem
from postlint.jekyll.links import SCHEME, missing_image, site_path
from postlint.lazy_patterns import lazy_compile
from postlint.options import Option
from postlint.registry import rule

IMAGE_FILE = lazy_compile(r"^[^\s/\\]+\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?|heic|ico)$", re.I)
# Names cameras and screenshot tools give files: "IMG_0042", "DSC-1234", "PXL_20240115_101010",
# "Screenshot 2024-01-15 at 10.32.11". Matched whole, so "Image 3 of the dashboard" is not one.
CAMERA_NAME = lazy_compile(r"^(?:(?:img|dsc|dscn|dscf|pxl|mvimg|image|photo)[\s_-]*\d[\d_-]{2,}"
                            r"|screen ?shot[\s_-]*\d{4}-\d{2}-\d{2}(?: at [\d.]+(?: [ap]m)?)?)(?:\.\w{3,4})?$", re.I)
DEFAULT_PLACEHOLDERS = ["image", "img", "photo", "picture", "pic", "alt", "alt text", "screenshot", "placeholder",
                        "untitled", "todo", "tbd"]


def _variant_keys(ctx) -> list[str]:
    """The keys `image-variants` is configured with (they name front-matter images too)."""
    for key in ("image-variants", "IMG003"):
        setting = ctx.config.rules.get(key)
        if isinstance(setting, dict) and isinstance(setting.get("variants"), dict):
            return [str(k) for k in setting["variants"]]
    return []


# A front-matter key named for alt text: `image_alt`, `alt-text`, `heroAlt`.
_ALT_LIKE_KEY = lazy_compile(r"(?:^|[_\-])(?:alt|Alt|ALT)(?:$|[_\-])|[Aa]lt_?[Tt]ext|[a-z]Alt(?:$|[A-Z])")
_IMAGE_EXTENSION = r"\.(?:png|jpe?g|gif|webp|avif|svg|bmp|tiff?|heic|ico)"
# A path to an image written as the alt text: `img/installing-gdb/gdb_host_target.drawio.svg`.
IMAGE_PATH = lazy_compile(rf"^[^\s]*[/\\][^\s]*{_IMAGE_EXTENSION}$", re.I)
# The image file a source names, Liquid around it or not (`{% img_url charts/funnel.png %}`).
_SOURCE_FILE = lazy_compile(rf"[^\s/\\'\"{{}}%|()]+{_IMAGE_EXTENSION}", re.I)


def file_stems(src: str) -> set[str]:
    """The names the image's file goes by without its extension: `gdb_host.drawio.svg` is both
    `gdb_host.drawio` and `gdb_host`."""
    found = _SOURCE_FILE.findall(unquote(src.split("?")[0].split("#")[0]))
    if not found:
        return set()
    name = found[-1]
    return {posixpath.splitext(name)[0], name.split(".", 1)[0]} - {""}


def alt_problem(alt: str, src: str, placeholders: list[str]) -> str | None:
    """Why `alt` does not describe the image (None: it is meaningful as far as a linter can tell)."""
    text = alt.strip()
    if not text:
        return "empty alt text"
    if IMAGE_PATH.match(text):
        return f"alt text '{text}' is a file path"
    if IMAGE_FILE.match(text) or CAMERA_NAME.match(text):
        return f"alt text '{text}' is a file name"
    if " " not in text and re.search(r"[-_.\d]", text) and text.lower() in {stem.lower() for stem in file_stems(src)}:
        return f"alt text '{text}' repeats the file name"
    if text.lower().strip(" .:!-") in {p.lower() for p in placeholders}:
        return f"alt text '{text}' is a placeholder, not a description"
    return None


def _nested_alt_line(post, key: str) -> int:
    """The line of `alt:` inside the front-matter mapping `key` (the key's line when not found)."""
    fm = post.front_matter
    start = post.field(key).line
    for line in range(start + 1, fm.end_line):
        text = post.source.line_text(line)
        if text and not text[0].isspace():
            break
        if re.match(r"\s+alt\s*:", text):
            return line
    return start


def is_decorative(attrs: dict[str, str], marker: str) -> bool:
    """Explicitly decorative: role="presentation"/"none", aria-hidden="true", or the marker class."""
    lowered = {k.lower(): str(v).strip().lower() for k, v in attrs.items()}
    return (lowered.get("role") in ("presentation", "none") or lowered.get("aria-hidden") == "true"
            or (bool(marker) and marker.lower() in lowered.get("class", "").split()))


@rule("IMG001", "image-alt", severity="error", options=[
    Option("alt_key", "str", "alt", "Front-matter key holding the alt text of the post's front-matter image "
           "(18F's is `image_alt`; `postlint init` writes the key most of the site's posts set next to their image)."),
    Option("shown_key", "str", "hero",
           "Front-matter key that, set to `false`, says the layout does not show the post's front-matter image "
           "(18F's `hero: false`), so it needs no alt text. Empty: every front-matter image is shown."),
    Option("image_keys", "list[str]", ["image"], "Front-matter keys that name the post's image (image-variants keys count too)."),
    Option("placeholders", "list[str]", DEFAULT_PLACEHOLDERS, "Alt texts that describe nothing (compared without case)."),
    Option("decorative_class", "str", "decorative", "A class that marks an image as decorative, so its alt text may be empty."),
])
def image_alt(post, ctx) -> Iterator[Problem]:
    """An image (in the body or front matter) has no meaningful alt text: missing, empty, a file name or a placeholder word; images marked decorative are fine.

    ## What it does
    Checks the alt text of every image in the body (`![alt](src)`, reference images, `<img>`)
    and, when the front matter names an image (a key of `image_keys`, or of
    `image-variants`' `variants`), the front-matter alt text (`alt_key`, or `alt` inside an
    `image:` mapping as jekyll-seo-tag writes it). Alt text must be present, not empty or
    whitespace, not a file name or path (`IMG_0042.jpg`, `DSC-1234`,
    `img/installing-gdb/gdb_host_target.drawio.svg`, the image's own file name with or without
    its extensions: `gdb_host` for `gdb_host.drawio.svg`) and not a placeholder word from
    `placeholders`. Alt text that comes from Liquid is not judged.

    Front-matter images follow the site's own convention: `alt_key` names the key the layout
    reads (`postlint init` writes the one most posts set next to their image), and a post whose
    `shown_key` is `false` (18F's `hero: false`) does not show its image, so it needs no alt
    text. A message never names a key no post of the site uses: when no post sets `alt_key`,
    it asks for the option to be set instead, naming the key of the post that looks like alt
    text (`image_alt`, `alt-text`, `heroAlt`) when it has one.

    A decorative image is fine when it says so explicitly: `role="presentation"` or
    `role="none"`, `aria-hidden="true"`, or the `decorative_class` class, in HTML or in a
    kramdown attribute list (`![](divider.png){: .decorative}`).

    Where this differs from markdownlint's MD045 on purpose: `![](x)` (empty alt in Markdown)
    is a finding here, because an author who leaves the brackets empty has usually forgotten
    the description, not decided the image is decorative; `<img alt="">` without a decorative
    marker is a finding for the same reason; and file names and placeholder words count as
    missing alt text.

    ## Why is this bad?
    Screen readers read the alt text instead of the image; search engines and social previews
    use it. A missing alt makes screen readers spell out the file name, and "image" tells the
    reader nothing.

    ## Example
    ```markdown
    ![IMG_0042.jpg](/assets/images/blog/pipeline.webp)
    ```

    ## Use instead
    Describe what the image shows, as you would to a reader on the phone:
    ```markdown
    ![Pipeline board with deals grouped by stage](/assets/images/blog/pipeline.webp)
    ```

    An image that only decorates (a divider, a background flourish) says so, and keeps its alt
    text empty:
    ```markdown
    ![](/assets/images/blog/divider.png){: .decorative}
    <img src="/assets/images/blog/divider.png" alt="" role="presentation">
    ```

    ## Options
    """
    options = ctx.options
    data = post.data if isinstance(post.data, dict) else {}
    yield from _front_matter_alt(post, ctx, data)
    for image in post.body.images:
        if is_decorative(image.attrs, options.decorative_class):
            continue
        line, column = post.position(image.start)
        if image.alt is None:
            yield Problem(line, column, f"image '{image.src}' has no alt attribute", fingerprint=f"alt {image.src}")
            continue
        if "{{" in image.alt or "{%" in image.alt:
            continue
        if image.kind == "markdown" and post.liquid_between(image.start, image.src_start):
            continue  # the alt text comes from Liquid: its value is not known here
        found = alt_problem(image.alt, image.src, options.placeholders)
        if found is not None:
            yield Problem(line, column, f"image '{image.src}': {found}", fingerprint=f"alt {image.src}")


def _keys_set_by_posts(site) -> frozenset[str]:
    """Every front-matter key some post or draft of the site sets to a value."""
    def keys_set(rel: str) -> list[str]:
        data = site.front_matter(rel).data
        if not isinstance(data, dict):
            return []
        return sorted({str(key) for key, value in data.items() if value not in (None, "", [], {})})

    def build() -> frozenset[str]:
        keys: set[str] = set()
        for _, set_there in site.facts_of("front-matter-keys-set", sorted(site.posts), keys_set):
            keys.update(set_there)
        return frozenset(keys)

    return site.index("front-matter-keys-set", build)


def _front_matter_alt(post, ctx, data: dict) -> Iterator[Problem]:
    """The alt text of the image the front matter names (see image_alt's docs)."""
    options = ctx.options
    image_keys = [k for k in [*options.image_keys, *_variant_keys(ctx)] if data.get(k) not in (None, "", [], {})]
    if not image_keys or (options.shown_key and data.get(options.shown_key) is False):
        return  # no front-matter image, or one the layout does not show
    first = image_keys[0]
    value: Any = data[first]
    nested = isinstance(value, dict) and "alt" in value
    if nested:
        alt, where = value.get("alt"), first
    else:
        alt, where = data.get(options.alt_key), options.alt_key if post.field(options.alt_key).present else first
    src = value.get("path", "") if isinstance(value, dict) else str(value)
    if alt is None or not isinstance(alt, (str, int, float)):
        if isinstance(value, dict):
            problem = f"front-matter image '{first}' has no alt text (add `alt:` inside '{first}')"
        elif options.alt_key in _keys_set_by_posts(ctx.site):
            problem = f"front-matter image '{first}' has no alt text (set '{options.alt_key}', as other posts do)"
        else:  # name no key the site does not use: the layout may read another one
            problem = (f"front-matter image '{first}' has no alt text, and no post of this site sets "
                       "image-alt's `alt_key`")
            named = sorted(key for key in data if _ALT_LIKE_KEY.search(key) and data[key] not in (None, "", [], {}))
            problem += (f"; this post sets '{named[0]}': if your layout reads it, set `alt_key: {named[0]}`"
                        if named else "; set it to the key your layout reads (`postlint init` infers it)")
    else:
        found = alt_problem(str(alt), str(src), options.placeholders)
        problem = f"front-matter '{where}': {found}" if found else None
    if problem:
        yield Problem(_nested_alt_line(post, where) if nested else post.field(where).line,
                      1, problem, fingerprint=f"front-matter {where}")


@rule("IMG002", "image-missing", severity="error")
def image_missing(post, ctx) -> Iterator[Problem]:
    """An image in the body points to a local file that does not exist (`baseurl`, `relative_url` and relative paths resolved).

    ## What it does
    Resolves every local image source in the body (`![alt](src)`, `<img src>`) against the
    site's files: root-relative paths after removing `baseurl`, `{{ site.baseurl }}/...`,
    `{{ 'path' | relative_url }}` and `absolute_url` with a literal path, and relative paths
    (from the post's folder, the site root, or the post's URL). External images and sources
    built from other Liquid are not judged.

    ## Why is this bad?
    A missing image renders as a broken icon with its alt text; Jekyll builds without a word.

    ## Example
    ```markdown
    ![Pipeline board](/assets/images/blog/pipline.webp)
    ```

    ## Use instead
    ```markdown
    ![Pipeline board](/assets/images/blog/pipeline.webp)
    ```

    ## Options
    """
    site = ctx.site
    page_url = functools.cache(lambda: site.published_url(post.rel) if post.rel in site.files else None)
    for image in post.body.images:
        problem = missing_image(post.rel, image.src, site, page_url)
        if problem is not None:
            line, column = post.position(image.src_start)
            yield Problem(line, column, problem, fingerprint=image.src)


@rule("IMG003", "image-variants", severity="error", options=[
    Option("variants", "dict[str, int|null]", {},
           "Front-matter image keys a post must set together, each with its file's width in pixels (null: any width), "
           "e.g. `{webps: 376, webpm: 564, webpb: 744, webp: null, jpg: null}`; the files are in `site.images_dir` "
           "of `.postlint.yaml`. Empty: the rule does nothing.", minimum=1),
])
def image_variants(post, ctx) -> Iterator[Problem]:
    """A post's configured responsive image variants are incomplete, their files missing, or a file's real pixel width (read from its header) not the configured one.

    ## What it does
    With `variants` configured, a post that sets any of the listed front-matter keys must set
    all of them; each value names a file in `site.images_dir` (or a root-relative path), which
    must exist; where a width is given, the file's real pixel width must equal it. Only the
    image header is read (Pillow), never the pixels. The message names the key, the file and
    what was found.

    ## Why is this bad?
    Layouts that build `srcset` from these keys break silently: a missing key gives an empty
    candidate, a missing file a 404, and a file at the wrong width makes the browser download
    the wrong size or show a blurry image.

    ## Example
    ```yaml
    webps: pipeline-376.webp   # the file is 400 px wide
    webpm: pipeline-564.webp
    # webpb is missing
    ```

    ## Use instead
    ```yaml
    webps: pipeline-376.webp   # 376 px wide
    webpm: pipeline-564.webp
    webpb: pipeline-744.webp
    ```

    ## Options
    """
    variants: dict[str, int | None] = ctx.options.variants or {}
    data = post.data if isinstance(post.data, dict) else {}
    present = [key for key in variants if key in data]
    if not present:
        return
    site = ctx.site
    images_dir = str(ctx.config.site.get("images_dir") or "").strip("/")
    missing = [key for key in variants if key not in data]
    if missing:
        yield Problem(post.field(present[0]).line, 1,
                      f"image variant key{'s' if len(missing) > 1 else ''} {', '.join(repr(k) for k in missing)} missing "
                      f"(this post sets {', '.join(present)}; every post with one variant needs all of them)",
                      fingerprint="variants " + ",".join(missing))
    for key in present:
        value = data[key]
        line, column = post.field(key).value_position if post.field(key).present else (1, 1)
        if not isinstance(value, str) or not value.strip():
            got = "it is empty" if value is None or isinstance(value, str) else f"got {value!r}"
            yield Problem(line, column, f"image variant '{key}' names no file ({got})", fingerprint=f"{key}")
            continue
        name = value.strip()
        if SCHEME.match(name) or name.startswith("//"):
            continue
        if name.startswith("/"):
            path = site_path(name, site)
            rel = unquote(path).lstrip("/") if path else name.lstrip("/")
        else:
            rel = posixpath.normpath(posixpath.join(images_dir, unquote(name)))
        if rel not in site.files:
            yield Problem(line, column, f"image variant '{key}': file '{rel}' does not exist", fingerprint=f"{key} {name}")
            continue
        width = variants[key]
        if width is None:
            continue
        size = site.image_size(rel)
        if isinstance(size, str):
            yield Problem(line, column, f"image variant '{key}': '{rel}' {size}", fingerprint=f"{key} {name}")
        elif size[0] != width:
            yield Problem(line, column, f"image variant '{key}': '{rel}' is {size[0]} px wide, expected {width}",
                          fingerprint=f"{key} {name}")


RULES = [image_alt, image_missing, image_variants]
