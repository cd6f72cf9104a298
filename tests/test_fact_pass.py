"""A parallel run's fact pass (jekyll/facts.py): each worker computes the per-file facts of its
share of the site, and only facts that do not rest on a partial index travel to the parent."""

from __future__ import annotations

from postlint.jekyll.facts import Recording


class Toy(Recording):
    """A site model of files with one number each; `total` is a site-wide index over them."""

    def __init__(self, values: dict[str, int]) -> None:
        super().__init__()
        self.values = values
        self.computed: list[str] = []

    def digest_now(self, key: str) -> str:
        return "unchanged"

    def value(self, rel: str) -> int:
        self.computed.append(rel)
        return self.values[rel]

    def total(self) -> int:
        return self.index("total", lambda: sum(value for _, value in self.facts_of("value", sorted(self.values), self.value)))


VALUES = {f"_posts/post-{number}.md": number for number in range(20)}


def share(number: int) -> tuple[Toy, dict]:
    toy = Toy(VALUES)
    toy.take_share(number, 2)
    toy.total()
    return toy, toy.hand_over_facts()


def test_each_share_computes_its_own_files_facts_and_together_they_cover_the_site():
    (first, mine), (second, theirs) = share(0), share(1)
    assert mine["value"] and theirs["value"]
    assert mine["value"].keys().isdisjoint(theirs["value"])
    assert sorted(first.computed + second.computed) == sorted(VALUES)
    parent = Toy(VALUES)
    parent.adopt_facts(mine)
    parent.adopt_facts(theirs)
    assert parent.total() == sum(VALUES.values())
    assert parent.computed == [], "the parent builds the whole index from the workers' facts"


def test_a_fact_computed_from_a_partial_index_is_not_handed_over():
    toy, _ = share(0)
    assert toy.total() < sum(VALUES.values())
    toy.per_file("share-of-total", "_posts/post-3.md", lambda: 3 / toy.total())
    toy.per_file("double", "_posts/post-3.md", lambda: 2 * toy.values["_posts/post-3.md"])
    assert list(toy.hand_over_facts()) == ["double"]


def test_leaving_the_share_forgets_its_partial_indexes_and_keeps_its_facts():
    toy, _ = share(0)
    computed = list(toy.computed)
    toy.leave_share()
    assert toy.total() == sum(VALUES.values())
    assert sorted(toy.computed) == sorted(VALUES), "the other share's facts are computed, its own kept"
    assert toy.computed[:len(computed)] == computed


def test_a_sites_files_of_each_kind_are_dealt_out_to_the_workers_in_turn(tmp_path):
    from postlint.jekyll.facts import file_share
    from postlint.jekyll.site import Site

    files = [f"_posts/2024-01-{day:02}-post.md" for day in range(1, 24)] + [f"_drafts/d{n}.md" for n in range(3)]
    files += [f"page-{n}.md" for n in range(7)] + [f"assets/img-{n}.png" for n in range(11)] + ["_config.yml"]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("---\n---\n", encoding="utf-8")
    site = Site(tmp_path)
    for shares in (2, 3):
        for kind in (files[:26], files[26:33], files[33:]):
            dealt = [site.share_of_file(rel, shares) for rel in sorted(kind)]
            assert dealt == [rank % shares for rank in range(len(kind))]
        assert site.share_of_file("not/listed.md", shares) == file_share("not/listed.md", shares)
