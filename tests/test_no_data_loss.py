"""No data loss (issue 7).

Without --fix postlint writes nothing: every file under fixtures/ keeps its bytes, mode and
mtime through runs in every output format, and no file there is even opened for writing. With
--fix, writes are atomic and keep the file's encoding, byte-order mark, line endings,
permissions and symlinks, and a second --fix run changes nothing. The fix machinery is tested
with test-only fixable rules, independent of which built-in rules offer fixes.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, REPO, add_rules
from typer.testing import CliRunner

from postlint.cli import Format, app
from postlint.engine import check as engine_module
from postlint.finding import Edit, Fix, Problem
from postlint.registry import Rule

runner = CliRunner()
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under `root`: (kind, bytes or link target, mode, mtime_ns)."""
    entries: dict[str, tuple] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if os.path.islink(path):
                entries[path] = ("link", os.readlink(path), info.st_mode, info.st_mtime_ns)
            elif os.path.isdir(path):
                entries[path] = ("dir", None, info.st_mode, None)  # a folder's mtime moves when pytest caches
            else:
                entries[path] = ("file", Path(path).read_bytes(), info.st_mode, info.st_mtime_ns)
    return entries


def lint_everything_args() -> list[str]:
    cases = sorted(str(p.relative_to(REPO)) for p in (FIXTURES / "cases").iterdir() if p.is_dir())
    return ["fixtures/demo-site", *cases, "fixtures/bad-input"]


@pytest.fixture
def write_spy(monkeypatch):
    """Record every attempt to open, create, replace or delete a path under fixtures/."""
    return spy_on_writes(monkeypatch, FIXTURES)


def spy_on_writes(monkeypatch, root: Path) -> list[str]:
    attempts: list[str] = []
    inside = str(root)

    def note(what: str, path) -> None:
        if isinstance(path, (str, bytes, os.PathLike)) and os.path.abspath(os.fsdecode(path)).startswith(inside):
            attempts.append(f"{what} {os.fsdecode(path)}")

    real_os_open, real_open = os.open, builtins.open

    def spy_os_open(path, flags, *args, **kwargs):
        if flags & WRITE_FLAGS:
            note("os.open for writing", path)
        return real_os_open(path, flags, *args, **kwargs)

    def spy_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            note(f"open(mode={mode!r})", file)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    for name in ("replace", "rename", "unlink", "remove", "rmdir", "mkdir", "chmod", "utime"):
        real = getattr(os, name)

        def spy(path, *args, _real=real, _name=name, **kwargs):
            note(f"os.{_name}", path)
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    return attempts


def test_check_writes_nothing_in_any_format(monkeypatch, write_spy):
    monkeypatch.chdir(REPO)
    before = snapshot(FIXTURES)
    for output_format in Format:
        result = runner.invoke(app, ["check", *lint_everything_args(), "--format", output_format.value])
        assert result.exception is None or isinstance(result.exception, SystemExit), (output_format, result.exception)
        assert result.exit_code in (1, 2), (output_format, result.output[-2000:])  # the fixtures have findings
        assert result.stdout.strip(), output_format
    assert write_spy == []
    assert snapshot(FIXTURES) == before


def test_default_run_writes_nothing_but_its_own_cache(tmp_path, monkeypatch):
    """The CLI keeps a result cache by default (issue 6): in `.postlint_cache/` at each site root,
    and nowhere else. Run over a copy of fixtures/ so the repository stays clean."""
    monkeypatch.delenv("POSTLINT_NO_CACHE", raising=False)
    shutil.copytree(FIXTURES, tmp_path / "fixtures", symlinks=True, ignore=shutil.ignore_patterns(".postlint_cache"))
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path / "fixtures")
    attempts = spy_on_writes(monkeypatch, tmp_path / "fixtures")
    for output_format in Format:
        result = runner.invoke(app, ["check", *lint_everything_args(), "--format", output_format.value])
        assert result.exit_code in (1, 2), (output_format, result.output[-2000:])
    monkeypatch.undo()
    assert [a for a in attempts if "/.postlint_cache" not in a] == []
    everything = snapshot(tmp_path / "fixtures")
    assert any("/.postlint_cache/" in path for path in everything), "the default run keeps its cache"
    assert {path: entry for path, entry in everything.items() if "/.postlint_cache" not in path} == before


