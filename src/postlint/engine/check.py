"""Runs the rules over files: read, parse once, check, suppress, fix, collect.

A rule that raises becomes an `internal-error` finding for that file (exit 2 at the end) and the
run goes on; so does a file that cannot be read. Plugins are trusted code, but can be clumsy: while
a rule runs, what it prints goes to stderr (stdout is the report's alone), its `sys.exit()` is its
internal error like any exception, and a plugin rule that runs over its time budget is stopped.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, SimpleNamespace
from typing import TYPE_CHECKING, Any

from postlint import patterns
from postlint.config import Config, RuleSetting
from postlint.engine.suppression import Suppressions
from postlint.errors import (
    ConfigError,
    FixRefused,
    MarkdownTooComplex,
    RunErrors,
    UnreadableFile,
)
from postlint.finding import Edit, Finding, Problem
from postlint.jekyll.site import NOTHING_LEARNED, Learned, Site
from postlint.lazy_patterns import lazy_compile
from postlint.parse.frontmatter_memo import FRONT_MATTERS
from postlint.parse.post import Post
from postlint.parse.source import decode, read_bytes
from postlint.record import Record
from postlint.registry import load_functions

if TYPE_CHECKING:
    from postlint.engine.cache import ResultCache
    from postlint.engine.parallel import Prologue

INTERNAL_ERROR = ("PL001", "internal-error")
UNREADABLE_CODE = "PL002"
FINGERPRINT_LIMIT = 200  # a finding on a 1 MB line needs no 1 MB fingerprint
CHANGED_ON_DISK = "the file changed on disk while postlint was checking it"


class RuleContext(Record):
    """What a rule sees besides the post: its options, the site index, the whole config."""
    __slots__ = ("options", "site", "config", "severity")

    options: SimpleNamespace
    site: Site
    config: Config
    severity: str

    def __init__(self, options: SimpleNamespace, site: Site, config: Config, severity: str) -> None:
        self.options = options
        self.site = site
        self.config = config
        self.severity = severity


class RunResult(Record):
    """What a check run produced: findings, fixes made or shown, run-level errors, counts."""
    __slots__ = ("findings", "files_checked", "fixes", "diffs", "errors", "seconds")

    findings: list[Finding]
    files_checked: int
    fixes: list[Finding]  # the findings whose fixes were made (or, with diff, would be)
    diffs: list[str]  # with diff: each fixable file's unified diff
    errors: RunErrors  # run-level problems (plugins, _config.yml)
    seconds: float

    def __init__(self, findings: list[Finding] | None = None, files_checked: int = 0,
                 fixes: list[Finding] | None = None, diffs: list[str] | None = None, errors: RunErrors | None = None,
                 seconds: float = 0.0) -> None:
        self.findings = [] if findings is None else findings
        self.files_checked = files_checked
        self.fixes = [] if fixes is None else fixes
        self.diffs = [] if diffs is None else diffs
        self.errors = RunErrors() if errors is None else errors
        self.seconds = seconds

    @property
    def fixed(self) -> int:
        return len(self.fixes)


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


_SURROGATE = lazy_compile("[\ud800-\udfff]")


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
    internal error on this file, and the other rules still run. The "did you mean" hints the
    rules ask for are held to the file's size (suggest.allowance).
    """
    from postlint.suggest import allowance

    with allowance(len(post.text)):
        return _check_post(post, settings, site, config, debug)


def _check_post(post: Post, settings: list[RuleSetting], site: Site, config: Config, debug: bool) -> list[Finding]:
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
        budget = rule_budget(rule)
        try:
            with RuleGuard(budget):
                problems: list[Problem] = list(rule.check(post, ctx))  # a generator runs here, timed
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
                        severity=problem.severity if problem.severity and setting.severity == rule.severity
                        else setting.severity,
                        message=printable(str(problem.message)),
                        source_line=source_line,
                        fix=problem.fix,
                        fingerprint=problem.fingerprint or fingerprints[line],
                    ))
        except (KeyboardInterrupt, ConfigError):  # a configuration the rule cannot use stops the run: exit 2
            raise
        except MarkdownTooComplex as exc:
            if exc.rel != post.rel:  # another file's body, which the site model should have set aside
                findings.append(crash_finding(post.display, f"rule {rule.code} {rule.name} crashed on this file", exc, debug))
            continue  # a rule that reads this body has nothing to say: file-unreadable says why
        except RuleTimeout as exc:
            what = f"rule {rule.code} {rule.name} was stopped after {budget:g}s on this file, its time budget"
            findings.append(crash_finding(post.display, what, exc, debug) if debug else internal_finding(post.display, what))
            continue
        except BaseException as exc:  # one rule's bug, even sys.exit(), must not lose the run
            findings.append(crash_finding(post.display, f"rule {rule.code} {rule.name} crashed on this file", exc, debug))
            continue
        findings.extend(found)
    findings.sort(key=lambda f: f.sort_key)
    return findings


