"""Declarative rules written in YAML (Vale-style), one rule per file.

    code: HSE001                 # stable code: 1-4 capitals and 3 digits
    name: internal-jargon        # kebab-case name
    kind: existence              # existence: flag `tokens`; substitution: `swap` X for Y
    severity: warning
    summary: One line for `postlint rules`.
    why: Why readers or search engines care.
    message: "'{match}' is internal jargon"   # {match}, {replacement}
    ignorecase: true             # false: case counts, each form its own key ("In order to": "To")
    regex: false                 # tokens/swap keys are words unless true
    scope: prose                 # prose (body text), title or description
    languages: [en]              # only posts in these languages (default: every post)
    tokens: [lorem ipsum, TODO]
    swap: {utilize: use}
    examples: {fail: ["…"], pass: ["…"]}

The test suite runs every rule's examples; `postlint explain` shows them. A rule whose words
belong to one language says so with `languages`: a post's language is Site.language's (front-matter
`lang`, a declared language folder, `_config.yml`'s `lang`, else English), compared by primary
subtag (`en-GB` is `en`). "in order to" in an English rule must not flag a German post quoting it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postlint import patterns
from postlint.digest import digest
from postlint.errors import UnreadableFile, YamlError, YamlRuleError
from postlint.finding import SEVERITIES, Problem
from postlint.jekyll.languages import primary_subtag
from postlint.parse.frontmatter import load_yaml
from postlint.parse.source import over_the_limit, read_bytes
from postlint.parse.words import ascii_word_characters, unicode_pattern
from postlint.registry import _CODE, _NAME, Rule

if TYPE_CHECKING:
    import regex

KINDS = ("existence", "substitution")
MAX_RULE_FILE = 1 << 20  # bytes; a rule file is a few hundred
SCOPES = ("prose", "title", "description")
_KEYS = {"code", "name", "kind", "severity", "summary", "why", "message", "ignorecase", "regex",
         "scope", "tokens", "swap", "examples", "enabled", "languages"}


def builtin_dir() -> Path | None:
    """The shipped rules: inside the wheel, or the repository's rules/ in a source checkout.
    (The package's folder from __file__: importlib.resources took 7 ms to say the same.)"""
    packaged = Path(__file__).resolve().parent / "yaml_rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "rules"
    return checkout if checkout.is_dir() else None


def load_folder(folder: Path, files: dict[Path, bytes] | None = None) -> tuple[list[Rule], list[str]]:
    """The rules of the YAML files in `folder`, and why any could not be loaded; `files`: the
    folder's rule files with their bytes, when they are not to be read from disk (gate.py)."""
    rules: list[Rule] = []
    errors: list[str] = []
    home = os.path.realpath(folder)
    paths = sorted(files) if files is not None else sorted(list(folder.glob("*.yml")) + list(folder.glob("*.yaml")))
    for path in paths:
        if files is None and not os.path.realpath(path).startswith(home + os.sep):
            errors.append(f"YAML rule {path}: a symbolic link out of its folder; not read")
            continue
        try:
            rules.append(load_rule(path, files[path] if files is not None else None))
        except (OSError, UnicodeDecodeError, UnreadableFile, YamlError, YamlRuleError) as exc:
            errors.append(f"YAML rule {path}: {exc}")
        except Exception as exc:  # a rule file of the wrong shape somewhere deep: report it, load the rest
            errors.append(f"YAML rule {path}: not a valid rule ({type(exc).__name__}: {exc})")
    return rules, errors


def load_rule(path: Path, data: bytes | None = None) -> Rule:
    if data is None:
        data = read_bytes(path, MAX_RULE_FILE)
    elif len(data) > MAX_RULE_FILE:
        raise over_the_limit(len(data), MAX_RULE_FILE)
    spec = load_yaml(data.decode("utf-8-sig"), "the rule file", unique_keys=True)
    if not isinstance(spec, dict):
        raise YamlRuleError("must be a mapping")
    unknown = set(spec) - _KEYS
    if unknown:
        raise YamlRuleError(f"unknown keys: {', '.join(sorted(map(str, unknown)))}")
    code, name, kind = str(spec.get("code", "")), str(spec.get("name", "")), spec.get("kind")
    if not _CODE.match(code):
        raise YamlRuleError(f"code {code!r} must be 1-4 capital letters and 3 digits")
    if not _NAME.match(name):
        raise YamlRuleError(f"name {name!r} must be kebab-case")
    if kind not in KINDS:
        raise YamlRuleError(f"kind must be one of {', '.join(KINDS)}")
    severity = spec.get("severity", "warning")
    if severity not in SEVERITIES:
        raise YamlRuleError(f"severity must be one of {', '.join(SEVERITIES)}")
    scope = spec.get("scope", "prose")
    if scope not in SCOPES:
        raise YamlRuleError(f"scope must be one of {', '.join(SCOPES)}")
    languages = _languages(spec)
    examples = spec.get("examples") or {}
    if not isinstance(examples, dict) or not examples.get("fail") or not examples.get("pass"):
        raise YamlRuleError("examples needs non-empty 'fail' and 'pass' lists")
    flags = re.IGNORECASE if spec.get("ignorecase", True) else 0  # the same value in `regex`
    swap: dict[str, str] = {}
    if kind == "existence":
        tokens = spec.get("tokens")
        if not isinstance(tokens, list) or not tokens or not all(isinstance(t, str) for t in tokens):
            raise YamlRuleError("existence rules need 'tokens': a list of strings")
        words = [str(t) for t in tokens]
    else:
        swap = spec.get("swap")
        if not isinstance(swap, dict) or not swap or not all(isinstance(v, str) for v in swap.values()):
            raise YamlRuleError("substitution rules need 'swap': a mapping of text to its replacement")
        words = [str(k) for k in swap]
    try:
        if spec.get("regex"):  # each user pattern on its own first, so the error names it
            swap_patterns = [(patterns.compile_pattern(str(k), flags), v) for k, v in swap.items()]
            for alternative in words:
                patterns.check_pattern(alternative, flags)
        else:
            swap_patterns = []
        scans = Scans(_scan_sources(words, bool(spec.get("regex"))), flags, None if spec.get("regex") else words)
        if spec.get("regex"):  # compiled now, so that a pattern `regex` rejects is an error of the rule file
            scans.compiled  # noqa: B018
    except patterns.UnsafePattern as exc:
        raise YamlRuleError(str(exc)) from None
    default_message = "Avoid '{match}'" if kind == "existence" else "Use '{replacement}' instead of '{match}'"
    message = str(spec.get("message") or default_message)
    try:
        message.format(match="", replacement="")
    except (KeyError, IndexError, ValueError) as exc:
        raise YamlRuleError(f"message {message!r} may only use {{match}} and {{replacement}} ({type(exc).__name__}: {exc})") from None
    # Keyed as matched: in lower case when case is ignored, as written when it counts (a rule may
    # then swap "In order to" for "To" and "in order to" for "to").
    ignorecase = bool(flags & re.IGNORECASE)
    replacements = {key.lower() if ignorecase else key: value for key, value in swap.items()}

    def check(post: Any, ctx: Any) -> Iterator[Problem]:
        if languages and ctx.site.language(post.data, post.rel) not in languages:
            return
        # The texts first: parsing the post (its prose, seconds for a 10 MB body when this is the
        # first rule to ask) is not matching and must not spend the pattern's time budget.
        texts = _scope_texts(post, scope)
        deadline = time.perf_counter() + patterns.MATCH_SECONDS
        for offset, text in texts:
            if not scans.may_match(text):
                continue
            for match in _matches(scans.compiled, text, deadline):
                found = match.group(0)
                replacement = replacements.get(found.lower() if ignorecase else found, "") if kind == "substitution" else ""
                if kind == "substitution" and not replacement:
                    replacement = next((v for k, v in swap_patterns if k.fullmatch(found, timeout=patterns.MATCH_SECONDS)), "")
                line, column = post.position(offset + match.start()) if scope == "prose" else (offset, 1)
                yield Problem(line, column, message.format(match=found, replacement=replacement), fingerprint=found)

    return Rule(
        code=code,
        name=name,
        severity=severity,
        check=check,
        doc=_doc(spec, kind, scope, swap, languages),
        enabled=bool(spec.get("enabled", True)),
        origin=str(path),
        source=data,
        source_digest=digest(data),
    )


class Scans:
    """The patterns that find a rule's words: checked when the rule loads, compiled when first
    matched (escaped words always compile; most runs whose results all come from the cache match
    nothing, and importing `regex` was a tenth of such a run).

    A rule of literal ASCII words (`literals`) first asks whether any of them occurs in the text
    at all (may_match): most posts hold none of a rule's words, and then neither the `regex`
    module (15 ms to import) nor the patterns are needed."""

    def __init__(self, sources: list[str], flags: int, literals: list[str] | None = None) -> None:
        for source in sources:
            patterns.check_pattern(source, flags)
        self.sources, self.flags = sources, flags
        folded = [word.lower() if flags & re.IGNORECASE else word for word in literals or []]
        self._literals = folded if folded and all(word.isascii() for word in folded) else None

    def may_match(self, text: str) -> bool:
        """False only when no pattern can match `text`. A match of an ASCII word is made of ASCII
        letters or of letters outside ASCII that `regex` folds to them (the Kelvin sign, the long
        s, the dotless i); in a text whose word characters are all ASCII there are none of the
        latter, so a match is one of the words, case aside, as a substring."""
        if self._literals is None or not ascii_word_characters(text):
            return True
        haystack = text.lower() if self.flags & re.IGNORECASE else text
        return any(word in haystack for word in self._literals)

    @cached_property
    def compiled(self) -> list[regex.Pattern]:
        return [patterns.compile_checked(source, self.flags) for source in self.sources]


def _languages(spec: dict) -> frozenset[str]:
    """The primary subtags of `languages` (empty: the rule applies to every post)."""
    value = spec.get("languages")
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and primary_subtag(v) for v in value):
        raise YamlRuleError("languages must be a non-empty list of language codes such as [en, de]")
    return frozenset(map(primary_subtag, value))


