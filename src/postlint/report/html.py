"""`--format html`: one self-contained HTML audit report, for people rather than tools.

A summary (counts by severity and rule, files checked), inline SVG charts (findings by rule;
histograms across posts of title length, description length, words and read time, with the
limits the run applied), a table of posts that sorts when a header is clicked, every finding
with its code frame, and the documentation of every rule that reported something.

Everything is inline: CSS, SVG and a few lines of JavaScript; nothing is fetched, so the file
works offline and leaks nothing when opened. File names, messages, source lines, front-matter
values and YAML rule docs come from the repository, which in a pull request is a stranger's:
every piece of such text is escaped (and its control and bidi characters shown, not obeyed, as in
the text report). A Content-Security-Policy allows only this file's own script and style (by
hash), so even a missed escape could not run a script or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path

from postlint import __version__
from postlint.config import RuleSetting
from postlint.docs import rule_doc
from postlint.engine.check import INTERNAL_ERROR, RunResult, display_path, printable
from postlint.finding import Finding
from postlint.jekyll.site import Site
from postlint.record import Record
from postlint.registry import Rule
from postlint.report.sarif import INTERNAL_ERROR_HELP
from postlint.report.text import _caret_line
from postlint.rules.readtime import read_time, read_time_rule
from postlint.rules.seo import (
    description_length,
    display_width,
    shown_description,
    title_length,
)
from postlint.visible import one_line

SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITY_ORDER)}
# What the title and description charts count, as title-length and description-length do.
WIDTH_UNIT = "characters (full-width as two)"


def esc(text: object) -> str:
    """Untrusted text as HTML: one line of visible characters, markup characters escaped."""
    return html.escape(one_line(printable(str(text))), quote=True)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# --- per-post numbers ----------------------------------------------------------------------------

class PostStats(Record):
    __slots__ = ("path", "title", "description", "words", "minutes")

    path: str  # as findings name it
    title: int | None  # width in characters, as title-length counts it (a full-width character as two)
    description: int | None
    words: int | None  # as read-time counts them, each Han or kana character as one (as word processors count)
    minutes: int | None

    def __init__(self, path: str, title: int | None = None, description: int | None = None, words: int | None = None,
                 minutes: int | None = None) -> None:
        self.path = path
        self.title = title
        self.description = description
        self.words = words
        self.minutes = minutes


def post_stats(targets: Iterable[tuple[Path, Site]], cwd: Path, words_per_minute: float,
               seconds_per_image: float, characters_per_minute: float) -> list[PostStats]:
    """Each linted file's numbers, from the site model and the rules' own counting functions, so
    the report agrees with title-length, description-length and read-time. Words and read time
    only for Markdown files, as read-time; None where a file has no such number."""
    stats = []
    for path, site in targets:
        post = site.post(display_path(path, site.root))
        row = PostStats(printable(display_path(path, cwd)))
        stats.append(row)
        if post.read_error is not None:
            continue
        try:
            title, description = post.text_value("title"), post.text_value("description")
            row.title = display_width(title) if title is not None else None
            row.description = display_width(shown_description(description)) if description is not None else None
            if post.is_markdown:
                computed = read_time(post, words_per_minute, seconds_per_image, characters_per_minute)
                row.words, row.minutes = computed.words + computed.characters, computed.minutes
        except Exception:  # a parser bug is already this file's internal-error finding: show blanks
            continue
        finally:
            post.forget_parsed_body()  # a big site's parsed bodies need not stay in memory
    return stats


# --- SVG charts ----------------------------------------------------------------------------------

def _nice_step(span: float, bins: int) -> int:
    """A whole bin width (1, 2, 5 times a power of ten) giving about `bins` bins over `span`."""
    raw = max(span / bins, 1)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>")


class Limit(Record):
    __slots__ = ("kind", "value", "note")

    kind: str  # "min" or "max": the fewest or most a rule allows
    value: int
    note: str

    def __init__(self, kind: str, value: int, note: str = "") -> None:
        self.kind = kind
        self.value = value
        self.note = note

    @property
    def at(self) -> float:
        """Where the line stands: between the last value allowed and the first one reported."""
        return self.value - 0.5 if self.kind == "min" else self.value + 0.5

    def outside(self, value: int) -> bool:
        return value < self.value if self.kind == "min" else value > self.value


def histogram_svg(label: str, unit: str, values: list[int], limits: list[Limit]) -> str:
    """Bars of how many posts fall in each bin of `values`, with `limits` drawn as dashed lines.
    The axis starts at 0 (every number here is a count) and has at least ten bins, so that a
    site whose posts all read in a minute shows one narrow bar, not one filling the chart."""
    width, height, left, right, top, bottom = 520, 210, 44, 16, 22, 40
    high = max([*values, *(limit.value + 1 for limit in limits)], default=1)
    step = _nice_step(high + 1, 20)
    count = max(high // step + 1, 10)
    bins = Counter(value // step for value in values)
    tick = _nice_step(max(bins.values(), default=1), 4)
    tallest = tick * math.ceil(max(bins.values(), default=1) / tick)  # the axis ends on a tick
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(value: float) -> float:
        return left + value / (count * step) * plot_w

    def y(n: float) -> float:
        return top + plot_h - n / tallest * plot_h

    body = [f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"/>',
            f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}"/>']
    for n in range(0, tallest + 1, tick):
        body.append(f'<text class="tick" x="{left - 6}" y="{y(n) + 4:.1f}" text-anchor="end">{n}</text>')
    every = math.ceil(count / 10)  # at most about ten labels under the axis
    for index in range(0, count + 1, every):
        body.append(f'<text class="tick" x="{x(index * step):.1f}" y="{top + plot_h + 15}" '
                    f'text-anchor="middle">{index * step:,}</text>')
    body.append(f'<text class="axis-label" x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                f'{esc(unit)}</text>')
    for index, n in sorted(bins.items()):
        first, last = index * step, index * step + step - 1
        span = f"{first:,}" if first == last else f"{first:,}–{last:,}"
        body.append(f'<rect class="bar" x="{x(first) + 1:.1f}" y="{y(n):.1f}" width="{max(x(last + 1) - x(first) - 2, 1):.1f}" '
                    f'height="{top + plot_h - y(n):.1f}"><title>{span} {esc(unit)}: {_plural(n, "post")}</title></rect>')
    for limit in limits:
        at = x(limit.at)
        # The label reads away from the nearer edge, so that it is never cut off.
        anchor, shift = ("end", -3) if at > left + plot_w / 2 else ("start", 3)
        body.append(f'<line class="limit" x1="{at:.1f}" y1="{top - 4}" x2="{at:.1f}" y2="{top + plot_h}"/>'
                    f'<text class="limit-label" x="{at + shift:.1f}" y="{top - 8}" text-anchor="{anchor}">'
                    f'{limit.kind} {limit.value:,}{esc(limit.note)}</text>')
    return _svg(width, height, label, body)


def rules_chart_svg(counts: list[tuple[str, str, str, int]]) -> str:
    """Horizontal bars, one per (code, name, severity, count), each linking to the rule's docs."""
    row, left, right, top = 22, 250, 60, 6
    width, height = 760, top * 2 + row * len(counts)
    most = max((n for *_, n in counts), default=1)
    body = []
    for index, (code, name, severity, n) in enumerate(counts):
        y = top + index * row
        bar = max((width - left - right) * n / most, 2)
        body.append(f'<a href="#rule-{esc(code)}"><text class="tick" x="{left - 8}" y="{y + 15}" text-anchor="end">'
                    f'{esc(code)} {esc(name)}</text>'
                    f'<rect class="bar sev-{esc(severity)}" x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 6}">'
                    f'<title>{esc(code)} {esc(name)}: {_plural(n, "finding")}</title></rect>'
                    f'<text class="tick" x="{left + bar + 6:.1f}" y="{y + 15}">{n:,}</text></a>')
    return _svg(width, height, "Findings by rule", body)


