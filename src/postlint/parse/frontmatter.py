"""Front matter the way Jekyll 4.3 reads it, with the position of every key.

python-frontmatter (on the original design card) is deliberately not used: its boundary pattern
(``^-{3,}\\s*$`` anywhere in the file) accepts ``----`` and a front matter that does not start
the file, rejects Jekyll's ``...`` closing line, and returns no positions. Jekyll's own rule is
small enough to state exactly here, and the YAML is composed once so that each key keeps its line.
"""

from __future__ import annotations

import datetime as _dt
import marshal
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from postlint.digest import blake2b
from postlint.errors import YamlError
from postlint.lazy_patterns import lazy_compile
from postlint.record import Record

if TYPE_CHECKING:
    import yaml

# Jekyll: has_yaml_header? is "\A---\s*\r?\n" on the first line, and the block is
# "\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)" (multiline). Source.text has "\n" line breaks only.
_OPENING = lazy_compile(r"---[ \t]*\n")
_BLOCK = lazy_compile(r"---[ \t]*\n(.*?\n?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)  # Jekyll's, for the tests
# The closing line of a block whose opening line ends at `start`, found as _BLOCK finds it: the
# first line from there that is `---` or `...` (trailing spaces and tabs allowed), with the line
# break before it. _BLOCK's lazy `.*?` tried the rest of the pattern at every character of the
# front matter (two of them per file: a fifteenth of a one-post run's instructions); a search
# for a line break followed by the closer skips from line break to line break.
_CLOSING = lazy_compile(r"\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)")


def _block(text: str) -> tuple[int, int, int] | None:
    """Where _BLOCK's match of `text` would have its YAML (start, end) and end, None for no match:
    the YAML starts after the opening line and ends where the closing line starts."""
    opening = _OPENING.match(text)
    if opening is None:
        return None
    start = opening.end()
    closing = _CLOSING.search(text, start - 1)  # from the opening's line break: the YAML may be empty
    return None if closing is None else (start, closing.start() + 1, closing.end())


@cache
def _jekyll_loader() -> type:
    """The safe loader whose out-of-range timestamps stay strings instead of raising.

    Jekyll rolls ``date: 2023-02-30`` over to March 2 and builds; PyYAML would raise a
    ValueError and lose the whole front matter. The date rules judge the string instead.
    A `!!set` loads as a mapping of its members to None, in the order written (set_as_mapping).
    PyYAML is imported here, when the first YAML is parsed: a run whose results all come from
    the cache, and whose YAML files are in the YAML memo, never imports it (a tenth of its time).
    """
    import yaml

    try:  # libyaml, as Jekyll's Psych; the pure-Python loader rejects some files Jekyll accepts
        base = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - PyYAML built without libyaml
        base = yaml.SafeLoader

    class JekyllLoader(base):  # type: ignore[misc,valid-type]
        pass

    def lenient_timestamp(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
        try:
            return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    def set_as_mapping(loader: yaml.constructor.SafeConstructor, node: yaml.Node) -> Any:
        # YAML's !!set is a mapping whose values are null. As a Python set its members would be
        # ordered by the process's string hashes, which differ from run to run: a message or a
        # permalink made from it would change between two runs of the same files.
        members: dict[Any, None] = {}
        yield members
        members.update(loader.construct_mapping(node))

    JekyllLoader.add_constructor("tag:yaml.org,2002:timestamp", lenient_timestamp)
    JekyllLoader.add_constructor("tag:yaml.org,2002:set", set_as_mapping)
    return JekyllLoader


class KeyInfo(Record):
    """Where one top-level key and its value stand (offsets into Source.text)."""
    __slots__ = ("line", "column", "value_start", "value_end")

    line: int
    column: int
    value_start: int
    value_end: int

    def __init__(self, line: int, column: int, value_start: int, value_end: int) -> None:
        self.line = line
        self.column = column
        self.value_start = value_start
        self.value_end = value_end


class FrontMatter(Record):
    """A file's front matter: whether it has one, its data, where each key is, and what is wrong with it."""
    __slots__ = ("present", "data", "error", "jekyll_fails", "error_line", "error_column", "keys", "duplicate_keys",
                 "end_line", "body_offset")

    present: bool
    data: dict[str, Any]
    error: str | None
    # Jekyll's reader raises on it too (invalid YAML, a top level that is not a mapping) and keeps
    # none of it; the other errors (no closing line, over postlint's limits) are postlint's alone.
    jekyll_fails: bool
    error_line: int
    error_column: int
    keys: dict[str, KeyInfo]
    duplicate_keys: list[tuple[str, int, int]]  # (key, line, first line)
    end_line: int  # line of the closing delimiter
    body_offset: int  # where the body starts in Source.text

    def __init__(self, present: bool = False, data: dict[str, Any] | None = None, error: str | None = None,
                 jekyll_fails: bool = False, error_line: int = 1, error_column: int = 1,
                 keys: dict[str, KeyInfo] | None = None, duplicate_keys: list[tuple[str, int, int]] | None = None,
                 end_line: int = 0, body_offset: int = 0) -> None:
        self.present = present
        self.data = {} if data is None else data
        self.error = error
        self.jekyll_fails = jekyll_fails
        self.error_line = error_line
        self.error_column = error_column
        self.keys = {} if keys is None else keys
        self.duplicate_keys = [] if duplicate_keys is None else duplicate_keys
        self.end_line = end_line
        self.body_offset = body_offset

    def line_of(self, key: str) -> int:
        info = self.keys.get(key)
        return info.line if info else 1


def front_matter_extent(text: str) -> str:
    """The part of a Source.text that decides its FrontMatter: equal extents parse alike.

    The site model digests it to notice when another file's front matter changed, without
    parsing the YAML again.
    """
    if not _OPENING.match(text):
        return ""
    block = _block(text)
    return text[:block[2]] if block else "---\n(unclosed)"


def parse_front_matter(text: str) -> FrontMatter:
    """Split and parse the front matter at the start of `text` (a Source.text)."""
    if not _OPENING.match(text):
        return FrontMatter()
    block = _block(text)
    if block is None:
        return FrontMatter(
            present=True,
            error="front matter has no closing '---' line: Jekyll renders the YAML as body text",
            error_line=1,
        )
    yaml_start, yaml_end, block_end = block
    yaml_text = text[yaml_start:yaml_end]
    first_line = text.count("\n", 0, yaml_start) + 1
    closing_line = first_line + yaml_text.count("\n")
    fm = FrontMatter(present=True, end_line=closing_line, body_offset=block_end)
    if not yaml_text.strip():
        return fm
    import yaml

    if _too_many_values(yaml_text):
        fm.error, fm.error_line = f"front matter holds over {MAX_YAML_VALUES:,} YAML values; not loaded", first_line
        return fm
    loader = _jekyll_loader()(yaml_text)
    try:
        node = loader.get_single_node()
        # Without an anchor the YAML holds no alias: its nodes are a tree, measured in one pass.
        tree = "&" not in yaml_text
        too_big = None if node is None or (tree and _tree_within_limits(node)) else _too_big(node)
        if too_big is not None:
            fm.error, where = too_big
            fm.error_line, fm.error_column = first_line + where.line, where.column + 1
            return fm
        data = None if node is None else _constructed_document(loader, node, tree)
    except yaml.MarkedYAMLError as exc:
        fm.jekyll_fails = True
        mark = exc.problem_mark or exc.context_mark
        context = exc.context or ""
        if exc.context_mark is not None and (mark is None or mark.index >= len(yaml_text.rstrip())):
            # "end of stream" says nothing useful; the unclosed construct's start does.
            mark = exc.context_mark
            context = f"{context} that starts here" if context else ""
        fm.error = f"invalid YAML: {exc.problem or exc}" + (f" ({context})" if context else "")
        if mark is not None:
            fm.error_line, fm.error_column = first_line + mark.line, mark.column + 1
            unclosed = _unclosed_quote(yaml_text, mark.line)
            if yaml_text[mark.index:mark.index + 1] == "\t":
                fm.error = f"invalid YAML: a tab character; YAML indents with spaces only ({exc.problem})"
            elif unclosed is not None:
                line0, column0, quote = unclosed
                fm.error = f"invalid YAML: the {quote} quote opened here is never closed on its line ({exc.problem})"
                fm.error_line, fm.error_column = first_line + line0, column0 + 1
        return fm
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        fm.error, fm.jekyll_fails = f"invalid YAML: {exc}", True
        fm.error_line = first_line
        return fm
    finally:
        loader.dispose()
    if data is None:
        return fm
    if not isinstance(data, dict):
        fm.error, fm.jekyll_fails = f"front matter must be a mapping of keys to values, not a {_yaml_kind(data)}", True
        fm.error_line = first_line
        return fm
    fm.data = {str(k): v for k, v in data.items()}
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        if key in seen:
            fm.duplicate_keys.append((key, line, seen[key]))
        else:
            seen[key] = line
        fm.keys[key] = KeyInfo(
            line=line,
            column=key_node.start_mark.column + 1,
            value_start=yaml_start + value_node.start_mark.index,
            value_end=yaml_start + value_node.end_mark.index,
        )
    return fm


def _constructed_document(loader: Any, node: yaml.Node, tree: bool) -> Any:
    """loader.construct_document(node), built by _constructed when it can: when the nodes are a
    `tree` (no anchor), and a front matter is almost always mappings, lists and plain values."""
    if tree:
        try:
            return _constructed(loader, node)
        except _Unusual:
            pass  # PyYAML's constructor starts again from the nodes, which _constructed left as they were
    return loader.construct_document(node)


class _Unusual(Exception):
    """A node _constructed leaves to PyYAML's constructor."""


_STR_TAG, _MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
# Scalars whose value the loader's own constructor gives (the lenient timestamp included).
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))


