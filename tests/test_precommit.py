"""The pre-commit hook: our `.pre-commit-hooks.yaml`, installed and run by the real pre-commit.

pre-commit installs a `language: python` hook by creating a virtualenv and running
`pip install .` in the hook repository. Tests must not touch the network, so the test gives pip
a local wheelhouse instead of an index (PIP_NO_INDEX, PIP_FIND_LINKS, and a dead proxy so any
attempt to go online fails): the wheels are re-packed from the distributions already installed
in the running environment (postlint's dependencies and its build backend, hatchling).
The hook repository is a temporary git repository holding a copy of this working tree (tracked
and untracked, not ignored files), so uncommitted changes are what gets tested.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from helpers import REPO, git_environment

pytest.importorskip("pre_commit", reason="pre-commit is in the `test` extra: pip install -e '.[test]'")
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]
# Never needed by the hook but present in the running environment: not worth re-packing.
_SKIP_DISTS = {"postlint", "pip", "setuptools"}


def test_hook_manifest_is_valid_for_pre_commit():
    manifest = REPO / ".pre-commit-hooks.yaml"
    completed = subprocess.run([*PRE_COMMIT, "validate-manifest", str(manifest)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    [hook] = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    assert hook["id"] == "postlint" and hook["language"] == "python"
    assert hook["entry"].split() == ["postlint", "check", "--staged", "--force-exclude"]
    assert set(hook["types_or"]) == {"markdown", "html"}
    assert hook["require_serial"] is True  # one process sees the whole site
    assert hook["always_run"] is True  # a commit that only deletes a post passes no Markdown file


# --- an offline wheelhouse from the installed distributions ----------------------------------

def _closure(roots: list[str]) -> list[metadata.Distribution]:
    """The installed distributions `roots` need, following their requirements (no extras)."""
    from packaging.requirements import Requirement

    seen: dict[str, metadata.Distribution] = {}
    pending = list(roots)
    while pending:
        requirement = Requirement(pending.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if key in seen:
            continue
        dist = metadata.distribution(requirement.name)
        seen[key] = dist
        pending.extend(dist.requires or [])
    return list(seen.values())


def _repack(dist: metadata.Distribution, out: Path) -> None:
    """Write an installed distribution back as a wheel (its files, its dist-info, a new RECORD)."""
    files = [f for f in dist.files or [] if not str(f).startswith("..") and "__pycache__" not in str(f)]
    info = next(f for f in files if str(f).endswith(".dist-info/METADATA")).parent.as_posix()
    tags = [line.split(":", 1)[1].strip() for line in dist.read_text("WHEEL").splitlines() if line.startswith("Tag:")]
    python, abi, platform = (".".join(sorted({tag.split("-")[i] for tag in tags})) for i in range(3))
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    record = []
    with zipfile.ZipFile(out / f"{name}-{dist.version}-{python}-{abi}-{platform}.whl", "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in files:
            relative = file.as_posix()
            if relative.startswith(info + "/") and relative.rsplit("/", 1)[1] in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json"):
                continue
            data = Path(dist.locate_file(file)).read_bytes()
            wheel.writestr(relative, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{relative},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")


def build_wheelhouse(out: Path) -> None:
    out.mkdir()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    roots = [*pyproject["project"]["dependencies"], *pyproject["build-system"]["requires"]]
    for dist in _closure(roots):
        if dist.metadata["Name"].lower() not in _SKIP_DISTS:
            _repack(dist, out)


# --- the hook repository and a site to lint ---------------------------------------------------

def git(cwd: Path, env: dict, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def copy_working_tree(target: Path, env: dict) -> str:
    """This checkout's files (tracked and untracked, not ignored) as a fresh one-commit repository."""
    listed = git(REPO, env, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, env, "init", "-q")
    git(target, env, "add", "-A")
    git(target, env, "commit", "-q", "-m", "postlint under test")
    return git(target, env, "rev-parse", "HEAD").strip()


