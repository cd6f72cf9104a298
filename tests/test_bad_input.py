"""Bad input (issue 7): every damaged file gets a clear finding of its own, never a traceback or
a hang; the other files are still linted; the exit code follows the README's policy.

fixtures/bad-input/ holds what git can hold. What it cannot (a 20 MB post, a 1 MB line, symlink
loops, a FIFO, a device, a dangling link, an unreadable file, a folder named like a post) is made
here, in a copy of the site under tmp_path.

An unreadable file: CI runs as root, and root ignores permission bits, so `chmod 000` alone
proves nothing there. The file is made mode 000 for real; when the tests run as root, opening it
is made to fail with EACCES (the error a normal user gets) at postlint's one open call. The FIFO,
the dangling link and the device are real in both cases.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import FIXTURES, add_rules, copy_site, run, time_limit
from typer.testing import CliRunner

from postlint import patterns
from postlint.cli import app
from postlint.engine import check as engine_module
from postlint.errors import NotUtf8, UnreadableFile
from postlint.finding import Problem
from postlint.jekyll import site as site_module
from postlint.parse import frontmatter_memo
from postlint.parse import markdown as markdown_module
from postlint.parse import post as post_module
from postlint.parse import source as source_module
from postlint.registry import Rule

BAD = FIXTURES / "bad-input"
MB = 1 << 20
runner = CliRunner()

# file name -> (code, part of the message): what postlint reports for each committed bad file.
COMMITTED = {
    "2024-02-01-invalid-yaml.md": ("FM001", "double quote opened here is never closed"),
    "2024-02-02-top-level-list.md": ("FM001", "not a list"),
    "2024-02-03-top-level-string.md": ("FM001", "not a string"),
    "2024-02-04-unterminated.md": ("FM001", "no closing '---'"),
    "2024-02-05-empty.md": ("FM001", "post has no front matter"),
    "2024-02-07-binary.md": ("PL002", "binary file"),
    "2024-02-08-invalid-utf8.md": ("PL002", "not valid UTF-8"),
    "2024-02-09-utf16-bom.md": ("STY001", "TBD"),  # decoded and linted like any post
    "2024-02-10-utf8-bom.md": ("STY001", "TBD"),
    "2024-02-11-crlf.md": ("STY001", "TBD"),
    "2024-02-12-lone-cr.md": ("STY001", "TBD"),
    "2024-02-13-deep-yaml.md": ("FM001", "more than 64 levels deep"),
    "2024-02-14-alias-bomb.md": ("FM001", "billion laughs"),
    "2024-02-15-duplicate-keys.md": ("FM001", "key 'title' is also written on line 2"),
    "2024-02-16-tabs-in-yaml.md": ("FM001", "a tab character"),
    "2024-02-17-escaping-paths.md": ("LNK001", "'../../../etc/passwd'"),
    "2024-02-19-recursive-alias.md": ("FM001", "contains itself"),
    "2024-02-20-utf16-no-bom.md": ("PL002", "UTF-16 little-endian text without a byte-order mark"),
}
GENERATED = {
    "2024-03-01-huge.md": ("PL002", "over the 10,485,760-byte limit (max_file_size)"),
    "2024-03-02-long-line.md": ("STY001", "TBD"),
    "2024-03-03-self-loop.md": ("PL002", "symbolic link loop"),
    "2024-03-04-loop-a.md": ("PL002", "symbolic link loop"),
    "2024-03-05-fifo.md": ("PL002", "named pipe (FIFO)"),
    "2024-03-06-dangling.md": ("PL002", "broken symbolic link"),
    "2024-03-07-unreadable.md": ("PL002", "Permission denied"),
    "2024-03-09-device.md": ("PL002", "character device"),
}
FOLDER_NAMED_LIKE_A_POST = "2024-03-08-folder.md"




def long_line(size: int) -> str:
    """About `size` characters of prose, links and Liquid on one line, ending in 'TBD'."""
    unit = ("The team shipped the release and [the notes](https://example.com/notes) say why; "
            "see {{ '/about/' | relative_url }} and `make docs` for more. ")
    return (unit * (size // len(unit) + 1))[:size] + " TBD"


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory) -> Path:
    return build_bad_site(tmp_path_factory.mktemp("bad") / "site")


def build_bad_site(site: Path) -> Path:
    """A copy of fixtures/bad-input at `site`, with the inputs git cannot hold added."""
    copy_site(BAD, site, symlinks=True)
    posts = site / "_posts"
    huge = "---\ntitle: Huge\ndate: 2024-03-01\n---\n" + ("Twenty megabytes of words. " * 40 + "\n") * (20 * MB // 1081 + 1)
    (posts / "2024-03-01-huge.md").write_text(huge)
    (posts / "2024-03-02-long-line.md").write_text("---\ntitle: One long line\ndate: 2024-03-02\n---\n" + long_line(MB) + "\n")
    (posts / "2024-03-03-self-loop.md").symlink_to("2024-03-03-self-loop.md")
    (posts / "2024-03-04-loop-a.md").symlink_to("2024-03-04-loop-b.md")
    (posts / "2024-03-04-loop-b.md").symlink_to("2024-03-04-loop-a.md")
    (posts / "again").symlink_to(".", target_is_directory=True)  # a folder loop: _posts/again/again/...
    if hasattr(os, "mkfifo"):
        os.mkfifo(posts / "2024-03-05-fifo.md")
    (posts / "2024-03-06-dangling.md").symlink_to("2024-01-01-nowhere.md")
    unreadable = posts / "2024-03-07-unreadable.md"
    unreadable.write_text("---\ntitle: Locked\ndate: 2024-03-07\n---\nLocked away.\n")
    unreadable.chmod(0)
    (posts / FOLDER_NAMED_LIKE_A_POST).mkdir()
    if os.path.exists("/dev/zero"):
        (posts / "2024-03-09-device.md").symlink_to("/dev/zero")
    return site


@contextmanager
def permissions_enforced(site: Path):
    """Make the mode-000 file unreadable even for root (see the module docs)."""
    with pytest.MonkeyPatch.context() as patch:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            locked = str(site / "_posts" / "2024-03-07-unreadable.md")
            real_open = os.open

            def deny(path, flags, *args, **kwargs):
                if str(path) == locked:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
                return real_open(path, flags, *args, **kwargs)

            patch.setattr(source_module.os, "open", deny)
        yield


@pytest.fixture(scope="module")
def bad_result(bad_site):
    """One in-process run over the whole bad site (with the 20 MB post and the 1 MB line)."""
    with permissions_enforced(bad_site), time_limit(60):
        result, _ = run([bad_site])
    return result


def expected(site: Path) -> dict[str, tuple[str, str]]:
    cases = {**COMMITTED, **GENERATED}
    if not hasattr(os, "mkfifo"):
        cases.pop("2024-03-05-fifo.md")
    if not os.path.exists("/dev/zero"):
        cases.pop("2024-03-09-device.md")
    return cases


def test_every_bad_file_gets_its_own_clear_finding(bad_site, bad_result):
    result = bad_result
    assert not [f.message for f in result.findings if f.internal], "no internal error on any bad input"
    by_file: dict[str, list] = {}
    for finding in result.findings:
        by_file.setdefault(Path(finding.path).name, []).append(finding)
    for name, (code, fragment) in expected(bad_site).items():
        found = [(f.code, f.message) for f in by_file.get(name, [])]
        assert any(c == code and fragment in m for c, m in found), f"{name}: expected {code} '{fragment}', got {found}"
    for finding in result.findings:
        assert finding.line >= 1 and finding.column >= 1
    # Files that could not be read say so once, and nothing else.
    for name, (code, _) in GENERATED.items():
        if code == "PL002" and name in by_file:
            assert [f.code for f in by_file[name]] == ["PL002"], name


def test_other_files_are_still_linted(bad_result):
    result = bad_result
    control = [f for f in result.findings if f.path.endswith("2024-01-01-control.md")]
    assert [(f.code, f.line) for f in control] == [("STY001", 6)]
    front_matter_only = [f.code for f in result.findings if f.path.endswith("2024-02-06-front-matter-only.md")]
    assert front_matter_only == ["SEO002"]  # valid: a post may have no body (it lacks a description)


def test_folder_loops_and_folders_named_like_posts_are_not_files(bad_site, bad_result):
    result = bad_result
    assert not any("/again/" in f.path for f in result.findings), "a symlinked folder loop is never walked"
    assert not any(FOLDER_NAMED_LIKE_A_POST in f.path for f in result.findings)
    direct, _ = run([bad_site / "_posts" / FOLDER_NAMED_LIKE_A_POST])
    assert direct.files_checked == 0 and not direct.findings  # a folder: its posts (none), like Jekyll


def test_exit_code_and_json_over_bad_input(bad_site, monkeypatch):
    monkeypatch.chdir(bad_site)
    with permissions_enforced(bad_site), time_limit(60):
        result = runner.invoke(app, ["check", ".", "--format", "json"])
    assert result.exit_code == 1, result.output  # findings, no internal error: README's exit 1
    findings = json.loads(result.stdout)
    assert {f["code"] for f in findings} >= {"FM001", "PL002", "STY001"}
    assert "Traceback" not in result.output


def test_loop_named_on_the_command_line(bad_site):
    for name in ("2024-03-03-self-loop.md", "2024-03-04-loop-a.md", "2024-03-06-dangling.md"):
        result = runner.invoke(app, ["check", str(bad_site / "_posts" / name), "--format", "json"])
        assert result.exit_code == 1, (name, result.output)
        assert [f["code"] for f in json.loads(result.stdout)] == ["PL002"]


def test_fifos_and_devices_are_never_opened(bad_site, monkeypatch):
    special = [bad_site / "_posts" / name for name in ("2024-03-05-fifo.md", "2024-03-09-device.md")
               if os.path.lexists(bad_site / "_posts" / name)]
    if not special:
        pytest.skip("no FIFOs or /dev/zero on this platform")
    opened: list[str] = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(source_module.os, "open", spy)
    with time_limit(10):  # a blocking open() of the FIFO would wait for a writer forever
        result, _ = run(special)
    assert [f.code for f in result.findings] == ["PL002"] * len(special)
    assert not set(map(str, special)) & set(opened)


def test_max_file_size_is_configurable(tmp_path):
    copy_site(BAD, tmp_path / "site")
    (tmp_path / "site" / ".postlint.yaml").write_text("max_file_size: 100\n")
    control = tmp_path / "site" / "_posts" / "2024-01-01-control.md"
    result, _ = run([control])
    assert [(f.code, f.message) for f in result.findings] == [
        ("PL002", f"file is {control.stat().st_size:,} bytes, over the 100-byte limit (max_file_size); not linted")]


def test_paths_outside_the_site_are_never_read(bad_site, monkeypatch):
    opened: list[Path] = []

    def spy(path, max_size, *known):
        opened.append(Path(path))
        return source_module.read_bytes(path, max_size, *known)

    monkeypatch.setattr(site_module, "read_bytes", spy)  # other files' front matter (post_url targets)
    monkeypatch.setattr(engine_module, "read_bytes", spy)  # the linted files
    result, _ = run([bad_site / "_posts" / "2024-02-17-escaping-paths.md"])
    assert {f.code for f in result.findings} == {"LNK001", "LNK002", "SEO002"}  # SEO002: it has no description
    assert opened
    root = bad_site.resolve()
    for path in opened:
        assert Path(os.path.abspath(path)).is_relative_to(root), f"read {path}, outside the site"


# --- quadratic work on long lines ----------------------------------------------------------------

ADVERSARIAL = {
    "open-brackets": "[" * 100_000 + "[a](b)",
    "open-images": "![" * 100_000 + "![a](b.png)",
    "unclosed-liquid-tags": "{%" * 100_000,
    "unclosed-liquid-outputs": "{{ x " * 100_000,
    "unclosed-link-destinations": "[a](" * 100_000,
    "brackets-between-links": "[ [a](b) " * 20_000,
    "unclosed-suppressions": "TBD <!-- postlint-disable " * 20_000,
    "code-links-directives": "`a` [x](/y) <!-- postlint-disable-line CPY003 --> TBD " * 10_000,
    "angle-destinations": "[a](<" * 100_000,
}


@pytest.mark.parametrize("shape", ADVERSARIAL, ids=list(ADVERSARIAL))
def test_long_adversarial_lines_finish_quickly(tmp_path, shape):
    """Each of these took minutes or hours before (rescanning from every unclosed opener)."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    post = tmp_path / "_posts" / "2024-01-01-long.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Long\ndate: 2024-01-01\n---\n" + ADVERSARIAL[shape] + "\n")
    started = time.perf_counter()
    with time_limit(45):
        result, _ = run([post])
    assert not [f.message for f in result.findings if f.internal]
    assert time.perf_counter() - started < 45


