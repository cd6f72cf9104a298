"""The day in a post's URL, as Jekyll 4.3 reads its front-matter date in the site's `timezone`.
Every expectation here was checked against a real `jekyll build` of the same files."""

from __future__ import annotations

import pytest

from postlint.jekyll.site import Site

DATES = {
    "naive": "2019-11-28 00:30:00",  # Ruby's YAML reads a time without an offset as UTC
    "quoted": '"2019-11-28 00:30:00"',  # a text: read in the site's zone
    "late": "2019-11-28 23:30:00",
    "offset": "2019-11-28 23:30:00 -1100",
    "zulu": "2019-11-28T03:00:00Z",
    "dateonly": "2019-11-28",
}


@pytest.mark.parametrize("zone, days", [
    ("America/Los_Angeles", {"naive": 27, "quoted": 28, "late": 28, "offset": 29, "zulu": 27, "dateonly": 28}),
    ("Asia/Tokyo", {"naive": 28, "quoted": 28, "late": 29, "offset": 29, "zulu": 28, "dateonly": 28}),
])
def test_the_day_a_post_is_published_on_in_the_sites_timezone(tmp_path, zone, days):
    (tmp_path / "_config.yml").write_text(f"timezone: {zone}\npermalink: /:year/:month/:day/:title/\n",
                                          encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    for name, date in DATES.items():
        (tmp_path / "_posts" / f"2019-11-28-{name}.md").write_text(f"---\ntitle: t\ndate: {date}\n---\nb\n",
                                                                    encoding="utf-8")
    site = Site(tmp_path)
    assert {name: site.published_url(f"_posts/2019-11-28-{name}.md") for name in DATES} == {
        name: f"/2019/11/{day}/{name}/" for name, day in days.items()}


def test_dates_with_zone_names_year_first_slashes_and_hour_24(tmp_path):
    (tmp_path / "_config.yml").write_text("timezone: Asia/Tokyo\npermalink: /:year/:month/:day/:title/\n",
                                          encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    dates = {"slash": "2020/03/04", "utc": "2020-03-04 23:30:00 UTC", "pst": "2020-03-04 10:30:00 PST",
             "gmt": "2020-03-04 23:30:00 GMT", "h24": '"2020-03-04 24:00"',
             "cet": "2020-03-04 23:30:00 CET"}  # a zone Ruby's Time.parse does not know: the site's zone
    for name, date in dates.items():
        (tmp_path / "_posts" / f"2020-01-01-{name}.md").write_text(f"---\ntitle: t\ndate: {date}\n---\nb\n",
                                                                   encoding="utf-8")
    site = Site(tmp_path)
    days = {"slash": 4, "utc": 5, "pst": 5, "gmt": 5, "h24": 5, "cet": 4}
    assert {name: site.published_url(f"_posts/2020-01-01-{name}.md") for name in dates} == {
        name: f"/2020/03/0{day}/{name}/" for name, day in days.items()}


def test_an_hour_past_24_stops_the_build():
    from postlint.parse.dates import judge_date

    assert judge_date("2020-03-04 25:00").date is None  # jekyll build: Invalid date
    assert judge_date("2020-03-04 24:00").date.isoformat() == "2020-03-05"
    assert judge_date("2020/03/04").date.isoformat() == "2020-03-04"


def test_the_day_in_a_file_name_as_ruby_reads_it(tmp_path):
    """A day past the month's end rolls over, a two-digit year is completed, a year is written
    with four digits, and a front-matter date makes an unreadable name's date irrelevant."""
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    names = {"2023-02-30-feb": "/2023/03/02/feb.html", "20-01-05-short": "/2020/01/05/short.html",
             "999-01-01-old": "/0999/01/01/old.html", "99-12-31-last": "/1999/12/31/last.html",
             "2023-13-45-dated": "/2023/01/01/dated.html"}
    for name in names:
        date = "date: 2023-01-01\n" if name.endswith("dated") else ""
        (tmp_path / "_posts" / f"{name}.md").write_text(f"---\ntitle: t\n{date}---\nb\n", encoding="utf-8")
    site = Site(tmp_path)
    assert {name: site.published_url(f"_posts/{name}.md") for name in names} == names
