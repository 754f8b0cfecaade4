"""Lean resolution (`resolve(lean=True)`, what compiling uses) resolves every
name as the full one does, and compiling reports the same first error."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.compiler import analyse
from evaluator.compiler.analysis import analyse_to_compile
from evaluator.compiler.scope import Resolved, resolve
from evaluator.front_end import _first_error
from evaluator.syntax import parse
from tests.compiler.signature import _binding, _merged, _ref, _scope, _var

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted(p for p in DATA.rglob("*.nix") if p.stat().st_size < 200_000)


def _compiled_view(resolved: Resolved) -> dict[str, object]:
    """Everything code generation and the compile-time errors read."""
    return {
        "vars": [(_var(v), _ref(v.resolution)) for v in resolved.vars],
        "scopes": [
            (_scope(s), _scope(s.parent), [_binding(b) for b in s.bindings.values()])
            for s in resolved.scopes
        ],
        "regions": resolved.regions,
        "bindings": sorted(
            (repr((n.start, n.end, type(n).__name__)), repr(_merged(m)))
            for n, m in resolved.bindings.items()
        ),
        "search_paths": [
            (sp.start, sp.end, _ref(f.resolution), _ref(p.resolution))
            for sp, (f, p) in resolved.search_paths.items()
        ],
        "undefined": [_var(v) for v in resolved.undefined],
        "duplicate_attrs": [(d.span, d.prev_span) for d in resolved.duplicate_attrs],
        "duplicate_formals": [_var(d.ident) for d in resolved.duplicate_formals],  # type: ignore[arg-type]
        "dynamic_in_let": [(d.key.start, d.key.end) for d in resolved.dynamic_in_let],
    }


def _tables_left(resolved: Resolved) -> list[object]:
    return [
        resolved.scope_of,
        resolved.all_bindings,
        resolved.owner_of,
        resolved.owned_vars,
        resolved.owns,
        resolved.env_of,
        [b for s in resolved.scopes for b in s.bindings.values() if b.references],
        [s for s in resolved.scopes if s.with_uses],
    ]


def test_corpus_is_there() -> None:
    assert len(FILES) > 500


@pytest.mark.parametrize("chunk", range(8))
def test_lean_resolution_is_the_full_one(chunk: int) -> None:
    """Every file under tests/data (and each cut in half, unbalanced): same
    resolution of every `Var`, same scopes, merged sets and errors."""
    checked = 0
    for path in FILES[chunk::8]:
        text = path.read_bytes()
        for source in (text, text[: len(text) // 2]):
            full = resolve(parse(source).root, source)
            lean = resolve(parse(source).root, source, lean=True)
            assert _compiled_view(lean) == _compiled_view(full), path
            assert not any(_tables_left(lean)), path
            checked += 1
    assert checked > 100


CASES = [
    b"let a = 1; in b",
    b"{ a = 1; a = 2; }",
    b"{ x, x }: x",
    b'let ${"a"} = 1; in a',
    b"let a.b = 1; a = { c = 2; }; in a",
    b"rec { a = b; } // { c = d; }",
    b"x: y: x",
    b"with {}; undefined_but_with",
    b"let f = <nixpkgs>; in f",
    b"{ a = 1; b = { a = c; }; }.b",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("scoped", [False, True])
def test_same_first_error(text: bytes, scoped: bool) -> None:
    """The error compiling reports is the full analysis's (none when it has none)."""
    full = _first_error(analyse(parse(text), file="f.nix"), scoped=scoped)
    lean = _first_error(analyse_to_compile(parse(text), "f.nix", scoped), scoped=scoped)
    assert (lean and (lean.code, lean.start, lean.end, lean.message)) == (
        full and (full.code, full.start, full.end, full.message)
    )


def test_errors_come_from_the_full_analysis() -> None:
    """A file Nix refuses gets the full analysis (diagnostics and tables)."""
    analysis = analyse_to_compile(parse(b"let a = 1; in b"), "f.nix")
    assert analysis.resolved.owner_of and analysis.diagnostics
    clean = analyse_to_compile(parse(b"let a = 1; in a"), "f.nix")
    assert not clean.resolved.owner_of and clean.diagnostics == []