def test_a_description_of_unclosed_tags_is_measured_quickly(tmp_path):
    """description-length leaves HTML tags out of the count: from every `<` that no `>` follows,
    a regular expression went over the rest of the description again (hours for this one)."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    post = tmp_path / "_posts" / "2024-01-01-long.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Long\ndescription: '" + "<" * 200_000 + "'\n---\nBody.\n")
    with time_limit(45):
        result, _ = run([post], select=["description-length"])
    assert [f.message for f in result.findings] == ["description is 200000 characters; search results show about 160"]


# --- crash isolation -----------------------------------------------------------------------------

def _exploding(real, marker: str):
    def wrapper(*args, **kwargs):
        if any(marker in str(arg) for arg in args[:1]):
            raise ZeroDivisionError(f"boom in {real.__name__}")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("module, target", [(markdown_module, "parse_body"), (post_module, "scan_liquid")])
def test_lazy_parse_failure_stays_in_its_file(monkeypatch, module, target):
    """Markdown and Liquid are parsed on first use, inside a rule: a parser bug is that rule's
    internal error on that one file."""
    monkeypatch.setattr(module, target, _exploding(getattr(module, target), "TBD for now"))
    result, _ = run([BAD], select=["STY001", "FM001"])
    internal = [f for f in result.findings if f.internal]
    assert internal and all(f.code == "PL001" and f.path.endswith("2024-01-01-control.md") for f in internal)
    assert all("STY001 placeholder-text crashed" in f.message and "ZeroDivisionError" in f.message for f in internal)
    assert any(f.code == "STY001" and f.path.endswith("2024-02-10-utf8-bom.md") for f in result.findings)
    assert any(f.code == "FM001" for f in result.findings)


def test_read_and_parse_failure_in_the_engine_stays_in_its_file(monkeypatch):
    monkeypatch.setattr(frontmatter_memo, "parse_front_matter",
                        _exploding(frontmatter_memo.parse_front_matter, "Control post"))
    result, _ = run([BAD])
    internal = [f for f in result.findings if f.internal]
    assert [(Path(f.path).name, f.code) for f in internal] == [("2024-01-01-control.md", "PL001")]
    assert "postlint failed to read and parse this file: ZeroDivisionError" in internal[0].message
    assert any(f.code == "STY001" and f.path.endswith("2024-02-11-crlf.md") for f in result.findings)
    cli = runner.invoke(app, ["check", str(BAD), "--format", "json"])
    assert cli.exit_code == 2
    debug = runner.invoke(app, ["check", str(BAD), "--format", "json", "--debug"])
    assert debug.exit_code == 2
    messages = [f["message"] for f in json.loads(debug.stdout) if f["code"] == "PL001"]
    assert messages and "Traceback (most recent call last)" in messages[0] and "boom" in messages[0]


def _bad_problems(post, ctx):
    yield Problem(None, 1, "no line")  # type: ignore[arg-type]


def _too_deep(post, ctx):
    def dive(depth):
        return dive(depth + 1)

    return dive(0)


@pytest.mark.parametrize("check, expected", [(_bad_problems, "TypeError"), (_too_deep, "nests too deeply")])
def test_misbehaving_rule_is_an_internal_error(monkeypatch, check, expected):
    broken = Rule("ZZZ998", "misbehaving-rule", "warning", check, "Misbehaves.")
    add_rules(monkeypatch, broken)
    result, _ = run([BAD / "_posts" / "2024-01-01-control.md"], select=["ZZZ998", "STY001"])
    assert [f.code for f in result.findings] == ["PL001", "STY001"]
    assert "ZZZ998 misbehaving-rule crashed" in result.findings[0].message and expected in result.findings[0].message


# --- user regular expressions --------------------------------------------------------------------

def _user_rule(tmp_path: Path, tokens: str, message: str = "Found {match}") -> Path:
    site = tmp_path / "site"
    copy_site(BAD, site)
    rules = site / "house"
    rules.mkdir()
    (rules / "slow.yml").write_text(f"""code: HSE900
