"""--changed-since as a gate: postlint's own configuration as the merge base has it, and the
inline suppressions the branch adds, named.

A pull request's `.postlint.yaml`, YAML rules and front-matter schema are the contributor's: a
line of `exclude`, a rule turned off or a rule file deleted would hide the findings of the posts
the branch adds. With `--changed-since REF` the run reads them as they were at the merge base and
says so when the branch changes them; a maintainer's change to them applies once it is merged, as
a baseline may shrink in a pull request but not grow. A file outside the repository is not the
branch's to change and is read as it is.

Paths are taken to the merge base as they are written, never through the work tree's symbolic
links (which are the branch's: a rules folder swapped for a link to an empty one would empty it).

An inline suppression (`<!-- postlint-disable… -->`, front matter's `postlint: {ignore: …}`) is
an author's exception for one file, as a `# noqa` is, and the gate honours it; the ones the
branch adds are listed, so that a reviewer sees what a pull request silences.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from collections import Counter
from pathlib import Path

from postlint.changes import Changes, blobs_at_base, files_at_base
from postlint.config import CONFIG_NAME, Config, find_config, load_config
from postlint.engine.check import display_path, printable
from postlint.engine.suppression import Suppressions
from postlint.errors import UnreadableFile
from postlint.jekyll.site import Site
from postlint.parse.post import Post
from postlint.parse.source import Source, decode, read_bytes
from postlint.record import Record
from postlint.registry import Registry, RuleMemo, load_registry

_RULE_SUFFIXES = (".yml", ".yaml")
_REGULAR_FILE_MODES = ("100644", "100755")
_SYMLINK_MODE = "120000"
MAX_LINKS = 8  # symbolic links followed in a row at the merge base, as a checkout would follow them
_MAX_COMPARED = 1 << 20  # a config, rule or schema file larger than this is compared as unreadable


class GateConfig(Record):
    """The configuration a gated run uses, and what the branch changed of it."""
    __slots__ = ("config", "registry", "changed")

    config: Config  # its base_files: the schema it names, as the merge base has it
    registry: Registry
    changed: list[str]  # the configuration files the branch changes, as the notes name them

    def __init__(self, config: Config, registry: Registry, changed: list[str]) -> None:
        self.config = config
        self.registry = registry
        self.changed = changed


def gated_registry(config_file: Path | None, root: Path, changes: Changes, memo: RuleMemo | None) -> GateConfig:
    """The config and rules as the merge base of `changes` has them, for the site at `root`
    (`config_file`: the one given on the command line). Raises ConfigError."""
    changed: list[str] = []
    path, data = _config_at_base(config_file, root, changes)
    now = config_file if config_file is not None else find_config(root)
    if now != path or (data is not None and _bytes_now(path) != data):
        changed.append(os.path.relpath(now or path))
    config = load_config(path, data, folder_exists=lambda folder: _is_folder_at_base(changes, folder)) \
        if data is not None else load_config(path)
    rule_files: dict[Path, dict[Path, bytes]] = {}
    for folder in config.yaml_rule_dirs:
        files = _folder_at_base(changes, folder)
        if files is None:
            continue  # outside the repository: read as it is
        rule_files[folder] = files
        if files != _folder_now(folder):
            changed.append(os.path.relpath(folder) + "/")
    schema = _schema_path(config)
    if schema is not None and _in_repository(changes, schema):
        config.base_files[schema] = _files_at_base(changes, [schema]).get(schema)
        if config.base_files[schema] != _bytes_now(schema):
            changed.append(os.path.relpath(schema))
    return GateConfig(config, load_registry(config.yaml_rule_dirs, memo, rule_files), changed)


def added_suppressions(changes: Changes, linted: list[tuple[Path, Site]], cwd: Path) -> list[str]:
    """The inline suppressions the branch adds to the files the run linted, each as
    "path:line `directive`": a directive counts as added when the file holds more of it (the same
    action for the same rules) than at the merge base, and each of its places is named then. A
    `postlint-disable` whose `postlint-enable` the branch removed reaches further than it did: it
    is named too, as one the branch extends."""
    suppressing = []
    for path, site in linted:
        post = site.post(display_path(path, site.root))
        if post.read_error is not None:
            continue
        try:
            now = Suppressions.scan(post)
        except Exception:  # noqa: S112 - a parser bug is the file's own finding (PL001); the note leaves it out
            continue
        if now.directives or now.file_ignores:
            suppressing.append((path, post, now))
    before = files_at_base(changes, [path for path, _, _ in suppressing])  # one git process, for these alone
    added: list[str] = []
    for path, post, now in suppressing:
        try:
            then = _suppressions_at_base(before.get(path), post)
        except Exception:  # noqa: S112 - the same for the merge base's text
            then = Suppressions([], ())
        shown = display_path(path, cwd)
        counted, counted_now = (Counter((d.action, d.rules) for d in found.directives) for found in (then, now))
        grown = {key for key, count in counted_now.items() if count > counted[key]}
        ended_less = {rules for (action, rules), count in counted.items() if action == "enable" and count > counted_now[action, rules]}
        for d in now.directives:
            directive = f"{shown}:{d.line} `postlint-{d.action}{''.join(' ' + rule for rule in d.rules)}`"
            if (d.action, d.rules) in grown:
                added.append(directive)
            elif d.action == "disable" and d.rules in ended_less:
                added.append(f"{directive} (the branch removes a `postlint-enable` that ended it)")
        ignored = [rule for rule in now.file_ignores if rule not in then.file_ignores]
        if ignored:
            added.append(f"{shown}:{post.field('postlint').position[0]} `postlint: {{ignore: [{', '.join(ignored)}]}}`")
    return [printable(entry) for entry in added]


def _suppressions_at_base(data: bytes | None, now: Post) -> Suppressions:
    """The suppressions of the file `now` as the merge base had it (none: it was not there, or
    cannot be read as text)."""
    try:
        text, bom, encoding = decode(data) if data is not None else ("", b"", "utf-8")
    except UnreadableFile:
        return Suppressions([], ())
    return Suppressions.scan(Post(Source(path=now.source.path, original=text, bom=bom, encoding=encoding),
                                  now.rel, now.rel, now.kind))


def _config_at_base(config_file: Path | None, root: Path, changes: Changes) -> tuple[Path | None, bytes | None]:
    """The config file the merge base would use, found as find_config finds one (or the one
    given), and its bytes then; bytes None for a file outside the repository (read from disk).
    The folders are looked at as `root` names them, no link resolved: a branch that turns the
    site's folder into a link to a copy of it would have the base's config looked for in the
    copy's folder, where the base has none."""
    candidates = [config_file] if config_file is not None else [folder / CONFIG_NAME for folder in (root, *root.parents)]
    at_base = _files_at_base(changes, [path for path in candidates if _in_repository(changes, path)])
    for candidate in candidates:
        if not _in_repository(changes, candidate):
            if candidate.is_file():
                return candidate, None
        elif candidate in at_base:
            return candidate, at_base[candidate]
    return None, None


