"""The analysis host answers in byte offsets and plain data, without a server."""

from __future__ import annotations

import threading

import pytest

from nixls.ide.host import AnalysisHost
from nixls.ide.live import EvalPolicy
from nixls.ide.rename import RenameRefused
from nixls.ide.tokens import TOKEN_TYPES
from nixls.settings import EvalSettings
from tests.ide.edits import Edit, Pos, Range

URI = "file:///ws/t.nix"
POLICY = EvalPolicy(EvalSettings(), ["/ws"])


def evaluate(text: str, needle: str) -> tuple[str | None, str | None, tuple[int, int] | None]:
    snapshot = AnalysisHost().open(URI, text, 1)
    span = snapshot.expression_at(text.index(needle))
    assert span is not None
    outcome = snapshot.evaluate(span, POLICY, threading.Event())
    return outcome.value, outcome.error, outcome.error_at


def test_diagnostics_are_spans_with_codes() -> None:
    text = "let unused = 1; in 2\n"
    [diag] = AnalysisHost().open(URI, text, 1).diagnostics()
    assert (diag.code, text.encode()[diag.start : diag.end]) == ("unused-binding", b"unused")
    assert AnalysisHost().open(URI, text, 1).diagnostics(ignored=["unused-binding"]) == []


def test_edits_make_new_snapshots_and_old_ones_stay() -> None:
    host = AnalysisHost()
    first = host.open(URI, "let a = 1; in a\n", 1)
    edit = Edit(Range(Pos(0, 8), Pos(0, 9)), "2")
    second = host.apply(URI, [edit], 2)
    assert second is not None and second.source == b"let a = 2; in a\n"
    assert second.current and not first.current
    assert first.source == b"let a = 1; in a\n" and first.generation < second.generation
    assert host.apply("file:///ws/other.nix", [edit], 2) is None


def test_a_value_holding_an_unknown_argument_says_what_it_depends_on() -> None:
    value, error, _ = evaluate('{ x }: { a = { b = "v${x}"; c = 1; }; }\n', "a =")
    assert (value, error) == ("{ b = «depends on argument x»; c = 1; }", None)


def test_an_error_is_located_in_the_document_as_it_is() -> None:
    text = "{ n ? 2 }: let m = n + 1; in { bad = m + true; ok = m; }\n"
    value, error, where = evaluate(text, "bad")
    assert value is None and error is not None and "Boolean" in error
    # Nix 2.26 locates a failed `+` at its right operand (column 42 here).
    assert where is not None and text.encode()[where[0] : where[1]] == b"true"
    assert evaluate(text, "ok =")[0] == "3"


def test_bindings_come_from_let_rec_with_and_inherit() -> None:
    text = "let s = { q = 5; }; inherit (s) q; r = rec { a.b = q; c = a; };\nin with s; [ r.c q ]\n"
    assert evaluate(text, "r.c")[0] == "{ b = 5; }"
    assert evaluate(text, "[ r.c")[0] == "[ «set of 1 attribute» 5 ]"


def test_evaluation_targets_and_tokens_are_spans() -> None:
    text = "let a = 1; in { b = a; }\n"
    snapshot = AnalysisHost().open(URI, text, 1)
    kinds = [(t.kind, text[t.span[0] : t.span[1]]) for t in snapshot.targets()]
    assert kinds == [("root", text.strip()), ("let", "1"), ("attr", "a")]
    found = {(text[s:e], TOKEN_TYPES[t]) for s, e, t, _m in snapshot.tokens()}
    assert {("let", "keyword"), ("a", "variable"), ("b", "property"), ("1", "number")} <= found


def test_references_highlights_and_rename_are_spans() -> None:
    text = "let a = 1; b = a + a; in b\n"
    snapshot = AnalysisHost().open(URI, text, 1)
    at = text.index("a =")
    uses = [text[s:e] + f"@{s}" for s, e in snapshot.references(at)]
    assert uses == ["a@4", "a@15", "a@19"]
    assert [access.value for _s, access in snapshot.highlights(at)] == ["write", "read", "read"]
    assert [s for s, _e in snapshot.rename(at, "z")] == [4, 15, 19]
    with pytest.raises(RenameRefused, match="already defined in the same scope"):
        snapshot.rename(at, "b")
    with pytest.raises(RenameRefused, match="builtin"):
        AnalysisHost().open(URI, "map\n", 1).rename(0, "q")


def test_a_pipe_in_a_span_evaluates_only_with_the_pipe_operators_feature() -> None:
    text = "let f = x: x + 1; in { a = 1 |> f; }\n"
    snapshot = AnalysisHost().open(URI, text, 1)
    span = snapshot.expression_at(text.index("|>"))
    assert span is not None
    off = snapshot.evaluate(span, POLICY, threading.Event())
    assert off.value is None and off.error is not None and "pipe-operators" in off.error
    on = EvalPolicy(EvalSettings(experimental_features=["pipe-operators"]), ["/ws"])
    assert snapshot.evaluate(span, on, threading.Event()).value == "2"
