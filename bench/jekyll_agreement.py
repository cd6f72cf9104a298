"""Do postlint's post_url and link findings agree with a real `jekyll build`?

Usage: python bench/jekyll_agreement.py SITE [SITE ...] [--keep] [--mutate N]

With --mutate N, the first N post_url tags of the site (in a copy) are rewritten in known ways
first (a typo, an extension, an unpadded date, a wrong folder, quotes, month 13, a leading
slash, upper case), and the {% link %} tags of those files too (no extension, a leading slash,
a typo, unchanged), so a site whose tags all work still exercises every failure path.

For each site: copy it to a temporary folder, then build it with Jekyll again and again. Jekyll
stops at the first failing tag, so after each failure the failing tag is replaced by plain text
in the copy and the build runs again, until it passes. The failures Jekyll reported are then
compared with postlint's post-url-target (LNK001) and link-target (LNK002) errors, and the
deprecation warnings of the final build with postlint's post-url-deprecated (LNK004) warnings, over the files Jekyll renders
(published posts, pages, collection documents; not drafts).

It also lists every address the final build wrote that postlint's URL index (what
relative-url-target and image-missing check links against) does not know.

The copy is made buildable without changing what post_url sees: extra config `plugins: []`
(plugins that are not installed would stop the build), a `_plugins/agreement_stubs.rb` that
turns `include`, `include_relative` and every custom tag of the site into a no-op, and no Sass.
Missing layouts only print warnings.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from postlint.engine.check import read_post
from postlint.jekyll.links import link_target_problem
from postlint.jekyll.posts import resolve_post_url
from postlint.jekyll.site import Site
from postlint.jekyll.urls import url_key

# Tags Liquid 5 and Jekyll 4.3 (with jekyll-feed and jekyll-seo-tag) know; every other tag is stubbed.
KNOWN_TAGS = {
    "assign", "break", "capture", "case", "comment", "continue", "cycle", "decrement", "echo", "for", "if",
    "ifchanged", "increment", "liquid", "raw", "render", "tablerow", "unless", "when", "else", "elsif", "endcase",
    "post_url", "link", "highlight", "feed_meta", "seo",
}
STUBBED_ALWAYS = {"include", "include_relative"}
_ERROR = re.compile(r"Liquid Exception: (?P<msg>.*?) in (?P<file>\S+?)(?:\x1b\[0m)?\s*$", re.M)
_LIQUID = re.compile(r"\{%-?\s*(?:post_url|link)\b.*?%\}|(?P<other>\{%.*?%\}|\{\{.*?\}\})", re.S)
_DEPRECATED = re.compile(r"A call to '\{%\s*post_url (?P<name>.*?)\s*%\}' did not match", re.S)
_TAG = re.compile(r"\{%-?\s*(\w+)")


def rendered_files(site: Site) -> list[str]:
    """Files Jekyll renders with Liquid in a normal build."""
    found = []
    for rel in sorted(site.files):
        if rel in site.posts:
            if not site.posts[rel].draft and not site.is_excluded(rel):
                found.append(rel)
        elif (site.is_served_as_is(rel) or site.collection_of(rel)) and site.has_yaml_header(rel):
            found.append(rel)
    return found


def postlint_view(site: Site) -> tuple[Counter, Counter, Counter]:
    """(errors, deprecated) as Counters of (file, tag name, tag markup), and the number of tags by name."""
    future = site.future(None)
    errors: Counter = Counter()
    deprecated: Counter = Counter()
    total: Counter = Counter()
    for rel in rendered_files(site):
        post = read_post(site.root / rel, site, site.root)
        if post.read_error:
            continue
        for tag in post.tags("post_url"):
            total["post_url"] += 1
            result = resolve_post_url(tag.markup, site, future)
            if result.status == "unparseable" or (result.status == "not-found" and not tag.in_comment):
                errors[(rel, "post_url", tag.markup)] += 1
            elif result.status == "deprecated" and not tag.in_comment:
                deprecated[(rel, "post_url", tag.markup)] += 1
        for tag in post.tags("link"):
            total["link"] += 1
            if not tag.in_comment and "{{" not in tag.markup and "{%" not in tag.markup:
                if link_target_problem(tag.markup, site, future) is not None:
                    errors[(rel, "link", tag.markup)] += 1
    return errors, deprecated, total


def prepare_copy(source: Path, work: Path) -> Path:
    copy = work / "site"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_site", ".jekyll-cache", ".git"))
    names: set[str] = set()
    blocks: set[str] = set()
    for path in copy.rglob("*"):
        if path.suffix.lower() in (".scss", ".sass"):
            path.unlink()
            continue
        if path.is_file() and path.suffix.lower() in (".md", ".markdown", ".html", ".htm", ".xml", ".txt", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in _TAG.findall(text):
                names.add(name)
    for name in list(names):
        if name.startswith("end") and name[3:] in names:
            blocks.add(name[3:])
    stubs = sorted((names - KNOWN_TAGS - {n for n in names if n.startswith("end")}) | STUBBED_ALWAYS)
    plugins = copy / "_plugins"
    plugins.mkdir(exist_ok=True)
    lines = ["# Written by bench/jekyll_agreement.py: custom tags become no-ops.",
             "class AgreementNoOpTag < Liquid::Tag; def render(_context) = ''; end",
             "class AgreementNoOpBlock < Liquid::Block; def render(_context) = ''; end"]
    for name in stubs:
        kind = "AgreementNoOpBlock" if name in blocks else "AgreementNoOpTag"
        lines.append(f"Liquid::Template.register_tag({name!r}, {kind})")
    (plugins / "agreement_stubs.rb").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (copy / "_agreement.yml").write_text("plugins: []\ngems: []\nsass: {}\n", encoding="utf-8")
    return copy


def build(copy: Path, dest: Path) -> tuple[int, str]:
    config = "_config.yml,_agreement.yml" if (copy / "_config.yml").exists() else "_agreement.yml"
    proc = subprocess.run(["jekyll", "build", "--config", config, "-s", str(copy), "-d", str(dest), "--trace"],
                          cwd=copy, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    return proc.returncode, output


def neutralize(copy: Path, rel: str, message: str) -> tuple[str, str, int] | None:
    """Replace the post_url or link tags of `rel` that the error names with plain text; (tag, markup, count) or None."""
    path = copy / rel
    text = path.read_text(encoding="utf-8")
    name = re.search(r'post "(.*?)" in tag', message, re.S)
    date = re.search(r"Invalid date '(.*?)'", message)
    document = re.search(r"Could not find document '(.*?)' in tag 'link'", message, re.S)
    for match in re.finditer(r"\{%-?\s*(?P<tag>post_url|link)\b(?P<markup>.*?)-?%\}", text, re.S):
        tag, markup = match.group("tag"), match.group("markup").strip()
        if (tag == "post_url" and ((name and markup == name.group(1).strip()) or (date and date.group(1) in markup))
                or tag == "link" and document and markup == document.group(1).strip()):
            pattern = re.compile(r"\{%-?\s*" + tag + r"\s*" + re.escape(markup) + r"\s*-?%\}")
            new_text, count = pattern.subn(f"[{tag} removed by agreement check]", text)
            path.write_text(new_text, encoding="utf-8")
            return tag, markup, count
    return None


MUTATIONS = (
    ("typo", lambda p, d, s: f"{p}{d}-{s}x"),
    ("extension", lambda p, d, s: f"{p}{d}-{s}.md"),
    ("unpadded date", lambda p, d, s: f"{p}{'-'.join(str(int(x)) for x in d.split('-'))}-{s}"),
    ("wrong folder", lambda p, d, s: f"elsewhere/{d}-{s}"),
    ("quoted", lambda p, d, s: f'"{p}{d}-{s}"'),
    ("month 13", lambda p, d, s: f"{p}{d[:5]}13{d[7:]}-{s}"),
    ("leading slash", lambda p, d, s: f"/{p}{d}-{s}"),
    ("upper case", lambda p, d, s: f"{p}{d}-{s.upper()}"),
)


def mutate(source: Path, work: Path, count: int) -> Path:
    """A copy of `source` whose first `count` post_url tags are rewritten by MUTATIONS in turn."""
    copy = work / "mutated"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("_site", ".jekyll-cache", ".git"))
    done = 0
    for rel in rendered_files(Site(copy)):
        if done >= count:
            break
        path = copy / rel
        text = path.read_text(encoding="utf-8")

        def rewrite(match: re.Match) -> str:
            nonlocal done
            name = re.fullmatch(r"(.*/)?(\d{4}-\d{2}-\d{2})-(\S+)", match.group(2).strip())
            if done >= count or name is None:
                return match.group(0)
            _, change = MUTATIONS[done % len(MUTATIONS)]
            done += 1
            return match.group(1) + change(name.group(1) or "", name.group(2), name.group(3)) + match.group(3)

        text = re.sub(r"(\{%-?\s*post_url\s+)(.*?)(\s*-?%\})", rewrite, text, flags=re.S)
        path.write_text(re.sub(r"(\{%-?\s*link\s+)([^{}%]*?)(\s*-?%\})", rewrite_link, text, flags=re.S), encoding="utf-8")
    return copy


LINK_MUTATIONS = (
    ("no extension", lambda path: posixpath.splitext(path)[0]),
    ("leading slash", lambda path: "/" + path),
    ("typo", lambda path: "x".join(posixpath.splitext(path))),
    ("unchanged", lambda path: path),
)
_link_count = 0


def rewrite_link(match: re.Match) -> str:
    global _link_count
    _, change = LINK_MUTATIONS[_link_count % len(LINK_MUTATIONS)]
    _link_count += 1
    return match.group(1) + change(match.group(2).strip()) + match.group(3)


def unindexed_urls(site: Site, built: Path) -> list[str]:
    """Addresses Jekyll wrote that postlint's URL index lacks: each would be a relative-url-target false positive."""
    missing = []
    for folder, _, names in os.walk(built):
        for name in names:
            url = "/" + os.path.relpath(os.path.join(folder, name), built).replace(os.sep, "/")
            if url_key(url) not in site.url_index:
                missing.append(url)
    return sorted(missing)


