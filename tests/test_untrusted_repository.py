"""Nothing a pull request puts in the repository can bend the verdict: a committed result cache,
a baseline the branch grew, symbolic links out of the site, a schema that points at the network
or at a device. Each attack is reproduced as a contributor would make it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DEMO_SITE, copy_site, run

from postlint.engine.cache import CACHE_DIR, CACHE_FILE, _sign, secret_key
from postlint.errors import ConfigError

BAD_POST = "_posts/2024-05-06-link-audit-before-publishing.md"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def postlint(cwd: Path, *args: str, cache_home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("POSTLINT_NO_CACHE", None)
    return subprocess.run([sys.executable, "-m", "postlint", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """The demo site in a git repository: `main` holds it, `feature` is checked out."""
    for name, value in (("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "test@example.com"),
                        ("GIT_COMMITTER_NAME", "Test"), ("GIT_COMMITTER_EMAIL", "test@example.com"),
                        ("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig")), ("GIT_CONFIG_NOSYSTEM", "1")):
        monkeypatch.setenv(name, value)
    root = copy_site(DEMO_SITE, tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "site")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def annotations(completed: subprocess.CompletedProcess) -> list[str]:
    return [line for line in completed.stdout.splitlines() if line.startswith("::")]


# --- 1. a committed cache --------------------------------------------------------------------

def test_committed_cache_cannot_hide_findings(repo, tmp_path):
    attacker, victim = tmp_path / "attacker-cache", tmp_path / "ci-cache"
    post = repo / BAD_POST
    post.write_text(post.read_text() + "\nAnother {% post_url 2024-01-15-no-such-post %} here.\n")
    git(repo, "commit", "-q", "-am", "a post with broken links")
    honest = postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=attacker)
    assert honest.returncode == 1 and annotations(honest)
    # The attacker empties the post's findings in their cache, signs it again with their own key
    # (they know it), and commits the folder.
    cache = repo / CACHE_DIR / CACHE_FILE
    mac, _, payload = cache.read_bytes().partition(b"\n")
    data = json.loads(payload)
    for entry in data["entries"].values():
        entry["findings"], entry["lines"] = [], {}
    forged = json.dumps(data).encode()
    key = (attacker / "postlint" / "cache-key").read_bytes()
    cache.write_bytes(_sign(key, forged).encode() + b"\n" + forged)
    assert postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=attacker).returncode == 0, \
        "the forged cache fools the attacker's own machine: the attack is real"
    git(repo, "add", "-f", CACHE_DIR)
    git(repo, "commit", "-q", "-m", "cache")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "fetch", "-q", "origin", "main:main")
    cold = postlint(clone, "--changed-since", "main", "--format", "github", ".", "--no-cache", cache_home=victim)
    gate = postlint(clone, "--changed-since", "main", "--format", "github", ".", cache_home=victim)
    assert gate.returncode == cold.returncode == 1
    assert annotations(gate) == annotations(cold) and len(annotations(gate)) >= 5


def test_a_cache_signed_with_this_users_key_is_reused(repo, tmp_path):
    home = tmp_path / "cache-home"
    first = postlint(repo, "--format", "json", ".", cache_home=home)
    cache = repo / CACHE_DIR / CACHE_FILE
    signed = cache.read_bytes()
    again = postlint(repo, "--format", "json", ".", cache_home=home)
    assert again.stdout == first.stdout and cache.read_bytes() == signed, "a trusted cache is read, not rewritten"


@pytest.mark.parametrize("planted", ["symlink to /dev/zero", "fifo", "deep nesting", "wrong shapes", "garbage"])
def test_bad_cache_files_are_ignored(repo, tmp_path, planted):
    home = Path(os.environ["XDG_CACHE_HOME"])  # the subprocess shares this test session's key
    key = secret_key()
    expected = postlint(repo, "--format", "json", ".", "--no-cache", cache_home=home)
    folder = repo / CACHE_DIR
    folder.mkdir(exist_ok=True)
    cache = folder / CACHE_FILE
    if planted == "symlink to /dev/zero":
        cache.symlink_to("/dev/zero")
    elif planted == "fifo":
        os.mkfifo(cache)
    elif planted == "deep nesting":  # even signed with the right key
        payload = b"[" * 200_000
        cache.write_bytes(_sign(key, payload).encode() + b"\n" + payload)
    elif planted == "wrong shapes":
        payload = json.dumps({"key": 1, "entries": [1, 2], "groups": "x"}).encode()
        cache.write_bytes(_sign(key, payload).encode() + b"\n" + payload)
    else:
        cache.write_bytes(os.urandom(4096))
    got = postlint(repo, "--format", "json", ".", cache_home=home)
    assert (got.returncode, got.stdout) == (expected.returncode, expected.stdout)
    assert "Traceback" not in got.stderr


def test_a_symlinked_cache_folder_is_never_written_through(repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / CACHE_DIR).symlink_to(outside, target_is_directory=True)
    completed = postlint(repo, "--format", "json", ".", cache_home=tmp_path / "cache-home")
    assert completed.returncode == 1 and json.loads(completed.stdout)
    assert list(outside.iterdir()) == []


# --- 1. a baseline the branch grew -----------------------------------------------------------

def test_baseline_entries_added_on_the_branch_are_not_honoured(repo, tmp_path):
    baseline = repo / ".postlint-baseline.json"
    home = tmp_path / "cache-home"
    assert postlint(repo, "--write-baseline", str(baseline), ".", cache_home=home).returncode == 0
    git(repo, "checkout", "-q", "main")
    git(repo, "add", baseline.name)
    git(repo, "commit", "-q", "-m", "baseline of today's findings")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "main")
    # The branch adds a broken link, and an entry to the baseline to hide it.
    post = repo / BAD_POST
    post.write_text(post.read_text() + "\nSee {% post_url 2024-01-15-no-such-post %}.\n")
    git(repo, "commit", "-q", "-am", "a broken link")
    postlint(repo, "--write-baseline", str(baseline), ".", cache_home=home)
    git(repo, "commit", "-q", "-am", "grow the baseline")
    gate = postlint(repo, "--changed-since", "main", "--baseline", str(baseline), "--format", "github", ".",
                    cache_home=home)
    assert gate.returncode == 1
    assert [line for line in annotations(gate) if "no-such-post" in line]
    assert "added on this branch" in gate.stderr and "not honoured" in gate.stderr
    assert len([line for line in annotations(gate) if "LNK001" in line]) == 1, "old entries still hide old findings"
    # Without --changed-since (on main, after review) the grown baseline is the baseline.
    assert postlint(repo, "--baseline", str(baseline), ".", cache_home=home).returncode == 0


@pytest.mark.parametrize("planted", ["symlink to /dev/zero", "fifo", "deep nesting", "wrong shapes"])
def test_bad_baseline_files_are_a_clear_error(tmp_path, planted):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    baseline = tmp_path / "baseline.json"
    if planted == "symlink to /dev/zero":
        baseline.symlink_to("/dev/zero")
    elif planted == "fifo":
        os.mkfifo(baseline)
    elif planted == "deep nesting":
        baseline.write_text("[" * 200_000)
    else:
        baseline.write_text(json.dumps({"version": 1, "entries": [{"file": 1}]}))
    with pytest.raises(ConfigError, match="baseline"):
        run([site], baseline=baseline)
    completed = postlint(tmp_path, "--baseline", str(baseline), str(site), cache_home=tmp_path / "cache-home")
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr and completed.stderr.count("\n") == 1, completed.stderr
