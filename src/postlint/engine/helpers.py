"""A file checked with helpers: the site model's loops over the site's files split over the
cores, from the first loop the check reaches.

A run over a few files of a large site (HELPED_FILES in engine/check.py), with no cache to take
the site's facts from, spends its time on the site-wide indexes (every page's address, every
post's words) more than on the files. When a file's check first loops over the site's files for
a per-file fact (Recording.facts_of, word_counts) and they are many, this process forks a helper
for each other core. Each helper computes the facts of its share of those files
(Site.share_of_file) while this process computes its own, sends them, and goes on checking the
file as a fact-pass worker does (jekyll/facts.py): over its share of the site, sending the facts
of its share of each later loop as it reaches it. At each loop this process computes its own
share and takes the helpers' facts, waiting for them if they are not there yet; a fact no helper
sends (it died, or its partial indexes took its check another way, or the fact rests on one) it
computes in the loop itself, as in one process.

A helper is a copy of this process at the first loop, with the site model as it is and the very
function that loop computes its facts with: nothing before that loop is done twice, and nothing
is done again after the helpers' facts come (a fact pass checks the file twice). A fact is the
same whoever computes it: the findings, and what the run keeps, are those of one process. The
helpers are stopped when the check ends, and never write: a run that fixes files has none.

The helpers are forked with os.fork and speak over a pipe, a length and a pickle a message:
multiprocessing's Process and Pipe cost 16 ms of imports before the first fork.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
from collections.abc import Callable
from typing import Any

from postlint.engine.heap import frozen_heap
from postlint.jekyll.site import NOTHING_LEARNED

MIN_FILES_TO_SPLIT = 128  # a loop's files without their fact worth forking for (a fork: ~3 ms, a fact: 30-300 µs)
_LENGTH = struct.Struct("<Q")
_PIPE_BYTES = 1 << 20  # a helper's facts are written without waiting for this process to read them
_F_SETPIPE_SZ = 1031  # fcntl's name for it on Linux, which Python 3.11's fcntl lacks


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


class Helpers:
    """The site model's loops split over `shares` processes (see the module docstring); with
    `kept` (the site has a cache) a helper sends all it learned, facts or not (Site.hand_over)."""

    def __init__(self, site: Any, shares: int, kept: bool) -> None:
        self.site = site
        self.shares = shares
        self.kept = kept
        self.share = 0  # this process's; a helper's is another
        self.pipes: dict[int, int] = {}  # the read end of each helper's pipe that may still send -> its process id
        self.pids: list[int] = []
        # How many loops over the site of each fact name this process has taken the helpers' facts
        # of, and how many each helper (by its pipe) has sent: the helpers reach the same loops in
        # the same order, unless their partial indexes take them elsewhere.
        self.asked: dict[str, int] = {}
        self.reported: dict[int, dict[str, int]] = {}
        self.out: int | None = None  # in a helper: the write end of its pipe
        self.splitting = False  # inside a loop's share: a loop there is not split again

    @property
    def is_helper(self) -> bool:
        return self.out is not None

    def compute(self, name: str, rels: list[str], compute: Callable[[str], Any]) -> None:
        """Before a loop computes the facts `name` of `rels`: this process's share of those not
        computed yet, and the helpers' taken (forking them at the first loop of enough files)."""
        if self.splitting:
            return
        site = self.site
        missing = [rel for rel in rels if not site.has_fact(name, rel)]
        if not self.pids and not self.is_helper:
            if len(missing) < MIN_FILES_TO_SPLIT:
                return  # the loop computes them, here
            if self._start(name, missing, compute):
                return  # in a new helper, which has done its share of this loop
        mine = [rel for rel in missing if site.share_of_file(rel, self.shares) == self.share]
        self._compute(name, mine, compute)
        if self.is_helper:
            self._send(("facts", name, self._learned()))
        else:
            self._wait_for(name, [rel for rel in missing if not site.has_fact(name, rel)])

    def _compute(self, name: str, rels: list[str], compute: Callable[[str], Any]) -> None:
        self.splitting = True
        try:
            for rel in rels:
                self.site.per_file(name, rel, lambda: compute(rel))  # noqa: B023 - called at once
        finally:
            self.splitting = False

    def _start(self, name: str, missing: list[str], compute: Callable[[str], Any]) -> bool:
        """A helper for each other share, forked here: it computes its share of this loop with the
        whole site at hand, then goes on as a worker of its share. True in a helper."""
        sys.stdout.flush()
        sys.stderr.flush()
        for share in range(1, self.shares):
            read, write = os.pipe()
            with frozen_heap():  # no collection in a helper copies the pages of this process's objects
                pid = os.fork()
            if pid == 0:
                os.close(read)
                self._become_helper(share, write, name, missing, compute)
                return True
            os.close(write)
            _enlarge(read)
            self.pipes[read] = pid
            self.pids.append(pid)
            self.reported[read] = {}
        return False

    def _become_helper(self, share: int, out: int, name: str, missing: list[str],
                       compute: Callable[[str], Any]) -> None:
        """In a new helper: its share of the loop it was forked at, sent; then the share taken, so
        that the check it goes on with reads its share of the site only (Recording.take_share)."""
        for fd in list(self.pipes):  # the pipes of the helpers forked before it are not its own
            os.close(fd)
        self.pipes, self.pids, self.reported, self.share, self.out = {}, [], {}, share, out
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _quiet()
        self._learned()  # what the parent learned before the fork is its own already
        try:
            self._compute(name, [rel for rel in missing if self.site.share_of_file(rel, self.shares) == share], compute)
        except Exception:
            self.end()
        self._send(("facts", name, self._learned()))
        self.site.take_share(share, self.shares)

    def _learned(self) -> Any:
        site = self.site
        return site.hand_over() if self.kept else (site.hand_over_facts(), *NOTHING_LEARNED[1:])

    def _send(self, message: object) -> None:
        assert self.out is not None
        try:
            _send(self.out, message)
        except OSError:  # the parent is gone, or stopped listening
            os._exit(0)

    def end(self) -> None:
        """In a helper, as its check ends (or fails): the last it learned sent, and the process ended."""
        try:
            self._send(("facts", None, self._learned()))
        finally:
            os._exit(0)

    def _wait_for(self, name: str, rels: list[str]) -> None:
        """Take the helpers' messages until each of `rels` has its fact `name`, or each helper has
        sent its share of this loop (a fact resting on its partial indexes it does not send) or
        ended."""
        site = self.site
        asked = self.asked[name] = self.asked.get(name, 0) + 1
        while rels and any(self.reported[fd].get(name, 0) < asked for fd in self.pipes):
            ready, _, _ = select.select(list(self.pipes), [], [])
            for fd in ready:
                message = _receive(fd)
                if message is None:  # the helper ended (its check did) or died
                    os.close(fd)
                    del self.pipes[fd]
                    continue
                _, loop, learned = message
                site.adopt(learned) if self.kept else site.adopt_facts(learned[0])
                if loop is not None:
                    self.reported[fd][loop] = self.reported[fd].get(loop, 0) + 1
            rels = [rel for rel in rels if not site.has_fact(name, rel)]

    def stop(self) -> None:
        """Stop the helpers, whatever they are doing."""
        for fd in self.pipes:
            os.close(fd)
        self.pipes = {}
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        self.pids = []


def _quiet() -> None:
    """Standard output and error to the null device: a helper's output is nobody's."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _enlarge(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), _PIPE_BYTES)
    except (ImportError, OSError):
        pass  # a smaller pipe: a helper waits for this process to read


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int) -> Any:
    """The next message on `fd`, or None when the pipe ends before it does."""
    header = _read_exactly(fd, _LENGTH.size)
    if header is None:
        return None
    data = _read_exactly(fd, _LENGTH.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, _PIPE_BYTES))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
