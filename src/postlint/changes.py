"""What a change to a site breaks, from git: for `--changed-since REF` and for the pre-commit hook.

A change is a set of files changed (added, modified, renamed to) and removed (deleted, renamed
from) between a base commit and the files on disk:

- `--changed-since REF`: the merge base of REF and HEAD against the working tree — commits on
  this branch, staged and unstaged edits — plus untracked files git does not ignore: exactly what
  a pull request against REF would contain, with your uncommitted work on top
  (`git diff --name-status -M $(git merge-base REF HEAD)`, `git ls-files --others --exclude-standard`).
- `--staged` (the pre-commit hook): HEAD against the index (`git diff --cached --name-status -M HEAD`).
  pre-commit stashes unstaged edits before it runs a hook, so the files on disk are the index.

A post can break without being touched: when the post, page or file one of its links names is
renamed, deleted, unpublished (`published: false`, a future date) or given another address (a new
`permalink`, date or slug). Such posts are its *referrers*. What a link could name to reach a file
while it is built (its `post_url` name, its `link` path, its addresses) is worked out for each
touched file as it was at the base and as it is now; what the base had and now is gone are the
*moved targets*. A referrer is then linted with the link rules only, and only its findings at a
reference to a moved target are the change's: its other findings were there before.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from postlint.config import DEFAULT_MAX_FILE_SIZE, Config
from postlint.errors import ChangesError, UnreadableFile
from postlint.jekyll import urls
from postlint.jekyll.links import liquid_free_href, literal_url_filter, site_path
from postlint.jekyll.site import (
    JEKYLL_CONFIG_NAMES,
    SITE_MARKERS,
    Site,
    SiteAtBase,
    find_site_root,
)
from postlint.lazy_patterns import lazy_compile
from postlint.parse.liquid import LiquidTag
from postlint.parse.post import POST_EXTENSIONS, Post
from postlint.parse.source import decode, read_bytes
from postlint.record import FrozenRecord, Record

LINK_FAMILY = "LNK"  # the rules that judge references to other files; the only ones run on referrers
# The date and slug a post_url names. Jekyll also resolves a name without its subfolder, with a
# leading slash or with unpadded dates (with a deprecation warning), so compare on these alone.
_POST_NAME = lazy_compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-(.+)$")


class Changes(Record):
    __slots__ = ("top", "base", "changed", "removed", "modified")

    top: Path  # the repository's top folder, resolved
    base: str  # the commit the change is measured from ("" when there is none: a first commit)
    changed: set[Path]  # files added, modified or renamed to (absolute)
    removed: set[Path]  # files deleted or renamed from (absolute)
    modified: set[Path]  # files changed in place: they existed at the base

    def __init__(self, top: Path, base: str = "", changed: set[Path] | None = None, removed: set[Path] | None = None,
                 modified: set[Path] | None = None) -> None:
        self.top = top
        self.base = base
        self.changed = set() if changed is None else changed
        self.removed = set() if removed is None else removed
        self.modified = set() if modified is None else modified

    def touched_sites(self) -> list[Path]:
        """The roots of the sites (folders with _config.yml or .postlint.yaml) holding a touched file, sorted."""
        roots = set()
        for path in self.changed | self.removed:
            folder = path.parent
            while not folder.is_dir() and folder != self.top:  # a removed file's folder may be gone too
                folder = folder.parent
            root = find_site_root(folder)
            if any((root / marker).is_file() for marker in SITE_MARKERS):
                roots.add(root)
        return sorted(roots)


class MovedTargets(FrozenRecord):
    """What links named to reach files of a site before a change, and no longer do."""
    __slots__ = ("post_names", "paths", "url_keys")

    post_names: frozenset[str]  # post_url names (`guides/2024-01-02-x`)
    paths: frozenset[str]  # link paths, from the site root
    url_keys: frozenset[str]  # addresses, as urls.url_key gives them

    def __init__(self, post_names: frozenset[str] = frozenset(), paths: frozenset[str] = frozenset(),
                 url_keys: frozenset[str] = frozenset()) -> None:
        self.post_names = post_names
        self.paths = paths
        self.url_keys = url_keys

    def __bool__(self) -> bool:
        return bool(self.post_names or self.paths or self.url_keys)

    def needles(self) -> set[str]:
        """Strings one of which a file must contain to name a moved target (a cheap prefilter)."""
        found = {_post_key(name)[3] for name in self.post_names if _post_key(name)} | set(self.paths)
        found |= {key.rstrip("/").rsplit("/", 1)[-1] or "/" for key in self.url_keys}
        return found


def _run_git(cwd: Path, flag: str, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise ChangesError(f"{flag} needs git, which is not installed") from None


def _git(cwd: Path, flag: str, *args: str) -> str:
    completed = _run_git(cwd, flag, *args)
    if completed.returncode != 0:
        raise ChangesError(completed.stderr.strip() or f"git {' '.join(args)} failed")
    return completed.stdout


def _toplevel(start: Path, flag: str) -> Path:
    folder = start if start.is_dir() else start.parent
    try:
        return Path(_git(folder, flag, "rev-parse", "--show-toplevel").strip()).resolve()
    except ChangesError:
        raise ChangesError(f"{flag} needs a git repository, and {folder} is not inside one") from None


def _read_name_status(changes: Changes, output: str) -> None:
    """Fill `changes` from `git diff --name-status -z -M` output."""
    fields = output.split("\0")
    position = 0
    top = changes.top
    while position < len(fields) and fields[position]:
        status = fields[position]
        if status[0] in "RC":
            old, new = fields[position + 1], fields[position + 2]
            position += 3
            if status[0] == "R":
                changes.removed.add(top / old)
            changes.changed.add(top / new)
            continue
        path = top / fields[position + 1]
        position += 2
        if status[0] == "D":
            changes.removed.add(path)
        else:
            changes.changed.add(path)
            if status[0] in "MT":
                changes.modified.add(path)


def git_changes(ref: str, start: Path) -> Changes:
    """What changed since REF, as seen from the repository holding `start`. Raises ChangesError."""
    flag = "--changed-since"
    top = _toplevel(start, flag)
    try:
        _git(top, flag, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except ChangesError:
        raise ChangesError(f"--changed-since: unknown git ref '{ref}' (in CI, fetch it first, "
                           "e.g. actions/checkout with fetch-depth: 0)") from None
    try:
        base = _git(top, flag, "merge-base", ref, "HEAD").strip()
    except ChangesError:
        raise ChangesError(f"--changed-since: '{ref}' and HEAD have no common history here "
                           "(a shallow clone? fetch full history, e.g. fetch-depth: 0)") from None
    changes = Changes(top, base)
    _read_name_status(changes, _git(top, flag, "-c", "core.quotepath=off", "diff", "--name-status", "-z", "-M", base, "--"))
    for name in _git(top, flag, "ls-files", "--others", "--exclude-standard", "-z").split("\0"):
        if name:
            changes.changed.add(top / name)
    return changes


def staged_changes(start: Path) -> Changes:
    """What the commit being made changes: the index against HEAD. Raises ChangesError."""
    flag = "--staged"
    folder = start if start.is_dir() else start.parent
    # The top level and HEAD's commit from one git process: the hook runs this at every commit.
    # Exit code 1: no commit yet; 128: not inside a repository.
    found = _run_git(folder, flag, "rev-parse", "--show-toplevel", "--verify", "--quiet", "HEAD^{commit}")
    output = found.stdout.rstrip("\n")
    if found.returncode not in (0, 1) or not output:
        raise ChangesError(f"{flag} needs a git repository, and {folder} is not inside one")
    if found.returncode == 1:
        return Changes(Path(output).resolve())  # the first commit: nothing existed that a link could have named
    top_level, _, base = output.rpartition("\n")  # the commit is the last line; a folder's name may hold a newline
    changes = Changes(Path(top_level).resolve(), base)
    _read_name_status(changes, _git(changes.top, flag, "-c", "core.quotepath=off", "diff", "--cached", "--name-status",
                                    "-z", "-M", base, "--"))
    return changes


def file_at_base(changes: Changes, path: Path) -> bytes | None:
    """`path` as it was at the base commit (None: it did not exist there)."""
    found = files_at_base(changes, [path])
    return found.get(path)


def files_at_base(changes: Changes, paths: Iterable[Path]) -> dict[Path, bytes]:
    """The files of `paths` that existed at the base commit, with their bytes then (one git process)."""
    wanted: dict[str, Path] = {}
    for path in paths:
        try:
            wanted[Path(os.path.realpath(path.parent), path.name).relative_to(changes.top).as_posix()] = path
        except ValueError:
            continue  # outside the repository: it has no history
    return {wanted[rel]: data for rel, data in blobs_at_base(changes, list(wanted)).items()}


def blobs_at_base(changes: Changes, rels: list[str]) -> dict[str, bytes]:
    """The bytes at the base commit of each of `rels` (paths from the top of the repository) that
    was a file there; a symbolic link's are its target's name (one git process)."""
    if not changes.base or not rels:
        return {}
    request = "".join(f"{changes.base}:{rel}\n" for rel in rels).encode("utf-8", "surrogateescape")
    completed = subprocess.run(["git", "cat-file", "--batch"], cwd=changes.top, input=request, capture_output=True)
    if completed.returncode != 0:
        return {}
    output, position, found = completed.stdout, 0, {}
    for rel in rels:  # each answer: "<sha> <type> <size>\n<bytes>\n", or "<name> missing\n"
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split()
        position = header_end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[rel] = output[position:position + size]
            position += size + 1
        elif len(header) == 3:  # a tree or a submodule: nothing to read
            position += int(header[2]) + 1
    return found


# --- what links named before the change ------------------------------------------------------

def _post_key(name: str) -> tuple | None:
    match = _POST_NAME.match(name.rsplit("/", 1)[-1])
    if match is None:
        return None
    year, month, day, slug = match.groups()
    return int(year), int(month), int(day), slug


def _targets(site: Site, rel: str, future: bool) -> tuple[set[str], set[str], set[str]]:
    """(post_url names, link paths, address keys) by which a link reaches the file `rel` of `site`;
    nothing when it is absent or not built (a draft, `published: false`, future-dated, excluded)."""
    if rel not in site.files or site.is_excluded(rel):
        return set(), set(), set()
    entry = site.posts.get(rel)
    if entry is not None and site.unpublished_reason(entry, future) is not None:
        return set(), set(), set()
    names = {entry.name} if entry is not None else set()
    return names, {rel}, {key for key, _, _ in site.served_urls(rel)}


def _site_rel(path: Path, root: Path) -> str | None:
    try:
        return Path(os.path.realpath(path.parent), path.name).relative_to(root).as_posix()
    except ValueError:
        return None


def _renders(rel: str) -> bool:
    """Is `rel` a kind of file whose address and publication its front matter decides?"""
    return os.path.splitext(rel)[1].lower() in POST_EXTENSIONS


def moved_targets(site: Site, changes: Changes, config: Config) -> MovedTargets:
    """What links named to reach the files of `site` at the base that they no longer name now.

    The base's view is the site as the base commit left it (SiteAtBase): the touched files as the
    commit holds them, the others as they are. A file's addresses, publication and post_url name
    depend on nothing but its path, its front matter (and whether its first line opens one) and
    the config's permalinks, defaults, collections, exclude and future: a change moves the
    addresses of the files it removed or modified, or of every file when it touched the config.
    """
    root = site.root
    touched = {rel: path for path in changes.changed | changes.removed if (rel := _site_rel(path, root)) is not None}
    old_rels = {rel: path for rel, path in touched.items()
                if path in changes.removed or (path in changes.modified and _renders(rel))}
    config_touched = any(name in touched for name in JEKYLL_CONFIG_NAMES)
    if not (old_rels or config_touched) or not changes.base:
        return MovedTargets()
    fetched = {rel: path for rel, path in touched.items() if rel in old_rels or rel in JEKYLL_CONFIG_NAMES}
    old_files = files_at_base(changes, fetched.values())
    # What the change added is absent at the base; what it removed or modified is as git holds it.
    at_base: dict[str, bytes | None] = {rel: None for rel, path in touched.items()
                                        if path in changes.changed and path not in changes.modified}
    at_base.update((rel, old_files.get(path)) for rel, path in fetched.items())
    base_site = SiteAtBase(site, at_base)
    if not config_touched and _addresses_kept(site, base_site, old_rels):
        return MovedTargets()
    if config_touched:  # every file's addresses may have moved
        rels_before, rels_now = base_site.files, site.files
    else:  # a renamed post may keep its address (a front-matter permalink)
        rels_before = old_rels.keys()
        rels_now = old_rels.keys() | {rel for rel, path in touched.items() if path in changes.changed and _renders(rel)}
    before = _all_targets(base_site, rels_before, base_site.future(config.site.get("future")))
    now = _all_targets(site, rels_now, site.future(config.site.get("future")))
    names, paths, keys = (frozenset(old - new) for old, new in zip(before, now))
    return MovedTargets(names, paths, keys)


def _all_targets(site: Site, rels: Iterable[str], future: bool) -> tuple[set[str], set[str], set[str]]:
    """(post_url names, link paths, address keys) by which a link reaches any of the files `rels`."""
    gathered: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for rel in sorted(rels):
        for into, found in zip(gathered, _targets(site, rel, future)):
            into.update(found)
    return gathered


def _addresses_kept(site: Site, base_site: SiteAtBase, old_rels: dict[str, Path]) -> bool:
    """Did the change (which left the config alone) keep all that decides where the files it
    touched are built: each modified in place, none removed or renamed, with the same front
    matter and first line as at the base? Then each has the addresses, publication and post_url
    name it had, and nothing moved. The usual commit, a post's text edited, does; the base's
    addresses need not be worked out to know it."""
    for rel in old_rels:
        now = site.address_inputs(rel)
        if now is None or now != base_site.address_inputs(rel):  # None: unreadable, or removed
            return False
    return True


# --- the posts that name them ----------------------------------------------------------------

def _argument(markup: str) -> str:
    """The first argument of a tag's markup, without quotes: `post_url guides/x` -> guides/x."""
    parts = markup.split()
    return parts[0].strip("'\"") if parts else ""


