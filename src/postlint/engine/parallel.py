"""Checking many files on all cores.

Workers are forked from the parent, so each inherits the rules, config and site model without
pickling them (YAML rules are closures and cannot be pickled); only chunks of item numbers go in
and their results come out, a chunk's together. Results are put back in input order, so the report is identical to a
single-process run. Where fork is unavailable the run stays in one process.

A run may start with a *prologue* (the fact pass, see jekyll/facts.py): each worker first does
its share of some preparatory work and sends what it learned; the parent keeps every worker's
and forwards to each worker what the others learned; then the items are handed out, each first
to the worker whose share it belongs to (that worker has already read it), the rest to whichever
worker is free.

A worker that dies (killed for memory, or a crash in C code) must not hang the run, as it does
under multiprocessing.Pool, which waits forever for the lost results: the items it had not
returned are run one per process, so that only an item whose own process dies is lost, and
`on_lost(item, exit code)` stands in for its result (without `on_lost`, RuntimeError).

A ConfigError the task raises (a configuration a rule cannot use, such as a schema file that is
gone) stops the run as it does in one process: the worker sends it in the item's place and
parallel_map raises it when it reaches that item.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from postlint.engine.heap import frozen_heap
from postlint.errors import ConfigError
from postlint.record import Record

T = TypeVar("T")
R = TypeVar("R")

# Below this many files, starting workers costs more than it saves.
MIN_FILES_PER_WORKER = 16
# Items a worker is sent at a time, and how many of them it may hold: small enough that the
# workers finish together, large enough that a worker never waits for its next item.
CHUNKS_PER_WORKER = 32
IN_FLIGHT_CHUNKS = 2

_task: Callable | None = None
_items: list | None = None


class Prologue(Record, Generic[T]):
    """Work each worker does before its items, and what the workers then share."""
    __slots__ = ("in_worker", "in_parent", "from_other", "share_of", "for_few")

    in_worker: Callable[[int, int], Any]  # (share, shares) -> what this worker learned (picklable)
    in_parent: Callable[[Any], None] | None  # one worker's learning, kept by the parent (None: not kept)
    from_other: Callable[[Any], None]  # another worker's learning, taken by a worker before its items
    share_of: Callable[[T, int], int]  # (item, shares) -> the share whose worker already read it
    for_few: bool  # worth a worker per job however few the items (the prologue is the work to split)

    def __init__(self, in_worker: Callable[[int, int], Any], in_parent: Callable[[Any], None] | None,
                 from_other: Callable[[Any], None], share_of: Callable[[T, int], int], for_few: bool = False) -> None:
        self.in_worker = in_worker
        self.in_parent = in_parent
        self.from_other = from_other
        self.share_of = share_of
        self.for_few = for_few


class _Raised:
    """A ConfigError the task raised in a worker, sent in its result's place."""

    def __init__(self, error: ConfigError) -> None:
        self.error = error


