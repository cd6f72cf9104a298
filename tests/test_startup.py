"""Start-up: a run whose every result comes from the cache parses nothing, so it imports none of
the parsers or the libraries only a parse, a match or another output format needs. Each of them
cost a pre-commit hook tens of milliseconds per run. Its YAML files (config, _config.yml, YAML
rules) come from the YAML memo, which gives back exactly what loading them gives, and the
declarations of postlint's rules from the rule memo: no rule module is imported."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import time

import pytest
from helpers import DEMO_SITE, copy_site, git_environment

from postlint.engine import cache
from postlint.errors import YamlError
from postlint.jekyll.signatures import RACY_NS
from postlint.parse.frontmatter import YAML_MEMO, YamlMemo, load_yaml

NOT_NEEDED_WHEN_CACHED = ("markdown_it", "regex", "yaml", "importlib.metadata", "html.parser", "email", "zipfile",
                          "hashlib",  # OpenSSL's loading: the cache's MAC and every digest are BLAKE2b (digest.py)
                          "typer", "postlint.cli",  # a plain check command line is read without typer (command.py)
                          "postlint.changes", "postlint.baseline",  # only for --staged, --changed-since, baselines
                          "dataclasses", "inspect",  # the data classes are Records (record.py); inspect: @rule only
                          "traceback", "difflib")  # only for --debug's tracebacks and --diff (engine/check.py)

MODULES_AFTER_A_RUN = """
import sys
from postlint import command
sys.argv = ["postlint", *sys.argv[1:]]
try:
    command.main()
except SystemExit as exit:
    print(exit.code, " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_cached_run_imports_no_parser(tmp_path, monkeypatch):
    monkeypatch.delenv("POSTLINT_NO_CACHE")  # set for every test (conftest.py)
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    time.sleep(RACY_NS / 1e9 + 0.1)  # files changed just now are read again on every run (signatures.py)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, "-c", MODULES_AFTER_A_RUN, str(site), "--format", "json"], capture_output=True, text=True,
                           timeout=120, env=env)
    second = subprocess.run([sys.executable, "-c", MODULES_AFTER_A_RUN, str(site), "--format", "json"], capture_output=True, text=True,
                            timeout=120, env=env)
    (cold_exit, *cold), (warm_exit, *warm) = (done.stderr.split() for done in (first, second))
    assert cold_exit == warm_exit == "1" and first.stdout == second.stdout  # the demo site has findings
    cold, warm = set(cold), set(warm)
    assert {"markdown_it", "regex", "yaml"} <= cold  # the cold run did parse and match
    assert not warm & set(NOT_NEEDED_WHEN_CACHED), warm & set(NOT_NEEDED_WHEN_CACHED)
    assert "postlint.rules.links" in cold and not {name for name in warm if name.startswith("postlint.rules.")}


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_the_hooks_command_on_an_edited_body_parses_no_yaml(tmp_path, monkeypatch):
    """The pre-commit hook's command after a post's body was edited and staged: what the change
    moved (the post's addresses at the base and now) comes from the cache's facts and front-matter
    parses, as the post's own check does, so PyYAML is not even imported."""
    monkeypatch.delenv("POSTLINT_NO_CACHE")
    env = {**os.environ, **git_environment(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    site = copy_site(DEMO_SITE, tmp_path / "site")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the demo site"]):
        subprocess.run(["git", *command], cwd=site, env=env, check=True, capture_output=True)
    time.sleep(RACY_NS / 1e9 + 0.1)
    subprocess.run([sys.executable, "-m", "postlint", "."], cwd=site, env=env, capture_output=True, timeout=120)
    post = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=site, env=env, check=True)
    hook = subprocess.run([sys.executable, "-c", MODULES_AFTER_A_RUN, "check", "--staged", "--force-exclude",
                           post.relative_to(site).as_posix()], cwd=site, env=env, capture_output=True, text=True,
                          timeout=120)
    exit_code, *modules = hook.stderr.split()
    assert exit_code in ("0", "1") and "postlint.changes" in modules, hook.stderr[-2000:]
    assert "yaml" not in modules and "hashlib" not in modules and "typer" not in modules


def test_commands_annotations_are_objects_not_text():
    """typer reads each command's annotations at every run: as text (`from __future__ import
    annotations` in cli.py) it compiles and evaluates all of them again, 20 ms per run."""
    from postlint import cli

    callbacks = [command.callback for command in cli.app.registered_commands] + [cli.app.registered_callback.callback]
    assert len(callbacks) > 4
    for callback in callbacks:
        assert not any(isinstance(hint, str) for hint in callback.__annotations__.values()), callback.__name__


@pytest.fixture
def memo_on():
    YAML_MEMO.use({})
    yield YAML_MEMO
    YAML_MEMO.stop()


def test_the_yaml_memo_gives_back_what_loading_gives(memo_on):
    text = "base: &shared [a, 1, 2.5, true, null]\ncopy: *shared\nnested: {x: [1, {y: z}]}\n"
    first = load_yaml(text, "a config")
    assert memo_on.grew and len(memo_on.documents) == 1
    again = load_yaml(text, "a config")
    assert again == first and again is not first
    assert again["copy"] is again["base"]  # an alias stays one object, as PyYAML makes it
    again["base"].append("changed")
    assert load_yaml(text, "a config") == first  # each load a fresh copy


def test_the_yaml_memo_keeps_no_timestamp_and_no_error(memo_on):
    dated = load_yaml("published: 2024-01-15\n", "_config.yml")
    assert isinstance(dated["published"], datetime.date) and memo_on.documents == {}
    for _ in range(2):
        with pytest.raises(YamlError):
            load_yaml("key: [unclosed\n", "_config.yml")
    assert memo_on.documents == {}


def test_a_remembered_document_that_does_not_decode_is_loaded_again(memo_on):
    text = "title: Loaded\n"
    load_yaml(text, "a config")
    (key,) = memo_on.documents
    memo_on.documents[key] = b"\xff not marshal"
    assert load_yaml(text, "a config") == {"title": "Loaded"}


def test_a_yaml_memo_this_user_did_not_write_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    text = "title: The real title\n"
    forged = {"version": cache.__version__, "documents": {"x": b"", **_memo_of(text, {"title": "forged"})}}
    folder = tmp_path / "postlint"
    folder.mkdir()
    payload = cache.encode(forged)
    (folder / cache.YAML_MEMO_FILE).write_bytes(cache._sign(b"k" * 32, payload).encode() + b"\n" + payload)
    cache.use_yaml_memo(cache.secret_key())
    try:
        assert load_yaml(text, "a config") == {"title": "The real title"}
    finally:
        YAML_MEMO.stop()
    (folder / cache.YAML_MEMO_FILE).write_bytes(cache._sign(cache.secret_key(), payload).encode() + b"\n" + payload)
    cache.use_yaml_memo(cache.secret_key())
    try:
        assert load_yaml(text, "a config") == {"title": "forged"}, "signed with this user's key: trusted, as the cache is"
    finally:
        YAML_MEMO.stop()


def _memo_of(text: str, value) -> dict[str, bytes]:
    memo = YamlMemo()
    memo.use({})
    memo.put(text, value)
    return memo.documents
