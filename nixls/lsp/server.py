"""The nixls language server: construction, lifecycle, settings and document sync.

Feature groups live in :mod:`nixls.lsp.features`; each module exposes
``register(server)`` which adds its handlers with ``server.feature``.
Document and settings events are handled here, each as one explicit
sequence of calls: the host (text, analysis, cancelling evaluations of
the old text), then the diagnostics publisher, then the background
evaluations (:mod:`nixls.lsp.evaluations`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import inspect
import logging
import os
import socket
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import (
    FeatureRequestError,
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
)
from pygls.lsp.server import LanguageServer

from nixls import __version__
from nixls.ide.host import AnalysisHost, Overtaken, Snapshot
from nixls.ide.reads import Reader
from nixls.ide.uris import uri_to_path
from nixls.ide.workspace import OpenDocument
from nixls.lsp import transport
from nixls.lsp.commands import Commands
from nixls.lsp.convert import CONVERTER, protocol_converter
from nixls.lsp.evaluations import Evaluations
from nixls.lsp.features.options import OptionsFeature
from nixls.lsp.protocol import Malformed, NixProtocol
from nixls.lsp.publisher import DiagnosticsPublisher
from nixls.project_config import with_project_config
from nixls.settings import SECTION, Settings, structure_settings

log = logging.getLogger(__name__)

FEATURE_MODULES = (
    "nixls.lsp.features.hover",
    "nixls.lsp.features.evaluation",
    "nixls.lsp.features.navigation",
    "nixls.lsp.features.symbols",
    "nixls.lsp.features.completion",
    "nixls.lsp.features.semantic_tokens",
    "nixls.lsp.features.code_actions",
)

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
CONTENT_MODIFIED = -32801  # LSP ErrorCodes.ContentModified
# Files whose changes matter: Nix files (imports are cached) and lock files (flake checks).
WATCHED = ("**/*.nix", "**/flake.lock")
# Notifications handled on arrival, in order, without pygls's own copy of
# the text (nixls keeps the text in its incremental document).
DOCUMENT_SYNC = frozenset(
    {
        types.TEXT_DOCUMENT_DID_OPEN,
        types.TEXT_DOCUMENT_DID_CHANGE,
        types.TEXT_DOCUMENT_DID_CLOSE,
    }
)


def content_modified() -> JsonRpcException:
    """The error for a request overtaken by an edit of its document."""
    return JsonRpcException("the document changed", code=CONTENT_MODIFIED)


def guarded(f: F, name: str) -> F:
    """``f`` with unexpected exceptions logged and answered as a short internal error.

    pygls would send the Python traceback to the client; a user should see
    one line, and the traceback belongs in the server's log. Protocol
    errors (``JsonRpcException``) and cancellation pass through unchanged;
    an answer an edit overtook (``Overtaken``) is ContentModified.
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
            except Overtaken:  # an edit stopped an evaluation the answer needed
                raise content_modified() from None
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
            converter_factory=protocol_converter,
        )
        # Documents, settings and the live evaluator.
        self.host = AnalysisHost()
        self.files = self.host.files
        self.publisher = DiagnosticsPublisher(self)
        self.evaluations = Evaluations(self)
        self.commands = Commands(self)
        self.options = OptionsFeature(self)
        self.writer: transport.Writer | None = None  # set while serving
        self.shut_down = False  # `shutdown` was received
        # Messages received but not handled yet (stdio): a storm of edits
        # waits there while the server analyses.
        self.inbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.exit_code: int | None = None  # set by `exit`

    # ------------------------------------------------------------ lifecycle

    def start_io(self, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
        """Serve LSP on stdin/stdout until ``exit`` or the end of input.

        Exits the process with 0 after ``shutdown`` + ``exit``, else 1 (as
        the LSP asks). Background work never delays the exit: evaluations
        run on daemon threads and are cancelled first.
        """
        writer = self.writer = transport.Writer(stdout or sys.stdout.buffer)
        self.protocol.set_writer(writer)
        try:
            asyncio.run(
                transport.serve(
                    stdin or transport.own_stdin(),
                    writer,
                    self.dispatch,
                    lambda: self.exit_code is not None,
                    self.inbox,
                )
            )
        except KeyboardInterrupt:
            pass
        finally:
            self.stop_background()
            writer.close()
        code = self.exit_code if self.exit_code is not None else (0 if self.shut_down else 1)
        if code:
            sys.exit(code)

    def start_tcp(self, host: str, port: int) -> None:
        """Serve one client on a TCP socket, exactly as over stdio."""
        try:
            listener = socket.create_server((host, port))
        except OSError as exc:
            log.error("nixls: cannot listen on %s:%s: %s", host, port, exc)
            sys.exit(1)
        with listener:
            conn, _address = listener.accept()
        with conn:
            self.start_io(conn.makefile("rb"), conn.makefile("wb"))

    def dispatch(self, data: Any) -> None:
        """Handle one decoded JSON-RPC message."""
        method = data.get("method")
        if "id" not in data and method == types.EXIT:
            self.exit_code = 0 if self.shut_down else 1
            self.stop_background()
            return
        message = self.protocol.structure_message(data)
        if isinstance(message, Malformed):
            error = JsonRpcInvalidParams(f"invalid params for {message.method}: {message.reason}")
            self.respond(message.id, error=error.to_response_error())
            return
        if "id" not in data and method in DOCUMENT_SYNC:
            handler = self.protocol.fm.features.get(method)
            if handler is not None and not self.shut_down:
                handler(message.params)
            return
        if "id" in data and method == types.WORKSPACE_EXECUTE_COMMAND:
            if not self.shut_down:
                self.commands.start(message.id, message.params)
            return
        if method == types.CANCEL_REQUEST and self.commands.cancel(message.params.id):
            return
        self.protocol.handle_message(message)

    def respond(
        self, msg_id: Any, result: Any = None, error: types.ResponseError | None = None
    ) -> None:
        """Answer request ``msg_id`` (with plain JSON ``result`` or ``error``) directly."""
        if self.writer is None:
            return
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id}
        if error is not None:
            reply["error"] = CONVERTER.unstructure(error)
        else:
            reply["result"] = result
        self.writer.send(reply)

    def stop_background(self) -> None:
        """Cancel every background evaluation and pending refresh (shutdown, exit)."""
        self.commands.stop()
        self.evaluations.shutdown()
        self.publisher.stop()
        self.host.options.stop()

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

    async def off_loop(self, snap: Snapshot, fn: Callable[[], T]) -> T:
        """Run ``fn`` (reading ``snap``) on a thread, so the loop keeps answering.

        The answer is for the snapshot's text even if an edit comes in
        meanwhile (then ``fn`` runs again on that text's own parse).
        """
        snap.document.analysis  # noqa: B018 - computed here, on the loop, not in the thread
        return await snap.document.settled(lambda: asyncio.to_thread(fn))

    # ------------------------------------------------------------ helpers

    def document(self, uri: str) -> OpenDocument | None:
        """The open document at ``uri`` (None if the client never opened it)."""
        return self.files.get(uri)

    def backlog(self) -> int:
        """How many received messages wait to be handled."""
        return self.inbox.qsize()

    def log_message(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """Send a message to the client's log (and ours)."""
        log.info("%s", message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    @property
    def settings(self) -> Settings:
        """The current settings (held by the host, which evaluation reads them from)."""
        return self.host.settings

    @contextlib.contextmanager
    def reading(self, snap: Snapshot) -> Iterator[Reader]:
        """Files as ``snap``'s features may read them (evaluation's read policy).

        Each path refused meanwhile is told to the client's log afterwards,
        with evaluation's message.
        """
        reader = snap.reader()
        try:
            yield reader
        finally:
            for message in reader.denied:
                self.log_message(f"nixls: {message}", types.MessageType.Warning)

    def apply_settings(self, raw: Any) -> None:
        """Replace the settings from client JSON; bad entries are logged and ignored."""

        def warn(msg: str) -> None:
            self.log_message(f"nixls: {msg}", types.MessageType.Warning)

        self.host.settings = structure_settings(
            with_project_config(raw, self.files.roots, warn), warn
        )
        self.options.configure()  # the declared option sets
        for uri in list(self.files.documents):
            self.publisher.refresh(uri)
        self.evaluations.settings_changed()


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
            watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
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

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: NixServer, params: None) -> None:
        ls.shut_down = True
        ls.stop_background()


def _register_document_sync(server: NixServer) -> None:
    """Document and file events, each one visible sequence of calls."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: NixServer, params: types.DidOpenTextDocumentParams) -> None:
        td = params.text_document
        snap = ls.host.open(td.uri, td.text, td.version)
        ls.publisher.refresh(td.uri)
        ls.evaluations.opened(snap.document.head)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: NixServer, params: types.DidChangeTextDocumentParams) -> None:
        td = params.text_document
        snap = ls.host.apply(td.uri, params.content_changes, td.version)  # cancels evaluations
        if snap is None:
            ls.log_message(f"nixls: didChange for unopened {td.uri}")
            return
        ls.publisher.drop_evaluated(td.uri)
        ls.publisher.schedule(snap.document.head)
        ls.evaluations.changed(td.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: NixServer, params: types.DidSaveTextDocumentParams) -> None:
        doc = ls.files.get(params.text_document.uri)
        if doc is not None:
            ls.evaluations.saved(doc)
            if doc.path is not None:
                ls.options.files_changed([doc.path])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: NixServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.host.close(uri)  # cancels evaluations
        ls.host.live.project.dependents.forget(uri)
        ls.publisher.clear(uri)
        ls.evaluations.changed(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched(ls: NixServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [p for p in (uri_to_path(c.uri) for c in params.changes) if p]
        for path in paths:
            ls.files.invalidate(path)
        ls.host.live.sessions.clear()  # values kept across requests may have read them
        ls.evaluations.files_changed(paths)
        ls.options.files_changed(paths)
        # A flake.lock written by `nix flake lock`: its flake.nix's checks change.
        locks = {os.path.dirname(p) for p in paths if os.path.basename(p) == "flake.lock"}
        for uri, doc in list(ls.files.documents.items()):
            if doc.path is not None and os.path.dirname(doc.path) in locks:
                ls.publisher.refresh(uri)


def build_server() -> NixServer:
    """A server with every feature registered."""
    server = NixServer()
    _register_core(server)
    _register_document_sync(server)
    for name in FEATURE_MODULES:
        module = importlib.import_module(name)
        module.register(server)
    return server


def running_loop() -> asyncio.AbstractEventLoop:
    """The server's event loop (handlers run on it)."""
    return asyncio.get_running_loop()
