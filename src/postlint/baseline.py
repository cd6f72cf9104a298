"""Baselines: record today's findings once, then gate only new ones.

A baseline file is JSON:

    {"version": 1, "tool": "postlint",
     "entries": [{"file": "_posts/2019-01-01-x.md", "code": "FM003", "fingerprint": "time_read: five", "count": 1}]}

`file` is relative to the folder holding the baseline file (so the baseline works from any
current folder); `fingerprint` is the offending text the rule reported (long text is stored as
its SHA-256), never the line number, so edits elsewhere in the file do not bring old findings
back. `count` covers the same defect repeated in one file: a baseline of 2 hides two matches,
and a third is new. Entries left unmatched (the defect was fixed) are reported so the file can
shrink; they never fail the run. Crashes of rules (PL001) are never recorded or hidden.

A baseline is committed, so a pull request can edit it. With `--changed-since REF` only the
entries the baseline already had at the merge base are honoured: an entry the branch added hides
nothing, and the run says so (a baseline only shrinks in a pull request; a maintainer regenerates
it on the main branch). A baseline that is not a regular file of bounded size, not JSON, nested
too deep or of the wrong shape is a configuration error (exit 2), never a traceback or a hang.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

from postlint.errors import ConfigError, UnreadableFile
from postlint.finding import Finding
from postlint.parse.source import read_bytes
from postlint.record import Record

VERSION = 1
MAX_BASELINE_BYTES = 64 * 1024 * 1024
_LONGEST_KEPT = 200  # fingerprints longer than this are stored hashed, to keep the file reviewable

Key = tuple[str, str, str]  # (file, code, fingerprint)


class BaselineMatch(Record):
    __slots__ = ("kept", "hidden", "stale", "not_honoured")

    kept: list[Finding]  # findings the baseline does not cover: these are reported
    hidden: int  # findings the baseline covered
    stale: list[tuple[Key, int]]  # entries (with how many of their count) nothing matched
    not_honoured: list[tuple[Key, int]]  # added on the branch (--changed-since)

    def __init__(self, kept: list[Finding], hidden: int, stale: list[tuple[Key, int]],
                 not_honoured: list[tuple[Key, int]] | None = None) -> None:
        self.kept = kept
        self.hidden = hidden
        self.stale = stale
        self.not_honoured = [] if not_honoured is None else not_honoured


def _fingerprint(finding: Finding) -> str:
    text = finding.fingerprint or finding.message
    if len(text) > _LONGEST_KEPT:
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text


def _file_key(finding_path: str, base: Path, cwd: Path) -> str:
    """A finding's path (relative to `cwd`) as a path relative to `base`, "/" separators."""
    absolute = os.path.normpath(os.path.join(cwd, finding_path))
    try:
        return Path(os.path.relpath(absolute, base)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()


def key_of(finding: Finding, base: Path, cwd: Path) -> Key:
    return (_file_key(finding.path, base, cwd), finding.code, _fingerprint(finding))


def write_baseline(path: Path, findings: list[Finding], cwd: Path, checked_files: set[str] | None = None,
                   codes_run: set[str] | None = None) -> int:
    """Record `findings` in `path`; returns the number of entries written. An existing baseline's
    entries this run could not have matched stay, judged as apply_baseline judges stale ones (a
    file it did not lint, a rule it did not run): `--write-baseline b.json _posts/guides` records
    that folder's findings instead of an empty baseline for the rest of the site. An existing
    file that is not a baseline is replaced, as before."""
    base = path.resolve().parent
    counts = Counter(key_of(f, base, cwd) for f in findings if not f.internal)
    if checked_files is not None and codes_run is not None and path.is_file():
        try:
            previous = load_baseline(path)
        except ConfigError:
            previous = Counter()
        checked = {_file_key(file, base, cwd) for file in checked_files}
        counts.update({key: count for key, count in previous.items() if key[0] not in checked or key[1] not in codes_run})
    entries = [{"file": file, "code": code, "fingerprint": fingerprint, "count": count}
               for (file, code, fingerprint), count in sorted(counts.items())]
    data = {"version": VERSION, "tool": "postlint", "entries": entries}
    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None
    return len(entries)


def load_baseline(path: Path) -> Counter[Key]:
    """The entries of a baseline file with their counts. Raises ConfigError for a bad file."""
    try:
        data = read_bytes(path, MAX_BASELINE_BYTES)  # a FIFO or a device is refused, never opened
    except (OSError, UnreadableFile) as exc:
        raise ConfigError(f"{path}: cannot read baseline: {getattr(exc, 'strerror', None) or exc}") from None
    return parse_baseline(data, str(path))


def parse_baseline(raw: bytes, path: str) -> Counter[Key]:
    """The entries of a baseline file's bytes; `path` names it in errors. Raises ConfigError."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: baseline is not valid JSON: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: baseline is not a postlint baseline: its JSON nests too deeply") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("entries"), list):
        raise ConfigError(f"{path}: not a postlint baseline (version {VERSION}); write one with --write-baseline")
    entries: Counter[Key] = Counter()
    for number, entry in enumerate(data["entries"], 1):
        if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("file", "code", "fingerprint"))
                and isinstance(entry.get("count", 1), int) and not isinstance(entry.get("count", 1), bool)
                and entry.get("count", 1) >= 1):
            raise ConfigError(f"{path}: entry {number} needs string 'file', 'code', 'fingerprint' and a positive 'count'")
        entries[(entry["file"], entry["code"], entry["fingerprint"])] += entry.get("count", 1)
    return entries


def apply_baseline(findings: list[Finding], entries: Counter[Key], base: Path, cwd: Path,
                   checked_files: set[str], codes_run: set[str], at_merge_base: Counter[Key] | None = None) -> BaselineMatch:
    """Hide the findings the baseline covers, each entry at most `count` times.

    With `at_merge_base` (the baseline as it was where the branch started), only what it already
    held is honoured; the rest is returned as `not_honoured`. Stale entries are only those this
    run could have matched: files it linted, rules it ran (a `--changed-since` or `--select` run
    says nothing about the others).
    """
    not_honoured: list[tuple[Key, int]] = []
    if at_merge_base is not None:
        not_honoured = sorted((entries - at_merge_base).items())
        entries = entries & at_merge_base
    left = Counter(entries)
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        key = key_of(finding, base, cwd)
        if not finding.internal and left[key] > 0:
            left[key] -= 1
            hidden += 1
        else:
            kept.append(finding)
    checked = {_file_key(path, base, cwd) for path in checked_files}
    stale = [(key, count) for key, count in sorted(left.items())
             if count > 0 and key[0] in checked and key[1] in codes_run]
    return BaselineMatch(kept, hidden, stale, not_honoured)
