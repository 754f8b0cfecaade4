"""Automatic option sets over the wire: a workspace holding a copy of
tests/data/flakes/configs gets the options of `nixosConfigurations.demo` in
the module files that configuration lists, with nothing declared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lsprotocol import types

from tests.server.harness import REPO, Session, pos
from tests.server.test_options import _complete, _eventually

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # copies a flake into its workspace root

DATA = REPO / "tests" / "data"
FIXTURE = DATA / "flakes" / "configs"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"


@pytest.fixture(scope="module")
def flake(session: Session) -> Path:
    """The fixture flake in the workspace (its system input imports the real lib)."""
    target = session.root / "configs"
    shutil.copytree(FIXTURE, target)
    # `system`'s nixpkgs-lib input, locked to a store path in the fixture: here the
    # lib's folder by its absolute path and the same narHash (Nix 2.26.3 accepts it).
    lock_file = target / "flake.lock"
    lock = json.loads(lock_file.read_text())
    locked = lock["nodes"]["nixpkgs-lib"]["locked"]
    locked.update(type="path", path=str(LIB))
    for key in ("owner", "repo", "rev"):
        del locked[key]
    lock_file.write_text(json.dumps(lock, indent=2))
    (session.root / "nixls.toml").write_text(f'[eval]\nallowedPaths = ["{DATA}"]\n')
    # The settings are read again, and with them the workspace's flakes.
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"nixls": {"diagnostics": {"debounceMs": 0}}})
    )
    return target


async def _hover(session: Session, uri: str, at: types.Position) -> str:
    result = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    contents = result.contents if result is not None else ""
    return contents.value if isinstance(contents, types.MarkupContent) else str(contents)


async def test_a_listed_module_gets_the_configuration_options(
    session: Session, flake: Path
) -> None:
    text = "{ ... }:\n{\n  imports = [ ./services.nix ];\n  networking = {  };\n}\n"
    uri = session.open("configs/hosts/demo.nix", text)
    at = pos(text, "{  }", 2)
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "hostName" in ls)
    assert "hostName" in labels
    # An imported module gets the same set: hover on its option.
    text = (flake / "hosts" / "services.nix").read_text()
    uri = session.open("configs/hosts/services.nix", text, write=False)
    hover = await _hover(session, uri, pos(text, "enable = true"))
    assert "Whether to enable the greeter." in hover


async def test_a_module_in_no_configuration_gets_nothing(session: Session, flake: Path) -> None:
    text = "{ lib, ... }:\n{\n  networking = {  };\n}\n"
    listed = session.open("configs/hosts/demo.nix", text, write=False)
    at = pos(text, "{  }", 2)
    labels = await _eventually(lambda: _complete(session, listed, at), lambda ls: "hostName" in ls)
    assert "hostName" in labels  # the set is ready: the next answer is not a "still loading"
    uri = session.open("configs/other/unlisted.nix", text, write=False)
    assert "hostName" not in await _complete(session, uri, at)