def _is_folder_at_base(changes: Changes, folder: Path) -> bool:
    if not _in_repository(changes, folder):
        return folder.is_dir()
    return any(info.split(" ")[1:2] == ["tree"] for info, _, _ in _tree_entries(changes, _repository_path(changes, folder)))


def _folder_at_base(changes: Changes, folder: Path) -> dict[Path, bytes] | None:
    """The YAML rule files directly inside `folder` at the merge base, with their bytes (a
    symbolic link followed when it stays in the folder, as load_folder does on disk); None when
    the folder is outside the repository."""
    if not _in_repository(changes, folder):
        return None
    entries = _tree_entries(changes, _inside(_repository_path(changes, folder)) or ".")
    names = [folder / name.rsplit("/", 1)[-1] for info, _, name in entries
             if info.split(" ", 1)[0] in (*_REGULAR_FILE_MODES, _SYMLINK_MODE) and name.endswith(_RULE_SUFFIXES)]
    return _files_at_base(changes, names, within=folder)


def _files_at_base(changes: Changes, paths: list[Path], within: Path | None = None) -> dict[Path, bytes]:
    """The files of `paths` (inside the repository) that existed at the merge base, with their
    bytes then, a symbolic link followed as a checkout would (inside the repository, or `within`
    that folder, up to MAX_LINKS in a row); a link that leads elsewhere, or to nothing, gives no
    file."""
    home = _inside(_repository_path(changes, within)) if within is not None else ""
    found: dict[Path, bytes] = {}
    pending = {path: _repository_path(changes, path) for path in paths}  # as asked -> where its links led
    for _ in range(MAX_LINKS + 1):
        if not pending:
            break
        modes = {name: info.split(" ", 1)[0] for info, _, name in _tree_entries(changes, *pending.values())}
        blobs = blobs_at_base(changes, list(pending.values()))
        led: dict[Path, str] = {}
        for asked, rel in pending.items():
            data = blobs.get(rel)
            if data is None:
                continue
            if modes.get(rel) != _SYMLINK_MODE:
                found[asked] = data
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), data.decode("utf-8", "surrogateescape")))
            if target.startswith(home) and not target.startswith(("../", "/")) and target != "..":
                led[asked] = target
        pending = led
    return found


