"""Addresses that plugins and host redirects generate (urls.AddressPattern): the answers of the
regular expression they once were, in time that does not explode on a redirects file a pull
request writes."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.jekyll.urls import AddressPattern


def expression(template: str) -> re.Pattern:
    """The regular expression a template was matched with (backtracking: the reference only)."""
    parts = re.split(r"(\*|:\w+)", "/" + template.strip().strip("/"))
    regex = "".join(
        ".*" if part == "*" else r"\d{4}" if part == ":year" else r"\d{1,2}" if part in (":month", ":day")
        else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in parts
    )
    return re.compile(regex.rstrip("/") + r"(?:/.*|\.html|)$")


PIECES = st.sampled_from(["/", "a", "b", "-", ".", "*", ":x", ":year", ":month", ":day", ":name", "html", "2", "\n"])
ADDRESS = st.text(alphabet="/ab-.1209\nhtml", max_size=14)


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=7).map("".join), ADDRESS)
def test_it_answers_as_the_regular_expression(template, address):
    assert AddressPattern(template).match(address) == bool(expression(template).match(address))


def test_known_templates():
    assert AddressPattern("/page:num/").match("/page2/")
    assert AddressPattern("/:year/:month/").match("/2024/3/") and not AddressPattern("/:year/").match("/24/")
    assert AddressPattern("/feed/*").match("/feed/atom/x.xml") and not AddressPattern("/feed/*").match("/feed")
    assert AddressPattern("/tag/:name/").match("/tag/sales.html") and not AddressPattern("/tag/:name/").match("/tag/")


def test_a_template_of_many_placeholders_takes_no_time():
    """`/:a:b:c:…` (sixteen placeholders in one segment) against a long address that does not
    match took the regular expression minutes; a pull request writes the redirects file."""
    started = time.thread_time()  # CPU time: other tests run beside this one
    pattern = AddressPattern("/:a:b:c:d:e:f:g:h:i:j:k:l:m:n:o:p/x")
    assert not pattern.match("/" + "a" * 2000)
    assert not AddressPattern("/*-*-*-*-*-*-*-*-*-*-*-*/z").match("/" + "-" * 2000)
    assert time.thread_time() - started < 1
