"""cold26's cold front end:

- a run of inherited bindings of one helper and source is one line
  (`codegen_tables`, ``r_inherits``) that evaluates, fails and traces as the
  lines it stands for;
- a one-shot run leaves compiled files' trees unpruned up to
  `teardown.HOLD_BYTES` of source, pruning the oldest past it; other runs
  prune as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from evaluator.compiler import codegen_tables, teardown
from evaluator.front_end import compile_source
from evaluator.vm import gc_tuning
from tests.vm.nix_oracle import nixls

_GROUPS = b"""let
  inherit ({ a = 1; b = 2; c = 3; d = 4; }) a b c d;
  inherit (builtins) head;
  inherit ({ b2 = 1; or2 = 2; }) b2 or2;
in a
"""


def _python(text: bytes) -> str:
    compiled = compile_source(text, None, "/")
    return "".join(t for t, _ in compiled.main.functions or ())


def test_a_run_of_inherited_bindings_is_one_line() -> None:
    python = _python(_GROUPS)
    assert python.count("r_inherits(") == 1  # `a b c d`; `head` and `b2 or2` are short runs
    assert python.count("Thunk(partial(r_inherit_bound,") == 3


def test_a_run_shorter_than_the_minimum_stays_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen_tables, "RUN_MIN", 5)
    python = _python(_GROUPS)
    assert "r_inherits(" not in python
    assert python.count("Thunk(partial(r_inherit_bound,") == 7


def test_only_code_run_once_per_file_gets_the_line() -> None:
    # The body of the lambda that is the file runs once per import ...
    assert "r_inherits(" in _python(b"{ s }: let inherit (s) a b c; in a")
    # ... a `let` in any other function at each call, where the lines are cheaper.
    inner = _python(b"{ s }: x: let inherit (s) a b c; in a")
    assert "r_inherits(" not in inner and inner.count("r_inherit_bound,") == 3
    assert "r_inherits(" not in _python(b"map (s: let inherit (s) a b c; in a) [ ]")


_CASES = [
    ("let inherit ({ a = 1; b = 2; c = 3; }) a b c; in a + b * c", "7"),
    ("let s = { a = 1; b = 2; }; in let inherit (s) a b c; in [ a b ]", "[ 1 2 ]"),
    ("let s = { a = 1; b = 2; }; in let inherit (s) a b c; in c", None),
    ('let inherit (throw "no source") a b c; in b', None),
    ("rec { inherit ({ a = 1; b = 2; c = 3; d = 4; }) a b c d; e = a + d; }", None),
    ("(rec { inherit ({ x = 1; }) x y z; }).y", None),
    ('let inherit ({ "a\'" = 1; b = 2; c = 3; }) "a\'" b c; in b + c', "5"),
    ("rec { inherit ({ a = 1; b = 2; c = { n = 3; }; }) a b c; d = c.n; }", None),
]


@pytest.fixture
def back_home() -> Iterator[None]:
    cwd = os.getcwd()
    yield
    os.chdir(cwd)


@pytest.mark.usefixtures("back_home")
@pytest.mark.parametrize("flags", [["--strict"], ["--strict", "--show-trace"]])
@pytest.mark.parametrize(("expr", "value"), _CASES)
def test_one_line_evaluates_and_fails_as_the_lines(
    monkeypatch: pytest.MonkeyPatch, expr: str, value: str | None, flags: list[str]
) -> None:
    assert "r_inherits(" in _python(expr.encode())
    table = nixls(expr, flags)
    monkeypatch.setattr(codegen_tables, "RUN_MIN", 10**9)
    assert "r_inherits(" not in _python(expr.encode())
    lines = nixls(expr, flags)
    assert table == lines
    if value is not None:
        assert table[:2] == (0, value + "\n")


# One deferred thunk (`big`) in a file four times its size: pruning keeps a quarter.
_FILE = (
    b"let f = x: { y = x; big = "
    + b"[ 1 2 3 4 5 6 7 8 ] " * 30
    + b"; }; "
    + b"".join(b"p%d = %d; " % (i, i) for i in range(250))
    + b"in f"
)


def _compile_many(n: int) -> list[object]:
    return [compile_source(_FILE + b" %d" % i, None, "/") for i in range(n)]


def _pruned(compiled: object) -> bool:
    compiler = compiled._compiler  # type: ignore[attr-defined]
    return compiler is not None and compiler.kept_bytes <= len(compiler.source.text)


def test_outside_a_one_shot_run_trees_are_pruned_at_once() -> None:
    assert not gc_tuning.ONE_SHOT_GC.active
    files = _compile_many(3)
    assert all(_pruned(f) for f in files)


def test_a_one_shot_run_holds_trees_up_to_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    size = len(_FILE) + 2
    monkeypatch.setattr(teardown, "HOLD_BYTES", size * 2)
    monkeypatch.setattr(gc_tuning.ONE_SHOT_GC, "active", True)
    files = _compile_many(3)
    # The third passed the bound: the oldest was pruned, the two newest are held.
    assert [_pruned(f) for f in files] == [True, False, False]
    assert len(teardown._held) == 2
    monkeypatch.setattr(gc_tuning.ONE_SHOT_GC, "active", False)
    # The run ended: the next pruning lets go of every held tree.
    more = _compile_many(1)
    assert _pruned(more[0]) and not teardown._held
    assert all(not f._compiler.hold_tree for f in files)  # type: ignore[attr-defined]