def _tree_entries(changes: Changes, *specs: str) -> list[tuple[str, str, str]]:
    """(mode, type and object, "\t", path) of each entry `git ls-tree` lists at the merge base for
    `specs` (paths from the top of the repository; a folder's with a trailing "/" lists its
    entries)."""
    listing = subprocess.run(["git", "ls-tree", "-z", changes.base, "--", *specs], cwd=changes.top, capture_output=True)
    if listing.returncode != 0:
        return []
    return [entry.partition("\t") for entry in listing.stdout.decode("utf-8", "surrogateescape").split("\0") if entry]


def _folder_now(folder: Path) -> dict[Path, bytes | str | None]:
    """The YAML rule files directly inside `folder` in the work tree, with their bytes, as
    load_folder reads them: a symbolic link that stays in the folder is followed, and one that
    leads out of it is no file of the folder (nor is it at the merge base) and is never read."""
    if not folder.is_dir():
        return {}
    home = os.path.realpath(folder) + os.sep
    return {path: data for path in folder.iterdir() if path.name.endswith(_RULE_SUFFIXES)
            and os.path.realpath(path).startswith(home) and (data := _bytes_now(path)) is not None}


def _bytes_now(path: Path) -> bytes | str | None:
    """The file's bytes in the work tree (None: there is none), read as any file of a stranger's:
    a regular file only, under a size limit ("unreadable" otherwise, which no bytes equal)."""
    if not os.path.lexists(path):
        return None
    try:
        return read_bytes(path, _MAX_COMPARED)
    except (OSError, UnreadableFile):
        return "unreadable"


def _schema_path(config: Config) -> Path | None:
    """The front-matter schema the config names, as the rule finds it (next to the config)."""
    settings = next((value for key, value in config.rules.items()
                     if str(key).lower() in ("front-matter-schema", "fm003")), None)
    name = settings.get("schema") if isinstance(settings, dict) else None
    if not isinstance(name, str) or not name or config.path is None:
        return None
    return config.path.parent / name


def _repository_path(changes: Changes, path: Path) -> str:
    """`path` from the top of the repository, as written (".." taken away, no link followed).
    Raises ValueError when it is outside."""
    return Path(os.path.abspath(path)).relative_to(changes.top).as_posix()


def _inside(rel: str) -> str:
    """What the paths inside the folder `rel` start with ("" for the top of the repository)."""
    return "" if rel == "." else rel + "/"


def _in_repository(changes: Changes, path: Path) -> bool:
    try:
        _repository_path(changes, path)
    except ValueError:
        return False
    return True
