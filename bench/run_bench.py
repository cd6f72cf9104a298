#!/usr/bin/env python3
"""Benchmark postlint against markdownlint-cli2 on real and synthetic Jekyll sites.

Usage (from a clone, after `pip install .`):

    python bench/run_bench.py [--corpus ../shared/corpus/18f] [--runs 5] [--work /tmp/postlint-bench]

It prepares writable copies of the corpus and synthetic sites of 1,000 and 10,000 posts made from
the corpus' posts, then times each command several times in the same run and prints medians,
ratios against the baseline measured alongside, and peak memory (max RSS of the process tree's
largest process). markdownlint-cli2 is installed locally with npm (skipped, with a message, when
npm is missing). Machines are noisy: compare ratios, not seconds.

The usual local run, the whole site checked with the cache warm after one post's body was
edited, alternates with cold runs. One-post runs are timed as a pre-commit hook sees them (edited, unchanged, and the hook's own
`check --staged --force-exclude` in a git copy of the site), next to the floor under them: the
interpreter importing the libraries and the postlint modules an edited post's run imports. The
edited, `--no-cache` and hook's runs alternate with runs of that floor, and their ratios to it are
the median of the pairs.

The ratios against markdownlint-cli2 come from interleaved pairs of runs (measure_against): on a
machine whose speed drifts within minutes, as shared ones do, two series run one after the other
measure two different machines.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MARKDOWNLINT_VERSION = "0.24.1"


def timed(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB of the largest process, and the exit code of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def measure(name: str, command: list[str], cwd: Path, runs: int, before=None) -> dict:
    results = []
    for _ in range(runs):
        if before is not None:
            before()
        results.append(timed(command, cwd))
    return _summary(name, results)


def measure_against(baseline: tuple[str, list[str]], measured: tuple[str, list[str]], cwd: Path,
                    runs: int, before=None) -> tuple[dict, dict, float]:
    """Both commands `runs` times, interleaved (the baseline first in odd pairs, second in even
    ones), and the median of the pairs' ratios measured / baseline: a machine whose speed drifts
    during the run slows both runs of a pair alike, where two series one after the other would
    each see a different machine. `before()` is called before each run of the measured command."""
    series: dict[str, list[tuple[float, int, int]]] = {baseline[0]: [], measured[0]: []}
    for pair in range(runs):
        order = (baseline, measured) if pair % 2 == 0 else (measured, baseline)
        for name, command in order:
            if before is not None and name == measured[0]:
                before()
            series[name].append(timed(command, cwd))
    results = [_summary(name, series[name]) for name in (baseline[0], measured[0])]
    return results[0], results[1], _pairs_ratio(series[baseline[0]], series[measured[0]])


def warm_after_cold(command: list[str], cwd: Path, runs: int, clear) -> tuple[dict, dict, float]:
    """`runs` pairs of a cold run (cache cleared first) and, after one run to settle the cache
    it wrote, a warm run with nothing changed; the median of the pairs' ratios warm / cold."""
    cold, warm = [], []
    for _ in range(runs):
        clear()
        cold.append(timed(command, cwd))
        timed(command, cwd)
        warm.append(timed(command, cwd))
    results = _summary("postlint, cold (cache cleared first)", cold), _summary("postlint, warm (nothing changed)", warm)
    return results[0], results[1], _pairs_ratio(cold, warm)


def _pairs_ratio(bases: list[tuple[float, int, int]], others: list[tuple[float, int, int]]) -> float:
    """The median of other / base over the pairs of runs (printed with their range)."""
    ratios = [other[0] / base[0] for base, other in zip(bases, others)]
    ratio = statistics.median(ratios)
    print(f"  {'ratio of each pair':<44} median {ratio:.2f}  range {min(ratios):.2f}-{max(ratios):.2f}", flush=True)
    return ratio


def _summary(name: str, runs: list[tuple[float, int, int]]) -> dict:
    times = [seconds for seconds, _, _ in runs]
    result = {"name": name, "median": statistics.median(times), "min": min(times),
              "peak_mib": max(peak for _, peak, _ in runs) / 1024, "codes": sorted({code for _, _, code in runs})}
    print(f"  {name:<44} median {result['median']:.3f}s  min {result['min']:.3f}s  peak {result['peak_mib']:.0f} MiB"
          f"  exit {result['codes']}", flush=True)
    return result


def copy_site(source: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".postlint_cache"))
    for folder, _, files in os.walk(target):  # the corpus is read-only; the copy must not be
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return target


_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.*)$")


