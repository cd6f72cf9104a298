""""Did you mean" hints: exact on short lists, still found on long ones, without scoring them all."""

from __future__ import annotations

import difflib

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
    real = difflib.get_close_matches

    def counting(word, pool, n, cutoff):
        scored.append(len(pool))
        return real(word, pool, n=n, cutoff=cutoff)

    monkeypatch.setattr(suggest.difflib, "get_close_matches", counting)
    assert suggest.closest("/blog/2013/coachnig-plan-182/", names, cutoff=0.75) == target
    assert scored == [suggest.SHORTLIST] or scored[0] <= suggest.SHORTLIST
