"""`replaceStrings` without a frame where its arguments are (or plainly become) values.

`toUpper s` (`replaceStrings lowerChars upperChars s`) of a `map`'s element:
the string is a thunk of plain code, run at once (`evaluate_plain`), and the
patterns are evaluated thunks, read without a `force_string` frame each.
Expected outputs are C++ Nix 2.26.3's (``nix-instantiate --eval --strict``).
"""

from __future__ import annotations

from types import GeneratorType

import pytest

from evaluator import api
from evaluator.builtins import strings
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Frame, NixList, Thunk
from tests.cli.nixls_run import nixls


def _text(expr: str) -> str:
    proc = nixls("eval", "--strict", "-E", expr)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize(
    ("expr", "nix"),
    [
        (
            'map (builtins.replaceStrings ["1" "2"] ["a" "b"]) (map toString [1 2 3])',
            '[ "a" "b" "3" ]',
        ),
        # A replacement is forced only where its pattern matches.
        (
            'map (builtins.replaceStrings ["a"] [(throw "unused")]) (map toString [5 6])',
            '[ "5" "6" ]',
        ),
        (
            'let l = map (x: x) [ "a" "b" ]; r = [ "x" (toString 2) ]; in builtins.deepSeq [l r]'
            ' (map (builtins.replaceStrings l r) (map (x: "${x}") ["ab" "ba" "c"]))',
            '[ "x2" "2x" "c" ]',
        ),
        (
            'let l = map (x: x) [ "a" "b" ]; in builtins.seq (builtins.elemAt l 1)'
            ' (map (builtins.replaceStrings l ["x" (throw "no")]) (map toString ["a" "c"]))',
            '[ "x" "c" ]',
        ),
        (
            'builtins.tryEval (builtins.replaceStrings ["a"] ["b"] (throw "s"))',
            "{ success = false; value = false; }",
        ),
    ],
)
def test_values_as_nix_gives_them(expr: str, nix: str) -> None:
    assert _text(expr) == nix


def test_the_list_error_comes_before_the_string_s() -> None:
    # The string (a throw) is run early and its error dropped: Nix checks `from` first.
    proc = nixls("eval", "--strict", "-E", 'builtins.replaceStrings 1 [] (throw "s")')
    assert proc.returncode == 1
    assert proc.stderr.endswith(
        "… while evaluating the first argument passed to builtins.replaceStrings\n\n"
        "       error: expected a list but found an integer: 1\n"
    )


def _done(value: object) -> Thunk:
    return Thunk.ready(value)


def _never() -> Frame:
    raise AssertionError("not run here")
    yield  # (a generator function: not plain code, left to the loop)


def _pending() -> Thunk:
    """A thunk not evaluated yet (its code is never run here)."""
    return Thunk(_never)


def test_a_plain_string_thunk_needs_no_frame() -> None:
    ev = api.Evaluator()
    pats = ev.eval_source('[ "a" "b" ]', strict=True)
    reps = ev.eval_source('[ "A" "B" ]', strict=True)
    s = ev.eval_source('map toString [ "abc" ]', strict=False)[0]
    assert type(s) is Thunk and s.code is not None  # not evaluated yet
    assert strings.replace_strings(pats, reps, s) == "ABc"


def test_evaluated_pattern_thunks_are_read_in_the_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    forced: list[object] = []
    real = ops.force_string

    def counted(v: object) -> Frame:
        forced.append(v)
        return real(v)

    monkeypatch.setattr(ops, "force_string", counted)
    pats = NixList([_done("a"), _done("b")])
    reps = NixList([_done("x"), _done("y")])
    pending = _pending()  # a string still to be computed: a frame forces it
    frame = strings.replace_strings(pats, reps, pending)
    assert type(frame) is GeneratorType
    assert frame.send(None) is pending  # the only thing the frame asks the loop for
    with pytest.raises(StopIteration) as done:
        frame.send("abc")
    assert done.value.value == "xyc"
    # No `force_string` frame for the evaluated patterns, nor (lib25) for the
    # string, forced in the frame itself.
    assert forced == []


