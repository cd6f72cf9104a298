"""Runs the rules over files: read, parse once, check, suppress, fix, collect.

A rule that raises becomes an `internal-error` finding for that file (exit 2 at the end) and the
run goes on; so does a file that cannot be read.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from postlint.config import Config, RuleSetting
from postlint.engine.suppression import Suppressions
from postlint.errors import FixRefused, RunErrors, UnreadableFile
from postlint.finding import Edit, Finding, Problem
from postlint.jekyll.site import Site
from postlint.parse.post import Post
from postlint.parse.source import decode, read_bytes

INTERNAL_ERROR = ("PL001", "internal-error")
UNREADABLE_CODE = "PL002"
FINGERPRINT_LIMIT = 200  # a finding on a 1 MB line needs no 1 MB fingerprint


@dataclass
class RuleContext:
    """What a rule sees besides the post: its options, the site index, the whole config."""

    options: SimpleNamespace
    site: Site
    config: Config
    severity: str


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    fixed: int = 0
    errors: RunErrors = field(default_factory=RunErrors)  # run-level problems (plugins, _config.yml)
    seconds: float = 0.0


def display_path(path: Path, cwd: Path) -> str:
    """`path` relative to `cwd` with "/" separators ("../" where it is outside)."""
    text, base = str(path), str(cwd)
    if text.startswith(base + os.sep) and os.sep == "/":  # the common case, without pathlib's cost
        return text[len(base) + 1:]
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(path, cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()


_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with undecodable bytes (a file name that is not UTF-8 arrives with lone surrogates)
    shown as U+FFFD: every reporter can encode it, where a surrogate crashes SARIF and any
    strict UTF-8 output."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return _SURROGATE.sub("\ufffd", text)


def read_post(path: Path, site: Site, cwd: Path) -> Post:
    """The file at `path` as the site read it (once per process); an unreadable file is a Post
    with `read_error` set."""
    post = site.post(display_path(path, site.root))
    post.display = printable(display_path(path, cwd))
    post.front_matter  # noqa: B018 - parsed here, so that a parser bug is this file's read error
    return post


def check_post(post: Post, settings: list[RuleSetting], site: Site, config: Config, debug: bool = False) -> list[Finding]:
    """Every enabled rule over one post, with suppressions applied; sorted.

    Everything a rule triggers runs inside its guard: the lazy Liquid scan and Markdown parse,
    the suppression scan, and turning its problems into findings. A failure there is the rule's
    internal error on this file, and the other rules still run.
    """
    findings: list[Finding] = []
    if post.read_error is not None:
        # Nothing else can be said of a file that could not be read.
        settings = [s for s in settings if s.rule.code == UNREADABLE_CODE]
    suppressions: list[Suppressions] = []
    line_count = post.source.line_count
    fingerprints: dict[int, str] = {}
    for setting in settings:
        rule = setting.rule
        ctx = RuleContext(SimpleNamespace(**setting.options), site, config, setting.severity)
        try:
            problems: list[Problem] = list(rule.check(post, ctx))
            if problems and not suppressions:
                suppressions.append(Suppressions.scan(post))
            found = []
            for problem in problems:
                if not isinstance(problem, Problem) or not isinstance(problem.line, int) or not isinstance(problem.column, int):
                    raise TypeError(f"rule yielded {problem!r}, not a Problem with a line and column")
                line = max(1, min(problem.line, line_count))
                if suppressions and suppressions[0].is_suppressed(line, rule.code, rule.name):
                    continue
                source_line = post.source.line_text(line)
                if not problem.fingerprint and line not in fingerprints:
                    fingerprints[line] = source_line.strip()[:FINGERPRINT_LIMIT]
                found.append(Finding(
                    path=post.display,
                    line=line,
                    column=max(1, problem.column),
                    code=rule.code,
                    rule=rule.name,
                    severity=setting.severity,
                    message=printable(str(problem.message)),
                    source_line=source_line,
                    fix=problem.fix,
                    fingerprint=problem.fingerprint or fingerprints[line],
                ))
        except Exception as exc:  # one rule's bug must not lose the run
            findings.append(crash_finding(post.display, f"rule {rule.code} {rule.name} crashed on this file", exc, debug))
            continue
        findings.extend(found)
    findings.sort(key=lambda f: f.sort_key)
    return findings


def crash_finding(path: str, what: str, exc: BaseException, debug: bool) -> Finding:
    """An internal-error finding: the exception's type and message, or its traceback with --debug."""
    if debug:
        detail = "".join(traceback.format_exception(exc))
    else:
        detail = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, RecursionError):
            detail += " (the file nests too deeply)"
    return Finding(path, 1, 1, *INTERNAL_ERROR, "error", f"{what}: {detail}".rstrip(), internal=True)


