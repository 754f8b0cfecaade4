"""The stored source analysis of the builtins (:mod:`evaluator.vm.argument_spans`).

An error passing through a builtin that waits for a strictly forced
parameter asks which parameter (:mod:`evaluator.vm.argument_trace`): the
answer comes from a table made from the builtins' sources, used while a
builtin's lines are the ones it was made from; otherwise the source is read
as before. These tests check the table is current, that its answers are
the source analysis's, that an edited builtin is read again, and that a
caught error no longer imports `inspect` and `ast`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import CodeType

import pytest

from evaluator.builtins import make_argument_spans
from evaluator.vm import argument_spans, argument_trace
from tests.cli.nixls_run import nixls
from tests.cli.test_startup_lean import run


def _normal(spans: tuple[list, list, frozenset]) -> tuple[list, list, frozenset]:  # type: ignore[type-arg]
    return sorted(spans[0]), sorted(spans[1]), spans[2]


def test_the_table_is_up_to_date() -> None:
    text = make_argument_spans.TABLE_PATH.read_text(encoding="utf-8")
    assert text == make_argument_spans.render(), (
        "run: python -m evaluator.builtins.make_argument_spans"
    )


def test_every_builtin_is_answered_from_the_table_as_from_its_source() -> None:
    codes = make_argument_spans.package_builtin_codes()
    assert len(codes) > 100
    for code in codes:
        stored = argument_trace._stored(code)
        assert stored is not None, argument_trace.table_key(code)
        analysed = argument_trace.analyse(code)
        assert analysed is not None
        assert _normal(stored) == _normal(analysed[2]), argument_trace.table_key(code)


_BUILTIN = '''\
def waits(op, xs):
    """Forces its first parameter strictly."""
    force_function(op)
    for x in xs:
        yield apply_now(op, x)
'''


def _load(path: Path) -> CodeType:
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace["waits"].__code__  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize(
    ("edit", "still_stored"),
    [
        (lambda text: "import os\n\n" + text, True),  # lines above: the spans move with it
        (lambda text: text + "\n\nFOLLOWING = 1\n", True),
        (lambda text: text + "    force_int(xs)\n", False),  # a statement appended to the body
        (lambda text: text + "    # a comment\n    force_int(xs)\n", False),
        (lambda text: text.replace("force_function(op)", "force_function(xs)"), False),
        (lambda text: text.replace("    for x", "    pass\n    for x"), False),
    ],
)
def test_an_edited_builtin_is_read_from_its_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: object, still_stored: bool
) -> None:
    folder = tmp_path / "themes"
    folder.mkdir()
    path = folder / "waiting.py"
    path.write_text(_BUILTIN)
    code = _load(path)
    entry = make_argument_spans.entry(code)
    assert entry is not None
    monkeypatch.setattr(argument_spans, "SPANS", {argument_trace.table_key(code): entry})
    monkeypatch.setattr(argument_trace, "_LINES", {})
    stored = argument_trace._stored(code)
    assert stored is not None and stored[2] == frozenset({0})

    path.write_text(edit(_BUILTIN))  # type: ignore[operator]
    edited = _load(path)
    monkeypatch.setattr(argument_trace, "_LINES", {})
    stored = argument_trace._stored(edited)
    analysed = argument_trace.analyse(edited)
    assert analysed is not None
    if still_stored:
        assert stored is not None and _normal(stored) == _normal(analysed[2])
    else:
        assert stored is None


def test_a_caught_error_through_a_waiting_builtin_reads_no_source(tmp_path: Path) -> None:
    # `foldl'` waits for its operator, which it forces strictly: the throw
    # passes through it while it waits, and the trace asks which parameter.
    out, modules = run(
        tmp_path, "eval", "-E", '(builtins.tryEval (builtins.foldl\' (throw "op") 0 [ 1 ])).success'
    )
    assert out == "false\n"
    assert {"inspect", "ast", "tokenize"} & modules == set()


_UNCAUGHT = """\
error:
       … while calling the 'foldl'' builtin
         at «string»:1:1:
            1| builtins.foldl' (throw "op") 0 [ 1 ]
             | ^

       … while evaluating the first argument passed to builtins.foldlStrict

       … while calling the 'throw' builtin
         at «string»:1:18:
            1| builtins.foldl' (throw "op") 0 [ 1 ]
             |                  ^

       error: op
"""


def test_the_entry_of_an_uncaught_error_is_nix_s() -> None:
    # As C++ Nix 2.26.3 prints it.
    proc = nixls("eval", "-E", 'builtins.foldl\' (throw "op") 0 [ 1 ]')
    assert proc.returncode == 1
    assert proc.stderr == _UNCAUGHT


def test_the_waiting_opcodes_are_this_python_s() -> None:
    import opcode

    names = argument_trace._WAITING_NAMES
    expected = frozenset(opcode.opmap[n] for n in names if n in opcode.opmap)
    assert argument_trace.waiting_opcodes() == expected
    assert argument_trace._WAITING_OPCODES[sys.version_info[:2]] == expected
