"""The `postlint` process: tuned for one run and left without teardown, with the same exit codes
and every byte of output; main() itself stays safe to call in a process that goes on."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest
from helpers import DEMO_SITE

from postlint import command


def test_the_command_flushes_its_report_and_keeps_the_exit_code(tmp_path):
    done = subprocess.run([sys.executable, "-m", "postlint", str(DEMO_SITE), "--format", "json", "--no-cache"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert len(json.loads(done.stdout)) > 10  # whole: nothing left in a buffer


@pytest.mark.parametrize(("code", "status", "stderr"), [(None, 0, ""), (2, 2, ""), ("postlint: gone", 1, "postlint: gone\n")])
def test_exit_now_exits_as_sys_exit_would(code, status, stderr):
    script = f"import sys; from postlint.command import _exit_now; sys.stdout.write('kept'); _exit_now({code!r})"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (status, "kept", stderr)


def test_main_leaves_the_collector_alone_and_raises_system_exit(monkeypatch, capsys):
    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["postlint", "--version"])
    with pytest.raises(SystemExit) as raised:
        command.main()
    assert raised.value.code in (0, None) and gc.get_threshold() == before
