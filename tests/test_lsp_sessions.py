"""The language server's long-lived site equals a new one: after any sequence of documents opened,
edited in the editor and closed, linting a document with the server's site reports what a new
server given the same open documents reports. The server runs in this process, its workspace
holding the documents the test opens (test_lsp.py speaks to the real server over LSP)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from helpers import DEMO_SITE, copy_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.workspace import Workspace
from test_warm_equals_cold import COACHING, GUIDE, ONBOARDING, RAMP

from postlint.lsp.server import PostlintServer

DOCUMENTS = [RAMP, ONBOARDING, GUIDE, COACHING]

# Edits in the editor that change what the site says about the post, and so other posts' checks.
EDITS: dict[str, Callable[[str], str]] = {
    "title of another post": lambda text: text.replace('title: "', 'title: "An image checklist for every blog post"\n'
                                                                   'working_title: "', 1),
    "date in the future": lambda text: text.replace("\ndate: 2024-", "\ndate: 2099-", 1),
    "unpublished": lambda text: text.replace("\n---\n", "\npublished: false\n---\n", 1),
    "permalink": lambda text: text.replace("permalink: /blog/:slug", "permalink: /blog/notes-:slug", 1),
    "slug": lambda text: text.replace("\n---\n", "\nslug: notes\n---\n", 1),
    "definition": lambda text: text + "\n* **Ramp time**: the weeks a new hire needs before reaching a full "
                                      "quarterly quota for the first time.\n",
    "link": lambda text: text + "\nSee {% post_url 2024-01-15-ramp-time-benchmark %}.\n",
}


class InProcessServer(PostlintServer):
    """The server with a workspace of the test's documents instead of a client's."""

    def __init__(self, documents: dict[Path, str]) -> None:
        super().__init__()
        self.documents = Workspace(None)
        self.show(documents)

    @property
    def workspace(self) -> Workspace:
        return self.documents

    def show(self, documents: dict[Path, str]) -> None:
        """The editor's open documents are now these, with these texts."""
        self.documents = Workspace(None)
        for path, text in documents.items():
            self.documents.put_text_document(types.TextDocumentItem(
                uri=path.as_uri(), language_id="markdown", version=1, text=text))

    def findings(self, path: Path) -> list[tuple]:
        self.diagnose(self.workspace.get_text_document(path.as_uri()))
        return [(f.line, f.column, f.code, f.message) for f in self.linted[path.as_uri()].findings]


def test_a_title_edited_in_the_editor_after_the_site_built_its_indexes(tmp_path: Path) -> None:
    site = copy_site(DEMO_SITE, tmp_path / "site").resolve()
    ramp, coaching = site / RAMP, site / COACHING
    documents = {ramp: ramp.read_text(), coaching: coaching.read_text()}
    server = InProcessServer(documents)
    server.findings(ramp)  # builds the site's index of titles, with the coaching post's title on disk
    documents[coaching] = EDITS["title of another post"](documents[coaching])
    server.show(documents)
    duplicate = [f for f in server.findings(coaching) if f[2] == "SEO006"]
    assert duplicate and "2024-05-13-image-checklist-for-posts.md" in duplicate[0][3]
    assert server.findings(coaching) == InProcessServer(documents).findings(coaching)


STEPS = st.lists(st.tuples(st.sampled_from(["open", "edit", "edit", "close"]), st.sampled_from(DOCUMENTS),
                           st.sampled_from(sorted(EDITS))), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_long_lived_site_reports_what_a_new_server_reports(tmp_path: Path, steps) -> None:
    """After each step the document acted on is linted (or, once it is closed, another)."""
    site = tmp_path / "site"
    if not site.exists():
        copy_site(DEMO_SITE, site)
    site = site.resolve()
    documents: dict[Path, str] = {}
    server = InProcessServer(documents)
    for action, rel, edit in steps:
        path = site / rel
        if action == "open":
            documents.setdefault(path, path.read_text())
        elif action == "edit":  # opened first when it is not
            documents[path] = EDITS[edit](documents.get(path, path.read_text()))
        else:
            documents.pop(path, None)
        linted = path if path in documents else next(iter(documents), None)
        if linted is None:
            continue
        server.show(documents)
        assert server.findings(linted) == InProcessServer(documents).findings(linted), (action, rel, edit)