def test_check_in_a_real_process_writes_nothing():
    before = snapshot(FIXTURES)
    done = subprocess.run([sys.executable, "-m", "postlint", "check", *lint_everything_args(), "--format", "json"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode in (1, 2), done.stderr
    json.loads(done.stdout)
    assert "Traceback" not in done.stderr
    assert snapshot(FIXTURES) == before


# --- --fix -----------------------------------------------------------------------------------------

def _colour_to_color(post, ctx):
    for match in re.finditer(r"colour", post.text):
        line, column = post.position(match.start())
        yield Problem(line, column, "American spelling", fix=Fix("spell it color", (Edit(match.start(), match.end(), "color"),)))


def _split_marker(post, ctx):
    """Replace SPLIT-HERE by two lines: the replacement's "\\n" must follow the file's line breaks."""
    for match in re.finditer(r"SPLIT-HERE", post.text):
        line, column = post.position(match.start())
        yield Problem(line, column, "split", fix=Fix("split", (Edit(match.start(), match.end(), "first half\nsecond half"),)))


def _trailing_spaces(post, ctx):
    """Trim trailing blanks the way a naive rule would on Source.text, where a CRLF's CR is a space."""
    for match in re.finditer(r"[ \t]+$", post.text, re.M):
        line, column = post.position(match.start())
        yield Problem(line, column, "trailing blanks", fix=Fix("trim", (Edit(match.start(), match.end(), ""),)))


FIX_RULES = [
    Rule("ZZZ901", "colour-spelling", "warning", _colour_to_color, "Test rule.", fixable=True),
    Rule("ZZZ902", "split-marker", "warning", _split_marker, "Test rule.", fixable=True),
    Rule("ZZZ903", "trailing-blanks", "warning", _trailing_spaces, "Test rule.", fixable=True),
]
BODY = "---\ntitle: Colours\ndate: 2024-01-01\n---\nThe colour of the sky.  \nSPLIT-HERE\nAnother colour line.\n"
VARIANTS = {
    "lf": (b"", "utf-8", "\n"),
    "crlf": (b"", "utf-8", "\r\n"),
    "cr": (b"", "utf-8", "\r"),
    "bom-crlf": (b"\xef\xbb\xbf", "utf-8", "\r\n"),
    "utf16le": (b"\xff\xfe", "utf-16-le", "\r\n"),
    "utf16be": (b"\xfe\xff", "utf-16-be", "\n"),
}
FIXED = "---\ntitle: Colours\ndate: 2024-01-01\n---\nThe color of the sky.\nfirst half\nsecond half\nAnother color line.\n"


@pytest.fixture
def fix_rules(monkeypatch):
    add_rules(monkeypatch, *FIX_RULES)


def make_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: fixes\n")
    for index, (name, (bom, encoding, newline)) in enumerate(VARIANTS.items()):
        path = site / "_posts" / f"2024-01-0{index + 1}-{name}.md"
        path.write_bytes(bom + BODY.replace("\n", newline).encode(encoding))
        path.chmod(0o640 if index % 2 else 0o604)
    return site


def fix(site: Path, *extra: str):
    return runner.invoke(app, ["check", str(site), "--fix", "--select", "ZZZ9", "--format", "json", *extra])


@pytest.mark.parametrize("name", VARIANTS)
def test_fix_keeps_encoding_bom_line_endings_and_mode(tmp_path, fix_rules, name):
    site = make_site(tmp_path)
    bom, encoding, newline = VARIANTS[name]
    path = next((site / "_posts").glob(f"*-{name}.md"))
    mode = path.stat().st_mode
    result = fix(site)
    assert result.exit_code == 0, result.output  # everything fixed, nothing left
    data = path.read_bytes()
    assert data.startswith(bom) and not (not bom and data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")))
    assert data[len(bom):].decode(encoding) == FIXED.replace("\n", newline)
    assert path.stat().st_mode == mode
    assert [p.name for p in (site / "_posts").iterdir() if "postlint-tmp" in p.name] == []


def test_second_fix_changes_nothing(tmp_path, fix_rules):
    site = make_site(tmp_path)
    assert fix(site).exit_code == 0
    first = snapshot(site)
    again = fix(site)
    assert again.exit_code == 0
    # Left over: only the naive rule's reports of a CRLF's CR as a trailing blank, which the
    # engine refuses to delete (that would turn CRLF into LF on those lines).
    left = {(Path(f["path"]).name.split("-", 3)[-1], f["code"]) for f in json.loads(again.stdout)}
    assert left <= {("crlf.md", "ZZZ903"), ("bom-crlf.md", "ZZZ903"), ("utf16le.md", "ZZZ903")}
    assert snapshot(site) == first  # same bytes, same mtimes: nothing was rewritten


def test_fix_rewrites_a_symlinked_post_through_its_link(tmp_path, fix_rules):
    site = make_site(tmp_path)
    real = site / "drafts-kept-elsewhere" / "linked.md"
    real.parent.mkdir()
    real.write_text(BODY)
    link = site / "_posts" / "2024-02-01-linked.md"
    link.symlink_to(real)
    assert fix(site).exit_code == 0
    assert link.is_symlink() and real.read_text() == FIXED


def test_fix_never_writes_outside_the_site_through_a_symlink(tmp_path, fix_rules):
    site = make_site(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_text(BODY)
    (site / "_posts" / "2024-02-01-linked.md").symlink_to(outside)
    result = fix(site, "--select", "PL002")
    assert result.exit_code == 1  # the link is never followed: the post is unreadable, not fixed
    assert any("outside the site" in f["message"] for f in json.loads(result.stdout) if f["code"] == "PL002")
    assert outside.read_text() == BODY


def test_failed_write_leaves_the_file_whole(tmp_path, fix_rules, monkeypatch):
    site = make_site(tmp_path)
    before = snapshot(site)

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine_module.os, "replace", refuse)
    result = fix(site)
    assert result.exit_code == 2  # reported, not a traceback
    messages = [f["message"] for f in json.loads(result.stdout) if f["code"] == "PL001"]
    assert len(messages) == len(VARIANTS) and all("No space left on device" in m for m in messages)
    assert snapshot(site) == before  # untouched, and no temporary file left behind


def test_file_changed_during_the_run_is_not_overwritten(tmp_path, fix_rules, monkeypatch):
    site = make_site(tmp_path)
    path = next((site / "_posts").glob("*-lf.md"))
    real_check = engine_module.check_post

    def check_then_someone_saves(post, settings, site, *args, **kwargs):
        findings = real_check(post, settings, site, *args, **kwargs)
        if post.path == path and site.shard is None:  # the check whose fixes are written, not a fact pass's
            path.write_text(BODY + "A line the author just typed.\n")
        return findings

    monkeypatch.setattr(engine_module, "check_post", check_then_someone_saves)
    result = fix(site)
    assert result.exit_code == 2
    assert any("changed on disk" in f["message"] for f in json.loads(result.stdout) if f["code"] == "PL001")
    assert path.read_text() == BODY + "A line the author just typed.\n"


def test_unreadable_and_bad_files_are_never_fixed(tmp_path, fix_rules):
    site = make_site(tmp_path)
    latin1 = site / "_posts" / "2024-03-01-latin1.md"
    latin1.write_bytes("---\ntitle: Caf\xe9\n---\nThe colour.\n".encode("latin-1"))
    before = latin1.read_bytes()
    fix(site)
    assert latin1.read_bytes() == before


# --- listing the fixes, --diff ---------------------------------------------------------------------

def test_fix_lists_each_fix(tmp_path, fix_rules, monkeypatch):
    site = make_site(tmp_path)
    monkeypatch.chdir(site)
    result = runner.invoke(app, ["check", "--fix", "--select", "ZZZ901,ZZZ902"])
    assert result.exit_code == 0
    lines = result.stdout[result.stdout.index("Fixed 18 findings:"):].splitlines()
    assert "  _posts/2024-01-01-lf.md:5:5: ZZZ901 colour-spelling  spell it color" in lines
    assert "  _posts/2024-01-01-lf.md:6:1: ZZZ902 split-marker  split" in lines
    assert "  _posts/2024-01-01-lf.md:7:9: ZZZ901 colour-spelling  spell it color" in lines
    assert len(lines) == 19
    # a machine format keeps its stdout: the list goes to stderr
    (site / "_posts" / "2024-01-01-lf.md").write_text(BODY)
    machine = runner.invoke(app, ["check", "--fix", "--select", "ZZZ901", "--format", "json"])
    assert json.loads(machine.stdout) == [] and "Fixed 2 findings:" in machine.stderr
    assert runner.invoke(app, ["check", "--fix", "--select", "ZZZ901", "-q"]).stdout == ""


def test_diff_shows_the_fixes_and_writes_nothing(tmp_path, fix_rules, monkeypatch):
    site = make_site(tmp_path)
    (site / "_posts" / "2024-02-01-no-final-newline.md").write_text(BODY.rstrip("\n").replace("SPLIT-HERE\n", ""))
    monkeypatch.chdir(site)
    before = snapshot(site)
    with pytest.MonkeyPatch.context() as spying:
        attempts = spy_on_writes(spying, site)
        result = runner.invoke(app, ["check", "--diff", "--select", "ZZZ901,ZZZ902"])
    assert result.exit_code == 1  # there is something to fix
    assert attempts == [] and snapshot(site) == before
    assert "Would fix 20 findings:" in result.stderr and "  _posts/2024-01-01-lf.md:6:1: ZZZ902 split-marker" in result.stderr
    assert "--- _posts/2024-01-01-lf.md\n+++ _posts/2024-01-01-lf.md\n" in result.stdout
    assert "-SPLIT-HERE\n-Another colour line.\n+The color of the sky.  \n+first half\n+second half\n" in result.stdout
    assert "+Another color line.\n\\ No newline at end of file\n" in result.stdout
    if shutil.which("patch"):  # the diff applies, and gives what --fix writes (UTF-8 files with LF line breaks)
        names = ["_posts/2024-01-01-lf.md", "_posts/2024-02-01-no-final-newline.md"]
        diff = runner.invoke(app, ["check", "--diff", "--select", "ZZZ901,ZZZ902", *names]).stdout
        patched = tmp_path / "patched"
        shutil.copytree(site, patched)
        applied = subprocess.run(["patch", "-p0"], input=diff.encode("utf-8"), cwd=patched, capture_output=True,
                                 check=False)
        assert applied.returncode == 0 and applied.stdout.count(b"patching file") == 2, applied.stdout
        assert runner.invoke(app, ["check", "--fix", "--select", "ZZZ901,ZZZ902", *names]).exit_code == 0
        for name in names:
            assert (patched / name).read_bytes() == (site / name).read_bytes(), name


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
def test_a_diff_of_files_named_with_spaces_or_quotes_applies(tmp_path, fix_rules, monkeypatch):
    """GNU patch ends a header's name at its first space unless a tab follows the name, and reads
    a quoted name with C escapes: 18F's `three-ways-to manage-research-projects.md` made a diff
    `patch -p0` refused."""
    site = make_site(tmp_path)
    names = ["_posts/2024-03-01-three-ways-to manage.md", '_posts/2024-03-02-a "quoted" café.md']
    for name in names:
        (site / name).write_text(BODY)
    monkeypatch.chdir(site)
    diff = runner.invoke(app, ["check", "--diff", "--select", "ZZZ901", *names]).stdout
    assert "--- _posts/2024-03-01-three-ways-to manage.md\t\n" in diff
    assert '--- "_posts/2024-03-02-a \\"quoted\\" caf\\303\\251.md"\n' in diff
    patched = tmp_path / "patched"
    shutil.copytree(site, patched)
    applied = subprocess.run(["patch", "-p0"], input=diff.encode("utf-8"), cwd=patched, capture_output=True, check=False)
    assert applied.returncode == 0 and applied.stdout.count(b"patching file") == 2, applied.stdout
    assert runner.invoke(app, ["check", "--fix", "--select", "ZZZ901", *names]).exit_code == 0
    for name in names:
        assert (patched / name).read_bytes() == (site / name).read_bytes(), name


def test_diff_with_nothing_to_fix_exits_0(tmp_path, fix_rules, monkeypatch):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: fixes\n")
    (site / "_posts" / "2024-01-01-clean.md").write_text("---\ntitle: Clean\ndate: 2024-01-01\n---\nNothing here.\n")
    monkeypatch.chdir(site)
    result = runner.invoke(app, ["check", "--diff", "--select", "ZZZ9"])
    assert result.exit_code == 0 and result.stdout == "" and "Nothing to fix." in result.stderr
    assert runner.invoke(app, ["check", "--diff", "--format", "json"]).exit_code == 2