def apply_fixes(post: Post, findings: list[Finding], root: Path | None = None) -> tuple[list[Finding], int]:
    """Apply non-overlapping fixes atomically; returns the findings left and how many were fixed.

    The file keeps its encoding, byte-order mark and line endings: edits are made on the decoded
    original, a replacement's line breaks are written in the file's own style, and an edit never
    splits a CRLF pair. Raises FixRefused when the file changed on disk since it was read.
    """
    edits: list[Edit] = []
    fixed: list[Finding] = []
    original = post.source.original
    for finding in findings:
        if finding.fix is None:
            continue
        candidate = sorted((_keep_crlf(original, e) for e in finding.fix.edits), key=lambda e: e.start)
        if any(e.start < other.end and other.start < e.end for e in candidate for other in edits):
            continue  # overlaps an earlier fix: the next --fix run takes it
        edits.extend(candidate)
        fixed.append(finding)
    if not edits:
        return findings, 0
    newline = _newline_style(original)
    parts: list[str] = []
    last = 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts.append(original[last:edit.start])
        parts.append(edit.replacement.replace("\n", newline) if newline != "\n" else edit.replacement)
        last = edit.end
    parts.append(original[last:])
    text = "".join(parts)
    if text == original:
        return findings, 0
    target = Path(os.path.realpath(post.path))  # a symlinked post: rewrite its target, keep the link
    if root is not None and not target.is_relative_to(Path(os.path.realpath(root))):
        raise FixRefused(f"the post is a symbolic link to {target}, outside the site; postlint does not write there")
    try:
        current, _, _ = decode(read_bytes(target, 2 * len(original) * 4 + (1 << 20)))
    except UnreadableFile:
        current = None
    if current != original:
        raise FixRefused("the file changed on disk while postlint was checking it")
    write_atomically(target, post.source.bom + text.encode(post.source.encoding))
    return [f for f in findings if f not in fixed], len(fixed)


def _newline_style(text: str) -> str:
    """The file's line break: CRLF or a lone CR when the file uses them, else LF."""
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


