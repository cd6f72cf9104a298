"""The site around the files being linted: its root, _config.yml, files, posts and drafts.

Everything here is computed on first use: linting one post in a pre-commit hook reads the file
list once and the front matter of only the posts that post links to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from postlint.config import DEFAULT_MAX_FILE_SIZE
from postlint.frontmatter import FrontMatter, parse_front_matter
from postlint.post import POST_EXTENSIONS, POST_FILENAME
from postlint.source import UnreadableFile, decode, normalize_newlines, read_bytes

SITE_MARKERS = ("_config.yml", ".postlint.yaml")
# Never part of the site's source: build output, VCS, dependency and cache folders.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "_site", "node_modules", ".jekyll-cache", ".sass-cache",
                       ".postlint_cache", ".bundle", "vendor", "__pycache__", ".venv", ".tox"})


def find_site_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding _config.yml or .postlint.yaml."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if any((folder / marker).is_file() for marker in SITE_MARKERS):
            return folder
    return start


@dataclass(frozen=True)
class PostEntry:
    """A post file as Jekyll names it: `name` is what {% post_url %} takes."""

    rel: str  # path relative to the site root
    name: str  # e.g. "guides/2023-05-01-setup-guide" or "news/2023-02-01-x"
    date: str  # the date part as written in the file name
    slug: str
    ext: str
    draft: bool


def leaves_site(rel: str) -> bool:
    """Does a path meant relative to the site root point outside it (absolute, or through `..`)?"""
    return rel.startswith(("/", "\\")) or os.path.isabs(rel) or ".." in rel.replace("\\", "/").split("/")


def jekyll_ignores(name: str) -> bool:
    """Jekyll's EntryFilter skips these names inside _posts and _drafts."""
    return name.startswith(("_", ".", "#")) or name.endswith("~")


def _entry(rel: str) -> PostEntry | None:
    parts = rel.split("/")
    if jekyll_ignores(parts[-1]):
        return None
    for index, part in enumerate(parts):
        if part in ("_posts", "_drafts"):
            match = POST_FILENAME.match(parts[-1])
            if part == "_drafts":
                if match is None:  # drafts carry no date in their name
                    stem, ext = os.path.splitext(parts[-1])
                    return PostEntry(rel, stem, "", stem, ext, True)
            elif match is None:
                return None
            date, slug, ext = match.groups()
            prefix = "/".join(parts[:index] + parts[index + 1:-1])
            name = f"{prefix}/{date}-{slug}" if prefix else f"{date}-{slug}"
            return PostEntry(rel, name, date, slug, ext, part == "_drafts")
    return None


class Site:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.config_error: str | None = None
        self._front_matter: dict[str, FrontMatter] = {}

    @cached_property
    def config(self) -> dict[str, Any]:
        """_config.yml (Jekyll's own configuration), or {} when absent or unreadable."""
        path = self.root / "_config.yml"
        if not path.is_file():
            return {}
        try:
            data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            self.config_error = f"{path}: cannot read Jekyll config: {exc}"
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def baseurl(self) -> str:
        return str(self.config.get("baseurl") or "").rstrip("/")

    @cached_property
    def files(self) -> frozenset[str]:
        """Every file of the site's source, relative to the root with "/" separators."""
        found: list[str] = []
        root = str(self.root)
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            rel_folder = os.path.relpath(folder, root).replace(os.sep, "/")
            prefix = "" if rel_folder == "." else rel_folder + "/"
            found.extend(prefix + name for name in names)
        return frozenset(found)

    @cached_property
    def posts(self) -> dict[str, PostEntry]:
        """Posts and drafts by relative path (files in a _posts or _drafts folder)."""
        entries = {}
        for rel in self.files:
            if ("_posts/" in rel or "_drafts/" in rel) and os.path.splitext(rel)[1].lower() in POST_EXTENSIONS:
                entry = _entry(rel)
                if entry is not None:
                    entries[rel] = entry
        return entries

    def kind_of(self, rel: str) -> str:
        parts = rel.split("/")
        if "_drafts" in parts[:-1]:
            return "draft"
        if "_posts" in parts[:-1]:
            return "post"
        return "page"

    def front_matter(self, rel: str) -> FrontMatter:
        """Front matter of another file of the site (read once, kept).

        Only a regular file inside the site, within the default size limit, is read: a `../` or
        absolute path written in a post reads nothing outside the site, a FIFO nothing at all.
        """
        if rel not in self._front_matter:
            found = FrontMatter()
            if not leaves_site(rel):
                try:
                    text, _, _ = decode(read_bytes(self.root / rel, DEFAULT_MAX_FILE_SIZE))
                    found = parse_front_matter(normalize_newlines(text))
                except (OSError, UnreadableFile):
                    pass
            self._front_matter[rel] = found
        return self._front_matter[rel]

    def lint_targets(self, folder: Path) -> list[Path]:
        """The posts and drafts inside `folder`; every Markdown/HTML file when it has none."""
        folder = folder.resolve()
        try:
            rel_folder = folder.relative_to(self.root).as_posix()
        except ValueError:
            return []
        prefix = "" if rel_folder == "." else rel_folder + "/"
        inside = [rel for rel in self.files if rel.startswith(prefix)]
        posts = [rel for rel in inside if self.kind_of(rel) in ("post", "draft")
                 and os.path.splitext(rel)[1].lower() in POST_EXTENSIONS and not jekyll_ignores(rel.rsplit("/", 1)[-1])]
        if not posts and not any("/_posts/" in "/" + rel for rel in self.files):
            posts = [rel for rel in inside if os.path.splitext(rel)[1].lower() in POST_EXTENSIONS
                     and not any(part.startswith((".", "_")) for part in rel.split("/"))]
        return sorted(self.root / rel for rel in posts)
