"""What a file looks like from outside, so that a warm run need not read what has not changed.

A file's *signature* is what `lstat` says of it: its type, device, inode, size, modification time
and change time. The cache keeps, per file, the
signature taken just before the last run read it and the digests that run computed from the bytes
(its whole content, its front-matter block, whether it starts with `---`, an image's size). When
the signature is the same now, those digests are reused without reading the file; when anything
differs the file is read again. This is how git's index decides that a file is unchanged.

The change time is what makes it safe: any write, `touch -r` that puts the modification time back,
`cp -p`, a `git checkout` or a rename onto the file sets it to now, and it cannot be set back
without changing the system clock. A file changed within RACY_NS of the moment it was looked at
is never remembered: a filesystem that keeps times in whole seconds could otherwise hide a second
write in the same second (git calls these "racily clean" files). Windows reports the creation time
as `st_ctime`, so there nothing is remembered and every file is read.
"""

from __future__ import annotations

import os
import stat
import time

RACY_NS = 2_000_000_000  # FAT keeps times in 2-second steps
Signature = tuple[int, ...]
_UNSEEN = ()  # FileMemo._now's answer for a file not looked at yet (a signature is never empty)
NOT_TAKEN = object()  # before_read's `info` when the caller took no `lstat`


def signature(path: str, folder: int | None = None) -> Signature | None:
    """The file's signature, or None when it cannot be trusted to tell a change: changed just now,
    missing, a symbolic link (whether it leads outside the site is decided by reading it), or on
    Windows. `folder`: an open descriptor of the folder `path` is relative to."""
    if os.name == "nt":
        return None
    try:
        info = os.stat(path, dir_fd=folder, follow_symlinks=False)
    except (OSError, ValueError):
        return None
    return signature_of(info)


def signature_of(info: os.stat_result | None) -> Signature | None:
    """signature() from the file's `lstat`, taken already (None: it failed)."""
    if info is None or os.name == "nt" or stat.S_ISLNK(info.st_mode) \
            or max(info.st_ctime_ns, info.st_mtime_ns) > time.time_ns() - RACY_NS:
        return None
    return info.st_mode, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


