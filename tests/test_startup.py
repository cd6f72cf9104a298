"""Start-up: a run whose every result comes from the cache parses nothing, so it imports none of
the parsers or the libraries only a parse, a match or another output format needs. Each of them
cost a pre-commit hook tens of milliseconds per run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from helpers import DEMO_SITE

from postlint.jekyll.signatures import RACY_NS

NOT_NEEDED_WHEN_CACHED = ("markdown_it", "regex", "importlib.metadata", "html.parser", "email", "zipfile",
                          "postlint.changes", "postlint.baseline")  # the last two: only for --staged, --changed-since, baselines

MODULES_AFTER_A_RUN = """
import sys
from postlint import cli
sys.argv = ["postlint", *sys.argv[1:]]
try:
    cli.main()
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
    assert {"markdown_it", "regex"} <= cold  # the cold run did parse and match
    assert not warm & set(NOT_NEEDED_WHEN_CACHED), warm & set(NOT_NEEDED_WHEN_CACHED)