# --- guarding a rule: its stdout, its time -------------------------------------------------------

class RuleTimeout(BaseException):
    """Raised inside a rule that ran over its time budget. A BaseException, like SystemExit, so
    that the rule's own `except Exception` does not swallow it (and a bare `except:` swallows it
    for one tick only: it is raised again at the next)."""


_CAN_ALARM = hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")
TICK_SECONDS = 0.05  # how often a timed rule's clock is read (and it is interrupted, once over)
_OWN_WORK = ("postlint.parse.", "postlint.jekyll.", "postlint.engine.")


def rule_budget(rule: Any) -> float | None:
    """The seconds a rule may spend on one file: a plugin's Python rule gets the budget of a
    YAML rule's pattern (patterns.MATCH_SECONDS); postlint's own rules none (they are tested on
    10 MB posts, and may legitimately take longer on one; YAML rules time their matching)."""
    module = getattr(rule.check, "__module__", None) or ""
    return None if module == "postlint" or module.startswith("postlint.") else patterns.MATCH_SECONDS


def _own_work(frame: FrameType | None) -> bool:
    """Is the code running at `frame` postlint's own: the engine itself, or what a rule asked
    of the post or the site (the lazy Liquid scan and Markdown parse, the site's indexes, the
    suppression scan)? That time is not the rule's, and postlint's shared state is never
    interrupted half built: the rule is stopped once it is back in its own code."""
    innermost = True
    while frame is not None:
        if frame.f_globals is _ENGINE:  # the engine, which called the rule
            return innermost
        if str(frame.f_globals.get("__name__", "")).startswith(_OWN_WORK):
            return True
        innermost = False
        frame = frame.f_back
    return True  # not called from the engine: not a rule


class RuleGuard:
    """Around one rule on one file: what the rule prints goes to stderr (stdout is the report's
    alone), and with a `budget`, the rule is interrupted (RuleTimeout) once it has spent that
    many seconds in its own code.

    The clock is SIGALRM ticks (setitimer), which interrupt pure Python loops and sleeps alike,
    in the main process (--jobs 1) as in a forked worker: each runs rules on its main thread.
    Time spent in postlint's own work on the rule's behalf is not charged (see _own_work). An
    alarm timer already running (a test's time limit) is suspended meanwhile and kept: its
    handler runs when its time comes, and the timer goes on afterwards. Without SIGALRM
    (Windows) or off the main thread, rules run without a budget.
    """

    def __init__(self, budget: float | None) -> None:
        self.budget = budget
        self.timed = False

    def __enter__(self) -> RuleGuard:
        self.stdout, sys.stdout = sys.stdout, sys.stderr
        if self.budget and _CAN_ALARM and threading.current_thread() is threading.main_thread():
            self.charged = 0.0
            self.started = self.last = time.monotonic()
            delay, self.outer_interval = signal.setitimer(signal.ITIMER_REAL, 0)
            self.outer_due: float | None = self.started + delay if delay else None
            self.previous = signal.signal(signal.SIGALRM, self._tick)
            self.timed = True
            tick = min(TICK_SECONDS, self.budget / 8)
            signal.setitimer(signal.ITIMER_REAL, tick, tick)
        return self

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        spent, self.last = now - self.last, now
        if self.outer_due is not None and now >= self.outer_due and frame is not None and frame.f_globals is not _ENGINE:
            self.outer_due = None
            if callable(self.previous):
                self.previous(signum, frame)  # the caller's own alarm, on time
        if not self.timed or _own_work(frame):
            return
        self.charged += spent  # since the last tick: a long call into C code counts whole
        if self.budget is not None and self.charged > self.budget:
            raise RuleTimeout(f"over {self.budget:g}s")

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self.timed:
                self.timed = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)
                if self.outer_due is not None:
                    signal.setitimer(signal.ITIMER_REAL, max(self.outer_due - time.monotonic(), 1e-6), self.outer_interval)
                elif self.outer_interval:  # a repeating alarm that fired meanwhile goes on repeating
                    signal.setitimer(signal.ITIMER_REAL, self.outer_interval, self.outer_interval)
        finally:
            sys.stdout = self.stdout


