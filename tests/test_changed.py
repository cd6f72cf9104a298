"""--changed-since REF: lint what a branch changed, plus posts whose link targets it took away."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import git_environment
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
    for name, value in git_environment(tmp_path).items():
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


@pytest.mark.parametrize("flags", [["--changed-since", "main"], ["--staged"]])
def test_outside_a_git_repository_is_a_clear_error(tmp_path, monkeypatch, flags):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\n", encoding="utf-8")
    monkeypatch.chdir(site)
    result = runner.invoke(app, [".", *flags])
    assert result.exit_code == 2 and f"{flags[0]} needs a git repository" in result.stderr


# --- what a change moves: unpublished and re-permalinked posts ------------------------------

HUB = ("---\nlayout: post\n---\n"  # no title: an old finding of its own (FM002)
       "Start with [the funnel guide]({% post_url 2024-02-01-funnel-guide %}),\n"  # line 4
       "then [the pricing page](/pricing/)\n"  # line 5
       "and [churn basics]({{ '/2024/02/03/churn-basics.html' | relative_url }}).\n"  # line 6
       "An old broken one: [lost]({% post_url 2023-12-31-never-written %}).\n")  # line 7


@pytest.fixture
def linked_site(tmp_path, monkeypatch):
    """A committed site whose hub post links to three posts and a page, on a branch `feature`."""
    for name, value in git_environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    files = {
        "_config.yml": "title: Funnel notes\npermalink: /:year/:month/:day/:title.html\n",
        "pricing.md": "---\ntitle: Pricing\npermalink: /pricing/\n---\nPlans.\n",
        "_posts/2024-01-31-hub.md": HUB,
        "_posts/2024-02-01-funnel-guide.md": post("Funnel guide"),
        "_posts/2024-02-03-churn-basics.md": post("Churn basics"),
        "_posts/2024-02-04-unrelated.md": post("Unrelated"),
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "site")
    git(root, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(root)
    return root


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def in_hub(outcome) -> set[tuple[int, str]]:
    """(line, code) of the findings reported in the hub post, which the change never touches."""
    return {(f.line, f.code) for f in outcome.result.findings if f.path.endswith("2024-01-31-hub.md")}


def test_a_post_unpublished_on_the_branch_breaks_its_referrers_links(linked_site):
    edit(linked_site, "_posts/2024-02-01-funnel-guide.md", "title:", "published: false\ntitle:")
    outcome = run_request(RunRequest(paths=[Path(".")], changed_since="main"))
    assert {Path(p).name for p in outcome.checked} == {"2024-02-01-funnel-guide.md", "2024-01-31-hub.md"}
    assert outcome.referrers == ["_posts/2024-01-31-hub.md"]
    # The hub's broken link to the unpublished post; not its old broken link, not its missing title.
    assert in_hub(outcome) == {(4, "LNK001")}
    [finding] = [f for f in outcome.result.findings if f.code == "LNK001"]
    assert "published: false" in finding.message


def test_a_post_dated_into_the_future_breaks_its_referrers_links(linked_site):
    edit(linked_site, "_posts/2024-02-03-churn-basics.md", "title:", "date: 2999-01-01\ntitle:")
    outcome = run_request(RunRequest(paths=[Path(".")], changed_since="main"))
    # Its address moved (the date is in the URL) and it is not built: the relative_url link breaks.
    assert in_hub(outcome) == {(6, "LNK003")}


def test_a_new_permalink_breaks_links_to_the_old_address(linked_site):
    edit(linked_site, "pricing.md", "permalink: /pricing/", "permalink: /plans/")
    outcome = run_request(RunRequest(paths=[Path("."), Path("pricing.md")], changed_since="main"))
    assert outcome.referrers == ["_posts/2024-01-31-hub.md"]
    assert in_hub(outcome) == {(5, "LNK003")}
    assert any("'/pricing/'" in f.message for f in outcome.result.findings)


def test_an_edit_that_keeps_the_address_checks_no_referrer(linked_site):
    edit(linked_site, "_posts/2024-02-01-funnel-guide.md", "Plain text.", "Plain text, reworded.")
    edit(linked_site, "pricing.md", "Plans.", "Plans and prices.")
    outcome = run_request(RunRequest(paths=[Path(".")], changed_since="main"))
    assert outcome.referrers == [] and {Path(p).name for p in outcome.checked} == {"2024-02-01-funnel-guide.md"}


def test_a_post_unpublished_before_the_branch_is_not_the_branchs_fault(linked_site):
    edit(linked_site, "_posts/2024-02-01-funnel-guide.md", "title:", "published: false\ntitle:")
    git(linked_site, "commit", "-q", "-am", "unpublish on main's side")
    git(linked_site, "branch", "-f", "main")
    git(linked_site, "mv", "_posts/2024-02-01-funnel-guide.md", "_posts/2024-02-01-funnel-guide-draft.md")
    outcome = run_request(RunRequest(paths=[Path(".")], changed_since="main"))
    assert outcome.referrers == []  # the link was already broken at the merge base


# --- --staged: what the pre-commit hook runs -------------------------------------------------

def staged(*paths: str):
    return run_request(RunRequest(paths=[Path(p) for p in paths], staged=True, force_exclude=True))


def test_staged_rename_reports_the_referrers_broken_link_only(linked_site):
    git(linked_site, "mv", "_posts/2024-02-01-funnel-guide.md", "_posts/2024-02-01-funnel-playbook.md")
    outcome = staged("_posts/2024-02-01-funnel-playbook.md")
    assert {Path(p).name for p in outcome.checked} == {"2024-02-01-funnel-playbook.md", "2024-01-31-hub.md"}
    assert in_hub(outcome) == {(4, "LNK001")}


def test_a_staged_edit_that_moves_nothing_never_lists_the_sites_posts(linked_site, monkeypatch):
    """The usual commit: no address changed, so no post can have lost a link target, and the
    site's posts are not even listed (a tenth of the hook's run on a site of 500 posts)."""
    from postlint.jekyll.site import Site

    listed = []
    real = Site.lint_targets
    monkeypatch.setattr(Site, "lint_targets", lambda site, folder: listed.append(folder) or real(site, folder))
    edit(linked_site, "_posts/2024-02-01-funnel-guide.md", "Plain text.", "Plain text, reworded.")
    git(linked_site, "add", "-A")
    assert staged("_posts/2024-02-01-funnel-guide.md").checked == ["_posts/2024-02-01-funnel-guide.md"]
    assert listed == []
    git(linked_site, "mv", "_posts/2024-02-01-funnel-guide.md", "_posts/2024-02-01-funnel-playbook.md")
    assert "_posts/2024-01-31-hub.md" in staged("_posts/2024-02-01-funnel-playbook.md").checked
    assert listed, "a rename moves the post's address: the posts that may link to it are looked through"


GUIDE = "_posts/2024-02-01-funnel-guide.md"


@pytest.mark.parametrize("edits, worked_out, moves", [
    ([(GUIDE, "Plain text.", "Plain text, reworded.")], False, False),  # the usual commit
    ([(GUIDE, "---\ntitle", "\ufeff---\ntitle")], False, False),  # a byte-order mark Jekyll reads past
    ([(GUIDE, "---\ntitle", "--- \ntitle")], True, False),  # the same front matter, written otherwise
    ([(GUIDE, "Plain text.", "Reworded."), ("_config.yml", "title: Funnel notes", "title: Notes")], True, False),
    ([(GUIDE, "title:", "published: false\ntitle:")], True, True),
    ([(GUIDE, "Plain text.", "Plain \xff text.")], True, True),  # not UTF-8: Jekyll leaves the post out
    ([("pricing.md", "permalink: /pricing/", "permalink: /plans/")], True, True),
    ([("pricing.md", "---\ntitle", "Pricing\n---\ntitle")], True, True),  # a static file now, at /pricing.md
])
def test_a_change_works_out_the_base_addresses_only_when_it_may_move_one(linked_site, monkeypatch, edits, worked_out,
                                                                         moves):
    """Whether a change kept all that decides where its files are built is told from their bytes
    then and now, without working out their addresses at the base; the answer is the one
    working them out gives."""
    import postlint.changes as changes_module
    from postlint.changes import moved_targets, staged_changes
    from postlint.config import Config
    from postlint.jekyll.site import Site

    for name, old, new in edits:
        path = linked_site / name
        path.write_bytes(path.read_bytes().replace(old.encode(), new.encode("latin-1" if "\xff" in new else "utf-8"), 1))
    git(linked_site, "add", "-A")
    changes = staged_changes(linked_site)
    asked = []
    real = changes_module._all_targets
    monkeypatch.setattr(changes_module, "_all_targets", lambda *args: asked.append(1) or real(*args))
    moved = moved_targets(Site(linked_site), changes, Config())
    assert bool(asked) is worked_out
    assert bool(moved) is moves
    monkeypatch.setattr(changes_module, "_addresses_kept", lambda *args: False)
    assert moved == moved_targets(Site(linked_site), changes, Config())


@pytest.mark.parametrize("old, new, broken", [
    ("/:year/:month/:day/:title.html", "/:title/", {(6, "LNK003")}),  # post_url still finds the post
    ("title: Funnel notes", "title: Funnel notes, renamed", set()),
])
def test_a_config_change_that_moves_posts_breaks_their_referrers_links(linked_site, old, new, broken):
    """`permalink` in _config.yml gives every post another address: the links to the old ones
    break in posts the branch never touched, and only those links are reported in them."""
    edit(linked_site, "_config.yml", old, new)
    outcome = run_request(RunRequest(paths=[Path(".")], changed_since="main"))
    assert in_hub(outcome) == broken
    git(linked_site, "add", "-A")
    assert in_hub(staged()) == broken
    # With a post renamed in the same commit: the new name is not at the base, the old one is.
    git(linked_site, "mv", "_posts/2024-02-01-funnel-guide.md", "_posts/2024-02-01-funnel-playbook.md")
    assert in_hub(staged()) == broken | {(4, "LNK001")}


def test_staged_delete_with_no_file_given_lints_only_the_referrers(linked_site):
    git(linked_site, "rm", "-q", "_posts/2024-02-03-churn-basics.md")
    outcome = staged()
    assert outcome.checked == ["_posts/2024-01-31-hub.md"]
    assert in_hub(outcome) == {(6, "LNK003")}


def test_staged_by_hand_without_files_says_the_staged_posts_were_not_checked(linked_site):
    """The hook names the staged files it lints; typed by hand, `postlint --staged` alone checked
    none of them and said nothing."""
    hub = linked_site / "_posts" / "2024-01-31-hub.md"
    hub.write_text(hub.read_text(encoding="utf-8") + "\nTBD.\n", encoding="utf-8")
    git(linked_site, "add", str(hub))
    result = runner.invoke(app, ["check", "--staged", "--no-cache"])
    assert result.exit_code == 0
    assert "1 staged Markdown or HTML file was not named, so not checked" in result.stdout + result.stderr
    named = runner.invoke(app, ["check", "--staged", "--no-cache", "_posts/2024-01-31-hub.md"])
    assert "STY001" in named.stdout and "not named" not in named.stdout + named.stderr


def test_staged_reads_the_index_not_the_branch(linked_site):
    git(linked_site, "rm", "-q", "_posts/2024-02-03-churn-basics.md")
    git(linked_site, "commit", "-q", "-m", "deleted in an earlier commit")
    assert staged().checked == []  # nothing staged: an earlier commit's breakage was its own hook's to catch


def test_staged_in_a_repository_without_commits(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "_posts" / "2024-01-01-first.md").write_text(post("First"), encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    monkeypatch.chdir(tmp_path)
    assert staged("_posts/2024-01-01-first.md").checked == ["_posts/2024-01-01-first.md"]


def test_staged_and_changed_since_cannot_be_combined(linked_site):
    result = runner.invoke(app, ["--staged", "--changed-since", "main"])
    assert result.exit_code == 2 and "use one of them" in result.stderr
