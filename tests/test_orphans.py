"""orphan-post (SEO009): a published post that nothing else links to."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

TARGET = "_posts/2024-05-06-territory-planning.md"
OTHER = "_posts/2024-06-10-quota-setting.md"
CONFIG = "title: t\nurl: https://pipeline.example\nbaseurl: /blog\npermalink: /:year/:title/\n"


def site(tmp_path: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    (tmp_path / "_config.yml").write_text(config)
    files = {TARGET: "---\ntitle: Territories\n---\nBody.\n", **files}
    for rel, body in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return tmp_path


def orphans(root: Path, **kwargs) -> list[str]:
    result, _ = run([root], select=["orphan-post"], jobs=1, **kwargs)
    assert not [f for f in result.findings if f.internal], result.findings
    return sorted(Path(f.path).name for f in result.findings)


def page(body: str) -> str:
    return f"---\ntitle: Linker\n---\n{body}\n"


@pytest.mark.parametrize("rel, body", [
    (OTHER, "See [territories]({% post_url 2024-05-06-territory-planning %})."),
    (OTHER, "See [territories]({% link _posts/2024-05-06-territory-planning.md %})."),
    (OTHER, "See [territories](/blog/2024/territory-planning/#maps)."),
    (OTHER, "See [territories](/blog/2024/territory-planning.html)."),
    (OTHER, "See [territories]({{ site.baseurl }}/2024/territory-planning/)."),
    (OTHER, "See [territories]({{ '/2024/territory-planning/' | relative_url }})."),
    (OTHER, "See [territories](http://www.pipeline.example/blog/2024/territory-planning/)."),
    (OTHER, "See [territories](../territory-planning/)."),
    (OTHER, "See [territories][t].\n\n[t]: /blog/2024/territory-planning/"),
    # kramdown sees an empty line where the include stood, so the definition below it defines `t`.
    (OTHER, "See [territories][t].\n{% include links-footer.html %}\n[t]: /blog/2024/territory-planning/"),
    (OTHER, 'See <a href="/blog/2024/territory-planning/">territories</a>.'),
    ("about.md", "See [territories](/blog/2024/territory-planning/)."),
    ("_includes/sidebar.html", '<a href="{{ "/2024/territory-planning/" | relative_url }}">Start here</a>'),
    ("_data/featured.yml", "- 2024-05-06-territory-planning\n"),
])
def test_a_link_in_any_built_file_counts(tmp_path, rel, body):
    text = body if rel.startswith(("_includes", "_data")) else page(body)
    assert "2024-05-06-territory-planning.md" not in orphans(site(tmp_path, {rel: text}))


@pytest.mark.parametrize("rel, body", [
    (TARGET, "Back to [the top](/blog/2024/territory-planning/#top)."),
    ("_drafts/idea.md", "See [territories](/blog/2024/territory-planning/)."),
    ("_posts/2099-01-01-later.md", "See [territories](/blog/2024/territory-planning/)."),
    (OTHER, "```\n[territories]({% post_url 2024-05-06-territory-planning %})\n```"),
    (OTHER, "{% comment %}{% post_url 2024-05-06-territory-planning %}{% endcomment %}"),
    (OTHER, "{% comment %}\nSee [territories](/blog/2024/territory-planning/).\n{% endcomment %}"),
    (OTHER, "{% highlight markdown %}\nSee [territories](/blog/2024/territory-planning/).\n{% endhighlight %}"),
    # A definition no link uses renders nothing.
    (OTHER, "Quotas.\n{% include links-footer.html %}\n[t]: /blog/2024/territory-planning/"),
    (OTHER, "The territory-planning post is mentioned, not linked: [elsewhere](/blog/2024/other/)."),
    (OTHER, "See [territories](https://another.example/blog/2024/territory-planning/)."),
    ("index.html", "{% for post in site.posts %}<a href=\"{{ post.url }}\">x</a>{% endfor %}"),
])
def test_what_is_not_a_link(tmp_path, rel, body):
    files = {rel: page(body) if rel != TARGET else "---\ntitle: Territories\n---\n" + body + "\n"}
    assert "2024-05-06-territory-planning.md" in orphans(site(tmp_path, files))


def test_drafts_and_unpublished_posts_are_never_reported(tmp_path):
    root = site(tmp_path, {"_drafts/idea.md": page("Alone."), "_posts/2024-01-01-off.md": page("Alone.\n").replace(
        "title: Linker", "title: Off\npublished: false")})
    assert orphans(root) == ["2024-05-06-territory-planning.md"]


def test_cache_notices_another_posts_link_changing(tmp_path):
    root = site(tmp_path, {OTHER: page("No links yet.")})

    def both() -> list[str]:
        warm = orphans(root, use_cache=True)
        assert warm == orphans(root, use_cache=False)
        return warm

    assert both() == ["2024-05-06-territory-planning.md", "2024-06-10-quota-setting.md"]
    other = root / OTHER
    other.write_text(page("See [territories]({% post_url 2024-05-06-territory-planning %})."))
    assert both() == ["2024-06-10-quota-setting.md"]
    other.write_text(page("No links any more."))
    assert both() == ["2024-05-06-territory-planning.md", "2024-06-10-quota-setting.md"]
