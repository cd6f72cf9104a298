"""A CI gate for pull requests from strangers: the engine's side.

- Plugins are trusted code, but clumsy: what a rule prints goes to stderr (stdout stays the
  report's alone), its sys.exit() or any other BaseException (but Ctrl-C) is its internal error
  on that file, and a plugin rule that runs on and on is stopped after its time budget
  (patterns.MATCH_SECONDS per rule and file), in the main process as in forked workers.
- An image header that claims 100000 x 100000 px is an image-variants finding about its width,
  never an internal error, and no pixel is decoded or allocated.
- --fix keeps hard links and the setuid/setgid bits, and refuses to overwrite an edit saved
  between its checks and the switch to the new bytes.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import struct
import subprocess
import sys
import textwrap
import time
import warnings
import zlib
from pathlib import Path

import pytest
from helpers import add_rules, run, time_limit
from PIL import Image, ImageFile
from test_no_data_loss import BODY, FIXED, fix_rules  # noqa: F401 - fix_rules is a fixture
from typer.testing import CliRunner

from postlint import patterns
from postlint.cli import app
from postlint.engine import check as engine_module
from postlint.finding import Problem
from postlint.jekyll.site import Site
from postlint.registry import Rule, load_registry

runner = CliRunner()
HAS_ALARM = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
HAS_FORK = "fork" in __import__("multiprocessing").get_all_start_methods()
needs_alarm = pytest.mark.skipif(not HAS_ALARM, reason="time budgets need SIGALRM")


def make_posts(root: Path, count: int, marked: int | None = None, marker: str = "") -> Path:
    """A site of `count` posts, each with a placeholder (STY001); post `marked` holds `marker`."""
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n")
    for index in range(count):
        day = f"2024-01-{index % 28 + 1:02d}"
        text = f"---\ntitle: Post {index}\ndate: {day}\n---\nThe plan is TBD. {marker if index == marked else ''}\n"
        (root / "_posts" / f"{day}-post-{index}.md").write_text(text)
    return root


def names(findings, code: str) -> list[str]:
    return sorted(Path(f.path).name for f in findings if f.code == code)


# --- stdout belongs to the report -----------------------------------------------------------------

CHATTY_SCRIPT = """
import os, subprocess, sys
from postlint import registry
from postlint.finding import Problem
from postlint.registry import Rule

def chatty(post, ctx):
    print("PRINTED BY A RULE")
    sys.stdout.write("WRITTEN BY A RULE\\n")
    sys.__stdout__.write("WRITTEN TO THE REAL STDOUT BY A RULE\\n")
    os.write(1, b"WRITTEN TO FD 1 BY A RULE\\n")
    if "CHILD" in post.text:
        subprocess.run([sys.executable, "-c", "print('PRINTED BY A CHILD PROCESS')"], check=True)
    yield Problem(1, 1, "chatty was here")

