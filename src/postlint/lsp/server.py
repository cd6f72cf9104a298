"""`postlint lsp`: a Language Server Protocol server over stdio (pygls).

An open document is linted from the editor's unsaved text, with the same rules, config and site
model as `postlint check`, and the site is read as the editor shows it: every open document of
the site from its text in the editor, every other file from the disk. Each site (by root folder)
keeps one `Site` while those texts and the files on disk stay as they are, so that linting again
after nothing changed builds no index. When a file changes on disk
(`workspace/didChangeWatchedFiles`, or a document saved) or an open document's text changes, is
opened or closed, the site is made anew and takes the old one's file memo and per-file facts: a
fact whose inputs are unchanged is reused, every other one is computed from the texts as they
are now, and the indexes are built again from the facts, as a warm `postlint check` of one post
builds them. An index the old site built from another text of a post (its title, its
definitions, whether it is published) is never served: linting with a long-lived site reports
what a new server given the same open documents reports (tests/test_lsp_sessions.py).
"""

from __future__ import annotations

import asyncio
import traceback
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from postlint import __version__
from postlint.config import Config, RuleSetting, resolve_rules
from postlint.engine.check import check_post, display_path
from postlint.errors import ConfigError
from postlint.finding import Finding
from postlint.jekyll.posts import resolve_post_url
from postlint.jekyll.site import SITE_MARKERS, Site, find_site_root
from postlint.lazy_patterns import lazy_compile
from postlint.parse.post import Post
from postlint.record import Record
from postlint.report.sarif import help_uri
from postlint.run import registry_for, resolve_given

DEBOUNCE_SECONDS = 0.2  # typing pauses this long before a changed document is linted again
SOURCE = "postlint"
WATCHER_ID = "postlint-watch-files"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_OFFENDING_TEXT = lazy_compile(r"\S+")
_LIQUID_OPENING = lazy_compile(r"\{[%{]")
# A `post_url` tag whose name is being typed, up to the cursor; and a whole tag on a line.
_POST_URL_TYPED = lazy_compile(r"\{%-?\s*post_url\s+(\S*)$")
_POST_URL_TAG = lazy_compile(r"\{%-?\s*post_url\s+(\S+)\s*-?%\}")


class SiteSession(Record):
    """One site's config, rules and site model while no file on disk and no open document's text
    changes."""
    __slots__ = ("root", "config", "settings", "site", "texts")

    root: Path
    config: Config
    settings: list[RuleSetting]
    site: Site
    # The editor's texts the site reads instead of the disk: path relative to the root -> text.
    # None until they are given, which happens before the site reads anything.
    texts: dict[str, str] | None

    def __init__(self, root: Path, config: Config, settings: list[RuleSetting], site: Site,
                 texts: dict[str, str] | None = None) -> None:
        self.root = root
        self.config = config
        self.settings = settings
        self.site = site
        self.texts = texts

    @property
    def rules_by_code(self) -> dict:
        return {setting.rule.code: setting.rule for setting in self.settings}


class Linted(Record):
    """A document's last lint: the text's post and its findings, for code actions."""
    __slots__ = ("post", "findings", "diagnostics")

    post: Post
    findings: list[Finding]
    diagnostics: list[types.Diagnostic]  # one per finding, in the same order

    def __init__(self, post: Post, findings: list[Finding], diagnostics: list[types.Diagnostic]) -> None:
        self.post = post
        self.findings = findings
        self.diagnostics = diagnostics


