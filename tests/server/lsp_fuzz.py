"""LSP fuzzing (issue 17, item 6): random edits and requests over a real server.

Each case opens a document, then sends random edits (insertions and
deletions of Nix fragments at random places, positions in UTF-16) mixed
with random requests at random positions (hover, completion, definition,
references, symbols, folding, semantic tokens), without waiting between
them. It checks that every request is answered (a result, or
ContentModified for one overtaken by an edit), that the server lives on,
and that the diagnostics of the final text equal those of the same text
opened fresh.

The suite runs a few cases with a fixed seed (``test_lsp_fuzz.py``;
``NIXLS_FUZZ_LSP_CASES`` raises the count); a long run::

    python -m tests.server.lsp_fuzz --cases 2000 [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.fuzz.targets import BAD_TEXT
from tests.server.harness import Session, client_capabilities, server_config

CONTENT_MODIFIED = -32801
REQUEST_CANCELLED = -32800

SEEDS = [
    "let\n  a = 1;\n  b = { c = a; d = [ a 2 ]; };\nin b.c + a\n",
    '{ pkgs, lib ? null, ... }:\nwith pkgs;\nrec {\n  x = "${y}z";\n  y = toString 1;\n}\n',
    "rec { f = x: if x == 0 then 1 else x * f (x - 1); r = f 5;\n"
    "  s = builtins.attrNames { q = 1; }; }\n",
    "let s = import ./other.nix; in { inherit (s) v; w = s.v or 2; p = ./other.nix; }\n",
    "''\n  multi ${\"line\"}\n''\n",
]
FRAGMENTS = [
    "",
    " ",
    "\n",
    "a",
    "x.",
    "{ ",
    " }",
    "[ ",
    " ]",
    "(",
    ")",
    ";",
    "=",
    "let ",
    " in ",
    "rec ",
    "with ",
    "inherit ",
    '"',
    "${",
    "''",
    "é",
    "😀",
    "1 + ",
    "builtins.",
    "./",
    "# c\n",
    "/* c */",
    "assert true; ",
    "x: x",
    "{ a ? 1 }: a",
    "or 1",
    ".${",
    "<nixpkgs>",
]


def position(text: str, index: int) -> types.Position:
    """The LSP (UTF-16) position of a character index of ``text`` (LF line ends)."""
    before = text[:index]
    column = before[before.rfind("\n") + 1 :]
    return types.Position(line=before.count("\n"), character=len(column.encode("utf-16-le")) // 2)


def _request(
    client: Any, kind: str, ident: types.TextDocumentIdentifier, at: types.Position
) -> Any:
    if kind == "hover":
        return client.text_document_hover_async(types.HoverParams(text_document=ident, position=at))
    if kind == "completion":
        return client.text_document_completion_async(
            types.CompletionParams(text_document=ident, position=at)
        )
    if kind == "definition":
        return client.text_document_definition_async(
            types.DefinitionParams(text_document=ident, position=at)
        )
    if kind == "references":
        return client.text_document_references_async(
            types.ReferenceParams(
                text_document=ident,
                position=at,
                context=types.ReferenceContext(include_declaration=True),
            )
        )
    if kind == "symbols":
        return client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=ident)
        )
    if kind == "folding":
        return client.text_document_folding_range_async(
            types.FoldingRangeParams(text_document=ident)
        )
    return client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=ident)
    )


KINDS = ["hover", "completion", "definition", "references", "symbols", "folding", "tokens"]


def static_shape(diags: list[types.Diagnostic]) -> list[tuple[Any, ...]]:
    """The static diagnostics, comparable (evaluation ones arrive later, if at all)."""
    return sorted(
        (
            d.source,
            d.code,
            d.message,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diags
        if d.source != "nixls-eval"
    )


def _no_internal_error(name: str, answer: str, text: str) -> None:
    """No answer may show a Python exception that was not mapped to a Nix error."""
    for bad in BAD_TEXT:
        if bad in answer:
            raise AssertionError(f"{name}: {bad!r} in an answer: {answer[:300]}\ntext: {text!r}")


async def run_case(session: Session, rng: random.Random, name: str, steps: int = 40) -> None:
    """One case: random edits and requests on a fresh document; raises on a failure."""
    text = rng.choice(SEEDS)
    session.write("other.nix", "{ v = 1; }\n")
    uri = session.open(f"{name}.nix", text)
    ident = types.TextDocumentIdentifier(uri=uri)
    pending = []
    for _ in range(steps):
        if rng.random() < 0.6:
            a = rng.randrange(len(text) + 1)
            b = min(len(text), a + rng.choice([0, 0, 1, 2, 5]))
            new = rng.choice(FRAGMENTS)
            session.edit(uri, position(text, a), position(text, b), new)
            text = text[:a] + new + text[b:]
        else:
            at = position(text, rng.randrange(len(text) + 1))
            pending.append(
                asyncio.ensure_future(_request(session.client, rng.choice(KINDS), ident, at))
            )
    for outcome in await asyncio.gather(*pending, return_exceptions=True):
        if isinstance(outcome, JsonRpcException) and outcome.code in (
            CONTENT_MODIFIED,
            REQUEST_CANCELLED,
        ):
            continue
        if isinstance(outcome, BaseException):
            raise AssertionError(f"{name}: a request failed: {outcome!r}\ntext: {text!r}")
        _no_internal_error(name, repr(outcome), text)
    final = await session.diagnostics(uri, timeout=30)
    _no_internal_error(name, repr(final), text)
    # The same text opened afresh, at the same path (messages name the file).
    session.close(uri)
    session.open(f"{name}.nix", text, write=False)
    fresh = await session.diagnostics(uri, timeout=30)
    assert static_shape(final) == static_shape(fresh), (
        f"{name}: diagnostics differ\ntext: {text!r}\n{static_shape(final)}\n{static_shape(fresh)}"
    )
    session.close(uri)


async def run(session: Session, cases: int, seed: int) -> float:
    """``cases`` cases from ``seed``; the wall time taken."""
    started = time.monotonic()
    for i in range(cases):
        await run_case(session, random.Random(f"{seed}-{i}"), f"fuzz-{seed}-{i}")
    return time.monotonic() - started


async def _main(cases: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        client = await server_config().start()
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(None),
                root_uri=root.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="fuzz")],
                initialization_options={"nixls": {"diagnostics": {"debounceMs": 0}}},
            )
        )
        took = await run(Session(client, root), cases, seed)
        await client.shutdown_session()
        await client.stop()
    print(f"{cases} LSP cases (seed {seed}): no failure, {took:.1f} s")


def main() -> int:
    """Run a long LSP fuzz session from the command line."""
    parser = argparse.ArgumentParser(description="nixls LSP fuzzing")
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(_main(args.cases, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
