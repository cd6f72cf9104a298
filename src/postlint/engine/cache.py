"""The per-file result cache in `.postlint_cache/` at the site root.

A file's findings are reused only when all of these are unchanged:
- the run's key: the postlint version, the effective rule settings, and the bytes of every
  configuration file in play (`.postlint.yaml`, `_config.yml`, each YAML rule file);
- the file's own bytes;
- every input its rules read from the rest of the site, recorded by the site model while the
  file was checked (jekyll/facts.py), each compared with the digest it had then.

A file is judged by the digest of its bytes, never by its size and modification time. The digest
is read again unless the file's full `stat` signature, change time and inode included, is the one
it had when the previous run read it (jekyll/signatures.py, as git's index does): a same-size edit
with its modification time put back still changes the change time, so a warm run reads only what
changed.

A post whose rules never looked beyond it keeps its result whatever else changes; one that asked
whether a `post_url` target exists is checked again when that target's front matter, or the set
of the site's files, changes.

The same file keeps the site model's per-file facts (a post's URLs, whether it is published, its
terms; jekyll/facts.py), each with the inputs it was computed from: a warm run that checks one
edited post takes what the site's indexes need from them instead of reading every other post.
The facts of each name (a post's URLs, its terms...) are encoded apart and decoded when first
asked for: a one-post run decodes the few names its indexes still need.
It keeps the site's word counts too (in how many posts each term occurs), which the next run
corrects by the posts whose terms changed instead of counting them all again.

It also keeps the front-matter memo (parse/frontmatter_memo.py): the parses of the site's front
matters by the digest of their text, so that a post whose body alone changed is checked without
importing PyYAML.

The cache is one file replaced atomically: concurrent runs never see a half-written file (the
last writer wins), and a corrupt or foreign file is ignored and rebuilt. A run that changed little
(one edited post: its entry, its facts, its file's signature) does not write the whole file again,
5 MB on a 500-post site and a tenth of such a run: it writes a *journal* beside it, the changes
since the file was written, made against it (its signature names it). The next run reads both; a
journal of an earlier file is ignored. Each item of the cache is checked where used (its digest,
its inputs, its signature), so a journal can only add or remove items. The whole file is written
again, and the journal removed, when the journal grows past an eighth of it. Its contents are in
`marshal`'s format, which Python reads twice and writes five times as fast as JSON. The file is
made of *parts* (the entries, the groups, the file signatures, the front-matter parses, the kept
indexes and their answers, each name's facts, the word counts), which a signed header names with
their size and digest: a part is hashed against its digest and decoded only when a run first uses
it (_read_parts). The entries, the parses, the answers and each name's facts are stored in shards
(engine/shards.py): a run that checks one post hashes and decodes the shard that holds its entry,
not all 505 of 18F. A journal
only adds and replaces; what no run can use any more (the entry of a file that is gone, or of one
checked against a state of the site that no longer holds, and what only such entries used) is
left out when the whole file is written, so the file stays the size of the site's present state.
`marshal` is not made to read hostile data, and it never sees any: a header is read only after its
MAC (below) has shown that this user's postlint wrote it, with this Python version (in the signed
bytes), and a part only after its digest matched the header's.

Only a cache this machine's postlint wrote is trusted. Everything in a checkout may come from a
stranger's pull request, a committed `.postlint_cache/` included, and its key is made of things an
attacker can reproduce. So the file carries a MAC of its header (keyed BLAKE2b), whose digests
cover the parts, under a secret kept outside the repository (`$XDG_CACHE_HOME/postlint/cache-key`,
made on first use, readable by its owner only); a file whose MAC does not verify (written
elsewhere, edited, or arrived with the checkout) is ignored, and so is a part whose digest does
not match. The cache folder and file are never followed through a symbolic link, and only a regular
file of bounded size is read.

The YAML memo (parse/frontmatter.py's YamlMemo: loaded YAML documents by the digest of their
text) is kept the same way, signed, next to the key in the user's cache folder: a run whose
results all come from the cache reads its YAML files without importing PyYAML. So is the rule memo
(registry.RuleMemo: what postlint's own rule modules declare, for the code that declared it): such
a run imports no rule module either. So are the installed distributions, their requirements and
entry points (installed.py), for the environment they were read in.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from postlint import __version__
from postlint.digest import blake2b, compare_digest, digest
from postlint.engine.heap import no_collection
from postlint.engine.shards import Section, split
from postlint.finding import Edit, Finding, Fix
from postlint.installed import Lookups, requirement_folders, to_keep
from postlint.jekyll.facts import FRONT_MATTER
from postlint.parse.frontmatter import YAML_MEMO
from postlint.parse.frontmatter_memo import FRONT_MATTERS
from postlint.registry import RuleMemo, own_code

CACHE_DIR = ".postlint_cache"
# v9: the entries, the front-matter parses and the facts in shards (engine/shards.py)
CACHE_FILE = "results-v9.bin"
JOURNAL_FILE = "results-v9-journal.bin"  # what changed since CACHE_FILE was written
JOURNAL_SHARE = 8  # a journal is written while it is at most an eighth of CACHE_FILE's size
_SECTIONS = ("entries", "groups", "files", "front-matters", "indexes", "answers")  # the parts a journal lists changes to
_SHARDED = ("entries", "front-matters", "answers")  # stored as the parts "entries/0", "entries/1"..., as are the facts
_FACTS = "facts:"  # the parts that hold the facts of one name each: "facts:" + name + "/" + shard
# CACHE_FILE's and JOURNAL_FILE's earlier names (v1-v3 were JSON)
_OLDER_FORMATS = ("results-v[0-9].bin", "results-v[0-9].json", "results-v[0-9]-journal.bin")
MAX_CACHE_BYTES = 512 * 1024 * 1024
KEY_NAME = "cache-key"
YAML_MEMO_FILE = "yaml-memo-v1.bin"
RULES_MEMO_FILE = "rules-memo-v1.bin"
INSTALLED_MEMO_FILE = "installed-memo-v1.bin"
MAX_YAML_DOCUMENTS = 64  # the configs, _config.yml files and YAML rules of the sites in use


def _user_folder() -> str:
    """postlint's folder in this user's cache folder: the cache key and the YAML memo."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "postlint")