def _scan_sources(words: list[str], is_regex: bool) -> list[str]:
    r"""The patterns that find a rule's tokens (or swap keys) standing alone, not inside a longer
    word. `(?<!\w)(?:a|b|…)(?!\w)` says it, but `regex` tries that at every position of the text
    (3 s on 10 MB of `[[[[`, over the time budget); `\b(?:a|b|…)` lets it skip to word starts, 5
    to 10 times faster. Before a word character `\b` is `(?<!\w)`, so literal words that start
    with one get the fast pattern and the others (`[citation needed]`) one of their own, which
    `_matches` interleaves. Regular expressions keep the single alternation."""
    if is_regex or not all(words):
        return [r"(?<!\w)(?:" + "|".join(words if is_regex else map(re.escape, words)) + r")(?!\w)"]
    starts_word = [word for word in words if _starts_word(word)]
    others = [word for word in words if not _starts_word(word)]
    sources = [r"\b(?:" + "|".join(map(re.escape, starts_word)) + r")(?!\w)"] if starts_word else []
    return sources + ([r"(?<!\w)(?:" + "|".join(map(re.escape, others)) + r")(?!\w)"] if others else [])


def _starts_word(word: str) -> bool:
    """Does `word` start with a character `regex` counts as `\\w` (ASCII answered without it)?"""
    first = word[:1]
    if first.isascii():
        return first.isalnum() or first == "_"
    return unicode_pattern(r"\w").match(first) is not None


