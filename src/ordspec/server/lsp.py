"""`ordspec server`: the Language Server Protocol over stdio, on pygls.

Checks run off the event loop, one at a time in a worker thread, after a pause in typing; a check
whose document changed meanwhile is thrown away. Hovers, completion and formatting run in a
second thread, so that they never wait behind a slow check. Any error in a handler is logged to
the client and the server goes on.
"""

from __future__ import annotations

import asyncio
import functools
import traceback
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from ordspec import __version__
from ordspec.server import checks, completion, fixes, hover
from ordspec.server.positions import Text

DEBOUNCE = 0.25  # seconds of quiet typing before a check
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning, "info": lsp.DiagnosticSeverity.Information}
ITEM_KIND = {completion.KEYWORD: lsp.CompletionItemKind.Keyword, completion.VALUE: lsp.CompletionItemKind.EnumMember,
             completion.SYMBOL: lsp.CompletionItemKind.Constant, completion.RULE: lsp.CompletionItemKind.Reference}


class Server(LanguageServer):
    def __init__(self):
        # Full sync: pygls splits lines as str.splitlines does (at U+2028, NEL, form feed...), which
        # would misplace incremental edits in exactly the files `hidden-text` is about.
        super().__init__("ordspec", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="ordspec-check")  # checks, one at a time
        self.quick = ThreadPoolExecutor(1, thread_name_prefix="ordspec-quick")  # the rest: never queued behind a slow check
        self.ready: asyncio.Future | None = None  # the checker's tables loaded (the rule registry is not thread-safe to fill)
        self.pending: dict[str, asyncio.Task] = {}
        self.results: dict[str, tuple] = {}  # uri -> (version, text, Checked)

    # -- documents

    def document(self, uri: str):
        """(name, path, text, version) of an open document."""
        doc = self.workspace.get_text_document(uri)
        path = doc.path if uri.startswith("file:") else None
        name = path or uri
        if doc.language_id == "yaml" and not checks.is_yaml(name):
            name += ".yaml"
        return name, path, doc.source, doc.version

    def text(self, text: str) -> Text:
        encoding = self.workspace.position_encoding  # what initialize agreed: UTF-16 unless the client offered another
        return Text(text, getattr(encoding, "value", encoding) or "utf-16")

    async def off_loop(self, fn, *args, quick: bool = False):
        loop = asyncio.get_running_loop()
        if self.ready is None:
            self.ready = loop.run_in_executor(self.worker, checks.warm)
        await asyncio.shield(self.ready)
        return await loop.run_in_executor(self.quick if quick else self.worker, fn, *args)

    def schedule(self, uri: str, delay: float) -> None:
        """Check a document after `delay`, replacing any check still waiting for it."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.ensure_future(self._check(uri, delay))

    async def _check(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await self.checked(uri)
        except asyncio.CancelledError:
            pass
        except Exception:
            self.log_error("checking " + uri)

    async def checked(self, uri: str):
        """The check of the document's current text: the last one if it is current, else a new one."""
        name, path, text, version = self.document(uri)
        last = self.results.get(uri)
        if last is not None and last[0] == version and last[1] == text:
            return last[2]
        result = await self.off_loop(checks.check, path, name, text)
        _, _, now, now_version = self.document(uri)
        if now_version == version and now == text:  # still current: publish it
            self.results[uri] = (version, text, result)
            self.publish(uri, version, text, result)
        return result

    def publish(self, uri: str, version, text: str, result) -> None:
        positions = self.text(text)
        out = [self.diagnostic(d, positions, result.yaml) for d in result.diagnostics]
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=out, version=version))

    def diagnostic(self, d, positions: Text, yaml: bool) -> lsp.Diagnostic:
        start, end = positions.range(d.line, d.column, d.end_line, d.end_column)
        found = fixes.for_diagnostic(d, positions.line(d.line), yaml) if d.code else []
        data = {"fixes": [self.fix_data(f, positions) for f in found]} if found else None
        return lsp.Diagnostic(
            range=_range(start, end),
            message=d.message + (f"\nhelp: {d.help}" if d.help else ""),
            severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
            code=d.code,
            code_description=lsp.CodeDescription(href=link) if d.name and (link := checks.docs_link(d.name)) else None,
            source="ordspec",
            data=data,
        )

    def fix_data(self, fix, positions: Text) -> dict:
        edits = []
        crlf = "\r\n" in positions.text
        for line, column, end_line, end_column, new in fix.edits:
            new = new.replace("\n", "\r\n") if crlf else new  # a new line ends as the file's lines do
            a, b = positions.offset(line, column), positions.offset(end_line, end_column)
            edits.append({"range": [*positions.position(a), *positions.position(b)], "old": positions.text[a:b], "new": new})
        return {"title": fix.title, "preferred": fix.preferred, "edits": edits}

    def log_error(self, what: str) -> None:
        """An internal error: to the client's log, with its traceback; the server keeps serving."""
        self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"ordspec: internal error {what}:\n{traceback.format_exc()}"))


