"""Plain output without rich: a text report to a pipe or a file, uncoloured, is written by
report.text's PlainOutput and never imports rich (its import costs more than a cached run's
linting), byte for byte as rich wrote it; colour, a terminal and the progress bar still use rich.

The reference is the same code with rich doing all the writing (`_plain_stream` made to answer
"not plain" always), which is how every run wrote before PlainOutput."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from io import StringIO
from pathlib import Path

import pytest

from postlint.report import text

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "fixtures" / "demo-site"

# Everything rich or postlint reads from the environment to decide on colour, terminal and width,
# and when Python writes what it is given.
CONSOLE_ENV = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "TERM", "COLORTERM", "COLUMNS", "LINES",
               "JUPYTER_COLUMNS", "JUPYTER_LINES", "PYTHONUNBUFFERED")
ENVS = ({}, {"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}, {"FORCE_COLOR": ""}, {"TTY_COMPATIBLE": "0"},
        {"TTY_COMPATIBLE": "1"}, {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, {"TTY_INTERACTIVE": "1"},
        {"TTY_INTERACTIVE": "0"}, {"TERM": "dumb"}, {"COLUMNS": "20"}, {"NO_COLOR": "1", "FORCE_COLOR": "1"})
COLORS = ("auto", "never", "always")

# A post whose findings quote non-ASCII, control and bidi characters, a tab and a carriage return.
ODD_POST = ('---\ntitle: "Zürich \u202enotes\u202c — naïve café"\ntime_read: "fünf\tMinuten \u202e"\n'
            'categories: 2024\ndate: 2024-07-02\n---\n'
            'The the team met in\tZürich \x1b[31mred\x1b[0m, a bell \x07 and a CR\r here. :smile: ok\n'
            '\tIndented: the the duplicate, \u202eevil\u202c text, 東京 wide, zero\u200bwidth.\n')
# A baseline whose name rich prints its own way (a tab; `:smile:` is an emoji code to rich), and
# the same baseline under a name printed as it is.
BASELINE = "base :smile:\t.json"
PLAIN_BASELINE = "baseline.json"


def _site(parent: Path) -> Path:
    site = parent / "site"
    shutil.copytree(DEMO, site, ignore=shutil.ignore_patterns(".postlint_cache"))
    (site / "_posts" / "2024-07-01-zürich-notes.md").write_text(ODD_POST, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A folder holding `site` (the demo site and the odd post) and a baseline of it that hides
    most findings, not those of a post written since, and has an entry that no longer matches
    (so that run.py prints notes)."""
    root = tmp_path_factory.mktemp("plain")
    site = _site(root)
    subprocess.run([sys.executable, "-m", "postlint", "site", "--write-baseline", BASELINE], cwd=root,
                   capture_output=True, check=True)
    shutil.copy(root / BASELINE, root / PLAIN_BASELINE)
    post = site / "_posts" / "2024-07-01-zürich-notes.md"
    post.write_text(post.read_text(encoding="utf-8").replace("The the", "The"), encoding="utf-8")
    (site / "_posts" / "2024-07-09-after.md").write_text(ODD_POST.replace("Zürich", "Köln"), encoding="utf-8")
    return root


def _run_here(monkeypatch, cwd: Path, args: list[str], env: dict[str, str], *, rich_only: bool) -> tuple:
    """postlint.command.main() in this process, in `cwd`, with standard output and error real files;
    returns the exit code, what it wrote there and the files it made in `cwd` (then removed)."""
    from postlint.command import main

    before = set(os.listdir(cwd))
    with monkeypatch.context() as patch, tempfile.TemporaryFile("w+b") as out, tempfile.TemporaryFile("w+b") as err:
        for name in CONSOLE_ENV:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        patch.setattr(text, "PROGRESS_DELAY", 1e9)  # whether a bar is drawn depends on time: never
        if rich_only:
            patch.setattr(text, "_plain_stream", lambda color, stderr: None)
        with open(out.fileno(), "w", encoding="utf-8", closefd=False) as stdout, \
                open(err.fileno(), "w", encoding="utf-8", closefd=False) as stderr:
            patch.setattr(sys, "stdout", stdout)
            patch.setattr(sys, "stderr", stderr)
            patch.setattr(sys, "argv", ["postlint", *args])
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code
        written = {name: _untimed((cwd / name).read_bytes()) for name in sorted(set(os.listdir(cwd)) - before)}
        for name in written:
            (cwd / name).unlink()
        out.seek(0)
        err.seek(0)
        return code, _untimed(out.read()), _untimed(err.read()), written


