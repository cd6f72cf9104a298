"""Reading a file into text with exact positions.

Every parser in postlint works on `Source.text`: the decoded file with each line break turned
into a single ``\\n`` *without changing any offset* (``\\r\\n`` becomes `` \\n``, a lone ``\\r``
becomes ``\\n``). Offsets found in it are therefore offsets in the decoded original too, which
keeps positions exact and lets fixes edit the original bytes in place.
"""

from __future__ import annotations

import bisect
import codecs
import errno
import os
import stat
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from postlint.errors import NotUtf8, UnreadableFile
from postlint.record import Record

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, bytes, str]:
    """Decode file bytes: returns (text, bom, encoding). Raises UnreadableFile."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), bom, encoding
            except UnicodeDecodeError as exc:
                raise NotUtf8(f"not valid {encoding} despite its byte-order mark: {exc.reason} at byte {exc.start + len(bom)}") from None
    if b"\0" in data[:8192]:
        reason = _utf16_without_bom(data[:8192]) or "binary file (NUL bytes), not text"
        # NUL bytes are valid UTF-8: Jekyll reads such a file (UTF-16 of ASCII text, say) as text
        raise (UnreadableFile if _is_utf8(data) else NotUtf8)(reason)
    try:
        return data.decode("utf-8"), b"", "utf-8"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NotUtf8(f"not valid UTF-8: {exc.reason} at byte {exc.start} (line {line})") from None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(head: bytes) -> str | None:
    """Say so when NUL bytes are UTF-16's high bytes of ASCII text (every other byte), not binary."""
    even, odd = head[0::2], head[1::2]
    for zeros, name in ((odd, "UTF-16 little-endian"), (even, "UTF-16 big-endian")):
        if len(zeros) >= 4 and zeros.count(0) >= 0.9 * len(zeros):
            return f"{name} text without a byte-order mark: save it as UTF-8 (Jekyll does not see its front matter either)"
    return None


_FILE_TYPES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, unbuffered. Raises UnreadableFile or OSError.

    Anything else is refused from its `stat` without being opened: opening a FIFO in `_posts`
    would hang the run waiting for a writer, and opening a device can act on it. The file is
    then opened without blocking and checked again through the descriptor, so one swapped in
    between the two steps is refused as well.
    """
    fd, _ = _open_regular_fd(path)
    return os.fdopen(fd, "rb", buffering=0)


def _open_regular_fd(path: Path, known: os.stat_result | None = None) -> tuple[int, os.stat_result]:
    """open_regular's descriptor, without a file object, and its `fstat`. `known`: the path's
    `lstat`, taken just before; when it shows a regular file (not a link), it is that file's
    `stat`, and the file is opened without asking again (the `fstat` after still checks it)."""
    try:
        if known is None or not stat.S_ISREG(known.st_mode):
            require_regular(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise UnreadableFile(f"broken symbolic link (points to missing '{os.readlink(path)}')") from None
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("symbolic link loop (following the link leads back to it)") from None
        raise
    try:
        info = os.fstat(fd)
        require_regular(info.st_mode)
        return fd, info
    except BaseException:
        os.close(fd)
        raise


def read_head(path: str, head: int, whole: int, known: os.stat_result | None = None) -> tuple[bytes, bool]:
    """The first `head` bytes of a regular file, or all of it when it has at most `whole` bytes,
    and whether that is all of it. The checks of open_regular without a file object: the site
    reads the start of thousands of images. `known`: as for _open_regular_fd."""
    try:
        if known is None or not stat.S_ISREG(known.st_mode):
            require_regular(os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("symbolic link loop (following the link leads back to it)") from None
        raise
    try:
        info = os.fstat(fd)
        require_regular(info.st_mode)
        if info.st_size > whole:
            return os.read(fd, head), False
        data = os.read(fd, whole + 1)
        return data, len(data) <= whole
    finally:
        os.close(fd)


def require_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")
        raise UnreadableFile(f"{kind}, not a regular file; not read")


def over_the_limit(size: int, max_size: int) -> UnreadableFile:
    return UnreadableFile(f"file is {size:,} bytes, over the {max_size:,}-byte limit (max_file_size); not linted")


def read_bytes(path: Path, max_size: int, known: os.stat_result | None = None) -> bytes:
    """The bytes of a regular file no larger than `max_size`. Raises UnreadableFile or OSError.

    Reading stops one byte past the limit, so a file that grows after the size check cannot
    exhaust memory either. `known`: as for _open_regular_fd.
    """
    fd, info = _open_regular_fd(path, known)  # no file object: the site reads every page and post
    try:
        if info.st_size > max_size:
            raise over_the_limit(info.st_size, max_size)
        chunks = []
        left = max_size + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > max_size:
        raise UnreadableFile(f"file grew past the {max_size:,}-byte limit (max_file_size) while being read; not linted")
    return data


def blanked(text: str, fill: str = " ") -> str:
    """`text` with every character but the line breaks replaced by `fill`, so offsets and lines
    stay (a line at a time: a regex replacing character by character cost a fifth of a run)."""
    return "\n".join(fill * len(line) for line in text.split("\n"))


def normalize_newlines(original: str) -> str:
    """Same-length copy of `original` whose every line break is one ``\\n``."""
    if "\r" not in original:
        return original
    return original.replace("\r\n", " \n").replace("\r", "\n")


class Source(Record):
    """A file's decoded text with what it takes to give exact positions and write it back byte for byte."""
    __slots__ = ("path", "original", "bom", "encoding", "text", "_lines", "__dict__")

    path: Path
    original: str
    bom: bytes
    encoding: str
    text: str  # `original` with every line break one "\n" (normalize_newlines)
    _lines: dict[int, str]

    def __init__(self, path: Path, original: str, bom: bytes = b"", encoding: str = "utf-8") -> None:
        self.path = path
        self.original = original
        self.bom = bom
        self.encoding = encoding
        self.text = normalize_newlines(original)
        self._lines = {}

    @cached_property
    def line_starts(self) -> list[int]:
        """Offset of each line's first character (computed when a position is first needed: a
        file whose front matter is all another file asks about never needs it)."""
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

    @classmethod
    def from_text(cls, path: Path, text: str) -> "Source":
        return cls(path=path, original=text)

    @property
    def line_count(self) -> int:
        if self.text.endswith("\n"):
            return max(1, len(self.line_starts) - 1)
        return len(self.line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """Character offset of a 1-based (line, column)."""
        line = max(1, min(line, len(self.line_starts)))
        return self.line_starts[line - 1] + column - 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break.

        Kept once computed: a 1 MB line with thousands of findings is sliced once, and every
        finding on it shares the one string.
        """
        if not 1 <= line <= len(self.line_starts):
            return ""
        cached = self._lines.get(line)
        if cached is None:
            start = self.line_starts[line - 1]
            end = self.text.find("\n", start)
            line_end = len(self.text) if end == -1 else end
            cached = self._lines[line] = self.original[start:line_end].rstrip("\r")
        return cached