def reference_positions(post: Post, site: Site, moved: MovedTargets) -> set[tuple[int, int]]:
    """(line, column) of each reference in `post` to a moved target: where a link rule reports it."""
    keys = {key for name in moved.post_names if (key := _post_key(name)) is not None}
    offsets = [tag.markup_start for tag in post.liquid.tags if _tag_names_moved(tag, site, moved, keys)]
    if moved.url_keys and post.markdown_error is None:  # else its links are not known (file-unreadable)
        for link in post.body.links:
            href = liquid_free_href(link.href, site.baseurl)
            if href is not None and _names_address(href, site, moved):
                offsets.append(link.href_start)
    return {post.position(offset) for offset in offsets}


def _tag_names_moved(tag: LiquidTag, site: Site, moved: MovedTargets, post_keys: set[tuple]) -> bool:
    """Does a post_url, link or `'path' | relative_url` tag name a moved target?"""
    if tag.kind == "tag" and tag.name == "post_url":
        return _post_key(_argument(tag.markup)) in post_keys
    if tag.kind == "tag" and tag.name == "link":
        return _argument(tag.markup).lstrip("/") in moved.paths
    literal = literal_url_filter(tag.markup) if tag.kind == "output" else None
    return literal is not None and _names_address(site.baseurl + "/" + literal[0].lstrip("/"), site, moved)


