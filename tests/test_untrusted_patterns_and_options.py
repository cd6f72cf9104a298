"""A CI gate for pull requests from strangers: what a rule file, a config or a post can make
postlint spend.

A. Regular expressions that explode when compiled (`(?:a{65535}){65535}` took 5.7 GB) are refused
   at load, before `regex.compile` sees them. No test here compiles such a pattern: the
   `compile_guard` fixture makes `regex.compile` fail loudly on one, so a broken guard fails the
   test instead of eating the machine's memory.
B. The shipped YAML rules stay linear and inside their time budget on a 10 MB post.
C. Numeric rule options declare bounds (`Option(minimum=, maximum=, above=)`); a value outside
   them is a config error (exit 2).
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest
import regex
from helpers import REPO, run, time_limit
from typer.testing import CliRunner

from postlint import patterns, yamlrules
from postlint.cli import app
from postlint.config import Config, resolve_rules
from postlint.docs import rule_doc
from postlint.errors import ConfigError, UnsafePattern
from postlint.options import Option
from postlint.registry import load_registry

runner = CliRunner()
EXPLOSIVE = "(?:a{65535}){65535}"  # the issue's pattern: 5.7 GB to compile without the guard




@pytest.fixture
def compile_guard(monkeypatch):
    """`regex.compile` refuses any pattern with a repeat count of 1,000 or more (or a verbose
    count written with spaces or a comment inside): should the load-time guard let one through,
    the test fails here instead of compiling gigabytes."""
    real = regex.compile
    big = re.compile(r"\{[\d\s#,c]*\d{4}|\{\d+[\s#]")

    def guarded(pattern, *args, **kwargs):
        if isinstance(pattern, str) and big.search(pattern):
            raise AssertionError(f"regex.compile reached with {pattern!r}: the size guard let it through")
        return real(pattern, *args, **kwargs)

    monkeypatch.setattr(regex, "compile", guarded)


def refusal(pattern: str, flags: int = 0) -> str:
    started = time.perf_counter()
    with pytest.raises(UnsafePattern) as caught:
        patterns.compile_pattern(pattern, flags)
    assert time.perf_counter() - started < 1.0, "the guard must answer without compiling anything"
    return str(caught.value)


# --- A. patterns too big to compile --------------------------------------------------------------

@pytest.mark.parametrize("pattern, limit", [
    (EXPLOSIVE, "limit of 10,000 for one repeat count"),
    ("a{10001}", "limit of 10,000 for one repeat count"),
    ("x{0,20000}", "limit of 10,000 for one repeat count"),
    ("x{20000,}", "limit of 10,000 for one repeat count"),
    ("(?:[a-z]{100}){1001}", "multiply to 100,100, over postlint's limit of 100,000"),
    (r"(?:(?:\b){1000}){1000}", "multiply to 1,000,000"),  # zero-width, still 13 s and 3 GB
    ("(?:(?:){9000}){9000}", "multiply to 81,000,000"),
    (r"(?:\w{100}){1000}", "over 200,000 nodes"),
    ("(?:ab|cd|ef|gh|ij){9000}(?:kl|mn|op|qr|st){9000}", "over 200,000 nodes"),
    # `regex` reads counts written with spaces or comments in verbose mode; `re` reads literal text
    ("(?x)(?:a{65 535}){65 535}", "limit of 10,000 for one repeat count"),
    ("(?x)(?:a{1 000}){1 000}", "multiply to 1,000,000"),
    ("(?x)(?:a{1#c\n000}){1000}", "multiply to 1,000,000"),
    ("(?x:(?:a{1 000}){1 000})", "multiply to 1,000,000"),
])
def test_patterns_too_big_to_compile_are_refused_quickly(compile_guard, pattern, limit):
    message = refusal(pattern)
    assert repr(pattern) in message and limit in message and "refuses" in message


def test_the_issue_pattern_is_refused_with_ignorecase_too(compile_guard):
    assert "65,535" in refusal(EXPLOSIVE, regex.IGNORECASE)


def test_verbose_counts_are_invisible_to_re(compile_guard):
    """Why the guard also walks `regex`'s own parse: `re`'s tree of this pattern has no repeat."""
    pattern = "(?x)(?:a{1 000}){1 000}"
    patterns._check_size(pattern, patterns._sre_nodes(patterns.sre_parse.parse(pattern)))  # passes
    assert "multiply to 1,000,000" in refusal(pattern)


@pytest.mark.parametrize("pattern", [
    r"\d{4}", "[a-z]{2,64}", "a{10000}", "^.{0,200}$", r"[A-Z]{2,4}-\d{1,6}", "(?:ab|cd){5000}",
    r"(?x) \d{4} - \d{2}  # a year and a month", r"\d+ min", "(?:[a-z]{10}){1000}",
])
def test_real_patterns_still_load(pattern):
    patterns.compile_pattern(pattern)


def test_a_long_word_list_still_loads():
    words = sorted({"".join(random.Random(n).choices("abcdefghijklmnopqrstuvwxyz", k=8)) for n in range(10_000)})
    patterns.check_pattern(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


def test_without_regex_parser_verbose_counts_are_refused(compile_guard, monkeypatch):
    """Should a `regex` release move its private parser, verbose patterns with counts are refused
    (their counts cannot be read) and the others are still measured on `re`'s tree."""
    monkeypatch.setattr(patterns, "_regex_parser", lambda: None)
    assert "verbose mode" in refusal("(?x)(?:a{1 000}){1 000}")
    assert "verbose mode" in refusal(r"(?x:\d{4})")
    assert "65,535" in refusal(EXPLOSIVE)
    patterns.compile_pattern(r"\d{4}")
    patterns.compile_pattern(r"(?x) \d+ \s min")  # no count: nothing to misread