name: slow-pattern
kind: existence
regex: true
message: "{message}"
tokens: {tokens}
examples: {{fail: ["x"], pass: ["y"]}}
""")
    (site / ".postlint.yaml").write_text("yaml_rules: [house]\n")
    return site


@pytest.mark.parametrize("tokens, why", [
    ("['(a+)+b']", "unbounded repeat"),
    ("['(\\w+\\s?)+$']", "unbounded repeat"),
    ("['(foo|foobar)+!']", "alternatives that can match the same text"),
    ("['(unclosed']", "invalid regular expression"),
])
def test_catastrophic_patterns_are_refused_at_load(tmp_path, tokens, why):
    site = _user_rule(tmp_path, tokens)
    result = runner.invoke(app, ["check", str(site / "_posts" / "2024-01-01-control.md"), "--format", "json"])
    assert result.exit_code == 2
    assert "HSE900" not in {f["code"] for f in json.loads(result.stdout)}
    assert why in result.stderr


def test_message_with_unknown_placeholder_is_refused_at_load(tmp_path):
    site = _user_rule(tmp_path, "['TBD']", message="Found {word}")
    result = runner.invoke(app, ["check", str(site / "_posts" / "2024-01-01-control.md"), "--format", "json"])
    assert result.exit_code == 2 and "{match} and {replacement}" in result.stderr


def test_slow_pattern_is_stopped_by_its_time_budget(tmp_path, monkeypatch):
    """A polynomial pattern the shape check lets through is stopped by the match timeout."""
    site = _user_rule(tmp_path, r"['\w*\w*\w*\w*\w*\w*\d']")  # quadratic and worse: 5s on this line
    post = site / "_posts" / "2024-01-01-control.md"
    post.write_text("---\ntitle: Slow\ndate: 2024-01-01\n---\n" + "a" * 12_000 + "\n")
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.2)
    started = time.perf_counter()
    with time_limit(30):
        result = runner.invoke(app, ["check", str(post), "--format", "json"])
    assert time.perf_counter() - started < 30
    assert result.exit_code == 2
    internal = [f for f in json.loads(result.stdout) if f["code"] == "PL001"]
    assert internal and "HSE900 slow-pattern" in internal[0]["message"] and "took over 0.2s" in internal[0]["message"]


def test_bad_input_fixture_is_what_the_table_says():
    """Keep the committed fixture and COMMITTED in step."""
    names = {p.name for p in (BAD / "_posts").iterdir()}
    assert set(COMMITTED) <= names
    assert names - set(COMMITTED) == {"2024-01-01-control.md", "2024-02-06-front-matter-only.md"}
    assert all((BAD / "_posts" / n).stat().st_size < 4096 for n in names)


def test_file_name_that_is_not_utf8(tmp_path):
    """os.walk hands such a name over with lone surrogates, which no reporter can encode."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    try:
        with open(os.fsencode(tmp_path / "_posts") + b"/2024-01-01-caf\xe9.md", "wb") as handle:
            handle.write(b"---\ntitle: Cafe\ndate: 2024-01-01\n---\nThe menu is TBD.\n")
    except OSError:
        pytest.skip("this file system only takes UTF-8 names")
    from postlint.cli import Format

    for output_format in Format:
        result = runner.invoke(app, ["check", str(tmp_path), "--format", output_format.value])
        assert result.exception is None or isinstance(result.exception, SystemExit), (output_format, result.exception)
        assert "caf\ufffd.md" in result.stdout or "caf%EF%BF%BD.md" in result.stdout, output_format  # SARIF: a URI


