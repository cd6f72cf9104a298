"""The per-file result cache in `.postlint_cache/` at the site root.

A file's findings are reused only when all of these are unchanged: the file's bytes, the
postlint version and effective configuration (rules, severities, options, site settings,
_config.yml, YAML rule files) and, when any of its rules asked the site about other files
(which posts exist, their front matter, image sizes: see engine.RecordingSite), the state of
the site: every other file's bytes, and for posts only their front matter. A post whose rules
never looked beyond it keeps its cached result whatever else changes.

The cache is one JSON file replaced atomically: concurrent runs never see a half-written file
(the last writer wins), and a corrupt or foreign file is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from postlint import __version__
from postlint.finding import Edit, Finding, Fix

CACHE_DIR = ".postlint_cache"
CACHE_FILE = "results-v1.json"

def digest(value: Any) -> str:
    data = value if isinstance(value, bytes) else json.dumps(value, sort_keys=True, default=repr).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _finding_to_json(finding: Finding) -> dict:
    data = {
        "line": finding.line, "column": finding.column, "code": finding.code, "rule": finding.rule,
        "severity": finding.severity, "message": finding.message,
        "fingerprint": finding.fingerprint, "internal": finding.internal,
    }
    if finding.fix is not None:
        data["fix"] = [finding.fix.description, [[e.start, e.end, e.replacement] for e in finding.fix.edits]]
    return data


def _finding_from_json(data: dict, path: str, lines: dict[str, str]) -> Finding:
    fix = None
    if "fix" in data:
        description, edits = data["fix"]
        fix = Fix(description, tuple(Edit(*edit) for edit in edits))
    return Finding(path=path, line=data["line"], column=data["column"], code=data["code"], rule=data["rule"],
                   severity=data["severity"], message=data["message"], source_line=lines[str(data["line"])],
                   fix=fix, fingerprint=data["fingerprint"], internal=data["internal"])


def config_digest(settings, config) -> str:
    """Everything besides the file and the site that decides a file's findings."""
    rules = [(s.rule.code, s.rule.name, s.severity, s.options, s.rule.origin, s.rule.doc) for s in settings]
    yaml_rules = sorted(s.rule.origin for s in settings if s.rule.origin.endswith((".yml", ".yaml")))
    sources = {origin: _file_digest(Path(origin)) for origin in yaml_rules}
    return digest([__version__, rules, sources, config.site, config.max_file_size])


def _file_digest(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError:
        return ""


class ResultCache:
    def __init__(self, site, settings_digest: str, max_size: int) -> None:
        self.site = site
        self.max_size = max_size
        self.root = site.root
        self.path = site.root / CACHE_DIR / CACHE_FILE
        self.key = digest([__version__, settings_digest, _file_digest(site.root / "_config.yml")])
        self.entries: dict[str, dict] = {}
        self.stats: dict[str, list] = {}  # rel -> [size, mtime_ns, digest]: bytes re-read only when these change
        self.changed = False
        self._site_digest: str | None = None
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(stored, dict) and stored.get("key") == self.key and isinstance(stored.get("entries"), dict):
                self.entries = stored["entries"]
                self.stats = stored.get("stats") if isinstance(stored.get("stats"), dict) else {}
        except (OSError, ValueError):
            pass  # no cache yet, or a corrupt one: start afresh

    def _digest_file(self, rel: str, reduce=None) -> str:
        """Digest of a site file's bytes (or of `reduce(bytes)`), recomputed only when its size or
        modification time changed, as git's index does."""
        from postlint.parse.source import UnreadableFile, read_bytes

        path = self.root / rel
        try:
            info = path.stat()
            stamp = [info.st_size, info.st_mtime_ns]
        except OSError:
            stamp = None
        known = self.stats.get(rel)
        if stamp is not None and isinstance(known, list) and known[:2] == stamp:
            return known[2]
        try:
            data = read_bytes(path, self.max_size)
            value = digest(reduce(data) if reduce else data)
        except (OSError, UnreadableFile) as exc:
            return digest(f"unreadable: {exc}".encode())
        if stamp is not None:
            self.stats[rel] = [*stamp, value]
            self.changed = True
        return value

    def site_digest(self) -> str:
        """The state of every other file a rule may ask about: posts by their front matter
        (a body edit changes no other post's findings), every other file by its bytes."""
        if self._site_digest is None:
            from postlint.parse.frontmatter import front_matter_block

            posts = self.site.posts
            parts = [f"{rel}\0{self._digest_file('fm:' + rel if rel in posts else rel, front_matter_block if rel in posts else None)}"
                     for rel in sorted(self.site.files)]
            self._site_digest = digest("\n".join(parts).encode())
        return self._site_digest

    def content_digest(self, path: Path) -> str | None:
        """Digest of a target's bytes; None when it cannot be read (the check reports why)."""
        from postlint.parse.source import UnreadableFile, read_bytes

        rel = self._rel(path)
        if rel.startswith(("/", "../")):
            try:
                return digest(read_bytes(path, self.max_size))
            except (OSError, UnreadableFile):
                return None
        return self._digest_file(rel)

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def get(self, path: Path, content: str, display: str) -> list[Finding] | None:
        entry = self.entries.get(self._rel(path))
        if not isinstance(entry, dict) or entry.get("content") != content:
            return None
        try:
            if entry["site"] and entry["site"] != self.site_digest():
                return None
            return [_finding_from_json(item, display, entry["lines"]) for item in entry["findings"]]
        except (KeyError, TypeError, ValueError):
            return None  # an entry of another shape: recompute

    def put(self, path: Path, content: str, depends_on_site: bool, findings: list[Finding]) -> None:
        if any(f.internal for f in findings):
            return  # a crash is not a result worth keeping
        # Each source line once per file, not once per finding: 15,000 findings on a 1 MB line
        # made a 15 GB cache file.
        self.entries[self._rel(path)] = {"content": content, "site": self.site_digest() if depends_on_site else "",
                                         "lines": {str(f.line): f.source_line for f in findings},
                                         "findings": [_finding_to_json(f) for f in findings]}
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        temp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by postlint: the cache is local.\n*\n", encoding="utf-8")
            handle, temp = tempfile.mkstemp(prefix=".results-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"key": self.key, "entries": self.entries, "stats": self.stats}, out, separators=(",", ":"))
            os.replace(temp, self.path)
        except OSError:
            if temp is not None and os.path.exists(temp):
                os.unlink(temp)
            # a read-only checkout still lints; it only misses the cache
