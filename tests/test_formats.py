"""Output formats: github, sarif, junit, json; --output FILE; exit policy across formats."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from helpers import DEMO_SITE, REPO
from typer.testing import CliRunner

from postlint.cli import app
from postlint.engine.check import RunResult, internal_finding
from postlint.finding import Finding
from postlint.report import github, junit, sarif

runner = CliRunner()
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
PIPELINE = "fixtures/demo-site/_posts/2024-03-20-pipeline-review-cadence.md"


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def at_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def json_findings(*args):
    return json.loads(invoke("fixtures/demo-site", "--format", "json", *args).stdout)


# --- github --------------------------------------------------------------------------------

_COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(value: str) -> str:
    # The runner's unescaping, in the order it applies it.
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse_github(output: str) -> list[dict]:
    parsed = []
    for line in output.splitlines():
        match = _COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        props = dict(part.split("=", 1) for part in match.group("props").split(","))
        parsed.append({"command": match.group(1), **{k: _unescape(v) for k, v in props.items()},
                       "message": _unescape(match.group("message"))})
    return parsed


def test_github_lines_parse_back_to_the_findings():
    result = invoke("fixtures/demo-site", "--format", "github")
    assert result.exit_code == 1
    parsed = parse_github(result.stdout)
    expected = json_findings()
    assert len(parsed) == len(expected) > 0
    command = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(parsed, expected):
        assert line == {"command": command[finding["severity"]], "file": finding["path"], "line": str(finding["line"]),
                        "col": str(finding["column"]), "title": f"{finding['code']} {finding['rule']}",
                        "message": finding["message"]}


def test_github_escapes_data_and_properties():
    finding = Finding("posts/a,b:c%.md", 3, 2, "FM003", "front-matter-schema", "info", "100% done:\r\nnext, line")
    output = github.render(RunResult(findings=[finding]))
    assert output == ("::notice file=posts/a%2Cb%3Ac%25.md,line=3,col=2,title=FM003 front-matter-schema"
                      "::100%25 done:%0D%0Anext, line\n")
    [line] = parse_github(output)
    assert line["file"] == "posts/a,b:c%.md" and line["message"] == "100% done:\r\nnext, line"


# --- sarif ---------------------------------------------------------------------------------

def test_sarif_is_valid_against_the_official_schema():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is read from {SARIF_SCHEMA} (../shared beside the repository), "
                    "which is absent here")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(invoke("fixtures/demo-site", "--format", "sarif").stdout)
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    # a log carrying a crashed rule and a run-level error is valid too
    crashed = RunResult(findings=[internal_finding("x.md", "rule X crashed")], errors=["plugin failed"])
    jsonschema.validators.validator_for(schema)(schema).validate(json.loads(sarif.render(crashed, [], REPO)))


def test_sarif_results_point_at_their_rules_and_places():
    log = json.loads(invoke("fixtures/demo-site", "--format", "sarif").stdout)
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    expected = json_findings()
    assert len(run["results"]) == len(expected)
    level = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(run["results"], expected):
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"] == finding["code"] and rule["name"] == finding["rule"]
        assert result["level"] == level[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["region"] == {"startLine": finding["line"], "startColumn": finding["column"]}
        assert result["partialFingerprints"]["postlint/v1"]
    fm002 = next(rule for rule in rules if rule["id"] == "FM002")
    assert "## Why is this bad?" in fm002["help"]["markdown"]
    assert fm002["defaultConfiguration"]["level"] == "error"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == REPO.as_uri() + "/"


def test_sarif_fingerprint_ignores_the_line():
    a = Finding("p.md", 3, 1, "FM003", "front-matter-schema", "error", "m", fingerprint="time_read")
    b = Finding("p.md", 9, 1, "FM003", "front-matter-schema", "error", "m", fingerprint="time_read")
    c = Finding("p.md", 9, 1, "FM003", "front-matter-schema", "error", "m", fingerprint="date")
    assert sarif.fingerprint(a) == sarif.fingerprint(b) != sarif.fingerprint(c)


# --- junit ---------------------------------------------------------------------------------

def test_junit_is_well_formed_with_one_testcase_per_finding_and_clean_file():
    output = invoke("fixtures/demo-site", "--format", "junit").stdout
    root = ET.fromstring(output.encode("utf-8"))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    expected = json_findings()
    failing = [case for case in cases if case.find("failure") is not None]
    assert len(failing) == len(expected) == int(suite.get("failures"))
    assert int(suite.get("tests")) == len(cases)
    for case, finding in zip(failing, expected):
        assert case.get("classname") == case.get("file") == finding["path"]
        assert case.get("name") == f"{finding['code']} {finding['rule']} at line {finding['line']}, column {finding['column']}"
        assert case.find("failure").get("message") == finding["message"]
    passing = {case.get("classname") for case in cases if case.find("failure") is None}
    assert "fixtures/demo-site/_posts/2024-01-15-ramp-time-benchmark.md" in passing
    assert not passing & {f["path"] for f in expected}


def test_junit_survives_control_characters_and_marks_crashes_as_errors():
    findings = [Finding("a.md", 1, 1, "STY001", "placeholder-text", "warning", "bad \x00\x1b text <&>"),
                internal_finding("b.md", "rule X crashed")]
    root = ET.fromstring(junit.render(RunResult(findings=findings), ["a.md", "b.md", "c.md"]).encode("utf-8"))
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("errors") == "1"
    assert "<&>" in suite.find("testcase/failure").get("message")


# --- --output and exit policy --------------------------------------------------------------

@pytest.mark.parametrize("output_format", ["json", "github", "sarif", "junit", "text"])
def test_output_file_gets_the_report_and_terminal_the_summary(tmp_path, output_format):
    target = tmp_path / f"report.{output_format}"
    result = invoke(PIPELINE, "--format", output_format, "--output", str(target))
    assert result.exit_code == 1
    written = target.read_text(encoding="utf-8")
    assert "Found 4 findings" in result.stdout and f"Wrote the {output_format} report to" in result.stdout
    assert "missing required front-matter key" not in result.stdout  # findings are in the file only
    if output_format == "json":
        assert len(json.loads(written)) == 4
    elif output_format == "sarif":
        assert len(json.loads(written)["runs"][0]["results"]) == 4
    elif output_format == "junit":
        assert len(ET.fromstring(written).findall("testsuite/testcase/failure")) == 4
    elif output_format == "github":
        assert len(parse_github(written)) == 4
    else:
        assert "\x1b[" not in written and f"{PIPELINE}:7:1" in written and "Found 4 findings" in written


def test_output_to_an_unwritable_place_is_an_error(tmp_path):
    result = runner.invoke(app, [PIPELINE, "--format", "json", "--output", str(tmp_path / "missing" / "r.json")])
    assert result.exit_code == 2 and "cannot write" in result.stderr


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif", "junit"])
def test_exit_policy_is_the_same_in_every_format(output_format):
    warnings_only = ["fixtures/cases/front-matter-date", "--select", "front-matter-date", "--format", output_format]
    assert invoke(*warnings_only).exit_code == 0
    assert invoke(*warnings_only, "--fail-on", "warning").exit_code == 1
    assert invoke(*warnings_only, "--fail-on", "warning", "--exit-zero").exit_code == 0
    assert invoke(*warnings_only, "--fail-on", "info").exit_code == 1


def test_machine_formats_keep_stdout_parseable_and_errors_on_stderr():
    result = runner.invoke(app, [str(DEMO_SITE / "_posts"), "--format", "sarif", "--select", "no-such-rule"])
    assert result.exit_code == 2 and result.stdout == "" and "unknown rule" in result.stderr


# --- the text report ---------------------------------------------------------------------------

def test_full_layout_starts_every_finding_with_its_path_for_editors():
    output = invoke(PIPELINE).stdout
    findings = [line for line in output.splitlines() if line.startswith(PIPELINE)]
    assert len(findings) == 4 and all(re.match(rf"{re.escape(PIPELINE)}:\d+:\d+: (error|warning) FM00\d ", line)
                                      for line in findings)
    assert f"{PIPELINE}:7:1: error FM003 front-matter-schema" in output
    assert "     7 | time_read: five minutes" in output  # the source line, by default in this layout
    assert output.split("Found")[0] == invoke(PIPELINE, "--output-format", "full").stdout.split("Found")[0]


def test_concise_layout_names_each_file_once():
    output = invoke("fixtures/demo-site", "--output-format", "concise").stdout
    lines = output.splitlines()
    assert lines.count(PIPELINE) == 1 and PIPELINE not in output.replace(PIPELINE + "\n", "")
    start = lines.index(PIPELINE)
    assert lines[start + 1:start + 5] == [
        "  1:1  error    FM002 front-matter-required  missing required front-matter key 'description'",
        ("  4:1  error    FM001 front-matter-invalid   Jekyll cannot read this front matter: 'categories' is a number "
         "(2024) (\"no implicit conversion of Integer into Array\"), so it publishes the post at a junk URL without "
         "its layout, title or permalink; write a list of text or one text"),
        ("  7:1  error    FM003 front-matter-schema    'time_read' is 'five minutes', which does not match the expected "
         "format /\\d+ min/"),
        ("  8:1  warning  FM004 front-matter-date      front-matter date 2024-03-22 differs from the file name's "
         "2024-03-20; Jekyll publishes on the front-matter date"),
    ]
    assert " | " not in output  # no source lines unless asked for
    assert "     7 | time_read: five minutes" in invoke(PIPELINE, "--output-format", "concise", "--show-source").stdout


def test_text_report_file_follows_the_layout(tmp_path):
    target = tmp_path / "report.txt"
    invoke(PIPELINE, "--output-format", "concise", "--output", str(target))
    written = target.read_text(encoding="utf-8")
    assert written.startswith(PIPELINE + "\n  1:1  error") and "Found 4 findings" in written


def test_summary_is_never_wrapped_off_a_terminal():
    from io import StringIO

    from rich.console import Console

    from postlint.report import text

    findings = [Finding(f"_posts/post-{n}.md", 1, 1, "FM002", "front-matter-required", severity, "m")
                for n, severity in enumerate(["error"] * 1200 + ["warning"] * 300 + ["info"] * 34)]
    result = RunResult(findings=findings, files_checked=5050, seconds=62.0, errors=["a run-level error " * 8])
    for console in (Console(file=StringIO(), width=80), Console(file=StringIO(), width=80, force_terminal=True)):
        text.write_summary(console, result)
        lines = console.file.getvalue().splitlines()
        assert re.sub(r"\x1b\[[0-9;]*m", "", lines[0]) == (
            "Found 1534 findings (1200 errors, 300 warnings, 34 infos) in 1534 of 5050 files checked in 62.00s.")
        assert re.sub(r"\x1b\[[0-9;]*m", "", lines[-1]) == "postlint: error: " + "a run-level error " * 8