def _rule_site(tmp_path: Path, tokens: str) -> Path:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: t\n")
    (site / "_posts" / "2024-01-01-a-post.md").write_text("---\ntitle: A post\ndate: 2024-01-01\n---\nText.\n")
    (site / "house").mkdir()
    (site / "house" / "big.yml").write_text(f"""code: HSE901
name: big-pattern
kind: existence
regex: true
tokens: {tokens}
examples: {{fail: ["x"], pass: ["y"]}}
""")
    (site / ".postlint.yaml").write_text("yaml_rules: [house]\n")
    return site


@pytest.mark.parametrize("tokens, named", [
    (f"['{EXPLOSIVE}']", EXPLOSIVE),
    ("['TODO', '(?x)(?:a{1 000}){1 000}']", "(?x)(?:a{1 000}){1 000}"),
])
def test_yaml_rule_with_an_explosive_pattern_is_a_load_error(compile_guard, tmp_path, tokens, named):
    site = _rule_site(tmp_path, tokens)
    with time_limit(30):
        result = runner.invoke(app, ["check", str(site / "_posts" / "2024-01-01-a-post.md"), "-j", "1", "--format", "json"])
    assert result.exit_code == 2
    assert "big.yml" in result.stderr and repr(named) in result.stderr and "postlint refuses it" in result.stderr


def test_front_matter_pattern_too_big_to_compile_is_refused(compile_guard, tmp_path):
    site = _rule_site(tmp_path, "['TODO']")
    (site / ".postlint.yaml").write_text(f"rules:\n  front-matter-schema:\n    patterns: {{title: '{EXPLOSIVE}'}}\n")
    with time_limit(30), pytest.raises(ConfigError) as refused:
        run([site / "_posts" / "2024-01-01-a-post.md"], select=["FM003"])
    message = str(refused.value)
    assert "front-matter-schema.patterns.title" in message and repr(EXPLOSIVE) in message
    assert "limit of 10,000" in message


# --- B. the shipped rules on a 10 MB post ----------------------------------------------------------

PARAGRAPHS = [
    "The rollout plan is TODO and the price is TBD until finance signs off on the numbers for Q3.",
    "In order to utilize the new dashboards, a large number of teams must move at this point in time.",
    "Due to the fact that the old exporter retires, call support in the event that an export fails.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
    "Keep a todo list for the launch; the FIXME notes stay in the code, not in the post [citation needed].",
    "INSERT LINK to the changelog here, and see [the docs](https://example.com/docs) for the `TODO` flag.",
    "Plain text with nothing to flag: readers skim, so short sentences with numbers (12 dollars) help.",
    "Café owners in Zürich and São Paulo told us the same thing: ship smaller, ship more often, XXX.",
    "- a list item that says TBD\n- another that is done\n- a third, for the purpose of testing",
    "## A heading with TODO in it",
    "```\nTODO: code is not prose, TBD either\n```",
    "Words words words utilizes words; hyphen-TODO and TODO_later and TBD-ish are not whole words.",
]