def _keep_crlf(original: str, edit: Edit) -> Edit:
    """Move an edit's ends so that it never cuts a CRLF pair in two.

    Source.text shows a CRLF's CR as a space: an edit ending just past it (say, trimming trailing
    spaces) must leave it, and an edit starting at the LF takes the CR with it.
    """
    start, end = edit.start, edit.end
    if end > start and original[end - 1:end + 1] == "\r\n":
        end -= 1
    if start > 0 and original[start - 1:start + 1] == "\r\n":
        start -= 1  # the edit takes the line break: take all of it
    if (start, end) == (edit.start, edit.end):
        return edit
    return Edit(start, max(start, end), edit.replacement)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename, keeping its permissions (and owner when allowed)."""
    info = path.stat()
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".postlint-tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, info.st_mode & 0o7777)
        if hasattr(os, "chown"):
            try:
                os.chown(temp, info.st_uid, info.st_gid)
            except OSError:
                pass  # not allowed to give the file away: it stays ours, with the same mode
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def lint(targets: list[tuple[Path, Site]], settings: list[RuleSetting], config: Config, *,
         fix: bool = False, debug: bool = False, cwd: Path | None = None, jobs: int | None = None,
         use_cache: bool = False) -> RunResult:
    """Lint every target, on `jobs` processes, reusing cached results where nothing they depend
    on changed. The findings are the same whatever the jobs and the cache."""
    from postlint.engine.cache import ResultCache, run_key, secret_key
    from postlint.engine.parallel import default_jobs, parallel_map

    started = time.perf_counter()
    cwd = cwd or Path.cwd()
    result = RunResult()
    caches: dict[Path, ResultCache] = {}
    work: list[tuple[Path, Site, str | None]] = []
    secret = secret_key() if use_cache and not fix else None  # a fix changes the file: no result worth keeping
    if secret is not None:
        for path, site in targets:
            cache = caches.get(site.root) or caches.setdefault(site.root, ResultCache(site, run_key(settings, config, site),
                                                                                       secret))
            rel = display_path(path, site.root)
            content = site.content_digest(rel)
            cached = cache.get(rel, content, printable(display_path(path, cwd)))
            if cached is None:
                work.append((path, site, content))
            else:
                result.findings.extend(cached)
    else:
        work = [(path, site, None) for path, site in targets]
    jobs = jobs or default_jobs()
    if jobs > 1 and len(work) > 1:
        for site in {id(site): site for _, site, _ in work}.values():
            site.build_indexes()  # once, before the workers fork

    Checked = tuple[list[Finding], int, dict[str, str], list[str]]  # findings, fixed, inputs read, index groups

    def check(item: tuple[Path, Site, str | None]) -> Checked:
        path, site, _ = item
        outcome = RunResult()
        with site.recording() as recorder:
            findings = lint_file(path, site, settings, config, outcome, fix=fix, debug=debug, cwd=cwd)
        # Only the names of index groups travel back from a worker: the parent built the same
        # indexes before forking (Site.prepare) and knows their inputs.
        return findings, outcome.fixed, recorder.direct, list(recorder.groups)

    def lost(item: tuple[Path, Site, str | None], exit_code: int | None) -> Checked:
        how = f"killed by signal {-exit_code}" if exit_code is not None and exit_code < 0 else f"exit code {exit_code}"
        message = f"the process checking this file died ({how}); the other files were still checked"
        return [internal_finding(printable(display_path(item[0], cwd)), message)], 0, {}, []

    for (path, site, content), (findings, fixed, inputs, names) in zip(work, parallel_map(check, work, jobs, lost)):
        result.findings.extend(findings)
        result.fixed += fixed
        groups = {name: site.group_inputs(name) for name in names}
        if content is not None and all(group is not None for group in groups.values()):
            caches[site.root].put(display_path(path, site.root), content, inputs, groups, findings)
    for cache in caches.values():
        cache.save()
    result.files_checked = len(targets)
    result.findings.sort(key=lambda f: f.sort_key)
    result.seconds = time.perf_counter() - started
    return result


def lint_file(path: Path, site: Site, settings: list[RuleSetting], config: Config, result: RunResult, *,
              fix: bool, debug: bool, cwd: Path) -> list[Finding]:
    """Read, check and (with `fix`) fix one file; whatever goes wrong stays this file's finding."""
    try:
        post = read_post(path, site, cwd)
    except Exception as exc:  # a parser bug on one file must not lose the run
        return [crash_finding(printable(display_path(path, cwd)), "postlint failed to read and parse this file", exc, debug)]
    findings = check_post(post, settings, site, config, debug)
    post.forget_parsed_body()
    if fix and post.read_error is None and any(f.fix for f in findings):
        try:
            findings, count = apply_fixes(post, findings, site.root)
            result.fixed += count
        except (FixRefused, UnreadableFile) as exc:
            findings.append(internal_finding(post.display, f"fixes not written: {exc}"))
        except OSError as exc:
            findings.append(internal_finding(post.display, f"fixes not written: cannot write the file: {exc.strerror or exc}"))
    return findings


def internal_finding(path: str, message: Any) -> Finding:
    return Finding(path, 1, 1, *INTERNAL_ERROR, "error", str(message), internal=True)
