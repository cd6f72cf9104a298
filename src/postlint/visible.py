"""Text from untrusted places made safe to print: shown, never obeyed.

Posts, file names, baseline entries, YAML rule files and config keys all come from the
repository, which in a pull request is a stranger's. Printed raw, an escape sequence (ESC [2J
clears the screen, ESC ] sets the window title) acts on the terminal, a line break followed by
`::error file=…` becomes a real GitHub Actions workflow command, and a bidi control (U+202E)
reorders what the reader sees. Each such character is replaced by one visible character, so
columns under a source line stay aligned.
"""

from __future__ import annotations

import re

from postlint.lazy_patterns import lazy_compile

# C0 controls as their Unicode "control pictures" (␛, ␊, ...), DEL as ␡, C1 controls as U+FFFD.
_CONTROL = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x09}
_CONTROL.update({0x7F: "\u2421", **{code: "\ufffd" for code in range(0x80, 0xA0)}})
# Bidirectional controls and other invisible format characters that change how text reads.
_BIDI = {code: "\ufffd" for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_LINE = {**_CONTROL, **_BIDI}
_KEEP_LINE_BREAKS = {code: char for code, char in _LINE.items() if code != 0x0A}
# str.translate looks up every character in the table: a search finds the rare text that needs it
# ten times sooner (thousands of findings and source lines per report).
_NEEDS_LINE = lazy_compile("[" + "".join(re.escape(chr(code)) for code in _LINE) + "]")
_NEEDS_KEEP_LINE_BREAKS = lazy_compile("[" + "".join(re.escape(chr(code)) for code in _KEEP_LINE_BREAKS) + "]")


def one_line(text: str) -> str:
    """`text` as a single line of visible characters (a line break shows as ␊)."""
    return text.translate(_LINE) if _NEEDS_LINE.search(text) else text


def lines(text: str) -> str:
    """`text` with its line breaks kept and every other control or bidi character shown."""
    return text.translate(_KEEP_LINE_BREAKS) if _NEEDS_KEEP_LINE_BREAKS.search(text) else text