def generated_post(path: Path, size: int = 10_000_000) -> None:
    """About `size` bytes of varied Markdown: the paragraphs above in random order, every 40th a
    single 40 KB line, every 500th a run of 2,000 words without any punctuation."""
    chooser = random.Random(2024)
    parts = ["---\ntitle: A very long post\ndate: 2024-01-01\n---\n"]
    length = 0
    count = 0
    while length < size:
        count += 1
        if count % 500 == 0:
            block = " ".join(chooser.choice(["in", "a", "the", "to", "order", "TO", "ipsum", "at"]) for _ in range(2000))
        elif count % 40 == 0:
            block = " ".join(chooser.choice(PARAGRAPHS[:8]) for _ in range(400))
        else:
            block = chooser.choice(PARAGRAPHS)
        parts.append(block + "\n\n")
        length += len(block) + 2
    path.write_text("".join(parts), encoding="utf-8")


def test_shipped_rules_finish_well_within_their_budget_on_a_10_mb_post(tmp_path, monkeypatch):
    (tmp_path / "_config.yml").write_text("title: t\n")
    post = tmp_path / "_posts" / "2024-01-01-long.md"
    post.parent.mkdir()
    generated_post(post)
    assert post.stat().st_size > 9_500_000
    # CPU seconds spent finding each rule's matches, nothing else (the tests run on every core at
    # once: wall time would measure the other tests too)
    matching: dict[str, float] = {}
    real = yamlrules._matches

    def timed(scans, text, deadline):
        found = real(scans, text, deadline)
        while True:
            started = time.thread_time()
            try:
                match = next(found)
            except StopIteration:
                return
            finally:
                key = scans[0].pattern
                matching[key] = matching.get(key, 0.0) + time.thread_time() - started
            yield match

    monkeypatch.setattr(yamlrules, "_matches", timed)
    started = time.perf_counter()
    with time_limit(120):
        result, _ = run([post], select=["STY001", "STY002"])
    elapsed = time.perf_counter() - started
    assert not result.errors
    assert not [f.message for f in result.findings if f.internal]  # a timeout would be one (PL001)
    codes = [f.code for f in result.findings]
    assert codes.count("STY001") > 10_000 and codes.count("STY002") > 10_000
    assert len(matching) == 1 and all(seconds < patterns.MATCH_SECONDS / 2 for seconds in matching.values()), matching
    assert elapsed < 60, f"{elapsed:.1f}s for a 10 MB post"


def test_parsing_the_post_is_not_charged_to_the_match_budget(tmp_path, monkeypatch):
    """Reading the prose of a 10 MB post takes seconds, far over a short budget: the budget is
    for matching, and starts once the texts are at hand."""
    (tmp_path / "_config.yml").write_text("title: t\n")
    post = tmp_path / "_posts" / "2024-01-01-post.md"
    post.parent.mkdir()
    post.write_text("---\ntitle: A post\ndate: 2024-01-01\n---\nWe utilize dashboards.\n")
    real = yamlrules._scope_texts

    def slow_texts(post, scope):
        texts = real(post, scope)
        time.sleep(0.5)  # as the prose of a 10 MB body takes seconds
        return texts

    monkeypatch.setattr(yamlrules, "_scope_texts", slow_texts)
    monkeypatch.setattr(patterns, "MATCH_SECONDS", 0.25)
    result, _ = run([post], select=["STY002"])
    assert [(f.code, f.message) for f in result.findings] == [("STY002", "Use 'use' instead of 'utilize'")]


PLACEHOLDER_RULE = """code: HSE001
name: placeholder-words
kind: existence
severity: warning
summary: Placeholder words (the YAML rule placeholder-text was before it became Python).
why: Unfinished text.
message: "Placeholder text '{match}' left in the post"
ignorecase: false
tokens: [lorem ipsum, Lorem ipsum, Lorem Ipsum, TODO, TBD, FIXME, XXX, "[citation needed]", "INSERT LINK"]
examples: {fail: ["Our pricing starts at TBD per seat."], pass: ["Keep a todo list for the launch."]}
"""