def _names_address(url: str, site: Site, moved: MovedTargets) -> bool:
    path = site_path(url, site)
    return path is not None and urls.url_key(path) in moved.url_keys


def referrers(site: Site, moved: MovedTargets, candidates: Iterable[Path]) -> dict[Path, set[tuple[int, int]]]:
    """The files of `candidates` (files of `site`) that reference a moved target, with where."""
    if not moved:
        return {}
    needles = tuple(moved.needles())
    found: dict[Path, set[tuple[int, int]]] = {}
    for path in candidates:
        try:
            text, _, _ = decode(read_bytes(path, DEFAULT_MAX_FILE_SIZE))  # never blocks on a FIFO
        except (OSError, UnreadableFile):
            continue
        if not any(needle in text for needle in needles):  # cheap prefilter; the parse below decides
            continue
        rel = _site_rel(path, site.root)
        if rel is None:
            continue
        post = site.post(rel)
        if post.read_error is None and (positions := reference_positions(post, site, moved)):
            found[path] = positions
    return found


class Selection(Record):
    """The files a change makes worth linting."""
    __slots__ = ("changed", "referrers", "positions")

    changed: list[tuple[Path, Site]]  # linted with every rule
    referrers: list[tuple[Path, Site]]  # linted with the link rules; only the findings at `positions` kept
    positions: dict[Path, set[tuple[int, int]]]

    def __init__(self, changed: list[tuple[Path, Site]], referrers: list[tuple[Path, Site]],
                 positions: dict[Path, set[tuple[int, int]]] | None = None) -> None:
        self.changed = changed
        self.referrers = referrers
        self.positions = {} if positions is None else positions