def test_an_evaluated_non_string_pattern_is_still_an_error() -> None:
    frame = strings.replace_strings(NixList([_done(1)]), NixList([_done("y")]), _pending())
    with pytest.raises(NixError, match="expected a string but found an integer: 1"):
        frame.send(None)


# C++ Nix 2.26.3's reports: an error while forcing a pattern or a matching
# replacement (any error, as Nix's `forceString` adds its entry to any).
_REPORTS = {
    'builtins.replaceStrings ["a"] [(throw "t")] "a"': (
        "error:\n"
        "       … while calling the 'replaceStrings' builtin\n"
        "         at «string»:1:1:\n"
        '            1| builtins.replaceStrings ["a"] [(throw "t")] "a"\n'
        "             | ^\n\n"
        "       … while evaluating one of the replacement strings passed to "
        "builtins.replaceStrings\n\n"
        "       … while calling the 'throw' builtin\n"
        "         at «string»:1:33:\n"
        '            1| builtins.replaceStrings ["a"] [(throw "t")] "a"\n'
        "             |                                 ^\n\n"
        "       error: t\n"
    ),
    'builtins.replaceStrings [(throw "p")] ["x"] "a"': (
        "error:\n"
        "       … while calling the 'replaceStrings' builtin\n"
        "         at «string»:1:1:\n"
        '            1| builtins.replaceStrings [(throw "p")] ["x"] "a"\n'
        "             | ^\n\n"
        "       … while evaluating one of the strings to replace passed to "
        "builtins.replaceStrings\n\n"
        "       … while calling the 'throw' builtin\n"
        "         at «string»:1:27:\n"
        '            1| builtins.replaceStrings [(throw "p")] ["x"] "a"\n'
        "             |                           ^\n\n"
        "       error: p\n"
    ),
    'builtins.replaceStrings ["a"] [1] "a"': (
        "error:\n"
        "       … while calling the 'replaceStrings' builtin\n"
        "         at «string»:1:1:\n"
        '            1| builtins.replaceStrings ["a"] [1] "a"\n'
        "             | ^\n\n"
        "       … while evaluating one of the replacement strings passed to "
        "builtins.replaceStrings\n\n"
        "       error: expected a string but found an integer: 1\n"
    ),
}


@pytest.mark.parametrize("expr", sorted(_REPORTS))
def test_errors_in_patterns_and_replacements_are_reported_as_nix_does(expr: str) -> None:
    proc = nixls("eval", "--strict", "-E", expr)
    assert proc.returncode == 1
    assert proc.stderr == _REPORTS[expr]


def test_only_matching_replacements_are_read() -> None:
    # Most of `upperChars` stays unevaluated under `toUpper` of digits: no frame,
    # and a matching replacement that is a value is used as it is.
    ev = api.Evaluator()
    pats = ev.eval_source('[ "a" "b" ]', strict=True)
    reps = NixList([_pending(), _done("B")])
    assert strings.replace_strings(pats, reps, "12") == "12"
    assert strings.replace_strings(pats, reps, "1b2b") == "1B2B"
    frame = strings.replace_strings(pats, reps, "ab")  # `a` matches: its replacement is forced
    assert type(frame) is GeneratorType
    assert frame.send(None) is reps[0]


def test_the_last_pattern_list_is_read_once() -> None:
    lower = NixList([_done("a"), _done("b")])
    upper = NixList([_done("A"), _done("B")])
    assert strings.replace_strings(lower, upper, "abc") == "ABc"
    assert strings._last_patterns[0] is lower
    assert strings.replace_strings(lower, upper, "bca") == "BcA"
    # Another list, equal or not, is read anew.
    other = NixList([_done("c"), _done("b")])
    assert strings.replace_strings(other, upper, "abc") == "aBA"
    assert strings._last_patterns[0] is other
    # A list with an element still to be evaluated is not remembered.
    waiting = NixList([_pending(), _done("b")])
    assert type(strings.replace_strings(waiting, upper, "abc")) is GeneratorType
    assert strings._last_patterns[0] is other