_ENGINE = globals()


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """While the rules run, file descriptor 1 is stderr's: what a plugin's subprocess or C code
    writes to stdout stays out of the report, which is written after (print() and sys.stdout
    are redirected rule by rule, see RuleGuard). Nothing changes where either has no descriptor."""
    _flush_stdout()
    try:
        saved = os.dup(1)
    except OSError:
        yield
        return
    try:
        os.dup2(2, 1)
    except OSError:
        os.close(saved)
        yield
        return
    try:
        yield
    finally:
        _flush_stdout()  # what a rule left in a buffer of the real stdout goes to stderr too
        os.dup2(saved, 1)
        os.close(saved)


def _flush_stdout() -> None:
    for stream in (sys.stdout, sys.__stdout__):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass


def crash_finding(path: str, what: str, exc: BaseException, debug: bool) -> Finding:
    """An internal-error finding: the exception's type and message, or its traceback with --debug."""
    if debug:
        import traceback  # here: 5 ms of every run's start, for a crash with --debug

        detail = "".join(traceback.format_exception(exc))
    else:
        detail = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, RecursionError):
            detail += " (the file nests too deeply)"
        elif isinstance(exc, SystemExit):
            detail += " (it called sys.exit(), which ends nothing here)"
    return Finding(path, 1, 1, *INTERNAL_ERROR, "error", f"{what}: {detail}".rstrip(), internal=True)


def fixed_text(post: Post, findings: list[Finding]) -> tuple[str, list[Finding]]:
    """The post's decoded text with the fixes of `findings` made, and the findings fixed: fixes
    that overlap an earlier one wait for the next run.

    The text keeps the file's line endings: a replacement's line breaks are written in the file's
    own style, and an edit never splits a CRLF pair.
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
        return original, []
    newline = _newline_style(original)
    parts: list[str] = []
    last = 0
    for edit in sorted(edits, key=lambda e: e.start):
        parts.append(original[last:edit.start])
        parts.append(edit.replacement.replace("\n", newline) if newline != "\n" else edit.replacement)
        last = edit.end
    parts.append(original[last:])
    text = "".join(parts)
    return text, fixed if text != original else []


def apply_fixes(post: Post, findings: list[Finding], root: Path | None = None) -> tuple[list[Finding], list[Finding]]:
    """Make the fixes of `findings` (see fixed_text) atomically; returns the findings left and
    those fixed.

    The file keeps its encoding and byte-order mark. Raises FixRefused when the file changed on
    disk since it was read: checked before the new bytes are made, and again just before they
    replace the old (write_atomically).
    """
    text, fixed = fixed_text(post, findings)
    if not fixed:
        return findings, []
    original = post.source.original
    target = Path(os.path.realpath(post.path))  # a symlinked post: rewrite its target, keep the link
    if root is not None and not target.is_relative_to(Path(os.path.realpath(root))):
        raise FixRefused(f"the post is a symbolic link to {target}, outside the site; postlint does not write there")
    try:
        as_read = read_bytes(target, 2 * len(original) * 4 + (1 << 20))
        current, _, _ = decode(as_read)
    except UnreadableFile:
        current = None
    if current != original:
        raise FixRefused(CHANGED_ON_DISK)
    write_atomically(target, post.source.bom + text.encode(post.source.encoding), expected=as_read)
    return [f for f in findings if f not in fixed], fixed


def unified_diff(before: str, after: str, path: str) -> str:
    """The change from `before` to `after` as a unified diff of the file at `path` (relative to
    the current folder, so that `patch -p0` applies it); a last line without a line break is
    marked as diff and git mark it."""
    import difflib  # here: only --diff needs it (2 ms of every other run's start)

    lines = list(difflib.unified_diff(_lines(before), _lines(after), fromfile=path, tofile=path))
    if lines:
        lines[0], lines[1] = f"--- {_diff_name(path)}\n", f"+++ {_diff_name(path)}\n"
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _diff_name(path: str) -> str:
    """A file name as a diff header gives it to `patch`: GNU patch ends a name at the first
    space unless a tab follows the name (18F has `three-ways-to manage-research-projects.md`),
    and reads a name in double quotes with C escapes, as git writes one holding a tab, a line
    break, a quote or a backslash."""
    if not any(char in path for char in '\t\n\r"\\'):
        return path + "\t" if " " in path else path
    quoted = []
    for byte in path.encode("utf-8", "surrogateescape"):
        char = chr(byte)
        if char in _C_ESCAPES:
            quoted.append(_C_ESCAPES[char])
        else:
            quoted.append(char if 0x20 <= byte < 0x7f else f"\\{byte:03o}")
    return '"' + "".join(quoted) + '"'


_C_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _lines(text: str) -> list[str]:
    """`text` cut after each LF, as diff and patch see lines (str.splitlines also cuts at U+2028,
    form feeds and lone CRs, which would make a patch that does not apply)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


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