def synthetic_site(source: Path, target: Path, count: int) -> Path:
    """A site of `count` posts cycling through the corpus' posts under new, unique names.

    Everything else (config, pages, images, data) is the corpus' own, so links and images
    resolve as on the real site and the per-post work is realistic.
    """
    copy_site(source, target)
    posts_dir = target / "_posts"
    originals = [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(posts_dir.rglob("*.md"))]
    shutil.rmtree(posts_dir)
    posts_dir.mkdir()
    for index in range(count):
        stem, text = originals[index % len(originals)]
        match = _NAME.match(stem)
        slug = match.group(4) if match else stem
        year = 2000 + index // 365 % 20
        day = index % 365
        month, mday = day // 28 % 12 + 1, day % 28 + 1
        name = f"{year}-{month:02d}-{mday:02d}-{slug}-{index}.md"
        text = re.sub(r"^date: .*$", f"date: {year}-{month:02d}-{mday:02d}", text, count=1, flags=re.M)
        (posts_dir / name).write_text(text, encoding="utf-8")
    return target


# An edited post whose front matter did not change takes its parse from the cache (no PyYAML); one
# whose words are ASCII and hold none of the YAML rules' words needs no `regex` (the post timed here).
IMPORT_LIBRARIES = "import markdown_it, html.parser"
IMPORT_MODULES = IMPORT_LIBRARIES + """
import importlib, pkgutil
import postlint.command, postlint.run, postlint.report.text, postlint.parse.markdown, postlint.parse.htmltree, postlint.rules
for module in pkgutil.iter_modules(postlint.rules.__path__):
    importlib.import_module("postlint.rules." + module.name)
"""


def staged_hook(postlint: str, site: Path, rel: str, edit, runs: int,
                floor: tuple[str, list[str]]) -> tuple[dict, float] | None:
    """The pre-commit hook's own command on one edited, staged post (the site made a git
    repository first), alternating with runs of `floor`, and the median of its ratios to them;
    None without git."""
    if shutil.which("git") is None:
        print("git not found: skipping the hook's command")
        return None
    if not (site / ".git").exists():
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the corpus"]):
            subprocess.run(git + command, cwd=site, check=True, capture_output=True)

    def edit_and_stage() -> None:
        edit()
        subprocess.run(["git", "add", rel], cwd=site, check=True)

    _, hook, ratio = measure_against(floor, ("postlint check --staged --force-exclude, edited",
                                             [postlint, "check", "--staged", "--force-exclude", rel]),
                                     site, runs, before=edit_and_stage)
    return hook, ratio