def _untimed(output: bytes) -> bytes:
    return re.sub(rb"checked in \d+\.\d\ds", b"checked in 0.00s", output)


def _matrix():
    """Every colour choice under every environment for the default report; then each other kind
    of output under a few that take the plain path and one that colours."""
    for color in COLORS:
        for env in ENVS:
            yield [], env, color
    for args in (["--output-format", "concise"], ["--output-format", "full", "--no-show-source"],
                 ["--output-format", "concise", "--show-source"], ["--statistics"], ["--quiet"],
                 ["--baseline", BASELINE], ["--baseline", PLAIN_BASELINE], ["--baseline", BASELINE, "--quiet"],
                 ["--output", "report.txt"], ["--format", "json", "--output", "out :smile:\t.json"],
                 ["--format", "github"], ["--diff"], ["--diff", "--quiet"]):
        for env, color in (({}, "auto"), ({"NO_COLOR": "1"}, "auto"), ({"TERM": "dumb", "COLUMNS": "20"}, "never"),
                           ({}, "always")):
            yield args, env, color


@pytest.mark.parametrize(("args", "env", "color"), list(_matrix()),
                         ids=lambda value: repr(value) if isinstance(value, (list, dict)) else value)
def test_plain_output_is_what_rich_wrote(root, monkeypatch, args, env, color):
    """Standard output, standard error, exit code and the files written: as when rich wrote all."""
    plain, rich = (_run_here(monkeypatch, root, ["site", "--color", color, *args], env, rich_only=rich_only)
                   for rich_only in (False, True))
    assert plain == rich
    assert plain[1] or plain[2]  # something was written


@pytest.mark.parametrize("args", [["--fix"], ["--fix", "--quiet"], ["--fix", "--format", "json"],
                                  ["--fix", "--format", "json", "--quiet"]])
@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}], ids=repr)
def test_fix_messages_are_what_rich_wrote(tmp_path, monkeypatch, args, env):
    """`Fixed …` on standard output (text) or standard error (json), each run on its own copy."""
    runs = []
    for rich_only in (False, True):
        site = _site(tmp_path / ("rich" if rich_only else "plain"))
        runs.append(_run_here(monkeypatch, site.parent, ["site", "--no-cache", *args], env, rich_only=rich_only))
    plain, rich = runs
    assert plain == rich
    assert b"Fixed " in plain[1] + plain[2] or "--quiet" in args


def _streams(kind: str, tmp_path: Path):
    """An output stream of kind `pipe`, `file`, `stringio` or `tty`, as the text file Python
    would make of it, and what to close afterwards."""
    if kind == "stringio":
        return StringIO(), []
    if kind == "file":
        stream = open(tmp_path / "out.txt", "w", encoding="utf-8")
        return stream, [stream]
    if kind == "tty":
        pty = pytest.importorskip("pty")
        main_fd, other_fd = pty.openpty()
        stream = open(other_fd, "w", encoding="utf-8")
        return stream, [stream, os.fdopen(main_fd, "rb")]
    reader, writer = os.pipe()
    stream = open(writer, "w", encoding="utf-8")
    return stream, [stream, os.fdopen(reader, "rb")]


