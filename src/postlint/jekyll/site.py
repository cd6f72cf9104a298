"""The site around the files being linted: its root, _config.yml, files, posts and drafts.

Everything here is computed on first use: linting one post in a pre-commit hook reads the file
list once and the front matter of only the posts that post links to. Each file is read and
decoded at most once per process (`Site.post`), the linted post included, and every read of
another file is recorded (see facts.py).
"""

from __future__ import annotations

import datetime as _dt
import errno
import fnmatch
import io
import itertools
import json
import os
import posixpath
import re
import stat
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from postlint.config import DEFAULT_MAX_FILE_SIZE
from postlint.digest import digest
from postlint.errors import NotUtf8, SchemaError, UnreadableFile, YamlError
from postlint.jekyll import definitions, urls
from postlint.jekyll.defaults import deep_merged, defaults_for, ruby_fnmatch
from postlint.jekyll.facts import (
    AS_IT_IS,
    CONTENT,
    FILE,
    FRONT_MATTER,
    IMAGE,
    INVENTORY,
    TERM_DEFINITIONS,
    TERM_FREQUENCY,
    TODAY,
    YAML_HEADER,
    Keeping,
    Recording,
    derived,
    input_key,
)
from postlint.jekyll.languages import ENGLISH, language_of
from postlint.jekyll.signatures import NOT_TAKEN, FileMemo
from postlint.lazy_patterns import lazy_compile
from postlint.parse.dates import judge_date
from postlint.parse.frontmatter import FrontMatter, front_matter_extent, load_yaml
from postlint.parse.frontmatter_memo import FRONT_MATTERS
from postlint.parse.post import POST_EXTENSIONS, POST_FILENAME, Post, filename_date
from postlint.parse.source import (
    Source,
    decode,
    over_the_limit,
    read_bytes,
    read_head,
    require_regular,
)
from postlint.record import FrozenRecord

# Jekyll reads the first of these that exists (Configuration#config_files).
JEKYLL_CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")
SITE_MARKERS = (*JEKYLL_CONFIG_NAMES, ".postlint.yaml")
YAML_DOCUMENT_EXTENSIONS = (".yml", ".yaml")  # Document#yaml_file?: read as data, never a post
RECALL_ALL_AFTER = 64  # file inputs worked out one by one before all unchanged files are recalled at once
FILE_KINDS = frozenset({CONTENT, FRONT_MATTER, YAML_HEADER, IMAGE, FILE})  # inputs computed from one file's bytes
OUTSIDE = "a symbolic link to a file outside the site; not read (Jekyll does not read it either)"
HEAD_BYTES = 4096  # read of a large static file or image: its first line and most image headers
WHOLE_BYTES = 64 * 1024  # a static file up to this size is read whole at once (a schema, a small image)
IMAGE_HEADER_BYTES = 1 << 20  # an image header longer than HEAD_BYTES is looked for in this much of the file
# Never part of the site's source: build output, VCS and cache folders, which Jekyll skips at any
# depth (their names start with "." or "_"); and the dependency folders its default `exclude`
# leaves out, at the root only, as Jekyll does: a post in `_posts/node_modules/` is built.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "_site", ".jekyll-cache", ".sass-cache", ".postlint_cache", ".bundle",
                       "__pycache__", ".venv", ".tox"})
SKIP_ROOT_DIRS = SKIP_DIRS | {"node_modules", "vendor"}


# The posts a folder's run lints: Markdown and HTML, and the text posts Jekyll renders as they
# are (`.txt`, `.textile`), whose Liquid stops a build as a Markdown post's does.
LINTED_POST_EXTENSIONS = POST_EXTENSIONS | {".txt", ".textile"}


def find_site_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding _config.yml or .postlint.yaml."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if any((folder / marker).is_file() for marker in SITE_MARKERS):
            return folder
    return start


class PostEntry(FrozenRecord):
    """A post file as Jekyll names it: `name` is what {% post_url %} takes."""
    __slots__ = ("rel", "name", "date", "slug", "ext", "draft")

    rel: str  # path relative to the site root
    name: str  # e.g. "guides/2023-05-01-setup-guide" or "news/2023-02-01-x"
    date: str  # the date part as written in the file name
    slug: str
    ext: str
    draft: bool

    def __init__(self, rel: str, name: str, date: str, slug: str, ext: str, draft: bool) -> None:
        self.rel = rel
        self.name = name
        self.date = date
        self.slug = slug
        self.ext = ext
        self.draft = draft


def _plain_entry(entry: PostEntry) -> list:
    return [entry.rel, entry.name, entry.date, entry.slug, entry.ext, entry.draft]


# A list of posts kept across runs (facts.py): their fields.
_POST_LIST = Keeping(plain=lambda entries: [_plain_entry(entry) for entry in entries],
                     restore=lambda plain: [PostEntry(*fields) for fields in plain])


def _lstat(path: str) -> os.stat_result | None:
    """os.lstat(path), None when it fails (os.path.islink's False, signature's None)."""
    try:
        return os.lstat(path)
    except (OSError, ValueError):
        return None


def leaves_site(rel: str) -> bool:
    """Does a path meant relative to the site root point outside it (absolute, or through `..`)?"""
    return rel.startswith(("/", "\\")) or os.path.isabs(rel) or ".." in rel.replace("\\", "/").split("/")


# How many layouts a chain may name (`layout: default` in the post's layout, and so on): Jekyll
# follows them all; a cycle or a chain this long is a site's mistake, not a heading to find.
MAX_LAYOUT_DEPTH = 16
_TITLE_OUTPUT = lazy_compile(r"\{\{-?\s*page\.title\b")
_SEO_TAG = lazy_compile(rb"\{%-?\s*seo(?:\s|-?%\})")  # jekyll-seo-tag's {% seo %}, {%- seo title=false -%}
_HEADING_OPENING = lazy_compile(r"<h([1-6])(?=[\s>])", re.I)


def _title_heading_level(html: str) -> int | None:
    """The level of the first heading of a layout's HTML that holds `{{ page.title }}`: the last
    `<hN` in the 200 characters before the title that no `</hN` closes before it. The first 64
    titles are looked at, each through a window of its own: linear in the layout."""
    for title in itertools.islice(_TITLE_OUTPUT.finditer(html), 64):
        window = html[max(0, title.start() - 200):title.start()]
        opening = None
        for opening in _HEADING_OPENING.finditer(window):
            pass
        if opening is not None and f"</h{opening.group(1)}" not in window[opening.end():].lower():
            return int(opening.group(1))
    return None


_OFFSET_TIME = lazy_compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*"
                             r"(?:([a-z]+)|([+-])(\d{2})(?::?(\d{2}))?)\s*$", re.I)
# Ruby's Time::ZoneOffset: the zone names Time.parse knows (others leave the time in the site's zone).
_ZONE_HOURS = {"Z": 0, "UTC": 0, "UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
               "MDT": -6, "PST": -8, "PDT": -7}


def _aware_datetime(value: Any) -> _dt.datetime | None:
    """A front-matter date with a UTC offset as an aware datetime (YAML's, or a string Ruby reads)."""
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str):
        return None
    match = _OFFSET_TIME.match(value)
    if match is None:
        return None
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    if match.group(7):
        hours = _ZONE_HOURS.get(match.group(7).upper())
        if hours is None:
            return None
        offset = _dt.timedelta(hours=hours)
    else:
        offset = _dt.timedelta(hours=int(match.group(9)), minutes=int(match.group(10) or 0))
        offset = -offset if match.group(8) == "-" else offset
    try:  # Ruby takes 24:00 as the next day's midnight
        moment = _dt.datetime(year, month, day, 0 if hour == 24 and minute == second == 0 else hour, minute, second,
                              tzinfo=_dt.timezone(offset))
    except ValueError:
        return None
    return moment + _dt.timedelta(days=1) if hour == 24 else moment


def _outside_refs(schema: Any) -> str | None:
    """The first `$ref` in a JSON Schema that points outside the document, if any."""
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", node.get("$dynamicRef"))
            if isinstance(ref, str) and not ref.startswith("#"):
                return ref
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return None


def jekyll_ignores(name: str) -> bool:
    """Jekyll's EntryFilter skips these names inside _posts and _drafts."""
    return name.startswith(("_", ".", "#")) or name.endswith("~")


# The Ruby class Jekyll's error names for a `categories` value of each YAML type.
_RUBY_CLASSES = {int: "Integer", float: "Float", dict: "Hash", _dt.date: "Date", _dt.datetime: "Time"}


def categories_jekyll_cannot_merge(data: dict[str, Any]) -> str | None:
    """The Ruby class of a document's `categories` when Jekyll's reader raises on it, else None.

    Jekyll merges the categories a post writes into the ones its folders give with Array#|,
    which takes a list, a text (split on spaces first) or nothing: any other value raises there
    ("could not read file …: no implicit conversion of Integer into Array"), and Jekyll keeps
    none of the front matter, as for invalid YAML. `category` (singular) and `tags` never raise.
    """
    value = data.get("categories")
    if value is None or isinstance(value, (str, bytes, list)):  # !!binary is a text in Ruby
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _RUBY_CLASSES.get(type(value), type(value).__name__)


# Lists of _config.yml looked at for each file of the site, and how long postlint lets them be:
# a pull request that wrote 19,000 defaults sets or 90,000 exclude globs stalled the gate.
LISTS_READ_PER_FILE = ("defaults", "exclude", "include", "collections", "keep_files")
MAX_LIST_READ_PER_FILE = 1000