def test_jekyll_config_with_an_impossible_date_still_loads(tmp_path):
    """PyYAML raises ValueError (not a YAMLError) on `2023-02-30`; Jekyll rolls it over."""
    copy_site(BAD, tmp_path / "site")
    (tmp_path / "site" / "_config.yml").write_text("title: t\nbaseurl: /blog\nlaunched: 2023-02-30\n")
    result = runner.invoke(app, ["check", str(tmp_path / "site" / "_posts" / "2024-01-01-control.md"), "--format", "json"])
    assert result.exit_code == 0 and [f["code"] for f in json.loads(result.stdout)] == ["STY001"]


def test_jekyll_config_alias_bomb_is_a_run_error(tmp_path):
    copy_site(BAD, tmp_path / "site")
    bomb = (BAD / "_posts" / "2024-02-14-alias-bomb.md").read_text().split("---\n")[1]
    (tmp_path / "site" / "_config.yml").write_text(bomb)
    with time_limit(20):
        result = runner.invoke(app, ["check", str(tmp_path / "site"), "--format", "json"])
    assert result.exit_code == 2
    assert "_config.yml expands to over 100,000 values" in result.stderr


def test_yaml_of_too_many_values_is_refused_before_it_is_composed(tmp_path):
    """A front matter (or _config.yml) of one list of three million items: composing it took
    2.3 GB and half a minute before the limit on values could refuse it. Long YAML is counted
    from the parser's events first, in bounded memory."""
    huge = "k: [" + ",".join(["a"] * 3_000_000) + "]\n"
    copy_site(BAD, tmp_path / "site")
    post = tmp_path / "site" / "_posts" / "2024-03-01-huge-list.md"
    post.write_text(f"---\ntitle: Huge\n{huge}---\nBody.\n")
    tracemalloc.start()
    try:
        with time_limit(20):
            result = runner.invoke(app, ["check", str(post), "--format", "json", "--no-cache", "--select", "FM001"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(f["code"], f["message"]) for f in json.loads(result.stdout)] == [
        ("FM001", "front matter holds over 100,000 YAML values; not loaded")]
    assert peak < 400 * 1024 * 1024
    (tmp_path / "site" / "_config.yml").write_text(f"title: t\n{huge}")
    result = runner.invoke(app, ["check", str(tmp_path / "site" / "_posts" / "2024-01-01-control.md")])
    assert result.exit_code == 2 and "_config.yml holds over 100,000 YAML values" in result.output


def test_control_characters_in_a_post_do_not_reach_the_terminal(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-escapes.md").write_text(
        "---\ntitle: Escapes\ndate: 2024-01-01\n---\nTBD \x1b]0;title\x07 \x1b[2J cleared\n")
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert "STY001" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\u241b[2J cleared" in result.stdout


def test_one_huge_paragraph_finishes_quickly(tmp_path):
    """8 MB of short sentences in one paragraph (under the 10 MiB limit): the sentence splitter
    sliced the rest of the paragraph at every sentence, about 45 s here before."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    post = tmp_path / "_posts" / "2024-01-01-paragraph.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: Paragraph\ndate: 2024-01-01\n---\n" + ("Twenty megabytes of words. " * 40 + "\n") * 7700)
    with time_limit(25):
        result, _ = run([post])
    assert result.files_checked == 1 and not [f for f in result.findings if f.internal]


def test_postlint_config_with_an_impossible_date_is_a_config_error(tmp_path):
    copy_site(BAD, tmp_path / "site")
    (tmp_path / "site" / ".postlint.yaml").write_text("fail_on: 2023-02-30\n")
    result = runner.invoke(app, ["check", str(tmp_path / "site")])
    assert result.exit_code == 2 and "'fail_on' must be one of" in result.stderr


def test_front_matter_pattern_from_config_cannot_hang(tmp_path):
    copy_site(BAD, tmp_path / "site")
    (tmp_path / "site" / ".postlint.yaml").write_text(
        "rules:\n  front-matter-schema:\n    patterns: {title: '(\\w+\\s?)+$'}\n")
    post = tmp_path / "site" / "_posts" / "2024-01-01-control.md"
    post.write_text("---\ntitle: " + "word " * 40 + "!\ndate: 2024-01-01\n---\nText.\n")
    with time_limit(20):
        result = runner.invoke(app, ["check", str(post), "--format", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "front-matter-schema.patterns.title" in result.stderr and "exponential time" in result.stderr


def test_result_cache_stays_small_on_a_long_line(tmp_path, monkeypatch):
    """The CLI caches results by default: 15,000 findings on one 1 MB line must not store the
    line 15,000 times (that was a 15 GB file and an out-of-memory kill)."""
    monkeypatch.delenv("POSTLINT_NO_CACHE", raising=False)
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-03-02-long-line.md").write_text(
        "---\ntitle: One long line\ndate: 2024-03-02\n---\n" + long_line(MB) + "\n")
    with time_limit(60):
        first = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])
        second = runner.invoke(app, ["check", str(tmp_path), "--format", "json"])  # from the cache
    assert first.exit_code == second.exit_code == 0
    assert len(json.loads(first.stdout)) > 10_000 and first.stdout == second.stdout
    cache_size = sum(p.stat().st_size for p in (tmp_path / ".postlint_cache").iterdir())
    assert cache_size < 10 * MB, cache_size


def _kills_its_process(post, ctx):
    if "KILL-THE-WORKER" in post.text:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer or a crash in C code does
    return iter(())


# Chunks of one file, and of six (400 // (2 workers * CHUNKS_PER_WORKER)): a chunk's results come back together.
@pytest.mark.parametrize("posts", [48, 400])
def test_a_worker_process_that_dies_does_not_hang_the_run(tmp_path, monkeypatch, posts):
    if not hasattr(signal, "SIGKILL") or "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("needs fork and SIGKILL")
    killer = Rule("ZZZ997", "process-killer", "warning", _kills_its_process, "Kills.")
    add_rules(monkeypatch, killer)
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    for index in range(posts):
        marker = "KILL-THE-WORKER" if index == 20 else ""
        (tmp_path / "_posts" / f"2024-01-{index % 28 + 1:02d}-post-{index}.md").write_text(
            f"---\ntitle: Post {index}\ndate: 2024-01-{index % 28 + 1:02d}\n---\nThe plan is TBD. {marker}\n")
    with time_limit(60):  # multiprocessing.Pool waited forever here
        result, _ = run([tmp_path], jobs=2, select=["ZZZ997", "STY001"])
    internal = [f for f in result.findings if f.internal]
    assert [Path(f.path).name for f in internal] == ["2024-01-21-post-20.md"]
    assert "died (killed by signal 9)" in internal[0].message
    assert sum(f.code == "STY001" for f in result.findings) == posts - 1  # every other file was checked


def test_a_yaml_set_reads_the_same_in_every_process(tmp_path):
    """`!!set` is a mapping of its members to null: loaded as a Python set, its order (in FM003's
    message, in a permalink made of it) followed each process's string-hash seed."""
    import subprocess
    import sys

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts" / "2024-01-01-a.md").write_text(
        "---\ntitle: A post\ntags: !!set {beta, alpha, gamma, delta}\npermalink: !!set {/b/, /a/}\n---\nText.\n")
    outputs = set()
    for seed in ("1", "2", "3"):
        completed = subprocess.run([sys.executable, "-m", "postlint", str(tmp_path), "--no-cache", "--format", "json"],
                                   capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert completed.returncode == 1, completed.stderr
        outputs.add(completed.stdout)
    assert len(outputs) == 1
    messages = [finding["message"] for finding in json.loads(outputs.pop()) if finding["code"] == "FM003"]
    assert "'tags' must be a list of strings or one string, not a mapping" in messages


@pytest.mark.parametrize("data, jekyll_reads", [
    (b"---\ntitle: a\n---\nplain \xc3\xa9\n", True),
    (b"\xef\xbb\xbf---\ntitle: a\n---\n", True),  # a UTF-8 byte-order mark
    ("---\ntitle: a\n---\n".encode("utf-16"), False),  # UTF-16 with its mark
    ("---\ntitle: a\n---\n".encode("utf-16-le"), True),  # ASCII as UTF-16 without a mark: NUL bytes, valid UTF-8
    ("---\ntitle: é\n---\n".encode("utf-16-le"), False),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", False),
    (b"---\ntitle: a\n---\nbad \xff byte\n", False),
])
def test_text_jekyll_cannot_read_is_told_apart(data, jekyll_reads):
    """decode() raises NotUtf8 exactly for bytes Jekyll (UTF-8 after an optional UTF-8 mark)
    cannot read either: the site model leaves such a post out, as Jekyll does."""
    try:
        _, _, encoding = source_module.decode(data)
    except UnreadableFile as exc:
        assert isinstance(exc, NotUtf8) is not jekyll_reads
    else:
        assert (encoding == "utf-8") is jekyll_reads
