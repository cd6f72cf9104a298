"""The rule memo (registry.RuleMemo): a run whose results all come from the cache takes the
declarations of postlint's own rules from it instead of importing the rule modules. It must give
the very rules the modules declare, for the code that declared them only, and never a plugin's."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from helpers import DEMO_SITE, copy_site

from postlint import registry
from postlint.engine import cache
from postlint.jekyll import signatures
from postlint.jekyll.signatures import RACY_NS
from postlint.options import Option
from postlint.registry import (
    ENTRY_POINT_GROUP,
    Rule,
    RuleMemo,
    load_functions,
    load_registry,
    own_code,
)
from postlint.run import RunRequest, run_request


def settled_code() -> str:
    """own_code(), once no module file of postlint changed in the last RACY_NS (a file changed
    just now has no signature to tell a later change: an installation or an edit a moment ago)."""
    code = own_code()
    if code is None:
        time.sleep(RACY_NS / 1e9 + 0.1)
        code = own_code()
    assert code is not None
    return code


def _declared(rule: Rule) -> dict:
    return {name: getattr(rule, name) for name in Rule._fields if name != "check"}


def _own_rules(loaded: registry.Registry) -> dict[str, Rule]:
    return {code: rule for code, rule in loaded.rules.items() if not rule.source}  # YAML rules have their bytes


def test_a_memo_gives_the_rules_the_modules_declare():
    code = settled_code()
    first = RuleMemo(code)
    imported = _own_rules(load_registry((), first))
    assert first.grew and len(first.lists) >= 15  # every built-in list, each kept
    memo = RuleMemo(code, cache._decoded(cache.encode(first.export())))  # as stored
    remembered = _own_rules(load_registry((), memo))
    assert not memo.grew
    assert {c: _declared(r) for c, r in remembered.items()} == {c: _declared(r) for c, r in imported.items()}
    assert all(isinstance(rule.check, registry._Deferred) for rule in remembered.values())
    load_functions(remembered.values())
    assert {c: r.check for c, r in remembered.items()} == {c: r.check for c, r in imported.items()}


def test_a_memo_of_other_code_or_of_another_shape_is_not_used():
    code = settled_code()
    kept = RuleMemo(code)
    load_registry((), kept)
    for memo in (RuleMemo("other code", kept.export()), RuleMemo(None, kept.export()), RuleMemo(code, {"memos": []}),
                 RuleMemo(code, {"memos": {code: []}})):
        assert memo.lists == {}
    wrong = {value: [[{"code": "LNK001"}, []]] for value in kept.lists}  # a declaration without its name
    memo = RuleMemo(code, {"memos": {code: wrong}})
    rules = _own_rules(load_registry((), memo))
    assert all(not isinstance(rule.check, registry._Deferred) for rule in rules.values())  # imported instead
    assert memo.grew and memo.lists == kept.lists


def test_the_memos_of_a_few_installations_are_kept_side_by_side():
    """Two installations run in turn (the hook's environment, the command line's) each find their
    own declarations; only the MAX_CODES latest codes are kept."""
    code = settled_code()
    ours = RuleMemo(code)
    load_registry((), ours)
    stored = ours.export()
    for other in ("another installation", "a third", "a fourth"):
        theirs = RuleMemo(other, stored)
        theirs.lists = {"their:RULES": []}
        stored = theirs.export()
    assert list(stored["memos"]) == [code, "another installation", "a third", "a fourth"]
    assert RuleMemo(code, stored).lists == ours.lists
    fifth = RuleMemo("a fifth", stored)
    assert list(fifth.export()["memos"]) == ["another installation", "a third", "a fourth", "a fifth"]
    again = RuleMemo(code, stored)  # ours, used again: the latest now
    assert list(again.export()["memos"])[-1] == code


def test_the_code_is_every_module_file_of_the_package(tmp_path, monkeypatch):
    package = tmp_path / "postlint"
    (package / "rules").mkdir(parents=True)
    module = package / "rules" / "links.py"
    module.write_text("RULES = []\n")
    (package / "registry.py").write_text("")
    (package / "data.txt").write_text("not a module")
    monkeypatch.setattr(registry, "__file__", str(package / "registry.py"))
    assert own_code() is None  # written just now: no signature tells a later change yet
    monkeypatch.setattr(signatures, "RACY_NS", 0)  # as if they had been written long ago
    before = own_code()
    assert before is not None and own_code() == before
    (package / "data.txt").write_text("still not a module")
    assert own_code() == before
    old = module.stat().st_mtime_ns
    module.write_text("RULES = [] \n")  # edited in place,
    os.utime(module, ns=(old, old))  # its modification time put back
    assert own_code() not in (None, before)


def test_the_code_is_the_python_and_the_versions_installed_too(monkeypatch):
    before = settled_code()
    monkeypatch.setattr(registry, "requirement_folders", lambda name: ["markdown_it_py-0.0.1.dist-info"])
    assert own_code() != before
    monkeypatch.undo()
    monkeypatch.setattr(registry.sys, "version", "3.99.0 (another build)")
    assert own_code() != before


def test_a_plugins_rules_are_never_kept(tmp_path, monkeypatch):
    info = tmp_path / "acme_postlint-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nacme = acme_memo_rules:RULES\n")
    (tmp_path / "acme_memo_rules.py").write_text(
        "from postlint.registry import rule\n"
        "@rule('ACM001', 'acme-mark', severity='warning')\n"
        "def acme_mark(post, ctx):\n    '''Marks every post.'''\n    return []\n"
        "RULES = [acme_mark]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    code = settled_code()
    memo = RuleMemo(code)
    load_registry((), memo)
    assert "acme_memo_rules:RULES" not in memo.lists
    planted = RuleMemo(code, {"memos": {code: {**memo.lists, "acme_memo_rules:RULES": memo.lists[
        "postlint.rules.links:RULES"]}}})
    loaded = load_registry((), planted)
    assert loaded.get("ACM001") is not None and loaded.get("ACM001").check.__module__ == "acme_memo_rules"


def test_options_that_marshal_does_not_give_back_keep_the_list_out():
    class Level(int):
        pass

    odd = registry.rule("ODD001", "odd-option", severity="warning",
                        options=[Option("level", "int", Level(3), "A level.")])(lambda post, ctx: [])
    memo = RuleMemo("some code")
    memo.keep("odd:RULES", [odd])
    assert memo.lists == {} and not memo.grew


def test_a_rule_gone_from_its_module_fails_where_it_runs():
    code = settled_code()
    memo = RuleMemo(code, {"memos": {code: {"postlint.rules.links:RULES": [[
        {"code": "LNK999", "name": "gone-rule", "severity": "error", "doc": "", "enabled": True, "fixable": False,
         "origin": "postlint.rules.links", "source": b"", "source_digest": ""}, []]]}}})
    (gone,) = memo.rules("postlint.rules.links:RULES")
    load_functions([gone])  # leaves it be
    with pytest.raises(LookupError, match="LNK999"):
        gone.check(None, None)


def test_a_cached_run_takes_the_memo_and_answers_as_a_cold_one(tmp_path, monkeypatch):
    monkeypatch.delenv("POSTLINT_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site = copy_site(DEMO_SITE, tmp_path / "site")
    monkeypatch.setattr(signatures, "RACY_NS", 0)  # the files were written just now

    def findings(**options) -> list:
        return sorted(f.sort_key for f in run_request(RunRequest(paths=[site], **options)).result.findings)

    cold = findings(use_cache=False)
    assert not (tmp_path / "user-cache" / "postlint" / cache.RULES_MEMO_FILE).exists()  # --no-cache keeps none
    assert findings(use_cache=True) == cold
    assert (tmp_path / "user-cache" / "postlint" / cache.RULES_MEMO_FILE).is_file()
    taken = []
    real = RuleMemo.rules
    monkeypatch.setattr(RuleMemo, "rules", lambda self, value: taken.append(value) or real(self, value))
    post = site / "_posts" / "2024-01-15-ramp-time-benchmark.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert findings(use_cache=True) == findings(use_cache=False)
    assert len(taken) >= 15  # every built-in list came from the memo, and the edited post was checked with them
    shutil.rmtree(tmp_path / "user-cache")


def test_a_rule_memo_this_user_did_not_write_is_ignored(tmp_path, monkeypatch):
    """The memo could turn a rule off or lower its severity: only one this user's postlint
    signed is taken (the control: the same memo signed with this user's key is)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    code = settled_code()
    honest = RuleMemo(code)
    load_registry((), honest)
    value = "postlint.rules.links:RULES"
    forged = {"memos": {code: {value: [[{**plain, "severity": "info"}, options]
                                       for plain, options in honest.lists[value]]}}}
    folder = tmp_path / "postlint"
    folder.mkdir()
    payload = cache.encode(forged)
    secret = cache.secret_key()

    def severity_taken() -> str:
        memo = cache.read_rules_memo(secret)
        return load_registry((), memo).get("LNK001").severity

    (folder / cache.RULES_MEMO_FILE).write_bytes(cache._sign(b"k" * 32, payload).encode() + b"\n" + payload)
    assert severity_taken() == "error"
    (folder / cache.RULES_MEMO_FILE).write_bytes(cache._sign(secret, payload).encode() + b"\n" + payload)
    assert severity_taken() == "info", "signed with this user's key: trusted, as the cache is"
