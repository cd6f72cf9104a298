"""What is installed decides findings too: the result cache's key holds the versions of the
libraries postlint requires, found from their metadata folders on sys.path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from postlint import installed
from postlint.config import Config
from postlint.engine import cache
from postlint.engine.cache import run_key
from postlint.installed import looked_up_once, requirement_folders
from postlint.jekyll.site import Site


def install(folder: Path, name: str, version: str, *requires: str) -> None:
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    headers = [f"Name: {name}", f"Version: {version}", *(f"Requires-Dist: {r}" for r in requires)]
    description = "A description.\nRequires-Dist: not-a-header\n"  # not a header: after the blank line
    (info / "METADATA").write_text("Metadata-Version: 2.1\n" + "\n".join(headers) + "\n\n" + description)


def test_the_requirements_of_a_distribution_are_followed_to_the_end(monkeypatch, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    install(first, "postlint", "1.0", "markdown-it-py>=3", "Pillow>=10; python_version >= '3.11'",
            'pytest>=8; extra == "test"', "hatchling; python_version > '3' and extra=='build'", "not-installed")
    install(first, "markdown-it-py", "4.3.0", "mdurl~=0.1")
    install(second, "mdurl", "0.1.2")
    install(second, "markdown_it_py", "3.0.0")  # shadowed: the first on the path wins
    install(second, "pillow", "13.0.0")
    install(second, "pytest", "9.0.0")
    install(second, "hatchling", "1.0")
    install(second, "not-a-header", "1.0")
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    assert requirement_folders("postlint") == ["markdown_it_py-4.3.0.dist-info", "mdurl-0.1.2.dist-info",
                                               "pillow-13.0.0.dist-info", "postlint-1.0.dist-info"]


def test_a_library_upgraded_under_the_same_postlint_changes_the_cache_key(monkeypatch, tmp_path):
    site = Site(tmp_path / "site")
    environment = tmp_path / "environment"
    install(environment, "postlint", "1.0", "markdown-it-py>=3")
    install(environment, "markdown-it-py", "3.0.0")
    monkeypatch.setattr(sys, "path", [str(environment)])
    before = run_key([], Config(), site)
    (environment / "markdown_it_py-3.0.0.dist-info").rename(environment / "markdown_it_py-4.0.0.dist-info")
    assert run_key([], Config(), site) != before


def test_a_run_lists_the_installed_distributions_once(monkeypatch, tmp_path):
    """The rules' entry points, the cache key and the rule memo's code all ask what is installed:
    inside looked_up_once (one run) sys.path is listed once per path, outside it every time."""
    first, second = tmp_path / "first", tmp_path / "second"
    install(first, "postlint", "1.0", "mdurl")
    install(second, "mdurl", "0.1.2")
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    listed = []
    real = installed.os.listdir
    monkeypatch.setattr(installed.os, "listdir", lambda folder: listed.append(folder) or real(folder))
    with looked_up_once():
        for _ in range(3):
            assert requirement_folders("postlint") == ["mdurl-0.1.2.dist-info", "postlint-1.0.dist-info"]
            installed.entry_points("postlint.rules")
        assert len(listed) == 2
        sys.path = [str(second)]  # another path: listed anew
        assert requirement_folders("postlint") == []
        assert len(listed) == 3
    sys.path = [str(first), str(second)]
    requirement_folders("postlint")
    requirement_folders("postlint")
    assert len(listed) == 7


def environment_of_the_past(*folders: Path) -> None:
    """Set the folders' times an hour back: a later change then shows in their signatures (a
    change in the same clock tick as the listing might not; installed.environment)."""
    for folder in folders:
        past = folder.stat().st_mtime - 3600
        os.utime(folder, (past, past))


def test_a_later_run_in_the_same_environment_takes_the_answers_without_reading_the_metadata(monkeypatch, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    install(first, "postlint", "1.0", "mdurl")
    install(second, "mdurl", "0.1.2")
    environment_of_the_past(first, second)
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    monkeypatch.setattr(installed, "RACY_NS", 0)  # the change times are now
    with looked_up_once() as lookups:
        requirement_folders("postlint")
        installed.entry_points("postlint.rules")
    kept = installed.to_keep(lookups, None)
    assert kept is not None
    read: list[str] = []
    real_listdir, real_headers = installed.os.listdir, installed.metadata_headers
    monkeypatch.setattr(installed.os, "listdir", lambda folder: read.append(folder) or real_listdir(folder))
    monkeypatch.setattr(installed, "metadata_headers", lambda info: read.append(info) or real_headers(info))
    with looked_up_once(kept) as again:
        assert requirement_folders("postlint") == ["mdurl-0.1.2.dist-info", "postlint-1.0.dist-info"]
        installed.entry_points("postlint.rules")
    assert read == []
    assert installed.to_keep(again, kept) is None  # nothing new to keep


def test_a_distribution_installed_since_the_answers_were_kept_is_found(monkeypatch, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    install(first, "postlint", "1.0", "mdurl")
    second.mkdir()
    environment_of_the_past(first, second)
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    monkeypatch.setattr(installed, "RACY_NS", 0)
    with looked_up_once() as lookups:
        assert requirement_folders("postlint") == ["postlint-1.0.dist-info"]
    kept = installed.to_keep(lookups, None)
    install(second, "mdurl", "0.1.2")
    with looked_up_once(kept):
        assert requirement_folders("postlint") == ["mdurl-0.1.2.dist-info", "postlint-1.0.dist-info"]


def test_answers_given_while_a_distribution_was_installed_are_not_kept(monkeypatch, tmp_path):
    environment = tmp_path / "environment"
    install(environment, "postlint", "1.0")
    environment_of_the_past(environment)
    monkeypatch.setattr(sys, "path", [str(environment)])
    monkeypatch.setattr(installed, "RACY_NS", 0)
    with looked_up_once() as lookups:
        assert requirement_folders("postlint") == ["postlint-1.0.dist-info"]
        install(environment, "mdurl", "0.1.2")  # during the run: its answers may be of either state
    assert installed.to_keep(lookups, None) is None


def test_answers_kept_by_another_than_this_user_are_ignored(monkeypatch, tmp_path):
    """A planted memo could hide a plugin's rules or a library's version from the cache key: only
    one this user's postlint signed is taken (the control: the same, signed with this user's key)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    environment = tmp_path / "environment"
    install(environment, "postlint", "1.0", "mdurl")
    install(environment, "mdurl", "0.1.2")
    environment_of_the_past(environment)
    monkeypatch.setattr(sys, "path", [str(environment)])
    monkeypatch.setattr(installed, "RACY_NS", 0)
    secret = cache.secret_key()
    with looked_up_once() as lookups:
        requirement_folders("postlint")
    lookups.answers = {key: [] for key in lookups.answers}  # as if postlint required nothing
    forged = installed.to_keep(lookups, None)
    payload = cache.encode(forged)
    memo = tmp_path / "user-cache" / "postlint" / cache.INSTALLED_MEMO_FILE
    for key, taken in ((b"k" * 32, ["mdurl-0.1.2.dist-info", "postlint-1.0.dist-info"]), (secret, [])):
        memo.write_bytes(cache._sign(key, payload).encode() + b"\n" + payload)
        with looked_up_once(cache.read_installed_memo(secret)):
            assert requirement_folders("postlint") == taken