# --- the page ------------------------------------------------------------------------------------

CSS = """
:root { --fg: #1d232a; --muted: #5b6570; --line: #d5dbe1; --bg: #fff; --panel: #f5f7f9;
        --error: #b3261e; --warning: #a15c00; --info: #1f5fa8; --bar: #4a78a6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px; color: var(--fg); background: var(--bg);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { margin-top: 36px; border-bottom: 1px solid var(--line); }
.meta, .note { color: var(--muted); }
a { color: var(--info); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 130px; }
.card b { display: block; font-size: 24px; }
.sev-error { color: var(--error); fill: var(--error); } .sev-warning { color: var(--warning); fill: var(--warning); }
.sev-info { color: var(--info); fill: var(--info); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 8px 24px; }
figure { margin: 0; } figcaption { font-weight: 600; } .chart { max-width: 100%; height: auto; }
.bar { fill: var(--bar); } .bar.sev-error { fill: var(--error); } .bar.sev-warning { fill: var(--warning); }
.bar.sev-info { fill: var(--info); }
.axis { stroke: var(--muted); } .tick, .axis-label { font-size: 11px; fill: var(--muted); }
.limit { stroke: var(--error); stroke-width: 2; stroke-dasharray: 5 3; } .limit-label { font-size: 11px; fill: var(--error); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: var(--panel); position: sticky; top: 0; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
th[aria-sort=ascending] button::after { content: " ▲"; } th[aria-sort=descending] button::after { content: " ▼"; }
td.path { word-break: break-all; }
.file { margin-top: 20px; } .file h3 { font-size: 15px; font-family: ui-monospace, monospace; word-break: break-all; }
.finding { margin: 8px 0 14px; }
.finding .head { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; }
.loc, .code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.sev { font-weight: 600; text-transform: uppercase; font-size: 12px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; margin: 4px 0;
      overflow-x: auto; font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.rule-doc { border-top: 1px solid var(--line); margin-top: 18px; }
.errors li { color: var(--error); }
details summary { cursor: pointer; color: var(--muted); margin: 6px 0; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  th { position: static; } th button::after { content: none !important; }
  a { color: inherit; text-decoration: none; }
  pre { white-space: pre-wrap; word-break: break-all; overflow: visible; }
  .finding, figure, tr, .card { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .charts { display: block; }
}
"""

