"""Flakes over JSON-RPC: input completion, hover, definition, diagnostics, output values.

The workspace holds copies of tests/data/flakes: `two-inputs` (two path inputs,
flake.lock written by C++ Nix 2.26.3) and `store-input` (a `github:` input
locked to a source this module puts into a temporary store, `NIX_STORE_DIR`,
before its server starts).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from tests.ide.flake_fixtures import DATA, make_store, restore_env, with_store_dir
from tests.server.harness import Session, pos, rng

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # the server must start with NIX_STORE_DIR set
INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}, "hover": {"waitMs": 20000}}}

FLAKE = (DATA / "two-inputs" / "flake.nix").read_text()
STORE_FLAKE = (DATA / "store-input" / "flake.nix").read_text()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("store")
    make_store(root)
    saved = with_store_dir(root)
    yield root
    restore_env(saved)


@pytest.fixture(scope="module")
def flakes(store: Path, session: Session) -> Session:
    """The session (started after the store), with the fixtures copied into its workspace."""
    for name in ("two-inputs", "store-input"):
        shutil.copytree(DATA / name, session.root / name)
    return session


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def hover(session: Session, uri: str, at: types.Position) -> tuple[str, types.Range | None]:
    result = await session.client.text_document_hover_async(
        types.HoverParams(text_document=ident(uri), position=at)
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value, result.range


async def definition(session: Session, uri: str, at: types.Position) -> list[types.Location]:
    result = await session.client.text_document_definition_async(
        types.DefinitionParams(text_document=ident(uri), position=at)
    )
    return [r for r in result or [] if isinstance(r, types.Location)]


async def labels(session: Session, uri: str, at: types.Position) -> list[str]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=ident(uri), position=at)
    )
    assert isinstance(result, types.CompletionList)
    return sorted(item.label for item in result.items)


def flake_diags(diags: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diags if str(d.code).startswith("flake-")]


# ---------------------------------------------------------------- the locked fixture


async def test_hover_on_output_value_cold_then_warm(flakes: Session) -> None:
    # First in the module: "cold" is the server's first request after opening.
    uri = flakes.open("two-inputs/flake.nix", FLAKE)
    at = pos(FLAKE, "default")
    started = time.monotonic()
    text, _ = await hover(flakes, uri, at)
    cold = time.monotonic() - started
    assert '{ greeting = "hello, nixls"; name = "demo"; version = "1.2.3"; }' in text
    started = time.monotonic()
    text, _ = await hover(flakes, uri, at)
    warm = time.monotonic() - started
    assert '{ greeting = "hello, nixls"; name = "demo"; version = "1.2.3"; }' in text
    shown = f"cold {cold * 1000:.0f} ms, warm {warm * 1000:.0f} ms"
    print(f"\nhover on packages.x86_64-linux.default: {shown}")


async def test_hover_on_input_declaration_formal_and_selection(flakes: Session) -> None:
    uri = flakes.open("two-inputs/flake.nix", FLAKE)
    text, where = await hover(flakes, uri, pos(FLAKE, "libA"))
    assert where == rng(FLAKE, "libA")
    assert "flake input `libA`" in text and "url: `path:./inputs/libA`" in text
    assert "locked: `path:./inputs/libA`" in text
    text, where = await hover(flakes, uri, pos(FLAKE, "libA", nth=2))  # the formal
    assert where == rng(FLAKE, "libA", nth=2)
    assert "flake input `libA`" in text
    text, where = await hover(flakes, uri, pos(FLAKE, "libA", nth=3))  # used in the body
    assert where == rng(FLAKE, "libA", nth=3)
    assert "flake input `libA`" in text
    assert '_type = "flake"' in text  # its value: the locked flake
    text, _ = await hover(flakes, uri, pos(FLAKE, "libB.version"))
    assert "flake input `libB`" in text and "url: `path:./inputs/libB`" in text


async def test_definition_opens_the_input_flake(flakes: Session) -> None:
    uri = flakes.open("two-inputs/flake.nix", FLAKE)
    target = (flakes.root / "two-inputs" / "inputs" / "libA" / "flake.nix").as_uri()
    for at in (pos(FLAKE, "libA"), pos(FLAKE, "libA", nth=2)):
        (loc,) = await definition(flakes, uri, at)
        assert loc.uri == target
    (loc,) = await definition(flakes, uri, pos(FLAKE, "libB.version"))
    assert loc.uri == (flakes.root / "two-inputs" / "inputs" / "libB" / "flake.nix").as_uri()


async def test_input_completion_in_formals_and_after_inputs_dot(flakes: Session) -> None:
    text = FLAKE.replace("{ self, libA, ... }", "{ self, ... }")
    uri = flakes.open("two-inputs/flake.nix", text, write=False)
    assert await labels(flakes, uri, pos(text, "{ self, ", 8)) == ["libA", "libB"]
    typing = FLAKE.replace("version = inputs.libB.version;", "version = inputs.")
    flakes.replace(uri, typing)
    assert await labels(flakes, uri, pos(typing, "inputs.\n", 7)) == ["libA", "libB", "self"]
    flakes.close(uri)
    flakes.versions.pop(uri)


async def test_the_locked_fixture_has_no_flake_diagnostics(flakes: Session) -> None:
    shutil.copytree(DATA / "two-inputs", flakes.root / "clean")
    uri = flakes.open("clean/flake.nix", FLAKE)
    assert flake_diags(await flakes.diagnostics(uri)) == []


# ---------------------------------------------------------------- diagnostics


async def check(
    flakes: Session, name: str, text: str, lock: str | None = None
) -> list[types.Diagnostic]:
    shutil.copytree(DATA / "two-inputs", flakes.root / name)
    if lock is not None:
        (flakes.root / name / "flake.lock").write_text(lock)
    uri = flakes.open(f"{name}/flake.nix", text)
    return flake_diags(await flakes.diagnostics(uri, until=lambda ds: bool(flake_diags(ds))))


async def test_undeclared_and_unused_inputs(flakes: Session) -> None:
    text = FLAKE.replace("inputs.libB.version", "inputs.libC.version")
    found = await check(flakes, "undeclared", text)
    by_code = {d.code: d for d in found}
    undeclared = by_code["flake-undeclared-input"]
    assert undeclared.severity == types.DiagnosticSeverity.Error
    assert undeclared.range == rng(text, "libC")
    assert undeclared.message == "input 'libC' is used but not declared in `inputs`"
    unused = by_code["flake-unused-input"]
    assert unused.severity == types.DiagnosticSeverity.Hint
    assert list(unused.tags or []) == [types.DiagnosticTag.Unnecessary]
    assert unused.range == rng(text, "libB")


async def test_lock_out_of_date(flakes: Session) -> None:
    text = (
        FLAKE.replace('"path:./inputs/libA"', '"github:example/libA"')
        .replace("libB = {", 'libN.url = "path:./inputs/libB";\n    libB = {')
        .replace("inputs.libB.version", "inputs.libB.version + inputs.libN.version")
    )
    found = await check(flakes, "stale", text)
    by_code = {d.code: d for d in found}
    assert set(by_code) == {"flake-lock-mismatch", "flake-input-not-locked"}
    mismatch = by_code["flake-lock-mismatch"]
    assert mismatch.range == rng(text, '"github:example/libA"')
    assert "from 'path:./inputs/libA'" in mismatch.message
    assert "nix flake update libA" in mismatch.message
    assert by_code["flake-input-not-locked"].range == rng(text, "libN")


async def test_locked_input_no_longer_declared(flakes: Session) -> None:
    text = FLAKE.replace('    libB = {\n      url = "path:./inputs/libB";\n    };\n', "").replace(
        "inputs.libB.version", '"0"'
    )
    [diag] = await check(flakes, "removed", text)
    assert diag.code == "flake-lock-stale-input"
    assert diag.range == rng(text, "inputs", nth=1)  # the key (the first is in the description)
    assert "flake.lock still locks input 'libB'" in diag.message


async def test_broken_lock_is_located_not_a_crash(flakes: Session) -> None:
    [diag] = await check(flakes, "broken", FLAKE, lock='{\n  "nodes": {\n    "root": {,\n')
    assert diag.code == "flake-lock-broken"
    assert diag.severity == types.DiagnosticSeverity.Error
    assert "flake.lock:3:14: invalid JSON" in diag.message
    [diag] = await check(flakes, "version", FLAKE, lock='{"nodes": {}, "version": 3}')
    assert "unsupported version 3" in diag.message
    # The server still answers.
    text, _ = await hover(flakes, flakes.uri("broken/flake.nix"), pos(FLAKE, "libA"))
    assert "flake.lock is unusable" in text


# ---------------------------------------------------------------- a store input


async def test_store_input_hover_definition_and_output(flakes: Session, store: Path) -> None:
    uri = flakes.open("store-input/flake.nix", STORE_FLAKE, write=False)
    text, _ = await hover(flakes, uri, pos(STORE_FLAKE, "util"))
    assert "rev: `0123456789abcdef0123456789abcdef01234567`" in text
    assert "lastModified: 2023-11-14 22:13:20 UTC" in text
    assert "narHash: `sha256-ucHPxlZu0tLWQdNkyeFpMk1ubWf3SNFNPxxas/z6Cd8=`" in text
    (loc,) = await definition(flakes, uri, pos(STORE_FLAKE, "util"))
    assert loc.uri.startswith(store.as_uri() + "/") and loc.uri.endswith("-source/flake.nix")
    text, _ = await hover(flakes, uri, pos(STORE_FLAKE, "answer"))
    assert "42" in text


async def test_a_lock_file_written_on_disk_refreshes_the_checks(flakes: Session) -> None:
    text = FLAKE.replace('"path:./inputs/libB"', '"path:./inputs/libA"').replace(
        "inputs.libB.version", "inputs.libB.lib.greet"
    )
    [diag] = await check(flakes, "relock", text)
    assert diag.code == "flake-lock-mismatch"
    # What `nix flake lock` would write now: libB locked from ./inputs/libA.
    lock_path = flakes.root / "relock" / "flake.lock"
    lock = lock_path.read_text().replace('"./inputs/libB"', '"./inputs/libA"')
    lock_path.write_text(lock)
    flakes.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=lock_path.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    uri = flakes.uri("relock/flake.nix")
    assert flake_diags(await flakes.diagnostics(uri, until=lambda ds: not flake_diags(ds))) == []