def _constructed(loader: Any, node: yaml.Node) -> Any:
    """What PyYAML's constructor builds from `node`, a tree of mappings with scalar keys, lists,
    strings and the scalars of _SCALAR_TAGS (built by the loader's constructor for the tag, as
    PyYAML's would); _Unusual at anything else (a merge key, an `=` key, a set, binary data, a
    tag of a plugin's, a list or mapping as a key). PyYAML's general walk keeps a memo of every
    node for aliases and builds each mapping and list through a generator, for recursive data:
    over the front matters of a site it cost three times this walk (18F, 917 front matters:
    178 M instructions, 42 M here). tests/test_frontmatter_construct.py compares the two."""
    tag, kind = node.tag, node.id
    if kind == "scalar":
        if tag == _STR_TAG:
            return node.value
        if tag in _SCALAR_TAGS:
            return loader.yaml_constructors[tag](loader, node)
    elif kind == "mapping" and tag == _MAP_TAG:
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                raise _Unusual
            mapping[_constructed(loader, key_node)] = _constructed(loader, value_node)
        return mapping
    elif kind == "sequence" and tag == _SEQ_TAG:
        return [_constructed(loader, item) for item in node.value]
    raise _Unusual


# Limits on the YAML a post may hold. Aliases are shared references once loaded, but anything
# that walks the data (str(), json.dumps for the JSON Schema check, the rules) walks every copy:
# nine anchors of nine aliases each ("billion laughs") are 9**9 values from a few hundred bytes.
MAX_YAML_VALUES = 100_000  # values after expanding aliases and merge keys
MAX_YAML_DEPTH = 64  # nested lists/mappings; libyaml itself stops at 1000