# Header cells become buttons only when this runs: without JavaScript the table is plain and unsorted.
# Numbers sort largest first on the first click, text A to Z; blank cells always sort last.
SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var numeric = th.classList.contains("num");
      var current = th.getAttribute("aria-sort");
      var descending = current ? current === "ascending" : numeric;
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        var value = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
        return numeric ? (value === "" ? null : Number(value)) : value.toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === y) return 0;
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * (descending ? -1 : 1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# Nothing may load from anywhere; only this file's own style and script (by hash) may apply or run.
CSP = (f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(SCRIPT)}; "
       "base-uri 'none'; form-action 'none'")


def _markdown():
    """A CommonMark renderer for rule docs (a YAML rule's docs are the repository's): raw HTML
    escaped, no images (they would be fetched); markdown-it refuses javascript: and data: links."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).disable("image")


def _doc_html(md, text: str) -> str:
    """`text` (Markdown) as HTML, its headings moved under the rule's own <h3>."""
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"
    return md.renderer.render(tokens, md.options, {})


def _severity_of(findings: list[Finding]) -> str:
    return min((f.severity for f in findings), key=lambda s: SEVERITY_RANK.get(s, 9))


def _summary(result: RunResult, files_checked: int) -> list[str]:
    severities = Counter(f.severity for f in result.findings)
    files_with = len({f.path for f in result.findings})
    cards = [("findings" if len(result.findings) != 1 else "finding", len(result.findings), ""),
             *((s if s == "info" or severities[s] == 1 else f"{s}s", severities[s], f"sev-{s}") for s in SEVERITY_ORDER),
             ("files checked", files_checked, ""), ("files with findings", files_with, "")]
    out = ['<section id="summary"><h2>Summary</h2><div class="cards">']
    out += [f'<div class="card {css}"><b>{n:,}</b>{label}</div>' for label, n, css in cards]
    out.append("</div>")
    if result.errors:
        out.append('<h3>Run errors</h3><ul class="errors">')
        out += [f"<li>{esc(error)}</li>" for error in result.errors]
        out.append("</ul>")
    out.append("</section>")
    return out


def _by_rule(result: RunResult) -> list[tuple[str, str, str, int]]:
    """(code, name, severity, count) per rule, most findings first."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        groups.setdefault((finding.code, finding.rule), []).append(finding)
    rows = [(code, name, _severity_of(found), len(found)) for (code, name), found in groups.items()]
    return sorted(rows, key=lambda row: (-row[3], row[0]))


def _rules_section(counts: list[tuple[str, str, str, int]]) -> list[str]:
    if not counts:
        return ['<section id="rules-summary"><h2>Findings by rule</h2><p>No findings.</p></section>']
    legend = " ".join(f'<span class="swatch sev-{s}">■</span> {s}' for s in SEVERITY_ORDER)
    # The chart says it all to the eye; the same numbers as a table, folded, for screen readers and copying.
    out = ['<section id="rules-summary"><h2>Findings by rule</h2>', f'<p class="note">{legend}</p>',
           rules_chart_svg(counts),
           ('<details><summary>As a table</summary><table class="sortable"><thead><tr><th>code</th><th>rule</th>'
            '<th>severity</th><th class="num">findings</th></tr></thead><tbody>')]
    for code, name, severity, n in counts:
        out.append(f'<tr><td class="code"><a href="#rule-{esc(code)}">{esc(code)}</a></td><td>{esc(name)}</td>'
                   f'<td class="sev-{esc(severity)}">{esc(severity)}</td><td class="num">{n:,}</td></tr>')
    out.append("</tbody></table></details></section>")
    return out


def _options(settings: list[RuleSetting], rule: Rule) -> tuple[dict, str]:
    """The rule's options as this run applied them, else its defaults (and a note saying so)."""
    for setting in settings:
        if setting.rule.code == rule.code:
            return setting.options, ""
    return rule.defaults(), f" ({rule.name} was not run: its default)"


