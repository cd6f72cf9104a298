"""`postlint init`: a starting .postlint.yaml inferred from the site's own posts.

What it infers, from published posts whose front matter parses:
- required keys: keys with a non-empty value in at least 90% of posts (near misses are listed
  in the summary, not required);
- the images folder and image variant keys: keys whose values are image file names found in a
  folder of the site and that posts with images set together, with each key's pixel width when
  every file of that key has the same width (read from the image header with Pillow), else null;
- the read-time key and its format: the key whose values read like `5 min`, and the pattern most
  of them follow (`\\d+ min`, `\\d+ min read`, ...);
- the front-matter image and its alt-text key: the key whose values are image file names (most
  set first) and, among keys named like `alt` (`alt`, `image_alt`, `heroAlt`), the one most
  posts with an image set, so image-alt asks for the key the site's layout reads.

The first line points YAML editors at the config's JSON Schema (postlint.schema.modeline).
Options are only written for rules and options the registry knows, and the result is loaded and
resolved like any config before it is written, so `init` never writes a config `check` rejects.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from postlint.config import CONFIG_NAME, load_config, resolve_rules
from postlint.errors import ConfigError
from postlint.jekyll.site import JEKYLL_CONFIG_NAMES, Site, find_site_root
from postlint.lazy_patterns import lazy_compile
from postlint.parse.source import open_regular
from postlint.record import Record
from postlint.registry import Registry, load_registry
from postlint.schema import modeline

REQUIRED_SHARE = 0.9  # "nearly every post"
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
# A read time as people write it: "5 min", "5 min read", "5 minutes", "5-minute read", "5m".
_READ_TIME = lazy_compile(r"\s*\d+(\s*|-)(m|mins?|minutes?)\b.*", re.IGNORECASE)
_DIGITS = lazy_compile(r"\d+")
# A key that holds alt text: `alt`, `image_alt`, `hero-alt`, `imageAlt`.
_ALT_KEY = lazy_compile(r"(?:^|[_-])(?:alt|Alt|ALT)(?:$|[_-])|[a-z0-9]Alt(?:$|[A-Z_-])")


class Inferred(Record):
    __slots__ = ("posts", "required", "near_misses", "images_dir", "image_widths", "read_time_key", "read_time_pattern",
                 "image_key", "alt_key")

    posts: int  # posts whose front matter was read
    required: list[str]
    near_misses: list[tuple[str, int]]  # (key, posts having it)
    images_dir: str | None
    image_widths: dict[str, int | None]  # variant key -> width
    read_time_key: str | None
    read_time_pattern: str | None
    image_key: str | None  # the front-matter key most posts name their image with
    alt_key: str | None  # the key most posts with that image give its alt text in

    def __init__(self, posts: int = 0, required: list[str] | None = None,
                 near_misses: list[tuple[str, int]] | None = None, images_dir: str | None = None,
                 image_widths: dict[str, int | None] | None = None, read_time_key: str | None = None,
                 read_time_pattern: str | None = None, image_key: str | None = None,
                 alt_key: str | None = None) -> None:
        self.posts = posts
        self.required = [] if required is None else required
        self.near_misses = [] if near_misses is None else near_misses
        self.images_dir = images_dir
        self.image_widths = {} if image_widths is None else image_widths
        self.read_time_key = read_time_key
        self.read_time_pattern = read_time_pattern
        self.image_key = image_key
        self.alt_key = alt_key


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _front_matters(site: Site) -> list[dict]:
    """Front matter of published posts (not drafts) that parses to a mapping, oldest first."""
    found = []
    for rel, entry in sorted(site.posts.items(), key=lambda item: (item[1].date, item[0])):
        if entry.draft:
            continue
        fm = site.front_matter(rel)
        if fm.present and not fm.error and isinstance(fm.data, dict):
            found.append(fm.data)
    return found


def _required(data: list[dict], inferred: Inferred) -> None:
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for fm in data:
        for key, value in fm.items():
            order.setdefault(str(key), len(order))
            if _filled(value):
                counts[str(key)] += 1
    needed = len(data) * REQUIRED_SHARE
    by_order = sorted(counts, key=lambda key: order[key])
    inferred.required = [key for key in by_order if counts[key] >= needed]
    inferred.near_misses = [(key, counts[key]) for key in by_order if needed > counts[key] >= len(data) * 0.5]


def _locate(value: str, site: Site) -> str | None:
    """The folder (from the site root) holding the image a front-matter value names."""
    name = value.strip().lstrip("/")
    if name in site.files:
        return ""
    suffix = "/" + name
    folders = sorted(rel[: -len(suffix)] for rel in site.files if rel.endswith(suffix))
    return folders[0] if folders else None


def _width(path: Path) -> int | None:
    from PIL import Image

    try:
        with open_regular(path) as handle, Image.open(handle) as image:  # reads the header only
            return int(image.size[0])
    except Exception:  # not an image Pillow reads (SVG, a broken file): no width to infer
        return None


def _images(data: list[dict], site: Site, inferred: Inferred) -> None:
    folders: Counter[str] = Counter()
    located: dict[str, list[str]] = {}  # key -> files (from the root)
    for key in {str(k) for fm in data for k in fm}:
        values = [fm.get(key) for fm in data if _filled(fm.get(key))]
        images = [v for v in values if isinstance(v, str) and v.strip().lower().endswith(IMAGE_EXTENSIONS)]
        if not values or len(images) < REQUIRED_SHARE * len(values):
            continue
        files = []
        for value in images:
            folder = _locate(value, site)
            if folder is not None:
                folders[folder] += 1
                files.append(f"{folder}/{value.strip().lstrip('/')}" if folder else value.strip().lstrip("/"))
        if files:
            located[key] = files
    # Variants are keys a post sets together: keep those nearly every post with an image sets.
    with_images = [fm for fm in data if any(_filled(fm.get(key)) for key in located)]
    located = {key: files for key, files in located.items()
               if sum(_filled(fm.get(key)) for fm in with_images) >= REQUIRED_SHARE * len(with_images)}
    if not located:
        return
    folder, _ = folders.most_common(1)[0]
    inferred.images_dir = folder or None
    widths: dict[str, int | None] = {}
    for key in sorted(located):
        found = {_width(site.root / rel) for rel in located[key]}
        widths[key] = found.pop() if len(found) == 1 else None
    # One key of any width is no set of variants: nothing for image-variants to check.
    if len(widths) > 1 or any(width is not None for width in widths.values()):
        inferred.image_widths = widths


def _is_image_name(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().split("?")[0].endswith(IMAGE_EXTENSIONS)


def _alt_text(data: list[dict], inferred: Inferred) -> None:
    """The image key (values mostly image file names, the one most posts set) and the alt key
    next to it (named like `alt`, a string in the most posts that set the image)."""
    image_keys: Counter[str] = Counter()
    for key in {str(k) for fm in data for k in fm}:
        values = [fm.get(key) for fm in data if _filled(fm.get(key))]
        images = sum(_is_image_name(value) for value in values)
        if values and images >= REQUIRED_SHARE * len(values):
            image_keys[key] = images
    if not image_keys:
        return
    image_key = max(sorted(image_keys), key=lambda key: image_keys[key])
    with_image = [fm for fm in data if _filled(fm.get(image_key))]
    alt_keys = Counter(str(key) for fm in with_image for key, value in fm.items()
                       if _ALT_KEY.search(str(key)) and isinstance(value, str) and value.strip())
    inferred.image_key = image_key
    if alt_keys:
        inferred.alt_key = max(sorted(alt_keys), key=lambda key: alt_keys[key])


def _format_of(value: str) -> str:
    """`7 min read` -> `\\d+ min read`: the digits generalised, the rest literal."""
    pieces = _DIGITS.split(value.strip())
    return r"\d+".join(re.escape(piece).replace("\\ ", " ") for piece in pieces)


def _read_time(data: list[dict], inferred: Inferred) -> None:
    best: tuple[int, str] | None = None
    for key in sorted({str(k) for fm in data for k in fm}):
        values = [fm.get(key) for fm in data if _filled(fm.get(key))]
        texts = [v for v in values if isinstance(v, str) and _READ_TIME.fullmatch(v)]
        numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)] if "read" in key.lower() else []
        matching = len(texts) + len(numbers)
        if matching and matching >= 0.5 * len(values) and matching >= 0.5 * len(data):
            if best is None or matching > best[0]:
                best = (matching, key)
    if best is None:
        return
    key = best[1]
    inferred.read_time_key = key
    formats = Counter(_format_of(v) if isinstance(v, str) else r"\d+"
                      for v in (fm.get(key) for fm in data)
                      if (isinstance(v, str) and _READ_TIME.fullmatch(v)) or (isinstance(v, int) and not isinstance(v, bool)))
    inferred.read_time_pattern = formats.most_common(1)[0][0]


def infer(site: Site) -> Inferred:
    data = _front_matters(site)
    inferred = Inferred(posts=len(data))
    if not data:
        return inferred
    _required(data, inferred)
    _images(data, site, inferred)
    _read_time(data, inferred)
    _alt_text(data, inferred)
    return inferred


def _option(registry: Registry, rule_name: str, option: str) -> bool:
    rule = registry.get(rule_name)
    return rule is not None and option in rule.options


def build_config(inferred: Inferred, registry: Registry) -> dict:
    config: dict[str, Any] = {}
    if inferred.images_dir:
        config["site"] = {"images_dir": inferred.images_dir}
    rules: dict[str, dict] = {}
    if inferred.required and _option(registry, "front-matter-required", "keys"):
        rules["front-matter-required"] = {"keys": inferred.required}
    if inferred.read_time_key and inferred.read_time_pattern and _option(registry, "front-matter-schema", "patterns"):
        rules["front-matter-schema"] = {"patterns": {inferred.read_time_key: inferred.read_time_pattern}}
    if inferred.read_time_key and _option(registry, "read-time", "key"):
        rules["read-time"] = {"key": inferred.read_time_key}
    if inferred.image_widths and _option(registry, "image-variants", "variants"):
        rules["image-variants"] = {"variants": dict(inferred.image_widths)}
    image_alt: dict[str, Any] = {}
    if inferred.image_key and inferred.image_key != "image" and _option(registry, "image-alt", "image_keys"):
        image_alt["image_keys"] = [inferred.image_key]
    if inferred.alt_key and _option(registry, "image-alt", "alt_key"):
        image_alt["alt_key"] = inferred.alt_key
    if image_alt:
        rules["image-alt"] = image_alt
    if rules:
        config["rules"] = rules
    return config


def render(config: dict, inferred: Inferred) -> str:
    header = [
        modeline(),  # editors that read it complete and check the keys below
        f"# postlint configuration, written by `postlint init` on {_dt.date.today().isoformat()}",
        f"# from the front matter of {inferred.posts} post{'s' if inferred.posts != 1 else ''}. Review it: "
        "`postlint rules` lists every rule,",
        "# `postlint explain RULE` shows a rule's options.",
    ]
    body = yaml.safe_dump(config, sort_keys=False, default_flow_style=None, allow_unicode=True, width=100) if config else ""
    return "\n".join(header) + "\n" + body


def summary(inferred: Inferred) -> list[str]:
    lines = [f"from {inferred.posts} post{'s' if inferred.posts != 1 else ''} with readable front matter"]
    if inferred.required:
        lines.append(f"required keys: {', '.join(inferred.required)}")
    for key, count in inferred.near_misses:
        lines.append(f"not required: '{key}' is in {count} of {inferred.posts} posts (add it to keys if every post needs it)")
    if inferred.images_dir:
        lines.append(f"images folder: {inferred.images_dir}")
    for key, width in inferred.image_widths.items():
        lines.append(f"image key '{key}': " + (f"{width} px wide" if width else "widths vary"))
    if inferred.read_time_key:
        lines.append(f"read-time key: '{inferred.read_time_key}' like /{inferred.read_time_pattern}/")
    if inferred.image_key:
        alt = f"alt text in '{inferred.alt_key}'" if inferred.alt_key else "no post gives its alt text in a key named like 'alt'"
        lines.append(f"front-matter image key: '{inferred.image_key}', {alt}")
    return lines


def write_config(folder: Path, force: bool = False) -> tuple[Path, list[str]]:
    """Infer and write `.postlint.yaml` at the site root. Raises ConfigError."""
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder")
    root = find_site_root(folder.resolve())
    target = root / CONFIG_NAME
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists; use --force to replace it")
    site = Site(root)
    if not site.posts and not any((root / name).is_file() for name in JEKYLL_CONFIG_NAMES):
        # A config written here would make this folder a site root for every later run.
        raise ConfigError(f"{root}: no Jekyll site here (no _config.yml, no posts); run init in the site's folder")
    inferred = infer(site)
    registry = load_registry()
    text = render(build_config(inferred, registry), inferred)
    # Check the config as `check` will read it, before it replaces anything.
    temporary = root / f"{CONFIG_NAME}.init-tmp"
    try:
        temporary.write_text(text, encoding="utf-8")
        resolve_rules(load_config(temporary), registry)
        os.replace(temporary, target)
    except OSError as exc:
        raise ConfigError(f"{target}: cannot write config: {exc.strerror or exc}") from None
    finally:
        if temporary.exists():
            temporary.unlink()
    return target, summary(inferred)
