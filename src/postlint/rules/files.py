"""File-level rules: what stops postlint from reading a file at all."""

from __future__ import annotations

from collections.abc import Iterator

from postlint.finding import Problem
from postlint.registry import rule


@rule("PL002", "file-unreadable", severity="error")
def file_unreadable(post, ctx) -> Iterator[Problem]:
    """A file postlint was asked to lint cannot be read as text: not UTF-8 or UTF-16, binary, too large, unreadable, or a FIFO, device or broken or looping symlink (never opened); or its Markdown is too big to parse.

    ## What it does
    Reports a file that is not valid UTF-8 (or UTF-16 with a byte-order mark), is binary, is
    larger than `max_file_size`, is a folder, or cannot be opened. The file is skipped; every
    other file is still linted.

    Also reports a Markdown body that parses into over 500,000 elements (table cells, list
    items, links, emphasis). The largest post of four real sites counts about 50,000, a 10 MB
    post of plain prose about 160,000; past the limit a few kilobytes can take gigabytes of
    memory (a wide table header over many short lines: every line is padded to the header's
    width). The front-matter and Liquid rules still check such a file; the rules that read its
    body do not, and other files' rules take it as linking nowhere and defining nothing.

    ## Why is this bad?
    Jekyll reads posts as UTF-8: a post in another encoding renders as garbage or stops the
    build, and a binary file in `_posts` is almost always a mistake.

    ## Example
    A post saved as Windows-1252 with a curly quote (byte 0x92) in it.

    ## Use instead
    Save the file as UTF-8.

    ## Options
    The size limit is the top-level `max_file_size` setting (bytes, default 10 MiB).
    """
    if post.read_error is not None:
        yield Problem(1, 1, post.read_error)
    elif (too_complex := post.markdown_error) is not None:
        yield Problem(post.body_line, 1, too_complex)


RULES = [file_unreadable]
