"""Image rules: alt text policy (and where it differs from markdownlint MD045), missing images,
variant widths read from image headers only."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run
from PIL import Image, ImageFile
from test_links import findings, make_site, post

from postlint.jekyll.site import Site

# The constructs of markdownlint's own MD045 test file (no-alt-text.md), one per entry, with
# markdownlint's verdict and ours. They differ only on `alt=""` without a decorative marker.
MD045_CASES = [
    # (snippet, markdownlint reports it, postlint reports it)
    ("![A described picture](image.jpg)", False, False),
    ("![](image.jpg)", True, True),
    ('![A described picture](image.jpg "Title")', False, False),
    ('![](image.jpg "Title")', True, True),
    ("Some words and ![](image.jpg) inside them.", True, True),
    ("With a reference: ![A described picture][notitle]", False, False),
    ("Empty reference: ![][notitle]", True, True),
    ("Titled reference: ![A described picture][title]", False, False),
    ("Empty titled reference: ![][title]", True, True),
    ("Linked: [![A described picture](image.jpg)](image.jpg)", False, False),
    ("Linked and empty: [![](image.jpg)](image.jpg)", True, True),
    ('Over two lines: ![A described picture](image.jpg "Title"\n)', False, False),
    ('Over two lines and empty: ![](image.jpg "Title"\n)', True, True),
    ('<img src="image.png" alt="Descriptive text" />', False, False),
    ('<img src="image.png" alt>', True, True),
    ('<img src="image.png" alt="" />', False, True),  # ours: empty alt needs an explicit marker
    ("<img src='image.png' alt='' />", False, True),
    ('An inline tag without alt <img src="image.png" />', True, True),
    ('<img\n  src="image.png">', True, True),
    ('<img\n  src="image.png"\n  alt>', True, True),
    ('<img\n  src="image.png"\n  alt="Description"\n  >', False, False),
    ('<IMG SRC="cat.png" ALT="Descriptive text">', False, False),
    ('Upper case without alt <IMG SRC="cat.png" />', True, True),
    ('<p>\n  <img src="image.png" />\n</p>', True, True),
    ('Hidden from assistive technology:\n<img src="image.png" aria-hidden="true"/>', False, False),
    ('<img src="image.png" ARIA-HIDDEN="TRUE" />', False, False),
    ('Not hidden after all: <img src="image.png" aria-hidden="false"/>', True, True),
    ('<img\n  src="image.png"\n  aria-hidden="true"\n  />', False, False),
]


def test_alt_policy_against_markdownlint_md045_cases(tmp_path):
    header = "---\ntitle: Alt text cases\n---\n"
    body, expected, line = [], [], header.count("\n") + 1
    for snippet, _, ours in MD045_CASES:
        body.append(snippet)
        if ours:
            # A finding is reported on the line where the image starts.
            first = next(i for i, text in enumerate(snippet.split("\n")) if "![" in text or "<img" in text.lower())
            expected.append(line + first)
        line += snippet.count("\n") + 2
    text = header + "\n\n".join(body) + "\n\n[notitle]: image.jpg\n[title]: image.jpg \"Title\"\n"
    root = make_site(tmp_path, {"_posts/2024-01-01-alt-cases.md": text})
    got = [found[1] for found in findings(root, "image-alt")]
    assert got == expected
    differences = [snippet for snippet, theirs, ours in MD045_CASES if theirs != ours]
    assert differences == ['<img src="image.png" alt="" />', "<img src='image.png' alt='' />"]


@pytest.mark.parametrize("markup", [
    '![](divider.png){: .decorative}',
    '![](divider.png){: role="presentation"}',
    '<img src="divider.png" alt="" role="none">',
    '<img src="divider.png" alt="" class="wide decorative">',
])
def test_explicitly_decorative_images_are_fine(tmp_path, markup):
    root = make_site(tmp_path, {"_posts/2024-01-01-x.md": post(body=markup)})
    assert findings(root, "image-alt") == []


def test_image_alt_options(tmp_path):
    files = {
        ".postlint.yaml": ("rules:\n  image-alt: {alt_key: image_alt, image_keys: [hero], placeholders: [chart],"
                           " decorative_class: ornament}\n  image-variants: {variants: {webps: null}}\n"),
        "_posts/2024-01-01-a.md": post(extra="hero: a.png\nimage_alt: chart\n", body="![](x.png){: .ornament}"),
        "_posts/2024-01-02-b.md": post(extra="webps: b.webp\n"),  # a variant key names an image too
        "_posts/2024-01-03-c.md": post(extra="image: c.png\n", body="![Bar chart of sales](x.png)"),  # `image` is not a key here
    }
    root = make_site(tmp_path, files)
    got = [(name, line, message) for name, line, _, _, message in findings(root, "image-alt")]
    assert got == [
        ("2024-01-01-a.md", 4, "front-matter 'image_alt': alt text 'chart' is a placeholder, not a description"),
        ("2024-01-02-b.md", 3, "front-matter image 'webps' has no alt text (set 'image_alt', as other posts do)"),
    ]


def test_alt_from_liquid_is_not_judged(tmp_path):
    body = "![{{ page.title }}](a.png) <img src=\"b.png\" alt=\"{{ page.title }}\">"
    root = make_site(tmp_path, {"_posts/2024-01-01-x.md": post(body=body)})
    assert findings(root, "image-alt") == []


def write_image(path: Path, width: int, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, 2), (128, 128, 128)).save(path, fmt)


@pytest.fixture
def variant_site(tmp_path) -> Path:
    root = make_site(tmp_path, {
        ".postlint.yaml": ("site: {images_dir: img}\nrules:\n  image-variants:\n"
                           "    variants: {webps: 376, webpm: 564, jpg: null}\n"),
        "_posts/2024-01-01-ok.md": post(extra="webps: s.webp\nwebpm: m.webp\njpg: big.jpg\n"),
        "_posts/2024-01-02-bad.md": post(extra="webps: m.webp\nwebpm: broken.webp\njpg: none.jpg\n"),
    })
    write_image(root / "img/s.webp", 376, "WEBP")
    write_image(root / "img/m.webp", 564, "WEBP")
    write_image(root / "img/big.jpg", 2000, "JPEG")
    (root / "img/broken.webp").write_bytes(b"RIFF but not really an image")
    return root


def test_variant_widths_come_from_headers_only(variant_site, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    monkeypatch.setattr(Image.Image, "load", refuse)
    got = [(name, line, column, message) for name, line, column, _, message in findings(variant_site, "image-variants")]
    assert got == [
        ("2024-01-02-bad.md", 3, 8, "image variant 'webps': 'img/m.webp' is 564 px wide, expected 376"),
        ("2024-01-02-bad.md", 4, 8, "image variant 'webpm': 'img/broken.webp' cannot be read as an image (UnidentifiedImageError)"),
        ("2024-01-02-bad.md", 5, 6, "image variant 'jpg': file 'img/none.jpg' does not exist"),
    ]


def test_image_sizes_are_read_once(variant_site, monkeypatch):
    site = Site(variant_site)
    opened = []
    real_open = Image.open
    monkeypatch.setattr(Image, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    assert site.image_size("img/s.webp") == (376, 2)
    assert site.image_size("img/s.webp") == (376, 2)
    assert len(opened) == 1


def test_missing_images(tmp_path):
    root = make_site(tmp_path, {
        "_config.yml": "title: t\nbaseurl: /blog\n",
        "_posts/2024-01-01-x.md": post(body=(
            "![A](/blog/img/a.png) ![B]({{ site.baseurl }}/img/b.png) ![C]({{ 'img/a.png' | relative_url }})\n"
            "![D]({{ page.image }}) ![E](https://example.com/e.png) ![F](/other/f.png) ![G](img/a.png)\n"
            "```\n![In code](/blog/img/none.png)\n```\n"
        )),
    })
    write_image(root / "img/a.png", 4, "PNG")
    got = [(line, column, message) for _, line, column, _, message in findings(root, "image-missing")]
    # `a.png` shares only the folder and the extension with `b.png`: no "did you mean"
    assert got == [(4, 28, "image '{{ site.baseurl }}/img/b.png' does not exist: no file 'img/b.png' in the site")]


def test_image_rules_do_not_import_pillow_until_needed():
    import subprocess
    import sys

    code = "import sys, postlint.rules.images, postlint.jekyll.site; print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"


def test_demo_site_link_and_image_findings():
    from helpers import DEMO_SITE

    result, _ = run([DEMO_SITE], select=["LNK", "IMG"])
    got = {(Path(f.path).name, f.line, f.code) for f in result.findings}
    links, images = "2024-05-06-link-audit-before-publishing.md", "2024-05-13-image-checklist-for-posts.md"
    assert got == {
        (links, 20, "LNK001"), (links, 22, "LNK004"), (links, 24, "LNK001"), (links, 29, "LNK001"),
        (links, 35, "LNK002"), (links, 36, "LNK003"),
        (images, 7, "IMG001"), (images, 14, "IMG003"), (images, 15, "IMG003"), (images, 23, "IMG001"),
        (images, 25, "IMG002"), (images, 27, "IMG001"),
    }


@pytest.mark.parametrize("alt, verdict", [
    ("IMG_0042", "is a file name"),
    ("DSC-1234", "is a file name"),
    ("PXL_20240115_101010.jpg", "is a file name"),
    ("Screenshot 2024-01-15 at 10.32.11", "is a file name"),
    ("team-offsite.JPG", "is a file name"),
    ("ramp-chart", "repeats the file name"),
    ("Ramp-Chart", "repeats the file name"),
    ("img/blog/ramp-chart.png", "is a file path"),
    ("assets\\ramp-chart.drawio.svg", "is a file path"),
    ("  Picture. ", "is a placeholder"),
    ("Image 3 of the dashboard", None),
    ("Photo of the 1920s street", None),
    ("Ramp chart", None),
])
def test_alt_text_judgement(alt, verdict):
    from postlint.rules.images import DEFAULT_PLACEHOLDERS, alt_problem

    found = alt_problem(alt, "/img/ramp-chart.png", DEFAULT_PLACEHOLDERS)
    assert (found is None) if verdict is None else (verdict in found)


@pytest.mark.parametrize("alt, src, verdict", [
    ("gdb_host", "/img/installing-gdb/gdb_host.drawio.svg", "repeats the file name"),
    ("gdb_host.drawio", "/img/installing-gdb/gdb_host.drawio.svg", "repeats the file name"),
    ("img/installing-gdb/gdb_host_target.drawio.svg", "/img/installing-gdb/gdb_host_target.drawio.svg",
     "is a file path"),
    ("funnel_q3", "{% img_url charts/funnel_q3.png %}", "repeats the file name"),
    ("funnel_q3", "{{ 'charts/funnel_q3.png' | relative_url }}", "repeats the file name"),
    ("Q3 funnel", "/img/funnel_q3.png", None),
    ("gdb", "/img/gdb.png", None),  # one plain word can be a fine description of a logo
    ("TCP/IP stack diagram", "/img/stack.png", None),
])
def test_alt_text_that_names_the_file(alt, src, verdict):
    from postlint.rules.images import DEFAULT_PLACEHOLDERS, alt_problem

    found = alt_problem(alt, src, DEFAULT_PLACEHOLDERS)
    assert (found is None) if verdict is None else (verdict in found)


def test_front_matter_image_follows_the_sites_convention(tmp_path):
    files = {
        ".postlint.yaml": "rules:\n  image-alt: {alt_key: image_alt}\n",
        "_posts/2024-01-01-a.md": post(extra="image: /img/a.png\nimage_alt: Funnel by stage\n"),
        "_posts/2024-01-02-b.md": post(extra="image: /img/b.png\n"),
        "_posts/2024-01-03-c.md": post(extra="image: /img/c.png\nhero: false\n"),  # not shown: no alt needed
    }
    root = make_site(tmp_path, files)
    assert [(name, message) for name, _, _, _, message in findings(root, "image-alt")] == [
        ("2024-01-02-b.md", "front-matter image 'image' has no alt text (set 'image_alt', as other posts do)")]


def test_a_key_no_post_uses_is_never_named(tmp_path):
    root = make_site(tmp_path, {"_posts/2024-01-01-a.md": post(extra="image: /img/a.png\n")})
    (message,) = [message for *_, message in findings(root, "image-alt")]
    assert "'alt'" not in message and "alt_key" in message and "postlint init" in message
    (root / "_posts/2024-01-01-a.md").write_text(post(extra="image: /img/a.png\nimage_alt: Funnel by stage\n"))
    assert [message for *_, message in findings(root, "image-alt")] == [
        "front-matter image 'image' has no alt text, and no post of this site sets image-alt's `alt_key`; this post "
        "sets 'image_alt': if your layout reads it, set `alt_key: image_alt`"]


def test_shown_key_is_configurable(tmp_path):
    files = {
        ".postlint.yaml": "rules:\n  image-alt: {shown_key: show_image}\n",
        "_posts/2024-01-01-a.md": post(extra="image: /img/a.png\nshow_image: false\n"),
        "_posts/2024-01-02-b.md": post(extra="image: /img/b.png\nhero: false\nalt: ''\n"),
    }
    root = make_site(tmp_path, files)
    assert [(name, message) for name, _, _, _, message in findings(root, "image-alt")] == [
        ("2024-01-02-b.md", "front-matter 'alt': empty alt text")]
