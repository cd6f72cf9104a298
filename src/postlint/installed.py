"""The distributions installed on sys.path, read from their `*.dist-info` and `*.egg-info`
folders as importlib.metadata reads them, without importing it: importing importlib.metadata
(email, zipfile, csv, socket...) and scanning with it took 36 ms of every run, a tenth of a cached
one; this takes 3. The first distribution of a name on the path wins; a zipped egg is not searched.
A run looks them up once (looked_up_once): it asks for the rules' entry points, and for what
postlint requires for its cache key and its rule memo. The answers are kept for the next run with
the environment they were given in (`environment`: the folders of sys.path and the signature of
each, which installing, upgrading or removing a distribution in it changes); a run in the same
environment takes them instead of listing the folders and reading the metadata again.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from postlint.digest import digest
from postlint.jekyll.signatures import RACY_NS
from postlint.lazy_patterns import lazy_compile

_NAME_SEPARATORS = lazy_compile(r"[-_.]+")
_REQUIREMENT_NAME = lazy_compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_FOR_AN_EXTRA = lazy_compile(r";.*\bextra\s*==")  # a requirement's marker naming an extra


def normalized(name: str) -> str:
    """A distribution's name as folders and requirements are compared (PEP 503, with _)."""
    return _NAME_SEPARATORS.sub("_", name).lower()


T = TypeVar("T")
_looked_up: dict[tuple, object] | None = None  # inside looked_up_once: each answer, by question


class Lookups:
    """One run's answers about the installed distributions (question -> answer), and the
    environment they were given in (environment(), when the run started)."""

    def __init__(self, answers: dict[tuple, object], environment: str | None) -> None:
        self.answers = answers
        self.environment = environment


@contextmanager
def looked_up_once(kept: object = None) -> Iterator[Lookups]:
    """Inside the block (one run, which installs nothing), the distributions on sys.path are
    listed, and the requirements of each distribution asked about read, once. `kept`: what an
    earlier run kept (to_keep), whose answers are taken when given in this same environment.
    Gives the block its answers, for to_keep."""
    global _looked_up
    outer = _looked_up
    here = environment() if outer is None else None
    if outer is None:
        _looked_up = dict(kept["answers"]) if _given_in(kept, here) else {}  # type: ignore[index]
    try:
        yield Lookups(_looked_up, here)  # type: ignore[arg-type]
    finally:
        _looked_up = outer


def environment() -> str | None:
    """What the answers about the installed distributions depend on: the folders of sys.path,
    and the device, inode, modification and change times of each; None when one changed too
    recently to tell a later change (signatures.RACY_NS), cannot be looked at, or on Windows."""
    if os.name == "nt":
        return None
    now, seen = time.time_ns(), []
    for folder in sys.path:
        try:
            info = os.stat(folder or ".")
        except (FileNotFoundError, NotADirectoryError):
            seen.append(f"{folder}\0absent")
            continue
        except (OSError, ValueError):
            return None
        if max(info.st_mtime_ns, info.st_ctime_ns) > now - RACY_NS:
            return None
        seen.append(f"{folder}\0{info.st_dev}\0{info.st_ino}\0{info.st_mtime_ns}\0{info.st_ctime_ns}")
    return digest("\n".join(seen).encode("utf-8", "surrogatepass"))


def _given_in(kept: object, here: str | None) -> bool:
    """Was `kept` (to_keep's) given in the environment `here`?"""
    return here is not None and isinstance(kept, dict) and isinstance(kept.get("answers"), dict) \
        and kept.get("environment") == here


def to_keep(lookups: Lookups, kept: object) -> dict | None:
    """What the next run may take (looked_up_once): the run's answers with the environment they
    were given in; None when there is nothing new beside `kept`, or when the environment could not
    be told or changed during the run (a distribution installed meanwhile)."""
    if not lookups.answers or _given_in(kept, lookups.environment) and kept["answers"] == lookups.answers:  # type: ignore[index]
        return None
    if lookups.environment is None or environment() != lookups.environment:
        return None
    return {"environment": lookups.environment, "answers": lookups.answers}


def _once(question: tuple, answer: Callable[[], T]) -> T:
    """answer(), or the answer given to `question` already inside looked_up_once."""
    if _looked_up is None:
        return answer()
    key = (*question, tuple(sys.path))
    if key not in _looked_up:
        _looked_up[key] = answer()
    return _looked_up[key]  # type: ignore[return-value]


def distributions() -> dict[str, str]:
    """Normalized name -> metadata folder of each distribution installed on sys.path (not to be
    changed: inside looked_up_once the same dict is given again)."""
    return _once(("distributions",), _distributions)


def _distributions() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except (OSError, ValueError):
            continue  # a zip file or a folder that is gone: no distribution installed as a folder
        for name in names:
            stem, suffix = os.path.splitext(name)
            if suffix in (".dist-info", ".egg-info"):
                found.setdefault(normalized(stem.partition("-")[0]), os.path.join(folder or ".", name))
    return found


def entry_points(group: str) -> list[tuple[str, str, str]]:
    """(name, value, the distribution's metadata folder) of each entry point in `group`, as
    importlib.metadata.entry_points(group=...) finds them."""
    return list(_once(("entry-points", group), lambda: _entry_points(group)))


def _entry_points(group: str) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for info in distributions().values():
        try:
            with open(os.path.join(info, "entry_points.txt"), encoding="utf-8") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError):
            continue  # no entry points (or an egg-info file, not a folder)
        found += [(entry, value, info) for entry, value in _group_entries(text, group)]
    return found


def _group_entries(text: str, group: str) -> list[tuple[str, str]]:
    """The `name = value` lines of section `[group]` of an entry_points.txt."""
    entries, section = [], None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
        elif section == group:
            name, equals, value = line.partition("=")
            if equals:
                entries.append((name.strip(), value.strip()))
    return entries


def metadata_headers(info: str) -> list[tuple[str, str]]:
    """The (field, value) header lines of a distribution's METADATA (or an egg's PKG-INFO)."""
    for name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(info, name), encoding="utf-8", errors="replace") as file:
                headers = []
                for line in file:
                    if not line.strip():
                        break  # the description follows the headers
                    field, colon, value = line.partition(":")
                    if colon and not line[0].isspace():
                        headers.append((field, value.strip()))
                return headers
        except OSError:
            continue
    return []


def version(info: str) -> str:
    """The version a distribution's metadata gives ("" when none)."""
    return next((value for field, value in metadata_headers(info) if field == "Version"), "")


def requirement_folders(name: str) -> list[str]:
    """The metadata folders (their names hold the versions) of the distribution `name` and of
    every distribution it requires, directly or not, that is installed; extras are left out."""
    return list(_once(("requirements", name), lambda: _requirement_folders(name)))


def _requirement_folders(name: str) -> list[str]:
    installed = distributions()
    seen: set[str] = set()
    waiting = [normalized(name)]
    while waiting:
        wanted = waiting.pop()
        if wanted in seen or wanted not in installed:
            continue
        seen.add(wanted)
        for field, value in metadata_headers(installed[wanted]):
            if field == "Requires-Dist" and not _FOR_AN_EXTRA.search(value):
                match = _REQUIREMENT_NAME.match(value)
                if match:
                    waiting.append(normalized(match.group(0)))
    return sorted(os.path.basename(installed[found]) for found in seen)
