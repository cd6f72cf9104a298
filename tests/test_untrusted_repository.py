"""Nothing a pull request puts in the repository can bend the verdict: a committed result cache,
a baseline the branch grew, symbolic links out of the site, a schema that points at the network
or at a device. Each attack is reproduced as a contributor would make it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import DEMO_SITE, copy_site, git_environment, joined_parts, run
from test_warm_equals_cold import HOUSE_RULE

from postlint.engine.cache import (
    CACHE_DIR,
    CACHE_FILE,
    JOURNAL_FILE,
    _read_parts,
    _sign,
    _write_parts,
    decode,
    encode,
    secret_key,
    stored_parts,
)
from postlint.errors import ConfigError
from postlint.jekyll import signatures

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
    for name, value in git_environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    root = copy_site(DEMO_SITE, tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "site")
    git(root, "checkout", "-q", "-b", "feature")
    return root


@contextmanager
def on_main(repo: Path, message: str) -> Iterator[None]:
    """Make the block's changes on `main` as one commit, then merge it into `feature` and go back there."""
    git(repo, "checkout", "-q", "main")
    yield
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "main")


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
    key = (attacker / "postlint" / "cache-key").read_bytes()
    parts, _, _ = _read_parts(cache, key)
    data = joined_parts(parts)
    for entry in data["entries"].values():
        inputs, _, _ = decode(entry[2])
        entry[2] = encode((inputs, {}, []))
    _write_parts(cache, key, parts.key, stored_parts(data))
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
    # Files changed within RACY_NS of a run are read again by the next (signatures.py); once
    # they have settled, the next run has nothing new to remember and leaves the cache alone.
    time.sleep(signatures.RACY_NS / 1e9)
    first = postlint(repo, "--format", "json", ".", cache_home=home)
    cache = repo / CACHE_DIR / CACHE_FILE
    signed = cache.read_bytes()
    again = postlint(repo, "--format", "json", ".", cache_home=home)
    assert again.stdout == first.stdout and cache.read_bytes() == signed, "a trusted cache is read, not rewritten"


def run_key(repo: Path, home: Path) -> str:
    """The key of the repository's runs, from the cache a run with this user's key writes."""
    postlint(repo, "--format", "json", ".", cache_home=home)
    parts, _, _ = _read_parts(repo / CACHE_DIR / CACHE_FILE, secret_key())
    (repo / CACHE_DIR / CACHE_FILE).unlink()
    return parts.key


@pytest.mark.parametrize("planted", ["symlink to /dev/zero", "fifo", "deep nesting", "a deeply nested part",
                                     "wrong shapes", "garbage"])
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
    elif planted == "deep nesting":  # even signed with the right key: lists of one list, 200,000 deep
        payload = b"[\x01\x00\x00\x00" * 200_000 + b"N"
        cache.write_bytes(_sign(key, payload).encode() + b"\n" + str(len(payload)).encode() + b"\n" + payload)
    elif planted == "a deeply nested part":
        _write_parts(cache, key, run_key(repo, home), {"entries/0": b"[\x01\x00\x00\x00" * 200_000 + b"N"})
    elif planted == "wrong shapes":  # of this run's key, signed with this user's key, made of nonsense
        _write_parts(cache, key, run_key(repo, home),
                     {"entries/0": encode([1, 2]), "groups": encode("x"), "files": encode({"a": 1}), "indexes": encode([]),
                      "front-matters/0": encode({1: 2}), "facts:served-urls/0": b"nonsense", "counts": encode([1])})
    else:
        cache.write_bytes(os.urandom(4096))
    got = postlint(repo, "--format", "json", ".", cache_home=home)
    assert (got.returncode, got.stdout) == (expected.returncode, expected.stdout)
    assert "Traceback" not in got.stderr


