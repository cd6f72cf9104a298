"""Every rule's fixture site in fixtures/cases/<rule-name>/.

Each case folder is a small Jekyll site. The test lints it with only that rule selected and
checks three things: every file named `*fail*` has at least one finding, every `*pass*` file
has none, and the findings match `expected.txt` (a reviewable snapshot).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import CASES, check_snapshot, run, snapshot_lines

from postlint.jekyll.site import Site
from postlint.registry import load_registry

CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_rule_case(case: Path) -> None:
    rule_name = case.name
    assert load_registry().get(rule_name) is not None, f"{case} is not named after a rule"
    result, _ = run([case], select=[rule_name])
    assert not result.errors, result.errors
    assert not [f for f in result.findings if f.internal], "a rule crashed"
    assert {f.rule for f in result.findings} <= {rule_name}
    targets = Site(case).lint_targets(case)
    flagged = {Path(f.path).resolve() for f in result.findings}
    fail_files = [t for t in targets if "fail" in t.name]
    pass_files = [t for t in targets if "pass" in t.name]
    assert fail_files and pass_files, f"{case} needs both pass and fail cases"
    for target in fail_files:
        assert target.resolve() in flagged, f"{target.relative_to(case)} should have a {rule_name} finding"
    for target in pass_files:
        assert target.resolve() not in flagged, f"{target.relative_to(case)} should be clean"
    check_snapshot(case / "expected.txt", snapshot_lines(result.findings, case))