real = registry.entry_point_rules
registry.entry_point_rules = lambda memo=None: [*real(memo), ("'chatty' (test)", [Rule("ZZZ801", "chatty-rule", "warning", chatty, "Chatty.")], "")]
from postlint.command import main
main()
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_a_rule_prints_goes_to_stderr(tmp_path, jobs):
    """A real process, to see its real stdout: print(), sys.stdout, the stdout of the process
    and of a child process all end on stderr, and stdout is the JSON report alone."""
    if jobs > 1 and not HAS_FORK:
        pytest.skip("workers need fork")
    site = make_posts(tmp_path / "site", 40, marked=3, marker="CHILD")
    script = tmp_path / "chatty.py"
    script.write_text(CHATTY_SCRIPT)
    done = subprocess.run([sys.executable, str(script), "check", str(site), "--format", "json", "--jobs", str(jobs),
                           "--select", "ZZZ801,STY001"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode != 2, done.stderr
    report = json.loads(done.stdout)  # nothing but the report
    assert sum(f["code"] == "ZZZ801" for f in report) == 40 and sum(f["code"] == "STY001" for f in report) == 40
    for text in ("PRINTED BY A RULE", "WRITTEN BY A RULE", "WRITTEN TO THE REAL STDOUT BY A RULE", "WRITTEN TO FD 1 BY A RULE"):
        assert text not in done.stdout
        assert done.stderr.count(text) == 40, text
    assert "PRINTED BY A CHILD PROCESS" in done.stderr and "PRINTED BY A CHILD PROCESS" not in done.stdout


def _prints(post, ctx):
    print("PRINTED BY A RULE")
    yield Problem(1, 1, "printed")


def test_print_in_a_rule_keeps_json_parseable_in_process(tmp_path, monkeypatch):
    add_rules(monkeypatch, Rule("ZZZ802", "printing-rule", "warning", _prints, "Prints."))
    site = make_posts(tmp_path / "site", 2)
    result = runner.invoke(app, ["check", str(site), "--format", "json", "--select", "ZZZ802"])
    assert [f["code"] for f in json.loads(result.stdout)] == ["ZZZ802", "ZZZ802"]
    assert result.stderr.count("PRINTED BY A RULE") == 2
    assert sys.stdout is not sys.stderr  # the redirection ended with the rule


# --- sys.exit() and other BaseExceptions ----------------------------------------------------------

class Abort(BaseException):
    pass


def _exits_on(marker: str, exc: BaseException):
    def check(post, ctx):
        yield Problem(1, 1, "checked")
        if marker in post.text:
            raise exc

    return check


@pytest.mark.parametrize("exc, shown", [
    (SystemExit(0), "SystemExit: 0"),
    (SystemExit("bye"), "SystemExit: bye"),
    (Abort("stop"), "Abort: stop"),
    (GeneratorExit(), "GeneratorExit"),
])
def test_sys_exit_in_a_rule_is_its_internal_error(tmp_path, monkeypatch, exc, shown):
    add_rules(monkeypatch, Rule("ZZZ803", "exiting-rule", "warning", _exits_on("EXIT-HERE", exc), "Exits."))
    site = make_posts(tmp_path / "site", 3, marked=1, marker="EXIT-HERE")
    result = runner.invoke(app, ["check", str(site), "--format", "json", "--select", "ZZZ803,STY001", "--jobs", "1"])
    assert result.exit_code == 2  # not 0, and not silent
    report = json.loads(result.stdout)
    internal = [f for f in report if f["code"] == "PL001"]
    assert [Path(f["path"]).name for f in internal] == ["2024-01-02-post-1.md"]
    assert "ZZZ803 exiting-rule crashed on this file" in internal[0]["message"] and shown in internal[0]["message"]
    assert sum(f["code"] == "STY001" for f in report) == 3  # the other rule, on every file
    assert sum(f["code"] == "ZZZ803" for f in report) == 2  # the rule itself, on the other files


@pytest.mark.skipif(not HAS_FORK, reason="workers need fork")
def test_sys_exit_in_a_worker_is_that_files_internal_error(tmp_path, monkeypatch):
    add_rules(monkeypatch, Rule("ZZZ803", "exiting-rule", "warning", _exits_on("EXIT-HERE", SystemExit(0)), "Exits."))
    site = make_posts(tmp_path / "site", 40, marked=20, marker="EXIT-HERE")
    with time_limit(60):
        result, _ = run([site], jobs=2, select=["ZZZ803", "STY001"])
    assert names(result.findings, "PL001") == ["2024-01-21-post-20.md"]
    assert len(names(result.findings, "STY001")) == 40 and len(names(result.findings, "ZZZ803")) == 39


def test_ctrl_c_in_a_rule_still_stops_the_run(tmp_path, monkeypatch):
    add_rules(monkeypatch, Rule("ZZZ803", "exiting-rule", "warning", _exits_on("EXIT-HERE", KeyboardInterrupt()), "Exits."))
    site = make_posts(tmp_path / "site", 3, marked=1, marker="EXIT-HERE")
    with pytest.raises(KeyboardInterrupt):
        run([site], jobs=1, select=["ZZZ803"])
    assert sys.stdout is not sys.stderr


# --- the time budget ----------------------------------------------------------------------------

def _spin():
    """Endless, for a rule with a 0.3 s budget; but 30 s at most, so that a broken budget fails
    the test instead of hanging the suite (a rule's bare `except:` swallows even time_limit's)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pass


def _endless(post, ctx):
    if "HANG-HERE" in post.text:
        _spin()
    return [Problem(1, 1, "finished")]


def _endless_generator(post, ctx):
    yield Problem(1, 1, "first")  # returns at once: the time is spent while the engine consumes it
    if "HANG-HERE" in post.text:
        _spin()


def _swallows_the_first(post, ctx):
    if "HANG-HERE" in post.text:
        try:
            _spin()
        except:  # noqa: E722 - the clumsy plugin this test is about
            pass
        _spin()
    return []


def _sleeps(post, ctx):
    if "HANG-HERE" in post.text:
        time.sleep(30)
    return []


@needs_alarm
@pytest.mark.parametrize("check", [_endless, _endless_generator, _swallows_the_first, _sleeps])
def test_rule_over_its_time_budget_is_stopped(tmp_path, monkeypatch, check):
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.3)
    add_rules(monkeypatch, Rule("ZZZ804", "endless-rule", "warning", check, "Hangs."))
    site = make_posts(tmp_path / "site", 3, marked=1, marker="HANG-HERE")
    started = time.monotonic()
    with time_limit(20):
        result = runner.invoke(app, ["check", str(site), "--format", "json", "--select", "ZZZ804,STY001", "--jobs", "1"])
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    internal = [f for f in report if f["code"] == "PL001"]
    assert [Path(f["path"]).name for f in internal] == ["2024-01-02-post-1.md"]
    assert internal[0]["message"] == "rule ZZZ804 endless-rule was stopped after 0.3s on this file, its time budget"
    assert sum(f["code"] == "STY001" for f in report) == 3
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@needs_alarm
def test_timeout_with_debug_shows_where_the_rule_was(tmp_path, monkeypatch):
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.3)
    add_rules(monkeypatch, Rule("ZZZ804", "endless-rule", "warning", _endless, "Hangs."))
    site = make_posts(tmp_path / "site", 1, marked=0, marker="HANG-HERE")
    with time_limit(20):
        result = runner.invoke(app, ["check", str(site), "--format", "json", "--select", "ZZZ804", "--debug"])
    message = json.loads(result.stdout)[0]["message"]
    assert "stopped after 0.3s" in message and "Traceback" in message and "_spin" in message


@needs_alarm
@pytest.mark.skipif(not HAS_FORK, reason="workers need fork")
def test_rule_over_its_time_budget_in_a_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.3)
    add_rules(monkeypatch, Rule("ZZZ804", "endless-rule", "warning", _endless_generator, "Hangs."))
    site = make_posts(tmp_path / "site", 40, marked=20, marker="HANG-HERE")
    with time_limit(60):
        result, _ = run([site], jobs=2, select=["ZZZ804", "STY001"])
    assert names(result.findings, "PL001") == ["2024-01-21-post-20.md"]
    assert "stopped after 0.3s" in next(f.message for f in result.findings if f.code == "PL001")
    assert len(names(result.findings, "STY001")) == 40


@needs_alarm
def test_the_timer_is_always_cleared_and_the_callers_alarm_kept(tmp_path, monkeypatch):
    """A rule that finishes, one that raises, one that times out: afterwards no timer of
    postlint's is left, the caller's SIGALRM handler is back, and the caller's own alarm still
    runs, with the time it had left."""
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.3)

    def raises(post, ctx):
        raise ValueError("plain bug")

    add_rules(monkeypatch, Rule("ZZZ804", "endless-rule", "warning", _endless, "Hangs."),
              Rule("ZZZ805", "raising-rule", "warning", raises, "Raises."))
    site = make_posts(tmp_path / "site", 3, marked=1, marker="HANG-HERE")
    fired = []

    def callers_alarm(signum, frame):
        fired.append(time.monotonic())

    previous = signal.signal(signal.SIGALRM, callers_alarm)
    try:
        started = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 30)
        result, _ = run([site], jobs=1, select=["ZZZ804", "ZZZ805"])
        left, interval = signal.getitimer(signal.ITIMER_REAL)
        assert signal.getsignal(signal.SIGALRM) is callers_alarm
        assert 30 - (time.monotonic() - started) - 0.2 < left <= 30 and interval == 0
        assert len(names(result.findings, "PL001")) == 4  # 3 crashes, 1 timeout
        # An alarm due while a rule runs is not lost: its handler runs on time.
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        started = time.monotonic()
        result, _ = run([site], jobs=1, select=["ZZZ804"])
        assert len(fired) == 1 and fired[0] - started < 0.3 + 0.2
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _reads_the_body(post, ctx):
    yield Problem(1, 1, f"{len(post.body.links)} links")


@needs_alarm
def test_lazy_parsing_runs_in_the_rules_guard_but_is_not_its_time(tmp_path, monkeypatch):
    """The Markdown parse a rule triggers runs inside its guard (a parser bug is that rule's
    internal error), but its time is postlint's: a slow parse does not stop the rule."""
    from postlint.parse import markdown as markdown_module

    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.3)
    add_rules(monkeypatch, Rule("ZZZ806", "body-reader", "warning", _reads_the_body, "Reads the body."))
    site = make_posts(tmp_path / "site", 1)
    real_parse = markdown_module.parse_body

    def slow_parse(*args, **kwargs):
        time.sleep(0.8)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(markdown_module, "parse_body", slow_parse)
    with time_limit(20):
        result, _ = run([site], jobs=1, select=["ZZZ806"])
    assert [(f.code, f.message) for f in result.findings] == [("ZZZ806", "0 links")]

    def broken_parse(*args, **kwargs):
        raise ZeroDivisionError("parser bug")

    monkeypatch.setattr(markdown_module, "parse_body", broken_parse)
    result, _ = run([site], jobs=1, select=["ZZZ806"])
    assert [f.code for f in result.findings] == ["PL001"]
    assert "ZZZ806 body-reader crashed" in result.findings[0].message and "parser bug" in result.findings[0].message


def test_only_plugin_rules_have_a_budget(monkeypatch):
    """postlint's own rules are tested on 10 MB posts and may take longer on one; YAML rules
    time their own matching. A plugin's Python rule gets the budget."""
    registry = load_registry()
    assert registry.rules and all(engine_module.rule_budget(rule) is None for rule in registry.rules.values())
    plugin = Rule("ZZZ804", "endless-rule", "warning", _endless, "Hangs.")
    assert engine_module.rule_budget(plugin) == patterns.MATCH_SECONDS == 2.0
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.5)
    assert engine_module.rule_budget(plugin) == 0.5


