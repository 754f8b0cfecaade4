"""The nixls language server: construction, lifecycle, settings and document sync.

Feature groups live in :mod:`nixls.features`; each module exposes
``register(server)`` which adds its handlers with ``server.feature``.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer

from evaluator.syntax.lexer import Token, lex
from nixls import __version__
from nixls.project_config import with_project_config
from nixls.protocol import NixProtocol
from nixls.publisher import DiagnosticsPublisher
from nixls.settings import SECTION, Settings, structure_settings
from nixls.tree import comment_spans
from nixls.workspace import OpenDocument, Workspace, uri_to_path

log = logging.getLogger(__name__)

FEATURE_MODULES = (
    "nixls.features.diagnostics",
    "nixls.features.hover",
    "nixls.features.evaluation",
    "nixls.features.navigation",
    "nixls.features.symbols",
    "nixls.features.completion",
    "nixls.features.semantic_tokens",
    "nixls.features.code_actions",
)

DocumentListener = Callable[[OpenDocument], None]
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
CONTENT_MODIFIED = -32801  # LSP ErrorCodes.ContentModified


def content_modified() -> JsonRpcException:
    """The error for a request overtaken by an edit of its document."""
    return JsonRpcException("the document changed", code=CONTENT_MODIFIED)


def guarded(f: F, name: str) -> F:
    """``f`` with unexpected exceptions logged and answered as a short internal error.

    pygls would send the Python traceback to the client; a user should see
    one line, and the traceback belongs in the server's log. Protocol
    errors (``JsonRpcException``) and cancellation pass through unchanged.
    """

    def fail(exc: Exception) -> JsonRpcInternalError:
        log.exception("%s failed", name)
        return JsonRpcInternalError(f"nixls: {name} failed: {type(exc).__name__}: {exc}")

    if inspect.iscoroutinefunction(f):

        @functools.wraps(f)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await f(*args, **kwargs)
            except (JsonRpcException, asyncio.CancelledError):
                raise
            except Exception as exc:
                raise fail(exc) from None

        return run_async  # type: ignore[return-value]

    @functools.wraps(f)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except JsonRpcException:
            raise
        except Exception as exc:
            raise fail(exc) from None

    return run  # type: ignore[return-value]


class NixServer(LanguageServer):
    """The server object handed to every feature handler."""

    def __init__(self) -> None:
        super().__init__(
            "nixls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=NixProtocol,
        )
        self.settings = Settings()
        self.files = Workspace()
        self.publisher = DiagnosticsPublisher(self)
        # The live evaluator (nixls.live.LiveEvaluator), set up by the evaluation feature.
        self.live: Any = None
        # Feature modules subscribe to document events here rather than each
        # registering didOpen/didChange (pygls allows one handler per method).
        self.on_open: list[DocumentListener] = []
        self.on_change: list[DocumentListener] = []
        self.on_save: list[DocumentListener] = []
        self.on_close: list[Callable[[str], None]] = []
        self.on_settings: list[Callable[[], None]] = []
        self.on_files_changed: list[Callable[[list[str]], None]] = []

    # ------------------------------------------------------------ registration

    def feature(self, feature_name: str, options: Any | None = None) -> Callable[[F], F]:
        """Like pygls's, with failures turned into clean errors (see :func:`guarded`)."""
        register = super().feature(feature_name, options)
        return lambda f: register(guarded(f, feature_name))  # type: ignore[return-value]

    def command(self, command_name: str) -> Callable[[F], F]:
        """Like pygls's, with failures turned into clean errors (see :func:`guarded`)."""
        register = super().command(command_name)
        return lambda f: register(guarded(f, command_name))  # type: ignore[return-value]

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Problems outside any request go to the client's log, not to pop-ups."""
        if source is FeatureRequestError:
            return
        self.log_message(f"nixls: {error}", types.MessageType.Error)

    # ------------------------------------------------------------ off the loop

    async def off_loop(self, doc: OpenDocument, fn: Callable[[], T]) -> T:
        """Run ``fn`` (reading ``doc``) on a thread, so the loop keeps answering.

        An edit during the run makes the result stale (the tree is updated
        in place): the request then fails with ContentModified, as the LSP
        asks, and the client asks again.
        """
        generation = doc.generation
        doc.analysis  # noqa: B018 - computed here, on the loop, not in the thread
        try:
            result = await asyncio.to_thread(fn)
        except Exception:
            if doc.generation != generation:
                raise content_modified() from None
            raise
        if doc.generation != generation or self.document(doc.uri) is not doc:
            raise content_modified()
        return result

    async def lexed(self, doc: OpenDocument) -> tuple[list[Token], list[tuple[int, int]]]:
        """The lexer's tokens and the comment spans of ``doc`` (cached per text)."""
        cache = doc.cache
        found = cache.get("lexed")
        if found is None:
            source = doc.source

            def work() -> tuple[list[Token], list[tuple[int, int]]]:
                tokens, _errors = lex(source)
                return tokens, comment_spans(source, tokens)

            found = cache["lexed"] = await self.off_loop(doc, work)
        return found  # type: ignore[no-any-return]

    # ------------------------------------------------------------ helpers

    def document(self, uri: str) -> OpenDocument | None:
        """The open document at ``uri`` (None if the client never opened it)."""
        return self.files.get(uri)

    def log_message(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """Send a message to the client's log (and ours)."""
        log.info("%s", message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def apply_settings(self, raw: Any) -> None:
        """Replace the settings from client JSON; bad entries are logged and ignored."""

        def warn(msg: str) -> None:
            self.log_message(f"nixls: {msg}", types.MessageType.Warning)

        self.settings = structure_settings(with_project_config(raw, self.files.roots, warn), warn)
        for listener in self.on_settings:
            listener()

    def notify(self, listeners: list[DocumentListener], doc: OpenDocument) -> None:
        """Call each listener, logging (not propagating) failures."""
        for listener in listeners:
            try:
                listener(doc)
            except Exception:
                log.exception("document listener failed for %s", doc.uri)


def _register_core(server: NixServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: NixServer, params: types.InitializeParams) -> None:
        ls.files.encoding = ls.workspace.position_encoding or "utf-16"
        roots = [f.uri for f in params.workspace_folders or []]
        if not roots and params.root_uri:
            roots = [params.root_uri]
        ls.files.roots = [p for p in (uri_to_path(u) for u in roots) if p]
        ls.apply_settings(params.initialization_options)  # None: defaults and nixls.toml

    @server.feature(types.INITIALIZED)
    async def initialized(ls: NixServer, params: types.InitializedParams) -> None:
        # Ask the client to watch Nix files (imports are cached until they change).
        caps = ls.client_capabilities.workspace
        watch = caps.did_change_watched_files if caps else None
        if watch is None or not watch.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern="**/*.nix")]
        )
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="nixls-watch-nix-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )
        except Exception as exc:
            ls.log_message(f"nixls: could not register file watching: {exc}")

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: NixServer, params: types.DidChangeConfigurationParams
    ) -> None:
        raw = params.settings
        if not raw:
            # Pull model: the client only told us something changed.
            try:
                items = await ls.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                )
            except Exception as exc:
                ls.log_message(f"nixls: could not fetch settings: {exc}")
                return
            raw = items[0] if items else None
        ls.apply_settings(raw)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def did_change_folders(ls: NixServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        roots = [r for r in ls.files.roots if r not in removed]
        roots += [p for p in (uri_to_path(f.uri) for f in params.event.added) if p]
        ls.files.roots = roots

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NixServer, params: types.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        doc = ls.files.open(td.uri, td.text, td.version)
        ls.notify(ls.on_open, doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NixServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.files.get(params.text_document.uri)
        if doc is None:
            ls.log_message(f"nixls: didChange for unopened {params.text_document.uri}")
            return
        doc.apply(list(params.content_changes), params.text_document.version)
        ls.notify(ls.on_change, doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: NixServer, params: types.DidSaveTextDocumentParams) -> None:
        doc = ls.files.get(params.text_document.uri)
        if doc is not None:
            ls.notify(ls.on_save, doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NixServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.files.close(uri)
        for listener in ls.on_close:
            listener(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: NixServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [p for p in (uri_to_path(c.uri) for c in params.changes) if p]
        for path in paths:
            ls.files.invalidate(path)
        for listener in ls.on_files_changed:
            listener(paths)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: NixServer, params: None) -> None:
        if ls.live is not None:
            ls.live.shutdown()


def build_server() -> NixServer:
    """A server with every feature registered."""
    server = NixServer()
    _register_core(server)
    for name in FEATURE_MODULES:
        module = importlib.import_module(name)
        module.register(server)
    return server


def running_loop() -> asyncio.AbstractEventLoop:
    """The server's event loop (handlers run on it)."""
    return asyncio.get_running_loop()