# YAML up to this size composes into few enough nodes to measure (_too_big); longer YAML is first
# counted (_too_many_values).
COMPOSED_WITHOUT_COUNTING = 64 * 1024


def _too_many_values(text: str) -> bool:
    """Does a YAML text longer than COMPOSED_WITHOUT_COUNTING hold more than MAX_YAML_VALUES values
    before any alias is repeated? Counted from the parser's events, which come one at a time:
    composing builds every node first, and a 10 MB front matter of one list took 2.3 GB of
    memory and half a minute before _too_big could refuse it. YAML the parser rejects is left
    to the parse that follows, which says where."""
    if len(text) <= COMPOSED_WITHOUT_COUNTING:
        return False
    import yaml

    loader = _jekyll_loader()(text)
    values = 0
    try:
        while (event := loader.get_event()) is not None and not isinstance(event, yaml.StreamEndEvent):
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                values += 1
                if values > MAX_YAML_VALUES:
                    return True
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()
    return False


def _tree_within_limits(root: yaml.Node) -> bool:
    """Are the composed nodes of a YAML without aliases (a tree: no node is reached twice) at most
    MAX_YAML_VALUES, nested at most MAX_YAML_DEPTH lists and mappings deep? Then _too_big finds
    nothing to say; else it says what (it also finds an alias, were there one after all). A
    pass over the tree a level at a time, without _too_big's memo of each node's size and depth,
    which an alias needs: every page and post of a site has its front matter measured."""
    import yaml

    mapping, sequence = yaml.MappingNode, yaml.SequenceNode
    level, count, depth = [root], 0, 0
    while level:
        count += len(level)
        below: list[yaml.Node] = []
        collections = False
        for node in level:
            if isinstance(node, mapping):
                collections = True
                for pair in node.value:
                    below += pair
            elif isinstance(node, sequence):
                collections = True
                below += node.value
        depth += collections  # a level holds a list or mapping only below one on every level above it
        if count > MAX_YAML_VALUES or depth > MAX_YAML_DEPTH:
            return False
        level = below
    return True