def write_atomically(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Give the file at `path` the bytes `data`, never half written, keeping its permissions
    (the setuid and setgid bits too), its owner where allowed, and its hard links.

    With `expected` (the bytes the new ones were made from), the file is compared with them
    once more at the last moment, just before the switch, and FixRefused raised when it changed:
    an editor that saved meanwhile keeps its text.

    A file with one name is replaced by a complete copy in one rename. A file with several
    names (hard links) must stay one file: its bytes are rewritten in place (_rewrite_in_place).
    """
    info = path.stat()
    if info.st_nlink > 1:
        _rewrite_in_place(path, data, info, expected)
        return
    import tempfile  # only a fix writes: 4 ms of every other run's start

    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".postlint-tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if hasattr(os, "chown"):
            try:
                os.chown(temp, info.st_uid, info.st_gid)
            except OSError:
                pass  # not allowed to give the file away: it stays ours, with the same mode
        os.chmod(temp, info.st_mode & 0o7777)  # after chown, which clears setuid and setgid
        _refuse_if_changed(path, expected)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    _sync_folder(path.parent)


def _refuse_if_changed(path: Path, expected: bytes | None) -> None:
    """FixRefused unless the file at `path` still holds `expected` (None: no check)."""
    if expected is None:
        return
    try:
        same = read_bytes(path, len(expected)) == expected
    except (OSError, UnreadableFile):  # gone, grown, no longer a regular file
        same = False
    if not same:
        raise FixRefused(CHANGED_ON_DISK)


def _rewrite_in_place(path: Path, data: bytes, info: os.stat_result, expected: bytes | None) -> None:
    """Write `data` into the file's own inode, which all its hard links share.

    First the old bytes are written to a backup next to the file and synced; then the file is
    overwritten, cut to length and synced. A write that fails puts the old bytes back and
    removes the backup; the backup stays only when that fails too (or the process dies
    meanwhile), and the error names it.
    """
    with open(path, "r+b") as handle:
        now = os.fstat(handle.fileno())
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            raise FixRefused(CHANGED_ON_DISK)  # another file took its name since
        old = expected if expected is not None else handle.read()
        import tempfile

        fd, backup = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".postlint-backup", dir=path.parent)
        touched = False
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(old)
                out.flush()
                os.fsync(out.fileno())
            _refuse_if_changed(path, expected)
            touched = True
            _overwrite(handle, data)
        except BaseException as exc:
            if touched:
                try:
                    _overwrite(handle, old)
                except OSError:
                    raise FixRefused(f"writing the file failed ({exc}), and so did putting its old bytes back; "
                                     f"they are kept in {backup}") from exc
            os.unlink(backup)
            raise
        if os.fstat(handle.fileno()).st_mode & 0o7777 != info.st_mode & 0o7777:
            try:  # a write by an owner who is not root clears setuid and setgid
                os.chmod(path, info.st_mode & 0o7777)
            except OSError:
                pass
    os.unlink(backup)


def _overwrite(handle: Any, data: bytes) -> None:
    """The whole content of the open file `handle` becomes `data`, synced to disk."""
    handle.seek(0)
    handle.write(data)
    handle.truncate()
    handle.flush()
    os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable; best effort (Windows cannot open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def result_caches(targets: list[tuple[Path, Site]], settings: list[RuleSetting], config: Config, *,
                  use_cache: bool, fix: bool = False, diff: bool = False) -> Iterator[dict[Path, ResultCache]]:
    """The result cache of each target's site, read now: none without `use_cache`, for a fix (it
    changes the file: no result worth keeping) or a diff (it needs the fixes, which are not
    cached), nor when this user has no cache key; a site without one keeps no inputs from now on
    (Site.keep_no_inputs). Reading a cache turns the front-matter memo on; it is off again when
    the block ends."""
    from postlint.engine.cache import ResultCache, run_key, secret_key

    caches: dict[Path, ResultCache] = {}
    secret = secret_key() if use_cache and not fix and not diff else None
    if secret is not None:
        for _, site in targets:
            if site.root not in caches:
                caches[site.root] = ResultCache(site, run_key(settings, config, site), secret)
    for _, site in targets:
        if site.root not in caches:
            site.keep_no_inputs()  # nothing of this run is kept: no digest worked out, no input recorded
    try:
        with FRONT_MATTERS.until_done():
            yield caches
    finally:
        for cache in caches.values():
            cache.close()


def lint(targets: list[tuple[Path, Site]], settings: list[RuleSetting], config: Config, *,
         fix: bool = False, diff: bool = False, debug: bool = False, cwd: Path | None = None, jobs: int | None = None,
         use_cache: bool = False, progress: Callable[[int, int], None] | None = None,
         caches: dict[Path, ResultCache] | None = None) -> RunResult:
    """Lint every target, on `jobs` processes, reusing cached results where nothing they depend
    on changed. The findings are the same whatever the jobs and the cache.

    `fix` makes the fixes rules offer; `diff` writes nothing and collects each fixable file's
    unified diff instead. `progress(files done, files in all)` is called as each file is done
    (files whose results come from the cache are done at once, in one call). `caches`: the
    targets' result caches, when the caller read them already (result_caches)."""
    if caches is None:
        with result_caches(targets, settings, config, use_cache=use_cache, fix=fix, diff=diff) as caches:
            return lint(targets, settings, config, fix=fix, diff=diff, debug=debug, cwd=cwd, jobs=jobs,
                        progress=progress, caches=caches)
    from postlint.engine.heap import frozen_heap
    from postlint.engine.parallel import default_jobs, parallel_map

    started = time.perf_counter()
    cwd = cwd or Path.cwd()
    result = RunResult()
    work: list[tuple[Path, Site, str | None]] = []
    # The caches' contents (millions of objects) live to the end of the run: no collection visits them.
    with frozen_heap():
        for path, site in targets:
            cache = caches.get(site.root)
            if cache is None:
                work.append((path, site, None))
                continue
            rel = display_path(path, site.root)
            content = site.content_digest(rel)
            cached = cache.get(rel, content, printable(display_path(path, cwd)))
            if cached is None:
                work.append((path, site, content))
            else:
                result.findings.extend(cached)
        done = len(targets) - len(work)
        if progress is not None and done:
            progress(done, len(targets))
        jobs = jobs or default_jobs()
        if work:
            load_functions(setting.rule for setting in settings)
        for site in {id(site): site for _, site, _ in work}.values():
            site.checks_many = len(work) > 1

        # findings, outcome (fixes and diffs), inputs read, index groups by name (with their inputs the
        # first time), what the process learned (facts and file digests: a worker's travel back to be cached)
        Checked = tuple[list[Finding], RunResult, dict[str, str], dict[str, dict[str, str] | None], Learned]
        sent: set[str] = set()  # groups whose inputs this process already sent (each worker has its own)

        def check(item: tuple[Path, Site, str | None]) -> Checked:
            path, site, _ = item
            outcome = RunResult()
            with site.recording() as recorder:
                findings = lint_file(path, site, settings, config, outcome, fix=fix, diff=diff, debug=debug, cwd=cwd)
            if site.root not in caches:  # nothing is kept: what the file read and the worker learned stay here
                return findings, outcome, {}, {}, NOTHING_LEARNED
            # The inputs of an index group travel back from a worker once (with its first result that
            # uses the group): the worker built the index.
            groups = {name: None if name in sent else inputs for name, inputs in recorder.groups.items()}
            sent.update(groups)
            return findings, outcome, recorder.direct, groups, site.hand_over()

        def lost(item: tuple[Path, Site, str | None], exit_code: int | None) -> Checked:
            how = f"killed by signal {-exit_code}" if exit_code is not None and exit_code < 0 else f"exit code {exit_code}"
            message = f"the process checking this file died ({how}); the other files were still checked"
            return [internal_finding(printable(display_path(item[0], cwd)), message)], RunResult(), {}, {}, NOTHING_LEARNED

        with stdout_to_stderr():  # workers fork inside: they inherit it
            received: dict[str, dict[str, str]] = {}
            if _helped(work, jobs, caches, writes=fix or diff):
                outcomes = [_checked_with_helpers(check, item, jobs, item[1].root in caches) for item in work]
            else:
                outcomes = parallel_map(check, work, jobs, lost, prologue=_fact_pass(work, settings, config, cwd, caches))
            for (path, site, content), (findings, outcome, inputs, names, learned) in zip(work, outcomes):
                if site.root in caches:
                    site.adopt(learned)
                result.findings.extend(findings)
                result.fixes.extend(outcome.fixes)
                result.diffs.extend(outcome.diffs)
                done += 1
                if progress is not None:
                    progress(done, len(targets))
                received.update((name, group) for name, group in names.items() if group is not None)
                if content is None:
                    continue  # not cached: no need to look up what it depended on
                groups = {name: received.get(name) or site.group_inputs(name) for name in names}
                if all(group is not None for group in groups.values()):
                    caches[site.root].put(display_path(path, site.root), content, inputs, groups, findings)
        for cache in caches.values():
            cache.save()
    result.files_checked = len(targets)
    result.findings.sort(key=lambda f: f.sort_key)
    result.seconds = time.perf_counter() - started
    return result