def _distributions(stats: list[PostStats], settings: list[RuleSetting]) -> list[str]:
    title, title_note = _options(settings, title_length)
    description, description_note = _options(settings, description_length)
    rt, _ = _options(settings, read_time_rule)
    charts = [
        ("Title length", WIDTH_UNIT, [s.title for s in stats], [Limit("max", title["max"], title_note)], "no title"),
        ("Description length", WIDTH_UNIT, [s.description for s in stats],
         [Limit("min", description["min"]), Limit("max", description["max"], description_note)], "no description"),
        ("Words", "words", [s.words for s in stats], [], "not Markdown"),
        ("Read time", f"minutes at {rt['words_per_minute']:g} words per minute", [s.minutes for s in stats], [],
         "not Markdown"),
    ]
    out = ['<section id="distributions"><h2>Posts at a glance</h2>']
    if not stats:
        return [*out, "<p>No posts were checked.</p></section>"]
    out.append('<div class="charts">')
    for label, unit, values, limits, missing in charts:
        present = [v for v in values if v is not None]
        notes = []
        if present:
            median = statistics.median(present)  # halfway between two middle values: one decimal at most
            notes.append(f"median {median:,.{0 if median == int(median) else 1}f}, range {min(present):,}–{max(present):,}")
            notes += [f"{_plural(sum(limit.outside(v) for v in present), 'post')} "
                      f"{'under' if limit.kind == 'min' else 'over'} {limit.value:,}" for limit in limits]
        if len(present) < len(values):
            notes.append(f"{_plural(len(values) - len(present), 'file')}: {missing}")
        out.append(f"<figure><figcaption>{esc(label)}</figcaption>{histogram_svg(label, unit, present, limits)}"
                   f'<p class="note">{esc("; ".join(notes))}</p></figure>')
    out.append("</div></section>")
    return out


def _number_cell(value: int | None) -> str:
    return '<td class="num" data-sort="">–</td>' if value is None else f'<td class="num">{value:,}</td>'


def _posts_table(stats: list[PostStats], findings: list[Finding], anchors: dict[str, str]) -> list[str]:
    counts = Counter((f.path, f.severity) for f in findings)
    out = ['<section id="posts"><h2>Posts</h2>',
           '<p class="note">Click a column header to sort.</p>' if stats else "<p>No posts were checked.</p>"]
    if not stats:
        return [*out, "</section>"]
    out.append('<table class="sortable"><thead><tr><th>file</th><th class="num">title width</th>'
               '<th class="num">description width</th><th class="num">words</th><th class="num">read time (min)</th>'
               '<th class="num">errors</th><th class="num">warnings</th><th class="num">info</th>'
               '<th class="num">findings</th></tr></thead><tbody>')
    for row in stats:
        by_severity = [counts[(row.path, s)] for s in SEVERITY_ORDER]
        name = esc(row.path)
        link = f'<a href="#{anchors[row.path]}">{name}</a>' if row.path in anchors else name
        cells = [f'<td class="path" data-sort="{name}">{link}</td>',
                 *(_number_cell(value) for value in (row.title, row.description, row.words, row.minutes)),
                 *(f'<td class="num sev-{s}">{n:,}</td>' if n else '<td class="num" data-sort="0"></td>'
                   for s, n in zip(SEVERITY_ORDER, by_severity)),
                 f'<td class="num">{sum(by_severity):,}</td>']
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></section>")
    return out


def code_frame(finding: Finding) -> str:
    """The source line and a caret under the column, as the text report draws them."""
    if not finding.source_line.strip():
        return ""
    source, caret = _caret_line(finding)
    gutter = f"{finding.line:>6} | "
    return (f'<pre class="frame">{esc(gutter + source)}\n'
            f'{" " * (len(gutter) - 2)}| <span class="sev-{esc(finding.severity)}">{caret}</span></pre>')


