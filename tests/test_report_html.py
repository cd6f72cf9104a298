"""`--format html`: the report's structure, its escaping of untrusted text, and that it renders
in a real browser without console errors (skipped when Chromium is not installed)."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import DEMO_SITE, REPO
from typer.testing import CliRunner

from postlint.cli import app
from postlint.engine.check import internal_finding
from postlint.report import html as html_report
from postlint.report import render
from postlint.run import RunRequest, run_request


@pytest.fixture(autouse=True)
def at_repo(monkeypatch):
    monkeypatch.chdir(REPO)


def report_of(site: Path) -> tuple[str, object]:
    outcome = run_request(RunRequest(paths=[site], jobs=1))
    text = render("html", outcome.result, rules=[s.rule for s in outcome.settings], checked=outcome.checked,
                  cwd=Path.cwd(), settings=outcome.settings, targets=outcome.targets)
    return text, outcome


@pytest.fixture(scope="module")
def demo():
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        text, outcome = report_of(DEMO_SITE)
    return BeautifulSoup(text, "html.parser"), text, outcome


def cards(soup) -> dict[str, int]:
    return {card.b.next_sibling.strip(): int(card.b.text.replace(",", "")) for card in soup.select("#summary .card")}


def test_summary_counts_match_the_findings(demo):
    soup, _, outcome = demo
    findings = outcome.result.findings
    counted = cards(soup)
    assert counted["findings"] == len(findings)
    assert counted["errors"] == sum(f.severity == "error" for f in findings)
    assert counted["warnings"] == sum(f.severity == "warning" for f in findings)
    assert counted["info"] == sum(f.severity == "info" for f in findings)
    assert counted["files checked"] == len(outcome.checked)
    assert counted["files with findings"] == len({f.path for f in findings})
    by_rule = {row.select("td")[0].text: int(row.select("td")[3].text) for row in soup.select("#rules-summary tbody tr")}
    assert sum(by_rule.values()) == len(findings)
    assert by_rule["LNK001"] == sum(f.code == "LNK001" for f in findings)


def test_one_table_row_per_linted_file_with_its_numbers(demo):
    soup, _, outcome = demo
    rows = soup.select("#posts tbody tr")
    assert [row.td.text for row in rows] == outcome.checked
    headers = [th.text for th in soup.select("#posts thead th")]
    row = next(r for r in rows if r.td.text.endswith("2024-05-20-coaching-vs-revenue-operations.md"))
    cells = dict(zip(headers, (td.text for td in row.select("td"))))
    assert int(cells["title width"]) > 60  # the post title-length reports
    findings = [f for f in outcome.result.findings if f.path == row.td.text]
    assert int(cells["findings"]) == len(findings)
    assert row.td.a["href"] == "#" + soup.find("h3", string=row.td.text).parent["id"]  # links to its findings


def test_every_finding_has_its_code_frame_and_a_docs_link(demo):
    soup, _, outcome = demo
    shown = soup.select("#findings .finding")
    assert len(shown) == len(outcome.result.findings)
    for element, finding in zip(shown, outcome.result.findings):
        assert element.select_one(".loc").text == f"{finding.path}:{finding.line}:{finding.column}"
        assert element.select_one(".message").text == finding.message
        link = element.select_one("a.code")
        assert link["href"] == f"#rule-{finding.code}"
        doc = soup.find(id=f"rule-{finding.code}")
        assert doc is not None and "What it does" in doc.text
        frame = element.select_one("pre.frame").text.splitlines()
        assert frame[0] == f"{finding.line:>6} | {finding.source_line.expandtabs(4)}"
        assert frame[1].endswith("^")


def test_charts_show_the_applied_limits(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    (site / ".postlint.yaml").write_text("rules:\n  title-length:\n    max: 45\n  description-length:\n    min: 30\n",
                                        encoding="utf-8")
    text, _ = report_of(site)
    soup = BeautifulSoup(text, "html.parser")
    labels = [label.text for label in soup.select("#distributions .limit-label")]
    assert labels == ["max 45", "min 30", "max 160"]
    assert len(soup.select("#distributions svg")) == 4
    assert len(soup.select("#rules-summary svg rect.bar")) == len(soup.select("#rules-summary tbody tr"))


VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "line", "rect", "path", "circle"}


class Balance(HTMLParser):
    """Every element the report opens is closed, in order (the browser would silently repair it)."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag not in VOID:
            assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
            self.open.pop()


def balanced(text: str) -> None:
    checker = Balance()
    checker.feed(text.removeprefix("<!DOCTYPE html>"))
    assert checker.open == []


def test_report_is_well_formed(demo):
    balanced(demo[1])