def markdownlint_command(work: Path) -> list[str] | None:
    if shutil.which("npm") is None:
        print("npm not found: skipping markdownlint-cli2 (install Node.js and npm to compare)")
        return None
    prefix = work / "node"
    binary = prefix / "node_modules" / ".bin" / "markdownlint-cli2"
    if not binary.exists():
        print(f"installing markdownlint-cli2@{MARKDOWNLINT_VERSION} with npm …", flush=True)
        completed = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                                    f"markdownlint-cli2@{MARKDOWNLINT_VERSION}"], capture_output=True, text=True)
        if completed.returncode != 0 or not binary.exists():
            print(f"npm install failed: skipping markdownlint-cli2\n{completed.stderr[-2000:]}")
            return None
    return [str(binary), "_posts/**/*.md"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "18f")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/postlint-bench"))
    parser.add_argument("--skip-growth", action="store_true", help="skip the 1k/10k synthetic sites")
    args = parser.parse_args()
    postlint = shutil.which("postlint") or str(Path(sys.executable).parent / "postlint")
    if not Path(postlint).exists():
        print("postlint is not installed: run `pip install .` first")
        return 2
    if not args.corpus.is_dir():
        print(f"corpus {args.corpus} not found (pass --corpus)")
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    site = copy_site(args.corpus, args.work / "site")
    posts = sorted((site / "_posts").rglob("*.md"))
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; site: {args.corpus.name}, {len(posts)} posts\n")

    rows = []
    cache = site / ".postlint_cache"
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    print("whole site")
    mdl = markdownlint_command(args.work)
    cold_command = ("postlint, cold (no cache)", [postlint, ".", "--no-cache"])
    if mdl:
        _, cold, cold_ratio = measure_against(("markdownlint-cli2 (default rules)", mdl), cold_command, site, args.runs)
    else:
        cold, cold_ratio = measure(*cold_command, site, args.runs), None
    cold_cache, warm, warm_ratio = warm_after_cold([postlint, "."], site, args.runs, clear)
    one = posts[len(posts) // 2]
    original = one.read_bytes()
    edits = iter(range(1, 1_000_000))
    edit = lambda: one.write_bytes(original + f"\nA sentence added by edit {next(edits)}.\n".encode())  # noqa: E731
    rel = one.relative_to(site).as_posix()
    # The usual local run: one post's body edited, then the whole site checked with the cache warm.
    _, _, edited_site_ratio = measure_against(
        cold_command, ("postlint, warm, one post's body just edited", [postlint, "."]), site, args.runs, before=edit)
    single_process = measure("postlint --jobs 1 --no-cache", [postlint, ".", "--jobs", "1", "--no-cache"], site, args.runs)
    # What any one-post run that parses a post pays before it does anything: the interpreter and
    # the imports alone (the libraries, then every postlint module such a run imports). The
    # one-post runs are paired with the second: their seconds drift with the machine, their
    # ratio to it much less.
    python = str(Path(postlint).with_name("python")) if Path(postlint).with_name("python").exists() else sys.executable
    one_runs = max(5, args.runs)
    libraries = measure("floor: python importing the parsing libraries", [python, "-c", IMPORT_LIBRARIES], site, one_runs)
    floor = ("floor: ... and every postlint module", [python, "-c", IMPORT_MODULES])
    modules, precommit, precommit_ratio = measure_against(
        floor, ("postlint one post (pre-commit), no cache", [postlint, rel, "--no-cache"]), site, one_runs)
    _, edited, edited_ratio = measure_against(
        floor, ("postlint one post just edited, warm cache", [postlint, rel]), site, one_runs, before=edit)
    time.sleep(2.1)  # a file written within 2 s of a run is read again (racily clean; signatures.py)
    unchanged = measure("postlint one post unchanged, warm cache", [postlint, rel], site, args.runs)
    hook = staged_hook(postlint, site, rel, edit, one_runs, floor)
    one.write_bytes(original)
    rows += [("cold / markdownlint-cli2 (median of interleaved pairs)", cold_ratio, "<= 0.5"),
             ("warm / cold (median of pairs)", warm_ratio, "< 0.10"),
             ("warm after one post's body was edited / cold (median of pairs)", edited_site_ratio, ""),
             ("cold --jobs N / --jobs 1", cold["median"] / single_process["median"], "< 1 on >1 CPU"),
             ("one post, no cache, seconds", precommit["median"], "< 0.3 s"),
             ("one post just edited, warm cache, seconds", edited["median"], "< 0.3 s"),
             ("one post unchanged, warm cache, seconds", unchanged["median"], "< 0.3 s"),
             ("one post edited, the hook's command (--staged), seconds", hook[0]["median"] if hook else None, ""),
             ("floor: imports of an edited-post run, libraries, seconds", libraries["median"], ""),
             ("floor: imports of an edited-post run, with postlint's, seconds", modules["median"], ""),
             # Seconds differ between machines two or three times over; over the floor measured alongside, less.
             ("one post just edited, warm cache, over that floor (median of pairs)", edited_ratio, ""),
             ("one post, no cache, over that floor (median of pairs)", precommit_ratio, ""),
             ("one post edited, the hook's command, over that floor (median of pairs)", hook[1] if hook else None, "")]

    print(f"\n10x site ({10 * len(posts):,} posts made from the corpus' posts)")
    large = synthetic_site(args.corpus, args.work / "site-10x", 10 * len(posts))
    runs = max(1, args.runs // 2)
    large_command = ("postlint, cold (no cache)", [postlint, ".", "--no-cache"])
    if mdl:
        _, large_cold, large_ratio = measure_against(("markdownlint-cli2 (default rules)", mdl), large_command, large,
                                                     max(3, runs))
    else:
        large_cold, large_ratio = measure(*large_command, large, runs), None
    rows += [("10x site: cold / markdownlint-cli2 (median of interleaved pairs)", large_ratio, "<= 0.5"),
             ("10x site: peak memory, MiB", large_cold["peak_mib"], "< 1024")]

    if not args.skip_growth:
        print("\ngrowth (synthetic sites from the corpus' posts)")
        small = synthetic_site(args.corpus, args.work / "site-1k", 1000)
        huge = synthetic_site(args.corpus, args.work / "site-10k", 10000)
        k1 = measure("postlint 1,000 posts, cold", [postlint, ".", "--no-cache"], small, runs)
        k10 = measure("postlint 10,000 posts, cold", [postlint, ".", "--no-cache"], huge, runs)
        rows += [("10k / 1k wall time", k10["median"] / k1["median"], "< 12"),
                 ("10k peak memory, MiB", k10["peak_mib"], "< 1024")]

    print("\n| measure | value | target |\n| --- | --- | --- |")
    for name, value, target in rows:
        shown = "skipped" if value is None else f"{value:.2f}"
        print(f"| {name} | {shown} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
