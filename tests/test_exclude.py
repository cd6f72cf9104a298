""".postlint.yaml `exclude`: .gitignore patterns from the site root; named files too with --force-exclude."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from postlint.cli import app
from postlint.errors import ConfigError
from postlint.run import RunRequest, run_request

POSTS = (
    "_posts/2024-03-01-pipeline-review.md",
    "_posts/archive/2019-05-01-old-funnel.md",
    "_posts/archive/2019/2019-06-01-older-funnel.md",
    "_posts/archive/2019-07-01-keep-this-one.md",
    "_drafts/quarterly-targets.md",
    "news/_drafts/launch-notes.md",
)


@pytest.fixture
def site(tmp_path, monkeypatch):
    for rel in POSTS:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("---\ntitle: Pipeline notes\n---\nA short note on pipeline reviews.\n", encoding="utf-8")
    (tmp_path / "_config.yml").write_text("title: Sales notes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def linted(site: Path, exclude: list[str], *paths: str, force_exclude: bool = False) -> set[str]:
    lines = "".join(f"  - {pattern!r}\n" for pattern in exclude)
    (site / ".postlint.yaml").write_text(f"exclude:\n{lines}", encoding="utf-8")
    outcome = run_request(RunRequest(paths=[Path(p) for p in paths or ["."]], force_exclude=force_exclude, jobs=1))
    return set(outcome.checked)


@pytest.mark.parametrize("pattern", ["_drafts", "_drafts/"])
def test_a_folder_with_or_without_slash_is_left_out_at_any_depth(site, pattern):
    assert linted(site, [pattern]) == set(POSTS) - {"_drafts/quarterly-targets.md", "news/_drafts/launch-notes.md"}


def test_a_slash_inside_or_in_front_anchors_at_the_site_root(site):
    assert "news/_drafts/launch-notes.md" in linted(site, ["_drafts/**"])
    checked = linted(site, ["/_drafts/"])
    assert "news/_drafts/launch-notes.md" in checked and "_drafts/quarterly-targets.md" not in checked


def test_double_star_spans_folders(site):
    assert linted(site, ["_posts/archive/**"]) == set(POSTS) - {p for p in POSTS if "/archive/" in p}
    assert linted(site, ["**/*-funnel.md"]) == set(POSTS) - {"_posts/archive/2019-05-01-old-funnel.md",
                                                             "_posts/archive/2019/2019-06-01-older-funnel.md"}


def test_a_negated_pattern_takes_a_file_back(site):
    checked = linted(site, ["_posts/archive/", "!_posts/archive/2019-07-01-keep-this-one.md"])
    assert "_posts/archive/2019-07-01-keep-this-one.md" in checked
    assert "_posts/archive/2019-05-01-old-funnel.md" not in checked


def test_a_named_file_is_linted_unless_force_exclude(site):
    named = "_drafts/quarterly-targets.md"
    assert linted(site, ["_drafts/"], named) == {named}  # asked for by name, as in ruff
    assert linted(site, ["_drafts/"], named, force_exclude=True) == set()
    assert linted(site, ["_drafts/"], named, "_posts/2024-03-01-pipeline-review.md", force_exclude=True) == {
        "_posts/2024-03-01-pipeline-review.md"}


def test_force_exclude_from_the_command_line(site):
    (site / ".postlint.yaml").write_text("exclude: [_drafts/]\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--force-exclude", "-j", "1", "_drafts/quarterly-targets.md"])
    assert result.exit_code == 0 and "0 files checked" in result.stdout, result.output
    result = CliRunner().invoke(app, ["--no-force-exclude", "-j", "1", "_drafts/quarterly-targets.md"])
    assert result.exit_code == 0 and "1 file checked" in result.stdout, result.output


def test_an_invalid_pattern_is_a_config_error(site):
    with pytest.raises(ConfigError, match="'exclude'"):
        linted(site, ["!"])