def test_a_clean_site(tmp_path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Pipeline notes\n", encoding="utf-8")
    description = "A weekly forecast call that takes twenty minutes and ends with three decisions."
    (site / "_posts" / "2024-01-02-forecast-calls.md").write_text(
        f"---\ntitle: How we run forecast calls\ndescription: {description}\n---\n"
        "Open the call with the deals that moved since last week, then the ones that did not.\n",  # 17 words
        encoding="utf-8")
    text, outcome = report_of(site)
    assert outcome.result.findings == []
    balanced(text)
    soup = BeautifulSoup(text, "html.parser")
    assert cards(soup)["findings"] == 0
    assert "No findings." in soup.select_one("#findings").text
    assert [td.text for td in soup.select("#posts tbody td")][1:5] == ["25", str(len(description)), "17", "1"]


def test_title_and_description_widths_are_those_the_rules_measure(tmp_path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (site / "_posts" / "2024-01-02-ja.md").write_text(
        "---\ntitle: 営業の立ち上げ期間\ndescription: <b>立ち上げ</b>期間を縮める三つの習慣\n---\n本文。\n", encoding="utf-8")
    soup = BeautifulSoup(report_of(site)[0], "html.parser")
    # 9 and 15 full-width characters, each counted as two; the description's HTML tags left out, as jekyll-seo-tag does
    assert [td.text for td in soup.select("#posts tbody td")][1:3] == ["18", "30"]


def test_a_parser_crash_and_an_internal_error(monkeypatch):
    def crash(*args):
        raise RecursionError("nested too deeply")

    monkeypatch.setattr(html_report, "read_time", crash)  # as a Markdown parser bug would
    outcome = run_request(RunRequest(paths=[DEMO_SITE], jobs=1, select=["SEO001"]))
    outcome.result.findings.append(internal_finding(outcome.checked[0], "rule X001 crashed on this file: <boom>"))
    text = html_report.render(outcome.result, outcome.settings, outcome.targets, Path.cwd())
    soup = BeautifulSoup(text, "html.parser")
    words = {row.select("td")[3].text for row in soup.select("#posts tbody tr")}
    assert words == {"–"}  # blanks, and the titles are still counted
    assert any(row.select("td")[1].text != "–" for row in soup.select("#posts tbody tr"))
    assert "rule X001 crashed on this file: <boom>" in soup.select_one("#findings").text
    assert "report it, and run with" in soup.find(id="rule-PL001").text


def test_no_external_references(demo):
    soup, text, _ = demo
    assert not soup.select("script[src], link, img, iframe, object, embed, base, form")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//|javascript:)""", text, re.IGNORECASE)
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp
    (script,) = soup.find_all("script")
    digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp  # the only script that may run is this one


def test_untrusted_text_is_escaped(tmp_path):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: \"</title><script>alert('site')</script>\"\n", encoding="utf-8")
    name = "2024-01-02-x<img src=x onerror=alert(1)>.md"
    (site / "_posts" / name).write_text(
        "---\n"
        "title: \"<script>alert('title')</script> and a title long enough to go past sixty characters\"\n"
        "description: '\"><svg onload=alert(1)>'\n"
        "---\n"
        "TODO: <script>alert('body')</script> \u202egnp.exe\n\n"
        "See {% post_url <b>x</b> %} and [here](/a\"onmouseover=alert(1)).\n",
        encoding="utf-8")
    text, outcome = report_of(site)
    assert outcome.result.findings
    soup = BeautifulSoup(text, "html.parser")
    assert len(soup.find_all("script")) == 1
    assert not soup.select("img, svg[onload]") and soup.find("b", string="x") is None
    handlers = [(tag.name, attr) for tag in soup.find_all(True) for attr in tag.attrs if attr.lower().startswith("on")]
    assert handlers == []
    assert "</title><script>alert('site')</script>" in soup.title.text
    shown = soup.get_text()
    for payload in ("<script>alert('body')</script>", "x<img src=x onerror=alert(1)>.md", "<b>x</b>"):
        assert payload in shown  # shown as text, not obeyed
    assert "\u202e" not in text and "\ufffdgnp.exe" in shown  # a bidi override is shown, not applied


def test_cli_writes_the_report(tmp_path):
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["fixtures/demo-site", "--format", "html", "--output", str(target), "--no-cache"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert f"Wrote the html report to {target}." in result.stdout
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_histogram_bins_and_limits():
    svg = html_report.histogram_svg("Title length", "characters", [3, 4, 12, 61],
                                    [html_report.Limit("max", 60)])
    soup = BeautifulSoup(svg, "html.parser")
    bars = [rect.title.text for rect in soup.select("rect.bar")]
    assert bars == ["0–4 characters: 2 posts", "10–14 characters: 1 post", "60–64 characters: 1 post"]
    limit = soup.select_one("line.limit")
    # between 60 (allowed) and 61 (reported): 60.5 of the 65 characters the axis spans (13 bins of 5)
    assert float(limit["x1"]) == pytest.approx(44 + 60.5 / 65 * (520 - 44 - 16), abs=0.1)
    empty = BeautifulSoup(html_report.histogram_svg("Words", "words", [], []), "html.parser")
    assert not empty.select("rect.bar")


# --- in a browser --------------------------------------------------------------------------------

CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)

# Run after the report's own script: sort the posts table by words, as a click would.
CLICK = """
var header = Array.prototype.find.call(document.querySelectorAll("#posts th"), function (th) {
  return th.textContent === "words";
});
header.querySelector("button").click();
"""


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)")
def test_renders_in_chromium_without_console_errors(tmp_path, demo):
    _, text, _ = demo
    digest = base64.b64encode(hashlib.sha256(CLICK.encode()).digest()).decode()
    page = text.replace("script-src ", f"script-src 'sha256-{digest}' ").replace(
        "</body>", f"<script>{CLICK}</script></body>")
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    run = subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=90, check=False)
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == []  # no script error, no Content-Security-Policy violation
    dom = BeautifulSoup(run.stdout, "html.parser")
    assert dom.select("#posts th button"), "the report's script did not run"
    words = [row.select("td")[3].text for row in dom.select("#posts tbody tr")]
    numbers = [int(w.replace(",", "")) for w in words if w != "–"]
    assert numbers == sorted(numbers, reverse=True) and words[len(numbers):] == ["–"] * (len(words) - len(numbers))
    assert dom.select_one("#posts th[aria-sort=descending]").text == "words"