def _findings(findings: list[Finding], anchors: dict[str, str]) -> list[str]:
    out = ['<section id="findings"><h2>Findings</h2>']
    if not findings:
        out.append("<p>No findings.</p>")
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(f'<section class="file" id="{anchors[path]}"><h3>{esc(path)}</h3>')
        for finding in group:
            severity = esc(finding.severity)
            out.append(
                f'<div class="finding"><div class="head"><span class="loc">{esc(finding.path)}:{finding.line}:'
                f'{finding.column}</span><span class="sev sev-{severity}">{severity}</span>'
                f'<a class="code" href="#rule-{esc(finding.code)}" title="documentation of {esc(finding.rule)}">'
                f'{esc(finding.code)} {esc(finding.rule)}</a><span class="message">{esc(finding.message)}</span></div>'
                f"{code_frame(finding)}</div>")
        out.append("</section>")
    out.append("</section>")
    return out


def _rule_docs(counts: list[tuple[str, str, str, int]], rules: list[Rule]) -> list[str]:
    """Full docs of each rule that reported something; the other rules the run applied by name."""
    md = _markdown()
    by_code = {rule.code: rule for rule in rules}
    reported = [code for code, *_ in counts]
    out = ['<section id="rules"><h2>Rules</h2>',
           '<p class="note">The documentation of each rule with findings (also: <code>postlint explain CODE</code>).</p>']
    for code in sorted(reported):
        rule = by_code.get(code)
        name = rule.name if rule else next(n for c, n, *_ in counts if c == code)
        if rule is not None:
            doc = rule_doc(rule) if rule.doc.strip() or rule.options else rule.summary or rule.name
            head = f"default severity {esc(rule.severity)}" + (" · fixable with <code>--fix</code>" if rule.fixable else "")
        else:  # a code no applied rule owns: the internal error
            doc = INTERNAL_ERROR_HELP if (code, name) == INTERNAL_ERROR else name
            head = "not a rule: a report about the run"
        out.append(f'<section class="rule-doc" id="rule-{esc(code)}"><h3>{esc(code)} {esc(name)}</h3>'
                   f'<p class="note">{head}</p>{_doc_html(md, doc)}</section>')
    quiet = [rule for rule in sorted(rules, key=lambda r: r.code) if rule.code not in reported]
    if quiet:
        out.append('<p class="note">Also applied, without findings: '
                   + ", ".join(f"{esc(rule.code)} {esc(rule.name)}" for rule in quiet) + ".</p>")
    out.append("</section>")
    return out


def _site_names(targets: list[tuple[Path, Site]], cwd: Path) -> str:
    names = []
    for site in {id(site): site for _, site in targets}.values():
        title = site.config.get("title")
        folder = printable(display_path(site.root, cwd))
        folder = site.root.name if folder == "." else folder
        names.append(f"{title} ({folder})" if isinstance(title, str) and title.strip() else folder)
    return ", ".join(names)


def render(result: RunResult, settings: list[RuleSetting], targets: list[tuple[Path, Site]], cwd: Path) -> str:
    """The report as one HTML document. `settings`: the rules the run applied, with their options
    (the limits drawn on the charts); `targets`: each linted file with its site (per-post numbers)."""
    rt, _ = _options(settings, read_time_rule)
    stats = post_stats(targets, cwd, rt["words_per_minute"], rt["seconds_per_image"], rt["characters_per_minute"])
    findings = result.findings
    anchors = {path: f"file-{index}" for index, path in enumerate(dict.fromkeys(f.path for f in findings))}
    counts = _by_rule(result)
    sites = _site_names(targets, cwd)
    files = max(result.files_checked, len(targets))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>postlint report{' – ' + esc(sites) if sites else ''}</title>",
        f"<style>{CSS}</style></head><body>",
        (f"<header><h1>postlint report</h1><p class=\"meta\">{esc(sites) or 'no site'} · postlint {esc(__version__)} · "
         f"{_plural(files, 'file')} checked in {result.seconds:.2f}s</p></header>"),
        ('<nav><a href="#summary">Summary</a> · <a href="#rules-summary">By rule</a> · '
         '<a href="#distributions">Posts at a glance</a> · <a href="#posts">Posts</a> · '
         '<a href="#findings">Findings</a> · <a href="#rules">Rules</a></nav>'),
        "<main>",
        *_summary(result, files),
        *_rules_section(counts),
        *_distributions(stats, settings),
        *_posts_table(stats, findings, anchors),
        *_findings(findings, anchors),
        *_rule_docs(counts, [s.rule for s in settings]),
        f"</main><script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"