def placeholder_rule(folder: Path) -> Path:
    """A YAML rule with word and bracketed tokens: the split scan's worst cases."""
    path = folder / "placeholder-words.yml"
    path.write_text(PLACEHOLDER_RULE, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", ["[[[[", "[citation neede", "[x] ["])
def test_text_of_one_repeated_piece_is_cheap(text, tmp_path):
    """10 MB of one short piece: the single alternation took 3 s on `[[[[` (over the budget);
    the split patterns skip to word starts and search `[citation needed]` as a string."""
    body = text * (10_000_000 // len(text))
    rule = yamlrules.load_rule(placeholder_rule(tmp_path))
    scans = next(c.cell_contents for c in rule.check.__closure__ if isinstance(c.cell_contents, yamlrules.Scans)).compiled
    started = time.thread_time()  # CPU time: other tests run beside this one
    found = sum(1 for _ in yamlrules._matches(scans, body, time.perf_counter() + 30))
    assert time.thread_time() - started < patterns.MATCH_SECONDS / 2
    assert found == 0


@pytest.mark.parametrize("text", ["XXXX", "TBDx", "Lorem Ipsu", "in order t", "utilize_", "a a a "])
def test_degenerate_text_stays_linear(text, tmp_path):
    """4 MB of one short piece that starts a token at every word or position: linear, under the
    budget (a 10 MB post of it is the worst case, about 1 to 2 s here)."""
    body = text * (4_000_000 // len(text))
    for name, path in (("placeholder", placeholder_rule(tmp_path)), ("wordiness", REPO / "rules" / "wordiness.yml")):
        rule = yamlrules.load_rule(path)
        scans = next(c.cell_contents for c in rule.check.__closure__ if isinstance(c.cell_contents, yamlrules.Scans)).compiled
        started = time.thread_time()  # CPU time: other tests run beside this one
        found = list(yamlrules._matches(scans, body, time.perf_counter() + 30))
        assert time.thread_time() - started < patterns.MATCH_SECONDS, name
        assert not found


# The split into a word-start pattern and a pattern for the rest must find exactly what the one
# alternation `(?<!\w)(?:…)(?!\w)` finds, overlaps and ties included.
TOKENS = ["[x] y", "y z", "z", "x", "TODO", "[TODO]", "TODO]", "TODO later", "later", "ß", "Kelvin", "é t", "-x", "x-"]
PIECES = ["[", "]", " ", "x", "y", "z", "TODO", "todo", "later", "ß", "SS", "ss", "\u212a", "elvin", "é", "t", "-",
          "_", "1", "\n", "İ", "x] y", "[x", " y z", "[x] y z"]


@pytest.mark.parametrize("ignorecase", [False, True])
def test_split_scan_finds_what_the_single_alternation_finds(ignorecase):
    flags = regex.IGNORECASE | regex.VERSION0 if ignorecase else regex.VERSION0
    chooser = random.Random(7)
    for _ in range(300):
        tokens = chooser.sample(TOKENS, chooser.randint(1, len(TOKENS)))
        text = "".join(chooser.choice(PIECES) for _ in range(chooser.randint(0, 80)))
        single = regex.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, tokens)) + r")(?!\w)", flags)
        scans = [regex.compile(source, flags) for source in yamlrules._scan_sources(tokens, False)]
        expected = [(m.start(), m.group(0)) for m in single.finditer(text)]
        found = [(m.start(), m.group(0)) for m in yamlrules._matches(scans, text, time.perf_counter() + 10)]
        assert found == expected, (tokens, text)


def test_split_scan_looks_again_after_an_overlapping_match():
    """`[x] y` (from 0 to 5) hides `y z` (4 to 7); the one alternation then finds `z` at 6."""
    tokens = ["[x] y", "y z", "z"]
    scans = [regex.compile(source, regex.VERSION0) for source in yamlrules._scan_sources(tokens, False)]
    found = [(m.start(), m.group(0)) for m in yamlrules._matches(scans, "[x] y z", time.perf_counter() + 10)]
    assert found == [(0, "[x] y"), (6, "z")]


def test_shipped_placeholder_rule_is_split_and_regex_rules_are_not():
    assert len(yamlrules._scan_sources(["TODO", "[citation needed]"], False)) == 2
    assert len(yamlrules._scan_sources(["in order to", "utilize"], False)) == 1
    assert len(yamlrules._scan_sources([r"\[x\]", "TODO"], True)) == 1


# --- C. bounds on numeric options ------------------------------------------------------------------

def _numeric(option: Option) -> bool:
    return any(kind in option.kind for kind in ("int", "number"))


def test_every_numeric_option_of_the_built_in_rules_has_a_bound_its_default_keeps():
    registry = load_registry()
    numeric = [(rule, option) for rule in registry.rules.values() for option in rule.options.values() if _numeric(option)]
    assert len(numeric) >= 12
    for rule, option in numeric:
        assert option.bounds_text(), f"{rule.code} {rule.name}: option '{option.name}' declares no bound"
        assert option.check(option.default) is None, (rule.code, option.name)


def _site(tmp_path: Path, config: str) -> Path:
    (tmp_path / "_config.yml").write_text("title: t\n")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-01-a-post.md").write_text(
        "---\ntitle: A post\ndate: 2024-01-01\ntime_read: 1 min\n---\nBody.\n")
    (tmp_path / ".postlint.yaml").write_text(config)
    return tmp_path


@pytest.mark.parametrize("config, expected", [
    ("title-length: {max: -5}", "rules.title-length: option 'max' must be at least 1, got -5"),
    ("title-length: {max: 0}", "rules.title-length: option 'max' must be at least 1, got 0"),
    ("read-time: {words_per_minute: 0}", "rules.read-time: option 'words_per_minute' must be greater than 0, got 0"),
    ("read-time: {words_per_minute: -238.5}", "option 'words_per_minute' must be greater than 0, got -238.5"),
    ("read-time: {words_per_minute: .nan}", "option 'words_per_minute' must be greater than 0, got nan"),
    ("RT001: {tolerance: -1}", "rules.RT001: option 'tolerance' must be at least 0, got -1"),
    ("read-time: {seconds_per_image: -12}", "option 'seconds_per_image' must be at least 0, got -12"),
    ("description-length: {min: -1}", "rules.description-length: option 'min' must be at least 0, got -1"),
    ("description-length: {max: 0}", "option 'max' must be at least 1, got 0"),
    ("conflicting-definition: {min_similarity: 1.5}", "option 'min_similarity' must be from 0 to 1, got 1.5"),
    ("duplicate-definition: {max_term_words: 0}", "option 'max_term_words' must be at least 1, got 0"),
    ("duplicate-paragraph: {min_words: -3}", "option 'min_words' must be at least 1, got -3"),
    ("readability: {min_reading_ease: 120}", "option 'min_reading_ease' must be from 0 to 100, got 120"),
    ("readability: {max_grade: -1}", "option 'max_grade' must be at least 0, got -1"),
    ("readability: {min_words: 0}", "option 'min_words' must be at least 1, got 0"),
    ("image-variants: {variants: {webps: 376, webpm: 0, jpg: null}}",
     "rules.image-variants: option 'variants' must be at least 1, got 0 (for 'webpm')"),
])
def test_option_out_of_bounds_is_a_config_error(tmp_path, config, expected):
    site = _site(tmp_path, f"rules:\n  {config}\n")
    result = runner.invoke(app, ["check", str(site)])
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert ".postlint.yaml" in result.stderr


@pytest.mark.parametrize("config", [
    "title-length: {max: 1}",
    "read-time: {words_per_minute: 0.5, seconds_per_image: 0, tolerance: 0}",
    "description-length: {min: 0, max: 1}",
    "conflicting-definition: {min_similarity: 0}",
    "conflicting-definition: {min_similarity: 1}",
    "readability: {min_reading_ease: 0, max_grade: 0, min_words: 1}",
    "image-variants: {variants: {webps: 1, jpg: null}}",
])
def test_values_on_the_bounds_are_accepted(config):
    import yaml

    resolve_rules(Config(rules=yaml.safe_load(config)), load_registry())


def test_option_bounds_in_words_and_in_the_docs():
    assert Option("n", "int", 1, "").bounds_text() == ""
    assert Option("n", "int", 1, "", minimum=1).bounds_text() == "at least 1"
    assert Option("n", "number", 1, "", above=0).bounds_text() == "greater than 0"
    assert Option("n", "number", 0.5, "", minimum=0, maximum=1).bounds_text() == "from 0 to 1"
    assert Option("n", "number", 0.5, "", maximum=2.5).bounds_text() == "at most 2.5"
    assert Option("n", "number", 1, "", above=0, maximum=10).bounds_text() == "greater than 0 and at most 10"
    assert Option("n", "list[int]", [1], "", minimum=1).check([3, 0]) == "option 'n' must be at least 1, got 0 (item 2)"
    assert Option("n", "int|bool", 1, "", minimum=1).check(False) is None  # a boolean is not a number here
    assert Option("n", "int", 1, "", minimum=1).check("x") == "option 'n' must be int, got str 'x'"
    registry = load_registry()
    assert "- `max` (integer, at least 1, default `60`): " in rule_doc(registry.get("title-length"))
    assert "- `words_per_minute` (number, greater than 0, default `238`): " in rule_doc(registry.get("read-time"))
    assert "- `min_similarity` (number, from 0 to 1, default `0.5`): " in rule_doc(registry.get("conflicting-definition"))