@pytest.mark.parametrize("planted", ["symlink to /dev/zero", "fifo", "deep nesting", "wrong shapes", "garbage"])
def test_bad_journal_files_beside_a_good_cache_are_ignored(repo, tmp_path, planted):
    home = Path(os.environ["XDG_CACHE_HOME"])
    key = secret_key()
    postlint(repo, "--format", "json", ".", cache_home=home)  # a cache this user's postlint wrote
    base = (repo / CACHE_DIR / CACHE_FILE).read_bytes().partition(b"\n")[0].decode()
    journal = repo / CACHE_DIR / JOURNAL_FILE
    if planted == "symlink to /dev/zero":
        journal.symlink_to("/dev/zero")
    elif planted == "fifo":
        os.mkfifo(journal)
    elif planted == "deep nesting":
        payload = b"[\x01\x00\x00\x00" * 200_000 + b"N"
        journal.write_bytes(_sign(key, payload).encode() + b"\n" + payload)
    elif planted == "wrong shapes":  # of this cache, signed with this user's key, made of nonsense
        payload = encode({"base": base, "key": _read_parts(repo / CACHE_DIR / CACHE_FILE, key)[0].key,
                          "entries": [[1], {}], "groups": "x", "files": [{}, [[]]], "front-matters": [],
                          "facts": {"served-urls": b"nonsense", "post-slug": encode([1]), 3: b"x"}, "counts": encode([1, 2])})
        journal.write_bytes(_sign(key, payload).encode() + b"\n" + payload)
    else:
        journal.write_bytes(os.urandom(4096))
    post = repo / BAD_POST
    post.write_text(post.read_text() + "\nOne more line.\n")
    expected = postlint(repo, "--format", "json", ".", "--no-cache", cache_home=home)
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


def test_a_baseline_the_branch_turns_into_a_link_names_files_from_where_it_was(repo, tmp_path):
    """The branch moves the baseline into copy/ and links it back, and puts a copy of the
    baselined post under copy/: its entries named copy/'s files and hid the new post's
    findings. A link out of the repository is not read at all."""
    baseline = repo / ".postlint-baseline.json"
    home = tmp_path / "cache-home"
    with on_main(repo, "baseline of today's findings"):
        assert postlint(repo, "--write-baseline", str(baseline), ".", cache_home=home).returncode == 0
    (repo / "copy" / "_posts").mkdir(parents=True)
    (repo / "copy" / BAD_POST).write_text((repo / BAD_POST).read_text())
    baseline.rename(repo / "copy" / baseline.name)
    baseline.symlink_to(Path("copy") / baseline.name)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a copy of a post, and the baseline beside it")
    gate = postlint(repo, "--changed-since", "main", "--baseline", str(baseline), "--format", "github", ".",
                    cache_home=home)
    assert gate.returncode == 1
    assert [line for line in annotations(gate) if "LNK001" in line and "copy/_posts" in line]
    outside = tmp_path / "elsewhere.json"
    outside.write_text((repo / "copy" / baseline.name).read_text())
    baseline.unlink()
    baseline.symlink_to(outside)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the baseline from outside")
    gate = postlint(repo, "--changed-since", "main", "--baseline", str(baseline), ".", cache_home=home)
    assert gate.returncode == 2 and "leads out of the repository" in gate.stderr


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


# --- 2. symbolic links out of the site -------------------------------------------------------

SECRET = "root:$6$secret-hash-that-must-never-be-printed:19000:0:99999:7:::"


@pytest.fixture
def outside_file(tmp_path) -> Path:
    """A file outside the site, standing in for the password shadow file."""
    secret = tmp_path / "shadow"
    secret.write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n")
    return secret


@pytest.mark.parametrize("how", ["folder", "named", "named-relative"])
@pytest.mark.parametrize("output", ["text", "json", "junit", "github", "sarif"])
def test_a_post_linked_outside_the_site_is_not_read(tmp_path, outside_file, how, output):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    link = site / "_posts" / "2024-06-01-linked.md"
    link.symlink_to(outside_file)
    target = {"folder": str(site), "named": str(link), "named-relative": "_posts/2024-06-01-linked.md"}[how]
    completed = postlint(site, target, "--format", output, "--no-cache", cache_home=tmp_path / "home")
    assert "secret-hash" not in completed.stdout + completed.stderr
    assert "outside the site" in completed.stdout + completed.stderr
    assert completed.returncode == 1


