"""README.md runs: its commands and configuration examples are executed, so the README cannot drift.

Like ruff's and markdownlint's documentation tests, every fenced block of README.md is picked up by
rule (never by line number), so a block added later is checked too:

- ```sh / ```shell / ```bash blocks: each line (a trailing `\\` joins the next) whose commands are
  all `postlint` (after optional `VAR=value` assignments, joined by `&&`, `;`, ...) runs in bash,
  `postlint` being this environment's console script. ```console blocks: the same for lines
  starting with `$ `; the other lines are output. Each block gets a fresh copy of
  fixtures/demo-site that is a git repository whose `origin/main` is its HEAD (so
  `--changed-since origin/main` works), and its lines run in order in that copy (a baseline
  written by one line is read by the next). A line exits with the code its comment states
  (`# ... exits N ...`), else with 0 or 1 (findings or none, never 2). Lines that run anything
  else (python, pip, pytest, npm, git) are not run: they install, fetch or test another tool.
- ```yaml blocks, by content: a mapping with `jobs` (or a list of steps) is a GitHub Actions
  workflow, `repos` a `.pre-commit-config.yaml`, `kind` a YAML rule, any other mapping a
  `.postlint.yaml`, written into a demo copy and loaded by a run (exit code not 2). Workflows and
  pre-commit configs are parsed and checked: postlint's release tag, the permissions SARIF upload
  needs, the history `--changed-since` needs, a local hook equal to the shipped one.
- ```json blocks holding a `path` and a `code` are findings: the demo site must report exactly that
  one with `--format json`, run from the repository root as the README shows.
- Other blocks (toml, python, markdown, unlabelled) are neither commands nor configuration.

The quick start's two commands install first (network), so they are checked apart: the lint
command's `postlint` step runs on the demo site, and the test command is `.ci/run`'s.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from helpers import DEMO_SITE, REPO, copy_site
from markdown_it import MarkdownIt

import postlint

README = REPO / "README.md"
POSTLINT = Path(sysconfig.get_path("scripts")) / "postlint"
SHELL_LANGUAGES = {"sh", "shell", "bash"}
COMMAND_SEPARATORS = {"&&", "||", "|", ";", "&"}
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
STATED_EXIT = re.compile(r"\bexits (\d)\b")
RELEASE_TAG = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
GIT_INSTALL = re.compile(r"git\+https://\S+?/postlint(?:\.git)?@([\w.\-/]+)")
# pre-commit's own keys that may differ between the shipped hook and a local copy of it.
HOOK_PACKAGING_KEYS = {"name", "description", "language", "minimum_pre_commit_version"}


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    heading: str  # the nearest heading above
    lead: str  # the paragraph right above the block

    def __str__(self) -> str:
        return f"README.md:{self.line}"


@dataclass(frozen=True)
class Command:
    line: int
    text: str  # the shell line, comment included
    exits: frozenset[int]


def readme_blocks(text: str) -> list[Block]:
    blocks, heading, lead = [], "", ""
    tokens = MarkdownIt("commonmark").parse(text)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading, lead = tokens[index + 1].content, ""
        elif token.type == "paragraph_open":
            lead = tokens[index + 1].content
        elif token.type == "fence":
            language = token.info.split()[0] if token.info.strip() else ""
            blocks.append(Block(token.map[0] + 1, language, token.content, heading, lead))
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def command_words(line: str) -> list[list[str]]:
    """The words of each command of a shell line (the line's comment dropped)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    for token in lexer:
        if token in COMMAND_SEPARATORS:
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def runs_only_postlint(line: str) -> bool:
    commands = command_words(line)
    programs = [next((word for word in words if not ASSIGNMENT.match(word)), "") for words in commands]
    return bool(programs) and all(program == "postlint" for program in programs)


def stated_exit(line: str) -> frozenset[int]:
    """The exit code the line's comment states, else findings or none."""
    comment = re.search(r"(?:^|\s)#(.*)$", line)
    stated = STATED_EXIT.search(comment.group(1)) if comment else None
    return frozenset({int(stated.group(1))}) if stated else frozenset({0, 1})


def shell_lines(block: Block) -> list[tuple[int, str]]:
    """(README line, command) of each command of a shell or console block."""
    lines, pending, start = [], "", 0
    for number, raw in enumerate(block.text.splitlines(), start=block.line + 1):
        if block.language == "console":
            if not raw.startswith("$ ") and not pending:
                continue  # output
            raw = raw.removeprefix("$ ")
        start = start if pending else number
        if raw.endswith("\\"):
            pending += raw[:-1].strip() + " "
            continue
        lines.append((start, pending + (raw.strip() if pending else raw)))
        pending = ""
    return lines


def postlint_commands(block: Block) -> list[Command]:
    if block.language not in SHELL_LANGUAGES | {"console"}:
        return []
    return [Command(number, line, stated_exit(line)) for number, line in shell_lines(block) if runs_only_postlint(line)]


def yaml_kind(document) -> str:
    steps = isinstance(document, list) and document and all(isinstance(step, dict) and ("uses" in step or "run" in step)
                                                             for step in document)
    if steps:
        return "workflow"
    if not isinstance(document, dict):
        return "unknown"
    if "jobs" in document:
        return "workflow"
    if "repos" in document:
        return "pre-commit"
    if "kind" in document:
        return "yaml-rule"
    return "postlint-config"


def yaml_blocks(kind: str) -> list[tuple[Block, object]]:
    documents = [(block, yaml.safe_load(block.text)) for block in BLOCKS if block.language == "yaml"]
    return [(block, document) for block, document in documents if yaml_kind(document) == kind]


def block_ids(pairs) -> list[str]:
    return [str(pair[0] if isinstance(pair, tuple) else pair) for pair in pairs]


def demo_repository(target: Path) -> Path:
    """A copy of the demo site as a blog's repository: everything committed, `origin/main` at HEAD."""
    copy_site(DEMO_SITE, target)
    env = git_env(target.parent)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "demo site"],
                 ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run(["git", *args], cwd=target, env=env, check=True, capture_output=True)
    return target