def select_changed(targets: list[tuple[Path, Site]], changes: Changes, config: Config,
                   touched: list[Site] | None = None,
                   universe: Callable[[], list[tuple[Path, Site]]] | None = None) -> Selection:
    """Of `targets`, those the change touched (all of them with `touched` given: the hook names
    its files itself); plus the files that reference a target the change moved, among the files
    `universe()` gives (the files of the `touched` sites; default: `targets`). It is called only
    when the change moved a target: the usual commit moves none, and listing a site's posts is
    a tenth of a hook's run."""
    if touched is None:
        changed_paths = {os.path.realpath(path) for path in changes.changed}
        changed = [(path, site) for path, site in targets if os.path.realpath(path) in changed_paths]
        touched = list({site.root: site for _, site in targets}.values())
    else:
        changed = list(targets)
    selection = Selection(changed, [])
    linted = {os.path.realpath(path) for path, _ in changed}
    files: list[tuple[Path, Site]] | None = None
    for site in touched:
        moved = moved_targets(site, changes, config)
        if not moved:
            continue  # the usual commit: no link can miss anything, so no candidate is resolved
        files = files if files is not None else universe() if universe is not None else targets
        candidates = [path for path, other in files if other.root == site.root and os.path.realpath(path) not in linted]
        found = referrers(site, moved, candidates)
        selection.referrers.extend((path, site) for path in candidates if path in found)
        selection.positions.update(found)
    return selection