SITE = {
    "_config.yml": "title: Hook test\n",
    # Clean, and its post_url names a post that exists but is not among the files given.
    "_posts/2024-01-01-links-to-b.md": "---\ntitle: A\ndescription: Post A sends its readers on to post B with a post_url tag.\n"
                                        "---\nSee [post B]({% post_url 2024-01-02-b %}).\n",
    # Has a defect of its own: no title.
    "_posts/2024-01-02-b.md": "---\nlayout: post\n---\nPost B has no title.\n",
    # Names a post that does not exist.
    "_posts/2024-01-03-broken-link.md": "---\ntitle: C\n---\nSee [gone]({% post_url 2023-12-31-gone %}).\n",
    "notes.txt": "not a post: pre-commit filters it out by type\n",
    # The posts the commit tests rename, delete, unpublish or move, and a hub that links to each;
    # the hub has old findings of its own (no title, a long-broken post_url) that no commit caused.
    "_posts/2024-02-01-rename-me.md": "---\ntitle: Attribution windows\n---\nWhich touch gets the credit.\n",
    "_posts/2024-02-02-delete-me.md": "---\ntitle: Lead scoring\n---\nPoints for every demo request.\n",
    "_posts/2024-02-03-unpublish-me.md": "---\ntitle: Quota planning\n---\nTargets per territory.\n",
    "_posts/2024-02-04-move-me.md": "---\ntitle: Win rates\npermalink: /guides/win-rates/\n---\nClosed won over closed.\n",
    "_posts/2024-02-05-hub.md": "---\nlayout: post\n---\n"
                                "[Attribution]({% post_url 2024-02-01-rename-me %})\n"  # line 4
                                "[Scoring]({% post_url 2024-02-02-delete-me %})\n"  # line 5
                                "[Quotas]({% post_url 2024-02-03-unpublish-me %})\n"  # line 6
                                "[Win rates](/guides/win-rates/)\n"  # line 7
                                "[Forecasts]({% post_url 2023-11-30-never-written %})\n",  # line 8
}


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory):
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of postlint (the hook repository is copied from it)")
    try:
        metadata.distribution("hatchling")
    except metadata.PackageNotFoundError:
        pytest.skip("hatchling (postlint's build backend, in the `test` extra) is needed to build the hook offline")
    base = tmp_path_factory.mktemp("precommit")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUALENV_", "PRE_COMMIT"))}
    env.update({
        **git_environment(base),
        # offline: pip sees only the wheelhouse, ignores machine-wide pip config, and any
        # connection attempt goes to a dead proxy
        "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(base / "wheels"), "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "",
        "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": "",
        "VIRTUALENV_OVERRIDE_APP_DATA": str(base / "virtualenv-data"), "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "PRE_COMMIT_HOME": str(base / "pre-commit-cache"), "NO_COLOR": "1",
    })
    build_wheelhouse(base / "wheels")
    hook_repo = base / "hook-repo"
    hook_repo.mkdir()
    rev = copy_working_tree(hook_repo, env)
    site = base / "site"
    for name, text in SITE.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "postlint"}]}]}
    (site / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(site, env, "init", "-q")
    git(site, env, "add", "-A")
    git(site, env, "commit", "-q", "-m", "site")
    return site, env


def pre_commit_run(hook_env, *args: str) -> subprocess.CompletedProcess:
    site, env = hook_env
    return subprocess.run([*PRE_COMMIT, "run", "postlint", "--verbose", *args], cwd=site, env=env,
                          capture_output=True, text=True, timeout=600)


def test_real_pre_commit_lints_only_the_files_it_is_given(hook_env):
    given = pre_commit_run(hook_env, "--files", "_posts/2024-01-01-links-to-b.md", "notes.txt")
    output = given.stdout + given.stderr
    assert given.returncode == 0, output
    assert "Passed" in output and "1 file checked" in output  # notes.txt filtered out by type
    assert "2024-01-02-b.md" not in output  # B's own defect is not this commit's business


def test_real_pre_commit_reports_the_given_files_defects(hook_env):
    given = pre_commit_run(hook_env, "--files", "_posts/2024-01-02-b.md")
    output = given.stdout + given.stderr
    assert given.returncode == 1, output
    assert "_posts/2024-01-02-b.md:1:1" in output and "FM002 front-matter-required" in output


def test_real_pre_commit_resolves_links_against_the_whole_site(hook_env):
    given = pre_commit_run(hook_env, "--files", "_posts/2024-01-03-broken-link.md", "_posts/2024-01-01-links-to-b.md")
    output = given.stdout + given.stderr
    assert given.returncode == 1, output
    assert "_posts/2024-01-03-broken-link.md:4" in output and "LNK001" in output and "2023-12-31-gone" in output
    assert "links-to-b.md:" not in output  # its target exists elsewhere in the site: resolved


def test_real_pre_commit_all_files(hook_env):
    everything = pre_commit_run(hook_env, "--all-files")
    output = everything.stdout + everything.stderr
    assert everything.returncode == 1, output
    assert "8 files checked" in output and "2024-01-02-b.md:1:1" in output


# --- commits that break links in posts they never touch ----------------------------------------

@pytest.fixture
def committing(hook_env):
    """The site with postlint installed as its git pre-commit hook; whatever a test stages or
    commits is undone afterwards."""
    site, env = hook_env
    subprocess.run([*PRE_COMMIT, "install"], cwd=site, env=env, check=True, capture_output=True)
    head = git(site, env, "rev-parse", "HEAD").strip()
    yield site, env
    git(site, env, "reset", "-q", "--hard", head)


def commit(site: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "commit", "-m", "change"], cwd=site, env=env, capture_output=True, text=True, timeout=600)