# A run over a few files of a site this large, with no cache to take the site's facts from, builds
# every site-wide index from the files: the fact pass splits that over the cores, as in a
# whole-site run (one post, --no-cache, two cores: 18F, 2,213 files, 0.67-0.73 of the time;
# interrupt, 975 files, 0.77), and for up to HELPED_FILES files helpers do (engine/helpers.py).
# On a smaller site starting the workers costs what they save (jekyll-docs, 265 files; helpers:
# 0.97).
FACT_PASS_MIN_SITE_FILES = 500


def _facts_from_files(site: Site, cache: ResultCache | None) -> bool:
    """Will the run compute the site's facts from its files, and are there enough of them to split?"""
    return (cache is None or not cache.holds_facts) and site.file_count() >= FACT_PASS_MIN_SITE_FILES


def _fact_pass(work: list[tuple[Path, Site, str | None]], settings: list[RuleSetting], config: Config,
               cwd: Path, caches: dict[Path, ResultCache]) -> Prologue:
    """The prologue of a parallel run: each worker computes the per-file facts the site-wide indexes
    are built from for its share of each site's files (see jekyll/facts.py), and then has every
    worker's facts before it checks files, those of its own share first (it has read them). The
    rest of what a worker learned goes to the parent only for a site with a cache (`caches`) to
    keep it. It is worth its workers however few the files when a site's facts come from its files
    and they are many (_facts_from_files).

    To make the rules build their indexes too, each worker checks the site's first file; those
    findings are not the run's, nor is what the rules print meanwhile (to the null device).
    Over many files the workers first build every index of the site model, which some later
    file is bound to use; over a few, only what checking the first file asks for: a post
    without a link needs no URL index (one such post of 18F, --no-cache: 0.82 of the time)."""
    # Imported here: a pre-commit run of a few files never pays for it.
    from postlint.engine.parallel import MIN_FILES_PER_WORKER, Prologue

    sites = {id(site): site for _, site, _ in work}
    first = {id(site): path for path, site, _ in reversed(work)}
    kept = set(caches)
    every_index = len(work) >= MIN_FILES_PER_WORKER

    def in_worker(share: int, shares: int) -> list[Learned]:
        learned = []
        with _silenced():
            for key, site in sites.items():
                site.take_share(share, shares)
                try:
                    if every_index:
                        site.build_indexes()
                    check_post(read_post(first[key], site, cwd), settings, site, config)
                except Exception:  # noqa: S110 - the facts gathered so far are good; the rest are computed later
                    pass
                site.leave_share()
                learned.append(site.hand_over() if site.root in kept else (site.hand_over_facts(), *NOTHING_LEARNED[1:]))
        return learned

    def in_parent(learned: list[Learned]) -> None:
        for site, one in zip(sites.values(), learned):
            if site.root in kept:
                site.adopt(one)

    def from_other(learned: list[Learned]) -> None:
        for site, (facts, *_) in zip(sites.values(), learned):
            site.adopt_facts(facts)

    def share_of(item: tuple[Path, Site, str | None], shares: int) -> int:
        path, site, _ = item
        return site.share_of_file(display_path(path, site.root), shares)

    for_few = any(_facts_from_files(site, caches.get(site.root)) for site in sites.values())
    return Prologue(in_worker, in_parent if kept else None, from_other, share_of, for_few)


