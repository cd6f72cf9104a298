"""--changed-since REF: lint what a branch changed, plus posts whose link targets it took away."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from postlint.cli import app
from postlint.run import RunRequest, run_request

runner = CliRunner()


def post(title: str, body: str = "Plain text.") -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for name, value in (("GIT_AUTHOR_NAME", "Test"), ("GIT_AUTHOR_EMAIL", "test@example.com"),
                        ("GIT_COMMITTER_NAME", "Test"), ("GIT_COMMITTER_EMAIL", "test@example.com"),
                        ("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig")), ("GIT_CONFIG_NOSYSTEM", "1")):
        monkeypatch.setenv(name, value)
    root = tmp_path / "repo"
    posts = root / "blog" / "_posts"
    (posts / "guides").mkdir(parents=True)
    (root / "blog" / "_config.yml").write_text("title: Changed test\n", encoding="utf-8")
    files = {
        "2024-01-01-links-by-post-url.md": post("A", "Read [the target]({% post_url 2024-01-02-target %})."),
        "2024-01-02-target.md": post("Target"),
        "2024-01-03-other.md": post("Other"),
        "2024-01-04-links-by-link.md": post("B", "See [other]({% link _posts/2024-01-03-other.md %})."),
        "2024-01-05-untouched.md": post("Untouched"),
        "2024-01-06-to-edit.md": post("To edit"),
        "2024-01-07-unstaged.md": post("Unstaged"),
        "2024-01-08-raw-example.md": post("Raw", "{% raw %}{% post_url 2024-01-02-target %}{% endraw %}"),
        "guides/2024-01-09-guide.md": post("Guide"),
        "2024-01-10-links-guide-without-folder.md": post("C", "[guide]({%- post_url /2024-1-9-guide -%})"),
    }
    for name, text in files.items():
        (posts / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "site")
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "mv", "blog/_posts/2024-01-02-target.md", "blog/_posts/2024-01-02-target-renamed.md")
    git(root, "rm", "-q", "blog/_posts/2024-01-03-other.md")
    git(root, "mv", "blog/_posts/guides/2024-01-09-guide.md", "blog/_posts/guides/2024-01-09-guide-v2.md")
    (posts / "2024-01-06-to-edit.md").write_text(post("Edited"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "rename, delete, edit")
    (posts / "2024-01-07-unstaged.md").write_text(post("Unstaged, edited"), encoding="utf-8")
    (posts / "2024-01-11-staged.md").write_text(post("Staged"), encoding="utf-8")
    git(root, "add", "blog/_posts/2024-01-11-staged.md")
    (posts / "2024-01-12-untracked.md").write_text(post("Untracked"), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def checked(*paths: str, ref: str = "main") -> set[str]:
    outcome = run_request(RunRequest(paths=[Path(p) for p in paths], changed_since=ref))
    return {path.rsplit("/", 1)[-1] for path in outcome.checked}


def test_lints_changed_posts_and_posts_whose_targets_were_renamed_or_deleted(repo):
    assert checked("blog") == {
        "2024-01-02-target-renamed.md",  # renamed: the new name is changed
        "2024-01-09-guide-v2.md",  # moved within guides/
        "2024-01-06-to-edit.md",  # committed on the branch
        "2024-01-07-unstaged.md",  # edited, not staged
        "2024-01-11-staged.md",  # staged
        "2024-01-12-untracked.md",  # untracked
        "2024-01-01-links-by-post-url.md",  # its post_url target was renamed
        "2024-01-04-links-by-link.md",  # its link target was deleted
        "2024-01-10-links-guide-without-folder.md",  # names the moved guide without folder, padding
    }


def test_the_referrers_are_linted_for_real(repo):
    result = runner.invoke(app, ["blog", "--changed-since", "main", "--format", "json", "--select", "LNK001,LNK002"])
    assert result.exit_code == 1, result.output
    reported = {(Path(f["path"]).name, f["code"]) for f in json.loads(result.stdout)}
    assert ("2024-01-01-links-by-post-url.md", "LNK001") in reported
    assert ("2024-01-04-links-by-link.md", "LNK002") in reported


def test_nothing_changed_lints_nothing(repo):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "all")
    assert checked("blog", ref="HEAD") == set()
    result = runner.invoke(app, ["blog", "--changed-since", "HEAD"])
    assert result.exit_code == 0 and "0 files checked" in result.stdout


def test_given_paths_still_limit_the_run(repo):
    assert checked("blog/_posts/2024-01-06-to-edit.md", "blog/_posts/2024-01-05-untouched.md") == {"2024-01-06-to-edit.md"}


def test_unknown_ref_is_a_clear_error(repo):
    result = runner.invoke(app, ["blog", "--changed-since", "no-such-branch"])
    assert result.exit_code == 2 and "unknown git ref 'no-such-branch'" in result.stderr


def test_outside_a_git_repository_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\n", encoding="utf-8")
    monkeypatch.chdir(site)
    result = runner.invoke(app, [".", "--changed-since", "main"])
    assert result.exit_code == 2 and "needs a git repository" in result.stderr
