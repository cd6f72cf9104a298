"""Shared helpers for the test suite."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from postlint import registry
from postlint.run import RunRequest, lint_request

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
CASES = FIXTURES / "cases"
DEMO_SITE = FIXTURES / "demo-site"
UPDATE = os.environ.get("POSTLINT_UPDATE_SNAPSHOTS") == "1"


def run(paths, **kwargs):
    """Lint in-process; returns (result, fail_on)."""
    return lint_request(RunRequest(paths=[Path(p) for p in paths], **kwargs))


def snapshot_lines(findings, base: Path) -> list[str]:
    """One reviewable line per finding, paths relative to `base`."""
    lines = []
    for f in findings:
        path = Path(f.path)
        rel = os.path.relpath(path.resolve() if path.is_absolute() else (Path.cwd() / path).resolve(), base)
        lines.append(f"{Path(rel).as_posix()}:{f.line}:{f.column} {f.code} {f.severity} {f.message}")
    return lines


def check_snapshot(path: Path, lines: list[str]) -> None:
    """Compare with the stored snapshot; POSTLINT_UPDATE_SNAPSHOTS=1 rewrites it instead."""
    text = "\n".join(lines) + "\n"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            raise AssertionError(f"snapshot {path} was missing and has been written; review and commit it")
        return
    assert path.read_text(encoding="utf-8") == text, f"findings differ from {path} (POSTLINT_UPDATE_SNAPSHOTS=1 to update)"


def git_environment(folder: Path) -> dict[str, str]:
    """What a test's git needs, and nothing of the user's: an author and committer, and no global
    or system git config (`folder` holds the missing global one)."""
    return {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_CONFIG_GLOBAL": str(folder / "no-gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}


def copy_site(source: Path, target: Path, symlinks: bool = False) -> Path:
    """A writable copy of a fixture site, without any result cache a manual run left in it."""
    shutil.copytree(source, target, symlinks=symlinks, ignore=shutil.ignore_patterns(".postlint_cache"))
    return target


def add_rules(monkeypatch, *rules) -> None:
    """Make `rules` known to every registry loaded in this test, as a plugin's RULES would."""
    real = registry.entry_point_rules
    monkeypatch.setattr(registry, "entry_point_rules",
                        lambda memo=None: [*real(memo), ("'test rules' (tests)", list(rules), "")])


@contextmanager
def time_limit(seconds: float):
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(*_):
        raise AssertionError(f"took longer than {seconds}s: a hang or quadratic work")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def joined_parts(parts) -> dict[str, object]:
    """Every part of a result cache file (engine/cache.py's _Parts) decoded, the shards of each
    sharded part joined into it: what stored_parts was given."""
    joined: dict[str, object] = {}
    for name in parts.names:
        base, _, shard = name.rpartition("/")
        if base and shard.isdigit():
            found = parts.get(name)
            joined.setdefault(base, {}).update(found if isinstance(found, dict) else {})  # type: ignore[union-attr]
        else:
            joined[name] = parts.get(name)
    return joined