# A run over this many files or fewer of a large site without its facts is checked here, one file
# after the other, with helpers (engine/helpers.py), rather than with a fact pass. One post of
# 18F, no cache: 0.92 of a fact pass's time; two posts 0.86-0.94, three 0.93, four 0.97.
HELPED_FILES = 3


def _helped(work: list[tuple[Path, Site, str | None]], jobs: int, caches: dict[Path, ResultCache], writes: bool) -> bool:
    """Is the run a few files of sites whose facts come from their many files, with cores to
    spare (engine/helpers.py)? (Files of a small site, or of one whose cache holds the facts: one
    process.) Not when it `writes` fixes or diffs: a helper goes on with the check, and must not."""
    if not work or len(work) > HELPED_FILES or jobs < 2 or writes:
        return False
    if not all(_facts_from_files(site, caches.get(site.root)) for _, site, _ in work):
        return False  # the usual pre-commit run, its facts in the cache: helpers.py (and pickle) stay unimported
    from postlint.engine.helpers import can_fork

    return can_fork()


def _checked_with_helpers(check: Callable, item: tuple[Path, Site, str | None], jobs: int, kept: bool) -> Any:
    """check(item) here, the site model's loops over the site's files split over `jobs` processes
    (engine/helpers.py); `kept`: the site has a cache, which keeps what the helpers learned too.
    A later file's check finds most facts computed, and forks helpers only for a loop that lacks
    many."""
    from postlint.engine.helpers import Helpers

    site = item[1]
    site.helpers = helpers = Helpers(site, jobs, kept)
    try:
        checked = check(item)
    finally:
        if helpers.is_helper:  # a helper's check ends here: its findings are nobody's
            helpers.end()
        site.helpers = None
        helpers.stop()
    return checked


