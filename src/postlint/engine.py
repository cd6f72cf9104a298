"""Runs the rules over files: read, parse once, check, suppress, fix, collect.

A rule that raises becomes an `internal-error` finding for that file (exit 2 at the end) and the
run goes on; so does a file that cannot be read.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from postlint.config import Config, RuleSetting
from postlint.finding import Edit, Finding, Problem
from postlint.post import Post
from postlint.site import Site
from postlint.source import Source, UnreadableFile, decode
from postlint.suppression import Suppressions

INTERNAL_ERROR = ("PL001", "internal-error")
UNREADABLE_CODE = "PL002"


@dataclass
class RuleContext:
    """What a rule sees besides the post: its options, the site index, the whole config."""

    options: SimpleNamespace
    site: Site
    config: Config
    severity: str


@dataclass
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    fixed: int = 0
    errors: list[str] = field(default_factory=list)  # run-level problems (plugins, config of Jekyll)
    seconds: float = 0.0


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(path, cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()


def read_post(path: Path, site: Site, cwd: Path, max_size: int) -> Post:
    """Read and parse one file; an unreadable file becomes a Post with `read_error` set."""
    rel = display_path(path, site.root)
    display = display_path(path, cwd)
    kind = site.kind_of(rel)
    try:
        size = path.stat().st_size
        if size > max_size:
            raise UnreadableFile(f"file is {size:,} bytes, over the {max_size:,}-byte limit (max_file_size); not linted")
        if path.is_dir():
            raise UnreadableFile("a folder, not a file")
        text, bom, encoding = decode(path.read_bytes())
    except UnreadableFile as exc:
        return Post(Source.from_text(path, ""), rel, display, kind, read_error=str(exc))
    except OSError as exc:
        return Post(Source.from_text(path, ""), rel, display, kind, read_error=f"cannot read file: {exc.strerror or exc}")
    return Post(Source(path=path, original=text, bom=bom, encoding=encoding), rel, display, kind)


def check_post(post: Post, settings: list[RuleSetting], site: Site, config: Config, debug: bool = False) -> list[Finding]:
    """Every enabled rule over one post, with suppressions applied; sorted."""
    findings: list[Finding] = []
    if post.read_error is not None:
        # Nothing else can be said of a file that could not be read.
        settings = [s for s in settings if s.rule.code == UNREADABLE_CODE]
    suppressions: Suppressions | None = None
    for setting in settings:
        rule = setting.rule
        ctx = RuleContext(SimpleNamespace(**setting.options), site, config, setting.severity)
        try:
            problems: list[Problem] = list(rule.check(post, ctx))
            if problems and suppressions is None:
                suppressions = Suppressions.scan(post)
        except Exception as exc:  # one rule's bug must not lose the run
            detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
            findings.append(Finding(post.display, 1, 1, *INTERNAL_ERROR, "error",
                                    f"rule {rule.code} {rule.name} crashed on this file: {detail}".rstrip(), internal=True))
            continue
        for problem in problems:
            line = max(1, min(problem.line, post.source.line_count))
            if suppressions is not None and suppressions.is_suppressed(line, rule.code, rule.name):
                continue
            findings.append(Finding(
                path=post.display,
                line=line,
                column=max(1, problem.column),
                code=rule.code,
                rule=rule.name,
                severity=setting.severity,
                message=problem.message,
                source_line=post.source.line_text(line),
                fix=problem.fix,
                fingerprint=problem.fingerprint or post.source.line_text(line).strip(),
            ))
    findings.sort(key=lambda f: f.sort_key)
    return findings


def apply_fixes(post: Post, findings: list[Finding]) -> tuple[list[Finding], int]:
    """Apply non-overlapping fixes atomically; returns the findings left and how many were fixed."""
    edits: list[Edit] = []
    fixed: list[Finding] = []
    for finding in findings:
        if finding.fix is None:
            continue
        candidate = sorted(finding.fix.edits, key=lambda e: e.start)
        if any(e.start < other.end and other.start < e.end for e in candidate for other in edits):
            continue  # overlaps an earlier fix: the next --fix run takes it
        edits.extend(candidate)
        fixed.append(finding)
    if not edits:
        return findings, 0
    text = post.source.original
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:edit.start] + edit.replacement + text[edit.end:]
    write_atomically(post.path, post.source.bom + text.encode(post.source.encoding))
    return [f for f in findings if f not in fixed], len(fixed)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename, keeping its permissions."""
    mode = path.stat().st_mode
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".postlint-tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def lint(targets: list[tuple[Path, Site]], settings: list[RuleSetting], config: Config, *,
         fix: bool = False, debug: bool = False, cwd: Path | None = None) -> RunResult:
    started = time.perf_counter()
    cwd = cwd or Path.cwd()
    result = RunResult()
    for path, site in targets:
        post = read_post(path, site, cwd, config.max_file_size)
        findings = check_post(post, settings, site, config, debug)
        if fix and post.read_error is None and any(f.fix for f in findings):
            findings, count = apply_fixes(post, findings)
            result.fixed += count
        result.findings.extend(findings)
        result.files_checked += 1
    result.findings.sort(key=lambda f: f.sort_key)
    result.seconds = time.perf_counter() - started
    return result


def internal_finding(path: str, message: Any) -> Finding:
    return Finding(path, 1, 1, *INTERNAL_ERROR, "error", str(message), internal=True)