def assert_only_the_broken_link_in_the_hub(output: str, code: str, target: str) -> None:
    """The hub's link to `target` is reported, by rule `code`; its old findings are not."""
    assert "_posts/2024-02-05-hub.md" in output and code in output and target in output, output
    assert "2023-11-30-never-written" not in output and "FM002" not in output, output


def assert_refused_for(site: Path, env: dict, head: str, target: str) -> None:
    committed = commit(site, env)
    output = committed.stdout + committed.stderr
    assert committed.returncode != 0, output
    assert git(site, env, "rev-parse", "HEAD").strip() == head  # the hook stopped the commit
    assert_only_the_broken_link_in_the_hub(output, "LNK001", target)


def test_a_rename_only_commit_is_stopped_for_the_links_it_breaks(committing):
    site, env = committing
    head = git(site, env, "rev-parse", "HEAD").strip()
    git(site, env, "mv", "_posts/2024-02-01-rename-me.md", "_posts/2024-02-01-attribution-windows.md")
    assert_refused_for(site, env, head, "post_url '2024-02-01-rename-me'")


def test_a_delete_only_commit_is_checked_not_skipped(committing):
    site, env = committing
    head = git(site, env, "rev-parse", "HEAD").strip()
    git(site, env, "rm", "-q", "_posts/2024-02-02-delete-me.md")
    assert_refused_for(site, env, head, "post_url '2024-02-02-delete-me'")


def test_an_unpublish_only_commit_is_stopped_for_the_links_it_breaks(committing):
    site, env = committing
    head = git(site, env, "rev-parse", "HEAD").strip()
    path = site / "_posts/2024-02-03-unpublish-me.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "published: false\ntitle:"), encoding="utf-8")
    git(site, env, "add", "_posts/2024-02-03-unpublish-me.md")
    assert_refused_for(site, env, head, "post_url '2024-02-03-unpublish-me'")


def test_a_new_permalink_reports_the_links_to_the_old_address(committing):
    site, env = committing
    path = site / "_posts/2024-02-04-move-me.md"
    path.write_text(path.read_text(encoding="utf-8").replace("/guides/win-rates/", "/guides/win-rate/"), encoding="utf-8")
    git(site, env, "add", "_posts/2024-02-04-move-me.md")
    ran = pre_commit_run(committing)  # what the commit runs; a warning does not stop it, so look with --verbose
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output
    assert_only_the_broken_link_in_the_hub(output, "LNK003", "'/guides/win-rates/'")
    assert "2 files checked" in output


def test_deleting_a_post_no_one_links_to_passes(committing):
    site, env = committing
    head = git(site, env, "rev-parse", "HEAD").strip()
    git(site, env, "rm", "-q", "_posts/2024-01-03-broken-link.md")
    committed = commit(site, env)
    output = committed.stdout + committed.stderr
    assert committed.returncode == 0, output
    assert git(site, env, "rev-parse", "HEAD").strip() != head and "postlint" in output and "Passed" in output
