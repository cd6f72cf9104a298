"""`postlint lsp` end to end: the real server as a subprocess, spoken to over LSP (pytest-lsp)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import make_test_lsp_client

from postlint.lsp.server import offending_end

DEMO_SITE = Path(__file__).parent.parent / "fixtures" / "demo-site"
REFERRER = "_posts/2024-02-05-onboarding-checklist.md"
TARGET = "_posts/2024-01-15-ramp-time-benchmark.md"
RENAMED = "_posts/2024-01-15-ramp-time-study.md"
TIMEOUT = 60  # seconds: the machine is shared and slow


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(DEMO_SITE, root, ignore=shutil.ignore_patterns(".postlint_cache"))
    return root


async def next_diagnostics(client, uri: str, action) -> list[types.Diagnostic]:
    """Do `action`, then wait for the next diagnostics the server publishes for `uri`."""
    client.diagnostics.pop(uri, None)
    action()
    deadline = time.monotonic() + TIMEOUT
    while uri not in client.diagnostics:
        assert time.monotonic() < deadline, f"no diagnostics for {uri} within {TIMEOUT}s"
        await asyncio.sleep(0.02)
    return list(client.diagnostics[uri])


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """The text with the edits made (ASCII text: code units are characters)."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


class Editor:
    """One open document: sends its whole text on every change, as a simple client does."""

    def __init__(self, client, path: Path) -> None:
        self.client, self.uri, self.text, self.version = client, path.as_uri(), path.read_text(), 1

    def open(self) -> None:
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=self.uri, language_id="markdown", version=self.version, text=self.text)))

    def change(self, text: str) -> None:
        self.text, self.version = text, self.version + 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))

    async def actions(self, line: int) -> list[types.CodeAction]:
        whole_line = types.Range(types.Position(line, 0), types.Position(line, 0))
        return await self.client.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(self.uri), whole_line, types.CodeActionContext(diagnostics=[])))


@pytest.mark.asyncio
async def test_language_server_end_to_end(site: Path) -> None:
    client = make_test_lsp_client()
    registered = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(registration.method for registration in params.registrations)

    await client.start_io(sys.executable, "-m", "postlint", "lsp")
    try:
        capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)))
        await client.initialize_session(types.InitializeParams(
            capabilities=capabilities, workspace_folders=[types.WorkspaceFolder(site.as_uri(), "site")]))
        referrer = Editor(client, site / REFERRER)
        clean = referrer.text

        # Open, with a broken post_url in the text (not yet on disk): its diagnostic arrives.
        broken = clean + "\nOur {% post_url 2024-01-15-ramp-time-benchmarks %} has the numbers.\n"
        referrer.text = broken
        diagnostics = await next_diagnostics(client, referrer.uri, referrer.open)
        assert [(d.code, d.source, d.severity) for d in diagnostics] == [
            ("LNK001", "postlint", types.DiagnosticSeverity.Error)]
        line = broken.splitlines().index("Our {% post_url 2024-01-15-ramp-time-benchmarks %} has the numbers.")
        assert diagnostics[0].range == types.Range(types.Position(line, 16), types.Position(line, 47))
        assert "post-url-target" in diagnostics[0].message and "2024-01-15-ramp-time-benchmark`" in diagnostics[0].message
        assert types.WORKSPACE_DID_CHANGE_WATCHED_FILES in registered

        # Fixed in the editor: an empty list.
        fixed = broken.replace("benchmarks %}", "benchmark %}")
        assert await next_diagnostics(client, referrer.uri, lambda: referrer.change(fixed)) == []

        # The target renamed on disk: the open referrer's link is broken again.
        def rename() -> None:
            (site / TARGET).rename(site / RENAMED)
            client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
                types.FileEvent((site / TARGET).as_uri(), types.FileChangeType.Deleted),
                types.FileEvent((site / RENAMED).as_uri(),
                                types.FileChangeType.Created)]))

        diagnostics = await next_diagnostics(client, referrer.uri, rename)
        assert [d.code for d in diagnostics] == ["LNK001"]
        assert "no post is named '2024-01-15-ramp-time-benchmark'" in diagnostics[0].message

        # Code actions: "disable on this line", applied, silences it.
        actions = await referrer.actions(line)
        assert [a.title for a in actions] == ["postlint: disable LNK001 (post-url-target) on this line"]
        disabled = apply_edits(referrer.text, actions[0].edit.changes[referrer.uri])
        assert disabled.splitlines()[line].endswith("has the numbers. <!-- postlint-disable-line LNK001 -->")
        assert await next_diagnostics(client, referrer.uri, lambda: referrer.change(disabled)) == []

        # A fix postlint offers (post-url-deprecated), applied, leaves nothing to report.
        deprecated = clean + "\nThe {% post_url 2024-03-01-setup-guide %} walks through it.\n"
        diagnostics = await next_diagnostics(client, referrer.uri, lambda: referrer.change(deprecated))
        assert [d.code for d in diagnostics] == ["LNK004"]
        fix_line = diagnostics[0].range.start.line
        fixes = [a for a in await referrer.actions(fix_line) if "disable" not in a.title]
        assert len(fixes) == 1 and fixes[0].kind == types.CodeActionKind.QuickFix
        repaired = apply_edits(referrer.text, fixes[0].edit.changes[referrer.uri])
        assert "{% post_url guides/2024-03-01-setup-guide %}" in repaired
        assert await next_diagnostics(client, referrer.uri, lambda: referrer.change(repaired)) == []
        assert not [m for m in client.log_messages if m.type == types.MessageType.Error]

        # A file outside any site is linted on its own.
        loose = site.parent / "loose" / "2024-07-01-notes.md"
        loose.parent.mkdir()
        loose.write_text("---\ntitle: Notes\n---\nSee {% post_url 2024-01-15-nowhere %}.\n")
        diagnostics = await next_diagnostics(client, loose.as_uri(), Editor(client, loose).open)
        assert "LNK001" in [d.code for d in diagnostics]

        # A site whose config cannot load: the failure is logged, no diagnostics, the server lives on.
        broken_site = site.parent / "broken"
        (broken_site / "_posts").mkdir(parents=True)
        (broken_site / ".postlint.yaml").write_text("rules: [unclosed\n")
        post = broken_site / "_posts" / "2024-07-02-forecast.md"
        post.write_text("---\ntitle: Forecast\n---\nText.\n")
        assert await next_diagnostics(client, post.as_uri(), Editor(client, post).open) == []
        assert [m for m in client.log_messages if m.type == types.MessageType.Error and post.as_uri() in m.message]
        assert await next_diagnostics(client, referrer.uri, lambda: referrer.change(broken)) != []
    finally:
        await client.shutdown_session()
    assert client._server.returncode == 0  # shut down cleanly: exit after shutdown is code 0


