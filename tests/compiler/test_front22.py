"""front22's front-end shortcuts give what the long ways gave:

- `codegen_sets.names_in` (a name's prefix by `rstrip`) finds the names the
  character loop found, in every unit generated from nixpkgs lib;
- shared sets and lists take their dependencies from their operands
  (`names_of`), so a `let` group still binds one only once the names it reads
  are bound (else the generated body reads an unbound local);
- `Captures.region` is remembered per span, and equals a fresh computation;
- `teardown._empty` skips only fields declared as scalars.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evaluator.compiler import teardown
from evaluator.compiler.analysis import analyse_to_compile
from evaluator.compiler.captures import Captures
from evaluator.compiler.codegen import Compiler
from evaluator.compiler.codegen_base import NAME_MARK
from evaluator.compiler.codegen_sets import names_in
from evaluator.front_end import _drop_analysis_only, compile_source
from evaluator.syntax import nodes, parse
from evaluator.vm.frames import SourceText
from tests.vm.nix_oracle import nixls

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"


def _names_by_loop(code: str) -> tuple[str, ...]:
    """`names_in` as it was written before (a Python loop per character)."""
    parts = code.split(NAME_MARK)
    found: list[str] = []
    for i in range(1, len(parts), 2):
        before = parts[i - 1]
        j = len(before)
        while j > 0 and (before[j - 1].isalnum() or before[j - 1] == "_"):
            j -= 1
        found.append(f"{before[j:]}{NAME_MARK}{parts[i]}{NAME_MARK}")
    return tuple(found)


def _marked_texts(path: Path) -> list[str]:
    """The marked text of every function of every unit of ``path``."""
    compiled = compile_source(path.read_bytes(), str(path), str(path.parent))
    texts: list[str] = []
    todo = [compiled.main]
    while todo:
        unit = todo.pop()
        texts += [text for text, _ in unit.functions or ()]
        todo += [compiled.unit(root) for root in unit.deferred]
    return texts


@pytest.mark.parametrize("name", ["lists.nix", "attrsets.nix", "strings.nix", "types.nix"])
def test_names_in_finds_what_the_loop_found(name: str) -> None:
    texts = _marked_texts(LIB / name)
    assert texts
    found = 0
    for text in texts:
        assert names_in(text) == _names_by_loop(text)
        found += len(names_in(text))
    assert found > 100


def test_names_in_prefixes() -> None:
    m = NAME_MARK
    code = f"partial(r_new_set, K{m}3{m}, ({m}v1{m}, Thunk(partial(th{m}4_1{m}, {m}v2{m})),))"
    assert names_in(code) == (f"K{m}3{m}", f"{m}v1{m}", f"th{m}4_1{m}", f"{m}v2{m}")
    assert names_in("partial(r_new_list, (1, 'a',))") == ()


# `let` groups whose shared sets and lists (nested, in both orders) read names
# of the group bound after them: each must be bound once those are (what C++
# Nix 2.26 prints).
GROUPS = [
    ("let a = { x = b; y = [ c 1 ]; }; b = 2; c = 3; in a", "{ x = 2; y = [ 3 1 ]; }"),
    ("let a = [ { p = b; } [ c ] ]; b = 5; c = 6; in a", "[ { p = 5; } [ 6 ] ]"),
    (
        "let b = 1; a = { n = { m = { o = [ b c ]; }; }; }; c = 2; in a",
        "{ n = { m = { o = [ 1 2 ]; }; }; }",
    ),
    ("let a = { x = b.y; }; b = { y = c; }; c = 7; in a", "{ x = 7; }"),
    ("rec { a = { x = b; }; b = [ c ]; c = 8; }", "{ a = { x = [ 8 ]; }; b = «repeated»; c = 8; }"),
]


@pytest.mark.parametrize(("expr", "printed"), GROUPS)
def test_shared_sets_in_groups_wait_for_their_names(expr: str, printed: str) -> None:
    cwd = os.getcwd()
    try:
        status, out, err = nixls(expr, ["--strict"])
    finally:
        os.chdir(cwd)
    assert (status, out.strip(), err) == (0, printed, "")


def _captures(path: Path) -> tuple[Captures, nodes.Node]:
    text = path.read_bytes()
    result = parse(text)
    analysis = analyse_to_compile(result, str(path), False)
    _drop_analysis_only(analysis.resolved)
    compiler = Compiler(analysis.resolved, SourceText(str(path), text), str(path.parent))
    compiler.free_vars(result.root)  # makes the compiler's `Captures`
    captures = compiler._captures
    assert captures is not None
    return captures, result.root


def test_region_remembered_equals_fresh() -> None:
    # lib/default.nix's `inherit (self.x) …` and modules' `a.b = …` make grafts.
    checked = 0
    for name in ("modules.nix", "default.nix", "types.nix"):
        captures, root = _captures(LIB / name)
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.children())
            first = captures.region(node)
            assert captures.region(node) is first  # remembered
            fresh = captures._region((node.start, node.end)) if captures.grafts else first
            assert sorted(first) == sorted(fresh)
            checked += 1
    assert checked > 1000


def test_empty_looks_at_every_field_but_scalars() -> None:
    assert teardown._child_fields(nodes.Var) == ("resolution",)
    assert teardown._child_fields(nodes.StaticKey) == ()
    assert teardown._child_fields(nodes.Str) == ("parts",)
    assert teardown._child_fields(nodes.Lambda) == ("param", "formals", "body")
    assert teardown._child_fields(str) == ()
    # A string with an interpolation, emptied: no part left, the node inside too.
    result = parse(b'let x = 1; in "a${toString x}b"')
    root = result.root
    assert isinstance(root, nodes.Let)
    body = root.body
    assert isinstance(body, nodes.Str)
    inner = body.parts[1]
    assert isinstance(inner, nodes.Apply)
    teardown._empty(root)
    assert root.bindings == [] and root.body is None
    assert body.parts == [] and inner.fn is None and inner.arg is None
