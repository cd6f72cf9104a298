"""`--changed-since REF`: which posts a pull request touched, from git.

The changed files are those that differ between the merge base of REF and HEAD and the working
tree — commits on this branch, staged and unstaged edits — plus untracked files git does not
ignore: exactly what a pull request against REF would contain, with your uncommitted work on top.
(`git diff --name-status -M $(git merge-base REF HEAD)` and `git ls-files --others --exclude-standard`.)

A post can break without being touched: when the post its `{% post_url %}` names, or the file its
`{% link %}` names, was renamed or deleted. Such posts are linted too.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from postlint.config import DEFAULT_MAX_FILE_SIZE
from postlint.errors import ChangesError, UnreadableFile
from postlint.jekyll.site import Site, post_entry
from postlint.parse.liquid import scan_liquid
from postlint.parse.source import decode, normalize_newlines, read_bytes

REFERENCE_TAGS = ("post_url", "link")
# The date and slug a post_url names. Jekyll also resolves a name without its subfolder, with a
# leading slash or with unpadded dates (with a deprecation warning), so compare on these alone.
_POST_NAME = re.compile(r"(\d{2,4})-(\d{1,2})-(\d{1,2})-(.+)$")


@dataclass
class Changes:
    top: Path  # the repository's top folder, resolved
    base: str = ""  # the merge base of REF and HEAD: where the branch started
    changed: set[Path] = field(default_factory=set)  # files added, modified or renamed to (absolute)
    removed: set[Path] = field(default_factory=set)  # files deleted or renamed from (absolute)


def _git(cwd: Path, *args: str) -> str:
    try:
        completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                                   encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise ChangesError("--changed-since needs git, which is not installed") from None
    if completed.returncode != 0:
        raise ChangesError(completed.stderr.strip() or f"git {' '.join(args)} failed")
    return completed.stdout


def git_changes(ref: str, start: Path) -> Changes:
    """What changed since REF, as seen from the repository holding `start`. Raises ChangesError."""
    folder = start if start.is_dir() else start.parent
    try:
        top = Path(_git(folder, "rev-parse", "--show-toplevel").strip()).resolve()
    except ChangesError:
        raise ChangesError(f"--changed-since needs a git repository, and {folder} is not inside one") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except ChangesError:
        raise ChangesError(f"--changed-since: unknown git ref '{ref}' (in CI, fetch it first, "
                           "e.g. actions/checkout with fetch-depth: 0)") from None
    try:
        base = _git(top, "merge-base", ref, "HEAD").strip()
    except ChangesError:
        raise ChangesError(f"--changed-since: '{ref}' and HEAD have no common history here "
                           "(a shallow clone? fetch full history, e.g. fetch-depth: 0)") from None
    changes = Changes(top, base)
    fields = _git(top, "-c", "core.quotepath=off", "diff", "--name-status", "-z", "-M", base, "--").split("\0")
    position = 0
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
        (changes.removed if status[0] == "D" else changes.changed).add(path)
    for name in _git(top, "ls-files", "--others", "--exclude-standard", "-z").split("\0"):
        if name:
            changes.changed.add(top / name)
    return changes


def file_at_base(changes: Changes, path: Path) -> bytes | None:
    """`path` as it was at the merge base (None: it did not exist there)."""
    try:
        rel = path.resolve().relative_to(changes.top).as_posix()
    except ValueError:
        return None  # outside the repository: it has no history
    completed = subprocess.run(["git", "show", f"{changes.base}:{rel}"], cwd=changes.top, capture_output=True)
    return completed.stdout if completed.returncode == 0 else None


def _site_rel(path: Path, site: Site) -> str | None:
    try:
        return path.relative_to(site.root).as_posix()
    except ValueError:
        return None


def _argument(markup: str) -> str:
    """The first argument of a tag's markup, without quotes: `post_url guides/x` -> guides/x."""
    parts = markup.split()
    return parts[0].strip("'\"") if parts else ""


def _post_key(name: str) -> tuple | None:
    match = _POST_NAME.match(name.rsplit("/", 1)[-1])
    if match is None:
        return None
    year, month, day, slug = match.groups()
    return int(year), int(month), int(day), slug


def referrers(site: Site, removed: set[Path]) -> set[Path]:
    """Posts of `site` whose post_url or link tags name a file that `removed` took away."""
    old_names: set[str] = set()  # the date-slug part of what {% post_url %} took for removed posts
    old_paths: set[str] = set()  # what {% link %} took: paths from the site root
    for path in removed:
        rel = _site_rel(path, site)
        if rel is None or rel in site.files:  # renamed away and back: still there
            continue
        old_paths.add(rel)
        entry = post_entry(rel)  # the file is gone, so Site.posts cannot name it: derive the name as it does
        if entry is not None and not entry.draft:
            old_names.add(f"{entry.date}-{entry.slug}")
    if not old_names and not old_paths:
        return set()
    old_keys = {_post_key(name) for name in old_names} - {None}
    needles = tuple({key[3] for key in old_keys} | old_paths)
    found: set[Path] = set()
    for rel in site.posts:
        path = site.root / rel
        try:
            text, _, _ = decode(read_bytes(path, DEFAULT_MAX_FILE_SIZE))  # never blocks on a FIFO
        except (OSError, UnreadableFile):
            continue
        if not any(needle in text for needle in needles):  # cheap prefilter; the scan below decides
            continue
        for tag in scan_liquid(normalize_newlines(text)).tags:
            if tag.kind != "tag" or tag.in_comment or tag.name not in REFERENCE_TAGS:
                continue
            argument = _argument(tag.markup)
            if (tag.name == "post_url" and _post_key(argument) in old_keys) or (tag.name == "link" and argument in old_paths):
                found.add(path)
                break
    return found


def select_changed(targets: list[tuple[Path, Site]], changes: Changes) -> list[tuple[Path, Site]]:
    """The targets that changed, plus those whose post_url/link targets were removed."""
    affected = {os.path.realpath(path) for path in changes.changed}
    sites = {site.root: site for _, site in targets}
    for site in sites.values():
        affected |= {os.path.realpath(path) for path in referrers(site, changes.removed)}
    return [(path, site) for path, site in targets if os.path.realpath(path) in affected]
