"""Builtins that depend on the evaluation context: policy, search path, trace, fetchers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from tests.builtins.driver import py

api = pytest.importorskip("evaluator.api")

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _eval(expr: str, ctx: EvalContext) -> object:
    return api.Evaluator(ctx).eval_source(expr, base_dir=str(FIXTURES), strict=True)


def test_trace_writes_to_the_context_stderr() -> None:
    err = io.StringIO()
    ctx = EvalContext(stderr=err)
    expr = 'builtins.trace "hello" (builtins.trace { a = [ 1 ]; b = 1; c = "x"; d = 1 + 1; } 2)'
    assert _eval(expr, ctx) == 2
    # As nix-instantiate 2.8.0 prints it: unevaluated attributes are <CODE>.
    assert err.getvalue() == 'trace: hello\ntrace: { a = <CODE>; b = 1; c = "x"; d = <CODE>; }\n'


def test_get_env_follows_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIXLS_TEST_VAR", "value")
    assert _eval('builtins.getEnv "NIXLS_TEST_VAR"', EvalContext()) == "value"
    assert _eval('builtins.getEnv "NIXLS_TEST_VAR"', EvalContext(allow_env=False)) == ""


def test_reads_follow_the_policy() -> None:
    inside = EvalContext(allowed_roots=[str(FIXTURES)])
    assert _eval("builtins.readFile ./tree/hello.txt", inside) == "hello\nworld\n"
    outside = EvalContext(allowed_roots=[str(FIXTURES / "tree" / "sub")])
    with pytest.raises(NixError, match="forbidden"):
        _eval("builtins.readFile ./tree/hello.txt", outside)
    with pytest.raises(NixError, match="forbidden"):
        _eval("builtins.readDir ./tree", outside)
    assert _eval("builtins.pathExists ./tree/hello.txt", outside) is False


def test_search_path_comes_from_the_context() -> None:
    tree = str(FIXTURES / "tree")
    ctx = EvalContext(search_path=[("t", tree), ("", str(FIXTURES))])
    assert _eval("builtins.nixPath", ctx) is not None
    value = api.Evaluator(ctx).render(_eval("builtins.nixPath", ctx), strict=True)
    assert (
        value == f'[ {{ path = "{tree}"; prefix = "t"; }} {{ path = "{FIXTURES}"; prefix = ""; }} ]'
    )
    assert _eval("builtins.readFile <t/hello.txt>", ctx) == "hello\nworld\n"
    assert _eval("builtins.pathExists <tree/utf8.txt>", ctx) is True
    with pytest.raises(NixError, match="was not found in the Nix search path"):
        _eval("<nothing-here>", ctx)


def test_constants_follow_the_context() -> None:
    ctx = EvalContext(store_dir="/other/store", current_system="aarch64-darwin")
    assert py(_eval("[ builtins.storeDir builtins.currentSystem ]", ctx)) == [
        "/other/store",
        "aarch64-darwin",
    ]


@pytest.mark.parametrize(
    "expr",
    [
        'builtins.fetchurl "https://example.org/x"',
        'fetchTarball "https://example.org/x.tar.gz"',
        'fetchGit { url = "https://example.org/x"; }',
        'fetchMercurial "https://example.org/x"',
        'fetchTree { type = "git"; url = "https://example.org/x"; }',
        'fetchTree "github:NixOS/nixpkgs"',
    ],
)
def test_fetchers_are_disabled(expr: str) -> None:
    # `fetchTree` exists with the experimental feature `flakes` (as in Nix 2.26).
    ctx = EvalContext(experimental_features=frozenset({"flakes"}))
    with pytest.raises(NixError, match="network access is disabled"):
        _eval(expr, ctx)


def test_trace_filters_escapes_like_nix() -> None:
    # nix-instantiate 2.8.0 writes (to a pipe): "trace: a        bcX     tab".
    err = io.StringIO()
    expr = 'builtins.trace "a\\tb\\rc\x1b[1mX\x1b[0m\\ttab" 1'
    assert _eval(expr, EvalContext(stderr=err)) == 1
    assert err.getvalue() == "trace: a        bcX     tab\n"
