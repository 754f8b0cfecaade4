"""`toJSON` / `--json` printing evaluated scalars inside its container loop.

Strings, numbers, Booleans and nulls already evaluated are printed where the
loop takes the next element of a list or set (they cannot fail); everything
else goes through the outer loop (forcing, nested containers, `outPath`,
`__toString`, errors and their trace). These check that the output, the
budget checks and the error traces are what the one-loop printer gave, and
that strings are quoted as Nix's writer quotes them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.api import Evaluator
from evaluator.builtins import json as nix_json
from evaluator.vm import walk
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, NixList, Thunk

# Nix 2.26's escapes (nlohmann's writer): `"` and `\`, five control characters
# by name, the others as \u00xx, every other character (DEL, non-ASCII) as it is.
_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _nix_quoted(s: str) -> str:
    out = []
    for c in s:
        if c in _NAMED:
            out.append(_NAMED[c])
        elif ord(c) < 0x20:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)))
@settings(max_examples=300, deadline=None)
def test_strings_are_quoted_as_nix_writes_them(s: str) -> None:
    assert nix_json.json_string(s) == _nix_quoted(s)


def _printed(value: Any) -> str:
    frame = nix_json.to_json(value)
    try:
        while True:
            thunk = next(frame)
            raise AssertionError(f"an evaluated value asked to force {thunk!r}")
    except StopIteration as stop:
        return str.__str__(stop.value)


scalars = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=0x2FF)),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.none(),
)


def _nix(value: Any, forced: bool) -> Any:
    """``value`` (Python JSON data) as Nix values, elements in forced thunks if ``forced``."""
    if type(value) is list:
        out: Any = NixList(_nix(v, forced) for v in value)
    elif type(value) is dict:
        out = Attrs((k, _nix(v, forced)) for k, v in value.items())
    else:
        out = value
    return Thunk.ready(out) if forced else out


@given(
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=3), inner),
        max_leaves=25,
    ),
    st.booleans(),
)
@settings(max_examples=100, deadline=None)
def test_evaluated_values_print_as_json(value: Any, forced: bool) -> None:
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert _printed(_nix(value, forced)) == expected


def test_the_budget_is_checked_every_walk_EVERY_items(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(walk, "checkpoint", lambda every, size: calls.append(every))
    # The list and its 5,000 elements: 5,001 items, a check at each 1,024th.
    assert _printed(NixList(range(5000))) == json.dumps(list(range(5000)), separators=(",", ":"))
    assert len(calls) == 5001 // walk.EVERY
    calls.clear()
    sets = NixList(Attrs(a=Thunk.ready(i), b="x") for i in range(1000))
    _printed(sets)
    assert len(calls) == (1 + 1000 * 3) // walk.EVERY


@pytest.mark.parametrize(
    "expr,trace",
    [
        # Recorded from C++ Nix 2.26.3 (`--show-trace`; the positions aside).
        (
            'builtins.toJSON [ 1 "a\\tb" true null { x = 1; y = [ 2 (throw "boom") ]; } ]',
            [
                "while calling the 'throw' builtin",
                "while evaluating list element at index 1",
                "while evaluating attribute 'y'",
                "while evaluating list element at index 4",
                "while calling the 'toJSON' builtin",
            ],
        ),
        (
            'builtins.toJSON { a = "é"; b = { c = [ false ]; d = let f = x: x; in f; }; }',
            [
                "while evaluating attribute 'd'",
                "while evaluating attribute 'b'",
                "while calling the 'toJSON' builtin",
            ],
        ),
    ],
)
def test_errors_after_printed_scalars_name_their_place(expr: str, trace: list[str]) -> None:
    with pytest.raises(NixError) as info:
        Evaluator().eval_source(expr, strict=True)
    messages = [entry[0] for entry in info.value.trace]
    assert messages == trace


def test_sets_with_out_path_and_unforced_elements_still_print() -> None:
    expr = '{ s = [ "q\\"\\\\" 3 ]; n = { z = { outPath = "o"; }; }; l = map (x: x + 1) [ 1 2 ]; }'
    ev = Evaluator()
    value = ev.eval_value(ev.source_thunk(expr, base_dir="/"), strict=False)
    assert ev.to_json(value) == '{"l":[2,3],"n":{"z":"o"},"s":["q\\"\\\\",3]}'


def test_nested_evaluated_containers_open_in_place_up_to_the_depth_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Evaluated lists and plain sets are opened by the element loop itself;
    # it keeps the depth bound the outer loop keeps.
    deep: Any = 1
    for _ in range(5):
        deep = NixList([Attrs(a=deep)])
    assert _printed(deep) == '[{"a":' * 5 + "1" + "}]" * 5
    monkeypatch.setattr(walk, "MAX_DEPTH", 6)
    with pytest.raises(NixError) as info:
        _printed(NixList([deep]))
    assert str(info.value) == str(walk.too_deep())


def test_sets_printed_as_strings_inside_evaluated_containers() -> None:
    expr = 'builtins.toJSON [ { a = { __toString = s: "t"; }; b = [ { outPath = "o"; } ]; } ]'
    assert Evaluator().eval_source(expr, strict=True) == '[{"a":"t","b":["o"]}]'