def _too_big(root: yaml.Node, what: str = "front matter") -> tuple[str, yaml.Mark] | None:
    """Why the composed YAML is unsafe to load (None: it is fine), judged before construction.

    Each node's expanded size and depth are computed once (memoized on the node: an alias is the
    very same node object), so the check is linear in the text even for an alias bomb. The mark
    is where the offending node starts: the anchor that explodes, the list that nests too deep.
    """
    import yaml

    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            size[key], depth[key] = 1, 0
            continue
        if not children_done:
            if key in size:
                continue  # an alias of a node already measured
            if key in open_nodes:
                return (f"{what} holds a YAML alias inside its own anchor (a structure that contains itself); "
                        "not loaded", node.start_mark)
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in size)
            continue
        open_nodes.discard(key)
        size[key] = 1 + sum(size[id(child)] for child in children)
        depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
        if size[key] > MAX_YAML_VALUES:
            return (f"{what} expands to over {MAX_YAML_VALUES:,} values once its YAML aliases are "
                    "repeated (a 'billion laughs' shape); not loaded", node.start_mark)
        if depth[key] > MAX_YAML_DEPTH:
            return f"{what} nests lists and mappings more than {MAX_YAML_DEPTH} levels deep; not loaded", node.start_mark
    return None


def load_yaml(text: str, what: str, unique_keys: bool = False) -> Any:
    """One YAML document (a config or rule file) under the same limits as front matter; from
    YAML_MEMO when it holds the document. With `unique_keys` (postlint's own files), a key given
    twice in a mapping is an error, where YAML keeps the last silently (as Jekyll does in
    _config.yml).

    Raises YamlError, with `what` (say, "_config.yml") in the message when a limit is hit.
    """
    memo_key = "\0unique keys\n" + text if unique_keys else text  # no YAML text starts with NUL
    found = YAML_MEMO.get(memo_key)
    if found is not None:
        return found[0]
    value = _load_yaml(text, what, unique_keys)
    YAML_MEMO.put(memo_key, value)
    return value