def _defaults_date_problem(config: dict[str, Any]) -> str | None:
    """Why Jekyll cannot use a `date` of the config's `defaults` (None: it can). Checked with
    `jekyll build`: FrontmatterDefaults#ensure_time! parses every set's date each time it
    reads a file, whatever the set's scope, and a date without a time (a YAML date), a null or
    a number makes every post fail to read and a site with pages stop building; a text Ruby
    cannot read as a date stops the build."""
    sets = config.get("defaults")
    for index, entry in enumerate(sets if isinstance(sets, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict) or "date" not in entry["values"]:
            continue
        value = entry["values"]["date"]
        if isinstance(value, _dt.datetime) or (isinstance(value, str) and judge_date(value).date is not None):
            continue
        if isinstance(value, _dt.date):
            why = (f"is a date without a time ({value}), which Jekyll cannot read (no implicit conversion of Date "
                   f"into String): every post fails to read and a site with pages stops building; quote it: \"{value}\"")
        elif isinstance(value, str):
            why = f"is '{value}', which Jekyll cannot read as a date: `jekyll build` stops (Invalid date)"
        else:
            shown = "null" if value is None else repr(value)
            why = f"is {shown}, not a date: every post fails to read and a site with pages stops building"
        return f"`defaults[{index}].values.date` {why}"
    return None


def _load_toml(text: str) -> dict[str, Any]:
    import tomllib  # only sites configured in TOML pay for the import

    return tomllib.loads(text)  # its TOMLDecodeError is a ValueError


def _ruby_truthy(value: Any) -> bool:
    return value is not None and value is not False


def _special_name(name: str) -> bool:
    """A name Jekyll's EntryFilter skips unless `include` names it."""
    return name.startswith((".", "_", "#", "~")) or name.endswith("~")


def _files_below(root: str) -> list[str]:
    """The files below `root` (relative, "/"-separated) as os.walk(root) lists them, SKIP_DIRS
    left out (SKIP_ROOT_DIRS at the root): a symbolic link to a folder is neither listed nor entered, and a folder that cannot
    be listed to its end is left out with what is below it. A loop over os.scandir, which knows
    each entry's type, where os.walk also took the `lstat` of every folder and joined paths: a
    third of its time, and os.walk ran on every run, warm ones included."""
    found: list[str] = []
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        files: list[str] = []
        below: list[tuple[str, str]] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_folder = entry.is_dir()  # follows a symbolic link, as os.walk does
                    except OSError:
                        is_folder = False
                    if not is_folder:
                        files.append(prefix + entry.name)
                    elif entry.name not in (SKIP_DIRS if prefix else SKIP_ROOT_DIRS) and not entry.is_symlink():
                        below.append((entry.path, f"{prefix}{entry.name}/"))
        except OSError:
            continue
        found.extend(files)
        folders.extend(below)
    return found


def _redirects_file_rules(text: str) -> list[tuple[str, int]]:
    """(source path, status) of each rule of a Netlify `_redirects` file: `from to [status][!]
    [conditions]`, 301 when no status is given; comment lines and full-URL sources left out."""
    rules = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 2 or not fields[0].startswith("/"):
            continue
        status = fields[2].rstrip("!") if len(fields) > 2 else ""
        rules.append((fields[0], int(status) if status.isdigit() else 301))
    return rules


def _netlify_toml_rules(text: str) -> list[tuple[str, int]]:
    """(source path, status) of each `[[redirects]]` table of a `netlify.toml` (none when it is
    not valid TOML, which Netlify refuses, or nests deeper than tomllib's recursion goes)."""
    import tomllib

    try:
        tables = tomllib.loads(text).get("redirects")
    except (tomllib.TOMLDecodeError, RecursionError):
        return []
    rules = []
    for table in tables if isinstance(tables, list) else []:
        source, status = (table.get("from"), table.get("status", 301)) if isinstance(table, dict) else (None, None)
        if isinstance(source, str) and source.startswith("/"):
            rules.append((source, status if isinstance(status, int) else 301))
    return rules


def post_entry(rel: str, collections_dir: str = "") -> PostEntry | None:
    """The post or draft `rel` is, judged by its path alone (None: neither). With a
    `collections_dir`, Jekyll reads posts and drafts only below that folder (a `_posts` beside
    it is never read) and names them from there: `my/_posts/2024-01-01-x.md` is `2024-01-01-x`."""
    if collections_dir:
        if not rel.startswith(collections_dir + "/"):
            return None
        parts = rel[len(collections_dir) + 1:].split("/")
    else:
        parts = rel.split("/")
    if jekyll_ignores(parts[-1]):
        return None
    for index, part in enumerate(parts):
        if part in ("_posts", "_drafts"):
            # Jekyll's reader never enters a folder starting with "_" or "." (so never reads an
            # `_x/_posts`), and skips entries of `_posts` whose path starts with one.
            if any(p.startswith(("_", ".")) for p in parts[:index]) or jekyll_ignores(parts[index + 1]):
                return None
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


# What a worker learned (Site.hand_over): facts by name, file digests, front-matter parses, kept indexes
# and their answers.
Learned = tuple[dict[str, dict[str, list]], dict[str, list], dict[str, bytes], dict[str, tuple[list, dict[str, str]]],
                dict[str, list]]
# What a worker hands over where nothing is kept (a run without a cache); adopt only reads it.
NOTHING_LEARNED: Learned = ({}, {}, {}, {}, {})


class Site(Recording):
    def __init__(self, root: Path, max_file_size: int = DEFAULT_MAX_FILE_SIZE, today: _dt.date | None = None,
                 already_read: dict[Path, bytes] | None = None, config_folder: Path | None = None,
                 languages: list[str] | None = None, withheld: Iterable[Path] = ()) -> None:
        """`already_read`: files the run read before the site existed (the config, YAML rules),
        so that the site does not read them again. Files are read from inside the site, or from
        `config_folder` (a schema next to `.postlint.yaml`), never elsewhere. `languages`: the
        languages of the site's language folders as `.postlint.yaml` names them (None: as
        _config.yml declares them). `withheld`: configuration files read as the merge base has
        them that did not exist there (gate.py): unreadable, whatever the work tree holds."""
        super().__init__()
        self.root = root.resolve()
        self._root_path = str(self.root)
        self._trusted = [self._root_path] + ([os.path.realpath(config_folder)] if config_folder else [])
        self.max_file_size = max_file_size
        self._languages = languages
        self._today = today or _dt.date.today()  # one run judges "future" against one day
        self._today_digest = digest(self._today.isoformat())  # recorded for each dated post
        self._files: frozenset[str] | None = None
        self._share_ranks: dict[str, int] | None = None  # share_of_file's: a file's rank among those of its kind
        self._inventory_digest = ""
        self._sources: dict[str, tuple[Source | None, str, str]] = {}  # rel -> (source, read error, bytes digest)
        self._not_utf8: set[str] = set()  # files read whose bytes are not UTF-8 text (NotUtf8)
        self._posts: dict[str, Post] = {}
        self._image_sizes: dict[str, tuple[int, int] | str] = {}
        self._layouts: dict[str, tuple[int | None, object]] = {}  # layout file -> (title's level, its own layout)
        self._yaml_headers: dict[str, bool] = {}
        self._heads: dict[str, bytes | Exception] = {}  # the start of a file not read whole
        self._whole: dict[str, bytes] = {}  # small files read whole (config, schemas, redirects, images)
        for path, data in (already_read or {}).items():
            self._whole[self._site_key(path)] = data
        self._site_file_errors: dict[str, str] = {
            self._site_key(path): "cannot be read: it is not in the merge base" for path in withheld}
        # Files whose bytes the run was given (a gate run's are the merge base's): what the disk
        # holds says nothing of them, so the memo of unchanged files neither answers nor keeps them.
        self._given = frozenset(self._whole) | frozenset(self._site_file_errors)
        self._front_matter_digests: dict[str, str] = {}
        self._front_matters: dict[str, tuple[str, FrontMatter]] = {}  # rel -> front_matter's digest and answer
        self._document_data: dict[tuple[str, str], tuple[FrontMatter, dict[str, Any]]] = {}  # document_data's
        self._defaults: dict[tuple[str, str], dict[str, Any]] = {}  # (rel, kind) -> defaults_for's answer
        self._folders: dict[str, tuple[str, bool]] = {}  # folder -> (its real path, trusted), for _outside
        self._real_folders: dict[str, str] = {}  # folder -> os.path.realpath of it (_real_folder)
        self._folder_outside: dict[str, bool] = {}  # file -> _folder_leads_outside
        self._folders_as_given: dict[str, tuple[str, bool]] = {}  # folder part of a name -> (real path, trusted)
        self.memo = FileMemo(self._root_path)  # digests of unchanged files, from the cache (signatures.py)
        self._recalled_all = False  # _recall_all ran
        self._files_asked = 0  # file inputs worked out one by one before it
        # Set by the engine when a run checks many files: a site-wide index is then worth building
        # whole at once rather than answering one question at a time (the answers are the same).
        self.checks_many = False

    def remember(self, files: object, facts: object, counts: object = None, indexes: object = None,
                 group: Callable[[str], object] = lambda name: None, answers: object = None) -> None:
        """Take the file signatures and digests, the per-file facts, the word counts, the kept
        indexes (with the means to look up their groups' inputs) and their answers the previous
        run left in the cache."""
        self.memo = FileMemo(self._root_path, files)
        self._recalled_all = False
        self.remember_facts(facts)
        self.remember_counts(counts)
        self.remember_indexes(indexes, group)
        self.remember_answers(answers)

    def keep_no_inputs(self) -> None:
        super().keep_no_inputs()
        self.memo.keep_nothing()

    def hand_over(self) -> Learned:
        """What a worker process learned since the last call, for the parent to keep (adopt): the
        facts it computed, the digests of the files it read, the front matters it parsed, the
        indexes it built to keep and their answers it found."""
        return (self.hand_over_facts(), self.memo.hand_over(), FRONT_MATTERS.hand_over(), self.hand_over_indexes(),
                self.hand_over_answers())

    def adopt(self, learned: Learned) -> None:
        facts, files, parses, indexes, answers = learned
        self.adopt_facts(facts)
        self.memo.adopt(files)
        FRONT_MATTERS.adopt(parses)
        self.adopt_indexes(indexes)
        self.adopt_answers(answers)

    def export_facts(self, names: Iterable[str] | None = None) -> dict[str, dict[str, list]]:  # type: ignore[override]
        """The facts `names` (default: all) worth keeping: about files that still exist (as far as
        this run looked)."""
        files = self._files
        return super().export_facts(lambda rel: files is None or rel in files, names)

    # --- reading: every file of the site is read here, once ------------------------------------

    def _outside(self, name: str, info: os.stat_result | None | object = NOT_TAKEN) -> bool:
        """Does the file `name` (relative to the root, or absolute) lead outside the site and the
        folders trusted with it, through `..` or a symbolic link? Such a file is never opened.
        `info`: its `lstat` (None: it failed), when the caller took it just now."""
        full = os.path.join(self._root_path, name)
        if os.path.islink(full) if info is NOT_TAKEN else info is not None and stat.S_ISLNK(info.st_mode):  # type: ignore[union-attr]
            return not self._trusted_path(os.path.realpath(full))
        return self._folder_leads_outside(name)

    def _folder_leads_outside(self, name: str) -> bool:
        """_outside for a file that is not a symbolic link itself: only its folder can lead away."""
        found = self._folder_outside.get(name)
        if found is None:  # once per file: a warm run asks for each of thousands of inputs
            found = self._folder_outside[name] = self._judge_folder(name)
        return found

    def _judge_folder(self, name: str) -> bool:
        given_folder, _, base = name.rpartition("/")
        known = self._folders_as_given.get(given_folder)  # the folder as written: no path joined per file
        if known is None or base in ("", ".", ".."):
            full = os.path.join(self._root_path, name)
            folder, base = os.path.split(full)
            if base in ("", ".", ".."):
                return not self._trusted_path(os.path.realpath(full))
            known = self._folders.get(folder)
            if known is None:  # resolve each folder once: thousands of files share a few hundred
                real_folder = self._real_folder(folder)
                known = self._folders[folder] = (real_folder, self._trusted_path(real_folder))
            if os.sep == "/":  # elsewhere a name may hold either separator: always the full path
                self._folders_as_given[given_folder] = known
        real_folder, inside = known
        # A file in a trusted folder is trusted; in any other folder it is judged by its own path.
        return not inside and not self._trusted_path(os.path.join(real_folder, base))

    def _real_folder(self, folder: str) -> str:
        """os.path.realpath(folder), built from its parent's for a folder inside the site that is
        not a symbolic link itself: realpath looks at every part of the path again, and a site of
        200 folders cost a thousand lstat calls."""
        found = self._real_folders.get(folder)
        if found is None:
            parent, name = os.path.split(folder)
            if name in ("", ".", "..") or not parent.startswith(self._root_path) or os.path.islink(folder):
                found = os.path.realpath(folder)
            else:
                found = os.path.join(self._real_folder(parent), name)
            self._real_folders[folder] = found
        return found

    def _trusted_path(self, real: str) -> bool:
        return any(real == trusted or real.startswith(trusted + os.sep) for trusted in self._trusted)

    def _source(self, rel: str) -> tuple[Source | None, str, str]:
        """The decoded text of a site file (or why it cannot be read) and its bytes' digest."""
        found = self._sources.get(rel)
        if found is None:
            path = self.root / rel
            try:
                data = self._file_bytes(rel, path)
            except UnreadableFile as exc:
                found = (None, str(exc), digest(f"unreadable: {exc}".encode()))
            except OSError as exc:
                message = f"cannot read file: {exc.strerror or exc}"
                found = (None, message, digest(f"unreadable: {message}".encode()))
            else:
                data_digest = digest(data) if self.keeps_inputs else ""  # "": content_digest reads it again
                try:
                    text, bom, encoding = decode(data)
                    found = (Source(path=path, original=text, bom=bom, encoding=encoding), "", data_digest)
                except UnreadableFile as exc:
                    found = (None, str(exc), data_digest)
                    if isinstance(exc, NotUtf8):
                        self._not_utf8.add(rel)
            self._sources[rel] = found
            self.memo.note(rel, input_key(CONTENT, rel), found[2])
        return found

    def _file_bytes(self, rel: str, path: Path) -> bytes:
        """The bytes of the file `rel` (at `path`) for _source. Raises UnreadableFile or OSError."""
        info = _lstat(os.path.join(self._root_path, rel))  # one lstat: is it a link, its signature, its type
        if self._outside(rel, info) and os.path.exists(path):  # a broken link is reported as one
            require_regular(os.stat(path).st_mode)  # a device says so; neither is opened
            raise UnreadableFile(OUTSIDE)
        self.memo.before_read(rel, info)
        return read_bytes(path, self.max_file_size, info)

    def content_digest(self, rel: str) -> str:
        """Digest of a file's bytes (or of why it cannot be read): the first part of its cache key.
        An unchanged file's comes from the memo, unread."""
        if rel not in self._sources:
            known = self._recall(rel, input_key(CONTENT, rel))
            if known is not None:
                return known
        found = self._source(rel)[2]
        if not found:  # read by a site that keeps no inputs, which has no use for it
            try:
                return digest(self._file_bytes(rel, self.root / rel))
            except (OSError, UnreadableFile) as exc:
                return digest(f"unreadable: {exc}".encode())
        return found

    def post(self, rel: str) -> Post:
        """The file at `rel` read and decoded once; parsing happens on first use, also once."""
        post = self._posts.get(rel)
        if post is None:
            source, error, _ = self._source(rel)
            if source is None:
                post = Post(Source.from_text(self.root / rel, ""), rel, rel, self.kind_of(rel), read_error=error)
            else:
                post = Post(source, rel, rel, self.kind_of(rel))
            self._posts[rel] = post
            if self.handed_out is not None:
                self.handed_out.note(post, f"the file {rel}")
        return post

    def with_text(self, rel: str, text: str) -> Post:
        """The file at `rel` as an editor holds it, unsaved: from now on this site reads `text`
        for it instead of the bytes on disk (the language server's open document). Digests and
        facts about it follow the text, so a later site that remembers them reuses none that
        came from unsaved text once the file on disk differs."""
        source = Source.from_text(self.root / rel, text)
        self._sources[rel] = (source, "", digest(text.encode("utf-8", "surrogatepass")))
        self._front_matter_digests.pop(rel, None)
        self._front_matters.pop(rel, None)
        self.memo.forget(rel)  # the disk's digests are not the text's
        for kind in FILE_KINDS:
            self._current.pop(input_key(kind, rel), None)
        post = self._posts[rel] = Post(source, rel, rel, self.kind_of(rel))
        return post

    def _front_matter_digest(self, rel: str) -> str:
        found = self._front_matter_digests.get(rel)
        if found is None:
            source, error, _ = self._source(rel)
            if source is not None:  # a text not in UTF-8 is one Jekyll cannot read (jekyll_cannot_decode)
                extent = front_matter_extent(source.text)
                found = digest(extent if source.encoding == "utf-8" else f"{source.encoding}\n{extent}")
            else:
                found = digest(f"unreadable{' (not UTF-8)' if rel in self._not_utf8 else ''}: {error}")
            self._front_matter_digests[rel] = found
        return found

    def address_inputs(self, rel: str) -> tuple[str, bool] | None:
        """What decides the addresses, publication and post_url name of the text file `rel` besides
        its path and _config.yml (see changes.moved_targets): the digest of its front matter and
        whether its first line opens one; None when the text cannot be read."""
        if self._source(rel)[0] is None:
            return None
        return self._front_matter_digest(rel), self._has_yaml_header(rel)

    def digest_now(self, key: str) -> str:
        """What the input `key` (kind:argument, see facts.py) looks like now: remembered for an
        unchanged file, else computed."""
        kind, _, argument = key.partition(":")
        if kind not in FILE_KINDS:
            return self._compute_digest(key)
        if not self._recalled_all:
            self._files_asked += 1
            if self._files_asked > RECALL_ALL_AFTER:
                self._recall_all()
                found = self._current.get(key)
                if found is not None:
                    return found
        found = self._recall(argument, key)
        if found is None:
            found = self._compute_digest(key)
            self._note(kind, argument, found)
        return found

    def _recall_all(self) -> None:
        """Take the remembered digests of every unchanged file as this run's (current_digest's
        memo), as _recall gives them one by one: once a run asks about more than a few files, it
        is about to ask about every file of the site (a warm run's indexes read them all)."""
        self._recalled_all = True
        self._inventory()  # judges every listed file's folder at once (_folder_leads_outside)
        recalled: dict[str, str] = {}
        for rel, digests in self.memo.all_unchanged().items():
            if rel not in self._given and not self._folder_leads_outside(rel):
                recalled.update(digests)  # only digests about `rel` itself (FileMemo.note), as strings
        recalled.update(self._current)  # what this run worked out stands
        self._current.update(recalled)

    def _recall(self, rel: str, key: str) -> str | None:
        """The memo's digest of the file input `key` about `rel`, when the file is unchanged (never
        a symbolic link: it has no signature) and still inside the site."""
        if rel in self._given:
            return None
        remembered = self.memo.unchanged(rel)
        found = remembered.get(key) if remembered is not None else None
        return found if type(found) is str and not self._folder_leads_outside(rel) else None

    def _note(self, kind: str, argument: str, value_digest: str) -> None:
        if argument not in self._given:
            self.memo.note(argument, input_key(kind, argument), value_digest)

    def record(self, kind: str, argument: str, value_digest: str) -> None:
        # _note and Recording.record in one: the site model records some ten inputs per file.
        if not self.keeps_inputs:
            return
        key = f"{kind}:{argument}"  # input_key
        if kind in FILE_KINDS and argument not in self._given:
            self.memo.note(argument, key, value_digest)
        for recorder in self._recorders:
            recorder.direct[key] = value_digest  # Recorder.add

    def _compute_digest(self, key: str) -> str:
        kind, _, argument = key.partition(":")
        if kind == INVENTORY:
            self._inventory()
            return self._inventory_digest
        if kind == FRONT_MATTER:
            return self._front_matter_digest(argument) if not leaves_site(argument) else digest("outside")
        if kind == CONTENT:
            return self.content_digest(argument) if not leaves_site(argument) else digest("outside")
        if kind == YAML_HEADER:
            return digest(self._has_yaml_header(argument))
        if kind == IMAGE:
            return digest(self._image_size(argument))
        if kind == FILE:
            return self._site_file_digest(argument)
        if kind == TODAY:
            return self._today_digest
        if kind == TERM_FREQUENCY:
            future, _, term = argument.partition(":")
            return str(self._term_frequency(term, future == "True"))
        if kind == TERM_DEFINITIONS:
            future, kramdown, max_words, term = argument.split(":", 3)
            return self._definitions_digest(self._term_definitions(term, future == "True", kramdown == "True",
                                                                   int(max_words)))
        return "unknown input"  # written by another version: never matches

    @cached_property
    def jekyll_config_name(self) -> str:
        """The config file Jekyll reads: the first of _config.yml, _config.yaml and _config.toml
        that exists (named _config.yml when there is none)."""
        return next((name for name in JEKYLL_CONFIG_NAMES if self._is_file(name)), JEKYLL_CONFIG_NAMES[0])

    def _is_file(self, name: str) -> bool:
        return (self.root / name).is_file()

    @cached_property
    def _jekyll_config(self) -> tuple[dict[str, Any], str | None]:
        """_config.yml (or .yaml, .toml) as a value and the error reading it: ({}, None) when absent."""
        name = self.jekyll_config_name
        path = self.root / name
        if not self._is_file(name):
            return {}, None
        source, error, _ = self._source(name)
        if source is None:
            return {}, f"{path}: cannot read Jekyll config: {error}"
        try:
            data = _load_toml(source.text) if name.endswith(".toml") else load_yaml(source.text, name)
        except (YamlError, ValueError, RecursionError) as exc:
            return {}, f"{path}: cannot read Jekyll config: {exc}"
        data = data if isinstance(data, dict) else {}
        too_long = [key for key in LISTS_READ_PER_FILE if isinstance(data.get(key), (list, dict))
                    and len(data[key]) > MAX_LIST_READ_PER_FILE]
        if too_long:  # the run stops with an error; meanwhile the lists are left out
            shown = ", ".join(f"`{key}` ({len(data[key]):,})" for key in too_long)
            return ({key: value for key, value in data.items() if key not in too_long},
                    f"{path}: {shown} has more entries than the {MAX_LIST_READ_PER_FILE:,} postlint reads "
                    "(each is looked at for every file; a site has tens)")
        problem = _defaults_date_problem(data)
        return data, (f"{path}: {problem}" if problem else None)

    @property
    def config(self) -> dict[str, Any]:
        """_config.yml (Jekyll's own configuration), or {} when absent or unreadable."""
        return self._jekyll_config[0]

    @property
    def config_error(self) -> str | None:
        """Why _config.yml cannot be read (None: fine or absent); the run reports it, cached or not."""
        return self._jekyll_config[1]

    def language(self, data: dict[str, Any], rel: str = "") -> str:
        """The primary language subtag (`en-US` -> `en`) of the file at `rel` with front matter
        `data`: its `lang`, else a folder named after a language the site declares (`.postlint.yaml`'s
        `site.languages`, else `_config.yml`'s `languages:`), else `_config.yml`'s `lang`, else "en" (see languages.py)."""
        return language_of(data, rel, self.config, self._languages)

    def is_english(self, data: dict[str, Any], rel: str = "") -> bool:
        """Is the file at `rel` written in English (or in no declared language)? Rules that rely
        on English word lists apply only then."""
        return self.language(data, rel) == ENGLISH

    @property
    def baseurl(self) -> str:
        return str(self.config.get("baseurl") or "").rstrip("/")

    def _inventory(self) -> frozenset[str]:
        if self._files is None:
            found = self._listed()
            self._files = frozenset(found)
            self._inventory_digest = digest("\n".join(sorted(found)).encode("utf-8", "surrogatepass"))
            # The listing entered no symbolic link to a folder: no folder of these files leads
            # outside (judged here for all at once; a warm run asks it of every file).
            for rel in found:
                self._folder_outside.setdefault(rel, False)
        return self._files

    def _listed(self) -> list[str]:
        return _files_below(self._root_path)

    def file_count(self) -> int:
        """How many files the site's source has, not recorded as an input: for the engine's choice
        of how to run, never for a finding."""
        return len(self._inventory())

    def share_of_file(self, rel: str, shares: int) -> int:
        """The fact-pass worker of the file `rel` (Recording.share_of_file): the files in a `_posts`
        or `_drafts` folder, the other texts and the rest of the files each dealt out in turn,
        in path order, so that each worker has as many files of each kind to read and parse (a
        digest of the path, as before, gave one of two workers 15% more of 18F's posts, and the
        others waited for it). A file the inventory does not list goes by the digest of its path.
        Not an input: who computes a fact changes nothing but how fast a run is."""
        if self._share_ranks is None:  # kinds told by the path alone, roughly: any split is right, this one even
            self._share_ranks = {}
            dealt = [0, 0, 0]
            for name in sorted(self._inventory()):
                kind = 0 if "_posts/" in name or "_drafts/" in name else \
                    1 if name[name.rfind("."):].lower() in POST_EXTENSIONS else 2
                self._share_ranks[name] = dealt[kind]
                dealt[kind] += 1
        rank = self._share_ranks.get(rel)
        return super().share_of_file(rel, shares) if rank is None else rank % shares

    def has_file(self, rel: str) -> bool:
        """Is `rel` one of the site's files now? Not recorded as an input: for the cache's
        upkeep, never for a finding."""
        return rel in self._inventory()

    @property
    def files(self) -> frozenset[str]:
        """Every file of the site's source, relative to the root with "/" separators."""
        files = self._inventory()
        self.record(INVENTORY, "", self._inventory_digest)
        return files

    @derived
    def files_by_folder(self) -> dict[str, list[str]]:
        """The site's files grouped by folder ("" for the root), each group sorted."""
        folders: dict[str, list[str]] = {}
        for rel in sorted(self.files):
            folders.setdefault(posixpath.dirname(rel), []).append(rel)
        return folders

    @derived(keep=Keeping(plain=lambda posts: [_plain_entry(entry) for entry in posts.values()],
                          restore=lambda plain: {fields[0]: PostEntry(*fields) for fields in plain}))
    def posts(self) -> dict[str, PostEntry]:
        """Posts and drafts by relative path (files in a _posts or _drafts folder)."""
        entries = {}
        for rel in self.files:
            entry = self._entry(rel)
            if entry is not None:
                entries[rel] = entry
        return entries

    def _entry(self, rel: str) -> PostEntry | None:
        """The post or draft a file of the site is, judged by its path alone (None: neither).
        Checked with `jekyll build`: any file of `_posts` with a date in its name is a post,
        whatever its extension (a `.txt` or `.textile` post is written as it is, at an address
        ending in its extension), except a `.yml` or `.yaml` file (exactly so written)."""
        if ("_posts/" in rel or "_drafts/" in rel) and os.path.splitext(rel)[1] not in YAML_DOCUMENT_EXTENSIONS:
            return post_entry(rel, self.collections_dir)
        return None

    def _post_at(self, rel: str) -> PostEntry:
        """The entry `posts` holds for `rel`, made again from its path alone: what a per-file fact
        starts from (a fact keeps only what its own computation read; see captures.py)."""
        return self._entry(rel)  # type: ignore[return-value] - rel is one of posts' keys

    def document_path(self, rel: str) -> str:
        """Jekyll's `relative_path` of a post, draft or collection document: from collections_dir."""
        base = self.collections_dir
        return rel[len(base) + 1:] if base and rel.startswith(base + "/") else rel

    @cached_property
    def collections_dir(self) -> str:
        """_config.yml's `collections_dir`: the folder that holds the collections, posts and drafts ("" for the root)."""
        return str(self.config.get("collections_dir") or "").strip("/")

    def kind_of(self, rel: str) -> str:
        if self.collections_dir and not rel.startswith(self.collections_dir + "/"):
            return "page"  # Jekyll reads posts and drafts only below collections_dir
        parts = rel.split("/")
        if "_drafts" in parts[:-1]:
            return "draft"
        if "_posts" in parts[:-1]:
            return "post"
        return "page"

    def front_matter(self, rel: str) -> FrontMatter:
        """Front matter of another file of the site (read and parsed once, kept).

        Only a regular file inside the site, within the size limit, is read: a `../` or
        absolute path written in a post reads nothing outside the site, a FIFO nothing at all.
        """
        known = self._front_matters.get(rel)
        if known is not None:  # asked before (some ten times per file): recorded as then, nothing worked out again
            value_digest, found = known
            self.record(FRONT_MATTER, rel, value_digest)
        else:
            if leaves_site(rel):
                self.record(FRONT_MATTER, rel, digest("outside"))
                return FrontMatter()
            value_digest = self._front_matter_digest(rel) if self.keeps_inputs else ""  # "": nothing records it
            self.record(FRONT_MATTER, rel, value_digest)
            try:
                found = self.post(rel).front_matter
            except Exception as exc:  # a parser bug: that file's own check reports it (PL001)
                return FrontMatter(present=True, error=f"postlint failed to parse this front matter: {type(exc).__name__}")
            self._front_matters[rel] = (value_digest, found)
        if self.handed_out is not None:
            self.handed_out.note(found.data, f"the front matter of {rel}")
        return found

    def jekyll_fails_reading(self, rel: str) -> bool:
        """Does Jekyll's reader raise on the front matter of this post, draft or collection
        document (invalid YAML, a top level that is not a mapping, categories_jekyll_cannot_merge)?
        It then keeps none of it, nor the date and slug of the file name: the document keeps its
        folders' categories and the `defaults` of _config.yml, is dated at the build's time, and
        is published at an address made of its whole file name."""
        front_matter = self.front_matter(rel)
        return front_matter.jekyll_fails or categories_jekyll_cannot_merge(front_matter.data) is not None

    def jekyll_cannot_decode(self, rel: str) -> bool:
        """Are the bytes of this post not UTF-8 text? Jekyll reads every file as UTF-8 (after an
        optional UTF-8 byte-order mark) and, checked with `jekyll build`, leaves out a post whose
        text is not valid ("could not read file … invalid byte sequence in UTF-8"): `post_url`
        does not find it. A site whose `encoding` is not UTF-8 is read otherwise: never here.
        Binary files and UTF-16 text are such files; a file postlint cannot read for another
        reason (too large, a device) is taken to be a post."""
        encoding = str(self.config.get("encoding") or "utf-8").lower()
        if encoding not in ("utf-8", "bom|utf-8"):
            return False
        if self.keeps_inputs:
            self.record(FRONT_MATTER, rel, self._front_matter_digest(rel))  # the input whose digest says which case this is
        source, _, _ = self._source(rel)
        return rel in self._not_utf8 if source is None else source.encoding != "utf-8"

    def defaults(self, rel: str, kind: str) -> dict[str, Any]:
        """The front-matter `defaults` of _config.yml that Jekyll gives `rel` of kind `kind` (see
        defaults.py), worked out once per file and kind: several rules and indexes ask for each
        post's. Never changed by a caller (deep_merged copies)."""
        key = (rel, kind)
        found = self._defaults.get(key)
        if found is None:
            found = self._defaults[key] = defaults_for(self.config, rel, kind)
        return found

    def document_data(self, rel: str, kind: str) -> dict[str, Any]:
        """The data Jekyll gives a post, draft (kind "posts") or collection document (its label):
        the front-matter `defaults` that apply, with the front matter merged over them, or none of
        the front matter when jekyll_fails_reading (the defaults are merged before it is read).
        Worked out once per front matter read (a post's dates, slug and address each ask): the
        front matter is read, and so recorded, at each call."""
        front_matter = self.front_matter(rel)
        known = self._document_data.get((rel, kind))
        if known is not None and known[0] is front_matter:
            if self.handed_out is not None:
                self.handed_out.note(known[1], f"the data of {rel}")
            return known[1]
        written = {} if self.jekyll_fails_reading(rel) else self.front_matter(rel).data
        defaults = self.defaults(rel, kind)
        data = deep_merged(defaults, written)
        if defaults.get("categories") is not None and written.get("categories") is not None:
            # Document#merge_categories!: the front matter's categories join the defaults' ones
            joined = urls.category_list(defaults["categories"])
            joined += [c for c in urls.category_list(written["categories"]) if c not in joined]
            data["categories"] = joined
        self._document_data[(rel, kind)] = (front_matter, data)
        if self.handed_out is not None:
            self.handed_out.note(data, f"the data of {rel}")
        return data

    def whole_post(self, rel: str) -> Post:
        """Another file of the site, front matter and body, for a rule that reads across posts
        (read once, shared with that file's own check)."""
        if leaves_site(rel):
            self.record(CONTENT, rel, digest("outside"))
            return Post(Source.from_text(self.root / rel, ""), rel, rel, "page", read_error=OUTSIDE)
        if self.keeps_inputs:
            self.record(CONTENT, rel, self.content_digest(rel))
        return self.post(rel)

    def published_posts(self, future: bool) -> list[PostEntry]:
        """The posts a normal `jekyll build` writes (no drafts, no `published: false`, no future
        post unless `future`), in order of their path."""
        def build() -> list[PostEntry]:
            entries = self.posts  # inside the build: the list's inputs include the posts' (the inventory)
            return [entries[rel] for rel, reason in self.facts_of(
                f"unpublished-reason:{future}", sorted(entries), lambda rel: self._unpublished_reason(self._post_at(rel), future))
                if reason is None]

        return self.index(f"published-posts:{future}", build, _POST_LIST)

    # --- the words of the published posts (summary-relevance's document frequencies) -----------

    def term_frequency(self, term: str, future: bool) -> int:
        """In how many of the published English posts (future ones with `future`) the folded
        term `term` occurs (parse/terms.py); for "", how many of those posts have words.

        Recorded as an input of its own, the count itself as its digest, instead of as the
        counts' group of inputs (every such post's text): a post's result then depends on the few
        counts its check read, and an edit elsewhere that leaves them as they were leaves it
        valid. Without this, one post's body edited made every other post's cached result stale."""
        found = self._term_frequency(term, future)
        self.record(TERM_FREQUENCY, f"{future}:{term}", str(found))
        return found

    def prepare_term_counts(self, future: bool) -> None:
        """Count the terms now (Recording.prepare): in a parallel run's fact pass, each worker
        counts its share of the posts."""
        self.prepare(lambda: self._term_frequency("", future))

    def _term_frequency(self, term: str, future: bool) -> int:
        """term_frequency's answer, not recorded. The counts: the document frequency of each term
        over the published English posts, and how many of them have words; counted from each
        post's `english-terms` fact, corrected from the previous run's counts by the posts that
        changed (word_counts)."""
        def build() -> tuple[Counter[str], int]:
            rels = [entry.rel for entry in self.published_posts(future)]
            return self.word_counts(f"summary-terms:{future}", "english-terms", rels, self._english_terms)

        counts, posts = self.unreported_index(f"summary-terms:{future}", build)
        return counts[term] if term else posts

    # --- the terms the published posts define (cross-post-definition) ---------------------------

    def term_definitions(self, term: str, future: bool, kramdown: bool, max_words: int) -> definitions.TermDefinitions:
        """Language -> the published posts' (future ones with `future`) definitions of the term key
        `term`, earliest post first, as jekyll/definitions.py counts them.

        Recorded as an input of its own, the answer's digest as its digest, instead of as the
        group of inputs it was found from (every post's text): a post's result then depends on
        the definitions of the terms it defines. Without this, one post's body edited made every
        post that defines a term stale."""
        found = self._term_definitions(term, future, kramdown, max_words)
        if self.keeps_inputs:
            self.record(TERM_DEFINITIONS, f"{future}:{kramdown}:{max_words}:{term}", self._definitions_digest(found))
        return found

    def _definitions_digest(self, found: definitions.TermDefinitions) -> str:
        """digest(found), computed once for each answer (the same object each time it is asked):
        every post that defines a term asks about it, and a term that thousands of posts define
        was digested whole for each of them."""
        memo = self.__dict__.setdefault("_definitions_digests", {})
        known = memo.get(id(found))
        if known is None or known[0] is not found:
            known = memo[id(found)] = (found, digest(found))  # the answer kept: its id stays its own
        return known[1]

    def prepare_term_definitions(self, future: bool, kramdown: bool, max_words: int) -> None:
        """Find every post's definitions now (Recording.prepare): in a parallel run's fact pass,
        each worker parses its share of the posts."""
        self.prepare(lambda: self._term_definitions("", future, kramdown, max_words, every=True))

    def _term_definitions(self, term: str, future: bool, kramdown: bool, max_words: int,
                          every: bool = False) -> definitions.TermDefinitions:
        """term_definitions' answer, not recorded: from the index of every term's definitions when
        the run checks many posts or an earlier run built it (its posts' definitions are then in
        the cache, and a warm run that checks a few posts again asks about every post's terms),
        else from the term's own, which parses only the posts that may define it. The answers
        are the same."""
        whole = f"definitions-by-term:{future}:{definitions.fact_name(kramdown, max_words)}"
        if every or self.checks_many or self.has_index(whole):
            return self.unreported_index(whole, definitions.every_term(self, future, kramdown, max_words),
                                         AS_IT_IS).get(term, {})
        return self.unreported_index(f"{whole}:{term}", definitions.one_term(self, term, future, kramdown, max_words))

    def _english_terms(self, rel: str) -> str | None:
        """The distinct terms of a post's body, space-separated (one string loads much faster
        from the cache than a list of hundreds), in the order they first occur; None: not
        readable, or not written in English."""
        # Imported here: only a run that counts the site's terms needs it.
        from postlint.parse.terms import distinct_terms, plain

        other = self.whole_post(rel)
        # Its front matter as front_matter gives it: a parser bug there is that file's finding (PL001).
        front_matter = self.front_matter(rel)
        if other.read_error is not None or not self.is_english(front_matter.data, rel):
            return None
        return " ".join(distinct_terms(plain(other.text[front_matter.body_offset:])))

    def lint_targets(self, folder: Path) -> list[Path]:
        """The posts and drafts inside `folder` (LINTED_POST_EXTENSIONS); every Markdown/HTML file when it has none."""
        folder = folder.resolve()
        try:
            rel_folder = folder.relative_to(self.root).as_posix()
        except ValueError:
            return []
        prefix = "" if rel_folder == "." else rel_folder + "/"
        inside = [rel for rel in self.files if rel.startswith(prefix)]
        posts = [rel for rel in inside if self.kind_of(rel) in ("post", "draft")
                 and os.path.splitext(rel)[1].lower() in LINTED_POST_EXTENSIONS and not jekyll_ignores(rel.rsplit("/", 1)[-1])]
        if not posts and not any("/_posts/" in "/" + rel for rel in self.files):
            posts = [rel for rel in inside if os.path.splitext(rel)[1].lower() in POST_EXTENSIONS
                     and not any(part.startswith((".", "_")) for part in rel.split("/"))]
        return [self.root / rel for rel in sorted(posts, key=lambda rel: rel.split("/"))]  # as paths sort

    # --- what Jekyll publishes (links and images rules) ------------------------------------------

    def post_date(self, entry: PostEntry) -> _dt.date | None:
        """The day Jekyll publishes a post on: its front-matter date when readable, else its file name's."""
        dates = self.post_dates(entry)
        return dates[0] if dates else None

    def post_dates(self, entry: PostEntry) -> list[_dt.date]:
        """The days Jekyll may publish a post on, most likely first.

        Jekyll moves a front-matter time with a UTC offset into the site's `timezone` (the
        build machine's zone when none is set), which can change the day in the URL. With a
        `timezone` the converted day is the answer; without one both days are possible. An
        unquoted YAML time without an offset is a UTC time to Ruby's YAML, so with a `timezone`
        it moves too (`2019-11-28 00:30:00` is published on the 27th in Los Angeles); quoted,
        it is read in the site's zone and stays. A per-file fact: kept across runs.
        """
        days = self.per_file("post-dates", entry.rel, lambda: [day.isoformat() for day in self._post_dates(entry)])
        return [_dt.date.fromisoformat(day) for day in days]

    def _post_dates(self, entry: PostEntry) -> list[_dt.date]:
        value = self.document_data(entry.rel, "posts").get("date")
        if value is None and self.jekyll_fails_reading(entry.rel):
            return []  # dated at the build's time: no day to name
        days = self.publication_days(value) if value is not None else []
        if days:
            return days
        found = filename_date(entry.rel.rsplit("/", 1)[-1])
        return [found] if found else []

    def publication_days(self, value: Any) -> list[_dt.date]:
        """The days a post whose `date` is `value` may be published on, most likely first (see
        post_dates); none when Jekyll cannot read it."""
        judged = judge_date(value)
        if judged.date is None:
            return []
        moment = _aware_datetime(value)
        zone = self.timezone
        if moment is None and zone is not None and isinstance(value, _dt.datetime):
            moment = value.replace(tzinfo=_dt.timezone.utc)
        if moment is None:
            return [judged.date]
        converted = moment.astimezone(zone or _dt.timezone.utc).date()
        if zone is not None:
            return [converted]
        return [judged.date] + ([converted] if converted != judged.date else [])

    @cached_property
    def plugins(self) -> frozenset[str]:
        """The gems _config.yml's `plugins` (or the older `gems`) names."""
        config = self.config
        return frozenset(str(p) for key in ("plugins", "gems") if isinstance(config.get(key), list) for p in config[key])

    @property
    def template_folders(self) -> tuple[str, str]:
        """The layouts and includes folders (`layouts_dir`, `includes_dir`), each with a trailing "/"."""
        return tuple(str(self.config.get(key) or default).strip("/") + "/"  # type: ignore[return-value]
                     for key, default in (("layouts_dir", "_layouts"), ("includes_dir", "_includes")))

    @derived
    def runs_seo_tag(self) -> bool:
        """Does the site run jekyll-seo-tag? Its `plugins` name it, or a layout or include of the
        site uses the plugin's `{% seo %}` tag, which builds only when the plugin is loaded (a
        theme's gem may load it: minima depends on it, and Jekyll loads a theme's dependencies)."""
        if "jekyll-seo-tag" in self.plugins:
            return True
        for rel in sorted(self.files):
            if rel.startswith(self.template_folders):
                data = self.site_file(rel)
                if isinstance(data, bytes) and _SEO_TAG.search(data):
                    return True
        return False

    @cached_property
    def timezone(self) -> _dt.tzinfo | None:
        """_config.yml's `timezone` (an IANA name), or None when unset or unknown."""
        name = self.config.get("timezone")
        if not isinstance(name, str):
            return None
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            return None

    @derived
    def posts_by_name_prefix(self) -> dict[str, list[PostEntry]]:
        """Posts and drafts by each part of their file name that ends before a dot, sorted by path.

        `{% post_url date-slug %}` only ever matches a file whose name starts with "date-slug.",
        so a tag looks at the few posts filed under that key instead of scanning the whole site.
        """
        index: dict[str, list[PostEntry]] = {}
        for entry in sorted(self.posts.values(), key=lambda e: e.rel):
            filename = entry.rel.rsplit("/", 1)[-1]
            dot = filename.find(".")
            while dot != -1:
                index.setdefault(filename[:dot], []).append(entry)
                dot = filename.find(".", dot + 1)
        return index

    @derived
    def posts_by_slug(self) -> dict[str, list[PostEntry]]:
        """Posts and drafts by `post_slug`, sorted by path (for Jekyll's deprecated fallback)."""
        index: dict[str, list[PostEntry]] = {}
        entries = self.posts
        for rel, slug in self.facts_of("post-slug", sorted(entries), lambda rel: self._post_slug(self._post_at(rel))):
            index.setdefault(slug, []).append(entries[rel])
        return index

    def post_slug(self, entry: PostEntry) -> str:
        """Jekyll's `data["slug"]`: front-matter `slug` when set, else the file name's. A per-file fact."""
        return self.per_file("post-slug", entry.rel, lambda: self._post_slug(entry))

    def _post_slug(self, entry: PostEntry) -> str:
        return self._document_slug(entry.rel, self.document_data(entry.rel, "posts"), entry.slug)

    def unpublished_reason(self, entry: PostEntry, future: bool) -> str | None:
        """Why a normal `jekyll build` leaves this post out (None: it is built). A per-file fact:
        kept across runs."""
        return self.per_file(f"unpublished-reason:{future}", entry.rel, lambda: self._unpublished_reason(entry, future))

    def _unpublished_reason(self, entry: PostEntry, future: bool) -> str | None:
        if entry.draft:
            return "is a draft (drafts are only built with --drafts)"
        if self.jekyll_cannot_decode(entry.rel):
            return "is not UTF-8 text, which Jekyll cannot read (it leaves the post out)"
        if self.is_excluded(entry.rel):
            return "is left out by `exclude` in _config.yml"
        if self._hidden_by_published(self.document_data(entry.rel, "posts")):
            return "has `published: false`"
        date = self.post_date(entry)
        if not future and date is not None:
            self.record(TODAY, "", self._today_digest)
        if not future and date is not None and date > self._today:
            return f"is dated {date.isoformat()}, in the future (not built unless `future: true`)"
        return None

    def _hidden_by_published(self, data: dict[str, Any]) -> bool:
        """Publisher#can_be_published?: `published` missing means yes, false or null no, unless
        _config.yml says `unpublished: true`."""
        return ("published" in data and (data["published"] is False or data["published"] is None)
                and not _ruby_truthy(self.config.get("unpublished")))

    def unwritten_reason(self, rel: str, future: bool) -> str | None:
        """Why Jekyll reads the page, collection file or static file `rel` and writes nothing for
        it (None: it is written). Checked with `jekyll build`: a page is left out by its own
        `published: false` only (`defaults` do not count for pages), a collection document by its
        own or its defaults' (or a future date), a static file by its defaults' alone, even with
        `unpublished: true`. A per-file fact: kept across runs."""
        return self.per_file(f"unwritten-reason:{future}", rel, lambda: self._unwritten_reason(rel, future))

    def _unwritten_reason(self, rel: str, future: bool) -> str | None:
        collection = self.collection_of(rel)
        if not self.has_yaml_header(rel):
            label = collection[1]["label"] if collection is not None else ""
            published = self.defaults(self.document_path(rel), label).get("published", True)
            return None if _ruby_truthy(published) else "is left out by `published: false` in _config.yml's defaults"
        if collection is None:
            front_matter = self.front_matter(rel)
            return "has `published: false`" if self._hidden_by_published(
                {} if front_matter.jekyll_fails else front_matter.data) else None
        data = self.document_data(rel, collection[1]["label"])
        if self._hidden_by_published(data):
            return "has `published: false`"
        date = self._document_date(rel, data)
        if not future and date is not None:
            self.record(TODAY, "", self._today_digest)
            if date > self._today:
                return f"is dated {date.isoformat()}, in the future (not built unless `future: true`)"
        return None

    def future(self, override: bool | None) -> bool:
        """Does the build include future-dated posts? postlint's `site.future` wins over _config.yml."""
        return bool(self.config.get("future", False)) if override is None else override

    @cached_property
    def excluded(self) -> tuple[str, ...]:
        """_config.yml's `exclude`, less the entries `include` names too (EntryFilter#excluded?)."""
        patterns = self.config.get("exclude")
        if not isinstance(patterns, list):
            return ()
        included = self.config.get("include") if isinstance(self.config.get("include"), list) else []
        return tuple(str(p).lstrip("/") for p in patterns if p is not None and p not in included and str(p).strip("/"))

    @cached_property
    def _excluded_pattern(self) -> re.Pattern | None:
        """`excluded` as one regex, as Jekyll matches each entry: a plain start of the path (with
        no regard to `/`: `docs` leaves out `docs-old/` too, as `jekyll build` does) or a glob."""
        if not self.excluded:
            return None
        alternatives = [f"{re.escape(p)}|{fnmatch.translate(p)}" for p in self.excluded]
        return re.compile("|".join(alternatives), re.S)

    def is_excluded(self, rel: str) -> bool:
        """Is `rel` left out by _config.yml's `exclude` (a glob or a path prefix)?"""
        return self._excluded_pattern is not None and self._excluded_pattern.match(rel) is not None

    def has_yaml_header(self, rel: str) -> bool:
        """Jekyll's Utils.has_yaml_header?: the first line is `---` (only that line is read)."""
        answer = self._has_yaml_header(rel)
        self.record(YAML_HEADER, rel, digest(answer))
        return answer

    def _has_yaml_header(self, rel: str) -> bool:
        if rel not in self._yaml_headers:
            # Which way is decided by the name alone: a UTF-16 or bare-CR file's first line reads
            # differently as text and as bytes, and the answer must not depend on whether this
            # process happened to read the file as text before.
            if posixpath.splitext(rel)[1].lower() in POST_EXTENSIONS:
                source = self._source(rel)[0]  # a text file is read whole once anyway
                if source is not None:
                    text = source.text
                    end = text.find("\n")  # the first line alone: split would copy the rest of the text
                    self._yaml_headers[rel] = (text if end < 0 else text[:end]).rstrip() == "---"
                    return self._yaml_headers[rel]
            head = self._head(rel)
            first = head.split(b"\n", 1)[0] if isinstance(head, bytes) else b""
            self._yaml_headers[rel] = first.lstrip(b"\xef\xbb\xbf").rstrip() == b"---"
        return self._yaml_headers[rel]

    def _head(self, rel: str) -> bytes | Exception:
        """The first HEAD_BYTES of a file that is not text to lint (an image, a static file), read
        once: its first line says whether it is a page, its header gives an image's size. A file
        that short is kept whole."""
        if rel in self._whole:
            return self._whole[rel][:HEAD_BYTES]
        if rel not in self._heads:
            try:
                data, complete = self._file_head(rel)
            except (OSError, UnreadableFile) as exc:
                self._heads[rel] = exc
            else:
                if complete:
                    self._whole[rel] = data
                self._heads[rel] = data[:HEAD_BYTES]
        return self._heads[rel]

    def _file_head(self, rel: str) -> tuple[bytes, bool]:
        """read_head of the file `rel` for _head. Raises UnreadableFile or OSError."""
        info = _lstat(os.path.join(self._root_path, rel))  # one lstat: is it a link, its signature, its type
        if self._outside(rel, info):
            raise UnreadableFile(OUTSIDE)
        self.memo.before_read(rel, info)
        return read_head(os.path.join(self._root_path, rel), HEAD_BYTES, WHOLE_BYTES, info)

    def _site_key(self, path: Path | str) -> str:
        """How the site names a file: relative to the root when inside it, else absolute."""
        full = os.path.abspath(self.root / path)
        inside = os.path.relpath(full, self.root)
        return full if leaves_site(inside.replace(os.sep, "/")) else inside.replace(os.sep, "/")

    @cached_property
    def collections(self) -> dict[str, dict[str, Any]]:
        """Collections of _config.yml (besides posts) by folder, e.g. {"_docs": {"label": "docs", "output": True}}."""
        raw = self.config.get("collections")
        if isinstance(raw, list):
            raw = {str(label): {} for label in raw}
        if not isinstance(raw, dict):
            return {}
        base = self.collections_dir
        found = {}
        for label, meta in raw.items():
            if str(label) in ("posts", "drafts"):
                continue
            meta = meta if isinstance(meta, dict) else {}
            folder = f"{base}/_{label}" if base else f"_{label}"
            found[folder] = {"label": str(label), "output": meta.get("output") is True, "permalink": meta.get("permalink")}
        return found

    @cached_property
    def posts_permalink(self) -> str:
        """The posts' permalink template: `collections.posts.permalink`, else the site's style."""
        raw = self.config.get("collections")
        posts = raw.get("posts") if isinstance(raw, dict) else None
        if isinstance(posts, dict) and posts.get("permalink"):
            return urls.PERMALINK_STYLES.get(str(posts["permalink"]).lstrip(":"), str(posts["permalink"]))
        return urls.site_style(self.config)

    def collection_of(self, rel: str) -> tuple[str, dict[str, Any]] | None:
        for folder, meta in self.collections.items():
            if rel.startswith(folder + "/"):
                return folder, meta
        return None

    def is_served_as_is(self, rel: str) -> bool:
        """A file Jekyll reads as a page or static file: not is_hidden, not excluded."""
        return not self.is_hidden(rel) and not self.is_excluded(rel)

    def is_hidden(self, rel: str) -> bool:
        """Does Jekyll's reader skip `rel`? Checked with `jekyll build`: it skips a folder or file
        whose name starts with `.`, `_`, `#` or `~` or ends with `~`, unless an `include` entry
        matches that name (as a glob, as its start, or with a trailing `/`); a file whose whole
        path is an `include` entry is read anyway (`.well-known/security.txt`, not its folder)."""
        if "~" not in rel and not rel.startswith((".", "_", "#")) and "/." not in rel and "/_" not in rel \
                and "/#" not in rel:
            return False  # no name starts with `.`, `_`, `#` or `~`, nor ends with `~`: asked of every file
        parts = rel.split("/")
        if not any(_special_name(part) for part in parts):
            return False
        patterns = self._include_patterns
        if any(pattern.lstrip("/") == rel for pattern in patterns):
            return False
        return any(_special_name(part) and not (self._included(part) or part + "/" in patterns) for part in parts)

    def renders_liquid(self, post: Post) -> bool:
        """Does Jekyll run the Liquid of this file? Checked with `jekyll build`: not in a page or
        collection file without front matter (copied as it is), nor with `render_with_liquid:
        false`, its own or its defaults'; a post's always otherwise."""
        entry = self.posts.get(post.rel)
        if entry is None and not post.front_matter.present:
            return False
        collection = self.collection_of(post.rel)
        kind = "posts" if entry is not None else collection[1]["label"] if collection is not None else "pages"
        return deep_merged(self.defaults(post.rel, kind), post.data).get("render_with_liquid") is not False

    def title_heading_level(self, post: Post) -> int | None:
        """The level (1-6) of the heading in which the post's layout prints its title: the first
        `{{ page.title }}` inside an `<h1>`...`<h6>` of its layout (its `layout`, else the
        `defaults`'), else of the layout that layout names in its own front matter, and so on.
        None when no layout of the chain is a file of the site (a theme's) or prints the title
        in a heading (an include may). Each layout is read through site_file: recorded."""
        collection = self.collection_of(post.rel)
        kind = "posts" if self.kind_of(post.rel) in ("post", "draft") else \
            collection[1]["label"] if collection is not None else "pages"
        name = deep_merged(self.defaults(post.rel, kind), post.data).get("layout")
        folder = str(self.config.get("layouts_dir") or "_layouts").strip("/")
        seen: set[str] = set()
        while isinstance(name, str) and name and name not in seen and len(seen) < MAX_LAYOUT_DEPTH:
            seen.add(name)
            rel = f"{folder}/{name}.html"
            data = self.site_file(rel)
            if isinstance(data, str):
                return None  # no such layout in the site: a theme's, or none
            if rel not in self._layouts:  # each layout read once per process (a whole-site run asks for every post)
                text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
                front_matter = FRONT_MATTERS.parse(text)  # no PyYAML for a layout an earlier run parsed
                self._layouts[rel] = (_title_heading_level(text[front_matter.body_offset:]), front_matter.data.get("layout"))
            level, name = self._layouts[rel]
            if level is not None:
                return level
        return None

    def skipped_in_collection(self, rel: str) -> bool:
        """Does Jekyll leave out this file of a collection? Checked with `jekyll build`: inside a
        collection its EntryFilter looks at the first folder and at the file's name only
        (`_notes/_priv/a.md` and `_notes/sub/_c.md` are skipped, `_notes/sub/_x/a.md` is not),
        unless `include` names them."""
        collection = self.collection_of(rel)
        if collection is None:
            return False
        inner = rel[len(collection[0]) + 1:]
        name = inner.rsplit("/", 1)[-1]
        if not (_special_name(inner.split("/", 1)[0]) or _special_name(name)):
            return False
        return not (self._included(inner) or self._included(name))

    def _included(self, name: str) -> bool:
        """Does an `include` entry match `name` (EntryFilter#glob_include?: a glob, or its start)?"""
        return any(ruby_fnmatch(pattern, name) or name.startswith(pattern) for pattern in self._include_patterns)

    @cached_property
    def _include_patterns(self) -> list[str]:
        included = self.config.get("include")
        return [str(p) for p in included if p is not None and str(p)] if isinstance(included, list) else []

    def published_url(self, rel: str) -> str | None:
        """The URL Jekyll gives a post, page or collection document (None: not computable or not written)."""
        found = self.published_urls(rel)
        return found[0] if found else None

    def published_urls(self, rel: str) -> list[str]:
        """Every URL Jekyll may give the file (a post's day can depend on the build's time zone)."""
        return self._published_urls(rel, self.posts.get(rel))

    def _published_urls(self, rel: str, entry: PostEntry | None) -> list[str]:
        """published_urls of a file known to exist, `entry` when it is a post or draft."""
        if entry is not None:
            dates = self.post_dates(entry) or [None]
            return [url for url in dict.fromkeys(self._url(rel, entry, date) for date in dates) if url is not None]
        url = self._url(rel, None, None)
        return [url] if url is not None else []

    def _url(self, rel: str, entry: PostEntry | None, post_date: _dt.date | None) -> str | None:
        data = self.front_matter(rel).data
        if entry is not None:
            if entry.draft:
                return None
            data = self.document_data(rel, "posts")
            template = str(data.get("permalink") or self.posts_permalink)
            inner = self.document_path(rel)
            before_posts = inner.split("/_posts/")[0] if "/_posts/" in inner else ""
            path_categories = [c for c in before_posts.split("/") if c]
            return urls.fill(template, self._document_values(rel, "posts", data, path_categories,
                                                            post_date, self.post_slug(entry)))
        collection = self.collection_of(rel)
        if collection is not None:
            _, meta = collection
            if not meta["output"]:
                return None
            data = self.document_data(rel, meta["label"])
            template = str(data.get("permalink") or meta["permalink"]
                           or urls.add_permalink_suffix("/:collection/:path", self.config))
            return urls.fill(template, self._document_values(rel, meta["label"], data, [], self._document_date(rel, data),
                                                            self._document_slug(rel, data, self._name_slug(rel))))
        data = deep_merged(self.defaults(rel, "pages"), data)
        folder, name = posixpath.split(rel)
        basename, ext = posixpath.splitext(name)
        out_ext = urls.output_ext(rel, self.config)
        if data.get("permalink"):
            template = str(data["permalink"])
        elif out_ext != ".html":
            template = "/:path/:basename:output_ext"
        elif basename == "index":
            template = "/:path/"
        else:
            template = urls.add_permalink_suffix("/:path/:basename", self.config)
        return urls.fill_in_order(template, [("path", "/" + folder), ("basename", basename), ("output_ext", out_ext)])

    def _collection_static_url(self, rel: str) -> str | None:
        """Where a file without front matter in an output collection is copied: StaticFile#url,
        the collection's template filled in order (its `:title` is empty, `:name` the file's
        name), one trailing `/` dropped, then the extension (`/:collection/:title/` gives `/notes.txt`)."""
        collection = self.collection_of(rel)
        if collection is None or not collection[1]["output"]:
            return None
        label = collection[1]["label"]
        template = str(collection[1]["permalink"] or urls.add_permalink_suffix("/:collection/:path", self.config))
        stem, ext = posixpath.splitext(rel.rsplit("/", 1)[-1])
        filled = urls.fill_in_order(template, [("collection", label), ("path", self._cleaned_path(rel, label)),
                                               ("output_ext", ""), ("name", stem.rstrip(".")), ("title", "")])
        return (filled[:-1] if filled.endswith("/") else filled) + ext

    def _cleaned_path(self, rel: str, label: str) -> str:
        """Document#cleaned_relative_path (`:path`): without the extension, the first `_label`
        taken out wherever it is (`sub/_posts/x.md` gives `sub//x`), trailing dots dropped."""
        relative = self.document_path(rel)
        ext = posixpath.splitext(relative.rsplit("/", 1)[-1])[1]
        return (relative[:-len(ext)] if ext else relative).replace("_" + label, "", 1).rstrip(".")

    def _document_date(self, rel: str, data: dict[str, Any]) -> _dt.date | None:
        """A collection document's date: its data's, else its file name's (Document#populate_title),
        else the build's time (None: no day to name)."""
        if data.get("date") is not None:
            return judge_date(data["date"]).date
        return None if self.jekyll_fails_reading(rel) else filename_date(rel.rsplit("/", 1)[-1])

    def _document_slug(self, rel: str, data: dict[str, Any], name_slug: str) -> str:
        """A post's or collection document's `data["slug"]` (Document#populate_title: `data["slug"]
        ||= slug`): its data's, else `name_slug`, its file name's; the whole name when Jekyll cannot
        read it (no slug is taken from the file name then: its URL has the whole name)."""
        value = data.get("slug")
        if value is not None and value is not False:
            return str(value)
        if self.jekyll_fails_reading(rel):
            return posixpath.splitext(rel.rsplit("/", 1)[-1])[0]
        return name_slug

    @staticmethod
    def _name_slug(rel: str) -> str:
        """A collection document's slug from its file name: without a date (`2020-03-04-gamma.md` gives `gamma`)."""
        name = rel.rsplit("/", 1)[-1]
        dated = POST_FILENAME.match(name)
        return (dated.group(2) if dated else posixpath.splitext(name)[0]).rstrip(".")

    def _document_values(self, rel: str, label: str, data: dict[str, Any], path_categories: list[str],
                         date: _dt.date | None, slug: str) -> dict[str, str]:
        stem = posixpath.splitext(rel.rsplit("/", 1)[-1])[0]
        cats = urls.categories(data, path_categories)
        values = {
            "collection": label, "path": self._cleaned_path(rel, label), "name": urls.slugify(stem) or "",
            "title": urls.slugify(slug, pretty=True, cased=True) or "", "slug": urls.slugify(slug) or "",
            # UrlDrop gathers both into a set: `News` from the front matter and a `news` folder are one
            "categories": "/".join(dict.fromkeys(c.lower() for c in cats)),
            "slugified_categories": "/".join(dict.fromkeys(urls.slugify(c) or "" for c in cats)),
            "output_ext": urls.output_ext(rel, self.config),
        }
        values.update(urls.date_values(date))
        return values

    @derived(keep=AS_IT_IS)
    def url_index(self) -> dict[str, str]:
        """Every address the built site serves, by urls.url_key: pages, posts, documents, static files.

        Built from each file's served_urls: the first run reads the front matter of every page,
        post and document; a warm run only that of the files that changed.
        """
        index: dict[str, str] = {}
        for _, served in self.served_urls_of_all:
            for key, url, _ in served:
                index.setdefault(key, url)
        for redirect in self.host_redirects:  # a splat or placeholder is a pattern (generated_patterns)
            index.setdefault(urls.url_key(redirect), redirect)
        return index

    @derived
    def served_urls_of_all(self) -> list[tuple[str, list[list[str]]]]:
        """(rel, served_urls(rel)) for every file of the site, in path order: the URL index and
        links.py's address sources both read them, and one walk over the facts serves both."""
        return list(self.facts_of("served-urls", sorted(self.files), self._served_urls))

    def served_urls(self, rel: str) -> list[list[str]]:
        """[url_key, url, how] for each address the file `rel` of the site gives the built site;
        `how` is "static" (copied as it is), "page" (rendered: a post, page or document) or
        "redirect" (a jekyll-redirect-from page). A per-file fact: kept across runs."""
        return self.per_file("served-urls", rel, lambda: self._served_urls(rel))

    def _served_urls(self, rel: str) -> list[list[str]]:
        served: list[list[str]] = []
        entry = self._entry(rel)
        if self.is_served_as_is(rel):
            if not self.has_yaml_header(rel):  # a static file, copied as it is
                served.append([urls.url_key("/" + rel), "/" + rel, "static"])
                if ".." in rel:  # Jekyll writes "a..png" as "a.png"
                    served.append([urls.url_key("/" + rel.replace("..", ".")), "/" + rel.replace("..", "."), "static"])
                return served
        elif not (entry or self.collection_of(rel)) or self.is_excluded(rel) or self.skipped_in_collection(rel):
            return served
        elif not self.has_yaml_header(rel) and entry is None:
            url = self._collection_static_url(rel)
            return [[urls.url_key(url), url, "static"]] if url is not None else served
        served.extend([urls.url_key(url), url, "page"] for url in self._published_urls(rel, entry))
        redirects = self.front_matter(rel).data.get("redirect_from")
        for redirect in redirects if isinstance(redirects, list) else [redirects] if isinstance(redirects, str) else []:
            if isinstance(redirect, str):
                served.append([urls.url_key("/" + redirect.lstrip("/")), redirect, "redirect"])
        return served

    @derived
    def generated_patterns(self) -> tuple[urls.AddressPattern, ...]:
        """Addresses that plugins of _config.yml or host redirects generate and no source file names.

        Links matching them are not judged. Each pattern's `:placeholder` matches one path
        segment (`:year` four digits), a Netlify `*` anything.
        """
        config, plugins = self.config, self.plugins
        patterns: list[str] = []
        paginate = config.get("paginate_path")
        if paginate or "jekyll-paginate" in plugins or "jekyll-paginate-v2" in plugins:
            patterns.append(str(paginate or "/page:num/"))
        if "jekyll-feed" in plugins:
            feed = config.get("feed") if isinstance(config.get("feed"), dict) else {}
            patterns += [str(feed.get("path") or "/feed.xml"), "/feed/*"]
        if "jekyll-sitemap" in plugins:
            patterns += ["/sitemap.xml", "/robots.txt"]
        if "jekyll-archives" in plugins:
            archives = config.get("jekyll-archives") if isinstance(config.get("jekyll-archives"), dict) else {}
            links = archives.get("permalinks") if isinstance(archives.get("permalinks"), dict) else {}
            patterns += [str(p) for p in links.values()] or ["/:year/", "/:year/:month/", "/:year/:month/:day/",
                                                             "/tag/:name/", "/category/:name/"]
        patterns += [path for path in self.host_redirects if re.search(r"[*:]", path)]
        return tuple(urls.AddressPattern(p) for p in patterns)

    @derived
    def host_redirects(self) -> list[str]:
        """Source paths of Netlify redirects and rewrites (`_redirects`, `netlify.toml`): the host
        answers them, not Jekyll. A rule whose status is 4xx is not one: `/* /404.html 404` serves
        the site's not-found page for every address that has none, and a link there is broken."""
        found: list[str] = []
        for name in ("_redirects", "netlify.toml"):
            if name not in self.files:
                continue
            data = self.site_file(name)
            if isinstance(data, str):
                continue
            text = data.decode("utf-8", errors="replace")
            rules = _redirects_file_rules(text) if name == "_redirects" else _netlify_toml_rules(text)
            found += [source for source, status in rules if not 400 <= status < 500]
        return found

    def site_file(self, name: str, limit: int = 1 << 20) -> bytes | str:
        """The bytes of a small file (a schema, a redirects file), or why it cannot be read.

        `name` is relative to the site root, or absolute for a file named by the config.
        """
        answer = self._site_file(name, limit)
        self.record(FILE, name, self._site_file_digest(name))
        return answer

    def json_schema(self, name: str) -> dict[str, Any]:
        """The JSON Schema file `name` (in the site or the configuration's folder), parsed.

        Raises SchemaError when it cannot be read, is not a JSON object, or refers to anything
        but itself: a `$ref` that is not `#...` would make a validator fetch it, and postlint
        never fetches.
        """
        data = self.site_file(name)
        if isinstance(data, str):
            raise SchemaError(f"front-matter schema '{name}' {data}")
        try:
            schema = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise SchemaError(f"front-matter schema '{name}' is not JSON: {exc}") from None
        if not isinstance(schema, dict):
            raise SchemaError(f"front-matter schema '{name}' must be a JSON object")
        remote = _outside_refs(schema)
        if remote:
            raise SchemaError(f"front-matter schema '{name}' has a remote $ref '{remote}': postlint never fetches "
                              "anything; put the definitions under $defs and refer to them as '#/$defs/...'")
        return schema

    def _site_file(self, name: str, limit: int = 1 << 20) -> bytes | str:
        key = self._site_key(name)
        if key not in self._whole and key not in self._site_file_errors:
            try:
                if self._outside(key):
                    raise UnreadableFile("is outside the site and the configuration's folder; not read")
                self.memo.before_read(key)
                self._whole[key] = read_bytes(self.root / name, limit)
            except (OSError, UnreadableFile) as exc:
                self._site_file_errors[key] = f"cannot be read: {getattr(exc, 'strerror', None) or exc}"
        if key in self._site_file_errors:
            return self._site_file_errors[key]
        data = self._whole[key]
        return data if len(data) <= limit else f"cannot be read: over the {limit:,}-byte limit"

    def _site_file_digest(self, name: str) -> str:
        return digest(self._site_file(name))

    def image_size(self, rel: str) -> tuple[int, int] | str:
        """(width, height) of an image file from its header only, or why it cannot be read. Cached."""
        answer = self._image_size(rel)
        if self.keeps_inputs:
            self.record(IMAGE, rel, digest(answer))
        return answer

    def _image_size(self, rel: str) -> tuple[int, int] | str:
        if rel not in self._image_sizes:
            import warnings

            from PIL import Image  # imported on first use: keeps start-up fast

            def webp_claim(data: bytes) -> tuple[int, int] | None:
                """The canvas a WebP header claims (VP8X, VP8L or VP8 chunk first), or None."""
                if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
                    return None
                chunk = data[12:16]
                if chunk == b"VP8X" and len(data) >= 30:
                    return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
                if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
                    bits = int.from_bytes(data[21:25], "little")
                    return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
                if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
                    return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
                return None

            def claimed_size(stream: Any) -> tuple[int, int]:
                """The size an image's header claims; no pixel is decoded, however many it claims.

                Pillow refuses a header that claims more pixels than it would decode
                (DecompressionBombError, raised by Image.open after reading the header): the size
                is then read by the format's own class, which reads the header only, and checks
                itself where it would allocate. A WebP claiming that much never reaches Pillow,
                whose decoder allocates the whole canvas when it is created."""
                start = stream.read(30)
                claim = webp_claim(start)
                limit = Image.MAX_IMAGE_PIXELS
                if claim is not None and limit is not None and claim[0] * claim[1] > limit:
                    return claim
                stream.seek(0)
                try:
                    with Image.open(stream) as image:
                        return image.size
                except Image.DecompressionBombError:
                    for name in Image.ID:
                        factory, accept = Image.OPEN[name]
                        verdict = accept(start[:16]) if accept is not None else True
                        if not verdict or isinstance(verdict, str):  # a str: the format is not supported
                            continue
                        stream.seek(0)
                        try:
                            with factory(stream, "") as image:
                                return image.size
                        except (SyntaxError, IndexError, TypeError, ValueError, OSError):
                            continue
                    raise

            head = self._head(rel)
            try:
                if isinstance(head, Exception):
                    raise head
                whole = self._whole.get(rel)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    try:  # the header is almost always inside the bytes already read
                        self._image_sizes[rel] = claimed_size(io.BytesIO(whole if whole is not None else head))
                    except Exception:
                        if whole is not None:
                            raise
                        # A long header, read from the first IMAGE_HEADER_BYTES at once: Pillow
                        # reads some headers a byte at a time, and a file of 20 MB of JPEG fill
                        # bytes took half a minute read from disk so.
                        data, _ = read_head(os.path.join(self._root_path, rel), IMAGE_HEADER_BYTES, IMAGE_HEADER_BYTES)
                        self._image_sizes[rel] = claimed_size(io.BytesIO(data))
            # Any error of Pillow's on bytes a pull request chose (NotImplementedError for a DDS
            # format it knows but does not read, RuntimeError from its AVIF plugin) is this image's
            # answer, not a crash of the rule that asked.
            except Exception as exc:
                self._image_sizes[rel] = f"cannot be read as an image ({type(exc).__name__})"
        return self._image_sizes[rel]


class SiteAtBase(Site):
    """`site` as a git commit left it, for the addresses its files had then (changes.moved_targets):
    the files a change touched as the commit holds them (`at_base`: rel -> bytes, or None for a
    file the change added), every other file as `site` lists and reads it, since the change did
    not touch it. Its own reads of those go through Site's checks; the commit's bytes come from
    git, are never on disk and so never lead outside. Only what decides addresses is read from
    the commit (texts, first lines, the config): an image's size is not."""

    def __init__(self, site: Site, at_base: dict[str, bytes | None]) -> None:
        super().__init__(site.root, site.max_file_size, today=site._today)
        self._site = site
        self._at_base = at_base

    def _listed(self) -> list[str]:
        listed = [rel for rel in self._site._inventory() if rel not in self._at_base]
        return listed + [rel for rel, data in self._at_base.items() if data is not None]

    def _at_commit(self, rel: str) -> bytes:
        data = self._at_base[rel]
        if data is None:
            raise FileNotFoundError(errno.ENOENT, "not in the commit")
        return data

    def _file_bytes(self, rel: str, path: Path) -> bytes:
        if rel not in self._at_base:
            return super()._file_bytes(rel, path)
        data = self._at_commit(rel)
        if len(data) > self.max_file_size:
            raise over_the_limit(len(data), self.max_file_size)
        return data

    def _file_head(self, rel: str) -> tuple[bytes, bool]:
        if rel not in self._at_base:
            return super()._file_head(rel)
        data = self._at_commit(rel)
        return (data, True) if len(data) <= WHOLE_BYTES else (data[:HEAD_BYTES], False)

    def _is_file(self, name: str) -> bool:
        return self._at_base[name] is not None if name in self._at_base else super()._is_file(name)
