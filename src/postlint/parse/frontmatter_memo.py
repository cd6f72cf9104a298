"""Front matters parsed by earlier runs, by the digest of the text that decides the parse.

Most edits to a post change its body, not its front matter. A warm run that checks such a post,
or reads the front matter of posts whose per-file facts it must compute again (after a
`_config.yml` change), takes the parse from here instead of importing PyYAML and running it:
importing PyYAML is a twentieth of a one-post pre-commit run.

parse_front_matter is a function of the front matter's extent alone (front_matter_extent: the
text up to the closing `---`, positions included), so a remembered parse is the one it would
make. Only a parse without error whose data is made of marshal's exact types, dates and times
is kept; dates and times are stored as tagged tuples, which a parse never makes otherwise (a
parse holding a tuple, a set or bytes is not kept), and they decode to equal values of the same
types. The memo is off unless the engine turns it on for a run that uses its result cache; its
entries are kept in each site's cache, signed with the rest (engine/cache.py), and a worker
process hands the ones it made to the parent with what else it learned about the site.
"""

from __future__ import annotations

import datetime as _dt
import marshal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from postlint.digest import digest
from postlint.parse.frontmatter import (
    FrontMatter,
    KeyInfo,
    front_matter_extent,
    parse_front_matter,
)

_PLAIN = (str, int, float, bool, type(None))
_DATE, _TIME = "date", "datetime"


class _NotKept(Exception):
    """A parse whose data cannot be stored exactly."""


def _stored_value(value: Any) -> Any:
    """`value` in marshal's types, dates and times as (Ellipsis, kind, fields...); raises _NotKept."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {_stored_value(key): _stored_value(item) for key, item in value.items()}
    if kind is list:
        return [_stored_value(item) for item in value]
    if kind is _dt.date:
        return (..., _DATE, value.year, value.month, value.day)
    if kind is _dt.datetime and value.fold == 0:
        zone = value.tzinfo
        if zone is None:
            offset = None
        elif type(zone) is _dt.timezone and zone.tzname(None) == _dt.timezone(zone.utcoffset(None)).tzname(None):
            delta = zone.utcoffset(None)  # a zone as PyYAML makes it: an offset without a name of its own
            offset = (delta.days, delta.seconds, delta.microseconds)
        else:
            raise _NotKept
        return (..., _TIME, value.year, value.month, value.day, value.hour, value.minute, value.second,
                value.microsecond, offset)
    raise _NotKept


def _value(stored: Any) -> Any:
    kind = type(stored)
    if kind is dict:
        return {_value(key): _value(item) for key, item in stored.items()}
    if kind is list:
        return [_value(item) for item in stored]
    if kind is tuple:
        if stored[1] == _DATE:
            return _dt.date(*stored[2:])
        *fields, offset = stored[2:]
        zone = None if offset is None else _dt.timezone(_dt.timedelta(*offset))
        return _dt.datetime(*fields, tzinfo=zone)
    return stored


def _stored(front_matter: FrontMatter) -> bytes | None:
    if front_matter.error is not None or not front_matter.present:
        return None
    try:
        data = _stored_value(front_matter.data)
    except (_NotKept, RecursionError):
        return None
    keys = [(key, info.line, info.column, info.value_start, info.value_end) for key, info in front_matter.keys.items()]
    return marshal.dumps((data, keys, front_matter.duplicate_keys, front_matter.end_line, front_matter.body_offset))


def _front_matter(encoded: bytes) -> FrontMatter:
    data, keys, duplicates, end_line, body_offset = marshal.loads(encoded)
    return FrontMatter(present=True, data=_value(data), keys={key: KeyInfo(*where) for key, *where in keys},
                       duplicate_keys=list(duplicates), end_line=end_line, body_offset=body_offset)


class FrontMatterMemo:
    """Encoded parses by the digest of their extent (the site model's front-matter digest)."""

    def __init__(self) -> None:
        self._parses: dict[str, bytes] | None = None  # None: off
        self._pending: list[Callable[[], Mapping[str, object]]] = []  # parses a cache holds, not looked into yet
        self._stored: list[Mapping[str, object]] = []  # those looked into: each looked up by key (a sharded section)
        self.used: set[str] = set()  # looked up or made in this run: worth keeping for the next
        self.grew = False
        self.made: dict[str, bytes] = {}  # made in this run (or by its workers): what a cache's journal adds
        self._unsent: dict[str, bytes] = {}  # made and not handed over yet (a worker's)

    def use(self, parses: dict[str, bytes] | Callable[[], Mapping[str, object]]) -> None:
        """Turn the memo on, with what a site's cache held (called once per site): the parses, or
        a function that gives them (a mapping looked up key by key), called when a front matter
        is first parsed."""
        if self._parses is None:
            self._parses = {}
        if callable(parses):
            self._pending.append(parses)
        else:
            self._parses.update(parses)

    @property
    def parses(self) -> dict[str, bytes] | None:
        """The parses given whole or made in this run, by digest (None: the memo is off)."""
        return self._parses

    def _lookup(self, key: str) -> bytes | None:
        found = self._parses.get(key) if self._parses is not None else None
        if found is None:
            while self._pending:
                self._stored.append(self._pending.pop(0)())
            for stored in self._stored:
                value = stored.get(key)
                if type(value) is bytes:
                    return value
        return found

    @contextmanager
    def until_done(self) -> Iterator[None]:
        """Turn the memo off when the block ends (the run that turned it on is done)."""
        try:
            yield
        finally:
            self._parses, self._pending, self._stored, self.used, self.grew, self.made, self._unsent = \
                None, [], [], set(), False, {}, {}

    def parse(self, text: str) -> FrontMatter:
        """parse_front_matter(text), from the memo when it holds the parse."""
        if self.parses is None:
            return parse_front_matter(text)
        extent = front_matter_extent(text)
        if not extent:
            return parse_front_matter(text)  # none
        key = digest(extent)
        encoded = self._lookup(key)
        if encoded is not None:
            try:
                found = _front_matter(encoded)
            except (EOFError, TypeError, ValueError, IndexError):
                pass  # not what this module wrote: parsed again
            else:
                self.used.add(key)
                return found
        parsed = parse_front_matter(text)
        encoded = _stored(parsed)
        if encoded is not None:
            self.parses[key] = self.made[key] = self._unsent[key] = encoded
            self.used.add(key)
            self.grew = True
        return parsed

    def hand_over(self) -> dict[str, bytes]:
        """The parses made since the last call: a worker process sends them to the parent (adopt)."""
        made, self._unsent = self._unsent, {}
        return made

    def adopt(self, parses: dict[str, bytes]) -> None:
        if self.parses is not None and parses:
            self.parses.update(parses)
            self.made.update(parses)
            self.used.update(parses)
            self.grew = True

    def kept(self, keys: set[str]) -> dict[str, bytes]:
        """What a site's cache keeps for the next run: the parses of `keys` (the front-matter
        digests of its files) and those this run used."""
        if self.parses is None:
            return {}
        while self._pending:
            self._stored.append(self._pending.pop(0)())
        every: dict[str, object] = {}
        for stored in self._stored:
            every.update(stored.items())
        every.update(self.parses)
        return {key: encoded for key, encoded in every.items()
                if type(key) is str and type(encoded) is bytes and (key in keys or key in self.used)}


FRONT_MATTERS = FrontMatterMemo()
