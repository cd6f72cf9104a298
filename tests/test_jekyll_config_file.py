"""Jekyll reads the first of _config.yml, _config.yaml and _config.toml that exists; so does the
site model, and the result cache keys on that file. Checked with `jekyll build`."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from postlint.jekyll.site import Site, find_site_root


def make_site(tmp_path: Path, configs: dict[str, str]) -> Path:
    for name, text in configs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2020-01-01-p.md").write_text("---\ntitle: p\n---\n[p](/t/p/)\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("configs, url", [
    ({"_config.yaml": "permalink: /t/:title/\n"}, "/t/p/"),
    ({"_config.toml": 'permalink = "/t/:title/"\n'}, "/t/p/"),
    ({"_config.toml": 'permalink = "/t/:title/"\n', "_config.yaml": "permalink: /y/:title/\n"}, "/y/p/"),
    ({"_config.yaml": "permalink: /y/:title/\n", "_config.yml": "permalink: /m/:title/\n"}, "/m/p/"),
])
def test_the_first_config_file_that_exists_is_read(tmp_path, configs, url):
    site = make_site(tmp_path, configs)
    assert Site(site).published_url("_posts/2020-01-01-p.md") == url
    assert find_site_root(site / "_posts" / "2020-01-01-p.md") == site


def test_a_broken_toml_config_is_a_run_error_and_the_cache_follows_the_file(tmp_path):
    site = make_site(tmp_path, {"_config.toml": 'permalink = "/t/:title/"\n'})
    post = site / "_posts" / "2020-01-01-p.md"
    assert run([post], select=["LNK003"], use_cache=True)[0].findings == []
    (site / "_config.toml").write_text('permalink = "/x/:title/"\n', encoding="utf-8")
    warm, _ = run([post], select=["LNK003"], use_cache=True)
    cold, _ = run([post], select=["LNK003"], use_cache=False)
    assert [f.message for f in warm.findings] == [f.message for f in cold.findings] != []
    (site / "_config.toml").write_text("permalink = [broken\n", encoding="utf-8")
    assert "_config.toml: cannot read Jekyll config" in " ".join(run([post], use_cache=True)[0].errors)


@pytest.mark.parametrize("value, problem", [
    ("2020-05-05", "is a date without a time (2020-05-05)"),  # a YAML date: every post fails to read
    ('"garbage"', "is 'garbage', which Jekyll cannot read as a date"),  # jekyll build stops: Invalid date
    ("null", "is null, not a date"),
    ('"2020-05-05"', None),  # a text Ruby reads, and a YAML time, are fine
    ("2020-05-05 10:00:00", None),
])
def test_a_defaults_date_jekyll_cannot_use_is_a_run_error_whatever_its_scope(tmp_path, value, problem):
    site = make_site(tmp_path, {"_config.yml": f'defaults:\n  - scope: {{path: "_posts/elsewhere"}}\n'
                                               f"    values: {{date: {value}}}\n"})
    result, _ = run([site / "_posts" / "2020-01-01-p.md"], select=["LNK003"], use_cache=False)
    assert result.findings  # the run goes on: the post's own findings are still reported
    errors = " ".join(result.errors)
    assert (problem in errors) if problem else not errors
