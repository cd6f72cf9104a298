"""A front matter's nodes are built by _constructed as PyYAML's constructor builds them, or left to
it (parse/frontmatter.py)."""

from __future__ import annotations

import math
from pathlib import Path

from helpers import DEMO_SITE
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.parse.frontmatter import _block, _constructed, _jekyll_loader, _Unusual

# Spellings of scalars whose value depends on how YAML resolves them, and some that _constructed
# leaves to PyYAML (a merge key, `=`, a set, binary data, a plugin's tag).
SCALARS = [
    "plain words", "'single quoted'", '"double \\u00e9 quoted"', "42", "-17", "0x1F", "0o17", "017", "1_000",
    "1:30", "190:20:30", "3.5", "-.5e+3", ".inf", "-.Inf", ".NaN", "1e3", "yes", "No", "on", "OFF", "true",
    "False", "y", "~", "null", "Null", "", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10", "2023-02-30", "2023-02-30 10:00:00", "!!str 12", "!!int '7'", "!!float 1",
    "!!binary aGk=", "!custom x", "'0x1F'", "[a, 1, yes]", "{x: 1, y: [2]}", "!!set {a, b}", "=",
]
KEYS = ["title", "date", "tags", "1", "yes", "null", "2024-01-01", "'quoted key'", "<<", "=", "? [a, b]"]


def _yaml(structure: object, indent: int = 0) -> str:
    """Block YAML for a structure of ("map", [(key, value)]), ("seq", [value]) and scalar spellings."""
    pad = " " * indent
    if isinstance(structure, str):
        return structure
    kind, items = structure
    lines = []
    for item in items:
        key, value = item if kind == "map" else ("-", item)
        lead = f"{pad}{key}:" if kind == "map" else f"{pad}-"
        if isinstance(value, str):
            lines.append(f"{lead} {value}".rstrip())
        else:
            lines.append(lead)
            lines.append(_yaml(value, indent + 2))
    return "\n".join(lines)


scalars = st.sampled_from(SCALARS)
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.tuples(st.just("map"), st.lists(st.tuples(st.sampled_from(KEYS), inner), min_size=1, max_size=4)),
        st.tuples(st.just("seq"), st.lists(inner, min_size=1, max_size=4)),
    ),
    max_leaves=12,
)


def _same(a: object, b: object) -> bool:
    """Equal, of the same types all the way down, in the same key order (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(x, y) for x, y in zip(a, b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def _nodes(text: str) -> object:
    """The loader reading `text` and its composed node; None when it does not compose to one."""
    import yaml

    reading = _jekyll_loader()(text)
    try:
        node = reading.get_single_node()
    except yaml.YAMLError:
        node = None
    if node is None:
        reading.dispose()
        return None
    return reading, node


def _built(text: str, build) -> object:
    """build(loader, node) on nodes of its own: its value, or the exception it raised."""
    reading, node = _nodes(text)
    try:
        return build(reading, node)
    except Exception as exc:  # noqa: BLE001 - compared with the other's
        return exc
    finally:
        reading.dispose()


def _agree(text: str) -> bool:
    """Does _constructed give what PyYAML gives, raise what it raises, or leave the text to it?"""
    if _nodes(text) is None:
        return True
    expected = _built(text, lambda reading, node: reading.construct_document(node))
    got = _built(text, _constructed)
    if isinstance(got, _Unusual):
        return True
    if isinstance(expected, Exception) or isinstance(got, Exception):
        return type(expected) is type(got) and str(expected) == str(got)
    return _same(expected, got)


@settings(max_examples=400, deadline=None)
@given(structures)
def test_constructed_as_pyyaml_constructs(structure):
    text = _yaml(structure if not isinstance(structure, str) else ("map", [("value", structure)]))
    assert _agree(text), text


def test_every_scalar_spelling_as_a_value_and_as_a_key():
    for spelling in SCALARS:
        assert _agree(f"value: {spelling}\n"), spelling
        assert _agree(f"{spelling}: value\n"), spelling
        assert _agree(f"- {spelling}\n- [{spelling}]\n"), spelling


def test_the_demo_sites_front_matters_are_built_without_pyyamls_walk():
    """The walk is the one front matters take: none of the demo site's falls back."""
    built = 0
    for path in sorted(Path(DEMO_SITE).rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        block = _block(text) if text.startswith("---") else None
        if block is None or _nodes(text[block[0]:block[1]]) is None:
            continue  # none, or one that does not compose: the demo site's lesson in broken YAML
        yaml_text = text[block[0]:block[1]]
        assert "&" not in yaml_text
        got = _built(yaml_text, _constructed)
        assert not isinstance(got, Exception), (path, got)
        assert _same(got, _built(yaml_text, lambda reading, node: reading.construct_document(node)))
        built += 1
    assert built >= 10
