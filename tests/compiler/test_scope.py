"""Name resolution: what each occurrence of a name refers to.

Each expectation lists the variables of a source in order, each as
``name->TARGET`` where TARGET is ``KIND@OFFSET`` of the binding name (a
local), ``global``, ``with`` (dynamic) or ``undefined``. The tricky cases
(rec / inherit / merging) were checked against `nix-instantiate --eval`.
"""

from __future__ import annotations

import pytest

from evaluator.compiler import analyse
from evaluator.compiler.model import BindingKind, GlobalRef, LocalRef, ScopeKind, WithRef
from evaluator.syntax import parse


def resolutions(source: str) -> list[str]:
    analysis = analyse(parse(source))
    out = []
    for var in sorted(analysis.resolved.vars, key=lambda v: v.start):
        ref = var.resolution
        if isinstance(ref, LocalRef):
            target = f"{ref.binding.kind.value}@{ref.binding.name_span[0]}"
        elif isinstance(ref, GlobalRef):
            target = "global"
        elif isinstance(ref, WithRef):
            target = "with"
        else:
            target = "undefined"
        out.append(f"{var.name}->{target}")
    return out


CASES = [
    # let is mutually recursive
    ("let a = b; b = 1; in a", ["b->let@11", "a->let@4"]),
    # plain inherit in let reads the outer scope, inherit (e) the inner one
    ("x: let inherit x; in x", ["x->argument@0", "x->let@15"]),
    ("let s = {}; inherit (s) a; in a", ["s->let@4", "a->let@24"]),
    # rec: static names in scope, inherit reads outer, dynamic keys see statics
    ("x: rec { inherit x; y = x; }", ["x->argument@0", "x->rec-attr@17"]),
    (
        'rec { a = 1; ${"b" + toString a} = a; }',
        ["toString->global", "a->rec-attr@6", "a->rec-attr@6"],
    ),
    # plain sets are not recursive; nested paths inside rec see its names
    ("x: { x = 1; y = x; }", ["x->argument@0"]),
    ("rec { x = 1; y.a.b = x; }", ["x->rec-attr@6"]),
    # formals: defaults see other formals and the @ name
    ("args@{ a ? b, b ? args }: a", ["b->formal@14", "args->at@0", "a->formal@7"]),
    ("{ a ? b, b ? 1 }@args: args", ["b->formal@9", "args->at@17"]),
    # with: only when nothing lexical (globals included) matches
    ("x: with x; [ x y true ]", ["x->argument@0", "x->argument@0", "y->with", "true->global"]),
    ("with a; with b; c", ["a->undefined", "b->with", "c->with"]),
    # shadowing
    ("x: x: x", ["x->argument@3"]),
    ("let a = 1; in let a = 2; in a", ["a->let@18"]),
    # legacy let is recursive, body included
    ("let { a = 1; body = a; }", ["a->let@6"]),
    # a path walking into a rec literal joins its scope (Nix 2.8)
    ("{ a = rec { x = 1; }; a.y = x; }", ["x->rec-attr@12"]),
    # a literal merged into a path-made set loses rec (Nix 2.8)
    ("{ a.y = 1; a = rec { x = 1; z = x; }; }", ["x->undefined"]),
    # __curPos is syntax; __-prefixed builtins are global
    ("[ __curPos __add __typeOf ]", ["__add->global", "__typeOf->global"]),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_resolution(source: str, expected: list[str]) -> None:
    assert resolutions(source) == expected


def test_inherit_from_is_one_shared_source() -> None:
    analysis = analyse(parse("let s = { a = 1; b = 2; }; inherit (s) a b; in a + b"))
    let = analysis.tree
    merged = analysis.bindings[let]
    a, b = merged.static["a"], merged.static["b"]
    assert a.source is not None and a.source is b.source  # type: ignore[union-attr]
    assert list(merged.inherit_sources) == [a.source]  # type: ignore[union-attr]
    # `s` is read once, by the shared source expression
    assert len(analysis.scope_of[let].bindings["s"].references) == 1


def test_scopes_and_kinds() -> None:
    analysis = analyse(parse("x: let a = 1; in with x; rec { b = a; c = b; }"))
    kinds = [s.kind for s in analysis.resolved.scopes]
    assert kinds == [ScopeKind.LAMBDA, ScopeKind.LET, ScopeKind.WITH, ScopeKind.REC]
    rec = analysis.resolved.scopes[-1]
    assert [b.kind for b in rec.bindings.values()] == [BindingKind.REC_ATTR] * 2
    assert rec.parent is analysis.resolved.scopes[2]
    assert analysis.root_scope.kind is ScopeKind.FILE


def test_with_ref_lists_every_enclosing_with_innermost_first() -> None:
    analysis = analyse(parse("with {}; let a = 1; in with {}; z"))
    z = analysis.resolved.vars[-1]
    assert isinstance(z.resolution, WithRef)
    outer, inner = (s for s in analysis.resolved.scopes if s.kind is ScopeKind.WITH)
    assert z.resolution.withs == (inner, outer)
    assert inner.with_uses == [z] and outer.with_uses == [z]


def test_search_path_reads_find_file_and_nix_path_lexically() -> None:
    # nix-instantiate --eval: `let __findFile = a: b: b; in <foo>` is "foo"
    source = "[ <nixpkgs> (let __findFile = a: b: b; in <foo>) ]"
    analysis = analyse(parse(source))
    (find1, path1), (find2, path2) = analysis.search_paths.values()
    assert isinstance(find1.resolution, GlobalRef) and isinstance(path1.resolution, GlobalRef)
    assert isinstance(find2.resolution, LocalRef)
    assert find2.resolution.binding.name == "__findFile"
    assert isinstance(path2.resolution, GlobalRef)
    # so that binding counts as used (only the shadowing is reported)
    assert [d.code for d in analysis.diagnostics] == ["shadowed-builtin", "unused-argument"]
