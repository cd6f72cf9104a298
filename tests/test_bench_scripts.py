"""bench/jekyll_agreement.py calls postlint's internals (the other bench scripts run the
`postlint` command): its postlint side runs here on the demo site, without Jekyll, so that a
change to those internals cannot leave the script broken until someone next compares with Jekyll."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

from helpers import DEMO_SITE, REPO, copy_site, run

from postlint.jekyll.site import Site


def bench_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def by_file_and_tag(tags: Counter) -> Counter:
    """The script's Counter of (file, tag name, markup) summed over the markups."""
    summed: Counter = Counter()
    for (rel, tag, _), count in tags.items():
        summed[(rel, tag)] += count
    return summed


def test_the_jekyll_agreement_script_sees_the_tags_the_link_rules_report(tmp_path):
    agreement = bench_script("jekyll_agreement")
    site = Site(copy_site(DEMO_SITE, tmp_path / "site"))
    errors, deprecated, total = agreement.postlint_view(site)
    rendered = set(agreement.rendered_files(site))
    result, _ = run([site.root], select=["LNK001", "LNK002", "LNK004"], use_cache=False)
    tag_of = {"LNK001": "post_url", "LNK002": "link", "LNK004": "post_url"}
    reported: dict[str, Counter] = {"LNK001": Counter(), "LNK002": Counter(), "LNK004": Counter()}
    for finding in result.findings:
        rel = Path(finding.path).resolve().relative_to(site.root.resolve()).as_posix()
        if rel in rendered:  # the script leaves out drafts: Jekyll does not render them
            reported[finding.code][(rel, tag_of[finding.code])] += 1
    assert total["post_url"] and total["link"]
    assert reported["LNK001"] + reported["LNK002"] == by_file_and_tag(errors)
    assert reported["LNK004"] == by_file_and_tag(deprecated)
    assert errors and deprecated  # the demo site has both, so the comparison above compared something