def _load_yaml(text: str, what: str, unique_keys: bool = False) -> Any:
    import yaml

    if _too_many_values(text):
        raise YamlError(f"{what} holds over {MAX_YAML_VALUES:,} YAML values; not loaded")
    loader = _jekyll_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problem = _too_big(node, what)
        if problem is not None:
            raise YamlError(problem[0])
        if unique_keys:
            _refuse_duplicate_keys(node)
        return loader.construct_document(node)
    except RecursionError:
        raise YamlError(f"{what} nests too deeply to load") from None
    except yaml.MarkedYAMLError as exc:
        raise YamlError(_yaml_error_in_a_line(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlError(" ".join(str(exc).split())) from None
    finally:
        loader.dispose()


def _refuse_duplicate_keys(root: yaml.Node) -> None:
    """Raise YamlError at the second of two equal scalar keys of one mapping (each node visited
    once: _too_big has bounded the document, aliases included)."""
    import yaml

    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes or not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
            continue
        first_lines: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in first_lines:
                    raise YamlError(f"line {key.start_mark.line + 1}, column {key.start_mark.column + 1}: the key "
                                    f"'{key.value}' is given twice (first on line {first_lines[key.value]}); only the "
                                    "last would count")
                first_lines[key.value] = key.start_mark.line + 1
            stack.append(value)


def _yaml_error_in_a_line(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's error as one line that says where: `line 2, column 1: found character that cannot
    start any token (while scanning for the next token)`, not its dump of several lines naming
    "<unicode string>"."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    problem = " ".join(str(exc.problem or exc).split())
    context = f" ({' '.join(exc.context.split())})" if exc.context else ""
    return f"{where}{problem}{context}"


_MARSHALLED = (dict, list, str, int, float, bool, type(None))


class YamlMemo:
    """Loaded YAML documents by the digest of their text, each encoded with `marshal` on its own.

    Off unless the engine turns it on (a run that may use its cache): it then keeps the memo
    between runs in the user's cache folder, signed like the result cache (engine/cache.py).
    load_yaml is a function of the text alone, so a remembered document is the one it would
    load; only documents made of marshal's exact types are kept (a YAML timestamp is not), and a
    document that does not load is never kept, so its error is always PyYAML's own.
    """

    def __init__(self) -> None:
        self.documents: dict[str, bytes] | None = None  # None: off
        self.grew = False

    def use(self, documents: dict[str, bytes]) -> None:
        self.documents, self.grew = documents, False

    def stop(self) -> None:
        self.documents, self.grew = None, False

    def get(self, text: str) -> tuple[Any] | None:
        """(the document,) when remembered; a fresh copy each time, like a load."""
        if self.documents is None:
            return None
        encoded = self.documents.get(_text_digest(text))
        if encoded is None:
            return None
        try:
            return (marshal.loads(encoded),)
        except (EOFError, TypeError, ValueError):
            return None  # not what put() wrote: loaded again

    def put(self, text: str, value: Any) -> None:
        if self.documents is not None and _marshalled(value):
            self.documents[_text_digest(text)] = marshal.dumps(value)
            self.grew = True


def _text_digest(text: str) -> str:
    """256 bits: a YAML file of one site must never collide with another's in the user's memo."""
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()


def _marshalled(value: Any) -> bool:
    """Is `value` made of marshal's exact types only (so that it decodes as it was)?"""
    stack = [value]
    while stack:
        item = stack.pop()
        if type(item) not in _MARSHALLED:
            return False
        if type(item) is dict:
            stack.extend(item.keys())
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return True


YAML_MEMO = YamlMemo()


_QUOTED_VALUE = lazy_compile(r"""^\s*(?:- +)?[^\s:#'"][^:#]*:[ \t]+(["'])""")


def _unclosed_quote(yaml_text: str, before_line: int) -> tuple[int, int, str] | None:
    """The first line up to `before_line` whose quoted value does not close on that line.

    An unbalanced quote is the most common YAML mistake in posts (an apostrophe inside a
    single-quoted title), and libyaml reports it lines later, where the damage surfaces.
    """
    for index, line in enumerate(yaml_text.split("\n")[: before_line + 1]):
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote = match.group(1)
        rest = line[match.end():]
        if quote == "'":
            rest = rest.replace("''", "")
        else:
            rest = re.sub(r'\\.', "", rest)
        if quote not in rest:
            return index, match.end() - 1, "double" if quote == '"' else "single"
        if index >= before_line:
            break
    return None


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "date"
    return type(value).__name__