@pytest.mark.parametrize("kind", ["pipe", "file", "stringio", "tty"])
def test_plain_exactly_when_rich_would_neither_colour_nor_draw(tmp_path, monkeypatch, kind):
    """make_output picks PlainOutput exactly when make_console's rich console would find no
    terminal and no colour system."""
    stream, to_close = _streams(kind, tmp_path)
    try:
        for env in [*ENVS, {"TERM": "dumb", "FORCE_COLOR": "1"}, {"COLORTERM": "truecolor"}]:
            for color in COLORS:
                for stderr in (False, True):
                    with monkeypatch.context() as patch:
                        for name in CONSOLE_ENV:
                            patch.delenv(name, raising=False)
                        for name, value in env.items():
                            patch.setenv(name, value)
                        patch.setattr(sys, "stderr" if stderr else "stdout", stream)
                        console = text.make_console(color, stderr=stderr)
                        rich_plain = not console.is_terminal and console.color_system is None
                        output = text.make_output(color, stderr=stderr)
                        assert isinstance(output, text.PlainOutput) == rich_plain, (env, color, stderr)
                        assert output.file is stream
    finally:
        for each in to_close:
            each.close()


def test_ipython_goes_to_rich(monkeypatch):
    """In Jupyter rich colours what is no terminal and displays it itself: anything IPython runs
    in is left to rich."""
    import builtins

    class ZMQInteractiveShell:  # what rich takes for a Jupyter notebook
        pass

    monkeypatch.setattr(builtins, "get_ipython", ZMQInteractiveShell, raising=False)
    monkeypatch.setattr(sys, "stdout", StringIO())
    for name in CONSOLE_ENV:
        monkeypatch.delenv(name, raising=False)
    assert text.make_console().color_system is not None
    assert not isinstance(text.make_output(), text.PlainOutput)


LINES = ["", "plain", "Wrote the json report to out.json.", "a: b: c", "12 findings hidden by the baseline b.json.",
         "  _posts/x.md  FM002  'missing key: title' ×2", "note: 2 entries (fixed?); run it:", "http://example.com/a",
         "a :smile: b", ":smile:", ":smile-text: :+1:", ":not_an_emoji:", "a:b:c", "tab\there", "\tlead", "cr\rhere",
         "bell\x07 bs\x08 vt\x0b ff\x0c", "two\nlines", "end\n", "esc \x1b[31mred\x1b[0m", "nul \x00 us \x1f del \x7f",
         "c1 \x85 \x9b", "trailing ", "trailing\u3000", "trailing\xa0", "x" * 100 + "   ", "y" * 100, "東京" * 30,
         "e\u0301 combining", "\u202eevil\u202c", "zero\u200bwidth", "ls\u2028ps\u2029", "fs\x1cgs\x1d",
         "[bold]not markup[/bold]", "[link=x]a[/]", "emoji 😄 wide", "\\[escaped]", "'quoted' \"double\""]


def _rich_printed(line: str) -> str:
    """What run.py's rich console printed for a note before PlainOutput."""
    from rich.console import Console

    buffer = StringIO()
    Console(file=buffer, highlight=False).print(line, highlight=False, markup=False, soft_wrap=True)
    return buffer.getvalue()


@pytest.mark.parametrize("columns", [None, "10"])
def test_write_line_writes_what_rich_printed(monkeypatch, columns):
    """Notes and `Wrote the … report`: the lines run.py prints, and random ones."""
    for name in CONSOLE_ENV:
        monkeypatch.delenv(name, raising=False)
    if columns:
        monkeypatch.setenv("COLUMNS", columns)
    alphabet = "ab :\t\r\n\x07\x1b\x85\u2028\u202e\xa0 -+_東é😄"
    picked = random.Random(7)
    fuzz = ["".join(picked.choice(alphabet) for _ in range(picked.randrange(1, 24))) for _ in range(1000)]
    for line in LINES + fuzz:
        buffer = StringIO()
        text.write_line(text.PlainOutput(buffer), line)
        assert buffer.getvalue() == _rich_printed(line), repr(line)


WRAPPER = """
import sys
mode = sys.argv.pop(1)
if mode == "rich":
    from postlint.report import text
    text._plain_stream = lambda color, stderr: None
try:
    from postlint.command import main
    main()
finally:
    sys.stderr.write("rich imported: %s\\n" % ("rich" in sys.modules))
"""


