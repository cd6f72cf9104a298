""""Did you mean" hints: exact on short lists, still found on long ones, without scoring them all."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint import suggest


def test_short_lists_give_difflibs_answer():
    names = ["2024-01-15-ramp-time-benchmark", "2024-02-05-onboarding-checklist", "2024-03-01-setup-guide"]
    for word in ("2024-01-15-ramp-time-benchmarks", "2024-02-05-onboarding", "nothing-alike"):
        expected = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        assert suggest.closest(word, names, cutoff=0.6) == (expected[0] if expected else None)


def test_typos_are_found_in_a_long_list(monkeypatch):
    names = [f"/blog/{year}/{topic}-{number}/" for year in range(2000, 2020) for number, topic in
             enumerate(["pipeline-review", "ramp-time", "coaching-plan", "territory-map", "win-loss"] * 60)]
    target = "/blog/2013/coaching-plan-182/"
    assert target in names and len(names) > suggest.SCAN_ALL_BELOW
    scored = []
    real = suggest.distinct_parts

    def counting(word, name):
        scored.append(name)
        return real(word, name)

    monkeypatch.setattr(suggest, "distinct_parts", counting)
    assert suggest.closest("/blog/2013/coachnig-plan-182/", names, cutoff=0.75) == target
    assert 0 < len(scored) <= suggest.SHORTLIST


@pytest.mark.parametrize("word, candidate, close", [
    ("assets/blog/launch/swot-exercise.png", "assets/blog/launch/interfaces.png", False),
    ("assets/blog/launch/testing-proto.png", "assets/blog/launch/image5.png", False),
    ("assets/blog/nrrd/nrrd-workshop.png", "assets/blog/nrrd/nrrd-home.png", False),
    ("img/fwup/MessgaeCTR.jpg", "img/fwup/MessageCTR.jpg", True),
    ("img/fwup/ExampleArquitecture.png", "img/fwup/ExampleArchitecture.png", True),
    ("/blog/2013/coachnig-plan-182/", "/blog/2013/coaching-plan-182/", True),
    ("/img/charts/funnel.png", "/img/chart/funnel.png", True),  # a typo in the folder
    ("/sales/2024/01/16/ramp-time/", "/sales/2024/01/15/ramp-time/", True),  # a typo in the date
    ("img/b.png", "img/a.png", False),  # two one-letter names, not a typo
    ("/en/news/2019/11/27/", "/es/news/2019/11/27/", False),  # two languages
    ("/hub/", "/assets/blog/products/hub.png", False),  # a page is not an image of that name
    ("/our-work/agile-bpa/", "/our-work/", False),
    ("/en/payment-batching/", "/en/topics/payment-batching/", True),  # the page moved into a folder
    ("/en/topics/", "/en/topics/hwi/", False),  # a parent is not its child
    ("/authors/tyler/", "/img/author/tyler.jpg", False),  # a page is not a file

    ("/en/news/2019/03/05/", "/ja/news/2021/03/10/", False),  # another language, another day
    ("/en/news/2021/11/10/", "/ja/news/2021/11/10/", False),  # another language's page
    ("/en/schnorr-workshop/", "/es/schorr-workshop/", False),  # another language's page, a typo of it
    ("/a/2019/funnel.png", "/b/2019/funel.png", False),  # another one-letter folder's file
])
def test_shared_folders_do_not_make_names_close(word, candidate, close):
    assert (suggest.closest(word, [candidate], cutoff=0.8) == candidate) is close


def test_distinct_parts_leave_out_shared_segments_and_extensions():
    assert suggest.distinct_parts("a/b/swot.png", "a/b/interfaces.png") == ("swot", "interfaces")
    assert suggest.distinct_parts("/x/y/", "/x/z/") == ("y", "z")
    assert suggest.distinct_parts("a/b.webp", "c/b.png") == ("a", "c")
    assert suggest.distinct_parts("/en/news/2019/", "/ja/news/2021/") == ("en/2019", "ja/2021")
    assert suggest.distinct_parts("a/b/c.png", "a/d.png") == ("b/c", "d")


@pytest.mark.parametrize("one, other, apart", [
    ("MessgaeCTR", "MessageCTR", True), ("16", "15", True), ("plan", "plans", True), ("plan", "pan", True),
    ("en", "ja", False), ("en", "es", False), ("b", "a", False), ("7", "8", True), ("abc", "abc", False), ("abcd", "ab", False), ("abc", "bac", True), ("abc", "bca", False),
])
def test_one_edit_apart(one, other, apart):
    assert suggest._one_edit_apart(one, other) is apart


@pytest.mark.parametrize("word, candidate", [
    ("assets/images/cover.webp", "assets/images/cover.png"),  # the same name, another format
    ("assets/images/team.png", "assets/images/team photo.png"),  # every word of one in the other
])
def test_names_that_differ_only_in_extension_or_extra_words_are_close(word, candidate):
    assert suggest.closest(word, [candidate], cutoff=0.8) == candidate


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab-/.é0", max_size=12), st.text(alphabet="ab-/.é0", max_size=12))
def test_quick_ratio_is_difflibs(one, other):
    assert suggest._quick_ratio(one, other) == difflib.SequenceMatcher(None, one, other).quick_ratio()
