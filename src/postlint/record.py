"""Record: the base of postlint's data classes, where they used @dataclass.

@dataclass writes a class's `__init__`, `__repr__` and `__eq__` as source text and compiles it
while the module is imported: about 0.1 ms a method here, 0.7 ms a class, 28-50 ms of a one-post
run for the 38 classes such a run imports (a tenth of the run). A Record's class writes its own
`__init__`, compiled once into the module's .pyc with the rest of its code; Record gives each
subclass, from the fields its `__slots__` name, what @dataclass gave: equality over the fields,
a repr, and `replace`. A FrozenRecord is hashable over them, as a frozen dataclass was (its
fields are not assigned after `__init__`).
"""

from __future__ import annotations

from typing import Any, Self


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()  # the fields, in `__init__`'s order (a base class's first)
    _compared: tuple[str, ...] = ()  # the fields == compares: all but those in `_uncompared`
    _uncompared: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = tuple(name for name in cls.__dict__.get("__slots__", ()) if not name.startswith("__"))
        cls._fields = cls._fields + own
        cls._compared = tuple(name for name in cls._fields if name not in cls._uncompared)

    def _values(self) -> tuple:
        return tuple([getattr(self, name) for name in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # fields may change: unhashable, as a dataclass with eq

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (field -> value) made, as dataclasses.replace gives."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())