def check(source: Path, keep: bool, mutations: int = 0) -> dict:
    if mutations:
        source = mutate(source, Path(tempfile.mkdtemp(prefix="agreement-mutated-")), mutations)
    site = Site(source)
    pl_errors, pl_deprecated, total = postlint_view(site)
    work = Path(tempfile.mkdtemp(prefix="agreement-"))
    copy = prepare_copy(source, work)
    jk_errors: Counter = Counter()
    unexplained: list[str] = []
    other_failures: list[str] = []
    builds = 0
    output = ""
    while True:
        builds += 1
        code, output = build(copy, work / "_site")
        if code == 0:
            break
        error = _ERROR.search(output)
        if error is None:
            unexplained.append(output.strip().splitlines()[-1] if output.strip() else f"exit {code}")
            break
        file = error.group("file")
        rel = os.path.relpath(file, copy).replace(os.sep, "/") if os.path.isabs(file) else file
        found = neutralize(copy, rel, error.group("msg"))
        if found is None:
            if rel in other_failures or not (copy / rel).is_file():
                unexplained.append(f"{rel}: {error.group('msg')[:200]}")
                break
            # Not a post_url or link failure (a filter on data the copy lacks, ...): drop every other
            # Liquid construct of that file, keep its post_url and link tags, and build again.
            other_failures.append(f"{rel}: {error.group('msg')[:120]}")
            text = (copy / rel).read_text(encoding="utf-8")
            (copy / rel).write_text(_LIQUID.sub(lambda m: "" if m.group("other") else m.group(0), text), encoding="utf-8")
            continue
        tag, markup, count = found
        jk_errors[(rel, tag, markup)] += count
        if builds > 500:
            unexplained.append("gave up after 500 builds")
            break
    unindexed = unindexed_urls(site, work / "_site") if not unexplained else []
    jk_deprecated = Counter(m.group("name").strip() for m in _DEPRECATED.finditer(output))
    pl_deprecated_names = Counter()
    for (_, _, markup), count in pl_deprecated.items():
        pl_deprecated_names[markup] += count
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
        if mutations:
            shutil.rmtree(source.parent, ignore_errors=True)
    return {
        "site": str(source), "tags": total, "builds": builds,
        "jekyll errors": jk_errors, "postlint errors": pl_errors,
        "only jekyll": sorted(set(jk_errors) - set(pl_errors)), "only postlint": sorted(set(pl_errors) - set(jk_errors)),
        "jekyll deprecated": jk_deprecated, "postlint deprecated": pl_deprecated_names,
        "unindexed": unindexed, "unexplained": unexplained, "other failures": other_failures, "work": str(work) if keep else "",
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the built copies")
    parser.add_argument("--mutate", type=int, default=0, metavar="N", help="rewrite the first N post_url tags first")
    args = parser.parse_args(argv)
    disagreements = 0
    for source in args.sites:
        report = check(source.resolve(), args.keep, args.mutate)
        print(f"== {report['site']}")
        tags = report["tags"]
        print(f"   tags in rendered files: post_url {tags['post_url']}, link {tags['link']}; jekyll builds: {report['builds']}")
        for tag in ("post_url", "link"):
            jekyll = sum(n for key, n in report["jekyll errors"].items() if key[1] == tag)
            postlint = sum(n for key, n in report["postlint errors"].items() if key[1] == tag)
            print(f"   failing {tag} tags: jekyll {jekyll}, postlint {postlint}")
        print(f"   deprecated-fallback warnings: jekyll {sum(report['jekyll deprecated'].values())} (per render), "
              f"postlint {sum(report['postlint deprecated'].values())} (per tag)")
        for label in ("only jekyll", "only postlint"):
            for rel, tag, markup in report[label]:
                print(f"   {label}: {rel}: {tag} {markup!r}")
        # Jekyll warns once per render, and renders a post's excerpt separately: a tag in the first
        # paragraph warns twice. Compare which names warn, not how often.
        only_jekyll = set(report["jekyll deprecated"]) - set(report["postlint deprecated"])
        only_postlint = set(report["postlint deprecated"]) - set(report["jekyll deprecated"])
        print(f"   deprecated-fallback names: jekyll {len(report['jekyll deprecated'])}, postlint {len(report['postlint deprecated'])}")
        for name in sorted(only_jekyll):
            print(f"   deprecated only in jekyll: {name}")
        for name in sorted(only_postlint):
            print(f"   deprecated only in postlint: {name}")
        print(f"   addresses jekyll wrote that postlint's URL index lacks: {len(report['unindexed'])}")
        for url in report["unindexed"][:20]:
            print(f"     {url}")
        for line in report["other failures"]:
            print(f"   not a link failure (file's other Liquid removed, build retried): {line}")
        for line in report["unexplained"]:
            print(f"   build failed for another reason: {line}")
        if report["work"]:
            print(f"   copy kept in {report['work']}")
        disagreements += len(report["only jekyll"]) + len(report["only postlint"]) + len(report["unexplained"])
        disagreements += len(only_jekyll) + len(only_postlint)
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
