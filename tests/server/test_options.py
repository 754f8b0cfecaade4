"""Module options over the wire: a home-manager user module with an option set
declared in nixls.toml (the home-manager-shaped modules of tests/data/home-manager-like)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from lsprotocol import types

from tests.server.harness import REPO, Session, pos

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # writes nixls.toml into its workspace root

FIXTURE = REPO / "tests" / "data" / "home-manager-like"
T = TypeVar("T")
# Each element's `toString`: ~1.3 s on an idle machine (a plain sum of 300,000
# squares came near the 0.3 s after which progress shows once `foldl'` got faster).
SLOW = (
    "builtins.foldl' (a: b: a + builtins.stringLength (toString b)) 0"
    " (builtins.genList (i: i * i) 300000)"
)

USER = """\
{ config, lib, pkgs, ... }:
{
  home.stateVersion = "99.99";
  programs.git = {
    enable = true;
    enabel = true;
  };
  programs.git.userName = "me";
  home.username = lib.mkDefault "me";
  home.keyboard = lib.mkIf true { layot = "us"; };
}
"""


async def _eventually(ask: Callable[[], Awaitable[T]], ok: Callable[[T], bool]) -> T:
    """Ask until ``ok`` holds: the option set loads in the background (typing never waits)."""
    deadline = time.monotonic() + 120
    while True:
        got = await ask()
        if ok(got) or time.monotonic() > deadline:
            return got
        await asyncio.sleep(0.2)


@pytest.fixture(scope="module")
def declared(session: Session) -> Path:
    """nixls.toml declaring the fixture's options as set `home` (relative paths)."""
    toml = session.root / "nixls.toml"
    toml.write_text(
        "[options.home]\n"
        # The fold makes the set's evaluation take about a second, so the progress it
        # reports (shown after 0.3 s) does not depend on how fast this machine is.
        f'expr = "builtins.seq ({SLOW}) (import {FIXTURE}/eval.nix).options"\n'
        'files = ["home/**.nix", "home.nix"]\n'
        "[eval]\n"
        f'allowedPaths = ["{REPO / "tests" / "data"}"]\n'
    )
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"nixls": {"diagnostics": {"debounceMs": 0}}})
    )
    return toml


async def _complete(session: Session, uri: str, at: types.Position) -> list[str]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    items = result.items if isinstance(result, types.CompletionList) else result or []
    return [i.label for i in items]


async def test_completion_in_a_nested_set_lists_the_options(
    session: Session, declared: Path
) -> None:
    text = "{ config, ... }:\n{\n  programs.git = {  };\n}\n"
    uri = session.open("home.nix", text)
    at = pos(text, "{  }", 2)
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "enable" in ls)
    assert {"enable", "package", "ignores", "hooks"} <= set(labels)
    assert "config" not in labels  # names in scope are not option names
    # The set was evaluated in the background, with work-done progress.

    async def progress() -> list[list[object]]:
        reports = session.client.progress_reports.values()
        return [r for r in reports if r and isinstance(r[0], types.WorkDoneProgressBegin)]

    def ended(found: list[list[object]]) -> bool:
        return any(
            "option set 'home'" in str(getattr(r[0], "title", ""))
            and isinstance(r[-1], types.WorkDoneProgressEnd)
            for r in found
        )

    assert ended(await _eventually(progress, ended))


async def test_completion_of_an_unfinished_binding(session: Session, declared: Path) -> None:
    text = "{ lib, ... }:\n{\n  programs.gi\n}\n"
    uri = session.open("home/typing.nix", text)
    at = pos(text, "programs.gi", len("programs.gi"))
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "git" in ls)
    assert "git" in labels
    text = "{ lib, ... }:\n{\n  home.s\n}\n"
    session.replace(uri, text)
    at = pos(text, "home.s", len("home.s"))
    # After an edit the set may be busy a moment (option diagnostics of the new text).
    labels = await _eventually(lambda: _complete(session, uri, at), lambda ls: "username" in ls)
    assert "stateVersion" in labels and "username" in labels


async def test_hover_definition_and_diagnostics(session: Session, declared: Path) -> None:
    uri = session.open("home/user.nix", USER)

    async def hover() -> str:
        got = await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=pos(USER, "enable = true", 2),
            )
        )
        return got.contents.value if got and isinstance(got.contents, types.MarkupContent) else ""

    text = await _eventually(hover, lambda t: "Whether to enable Git." in t)
    assert "Whether to enable Git." in text and "`boolean`" in text
    assert "programs/git.nix" in text

    # Long completion lists leave the documentation to completionItem/resolve.
    item = types.CompletionItem(
        label="enable", data={"nixlsOption": {"uri": uri, "path": ["programs", "git", "enable"]}}
    )
    resolved = await session.client.completion_item_resolve_async(item)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert "Whether to enable Git." in resolved.documentation.value

    found = await session.client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=pos(USER, "enable = true", 1),
        )
    )
    locations = found if isinstance(found, list) else [found]
    assert locations and all(isinstance(loc, types.Location) for loc in locations)
    assert locations[0].uri.endswith("/tests/data/home-manager-like/modules/programs/git.nix")
    assert locations[0].range.start.line > 0

    diags = await session.diagnostics(
        uri, until=lambda ds: any(d.code == "option-type" for d in ds), timeout=60
    )
    by_code = {str(d.code): d for d in diags}
    typo = next(d for d in diags if "enabel" in d.message)
    assert "did you mean `enable`" in typo.message
    assert typo.range.start == pos(USER, "enabel")
    wrong = by_code["option-type"]
    assert wrong.range.start == pos(USER, '"99.99"')
    assert '"99.99" is not of type `one of "18.09"' in wrong.message
    renamed = by_code["renamed-option"]
    assert renamed.severity == types.DiagnosticSeverity.Hint
    assert "programs.git.settings.user.name" in renamed.message
    # Through `lib.mkIf` into the submodule of `home.keyboard`.
    assert any("`home.keyboard.layot`" in d.message and "`layout`" in d.message for d in diags)
    assert sum(d.code == "unknown-option" for d in diags) == 2

    actions = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=typo.range,
            context=types.CodeActionContext(diagnostics=[typo]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert "Change to `enable`" in titles


async def test_files_outside_the_set_get_nothing(session: Session, declared: Path) -> None:
    text = "{ config, ... }:\n{\n  programs.git = {  };\n  progams.x = 1;\n}\n"
    uri = session.open("elsewhere/other.nix", text)
    diags = await session.diagnostics(uri)
    assert not any(d.code == "unknown-option" for d in diags)
    # The file's own directive names the set.
    text = "# nixls: options=home\n" + text
    session.replace(uri, text)
    diags = await session.diagnostics(
        uri, until=lambda ds: any(d.code == "unknown-option" for d in ds), timeout=60
    )
    assert any("`progams`; did you mean `programs`" in d.message for d in diags)