def _matches(scans: list[regex.Pattern], text: str, deadline: float) -> Iterator[regex.Match]:
    """The matches of `scans` in `text`, in the order one alternation of them finds them: the
    earliest first, then the earliest from where it ends. The patterns never match at the same
    position (a word character starts one, not the other), so each keeps its own scan and looks
    again only past a match of another that overlapped its next one."""
    if len(scans) == 1:
        yield from patterns.finditer(scans[0], text, deadline)
        return
    scanners = [patterns.finditer(scan, text, deadline) for scan in scans]
    heads = [next(scanner, None) for scanner in scanners]
    while True:
        live = [index for index, head in enumerate(heads) if head is not None]
        if len(live) <= 1:  # one pattern left (the usual case soon): its own scan, nothing to interleave
            if live:
                yield heads[live[0]]
                yield from scanners[live[0]]
            return
        first = min(live, key=lambda index: heads[index].start())
        match = heads[first]
        yield match
        heads[first] = next(scanners[first], None)
        for index in live:
            if index != first and heads[index].start() < match.end():
                scanners[index] = patterns.finditer(scans[index], text, deadline, match.end())
                heads[index] = next(scanners[index], None)


def _scope_texts(post: Any, scope: str) -> list[tuple[int, str]]:
    """(position, text) pairs to search: an offset for prose, a line for front-matter fields."""
    if scope == "prose":
        return [(0, post.body.prose)]
    value = post.data.get(scope)
    return [(post.field(scope).line, value)] if isinstance(value, str) else []


def _doc(spec: dict, kind: str, scope: str, swap: dict[str, str], languages: frozenset[str]) -> str:
    summary = spec.get("summary") or f"{kind} rule over the post's {scope}"
    fail = "\n".join(spec["examples"]["fail"])
    passing = "\n".join(spec["examples"]["pass"])
    if kind == "existence":
        what = "Flags: " + ", ".join(f"`{t}`" for t in spec["tokens"]) + f" in the {scope}."
    else:
        what = "Suggests: " + ", ".join(f"`{k}` → `{v}`" for k, v in swap.items()) + f" in the {scope}."
    if languages:
        what += (" Only in posts written in " + ", ".join(f"`{code}`" for code in sorted(languages))
                 + " (the post's `lang`, language folder or `_config.yml` `lang`; English when none says).")
    return (
        f"{summary}\n\n## What it does\n{what}\n\n## Why is this bad?\n{spec.get('why') or summary}\n\n"
        f"## Example\n```markdown\n{fail}\n```\n\n## Use instead\n```markdown\n{passing}\n```\n\n"
        "## Options\nA YAML rule takes `severity` and `off` only; edit the rule file to change its words."
    )