def secret_key() -> bytes | None:
    """This user's cache key, made on first use; None when it cannot be kept (then no cache)."""
    folder = _user_folder()
    path = os.path.join(folder, KEY_NAME)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(os.urandom(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            key = handle.read(64)
    except OSError:
        return None
    return key if len(key) >= 32 else None


# marshal's format may change between Python versions: a cache another version wrote is foreign.
_FORMAT = f"postlint cache, marshal {marshal.version}, Python {sys.version_info[0]}.{sys.version_info[1]}\n".encode()


def _sign(key: bytes, payload: bytes | memoryview) -> str:
    """BLAKE2b in its keyed mode, a MAC by design (as HMAC-SHA256 is, without importing hashlib)."""
    mac = blake2b(_FORMAT, key=key, digest_size=32)
    mac.update(payload)  # not _FORMAT + payload: a copy of megabytes
    return mac.hexdigest()


def encode(contents: dict) -> bytes:
    """The cache's contents as stored (unsigned)."""
    return marshal.dumps(contents)


def decode(payload: bytes | memoryview) -> object:
    """The cache's contents from stored bytes whose signature was verified; ValueError when they
    are not of marshal's format (EOFError and TypeError come as ValueError)."""
    try:
        return marshal.loads(payload)
    except (EOFError, TypeError) as exc:
        raise ValueError(str(exc)) from exc


def _decoded(encoded: object) -> object:
    """A part of the cache stored encoded (and checked); None when it is not."""
    if not isinstance(encoded, (bytes, memoryview)):
        return None
    try:
        with no_collection():
            return decode(encoded)
    except (ValueError, RecursionError):
        return None


def _read_signed(path: Path, secret: bytes) -> object:
    """The contents of a file this user's postlint wrote and signed; None for anything else (none,
    a symbolic link, a FIFO or device, too big, signed otherwise, corrupt)."""
    return _read_signed_file(path, secret)[0]


def _read_signed_file(path: Path, secret: bytes) -> tuple[object, str, int]:
    """(contents, signature, size in bytes) of a file _read_signed accepts; (None, "", 0) otherwise."""
    data = _read_regular(path)
    try:
        newline = data.find(b"\n") if data is not None else -1
        if newline < 0:
            return None, "", 0
        mac, payload = data[:newline], memoryview(data)[newline + 1:]  # a view: no copy of megabytes
        if not compare_digest(mac, _sign(secret, payload).encode()):
            return None, "", 0  # not written by this user's postlint: ignored
        with no_collection():
            return decode(payload), mac.decode("ascii"), len(data)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None, "", 0  # a corrupt file: start afresh


def _open_regular(path: Path) -> tuple[BinaryIO, int] | None:
    """A regular file of bounded size opened for reading, never through a symbolic link, and its
    size; None for anything else (none, a link, a FIFO or device, too big, unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None  # none yet, or a symbolic link
    handle = os.fdopen(fd, "rb", buffering=0)
    try:
        info = os.fstat(fd)
    except OSError:
        info = None
    if info is None or not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
        handle.close()
        return None  # a FIFO or a device is never read
    return handle, info.st_size


def _read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file of bounded size, never through a symbolic link; None for
    anything else (none, a link, a FIFO or device, too big, unreadable)."""
    opened = _open_regular(path)
    if opened is None:
        return None
    with opened[0] as handle:
        data = _read_at(handle, 0, opened[1] + 1)  # a byte more than its size: one that grew is seen
    return data if len(data) <= MAX_CACHE_BYTES else None


def _read_at(handle: BinaryIO, offset: int, length: int) -> bytes:
    """`length` bytes of the open file from `offset` (fewer at its end; none once it is closed).
    pread leaves the file's position alone: forked workers share it with the parent."""
    chunks, done = [], 0
    try:
        while done < length:
            if hasattr(os, "pread"):
                chunk = os.pread(handle.fileno(), length - done, offset + done)
            else:  # pragma: no cover - Windows, where no worker is forked
                handle.seek(offset + done)
                chunk = handle.read(length - done) or b""
            if not chunk:
                break
            chunks.append(chunk)
            done += len(chunk)
    except (OSError, ValueError):
        return b""
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _part_digest(data: bytes | memoryview) -> str:
    return blake2b(data, digest_size=32).hexdigest()


class _Parts:
    """The parts of a result cache file whose signed header verified, by name: each is read from
    the file, checked against the digest the header gives it, and decoded, when first asked for.
    A run that checks one unchanged post never reads, hashes nor decodes the facts, indexes and
    word counts it does not use (of 18F's 6.5 MB it reads about one)."""

    def __init__(self, key: object, layout: dict[str, tuple[int, int, str]], handle: BinaryIO) -> None:
        self.key = key
        self._layout = layout  # name -> (start, length, digest)
        self._handle = handle
        self._decoded: dict[str, object] = {}

    @property
    def names(self) -> list[str]:
        return list(self._layout)

    def shards(self, name: str) -> list[Callable[[], object]]:
        """A function per shard of the sharded part `name` (the parts `name/0`, `name/1`...), in
        order, that gives the shard decoded (sharded_parts)."""
        count = sum(1 for part in self._layout if part.rpartition("/")[0] == name)
        return [lambda part=f"{name}/{index}": self.get(part) for index in range(count)]

    def get(self, name: str) -> object:
        """The part `name` decoded; None when there is none or it is not what the header says."""
        if name not in self._decoded:
            found = None
            place = self._layout.get(name)
            if place is not None:
                start, length, expected = place
                data = _read_at(self._handle, start, length)
                if len(data) == length and compare_digest(_part_digest(data).encode(), expected.encode()):
                    found = _decoded(data)
            self._decoded[name] = found
        return self._decoded[name]

    def close(self) -> None:
        """Close the file: a part not read yet is then none."""
        self._handle.close()


_HEAD_BYTES = 64 * 1024  # read at once from a result cache file: its signature, and its header mostly


def _read_parts(path: Path, secret: bytes) -> tuple[_Parts | None, str, int]:
    """(parts, signature, size in bytes) of a result cache file this user's postlint wrote
    (_write_parts), kept open for its parts to be read as they are used; (None, "", 0) for
    anything else."""
    opened = _open_regular(path)
    if opened is None:
        return None, "", 0
    handle, size = opened
    try:
        head = _read_at(handle, 0, min(size, _HEAD_BYTES))
        first = head.find(b"\n")
        second = head.find(b"\n", first + 1) if first >= 0 else -1
        if second < 0:
            raise ValueError("no header")
        mac, length = head[:first], int(head[first + 1:second])
        if length < 0 or second + 1 + length > size:
            raise ValueError("a header longer than the file")
        header = head[second + 1:second + 1 + length] if second + 1 + length <= len(head) \
            else _read_at(handle, second + 1, length)
        if len(header) != length or not compare_digest(mac, _sign(secret, header).encode()):
            raise ValueError("not written by this user's postlint")  # ignored
        contents = decode(header)
        start, layout = second + 1 + length, {}
        for name, part_size, expected in contents["parts"]:
            layout[str(name)] = (start, int(part_size), str(expected))
            start += int(part_size)
        return _Parts(contents["key"], layout, handle), mac.decode("ascii"), size
    except (KeyError, TypeError, ValueError, RecursionError, UnicodeDecodeError):
        handle.close()
        return None, "", 0  # a corrupt or foreign file: start afresh


def sharded_parts(name: str, section: dict) -> dict[str, bytes]:
    """The parts that store `section` in shards (engine/shards.py): `name/0`, `name/1`..."""
    return {f"{name}/{index}": encode(shard) for index, shard in enumerate(split(section))}


def stored_parts(sections: dict[str, object]) -> dict[str, bytes]:
    """The parts that store `sections` (name -> contents): the entries, the front-matter parses
    and the facts in shards, the others whole."""
    parts: dict[str, bytes] = {}
    for name, section in sections.items():
        if (name in _SHARDED or name.startswith(_FACTS)) and isinstance(section, dict):
            parts.update(sharded_parts(name, section))
        else:
            parts[name] = encode(section)
    return parts


def _write_parts(path: Path, secret: bytes, key: str, parts: dict[str, bytes]) -> None:
    """Replace `path` atomically with a result cache file of the encoded `parts`: a header signed
    with the cache key gives each part's name, size and digest (raises OSError)."""
    header = encode({"key": key, "parts": [[name, len(data), _part_digest(data)] for name, data in parts.items()]})
    _replace(path, [_sign(secret, header).encode() + b"\n" + str(len(header)).encode() + b"\n", header,
                    *parts.values()])


def _replace(path: Path, chunks: list[bytes]) -> None:
    """Replace `path` atomically with a file of `chunks` that only this user can read (raises OSError)."""
    handle, temp = _new_temporary(path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temp, path)
    except OSError:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _new_temporary(folder: Path) -> tuple[int, str]:
    """A new file in `folder` that only this user can read, open for writing, and its path: what
    tempfile.mkstemp gives, without importing tempfile and random (4 ms of each run that saves)."""
    while True:
        name = os.path.join(folder, f".postlint-{os.urandom(8).hex()}")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                           | getattr(os, "O_BINARY", 0), 0o600), name
        except FileExistsError:
            continue


def _write_signed(path: Path, secret: bytes, payload: bytes) -> None:
    """Replace `path` atomically with the encoded contents `payload`, signed (raises OSError)."""
    _replace(path, [_sign(secret, payload).encode() + b"\n", payload])


def use_yaml_memo(secret: bytes | None) -> None:
    """Turn on the YAML memo (parse/frontmatter.py) with the documents this user's earlier runs
    loaded: a run whose results come from the cache then reads its config, _config.yml and YAML
    rules without importing PyYAML. The memo lives next to the cache key, signed like the cache."""
    if secret is None:
        return
    stored = _read_signed(Path(_user_folder()) / YAML_MEMO_FILE, secret)
    documents = stored.get("documents") if isinstance(stored, dict) and stored.get("version") == __version__ else None
    YAML_MEMO.use({key: value for key, value in documents.items() if isinstance(key, str) and isinstance(value, bytes)}
                  if isinstance(documents, dict) else {})


def save_yaml_memo(secret: bytes | None) -> None:
    """Keep the YAML memo for the next run when this run loaded a document it did not hold (the
    latest MAX_YAML_DOCUMENTS); a folder that cannot be written only costs the next run a parse."""
    if secret is None or YAML_MEMO.documents is None or not YAML_MEMO.grew:
        return
    documents = dict(list(YAML_MEMO.documents.items())[-MAX_YAML_DOCUMENTS:])
    if _write_user_file(YAML_MEMO_FILE, secret, {"version": __version__, "documents": documents}):
        YAML_MEMO.grew = False


def read_rules_memo(secret: bytes | None) -> RuleMemo | None:
    """The declarations of postlint's own rules as this user's earlier runs imported them
    (registry.RuleMemo), signed like the cache; None without a key (then every run imports them)."""
    if secret is None:
        return None
    return RuleMemo(own_code(), _read_signed(Path(_user_folder()) / RULES_MEMO_FILE, secret))


def save_rules_memo(secret: bytes | None, memo: RuleMemo | None) -> None:
    """Keep the rule memo for the next run when this run imported a rule list it did not hold."""
    if secret is None or memo is None or not memo.grew:
        return
    if _write_user_file(RULES_MEMO_FILE, secret, memo.export()):
        memo.grew = False


def read_installed_memo(secret: bytes | None) -> object:
    """What this user's last run kept of the installed distributions (installed.to_keep), signed
    like the cache; None without a key."""
    return _read_signed(Path(_user_folder()) / INSTALLED_MEMO_FILE, secret) if secret is not None else None


def save_installed_memo(secret: bytes | None, lookups: Lookups, kept: object) -> None:
    """Keep this run's answers about the installed distributions when they are new (to_keep)."""
    contents = to_keep(lookups, kept) if secret is not None else None
    if contents is not None:
        _write_user_file(INSTALLED_MEMO_FILE, secret, contents)  # type: ignore[arg-type]


def _write_user_file(name: str, secret: bytes, contents: object) -> bool:
    """Write a memo into the user's cache folder, signed; False when the folder cannot be
    written (which only costs the next run what the memo would have spared it)."""
    try:
        _write_signed(Path(_user_folder()) / name, secret, encode(contents))
    except OSError:
        return False
    return True


_ABSENT = object()


def _changes(base: dict, now: dict) -> list:
    """[what `now` holds that `base` does not hold (as the same object), the keys of `base` that
    `now` lacks]: a journal's changes to one part of the cache."""
    return [{key: value for key, value in now.items() if base.get(key, _ABSENT) is not value},
            [key for key in base if key not in now]]


def _are_changes(changes: object) -> bool:
    """Are `changes` of the shape _changes gives them?"""
    return type(changes) is list and len(changes) == 2 and type(changes[0]) is dict and type(changes[1]) is list


def _applied(base: dict, changes: object) -> dict:
    """`base` with a journal's `changes` made to it (ValueError: not changes as _changes makes them)."""
    if not _are_changes(changes):
        raise ValueError("not a journal's changes")
    merged = {**base, **changes[0]}
    for key in changes[1]:
        merged.pop(key, None)
    return merged


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _remove_older_formats(folder: Path) -> None:
    """Delete the result files an earlier postlint wrote in `folder` in a format this one does
    not read (results-v1.json ... results-v5.bin and their journals): megabytes each, read by no
    one. Only such names are touched; a symbolic link of such a name is removed itself, never what
    it leads to."""
    for old in (found for pattern in _OLDER_FORMATS for found in folder.glob(pattern)):
        if old.name not in (CACHE_FILE, JOURNAL_FILE):
            try:
                old.unlink()
            except OSError:
                pass


def _real_folder(path: Path) -> bool:
    """Is `path` a folder itself, not a symbolic link to one?"""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _finding_to_stored(finding: Finding) -> dict:
    data = {
        "line": finding.line, "column": finding.column, "code": finding.code, "rule": finding.rule,
        "severity": finding.severity, "message": finding.message,
        "fingerprint": finding.fingerprint, "internal": finding.internal,
    }
    if finding.fix is not None:
        data["fix"] = [finding.fix.description, [[e.start, e.end, e.replacement] for e in finding.fix.edits]]
    return data


def _finding_from_stored(data: dict, path: str, lines: dict[str, str]) -> Finding:
    fix = None
    if "fix" in data:
        description, edits = data["fix"]
        fix = Fix(description, tuple(Edit(*edit) for edit in edits))
    return Finding(path=path, line=data["line"], column=data["column"], code=data["code"], rule=data["rule"],
                   severity=data["severity"], message=data["message"], source_line=lines[str(data["line"])],
                   fix=fix, fingerprint=data["fingerprint"], internal=data["internal"])


def run_key(settings, config, site) -> str:
    """Everything besides the file and its recorded inputs that decides a file's findings. The
    libraries postlint parses with are in it by version (markdown-it-py, PyYAML...): a hook's
    environment made anew for the same postlint may hold newer ones."""
    rules = [(s.rule.code, s.rule.name, s.severity, s.options, s.rule.origin, s.rule.doc, s.rule.source_digest)
             for s in settings]
    return digest([__version__, requirement_folders("postlint"), rules, config.source_digest, config.site,
                   config.max_file_size, site.jekyll_config_name,
                   site.content_digest(site.jekyll_config_name) if (site.root / site.jekyll_config_name).is_file() else ""])


def _groups_used(entries: dict[str, object], indexes: dict[str, list]) -> set[str]:
    """The names of the groups `entries` and the kept `indexes` name."""
    used = {name for entry in entries.values() if type(entry) is list and len(entry) == 3
            and type(entry[1]) is list for name in entry[1] if type(name) is str}
    used.update(group for group, _ in indexes.values())
    return used


class ResultCache:
    def __init__(self, site, key: str, secret: bytes | None) -> None:
        if not site.keeps_inputs:  # its facts carry no inputs: kept, a later run could not check them
            raise ValueError(f"the site at {site.root} records no inputs (keep_no_inputs); it cannot have a cache")
        self.site = site
        self.path = site.root / CACHE_DIR / CACHE_FILE
        self.journal_path = site.root / CACHE_DIR / JOURNAL_FILE
        self.key = key
        self.secret = secret
        # Each file's entry and each group stay encoded until used: a run that checks one post
        # decodes the shard of its own entry and none of the groups, and writes the others back
        # as they were.
        self.entries: dict[str, list] | Section = {}  # rel -> [content digest, group names, encoded (inputs, lines, findings)]
        self.groups: dict[str, bytes] = {}  # the inputs of an index, shared by many entries, encoded
        self._group_ok: dict[str, bool] = {}
        self._group_inputs: dict[str, object] = {}  # a group's inputs, decoded once
        self.changed = False
        self._parts: _Parts | None = None  # the base file's parts, decoded when used
        self._base: dict[str, dict] = {}  # the base's sections not in shards, decoded, for the journal
        self._sections: dict[str, dict | Section] = {}  # the sections with the journal's changes: this run's
        self._journal_changes: dict | None = None  # the journal: its changes to the base
        self._base_signature, self._base_size = "", 0
        self._fact_sections: dict[str, Section] = {}  # the facts of each name this run looked into
        self._journal_facts: dict[str, bytes] = {}  # the journal's changes to the base's facts, by name
        parts, signature, size = _read_parts(self.path, secret) if self._may_read() else (None, "", 0)
        if parts is not None and parts.key != self.key:
            parts.close()  # of another run's key: none of it is used
        elif parts is not None:
            self._parts, self._base_signature, self._base_size = parts, signature, size
            self._journal_changes = self._journal()
            self.entries, self.groups = self._section("entries"), self._section("groups")  # type: ignore[assignment]
            journal = self._journal_changes
            # The word counts, the facts and the kept indexes are decoded when the run first needs
            # them: a run whose every result comes from the cache never does.
            site.remember(self._section("files"), self._fact_loaders(),
                          lambda: _decoded(journal["counts"]) if journal else parts.get("counts"),
                          lambda: self._section("indexes"), self._group, self._section("answers"))
            FRONT_MATTERS.use(lambda: self._section("front-matters"))
        if secret is not None:
            FRONT_MATTERS.use({})  # on, to keep this run's parses

    @property
    def holds_facts(self) -> bool:
        """Did a previous run of this key leave its results and facts (a base file to read)?"""
        return self._parts is not None

    def close(self) -> None:
        """Close the cache file once the run is done with it (saved): its parts are read as used."""
        if self._parts is not None:
            self._parts.close()

    def _may_read(self) -> bool:
        """Is there a key to check files with, and is the cache folder a folder (not a link)?"""
        return self.secret is not None and _real_folder(self.path.parent)

    def _section(self, name: str) -> dict | Section:
        """A section of the cache as this run sees it (the base's, with the journal's changes):
        a sharded one (_SHARDED) decoded shard by shard as it is looked into, another decoded
        whole when first used."""
        found = self._sections.get(name)
        if found is None:
            changes = self._journal_changes[name] if self._journal_changes else None
            if name in _SHARDED:
                loaders = self._parts.shards(name) if self._parts is not None else []
                found = Section(loaders, *changes) if changes is not None else Section(loaders)
            else:
                base = self._parts.get(name) if self._parts is not None else None
                base = self._base[name] = base if isinstance(base, dict) else {}
                found = _applied(base, changes) if changes is not None else dict(base)
            self._sections[name] = found
        return found

    def _journal(self) -> dict | None:
        """The journal of what changed since the base was written, when it is of this base and of
        the shape _write_journal gives it."""
        journal, _, _ = _read_signed_file(self.journal_path, self.secret) if self._may_read() else (None, "", 0)
        if not isinstance(journal, dict) or journal.get("base") != self._base_signature or journal.get("key") != self.key:
            return None  # none, foreign, or left from an earlier base
        if not all(_are_changes(journal.get(name)) for name in _SECTIONS):
            return None  # of another shape: ignored
        return journal

    def _fact_loaders(self) -> dict[str, Callable[[], object]]:
        """name -> a function that gives the site model's facts of that name: the base's shards,
        with the journal's changes to them. The journal's changes to the names this run leaves
        alone go to the next journal as they are."""
        parts = self._parts
        changes = self._journal_changes.get("facts") if self._journal_changes else None
        self._journal_facts = {name: data for name, data in changes.items() if type(name) is str
                               and type(data) is bytes} if isinstance(changes, dict) else {}

        def loader(name: str) -> Callable[[], object]:
            def load() -> object:
                loaders = parts.shards(_FACTS + name) if parts is not None else []
                changes = _decoded(self._journal_facts[name]) if name in self._journal_facts else None
                section = Section(loaders, *changes) if _are_changes(changes) else Section(loaders)  # else ignored
                self._fact_sections[name] = section
                return section
            return load

        names = {name[len(_FACTS):].rpartition("/")[0] for name in (parts.names if parts is not None else [])
                 if name.startswith(_FACTS)}
        return {name: loader(name) for name in names | self._journal_facts.keys()}

    def _group(self, name: str) -> object:
        """The inputs of the group `name` as stored (None: no such group)."""
        if name not in self._group_inputs:
            self._group_inputs[name] = _decoded(self.groups.get(name))
        return self._group_inputs[name]

    def _group_unchanged(self, name: str) -> bool:
        if name not in self._group_ok:
            group = self._group(name)
            self._group_ok[name] = isinstance(group, dict) and self.site.inputs_hold(group)
        return self._group_ok[name]

    def get(self, rel: str, content: str, display: str) -> list[Finding] | None:
        """The cached findings of `rel` when its bytes and every input it read are unchanged."""
        entry = self.entries.get(rel)
        if type(entry) is not list or len(entry) != 3 or entry[0] != content or type(entry[2]) is not bytes:
            return None
        try:
            inputs, lines, findings = decode(entry[2])
            if not self.site.inputs_hold(inputs) or not all(self._group_unchanged(name) for name in entry[1]):
                return None
            return [_finding_from_stored(item, display, lines) for item in findings]
        except (AttributeError, KeyError, TypeError, ValueError):
            return None  # an entry of another shape: recompute

    def put(self, rel: str, content: str, inputs: dict[str, str], groups: dict[str, dict[str, str]],
            findings: list[Finding]) -> None:
        if any(f.internal for f in findings):
            return  # a crash is not a result worth keeping
        for name, group in groups.items():
            if name not in self.groups:  # a group's name is the digest of its inputs
                self.groups[name] = encode(group)
        # Each source line once per file, not once per finding: 15,000 findings on a 1 MB line
        # made a 15 GB cache file.
        lines = {str(f.line): f.source_line for f in findings}
        self.entries[rel] = [content, sorted(groups), encode((inputs, lines, [_finding_to_stored(f) for f in findings]))]
        self.changed = True

    def save(self) -> None:
        learned = (self.site.learned_facts or self.site.learned_counts or self.site.learned_indexes
                   or self.site.learned_answers or FRONT_MATTERS.grew)
        if self.secret is None or not (self.changed or self.site.memo.may_grow or learned):
            return  # a run that read nothing new (every result from the cache) leaves the file alone
        files = self.site.memo.export()
        if not (self.changed or self.site.memo.grew or learned):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not _real_folder(self.path.parent):
                return  # a symbolic link (or a file) in the checkout: never written through
            try:  # O_EXCL and O_NOFOLLOW: a planted link named .gitignore is never written through
                fd = os.open(self.path.parent / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_NOFOLLOW", 0), 0o644)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write("# Created by postlint: the cache is local.\n*\n")
            indexes = self._kept_indexes()
            answers = self._section("answers")
            for key, found in self.site.export_answers().items():
                answers[key] = found
            counts = encode(self.site.export_counts())
            if not self._write_journal(files, indexes, counts):
                self._write_whole(files, indexes, counts)
                _remove(self.journal_path)  # of the base just replaced
                _remove_older_formats(self.path.parent)  # a new format comes with a new key: a whole write
        except OSError:
            pass  # a read-only checkout still lints; it only misses the cache

    def _write_whole(self, files: dict[str, list], indexes: dict[str, list], counts: bytes) -> None:
        """Write the whole cache (raises OSError), leaving out what no run can use any more: the
        entries `get` can never return (_may_serve), the groups no other entry or kept index
        names, the parses of front matters no file has now (and this run did not use), the facts
        of files that are gone."""
        entries = self.entries.whole() if isinstance(self.entries, Section) else self.entries
        entries = {rel: entry for rel, entry in entries.items() if self._may_serve(rel, entry)}
        used = _groups_used(entries, indexes)
        # The parses of the front matters the site's files have now (their digests, by the file memo).
        front_matters = {digests.get(f"{FRONT_MATTER}:{rel}") for rel, (_, digests) in files.items()}
        answers = {key: found for key, found in self._section("answers").items()
                   if type(found) is list and len(found) == 2 and found[0] in used}  # those of groups gone left out
        sections = {"entries": entries, "groups": {name: inputs for name, inputs in self.groups.items() if name in used},
                    "files": files, "front-matters": FRONT_MATTERS.kept(front_matters), "indexes": indexes,
                    "answers": answers,
                    **{_FACTS + name: by_rel for name, by_rel in self.site.export_facts().items()}}
        parts = {**stored_parts(sections), "counts": counts}
        self.close()  # every part it needs is decoded; Windows replaces no file that is open
        _write_parts(self.path, self.secret, self.key, parts)

    def _may_serve(self, rel: str, entry: object) -> bool:
        """May `get` ever return this entry: is its file one of the site's, and does every group of
        inputs it names hold now? An entry checked against an earlier state of the site names that
        state's groups, each as large as the site (the URL index's inputs: one per file); kept, the
        groups of every front-matter edit since the last whole-site run would pile up, while its
        file is checked again anyway. Its direct inputs are not looked at (decoding every entry):
        they are few."""
        if not self.site.has_file(rel):
            return False
        return type(entry) is list and len(entry) == 3 and type(entry[1]) is list \
            and all(type(name) is str and self._group_unchanged(name) for name in entry[1])

    def _kept_indexes(self) -> dict[str, list]:
        """The site's kept indexes whose group of inputs this cache holds, the groups of those
        built in this run added."""
        kept = {}
        for name, index in self.site.export_indexes().items():
            if type(index) is not list or len(index) != 2 or type(index[0]) is not str:
                continue
            if index[0] not in self.groups:
                inputs = self.site.group_inputs(index[0])
                if inputs is None:
                    continue  # a group no longer at hand: the index is built again when next asked for
                self.groups[index[0]] = encode(inputs)
            kept[name] = index
        return kept

    def _write_journal(self, files: dict[str, list], indexes: dict[str, list], counts: bytes) -> bool:
        """Write what changed since the base was written, instead of the whole cache again, when it
        is small beside the base; False when the whole cache is to be written (raises OSError).
        A journal only adds and replaces: what is no longer used (a group, a parse, a fact of a
        file that is gone) stays until the whole cache is written again. Of the facts, only the
        names this run looked at can have changed."""
        if self._parts is None:
            return False
        changed_facts = dict(self._journal_facts)
        for name in self.site.touched_fact_names:
            section = self._fact_sections.get(name)
            added, removed = section.changes() if section is not None else ({}, [])
            added.update(self.site.new_facts(name))
            if added or removed:
                changed_facts[name] = encode([added, removed])
            else:
                changed_facts.pop(name, None)
        parses = self._section("front-matters").changes()
        parses[0].update(FRONT_MATTERS.made)
        entries = self._section("entries").changes()
        answers = self._section("answers").changes()
        for name in ("groups", "files", "indexes"):
            self._section(name)  # its base decoded, to tell what changed
        # A group added since the base was written can only be used by an entry added since (or a
        # kept index): the others, replaced since, leave it unused.
        used, base_groups = _groups_used(entries[0], indexes), self._base["groups"]
        groups = {name: inputs for name, inputs in self.groups.items() if name in base_groups or name in used}
        journal = {"base": self._base_signature, "key": self.key, "facts": changed_facts, "counts": counts,
                   "entries": entries, "front-matters": parses, "answers": answers, "groups": _changes(base_groups, groups),
                   "files": _changes(self._base["files"], files), "indexes": _changes(self._base["indexes"], indexes)}
        payload = encode(journal)
        if len(payload) * JOURNAL_SHARE > self._base_size:
            return False
        _write_signed(self.journal_path, self.secret, payload)
        return True
