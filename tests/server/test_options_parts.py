"""flake-parts option sets over the wire: a workspace holding a copy of
tests/data/flakes/parts (a flake-parts-shaped library as a path input) gets completion,
hover, definition and diagnostics inside `perSystem = { … }: { … }` of its
`flake.nix` and in the flake module it imports, with nothing declared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lsprotocol import types

from tests.server.harness import REPO, Session, pos
from tests.server.test_options import _complete, _eventually
from tests.server.test_options_auto import _hover

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # copies a flake into its workspace root

DATA = REPO / "tests" / "data"


@pytest.fixture(scope="module")
def flake(session: Session) -> Path:
    """The fixture flake in the workspace, its lock pointing at the fixtures by absolute path."""
    target = session.root / "parts"
    shutil.copytree(DATA / "flakes" / "parts", target)
    lock = json.loads((target / "flake.lock").read_text())
    lock["nodes"]["flake-parts"]["locked"]["path"] = str(DATA / "flake-parts-like")
    lib = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
    lock["nodes"]["nixpkgs-lib"]["locked"]["path"] = str(lib)
    (target / "flake.lock").write_text(json.dumps(lock, indent=2))
    (session.root / "nixls.toml").write_text(f'[eval]\nallowedPaths = ["{DATA}"]\n')
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"nixls": {"diagnostics": {"debounceMs": 0}}})
    )
    return target


async def test_per_system_in_flake_nix(session: Session, flake: Path) -> None:
    text = (flake / "flake.nix").read_text().replace('greeting = "', '\n        greting = "')
    uri = session.open("parts/flake.nix", text, write=False)
    at = pos(text, "packages.default")
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "greeting" in ls)
    assert {"packages", "apps", "devShells", "checks", "formatter", "greeting"} <= set(labels)
    hover = await _hover(session, uri, pos(text, "systems"))
    assert "The systems to make per-system outputs for." in hover and "`list of string`" in hover
    found = await session.client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(text, "systems")
        )
    )
    locations = found if isinstance(found, list) else [found]
    assert isinstance(locations[0], types.Location)
    assert locations[0].uri.endswith("/tests/data/flake-parts-like/modules/core.nix")
    diags = await session.diagnostics(
        uri, until=lambda ds: any(d.code == "unknown-option" for d in ds), timeout=60
    )
    [typo] = [d for d in diags if d.code == "unknown-option"]
    assert "`perSystem.greting`; did you mean `greeting`?" in typo.message
    assert typo.range.start == pos(text, "greting")
    # The flake features still answer outside the module: hover on the input.
    assert "path:../../flake-parts-like" in await _hover(session, uri, pos(text, "flake-parts.url"))


async def test_per_system_in_an_imported_flake_module(session: Session, flake: Path) -> None:
    text = (flake / "parts" / "greeting.nix").read_text()
    uri = session.open("parts/parts/greeting.nix", text, write=False)
    at = pos(text, "packages.greeter")
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "greeting" in ls)
    assert {"packages", "devShells", "greeting"} <= set(labels)
    hover = await _eventually(
        lambda: _hover(session, uri, pos(text, "packages.greeter")), lambda h: "nix build" in h
    )
    assert "*Type:* `lazy attribute set of package`" in hover
