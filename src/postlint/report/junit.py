"""`--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure, CircleCI).

One `<testsuite name="postlint">`. Every finding is its own `<testcase>` with a `<failure>`
(a crash of a rule, PL001, is an `<error>`), so GitLab and Jenkins, which show one failure per
test case, list every finding. Its `classname` and `file` are the post's path and its name
is `CODE rule at line L, column C`. A linted file without findings is one passing testcase, so the
totals read as "files and findings". Findings below `--fail-on` are failures too: the report
shows what postlint found; the exit code decides whether the job fails.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from postlint.engine.check import RunResult
from postlint.lazy_patterns import lazy_compile

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = lazy_compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(result: RunResult, checked: list[str]) -> str:
    suite = ET.Element("testsuite", name="postlint", time=f"{result.seconds:.3f}")
    failures = errors = 0
    for finding in result.findings:
        case = ET.SubElement(suite, "testcase", classname=_clean(finding.path), file=_clean(finding.path),
                             name=f"{finding.code} {finding.rule} at line {finding.line}, column {finding.column}")
        kind = "error" if finding.internal else "failure"
        failures += kind == "failure"
        errors += kind == "error"
        detail = ET.SubElement(case, kind, type=finding.severity, message=_clean(finding.message))
        detail.text = _clean(f"{finding.path}:{finding.line}:{finding.column}: {finding.severity} "
                             f"{finding.code} {finding.rule}: {finding.message}"
                             + (f"\n{finding.source_line}" if finding.source_line.strip() else ""))
    flagged = {finding.path for finding in result.findings}
    for path in checked:
        if path not in flagged:
            ET.SubElement(suite, "testcase", classname=_clean(path), file=_clean(path), name="postlint")
    for error in result.errors:
        case = ET.SubElement(suite, "testcase", classname="postlint", name="postlint run")
        ET.SubElement(case, "error", type="error", message=_clean(error)).text = _clean(error)
        errors += 1
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    root = ET.Element("testsuites", name="postlint", tests=suite.get("tests"), failures=str(failures), errors=str(errors))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