def new_session(root: Path, previous: SiteSession | None = None, reload_config: bool = True) -> SiteSession:
    """The session of the site at `root`; with `previous`, its memo, facts, word counts and kept
    indexes are remembered (and its config kept unless `reload_config`). Raises ConfigError."""
    if previous is None or reload_config:
        registry, config = registry_for(None, root)
        settings = resolve_rules(config, registry)
    else:
        config, settings = previous.config, previous.settings
    site = Site(root, config.max_file_size, config_folder=config.path.parent if config.path else None,
                languages=config.site.get("languages"))
    if previous is not None:
        indexes, answers = previous.site.export_indexes(), previous.site.export_answers()
        groups = {kept[0]: previous.site.group_inputs(kept[0])  # not the old site itself
                  for kept in [*indexes.values(), *answers.values()]}
        site.remember(previous.site.memo.export(), previous.site.export_facts(), previous.site.export_counts(),
                      indexes, groups.get, answers)
    return SiteSession(root, config, settings, site)


def offending_end(line_text: str, start: int) -> int:
    """Where the offending text that starts at `start` (0-based) of a line ends: a whole Liquid
    tag or output, else the run of non-blank characters; from a blank, the end of the line."""
    if _LIQUID_OPENING.match(line_text, start):
        close = line_text.find("%}" if line_text[start + 1] == "%" else "}}", start + 2)
        if close != -1:
            return close + 2
    found = _OFFENDING_TEXT.match(line_text, start)
    return found.end() if found else len(line_text.rstrip())


def finding_range(finding: Finding, post: Post) -> types.Range:
    """The finding's range in code points (the server's units; pygls converts for the client)."""
    line_text = post.source.line_text(finding.line)
    start = min(finding.column - 1, len(line_text))
    end = max(start, offending_end(line_text, start))
    return types.Range(types.Position(finding.line - 1, start), types.Position(finding.line - 1, end))


def offset_position(post: Post, offset: int) -> types.Position:
    line, column = post.source.position(offset)
    return types.Position(line - 1, column - 1)


class PostlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("postlint", __version__)
        self.sessions: dict[Path, SiteSession] = {}
        self.linted: dict[str, Linted] = {}
        self.pending: dict[str, asyncio.Task] = {}

    # --- sites ----------------------------------------------------------------------------------

    def session_for(self, path: Path) -> SiteSession:
        """The session of the site holding `path`, reading the open documents' texts as they are
        now (a new site when the one it had read other texts)."""
        root = find_site_root(path)
        session = self.sessions.get(root)
        texts = self.editor_texts(root)
        if session is not None and session.texts is not None and session.texts != texts:
            session = new_session(root, session, reload_config=False)
        if session is None:
            session = new_session(root)
        if session.texts is None:
            for rel, text in texts.items():
                session.site.with_text(rel, text)
            session.texts = texts
        self.sessions[root] = session
        return session

    def editor_texts(self, root: Path) -> dict[str, str]:
        """The text in the editor of each open document of the site at `root`, by its path
        relative to the root."""
        texts = {}
        for uri, document in list(self.workspace.text_documents.items()):
            fs_path = to_fs_path(uri)
            if fs_path is None or not uri.startswith("file:"):
                continue
            path = resolve_given(Path(fs_path))
            if root in path.parents and find_site_root(path) == root:
                texts[display_path(path, root)] = document.source
        return texts

    def files_changed(self, paths: list[Path]) -> None:
        """Files changed on disk: the sites holding them start anew from what they knew. A site
        marker or config changing may move roots or rules: every site then reloads its config."""
        markers = any(path.name in SITE_MARKERS for path in paths)
        if markers:
            self.sessions.clear()
            return
        for root, session in list(self.sessions.items()):
            touched = [path for path in paths if path == root or root in path.parents]
            if not touched:
                continue
            rule_dirs = [Path(folder).resolve() for folder in session.config.yaml_rule_dirs]
            reload_config = any(folder in path.parents for path in touched for folder in rule_dirs)
            try:
                self.sessions[root] = new_session(root, session, reload_config)
            except Exception as exc:  # a config that no longer loads: said once, retried on the next lint
                del self.sessions[root]
                self.log(types.MessageType.Error, f"postlint: {root}: {exc}")

    # --- linting ---------------------------------------------------------------------------------

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def lint(self, uri: str) -> None:
        """Lint the open document at `uri` from its text in the editor and publish the findings;
        a crash is logged and publishes none."""
        document = self.workspace.get_text_document(uri)
        try:
            diagnostics = self.diagnose(document)
        except ConfigError as exc:  # the user's config: its message says what to fix
            self.linted.pop(uri, None)
            self.log(types.MessageType.Error, f"postlint: cannot lint {uri}: {exc}")
            diagnostics = []
        except Exception:
            self.linted.pop(uri, None)
            self.log(types.MessageType.Error, f"postlint crashed on {uri}:\n{traceback.format_exc()}")
            diagnostics = []
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version))

    def diagnose(self, document: TextDocument) -> list[types.Diagnostic]:
        fs_path = to_fs_path(document.uri)
        if fs_path is None or not document.uri.startswith("file:"):
            return []  # an untitled buffer: no file, no site
        path = resolve_given(Path(fs_path))
        session = self.session_for(path)
        rel = display_path(path, session.site.root)
        if session.config.is_excluded(rel):
            self.linted.pop(document.uri, None)
            return []
        post = session.site.post(rel)  # the document's text (session_for gave it to the site)
        post.display = rel
        findings = check_post(post, session.settings, session.site, session.config)
        rules = session.rules_by_code
        diagnostics = [self.diagnostic(finding, post, document, rules.get(finding.code)) for finding in findings]
        self.linted[document.uri] = Linted(post, findings, diagnostics)
        return diagnostics

    def diagnostic(self, finding: Finding, post: Post, document: TextDocument, rule) -> types.Diagnostic:
        href = help_uri(rule) if rule is not None else None
        return types.Diagnostic(
            range=self.client_range(document, finding_range(finding, post)),
            message=f"{finding.message} ({finding.rule})",
            severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Error),
            code=finding.code,
            code_description=types.CodeDescription(href=href) if href else None,
            source=SOURCE,
        )

    @staticmethod
    def client_range(document: TextDocument, server_range: types.Range) -> types.Range:
        return document.position_codec.range_to_client_units(document.lines, server_range)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay` seconds, replacing a lint already waiting for it (debounce)."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()

        async def later() -> None:
            await asyncio.sleep(delay)
            self.pending.pop(uri, None)
            if uri in self.workspace.text_documents:
                self.lint(uri)

        self.pending[uri] = asyncio.ensure_future(later())

    def relint_open_documents(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    # --- post_url names: completion and hover ----------------------------------------------------

    def _site_of(self, uri: str) -> tuple[SiteSession, bool] | None:
        """The session of the site holding `uri` and whether its build includes future posts."""
        fs_path = to_fs_path(uri)
        if fs_path is None or not uri.startswith("file:"):
            return None
        session = self.session_for(resolve_given(Path(fs_path)))
        return session, session.site.future(session.config.site.get("future"))

    def post_url_completions(self, uri: str, position: types.Position) -> list[types.CompletionItem]:
        """The names `{% post_url %}` accepts (the posts a normal build publishes), when the
        cursor is where a tag's name is typed; each with its title and address."""
        document = self.workspace.get_text_document(uri)
        line = document.lines[position.line] if position.line < len(document.lines) else ""
        typed = _POST_URL_TYPED.search(line[:document.position_codec.position_from_client_units(
            document.lines, position).character])
        found = self._site_of(uri)
        if typed is None or found is None:
            return []
        session, future = found
        site = session.site
        return [types.CompletionItem(label=entry.name, kind=types.CompletionItemKind.Reference,
                                     detail=str(site.front_matter(entry.rel).data.get("title") or entry.rel),
                                     documentation=site.published_url(entry.rel))
                for entry in site.published_posts(future) if entry.name.startswith(typed.group(1))]

    def post_url_hover(self, uri: str, position: types.Position) -> types.Hover | None:
        """The title and address of the post a `{% post_url %}` tag under the cursor links to
        (or why it links to none)."""
        document = self.workspace.get_text_document(uri)
        if position.line >= len(document.lines):
            return None
        line = document.lines[position.line]
        column = document.position_codec.position_from_client_units(document.lines, position).character
        tag = next((match for match in _POST_URL_TAG.finditer(line) if match.start() <= column < match.end()), None)
        found = self._site_of(uri)
        if tag is None or found is None:
            return None
        session, future = found
        resolved = resolve_post_url(tag.group(1), session.site, future)
        if resolved.entry is None:
            text = f"`{tag.group(1)}`: no post a normal build publishes has this name"
        else:
            entry = resolved.entry
            title = session.site.front_matter(entry.rel).data.get("title") or entry.name
            text = f"**{title}**  \n{session.site.published_url(entry.rel)}  \n`{entry.rel}`"
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))

    # --- code actions ----------------------------------------------------------------------------

    def code_actions(self, uri: str, wanted: types.Range) -> list[types.CodeAction]:
        linted = self.linted.get(uri)
        if linted is None:
            return []
        document = self.workspace.get_text_document(uri)
        body_line = linted.post.source.position(linted.post.body_offset)[0]
        actions = []
        for finding, diagnostic in zip(linted.findings, linted.diagnostics):
            if not wanted.start.line <= finding.line - 1 <= wanted.end.line or finding.internal:
                continue
            if finding.fix is not None:
                edits = [types.TextEdit(self.client_range(document, types.Range(
                    offset_position(linted.post, edit.start), offset_position(linted.post, edit.end))),
                    edit.replacement) for edit in finding.fix.edits]
                actions.append(types.CodeAction(
                    title=f"postlint: {finding.fix.description}", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic], is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: edits})))
            # A comment in front matter would be YAML, not a directive: there the file-wide
            # `postlint: {ignore: [...]}` key is the way, which the writer chooses knowingly.
            if finding.line >= body_line:
                line_text = linted.post.source.line_text(finding.line)
                end = self.client_range(document, types.Range(types.Position(finding.line - 1, len(line_text)),
                                                              types.Position(finding.line - 1, len(line_text))))
                actions.append(types.CodeAction(
                    title=f"postlint: disable {finding.code} ({finding.rule}) on this line",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                    edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(
                        end, f" <!-- postlint-disable-line {finding.code} -->")]})))
        return actions


def make_server() -> PostlintServer:
    server = PostlintServer()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: PostlintServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if not (watched and watched.dynamic_registration):
            return  # the client watches nothing for us: saves still refresh the sites
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id=WATCHER_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern="**/*")]))]))
        except Exception as exc:  # the client refused: saves still refresh the sites
            ls.log(types.MessageType.Warning, f"postlint: could not watch the workspace's files: {exc}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PostlintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PostlintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PostlintServer, params: types.DidSaveTextDocumentParams) -> None:
        fs_path = to_fs_path(params.text_document.uri)
        if fs_path is not None:
            ls.files_changed([resolve_given(Path(fs_path))])
        ls.relint_open_documents()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PostlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        waiting = ls.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: PostlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [resolve_given(Path(fs_path)) for change in params.changes
                 if (fs_path := to_fs_path(change.uri)) is not None]
        ls.files_changed(paths)
        ls.relint_open_documents()

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[" "]))
    def completion(ls: PostlintServer, params: types.CompletionParams) -> types.CompletionList:
        try:
            items = ls.post_url_completions(params.text_document.uri, params.position)
        except Exception:  # never a dead server: no completion this time
            ls.log(types.MessageType.Error, f"postlint: completion failed:\n{traceback.format_exc()}")
            items = []
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PostlintServer, params: types.HoverParams) -> types.Hover | None:
        try:
            return ls.post_url_hover(params.text_document.uri, params.position)
        except Exception:
            ls.log(types.MessageType.Error, f"postlint: hover failed:\n{traceback.format_exc()}")
            return None

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: PostlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params.text_document.uri, params.range)

    return server


def main() -> None:
    make_server().start_io()