class FileMemo:
    """Digests of a site's files by input key, each valid for the signature it was computed at.

    `remembered` is what the previous run left (file -> [signature, {input key: digest}]). This
    run adds a file when it reads it (`before_read` takes the signature first, so a write after
    the read is a different signature) and notes every digest computed from those bytes.
    """

    def __init__(self, root: str, remembered: object = None) -> None:
        self._root = root
        self._remembered = remembered if isinstance(remembered, dict) else {}  # checked where used
        self._now: dict[str, Signature | None] = {}  # signatures looked at in this run
        self._read: dict[str, Signature | None] = {}  # signature taken before this run read the file
        self._digests: dict[str, dict[str, str]] = {}  # digests computed in this run, by file
        self._checked: dict[str, tuple[Signature, dict[str, str]] | None] = {}  # _known, once per file
        self._unchanged: dict[str, dict[str, str]] = {}  # remembered digests of files seen unchanged, not read
        self._all_checked = False  # all_unchanged() looked at every remembered file
        self.grew = False
        self._unsent: set[str] = set()  # files read and not handed over yet (hand_over)
        self.keeping = True  # False after keep_nothing: no signature taken, no digest noted

    def _signature_now(self, rel: str) -> Signature | None:
        now = self._now.get(rel, _UNSEEN)
        if now is _UNSEEN:
            now = self._now[rel] = signature(os.path.join(self._root, rel))
        return now

    def _known(self, rel: str) -> tuple[Signature, dict[str, str]] | None:
        if rel not in self._checked:
            item = self._remembered.get(rel)
            ok = isinstance(item, list) and len(item) == 2 and isinstance(item[0], list) and isinstance(item[1], dict)
            self._checked[rel] = (tuple(item[0]), item[1]) if ok else None  # else not of this shape: read the file
        return self._checked[rel]

    def unchanged(self, rel: str) -> dict[str, str] | None:
        """The digests remembered for `rel` (input key -> digest; check each is a string) when the
        file's signature is the same now; its signature is compared once."""
        digests = self._unchanged.get(rel)
        if digests is None and rel not in self._read:
            known = self._known(rel)
            if known is not None and self._signature_now(rel) == known[0]:  # a signature of None never is
                digests = self._unchanged[rel] = known[1]
        return digests

    def all_unchanged(self) -> dict[str, dict[str, str]]:
        """Every remembered file whose signature is the same now, with its remembered digests:
        unchanged() for each, in one loop (a warm run that checks one post asks about every file
        of the site, through the indexes' inputs)."""
        if not self._all_checked:
            self._all_checked = True
            try:  # paths looked up from the root's descriptor: a third faster than whole paths
                root = os.open(self._root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) \
                    if os.stat in os.supports_dir_fd else None
            except OSError:
                root = None
            try:
                for rel, item in self._remembered.items():
                    if rel in self._now or type(item) is not list or len(item) != 2 or type(item[1]) is not dict:
                        continue  # looked at already (unchanged() decided), or not of this shape
                    now = self._now[rel] = signature(rel, root) if root is not None \
                        else signature(os.path.join(self._root, rel))
                    if now is not None and type(item[0]) is list and list(now) == item[0]:
                        self._unchanged[rel] = item[1]
            finally:
                if root is not None:
                    os.close(root)
        return self._unchanged

    def forget(self, rel: str) -> None:
        """Neither recall nor keep anything about `rel` in this run: the site reads another text
        for it than the bytes on disk (an editor's unsaved document)."""
        for memo in (self._remembered, self._checked, self._unchanged, self._digests):
            memo.pop(rel, None)
        self._read.pop(rel, None)
        self._unsent.discard(rel)

    def keep_nothing(self) -> None:
        """Take no file's signature from now on, and so note no digest: the run keeps nothing
        (Site.keep_no_inputs)."""
        self.keeping = False

    def before_read(self, rel: str, info: os.stat_result | None | object = NOT_TAKEN) -> None:
        """Take the signature of a file about to be read (once: a file is read once); `info`: its
        `lstat` (None: it failed) when the caller took it just now."""
        if not self.keeping:
            return
        self._unchanged.pop(rel, None)  # read in this run: its digests are this run's from now on
        if rel not in self._read:
            self._read[rel] = self._now[rel] = signature(os.path.join(self._root, rel)) if info is NOT_TAKEN \
                else signature_of(info)  # type: ignore[arg-type]

    def note(self, rel: str, key: str, value_digest: str) -> None:
        """The digest of the input `key`, about `rel` itself, computed in this run from the bytes
        of `rel` read after before_read."""
        if self._read.get(rel) is not None:
            self._digests.setdefault(rel, {})[key] = value_digest
            self._unsent.add(rel)

    def hand_over(self) -> dict[str, list]:
        """The files read since the last call, with their signatures and digests: a worker process
        sends them to the parent (adopt), which keeps them for the next run."""
        sent = {rel: [list(self._read[rel]), self._digests[rel]] for rel in sorted(self._unsent)}  # type: ignore[arg-type]
        self._unsent = set()
        return sent

    def adopt(self, files: dict[str, list]) -> None:
        """Files a worker read in this run: remembered as if the previous run had left them, so
        their digests are reused only while their signatures stay the same."""
        for rel, (sig, digests) in files.items():
            if rel in self._read:  # this process read the file too: the same bytes, if the same signature
                if self._read[rel] is not None and self._read[rel] == tuple(sig):
                    self._digests.setdefault(rel, {}).update(digests)
                continue
            known = self._known(rel)
            merged = {**known[1], **digests} if known is not None and known[0] == tuple(sig) else dict(digests)
            if known is None or known[0] != tuple(sig) or merged != known[1]:
                self.grew = True
            self._remembered[rel] = [sig, merged]
            self._checked.pop(rel, None)
            self._unchanged.pop(rel, None)

    @property
    def may_grow(self) -> bool:
        """Can export() give more than the previous run left? Only after a file was read in this
        run or adopted from a worker (export itself sets `grew` when it does)."""
        return self.grew or bool(self._digests)

    def export(self) -> dict[str, list]:
        """What the next run may reuse: every file remembered and not seen to change, and every
        file read in this run, with their digests."""
        kept: dict[str, list] = {}
        unchanged = self._unchanged
        for rel, item in self._remembered.items():
            if rel in unchanged:  # seen unchanged (and so of the right shape), not read
                kept[rel] = item
                continue
            known = self._known(rel)
            if known is not None and rel not in self._read and self._now.get(rel, known[0]) == known[0]:
                kept[rel] = item  # as it was stored (_known checked its shape)
        for rel, digests in self._digests.items():
            sig = self._read[rel]
            old = self._known(rel)
            merged = {**old[1], **digests} if old is not None and old[0] == sig else digests
            if old is None or old[0] != sig or merged != old[1]:
                self.grew = True
            kept[rel] = [list(sig), merged]
        return kept
