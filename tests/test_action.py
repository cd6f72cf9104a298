"""action.yml: the composite action's steps, run the way a GitHub runner runs them, on a git
repository made from the demo site: a pull request (changed posts, annotations) and a push (the
whole site, SARIF), each writing outputs and a Markdown step summary. The setup-python and pip
install steps need the network; the package under test is already installed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import DEMO_SITE, REPO, copy_site, git_environment

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
CLEAN_POST = "_posts/2024-01-15-ramp-time-benchmark.md"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """The demo site committed on main (known as origin/main too), then a feature branch that
    breaks a link in a post that was clean."""
    for name, value in git_environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    root = copy_site(DEMO_SITE, tmp_path / "blog")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "site")
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    post = root / CLEAN_POST
    post.write_text(post.read_text(encoding="utf-8") + "\nCompare [last year's ramp]({% post_url 2023-01-15-no-such-post %}).\n",
                    encoding="utf-8")
    git(root, "commit", "-q", "-am", "link last year's post")
    return root


def run_action(repo: Path, tmp_path: Path, event: str, **inputs: str) -> tuple[int, str, dict, str]:
    """Run the action's `run:` steps (not the install) in bash as the runner does, inputs
    substituted into the steps' env; returns (exit code, stdout, outputs, step summary)."""
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in inputs.items()})
    output, summary = tmp_path / "github-output", tmp_path / "step-summary"
    output.write_text("", encoding="utf-8")
    env = {**os.environ, "GITHUB_EVENT_NAME": event, "GITHUB_BASE_REF": "main" if event == "pull_request" else "",
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTION_PATH": str(REPO),
           "RUNNER_TEMP": str(tmp_path), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    code, stdout = 0, ""
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        step_env = {key: INPUT.sub(lambda m: values[m.group(1)], str(value)) for key, value in step.get("env", {}).items()}
        script = tmp_path / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], check=False, cwd=repo,
                              env={**env, **step_env}, capture_output=True, text=True, timeout=120)
        code, stdout = done.returncode, stdout + done.stdout
        if code:
            break
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    return code, stdout, outputs, summary.read_text(encoding="utf-8") if summary.exists() else ""


def test_the_steps_take_inputs_from_the_environment_only():
    """An input spliced into a script is a shell injection (a branch name, a path); every input
    reaches the scripts as an environment variable, and each one declared is used."""
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert not any("${{" in step.get("run", "") for step in steps)
    used = {m.group(1) for step in steps for value in step.get("env", {}).values() for m in INPUT.finditer(str(value))}
    used |= {m.group(1) for step in steps for value in step.get("with", {}).values() for m in INPUT.finditer(str(value))}
    assert used == set(ACTION["inputs"])
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"


def test_pull_request_annotates_only_what_the_branch_changed(repo, tmp_path):
    code, stdout, outputs, summary = run_action(repo, tmp_path, "pull_request")
    assert code == 1 and outputs == {"sarif-file": "", "exit-code": "1"}
    annotations = [line for line in stdout.splitlines() if line.startswith("::")]
    assert annotations and all(f"file={CLEAN_POST}," in line for line in annotations)
    assert any("title=LNK001" in line and "2023-01-15-no-such-post" in line for line in annotations)
    # The demo site's other findings predate the branch: neither annotated nor summarised.
    assert "pipeline-review-cadence" not in stdout + summary
    assert summary.startswith("## postlint\n") and f"`{CLEAN_POST}`" in summary and "LNK001 post-url-target" in summary


def test_push_lints_the_whole_site_into_sarif(repo, tmp_path):
    code, _, outputs, summary = run_action(repo, tmp_path, "push")
    assert code == 1 and outputs == {"sarif-file": "postlint.sarif", "exit-code": "1"}
    results = json.loads((repo / "postlint.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    files = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results}
    assert CLEAN_POST in files and "_posts/2024-03-20-pipeline-review-cadence.md" in files
    assert f"**{len(results)} findings** in {len(files)} files" in summary


def test_baseline_and_fail_on_inputs_reach_postlint(repo, tmp_path):
    subprocess.run([sys.executable, "-m", "postlint", "check", ".", "--write-baseline", "baseline.json"],
                   cwd=repo, check=True, capture_output=True)
    code, _, outputs, summary = run_action(repo, tmp_path, "push", baseline="baseline.json")
    assert code == 0 and outputs["exit-code"] == "0" and "No findings." in summary
    code, stdout, outputs, _ = run_action(repo, tmp_path, "pull_request", fail_on="warning", changed_only="false",
                                          args="--select FM004")
    annotations = [line for line in stdout.splitlines() if line.startswith("::")]
    assert annotations and all("title=FM004" in line for line in annotations)  # the whole site, one rule
    assert code == 1 and outputs["exit-code"] == "1"  # FM004 warns: fail-on warning fails


def test_the_summary_reads_json_and_sarif_alike(tmp_path):
    from postlint.engine.check import RunResult
    from postlint.finding import Finding
    from postlint.registry import load_registry
    from postlint.report import json as json_report
    from postlint.report import sarif, summary

    findings = [Finding("_posts/a|b.md", 3, 1, "FM002", "front-matter-required", "error", "missing title"),
                Finding("_posts/a|b.md", 5, 1, "FM004", "front-matter-date", "warning", "date"),
                Finding("_posts/c d.md", 1, 1, "FM002", "front-matter-required", "error", "missing title")]
    result = RunResult(findings=findings)
    from_json = summary.read_report(json_report.render(result))
    from_sarif = summary.read_report(sarif.render(result, load_registry().sorted(), tmp_path))
    assert from_json == from_sarif
    text = summary.render(from_json, top=1)
    assert "**3 findings** in 2 files (2 error, 1 warning)." in text
    assert "| FM002 front-matter-required | error | 2 |" in text
    assert "| `_posts/a\\|b.md` | 2 | 1 error, 1 warning |" in text and "…and 1 more file." in text
    assert summary.render([]) == "## postlint\n\nNo findings.\n"


def test_the_summary_command_rejects_what_is_no_report(tmp_path, capsys):
    from postlint.report import summary

    report = tmp_path / "report.json"
    report.write_text('{"not": "a report"}', encoding="utf-8")
    assert summary.main([str(report)]) == 2 and "not a postlint JSON or SARIF report" in capsys.readouterr().err
