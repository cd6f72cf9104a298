"""A set of offsets given as ranges, asked about one offset at a time."""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class Spans:
    """The offsets inside any of `ranges` ((start, end), end excluded): `offset in spans` is
    `any(start <= offset < end for start, end in ranges)` by binary search. Rules ask it for each
    link, marker or tag of a post, and a post can hold thousands of ranges (comments, HTML
    blocks, images): a scan of every range for each took minutes."""

    __slots__ = ("_starts", "_ends")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(ranges):
            if end <= start:
                continue
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def __contains__(self, offset: int) -> bool:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self._ends[index]
