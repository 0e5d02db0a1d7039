"""The language server driven by a real LSP client (pygls), over stdio, as an editor would.

Run by scripts/test.d/80-lsp-clients.sh; KUBEHARDEN is the `kubeharden` binary to start
(`kubeharden server`). A workspace folder with a Pod and, in another file, the NetworkPolicy
that covers it (tests/clients/workspace): the Pod's diagnostics must come from the whole workspace (the index), a change
must update them, hover must show a rule's docs, and the suppression code action must silence
the finding it is offered for.
"""

import asyncio
import os
import pathlib
import shutil

import pytest
from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

# The workspace both clients open (copied to a temporary directory): pod.yaml, and the
# NetworkPolicy that covers its pod in policies/all.yaml.
WORKSPACE = pathlib.Path(__file__).parent / "workspace"
POD = (WORKSPACE / "pod.yaml").read_text()

TIMEOUT = 10


def codes(diagnostics):
    return sorted({d.code for d in diagnostics if d.code})


class Client:
    """A pygls client that keeps the last diagnostics per document and lets a test wait for a
    version of them."""

    def __init__(self):
        self.lsp = LanguageClient("kubeharden-test", "1")
        self.published = {}
        self.event = asyncio.Event()

        @self.lsp.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: t.PublishDiagnosticsParams):
            self.published[params.uri] = params
            self.event.set()

    async def wait(self, uri, check):
        async def loop():
            while True:
                p = self.published.get(uri)
                if p is not None and check(p):
                    return p
                self.event.clear()
                await self.event.wait()

        try:
            return await asyncio.wait_for(loop(), TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"no such diagnostics for {uri}: last {self.published.get(uri)}") from None


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "w"
    shutil.copytree(WORKSPACE, root)
    return root


def test_diagnostics_index_change_hover_and_suppression(workspace: pathlib.Path):
    asyncio.run(session(workspace))


async def session(root: pathlib.Path):
    c = Client()
    await c.lsp.start_io(os.environ.get("KUBEHARDEN", "kubeharden"), "server")
    try:
        await scenario(c, root)
    finally:
        await asyncio.wait_for(c.lsp.shutdown_async(None), TIMEOUT)
        c.lsp.exit(None)
        await c.lsp.stop()


async def scenario(c: Client, root: pathlib.Path):
    result = await asyncio.wait_for(
        c.lsp.initialize_async(
            t.InitializeParams(
                capabilities=t.ClientCapabilities(),
                workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name="w")],
            )
        ),
        TIMEOUT,
    )
    sync = result.capabilities.text_document_sync
    assert sync.change == t.TextDocumentSyncKind.Incremental
    c.lsp.initialized(t.InitializedParams())
    uri = (root / "pod.yaml").as_uri()
    c.lsp.text_document_did_open(
        t.DidOpenTextDocumentParams(t.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=POD))
    )
    # Once the index is in, the default-deny NetworkPolicy of policies/all.yaml covers the
    # namespace: no NET001 (before it, the document alone has one).
    p = await c.wait(uri, lambda p: "POD001" in codes(p.diagnostics) and "NET001" not in codes(p.diagnostics))
    privileged = next(d for d in p.diagnostics if d.code == "POD001")
    assert privileged.severity == t.DiagnosticSeverity.Error
    assert privileged.range == t.Range(t.Position(10, 8), t.Position(10, 18))
    assert privileged.code_description.href.endswith("docs/rules.md#pod001")
    assert privileged.source == "kubeharden"

    # The core's fix of the finding as a quick fix (unsafe: `privileged: false` may stop what
    # needs it), edited at the field.
    actions = await asyncio.wait_for(
        c.lsp.text_document_code_action_async(
            t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri),
                range=t.Range(t.Position(10, 10), t.Position(10, 10)),
                context=t.CodeActionContext(diagnostics=[privileged]),
            )
        ),
        TIMEOUT,
    )
    fix = next(a for a in actions if "privileged: false" in a.title)
    assert fix.kind == t.CodeActionKind.QuickFix and fix.title.endswith("(unsafe fix: review it)")
    (fix_edit,) = fix.edit.changes[uri]
    assert fix_edit.new_text == "false" and fix_edit.range.start == t.Position(10, 20)

    # An incremental change: `privileged: false`.
    c.lsp.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                t.TextDocumentContentChangePartial(
                    range=t.Range(t.Position(10, 20), t.Position(10, 24)), text="false"
                )
            ],
        )
    )
    p = await c.wait(uri, lambda p: p.version == 2)
    assert "POD001" not in codes(p.diagnostics)
    # Back to true, with a syntax error typed in a second document: both are shown.
    c.lsp.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=POD + "---\nkind: [\n")],
        )
    )
    p = await c.wait(uri, lambda p: p.version == 3)
    assert "POD001" in codes(p.diagnostics)
    assert any(d.code is None and d.range.start.line >= 12 for d in p.diagnostics), p.diagnostics

    hover = await asyncio.wait_for(
        c.lsp.text_document_hover_async(
            t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(10, 10))
        ),
        TIMEOUT,
    )
    assert hover.contents.value.startswith("**POD001**")
    assert "## What it does" in hover.contents.value

    actions = await asyncio.wait_for(
        c.lsp.text_document_code_action_async(
            t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri),
                range=t.Range(t.Position(10, 10), t.Position(10, 10)),
                context=t.CodeActionContext(diagnostics=[privileged]),
            )
        ),
        TIMEOUT,
    )
    # No fix while the file does not parse (as `kubeharden fix`); the suppression still works.
    assert not any("privileged: false" in a.title for a in actions)
    suppress = next(a for a in actions if a.title.startswith("Suppress POD001"))
    assert suppress.kind == t.CodeActionKind.QuickFix
    (edit,) = suppress.edit.changes[uri]
    assert "annotations:\n    kubeharden.io/ignore.POD001.app: \"TODO" in edit.new_text
    c.lsp.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=4),
            content_changes=[t.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
        )
    )
    p = await c.wait(uri, lambda p: p.version == 4)
    assert "POD001" not in codes(p.diagnostics)
    assert codes(p.diagnostics), "the other findings stay"
