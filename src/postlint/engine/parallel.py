"""Checking many files on all cores.

Workers are forked after the parent has built the site index, so each inherits the rules, config
and index without pickling them (YAML rules are closures and cannot be pickled); only paths go in
and findings come out. Results are put back in input order, so the report is identical to a
single-process run. Where fork is unavailable the run stays in one process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many files, starting workers costs more than it saves.
MIN_FILES_PER_WORKER = 16

_task: Callable | None = None
_items: list | None = None


def _run(index: int):
    assert _task is not None and _items is not None
    return _task(_items[index])


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(items: int, jobs: int, per_worker: int = MIN_FILES_PER_WORKER) -> int:
    """How many processes parallel_map starts for `items` items (0: it runs them here)."""
    workers = min(jobs, items // per_worker)
    if workers <= 1:
        return 0
    import multiprocessing  # here: a pre-commit run of a few files never pays for it

    return workers if "fork" in multiprocessing.get_all_start_methods() else 0


def parallel_map(task: Callable[[T], R], items: list[T], jobs: int,
                 on_lost: Callable[[T, int | None], R] | None = None, per_worker: int = MIN_FILES_PER_WORKER) -> Iterator[R]:
    """`task` over `items`, in order, on up to `jobs` forked processes.

    A worker that dies (killed for memory, or a crash in C code) must not hang the run, as it
    does under multiprocessing.Pool, which waits forever for the lost results. The executor
    reports the broken pool instead; the items not yet returned are then run one per process,
    so that only an item whose own process dies is lost, and `on_lost(item, exit code)` stands
    in for its result (without `on_lost`, RuntimeError). A worker is started for every
    `per_worker` items (by default MIN_FILES_PER_WORKER: fewer files are quicker checked here).
    """
    global _task, _items
    workers = worker_count(len(items), jobs, per_worker)
    if not workers:
        yield from map(task, items)
        return
    # Imported here: a pre-commit run of a few files never pays for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    _task, _items = task, items
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(items) // (workers * 8))
        done = 0
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            try:
                for result in pool.map(_run, range(len(items)), chunksize=chunk):
                    yield result
                    done += 1
                return
            except BrokenProcessPool:
                pass
        for index in range(done, len(items)):
            yield _run_alone(context, index, on_lost)
    finally:
        _task, _items = None, None


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