@contextmanager
def _silenced() -> Iterator[None]:
    """Everything this process writes inside the block, to stdout or stderr by any means, goes to
    the null device."""
    _flush_stdout()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    saved_streams = sys.stdout, sys.stderr
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    try:
        yield
    finally:
        sys.stdout.close()
        sys.stdout, sys.stderr = saved_streams
        for fd, saved in zip((1, 2), saved_fds):
            os.dup2(saved, fd)
            os.close(saved)


def lint_file(path: Path, site: Site, settings: list[RuleSetting], config: Config, result: RunResult, *,
              fix: bool, diff: bool, debug: bool, cwd: Path) -> list[Finding]:
    """Read, check and (with `fix`) fix one file, or (with `diff`) add the diff of its fixes to
    `result`; whatever goes wrong stays this file's finding."""
    try:
        post = read_post(path, site, cwd)
    except Exception as exc:  # a parser bug on one file must not lose the run
        return [crash_finding(printable(display_path(path, cwd)), "postlint failed to read and parse this file", exc, debug)]
    findings = check_post(post, settings, site, config, debug)
    post.forget_parsed_body()
    if diff and post.read_error is None and any(f.fix for f in findings):
        text, fixed = fixed_text(post, findings)
        if fixed:
            result.fixes.extend(fixed)
            result.diffs.append(unified_diff(post.source.original, text, post.display))
    elif fix and post.read_error is None and any(f.fix for f in findings):
        try:
            findings, fixed = apply_fixes(post, findings, site.root)
            result.fixes.extend(fixed)
        except (FixRefused, UnreadableFile) as exc:
            findings.append(internal_finding(post.display, f"fixes not written: {exc}"))
        except OSError as exc:
            findings.append(internal_finding(post.display, f"fixes not written: cannot write the file: {exc.strerror or exc}"))
    return findings


def internal_finding(path: str, message: Any) -> Finding:
    return Finding(path, 1, 1, *INTERNAL_ERROR, "error", str(message), internal=True)