def _run(root: Path, mode: str, args: list[str], env: dict[str, str], stdout) -> subprocess.CompletedProcess:
    full_env = {name: value for name, value in os.environ.items() if name not in CONSOLE_ENV}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", WRAPPER, mode, "site", *args], cwd=root, env=full_env,
                          stdout=stdout, stderr=subprocess.PIPE, check=False)


def _rich_imported(stderr: bytes) -> tuple[bytes, bool]:
    """Standard error without WRAPPER's last line, and whether that line says rich was imported."""
    errors, said = stderr.rsplit(b"rich imported: ", 1)
    return errors, said == b"True\n"


@pytest.mark.parametrize(("args", "env"), [([], {}),
                                           (["--color", "never"], {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}),
                                           (["--output-format", "concise", "--baseline", PLAIN_BASELINE],
                                            {"NO_COLOR": "1"})])
def test_a_plain_run_to_a_pipe_or_file_never_imports_rich(root, tmp_path, args, env):
    """A real pipe or file: rich stays unimported, and the bytes, exit code and standard error are
    those of the run that rich wrote."""
    for stdout in ("pipe", "file"):
        outputs = []
        for mode in ("plain", "rich"):
            if stdout == "pipe":
                done = _run(root, mode, args, env, subprocess.PIPE)
                written = done.stdout
            else:
                target = tmp_path / f"{mode}.txt"
                with open(target, "wb") as file:
                    done = _run(root, mode, args, env, file)
                written = target.read_bytes()
            errors, rich_imported = _rich_imported(done.stderr)
            assert rich_imported == (mode == "rich"), (stdout, mode, done.stderr)
            outputs.append((done.returncode, _untimed(written), errors))
        assert outputs[0] == outputs[1], stdout
        assert outputs[0][0] == 1 and b"Found " in outputs[0][1]


@pytest.mark.parametrize(("args", "env"), [([], {"FORCE_COLOR": "1"}),
                                           (["--color", "always"], {"TERM": "dumb", "NO_COLOR": "1"})])
def test_colour_still_comes_from_rich(root, args, env):
    """FORCE_COLOR, --color always: rich is imported and writes the escape sequences."""
    plain = _run(root, "plain", args, env, subprocess.PIPE)
    rich = _run(root, "rich", args, env, subprocess.PIPE)
    assert _rich_imported(plain.stderr)[1] and _rich_imported(rich.stderr)[1]
    assert _untimed(plain.stdout) == _untimed(rich.stdout)
    assert b"\x1b[1m" in plain.stdout and b"\x1b[0m" in plain.stdout


def test_a_terminal_still_gets_rich(root):
    """A terminal gets rich even uncoloured (--color never): there it is no plain stream."""
    pty = pytest.importorskip("pty")
    main_fd, other_fd = pty.openpty()
    drained = threading.Thread(target=_drain, args=(main_fd,), daemon=True)  # a full terminal blocks its writer
    drained.start()
    try:
        done = _run(root, "plain", ["--color", "never"], {}, other_fd)
    finally:
        os.close(other_fd)
        drained.join(timeout=10)
        os.close(main_fd)
    assert _rich_imported(done.stderr)[1]


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the other end closed (EIO)
        pass


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_gone_before_the_notes_ends_the_run_as_rich_did(root, unbuffered):
    """Rich's print flushes, and exits 1 without a word when the reader has gone (BrokenPipeError);
    the plain writer's notes do the same. (Unbuffered, the summary before them fails first: exit 2
    and a message.)"""
    outcomes = []
    for mode in ("plain", "rich"):
        reader, writer = os.pipe()
        os.close(reader)
        try:
            done = _run(root, mode, ["--statistics", "--baseline", PLAIN_BASELINE], {"PYTHONUNBUFFERED": unbuffered},
                        writer)
        finally:
            os.close(writer)
        outcomes.append((done.returncode, _rich_imported(done.stderr)[0]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == (2 if unbuffered else 1)