@pytest.mark.parametrize("name, text", [
    ("netlify.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
    ("netlify.toml", "\x00\xff not TOML at all\n"),
    ("_redirects", "/* /404.html 404\n\x00\xff\n" + "/x\n" * 10_000),
])
def test_a_hostile_redirects_file_is_no_redirect_and_crashes_nothing(tmp_path, name, text):
    """A pull request's netlify.toml nesting deeper than tomllib recurses, or either file holding
    garbage, adds no address and breaks no check: the demo site's broken links are still found."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    clean, _ = run([site], select=["relative-url-target"])
    (site / name).write_text(text, encoding="utf-8", errors="surrogateescape")
    result, _ = run([site], select=["relative-url-target"])
    assert not [f for f in result.findings if f.internal]
    assert [f.message for f in result.findings] == [f.message for f in clean.findings] != []


def test_an_image_linked_outside_the_site_reveals_nothing(tmp_path):
    from PIL import Image

    site = copy_site(DEMO_SITE, tmp_path / "site")
    outside = tmp_path / "outside.webp"
    Image.new("RGB", (1234, 5), "grey").save(outside, "WEBP")
    variant = site / "assets" / "images" / "blog" / "link-audit-376.webp"
    variant.unlink()
    variant.symlink_to(outside)
    result, _ = run([site])
    messages = [f.message for f in result.findings if "link-audit-376" in f.message]
    assert messages and not any("1234" in message for message in messages), messages


# --- 3. the front-matter schema: no network, no device, nothing outside --------------------

def schema_site(tmp_path, schema_value: str) -> Path:
    site = copy_site(DEMO_SITE, tmp_path / "site")
    config = site / ".postlint.yaml"
    config.write_text(config.read_text() + f"  front-matter-schema:\n    schema: {schema_value}\n")
    return site


def test_a_remote_ref_in_the_schema_is_a_config_error_and_fetches_nothing(tmp_path):
    site = schema_site(tmp_path, "schema.json")
    (site / "schema.json").write_text(json.dumps({"$ref": "http://example.invalid/schema.json"}))
    with pytest.raises(ConfigError, match="remote"):
        run([site])  # conftest refuses every connection: a fetch would raise NetworkBlocked instead


@pytest.mark.parametrize("value", ["/dev/zero", "../outside.json", "/etc/hostname"])
def test_a_schema_outside_the_site_or_not_a_file_is_a_config_error(tmp_path, value):
    (tmp_path / "outside.json").write_text("{}")
    site = schema_site(tmp_path, value)
    with pytest.raises(ConfigError, match="schema"):
        run([site])


def test_yaml_rules_from_outside_the_site_are_a_config_error(tmp_path):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    (tmp_path / "elsewhere").mkdir()
    config = site / ".postlint.yaml"
    config.write_text(config.read_text() + "yaml_rules: [../elsewhere]\n")
    with pytest.raises(ConfigError, match="yaml_rules"):
        run([site])


# --- 7. forged CI annotations and terminal escapes through run-level messages ---------------

FORGED = "x\n::error file=innocent.md,line=1::forged\x1b]0;pwned\x07\x1b[2J\u202egnp.exe"


def no_forgery(completed: subprocess.CompletedProcess) -> None:
    for stream in (completed.stdout, completed.stderr):
        assert not [line for line in stream.splitlines() if line.startswith("::error file=innocent.md")]
        assert "\x1b" not in stream and "\u202e" not in stream and "\x07" not in stream


@pytest.mark.parametrize("output", ["github", "text", "json"])
def test_a_yaml_rule_file_name_cannot_forge_annotations(tmp_path, output):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    rules = site / "house-rules"
    rules.mkdir()
    (rules / f"{FORGED}.yml").write_text("code: [broken\n")
    config = site / ".postlint.yaml"
    config.write_text(config.read_text() + "yaml_rules: [house-rules]\n")
    completed = postlint(site, ".", "--format", output, "--no-cache", cache_home=tmp_path / "home")
    assert completed.returncode == 2 and "forged" in completed.stdout + completed.stderr
    no_forgery(completed)


def test_a_config_key_cannot_forge_annotations(tmp_path):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    (site / ".postlint.yaml").write_text(json.dumps({FORGED: 1}))
    completed = postlint(site, ".", "--format", "github", "--no-cache", cache_home=tmp_path / "home")
    assert completed.returncode == 2 and "forged" in completed.stderr
    no_forgery(completed)


def test_a_stale_baseline_entry_cannot_forge_annotations(tmp_path):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    baseline = site / "baseline.json"
    baseline.write_text(json.dumps({"version": 1, "tool": "postlint", "entries": [
        {"file": "_posts/2024-01-15-ramp-time-benchmark.md", "code": "FM002", "fingerprint": FORGED, "count": 1}]}))
    completed = postlint(site, ".", "--baseline", str(baseline), "--format", "github", "--no-cache",
                         cache_home=tmp_path / "home")
    assert "no longer match" in completed.stderr and "forged" in completed.stderr
    no_forgery(completed)


# --- 9. nowhere to write the report -----------------------------------------------------------

@pytest.mark.parametrize("stdout", ["closed", "/dev/full"])
@pytest.mark.parametrize("output", ["text", "json"])
def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(tmp_path, stdout, output):
    site = copy_site(DEMO_SITE, tmp_path / "site")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "home")}
    command = [sys.executable, "-m", "postlint", ".", "--format", output, "--no-cache"]
    if stdout == "closed":
        completed = subprocess.run(command, cwd=site, stdout=None, stderr=subprocess.PIPE, text=True, env=env,
                                   pass_fds=(), close_fds=True, preexec_fn=lambda: os.close(1), timeout=120)
    else:
        with open("/dev/full", "w") as full:
            completed = subprocess.run(command, cwd=site, stdout=full, stderr=subprocess.PIPE, text=True, env=env,
                                       timeout=120)
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and completed.stderr.startswith("postlint: error:"), completed.stderr


def test_a_post_in_a_folder_linked_outside_the_site_is_not_read(tmp_path, outside_file):
    """A folder that is a symbolic link out of the site is not walked: its posts are never
    opened, however deep."""
    site = copy_site(DEMO_SITE, tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deeper").mkdir(parents=True)
    for folder in (elsewhere, elsewhere / "deeper"):
        (folder / "2024-06-01-linked.md").write_bytes(outside_file.read_bytes())
    (site / "_posts" / "imported").symlink_to(elsewhere, target_is_directory=True)
    whole = postlint(site, str(site), "--format", "json", "--no-cache", cache_home=tmp_path / "home")
    assert "secret-hash" not in whole.stdout + whole.stderr
    assert not [f for f in json.loads(whole.stdout) if "imported" in f["path"]]  # the walk does not follow it


def test_folders_resolve_as_realpath_does(tmp_path):
    from postlint.jekyll.site import Site

    site = copy_site(DEMO_SITE, tmp_path / "site")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deeper").mkdir(parents=True)
    (site / "_posts" / "imported").symlink_to(elsewhere, target_is_directory=True)
    (site / "_posts" / "loop").symlink_to(site / "_posts", target_is_directory=True)
    model = Site(site)
    names = ["_posts", "_posts/imported", "_posts/imported/deeper", "_posts/imported/../guides", "_posts/loop/imported",
             "_posts/loop/loop/guides", "_posts/missing/deeper", "..", "_posts/../../site/_posts"]
    for name in names:
        folder = os.path.join(str(site.resolve()), name)
        assert model._real_folder(folder) == os.path.realpath(folder), name


# --- a configuration the branch changed -------------------------------------------------------

SUBTITLE_SCHEMA = '{"type": "object", "required": ["subtitle"]}\n'
NEW_POST = "_posts/2024-07-01-brightwave-launch.md"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def loosened(repo: Path, how: str) -> str:
    """The branch's change to postlint's configuration that would hide the new post's findings,
    and the finding it would hide."""
    config = repo / ".postlint.yaml"
    if how == "exclude added":
        config.write_text(config.read_text() + 'exclude: ["_posts/2024-07-01-*"]\n')
        return "HSE001"
    if how == "rule turned off":
        replace(config, "rules:\n", "rules:\n  post-url-target: {enabled: false}\n")
        return "LNK001"
    if how == "config deleted":  # its required keys go with it
        config.unlink()
        return "FM002"
    if how == "YAML rule deleted":
        (repo / "house-rules" / "brand.yml").unlink()
        return "HSE001"
    if how == "YAML rule changed":
        replace(repo / "house-rules" / "brand.yml", "{BrightWave: Brightwave}", "{BrightWhale: Brightwave}")
        return "HSE001"
    if how == "rules folder swapped for a link":  # to an empty folder: through it the rule file is gone
        (repo / "house-rules" / "brand.yml").unlink()
        (repo / "house-rules").rmdir()
        (repo / "no-rules").mkdir()
        (repo / "no-rules" / ".keep").write_text("")
        (repo / "house-rules").symlink_to("no-rules")
        return "HSE001"
    (repo / "schema.json").write_text('{"type": "object"}\n')
    return "FM003"


@pytest.mark.parametrize("how", ["exclude added", "rule turned off", "config deleted", "YAML rule deleted",
                                 "YAML rule changed", "rules folder swapped for a link", "schema loosened"])
def test_a_branch_cannot_loosen_the_configuration_that_gates_it(repo, tmp_path, how):
    """`.postlint.yaml`, its YAML rules and its schema are the contributor's in a pull request:
    with --changed-since the run takes them as the merge base has them, and says the branch
    changes them. Without --changed-since (on main, once merged) the change applies."""
    home = tmp_path / "cache-home"
    with on_main(repo, "house rules"):
        (repo / "house-rules").mkdir()
        (repo / "house-rules" / "brand.yml").write_text(HOUSE_RULE)
        (repo / "schema.json").write_text(SUBTITLE_SCHEMA)
        config = repo / ".postlint.yaml"
        config.write_text(config.read_text() + "  front-matter-schema:\n    schema: schema.json\nyaml_rules: [house-rules]\n")
    (repo / NEW_POST).write_text("---\ntitle: BrightWave is live\nlayout: post\n---\n"
                                 "BrightWave launches today: {% post_url 2024-01-15-no-such-post %}.\n")
    hidden = loosened(repo, how)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a post, and a looser configuration")
    gate = postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=home)
    assert gate.returncode == 1, gate.stderr
    assert [line for line in annotations(gate) if hidden in line and "brightwave-launch" in line]
    assert "this branch changes postlint's configuration" in gate.stderr
    merged = postlint(repo, "--format", "github", ".", cache_home=home)
    assert not [line for line in annotations(merged) if hidden in line and "brightwave-launch" in line]


def test_a_gate_run_validates_against_the_base_schema_above_the_site_even_with_a_warm_cache(repo, tmp_path):
    """A schema outside the site (next to `.postlint.yaml` one folder up) is read as the merge
    base has it; an ordinary run had remembered the work tree's schema by its file signature,
    and a cached gate run took that digest for the base's bytes: warm said nothing where
    --no-cache reported the field the base schema requires. Bytes a run is given are never
    answered from, nor kept in, the memo of unchanged files."""
    home = tmp_path / "cache-home"
    with on_main(repo, "site in blog/, configuration above it"):
        (repo / "blog").mkdir()
        for child in [p for p in repo.iterdir() if p.name not in (".git", "blog")]:
            child.rename(repo / "blog" / child.name)
        (repo / "blog" / ".postlint.yaml").rename(repo / ".postlint.yaml")
        config = repo / ".postlint.yaml"
        config.write_text(config.read_text() + "  front-matter-schema:\n    schema: schema.json\n")
        (repo / "schema.json").write_text(SUBTITLE_SCHEMA)
    (repo / "schema.json").write_text('{"type": "object"}\n')
    post = repo / "blog" / BAD_POST
    post.write_text(post.read_text() + "\nOne more sentence.\n")
    git(repo, "commit", "-q", "-am", "a looser schema, and a sentence")
    time.sleep(signatures.RACY_NS / 1e9)  # older than that, files are known by their signatures
    assert postlint(repo, "blog", cache_home=home).returncode == 1  # an ordinary run: the work tree's schema
    warm = postlint(repo, "--changed-since", "main", "--format", "json", "blog", cache_home=home)
    cold = postlint(repo, "--changed-since", "main", "--no-cache", "--format", "json", "blog", cache_home=home)
    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout)
    assert "'subtitle' is a required property" in warm.stdout


def test_a_branch_that_turns_the_site_folder_into_a_link_still_gets_the_base_configuration(repo, tmp_path):
    """The base keeps the site in blog/ with a .postlint.yaml that requires `author`, and the
    branch moves it to blog2/ and commits `blog -> blog2`. The config was looked for in blog2/,
    where the base has none, and the defaults hid the missing key."""
    with on_main(repo, "site in blog/"):
        (repo / "blog").mkdir()
        for child in [p for p in repo.iterdir() if p.name not in (".git", "blog")]:
            child.rename(repo / "blog" / child.name)
    git(repo, "mv", "blog", "blog2")
    (repo / "blog").symlink_to("blog2")
    (repo / "blog2" / NEW_POST).write_text("---\ntitle: BrightWave is live\ndescription: Our new product launches "
                                           "today, with a free trial for every team.\n---\nBrightWave launches today.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the site moved, and a post")
    gate = postlint(repo, "--changed-since", "main", "--format", "github", "blog", cache_home=tmp_path / "cache-home")
    assert [line for line in annotations(gate) if "FM002" in line and "'author'" in line and "brightwave-launch" in line]


def test_a_site_folder_linked_out_of_the_repository_is_neither_read_nor_written(repo, tmp_path):
    """Without --changed-since too (the Action's whole-site mode runs on pull requests): a
    committed `blog -> <outside>` had the run lint the outside folder and write its cache there.
    A link that stays inside the repository is followed as before."""
    outside = copy_site(DEMO_SITE, tmp_path / "outside")
    (repo / "blog").symlink_to(outside)
    (repo / "inside").symlink_to(repo / "_posts")
    run_out = postlint(repo, "blog", cache_home=tmp_path / "cache-home")
    assert run_out.returncode == 2 and "a symbolic link leads out of the repository" in run_out.stderr
    assert not (outside / ".postlint_cache").exists()
    assert postlint(repo, "inside", cache_home=tmp_path / "cache-home").returncode == 1


def test_a_branch_that_leaves_the_configuration_alone_is_not_warned(repo, tmp_path):
    post = repo / BAD_POST
    post.write_text(post.read_text() + "\nOne more sentence.\n")
    git(repo, "commit", "-q", "-am", "a sentence")
    gate = postlint(repo, "--changed-since", "main", ".", cache_home=tmp_path / "cache-home")
    assert gate.returncode == 1
    assert "configuration" not in gate.stderr


def test_a_rule_file_linked_inside_its_folder_is_no_change_of_the_branch(repo, tmp_path):
    """A YAML rule file that is a symbolic link to a file of its own folder is a rule on disk and
    at the merge base alike: a branch that leaves it alone is not warned."""
    with on_main(repo, "house rules"):
        (repo / "house-rules").mkdir()
        (repo / "house-rules" / "brand.txt").write_text(HOUSE_RULE)
        (repo / "house-rules" / "brand.yml").symlink_to("brand.txt")
        config = repo / ".postlint.yaml"
        config.write_text(config.read_text() + "yaml_rules: [house-rules]\n")
    (repo / NEW_POST).write_text("---\ntitle: BrightWave is live\nlayout: post\n---\nBrightWave launches today.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a post")
    gate = postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=tmp_path / "cache-home")
    assert [line for line in annotations(gate) if "HSE001" in line and "brightwave-launch" in line]
    assert "configuration" not in gate.stderr


def test_the_inline_suppressions_a_branch_adds_are_named_for_its_reviewer(repo, tmp_path):
    """An inline suppression is an author's exception and the gate honours it, as it would once
    merged; the ones the branch adds, and only those, are named in a note."""
    post = repo / BAD_POST
    with on_main(repo, "an exception"):
        post.write_text(post.read_text() + "\n<!-- postlint-disable-next-line STY001 -->\nPricing is TBD.\n")
    post.write_text(post.read_text() + "\nOne more paragraph, after the exception.\n")  # the same directive stays
    (repo / NEW_POST).write_text("---\ntitle: BrightWave is live\nlayout: post\npostlint: {ignore: [front-matter-required]}\n"
                                 "---\n<!-- postlint-disable-next-line LNK001 -->\n"
                                 "Launched today: {% post_url 2024-01-15-no-such-post %}.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a post with exceptions")
    gate = postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=tmp_path / "cache-home")
    assert not [line for line in annotations(gate) if "brightwave-launch" in line and ("LNK001" in line or "FM002" in line)]
    notes = [line for line in gate.stderr.splitlines() if "inline suppression" in line]
    assert len(notes) == 1
    assert "adds 2 inline suppressions" in notes[0]
    assert f"{NEW_POST}:6 `postlint-disable-next-line LNK001`" in notes[0]
    assert f"{NEW_POST}:4 `postlint: {{ignore: [front-matter-required]}}`" in notes[0]
    assert BAD_POST not in notes[0]


def test_a_disable_whose_enable_the_branch_removes_is_named(repo, tmp_path):
    """Removing the `postlint-enable` that ended a `postlint-disable` stretches it over the rest
    of the file, and over what the branch writes there: the note names the disable."""
    post = repo / BAD_POST
    with on_main(repo, "an exception for one paragraph"):
        post.write_text(post.read_text() + "\n<!-- postlint-disable STY001 -->\nPricing is TBD.\n<!-- postlint-enable STY001 -->\n")
    lines = post.read_text().splitlines()
    post.write_text("\n".join(line for line in lines if "postlint-enable" not in line) + "\nThe rollout date is TBD.\n")
    git(repo, "commit", "-q", "-am", "an enable removed, a placeholder added")
    gate = postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=tmp_path / "cache-home")
    notes = [line for line in gate.stderr.splitlines() if "inline suppression" in line]
    disable_line = next(number for number, line in enumerate(lines, 1) if "postlint-disable STY001" in line)
    assert len(notes) == 1 and (f"{BAD_POST}:{disable_line} `postlint-disable STY001` (the branch removes a "
                                "`postlint-enable` that ended it)") in notes[0]


def test_a_config_linked_at_the_merge_base_is_followed_there(repo, tmp_path):
    """A `.postlint.yaml` that is a symbolic link in the repository is read as the merge base's
    link leads there: the branch's edit to the file it names hides nothing."""
    with on_main(repo, "the config in its folder"):
        (repo / "config").mkdir()
        (repo / ".postlint.yaml").rename(repo / "config" / "postlint.yaml")
        (repo / ".postlint.yaml").symlink_to("config/postlint.yaml")
    (repo / NEW_POST).write_text("---\ntitle: BrightWave is live\nlayout: post\n---\nHello.\n")
    target = repo / "config" / "postlint.yaml"
    target.write_text(target.read_text() + 'exclude: ["_posts/2024-07-01-*"]\n')
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a post, and an exclude")
    gate = postlint(repo, "--changed-since", "main", "--format", "github", ".", cache_home=tmp_path / "cache-home")
    assert [line for line in annotations(gate) if "FM002" in line and "brightwave-launch" in line]
    assert "this branch changes postlint's configuration (.postlint.yaml)" in gate.stderr