def git_env(home: Path) -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "README test", "GIT_AUTHOR_EMAIL": "readme@example.com",
            "GIT_COMMITTER_NAME": "README test", "GIT_COMMITTER_EMAIL": "readme@example.com",
            "GIT_CONFIG_GLOBAL": str(home / "no-gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}


def user_env() -> dict[str, str]:
    """A user's environment: `postlint` is the installed console script and the result cache is on,
    as it is by default (its signing key stays in the test session's cache folder, see conftest)."""
    env = {key: value for key, value in os.environ.items() if key != "POSTLINT_NO_CACHE"}
    env["PATH"] = f"{POSTLINT.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_shell(line: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=user_env(), capture_output=True, text=True, timeout=120)


def outcome(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"


def release_tags() -> list[tuple[Block, str]]:
    """Every release of postlint that README.md tells people to install or run."""
    tags = []
    for block, document in yaml_blocks("pre-commit"):
        tags += [(block, str(repo["rev"])) for repo in document["repos"] if is_postlint_repo(repo["repo"])]
    for block, document in yaml_blocks("workflow"):
        for step in (step for steps, _ in workflow_jobs(document) for step in steps):
            if "uses" in step and re.match(r"[^/]+/postlint[@/]", step["uses"]):
                tags.append((block, step["uses"].rsplit("@", 1)[1]))
            tags += [(block, tag) for tag in GIT_INSTALL.findall(str(step.get("run", "")))]
    return tags


def is_postlint_repo(url: str) -> bool:
    return url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1] == "postlint"


def workflow_jobs(document) -> list[tuple[list[dict], dict | None]]:
    """(steps, permissions) of each job; a bare list of steps has no permissions to check."""
    if isinstance(document, list):
        return [(document, None)]
    jobs = []
    for job in document["jobs"].values():
        permissions = job.get("permissions", document.get("permissions"))
        jobs.append((job.get("steps", []), permissions or {}))
    return jobs


# --- the helpers' rules, on lines README.md may hold one day -------------------------------------


@pytest.mark.parametrize("line, runs", [
    ("postlint --format json         # machine-readable findings", True),
    ("NO_COLOR=1 postlint _posts && postlint rules", True),
    ("$HOME/bin/postlint --version", False),
    ("postlint --format json | jq length", False),
    ("python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/postlint fixtures/demo-site", False),
    ("POSTLINT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest   # rewrite snapshots", False),
    ("# postlint is not run from a comment", False),
])
def test_only_lines_running_postlint_alone_are_run(line, runs):
    assert runs_only_postlint(line) is runs


@pytest.mark.parametrize("line, exits", [
    ("postlint init   # write a config (exits 2 if one exists)", {2}),
    ("postlint --baseline b.json   # fails only on new findings (none yet: exits 0)", {0}),
    ("postlint --select 'exits 2'", {0, 1}),
    ("postlint   # lint the site you stand in", {0, 1}),
])
def test_stated_exit_code_comes_from_the_comment(line, exits):
    assert stated_exit(line) == exits


def test_console_blocks_run_the_prompted_lines_and_join_continuations():
    block = Block(10, "console", "$ postlint --format json \\\n    --output out.json\nFound 2 findings\n$ postlint rules\n", "", "")
    assert shell_lines(block) == [(11, "postlint --format json --output out.json"), (14, "postlint rules")]


def test_yaml_blocks_are_told_apart_by_content():
    assert yaml_kind({"on": "push", "jobs": {}}) == "workflow"
    assert yaml_kind([{"uses": "your-org/postlint@v0.2.0"}]) == "workflow"
    assert yaml_kind({"repos": []}) == "pre-commit"
    assert yaml_kind({"code": "HSE001", "kind": "existence"}) == "yaml-rule"
    assert yaml_kind({"rules": {"title-length": "off"}}) == "postlint-config"
    assert yaml_kind("just text") == "unknown"


def test_readme_has_each_kind_of_example():
    """The extraction found what README.md is known to show: an empty harvest would test nothing."""
    assert any(postlint_commands(block) for block in BLOCKS)
    for kind in ("workflow", "pre-commit", "yaml-rule", "postlint-config"):
        assert yaml_blocks(kind), f"no {kind} block found in README.md"
    assert release_tags()


def test_every_yaml_block_is_one_the_test_knows():
    unknown = [str(block) for block in BLOCKS if block.language == "yaml" and yaml_kind(yaml.safe_load(block.text)) == "unknown"]
    assert not unknown, f"YAML blocks that are neither a workflow, a pre-commit config, a YAML rule nor a .postlint.yaml: {unknown}"


# --- shell blocks -------------------------------------------------------------------------------

SHELL_BLOCKS = [block for block in BLOCKS if postlint_commands(block)]


@pytest.mark.parametrize("block", SHELL_BLOCKS, ids=block_ids(SHELL_BLOCKS))
def test_shell_block_runs_on_the_demo_site(block, tmp_path):
    site = demo_repository(tmp_path / "demo-site")
    for command in postlint_commands(block):
        result = run_shell(command.text, site)
        assert result.returncode in command.exits, (
            f"README.md:{command.line}: `{command.text}` should exit {sorted(command.exits)}\n{outcome(result)}")


# --- the quick start ----------------------------------------------------------------------------

QUICK_START = [block for block in BLOCKS if block.heading == "Quick start"]


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """The demo site where a checkout of postlint has it, for commands run from the checkout's root
    (shared: its result cache makes the second run over it quick)."""
    root = tmp_path_factory.mktemp("checkout")
    copy_site(DEMO_SITE, root / "fixtures" / "demo-site")
    return root


def test_quick_start_lints_the_demo_site_as_it_says(checkout):
    """`python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/postlint fixtures/demo-site`:
    the install steps need the network; the lint step runs as written, from a checkout's root."""
    block = QUICK_START[0]
    *install, lint = command_words(block.text.strip())
    assert [words[:3] for words in install] == [["python3", "-m", "venv"], [".venv/bin/pip", "install", "-q"]]
    assert lint[0] == ".venv/bin/postlint"
    stated = STATED_EXIT.search(block.lead)
    assert stated, f"{block}: the quick start says how the demo run exits"
    result = subprocess.run([POSTLINT, *lint[1:]], cwd=checkout, env=user_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == int(stated.group(1)), outcome(result)
    assert "fixtures/demo-site/_posts/" in result.stdout and " error " in result.stdout, "it shows the defects"


def test_quick_start_test_command_is_what_ci_runs():
    block = QUICK_START[1]
    assert "`.ci/run`" in block.lead
    ci_commands = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert block.text.strip() in ci_commands


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize("block, config", yaml_blocks("postlint-config"), ids=block_ids(yaml_blocks("postlint-config")))
def test_config_example_loads_on_the_demo_site(block, config, tmp_path):
    site = copy_site(DEMO_SITE, tmp_path / "demo-site")
    (site / ".postlint.yaml").write_text(block.text, encoding="utf-8")
    result = run_shell("postlint", site)
    assert result.returncode in (0, 1), f"{block}: the example does not load on the demo site\n{outcome(result)}"


@pytest.mark.parametrize("block, spec", yaml_blocks("yaml-rule"), ids=block_ids(yaml_blocks("yaml-rule")))
def test_yaml_rule_example_loads_and_keeps_its_examples(block, spec, tmp_path):
    site = tmp_path / "site"
    (site / "house-rules").mkdir(parents=True)
    (site / "_posts").mkdir()
    (site / "_config.yml").write_text("title: House rules\n", encoding="utf-8")
    (site / ".postlint.yaml").write_text("yaml_rules: [house-rules]\n", encoding="utf-8")
    (site / "house-rules" / f"{spec['name']}.yml").write_text(block.text, encoding="utf-8")
    examples = [(verdict, text) for verdict in ("fail", "pass") for text in spec["examples"][verdict]]
    for day, (verdict, text) in enumerate(examples, start=1):
        (site / "_posts" / f"2024-01-{day:02d}-{verdict}.md").write_text(f"---\ntitle: Example {day}\n---\n{text}\n", encoding="utf-8")
    result = run_shell(f"postlint --select {spec['code']} --format json", site)
    assert result.returncode in (0, 1), outcome(result)
    flagged = {Path(finding["path"]).name for finding in json.loads(result.stdout)}
    expected = {f"2024-01-{day:02d}-fail.md" for day, (verdict, _) in enumerate(examples, start=1) if verdict == "fail"}
    assert flagged == expected, f"{block}: the rule's own fail examples are flagged, its pass examples not"


# --- CI and pre-commit snippets -----------------------------------------------------------------


def test_snippets_install_one_release_no_older_than_this_one():
    """Every snippet names the same release tag, and not one older than this version (the README may
    name the release being prepared, never an old one)."""
    tags = release_tags()
    assert len({tag for _, tag in tags}) == 1, f"snippets name different releases: {[(str(b), t) for b, t in tags]}"
    tag = tags[0][1]
    release = RELEASE_TAG.fullmatch(tag)
    assert release, f"{tag!r} is not a release tag (vX.Y.Z)"
    version = tuple(int(part) for part in postlint.__version__.split(".")[:3])
    assert tuple(int(part) for part in release.groups()) >= version, f"{tag} is older than postlint {postlint.__version__}"


@pytest.mark.parametrize("block, workflow", yaml_blocks("workflow"), ids=block_ids(yaml_blocks("workflow")))
def test_workflow_has_the_permissions_and_history_its_steps_need(block, workflow):
    for steps, permissions in workflow_jobs(workflow):
        actions = [str(step.get("uses", "")).split("@")[0] for step in steps]
        if permissions is not None and "github/codeql-action/upload-sarif" in actions:
            assert permissions.get("security-events") == "write", f"{block}: upload-sarif needs security-events: write"
            assert permissions.get("actions") == "read", f"{block}: upload-sarif needs actions: read in private repositories"
        if permissions is not None and "actions/checkout" in actions:
            assert permissions.get("contents") in ("read", "write"), f"{block}: actions/checkout needs contents: read"
        if any("--changed-since" in str(step.get("run", "")) for step in steps):
            checkout = next(step for step in steps if str(step.get("uses", "")).startswith("actions/checkout@"))
            assert checkout.get("with", {}).get("fetch-depth") == 0, f"{block}: --changed-since needs the merge base (fetch-depth: 0)"


@pytest.mark.parametrize("block, config", yaml_blocks("pre-commit"), ids=block_ids(yaml_blocks("pre-commit")))
def test_pre_commit_config_uses_the_shipped_hook(block, config):
    shipped = {hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            assert hook["id"] in shipped, f"{block}: no hook {hook['id']!r} in .pre-commit-hooks.yaml"
            if repo["repo"] == "local":
                local, original = ({key: value for key, value in h.items() if key not in HOOK_PACKAGING_KEYS}
                                   for h in (hook, shipped[hook["id"]]))
                assert local == original, f"{block}: the local hook does not do what the shipped one does"
            else:
                assert is_postlint_repo(repo["repo"]), f"{block}: {repo['repo']} is not postlint's repository"


# --- JSON output --------------------------------------------------------------------------------

def json_document(block: Block):
    try:
        return json.loads(block.text)
    except json.JSONDecodeError:
        return None  # test_every_json_block_parses names it


JSON_BLOCKS = [block for block in BLOCKS if block.language == "json"]
FINDING_BLOCKS = [block for block in JSON_BLOCKS
                  if isinstance(json_document(block), dict) and {"path", "code"} <= json_document(block).keys()]


@pytest.mark.parametrize("block", FINDING_BLOCKS, ids=block_ids(FINDING_BLOCKS))
def test_json_finding_is_one_the_demo_site_reports(block, checkout):
    result = run_shell("postlint fixtures/demo-site --format json", checkout)
    assert result.returncode == 1, outcome(result)
    assert json.loads(block.text) in json.loads(result.stdout), f"{block}: the demo site reports no such finding"


def test_every_json_block_parses():
    assert not [str(block) for block in JSON_BLOCKS if json_document(block) is None]