@pytest.mark.parametrize(("line", "start", "end"), [
    ("See {% post_url 2024-01-15-x %} now", 4, 31),  # a whole Liquid tag
    ("See {% post_url 2024-01-15-x %} now", 16, 28),  # the tag's argument
    ("A [link](/nowhere) here", 2, 18),
    ("Trailing  ", 8, 8),  # from a blank: the end of the line's text, nothing past it
])
def test_a_diagnostic_spans_the_offending_text(line: str, start: int, end: int) -> None:
    assert offending_end(line, start) == end


@pytest.mark.asyncio
async def test_post_url_names_complete_and_hover(site: Path) -> None:
    """Typing a `{% post_url %}` name offers the names of the posts a build publishes (drafts
    and future posts are not names the tag accepts); hovering a tag shows its post's title and
    address."""
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "postlint", "lsp")
    try:
        await client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(), workspace_folders=[types.WorkspaceFolder(site.as_uri(), "site")]))
        editor = Editor(client, site / REFERRER)
        typing = editor.text + "\nOur {% post_url 2024-01"
        editor.text = typing
        editor.open()
        end = types.Position(len(typing.splitlines()) - 1, len(typing.splitlines()[-1]))
        completions = await client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(editor.uri), end))
        assert [item.label for item in completions.items] == ["2024-01-15-ramp-time-benchmark"]
        assert completions.items[0].detail == "How long should new reps take to ramp?"
        assert completions.items[0].documentation == "/blog/ramp-time-benchmark"
        outside = await client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(editor.uri), types.Position(0, 0)))
        assert not outside.items

        linked = editor.text + "-15-ramp-time-benchmark %} and {% post_url nowhere-at-all %}\n"
        editor.change(linked)
        line = len(linked.splitlines()) - 1
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(editor.uri), types.Position(line, 10)))
        assert "How long should new reps take to ramp?" in hover.contents.value and "/blog/ramp-time-benchmark" in hover.contents.value
        missing = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(editor.uri), types.Position(line, linked.splitlines()[-1].index("nowhere"))))
        assert "no post a normal build publishes" in missing.contents.value
        assert await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(editor.uri), types.Position(0, 0))) is None
    finally:
        await client.shutdown_session()
