"""Live values in a user's package file with no settings at all (issue 14, acceptance).

A real server over stdio, a client that sends no settings, and an
environment that has only one way to find nixpkgs: ``NIX_PATH``; a
``flake.lock`` whose nixpkgs input is a ``path``; or a ``github`` input
locked by ``narHash`` whose source is in a fake store under ``NIX_STORE_DIR``.
The nixpkgs is the nixpkgs-shaped fixture (with the real lib 26.11).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from evaluator.store import hashes, paths
from tests.server.harness import REPO, Session, _client_factory, client_capabilities, pos, rng

pytestmark = pytest.mark.asyncio(loop_scope="session")

FIXTURE = REPO / "tests" / "data" / "nixpkgs-fixture"
NAR_HASH = "sha256-h4gyzSK14DjhF7cBN4VY+Km2ytc4Gg5tV6noZdNPhaY="
PACKAGE = """{ lib, hello, stdenv }:

stdenv.mkDerivation {
  pname = "greeter";
  version = lib.versions.major "1.2.3";
  about = hello.meta.description;
  meta.description = "Says hello";
}
"""
CALLER = "{ pkgs ? import <nixpkgs> { } }:\n{ greeter = pkgs.callPackage ./greeter.nix { }; }\n"


def lock(locked: dict[str, Any]) -> str:
    return json.dumps(
        {
            "nodes": {
                "nixpkgs": {"locked": locked, "original": locked},
                "root": {"inputs": {"nixpkgs": "nixpkgs"}},
            },
            "root": "root",
            "version": 7,
        }
    )


def situation(kind: str, tmp: Path) -> dict[str, str]:
    """The workspace files and the environment of one discovery situation."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NIX_PATH", "NIX_STORE_DIR")}
    environ.update(HOME=str(tmp / "home"), NIX_STATE_DIR=str(tmp / "state"))
    environ["PYTHONPATH"] = str(REPO) + os.pathsep + environ.get("PYTHONPATH", "")
    ws = tmp / "ws"
    ws.mkdir()
    if kind == "nix-path":
        environ["NIX_PATH"] = f"nixpkgs={FIXTURE}"
    elif kind == "flake-path":
        (ws / "flake.lock").write_text(lock({"type": "path", "path": str(FIXTURE)}))
    elif kind == "flake-store":
        store = tmp / "store"
        store.mkdir()
        h = hashes.parse_any(NAR_HASH, None)
        Path(paths.make_fixed_output_path(True, h, "source", str(store))).symlink_to(FIXTURE)
        environ["NIX_STORE_DIR"] = str(store)
        github = {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "0" * 40}
        (ws / "flake.lock").write_text(lock({**github, "narHash": NAR_HASH}))
    (ws / "default.nix").write_text(CALLER)
    return environ


async def start(environ: dict[str, str], root: Path) -> Session:
    """A server started with ``environ``, initialized by a client sending no settings."""
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "nixls"],
        client_factory=_client_factory,
        server_env=environ,
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(None),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
        )
    )
    return Session(client, root)


async def stop(session: Session) -> None:
    await session.client.shutdown_session()
    await session.client.stop()


@pytest_asyncio.fixture(loop_scope="session", params=["nix-path", "flake-path", "flake-store"])
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Session]:
    s = await start(situation(request.param, tmp_path), tmp_path / "ws")
    s.kind = request.param  # type: ignore[attr-defined]
    yield s
    await stop(s)


async def hover(session: Session, uri: str, at: types.Position) -> str:
    """The hover text once it has a value (a cold start on a loaded machine may
    take longer than the hover's wait: the user would hover again)."""
    for _ in range(30):
        result = await session.client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
        )
        assert result is not None
        contents = result.contents
        assert isinstance(contents, types.MarkupContent)
        if "still evaluating" not in contents.value:
            break
    return contents.value


async def test_package_file_gets_lib_and_packages(session: Session) -> None:
    uri = session.open("greeter.nix", PACKAGE)
    text = PACKAGE
    shown = await hover(session, uri, pos(text, "lib.versions", 1))
    # lib's own attributes (a big set: its size and first names, nothing forced).
    assert "addContextFrom" in shown and "set (494 attributes)" in shown
    # Where the formal's value comes from, not "the caller must pass it".
    assert "given by" in shown and "no default" not in shown
    described = await hover(session, uri, pos(text, "description;", 1))
    assert "Program that produces a familiar, friendly greeting" in described
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="nixls.evaluate",
            arguments=[{"uri": uri, "range": _json(rng(text, 'lib.versions.major "1.2.3"'))}],
        )
    )
    assert result["value"] == '"1"', result
    env = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="nixls.env", arguments=[])
    )
    source = {"nix-path": "NIX_PATH", "flake-path": "flake.lock", "flake-store": "flake.lock"}
    assert env["source"] == source[session.kind]  # type: ignore[attr-defined]
    assert Path(env["lib"]).resolve() == (FIXTURE / "lib").resolve()
    assert env["missing"] == []


def _json(r: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": r.start.line, "character": r.start.character},
        "end": {"line": r.end.line, "character": r.end.character},
    }


@pytest_asyncio.fixture(loop_scope="session")
async def bare(tmp_path: Path) -> AsyncIterator[Session]:
    """A server whose environment has no nixpkgs at all."""
    s = await start(situation("none", tmp_path), tmp_path / "ws")
    yield s
    await stop(s)


async def test_no_nixpkgs_is_said_once_with_the_fix(bare: Session) -> None:
    bare.open("a.nix", "{ lib }: lib")
    bare.open("b.nix", "{ lib }: lib.id")
    await bare.diagnostics(bare.uri("b.nix"))
    told = [m.message for m in bare.client.messages if "no nixpkgs found" in m.message]
    assert len(told) == 1
    assert "nixls.eval.nixPath" in told[0]


async def test_saving_an_imported_file_refreshes_its_importers(bare: Session) -> None:
    main = bare.open("main.nix", "{ x = import ./value.nix; }")
    value = bare.open("value.nix", "1")
    await bare.diagnostics(main)
    assert not [d for d in bare.client.diagnostics.get(main, []) if d.source == "nixls-eval"]
    bare.replace(value, 'throw "boom from value"')  # unsaved: only the buffer has it
    bare.save(value)
    got = await bare.diagnostics(
        main, until=lambda ds: any(d.source == "nixls-eval" for d in ds), timeout=30
    )
    found = [d for d in got if d.source == "nixls-eval"]
    assert "boom from value" in found[0].message