def _range(start, end) -> lsp.Range:
    return lsp.Range(start=lsp.Position(*start), end=lsp.Position(*end))


server = Server()


def guarded(what: str):
    """Run a handler; on an internal error, log it to the client and answer nothing."""

    def wrap(handler):
        @functools.wraps(handler)
        async def run(ls: Server, params):
            try:
                return await handler(ls, params)
            except Exception:
                ls.log_error(what)
                return None

        return run

    return wrap


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
@guarded("opening a document")
async def did_open(ls: Server, params: lsp.DidOpenTextDocumentParams):
    ls.schedule(params.text_document.uri, 0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
@guarded("after a change")
async def did_change(ls: Server, params: lsp.DidChangeTextDocumentParams):
    ls.schedule(params.text_document.uri, DEBOUNCE)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
@guarded("after a save")
async def did_save(ls: Server, params: lsp.DidSaveTextDocumentParams):
    ls.schedule(params.text_document.uri, 0)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
@guarded("closing a document")
async def did_close(ls: Server, params: lsp.DidCloseTextDocumentParams):
    uri = params.text_document.uri
    waiting = ls.pending.pop(uri, None)
    if waiting is not None:
        waiting.cancel()
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded("after files changed")
async def did_change_files(ls: Server, params: lsp.DidChangeWatchedFilesParams):
    """A configuration or instrument master changed: check every open document again."""
    for uri in list(ls.results):
        ls.results.pop(uri, None)
        ls.schedule(uri, 0)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
@guarded("in hover")
async def on_hover(ls: Server, params: lsp.HoverParams):
    uri = params.text_document.uri
    result = await ls.checked(uri)
    _, _, text, _ = ls.document(uri)
    positions = ls.text(text)
    line, column = positions.cursor(params.position.line, params.position.character)
    source_line = positions.line(line)
    parts = await ls.off_loop(_hover_parts, result, source_line, line, column, quick=True)
    if not parts:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


def _hover_parts(result, source_line: str, line: int, column: int) -> list[str]:
    here = hover.suppression_at(source_line, column, result.yaml)
    parts = [here] if here else []
    if not here:
        found = hover.symbol_at(result, line, column) or hover.keyword_at(source_line, column, result.yaml)
        parts += [found] if found else []
    return parts + hover.diagnostics_at(result, line, column)


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" ", "[", ","]))
@guarded("in completion")
async def on_completion(ls: Server, params: lsp.CompletionParams):
    uri = params.text_document.uri
    name, _, text, _ = ls.document(uri)
    if checks.is_yaml(name):
        return None  # YAML completes from the JSON Schema in schemas/ (a YAML extension reads it)
    last = ls.results.get(uri)
    positions = ls.text(text)
    offset = positions.at(params.position.line, params.position.character)
    line, column = positions.ordspec(offset)
    source_line = positions.line(line)
    start, items = await ls.off_loop(completion.complete, source_line, column - 1, last[2] if last else None, quick=True)
    a = positions.position(positions.offset(line, start + 1))
    edit_range = _range(a, positions.position(offset))
    out = [
        lsp.CompletionItem(
            label=item.label,
            kind=ITEM_KIND[item.kind],
            detail=item.detail,
            documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=item.documentation) if item.documentation else None,
            text_edit=lsp.TextEdit(range=edit_range, new_text=item.label),
            sort_text=f"{i:04d}",
        )
        for i, item in enumerate(items)
    ]
    return lsp.CompletionList(is_incomplete=len(out) >= completion.MAX_SYMBOLS, items=out)


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
@guarded("in formatting")
async def on_formatting(ls: Server, params: lsp.DocumentFormattingParams):
    name, _, text, _ = ls.document(params.text_document.uri)
    new = await ls.off_loop(checks.formatted, name, text, quick=True)
    if new is None or new == text:
        return []
    end = ls.text(text).end()
    return [lsp.TextEdit(range=_range((0, 0), end), new_text=new)]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
@guarded("in code actions")
async def on_code_action(ls: Server, params: lsp.CodeActionParams):
    uri = params.text_document.uri
    _, _, text, _ = ls.document(uri)
    positions = ls.text(text)
    actions, titles = [], set()
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        for fix in data.get("fixes") or []:
            edits = []
            for edit in fix["edits"]:
                sl, sc, el, ec = edit["range"]
                a, b = positions.at(sl, sc), positions.at(el, ec)
                if text[a:b] != edit["old"]:
                    break  # the text moved on since the check: this fix no longer applies
                edits.append(lsp.TextEdit(range=_range((sl, sc), (el, ec)), new_text=edit["new"]))
            else:
                if fix["title"] in titles:
                    continue
                titles.add(fix["title"])
                actions.append(
                    lsp.CodeAction(
                        title=fix["title"],
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        is_preferred=fix["preferred"],
                        edit=lsp.WorkspaceEdit(changes={uri: edits}),
                    )
                )
    return actions


def start() -> int:
    server.start_io()
    return 0
