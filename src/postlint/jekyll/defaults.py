"""Front-matter `defaults` of _config.yml, merged as Jekyll 4.3's FrontmatterDefaults#all merges them.

What Jekyll does, checked with `jekyll build`:
- A set applies when its scope's `type` (if any) is the document's kind (a draft's kind is
  `posts`; `post`, `page` and `draft` still mean `posts`, `pages` and `drafts`) and its `path`
  (if a non-empty text) is a plain prefix of the file's path, with no regard to `/`:
  `_posts/2024-01-04-pre` covers `_posts/2024-01-04-prefixed.md`, while `/_posts/x.md` and
  `_posts/x.md/` cover nothing.
- A path with `*` is a Ruby glob of the site's files (`*` stays within one folder name, `**/`
  spans folders, `{a,b}` alternates); it covers a file that is, or lies in, a match.
- Where sets disagree, the one with the longer path wins; of equal paths, one with a `type`
  wins; otherwise the later one. Mappings merge key by key.
"""

from __future__ import annotations

import fnmatch
import functools
from typing import Any

# FrontmatterDefaults#update_deprecated_types.
_OLD_TYPE_NAMES = {"page": "pages", "post": "posts", "draft": "drafts"}
MAX_ALTERNATIVES = 256


def defaults_for(config: dict[str, Any], rel: str, kind: str) -> dict[str, Any]:
    """The values of _config.yml's `defaults` that Jekyll gives `rel` (a path from the site's root)
    of kind `kind` (pages, posts, or a collection's label)."""
    sets = config.get("defaults")
    if not isinstance(sets, list):
        return {}
    collections_dir = str(config.get("collections_dir") or "")
    path = rel
    if kind != "pages" and collections_dir and rel.startswith(collections_dir + "/"):
        path = rel[len(collections_dir) + 1:]  # a document's relative_path starts below collections_dir
    merged: dict[str, Any] = {}
    old_scope: dict | None = None
    for entry in sets:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue  # Jekyll warns "An invalid front-matter default set was found" and skips it
        scope = entry.get("scope") if isinstance(entry.get("scope"), dict) else {}
        if not _applies(scope, rel, path, kind, collections_dir):
            continue
        if old_scope is None or _takes_precedence(old_scope, scope):
            merged = deep_merged(merged, entry["values"])
            old_scope = scope if "scope" in entry else None  # a set without scope lets the next one win
        else:
            merged = deep_merged(entry["values"], merged)
    return merged


def deep_merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Jekyll's Utils.deep_merge_hashes: `over`'s values win, mappings in both are merged."""
    if not base:
        return dict(over)
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _applies(scope: dict, rel: str, path: str, kind: str, collections_dir: str) -> bool:
    """Does the scope cover the file `rel` (from the site's root), whose path Jekyll knows it by
    is `path` (from collections_dir for a document)?"""
    if "type" in scope:
        wanted = str(scope["type"])
        if _OLD_TYPE_NAMES.get(wanted, wanted) != kind:
            return False
    scope_path = scope.get("path")
    if not isinstance(scope_path, str) or not scope_path:
        return True
    if "*" in scope_path:  # globbed from the site's root: `_posts/*` finds nothing in `content/_posts`
        return _glob_covers(scope_path, rel)
    if collections_dir and scope_path.startswith(collections_dir + "/"):
        scope_path = scope_path[len(collections_dir) + 1:]
    return path.startswith(scope_path)


def _takes_precedence(old_scope: dict, new_scope: dict) -> bool:
    """FrontmatterDefaults#has_precedence?: the longer path, then a `type`, then the later set."""
    new_path, old_path = _sanitized(new_scope.get("path")), _sanitized(old_scope.get("path"))
    if len(new_path) != len(old_path):
        return len(new_path) > len(old_path)
    return "type" in new_scope or "type" not in old_scope


def _sanitized(path: object) -> str:
    """FrontmatterDefaults#sanitize_path: without a leading slash. (Its regex also matches the
    empty string at the end of the path, which replacing with "" leaves as it was.)"""
    text = str(path) if path is not None else ""
    return text[1:] if text.startswith("/") else text


def _glob_covers(pattern: str, path: str) -> bool:
    """Does Dir.glob(pattern) from the site's root find `path` or a folder it lies in? (Dir.glob
    of a pattern starting with `/` searches the whole disk, never the site.)"""
    if pattern.startswith("/"):
        return False
    names = path.split("/")
    return any(_names_covered(alternative.split("/"), names) for alternative in _brace_expanded(pattern))


def _names_covered(wanted: list[str], names: list[str]) -> bool:
    """Do the glob's folder and file names `wanted` match `names` or a leading part of them?
    Memoised on (pattern position, path position), so a pattern of many `**/` stays quadratic."""

    @functools.cache
    def match(at: int, position: int) -> bool:
        if at == len(wanted):
            return True  # the rest of `names` lies inside what matched
        head = wanted[at]
        if head == "**" and at + 1 < len(wanted):  # `**/`: any number of folders, none included
            return any(match(at + 1, skip) for skip in range(position, len(names) + 1))
        return (position < len(names) and ruby_fnmatch(head.replace("**", "*"), names[position])
                and match(at + 1, position + 1))

    return match(0, 0)


def ruby_fnmatch(pattern: str, name: str) -> bool:
    """Ruby's File.fnmatch on one folder or file name: a wildcard never matches a leading dot."""
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern.replace("[^", "[!"))  # Ruby negates a set with either


def _brace_expanded(pattern: str) -> list[str]:
    """`{a,b}` alternatives spelled out, as Dir.glob does before matching; past
    MAX_ALTERNATIVES (a config written to make the run expand forever) the rest stay as written."""
    done, pending = [], [pattern]
    while pending:
        current = pending.pop()
        spelled = _first_braces_spelled(current)
        if spelled is None or len(done) + len(pending) + len(spelled) > MAX_ALTERNATIVES:
            done.append(current)
        else:
            pending.extend(reversed(spelled))
    return done


def _first_braces_spelled(pattern: str) -> list[str] | None:
    """The pattern once for each alternative of its first `{a,b}` (None: it has none)."""
    depth, start = 0, -1
    for index, char in enumerate(pattern):
        if char == "{":
            if depth == 0:
                start = index
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                options = _top_level_split(pattern[start + 1:index])
                if len(options) > 1:
                    return [pattern[:start] + option + pattern[index + 1:] for option in options]
    return None


def _top_level_split(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (char == "{") - (char == "}")
        current.append(char)
    parts.append("".join(current))
    return parts