# --- image headers that claim 100000 x 100000 px ------------------------------------------------

def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


def bmp_header(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info), 0, 0, 14 + len(info)) + info


def _riff(kind: bytes, body: bytes) -> bytes:
    chunk = kind + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def webp_vp8x_header(width: int, height: int) -> bytes:
    return _riff(b"VP8X", b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little"))


def webp_vp8l_header(width: int, height: int) -> bytes:  # 14 bits a side: 16384 at most
    return _riff(b"VP8L", b"\x2f" + struct.pack("<I", (width - 1) | (height - 1) << 14))


def webp_vp8_header(width: int, height: int) -> bytes:  # 14 bits a side: 16383 at most
    return _riff(b"VP8 ", b"\x00\x00\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height))


HUGE = {  # file name: (header bytes, the width it claims)
    "huge.png": (png_header(100_000, 100_000), 100_000),
    "huge.bmp": (bmp_header(100_000, 100_000), 100_000),
    "top-down.bmp": (bmp_header(100_000, -100_000), 100_000),
    "huge.webp": (webp_vp8x_header(100_000, 100_000), 100_000),
    "lossless.webp": (webp_vp8l_header(16_384, 16_384), 16_384),
    "lossy.webp": (webp_vp8_header(16_383, 16_383), 16_383),
    "padded.png": (png_header(100_000, 100_000) + bytes(100_000), 100_000),  # more than the head read
}


@pytest.mark.parametrize("name", HUGE)
def test_image_claiming_huge_size_is_a_variant_finding(tmp_path, monkeypatch, name):
    def refuse(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)
    data, width = HUGE[name]
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n")
    (root / ".postlint.yaml").write_text("site: {images_dir: img}\nrules:\n  image-variants:\n    variants: {hero: 376}\n")
    (root / "_posts" / "2024-01-01-huge.md").write_text(f"---\ntitle: Huge\nhero: {name}\n---\nText.\n")
    (root / "img").mkdir()
    (root / "img" / name).write_bytes(data)
    result, _ = run([root], select=["IMG003"])
    assert [(f.code, f.message) for f in result.findings] == [
        ("IMG003", f"image variant 'hero': 'img/{name}' is {width} px wide, expected 376")]


def test_images_pillow_cannot_read_or_reads_slowly_are_answered_at_once(tmp_path):
    """Bytes a pull request chose: a DDS header Pillow knows but does not read (it raised
    NotImplementedError, which crashed image-variants), and 20 MB of JPEG fill bytes, which
    Pillow reads a byte at a time and took half a minute from disk."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "dds.webp").write_bytes(b"DDS " + struct.pack("<7I", 124, 0x1007, 64, 64, 0, 0, 0) + bytes(44)
                                        + struct.pack("<2I", 32, 4) + b"ZZZZ" + bytes(40))
    (tmp_path / "fill.jpg").write_bytes(b"\xff\xd8" + b"\xff" * 20_000_000)
    site = Site(tmp_path)
    started = time.thread_time()
    assert site.image_size("dds.webp") == "cannot be read as an image (NotImplementedError)"
    assert site.image_size("fill.jpg").startswith("cannot be read as an image (")
    assert time.thread_time() - started < 5


def test_huge_claims_allocate_no_canvas(tmp_path):
    """In a process that may not map more than 1 GB, every claimed size is still read: nothing
    tried to allocate the 40 GB a 100000 x 100000 canvas takes."""
    if not hasattr(__import__("resource"), "RLIMIT_AS"):
        pytest.skip("needs RLIMIT_AS")
    (tmp_path / "_config.yml").write_text("title: t\n")
    for name, (data, _) in HUGE.items():
        (tmp_path / name).write_bytes(data)
    code = textwrap.dedent(f"""
        import json, resource, sys
        from pathlib import Path
        from PIL import Image, WebPImagePlugin, BmpImagePlugin, PngImagePlugin  # loaded before the limit
        from postlint.jekyll.site import Site
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        site = Site(Path(sys.argv[1]))
        print(json.dumps({{name: site.image_size(name) for name in {sorted(HUGE)!r}}}))
    """)
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {name: [width, width] for name, (_, width) in HUGE.items()}  # all square


def test_sizes_pillow_warns_about_are_read_without_a_warning(tmp_path):
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "large.png").write_bytes(png_header(10_000, 10_000))  # between Pillow's warning and its error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Site(tmp_path).image_size("large.png") == (10_000, 10_000)


# --- --fix: hard links, setuid, a save at the last moment ---------------------------------------

def fix_site(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: fixes\n")
    path = site / "_posts" / "2024-01-01-colours.md"
    path.write_text(BODY)
    return site, path


def fix(site: Path):
    return runner.invoke(app, ["check", str(site), "--fix", "--select", "ZZZ9", "--format", "json"])


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if "postlint-" in p.name]


def test_fix_keeps_hard_links(tmp_path, fix_rules):  # noqa: F811
    site, path = fix_site(tmp_path)
    other = tmp_path / "the-same-file-elsewhere.md"
    os.link(path, other)
    inode = path.stat().st_ino
    result = fix(site)
    assert result.exit_code == 0, result.output
    assert path.read_text() == FIXED and other.read_text() == FIXED
    assert path.stat().st_nlink == 2 and path.stat().st_ino == other.stat().st_ino == inode
    assert leftovers(path.parent) == []


@pytest.mark.parametrize("mode", [0o4755, 0o2755, 0o6750])
@pytest.mark.parametrize("linked", [False, True], ids=["one-name", "hard-linked"])
def test_fix_keeps_setuid_and_setgid(tmp_path, fix_rules, mode, linked):  # noqa: F811
    site, path = fix_site(tmp_path)
    if linked:
        os.link(path, tmp_path / "second-name.md")
    path.chmod(mode)
    assert stat.S_IMODE(path.stat().st_mode) == mode  # the file system keeps such bits
    result = fix(site)
    assert result.exit_code == 0, result.output
    assert path.read_text() == FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.parametrize("linked", [False, True], ids=["one-name", "hard-linked"])
def test_save_just_before_the_switch_is_kept(tmp_path, fix_rules, monkeypatch, linked):  # noqa: F811
    """An editor saves after postlint's first check and after the new bytes are ready: the last
    check, just before the rename (or the write in place), sees it and nothing is written."""
    site, path = fix_site(tmp_path)
    if linked:
        os.link(path, tmp_path / "second-name.md")
    real_check = engine_module._refuse_if_changed
    saved = BODY + "A line the author just typed.\n"

    def someone_saves_then_check(target, expected):
        path.write_text(saved)
        return real_check(target, expected)

    monkeypatch.setattr(engine_module, "_refuse_if_changed", someone_saves_then_check)
    result = fix(site)
    assert result.exit_code == 2
    assert any("changed on disk" in f["message"] for f in json.loads(result.stdout) if f["code"] == "PL001")
    assert path.read_text() == saved
    assert leftovers(path.parent) == []


def test_last_check_is_the_last_step_before_the_rename(tmp_path, fix_rules, monkeypatch):  # noqa: F811
    site, path = fix_site(tmp_path)
    steps: list[str] = []
    real_check = engine_module._refuse_if_changed

    def check(target, expected):
        steps.append("check")
        return real_check(target, expected)

    monkeypatch.setattr(engine_module, "_refuse_if_changed", check)
    for name in ("replace", "chmod", "chown", "fsync"):
        real = getattr(os, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            steps.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, spy)
    assert fix(site).exit_code == 0
    assert path.read_text() == FIXED
    assert steps[-3:] == ["check", "replace", "fsync"]  # the folder is synced after
    assert steps.index("chown") < steps.index("chmod") < steps.index("check")  # chown clears setuid: chmod after


def test_failed_write_in_place_puts_the_old_bytes_back(tmp_path, fix_rules, monkeypatch):  # noqa: F811
    site, path = fix_site(tmp_path)
    other = tmp_path / "second-name.md"
    os.link(path, other)
    real_overwrite = engine_module._overwrite
    calls = []

    def disk_full_halfway(handle, data):
        calls.append(data)
        if len(calls) == 1:
            handle.seek(0)
            handle.write(data[: len(data) // 2])
            handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_overwrite(handle, data)

    monkeypatch.setattr(engine_module, "_overwrite", disk_full_halfway)
    result = fix(site)
    assert result.exit_code == 2
    assert any("No space left on device" in f["message"] for f in json.loads(result.stdout) if f["code"] == "PL001")
    assert path.read_text() == BODY and other.read_text() == BODY and path.stat().st_nlink == 2
    assert len(calls) == 2 and leftovers(path.parent) == []