def _run(index: int):
    assert _task is not None and _items is not None
    try:
        return _task(_items[index])
    except ConfigError as error:
        return _Raised(error)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(items: int, jobs: int, for_few: bool = False) -> int:
    """How many processes parallel_map starts for `items` items (0: it runs them here); `for_few`:
    one per job for any items, when a prologue worth splitting comes first (Prologue.for_few)."""
    workers = jobs if for_few and items else min(jobs, items // MIN_FILES_PER_WORKER)
    if workers <= 1:
        return 0
    import multiprocessing  # here: a pre-commit run of a few files never pays for it

    return workers if "fork" in multiprocessing.get_all_start_methods() else 0


def parallel_map(task: Callable[[T], R], items: list[T], jobs: int,
                 on_lost: Callable[[T, int | None], R] | None = None,
                 prologue: Prologue[T] | None = None) -> Iterator[R]:
    """`task` over `items`, in order, on up to `jobs` forked processes (see the module docstring);
    with fewer than MIN_FILES_PER_WORKER items a worker, here, without the prologue, unless the
    prologue is worth its workers alone."""
    global _task, _items
    workers = worker_count(len(items), jobs, prologue is not None and prologue.for_few)
    if not workers:
        yield from map(task, items)
        return
    import multiprocessing

    _task, _items = task, items
    # The workers share the parent's memory until they write to it; a garbage collection in a
    # worker would touch every object the parent holds (the site model) and copy their pages.
    with frozen_heap():
        pool = _Pool(multiprocessing.get_context("fork"), workers, len(items), prologue, on_lost)
        try:
            yield from pool.results()
        finally:
            pool.close()
            _task, _items = None, None


class _Pool:
    """The parent's side: the workers, their queues of item numbers, the results not yet yielded."""

    def __init__(self, context, workers: int, count: int, prologue: Prologue | None, on_lost) -> None:
        self.context = context
        self.prologue = prologue
        self.on_lost = on_lost
        self.chunk = max(1, count // (workers * CHUNKS_PER_WORKER))
        self.processes = []
        self.connections: dict[int, Any] = {}  # worker number -> the parent's end of its pipe
        for number in range(workers):
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(number, workers, theirs, prologue), daemon=True)
            process.start()
            theirs.close()
            self.processes.append(process)
            self.connections[number] = mine
        assert _items is not None
        self.queues: list[deque[int]] = [deque() for _ in range(workers)]
        for index, item in enumerate(_items):
            share = prologue.share_of(item, workers) % workers if prologue is not None else index * workers // count
            self.queues[share].append(index)
        self.sent: dict[int, deque[int]] = {number: deque() for number in range(workers)}  # item numbers out
        self.done: dict[int, Any] = {}
        self.count = count

    def results(self) -> Iterator[Any]:
        if self.prologue is not None:
            self._share_what_workers_learned()
        for number in list(self.connections):
            self._feed(number)
        from multiprocessing.connection import wait

        for index in range(self.count):
            while index not in self.done:
                if not self.connections:  # every worker is gone: the rest one per process
                    self.done[index] = _run_alone(self.context, index, self.on_lost)
                    break
                for connection in wait(list(self.connections.values())):
                    number = next(n for n, c in self.connections.items() if c is connection)
                    try:
                        returned = connection.recv()
                    except (EOFError, OSError):
                        self._lost_worker(number)
                        continue
                    for _ in returned:
                        self.sent[number].popleft()
                    self.done.update(returned)
                    self._feed(number)
            result = self.done.pop(index)
            if isinstance(result, _Raised):
                raise result.error
            yield result

    def _share_what_workers_learned(self) -> None:
        assert self.prologue is not None
        learned: dict[int, bytes] = {}
        import pickle  # here and below, not at the top: most runs have no workers (5 ms of their start)
        from multiprocessing.connection import wait

        waiting = dict(self.connections)
        untaken: list[int] = []  # workers whose learning the parent has not taken yet
        while waiting:
            for connection in wait(list(waiting.values())):
                number = next(n for n, c in waiting.items() if c is connection)
                del waiting[number]
                try:
                    learned[number] = connection.recv_bytes()
                except (EOFError, OSError):
                    self._lost_worker(number)
                    continue
                untaken.append(number)
            if waiting:  # taken while other workers still work; the last after the workers have theirs
                self._take(learned, untaken)
        for number, connection in list(self.connections.items()):
            others = [payload for other, payload in sorted(learned.items()) if other != number]
            try:
                connection.send_bytes(pickle.dumps(others))
            except OSError:
                self._lost_worker(number)
        self._take(learned, untaken)

    def _take(self, learned: dict[int, bytes], untaken: list[int]) -> None:
        assert self.prologue is not None
        import pickle

        if self.prologue.in_parent is not None:
            for number in untaken:
                self.prologue.in_parent(pickle.loads(learned[number]))
        untaken.clear()

    def _feed(self, number: int) -> None:
        """Keep worker `number` busy: its own share's items first, then the longest queue's last."""
        connection = self.connections.get(number)
        while connection is not None and len(self.sent[number]) < self.chunk * IN_FLIGHT_CHUNKS:
            queue = self.queues[number] if self.queues[number] else max(self.queues, key=len)
            if not queue:
                return
            take = queue.popleft if queue is self.queues[number] else queue.pop
            chunk = [take() for _ in range(min(self.chunk, len(queue)))]
            try:
                connection.send(chunk)
            except OSError:
                queue.extend(chunk)
                self._lost_worker(number)
                return
            self.sent[number].extend(chunk)

    def _lost_worker(self, number: int) -> None:
        """Worker `number` died: the items it held run one per process; its queue goes to the others."""
        self.connections.pop(number).close()
        _end(self.processes[number])
        for index in self.sent.pop(number):
            self.done[index] = _run_alone(self.context, index, self.on_lost)
        for other in list(self.connections):
            self._feed(other)

    def close(self) -> None:
        for connection in self.connections.values():
            try:
                connection.send(None)
            except OSError:
                pass
            connection.close()
        for process in self.processes:
            _end(process)


def _end(process) -> None:
    """Wait for a worker that was told to stop (or lost its pipe) to exit; kill it if it does not."""
    process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()


def _serve(number: int, workers: int, connection, prologue: Prologue | None) -> None:
    """A worker: its prologue, then the chunks of item numbers it is sent, each answered with the
    results of its items at once (a message per item woke the parent, and took a core from a
    worker, thousands of times a run)."""
    if prologue is not None:
        import pickle

        connection.send_bytes(pickle.dumps(prologue.in_worker(number, workers)))
        for payload in pickle.loads(connection.recv_bytes()):
            prologue.from_other(pickle.loads(payload))
    while True:
        chunk = connection.recv()
        if chunk is None:
            return
        connection.send([(index, _run(index)) for index in chunk])


def _run_alone(context, index: int, on_lost):
    """Item `index` in a process of its own; `on_lost` when that process dies without a result."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_send_result, args=(index, send), daemon=True)
    process.start()
    send.close()
    try:
        result = receive.recv()
    except EOFError:
        process.join()
        if on_lost is None:
            raise RuntimeError(f"a worker process died (exit code {process.exitcode})") from None
        assert _items is not None
        return on_lost(_items[index], process.exitcode)
    finally:
        receive.close()
    process.join()
    return result


def _send_result(index: int, send) -> None:
    send.send(_run(index))
    send.close()
