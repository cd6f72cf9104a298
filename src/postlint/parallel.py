"""Checking many files on all cores.

Workers are forked after the parent has built the site index, so each inherits the rules, config
and index without pickling them (YAML rules are closures and cannot be pickled); only paths go in
and findings come out. Results are put back in input order, so the report is identical to a
single-process run. Where fork is unavailable the run stays in one process.
"""

from __future__ import annotations

import multiprocessing
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


def parallel_map(task: Callable[[T], R], items: list[T], jobs: int) -> Iterator[R]:
    """`task` over `items`, in order, on up to `jobs` forked processes."""
    global _task, _items
    workers = min(jobs, len(items) // MIN_FILES_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(task, items)
        return
    _task, _items = task, items
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(items) // (workers * 8))
        with context.Pool(workers) as pool:
            yield from pool.imap(_run, range(len(items)), chunksize=chunk)
    finally:
        _task, _items = None, None
