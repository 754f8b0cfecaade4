"""lib26's fast paths of `genList`, `map`, `removeAttrs`, `listToAttrs` and
`match` (see docs/performance.md): values, errors and traces as C++ Nix 2.26.3
prints them (``fixtures/lib26_builtins.json``, ``record_lib26_builtins.py``),
and which calls now need no frame."""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import pytest

from evaluator.builtins import attrs, lists, regex
from evaluator.vm.values import Closure, NixList, Thunk
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output, xfail_because

CASES: list[dict[str, Any]] = load_cases(__file__, "lib26_builtins.json")

# Differences main has too (each checked equal in main's tree `bffb969`).
_EQUAL = '[ 1 { a = throw "x"; } 2 ] == [ 1 { a = 1; } 3 ]'
_KEY = 'builtins.genericClosure { startSet = [ { key = throw "key"; } ]; operator = x: [ ]; }'
_INDEX = 'builtins.elemAt [ 1 ] (1 + "a")'
KNOWN: dict[tuple[str, tuple[str, ...]], str] = {
    **{
        (expr, flags): "nixls adds \"while evaluating the attribute 'a'\" to an error"
        " of a set's value forced by a builtin (`==`, genericClosure's `key`)"
        for expr in (_EQUAL, _KEY)
        for flags in [(), ("--show-trace",)]
    },
    **{
        (_INDEX, flags): 'nixls lacks "while evaluating the second argument passed to'
        " 'builtins.elemAt'\" for a type error raised inside the index's thunk (vm/argument_trace)"
        for flags in [(), ("--show-trace",)]
    },
}


def _known(c: dict[str, Any]) -> str | None:
    return KNOWN.get((c["expr"], tuple(c["flags"])))


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_known(c))) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _lambda() -> Closure:
    def body(x: Any) -> Any:
        return x

    return Closure(body, None, False, None, None, "x")


def test_gen_list_of_evaluated_arguments_makes_no_frame() -> None:
    out = lists.gen_list(_lambda(), 3)
    assert type(out) is NixList and len(out) == 3
    assert type(lists.gen_list(_lambda(), Thunk(lambda: 3))) is GeneratorType


def test_map_takes_a_plain_coded_function_at_once() -> None:
    f = Thunk(_lambda)
    out = lists.map_(f, NixList([1, 2]))
    assert type(out) is NixList and f.code is None
    # Not for an empty list: nothing is evaluated.
    g = Thunk(_lambda)
    assert lists.map_(g, NixList()) == [] and g.code is not None


def test_remove_attrs_takes_a_plain_coded_names_list_at_once() -> None:
    from evaluator.vm.values import Attrs

    s = Attrs(a=1, b=2)
    names = Thunk(lambda: NixList(["a"]))
    assert lists is not None and attrs.remove_attrs(s, names) == {"b": 2}


@pytest.mark.parametrize(
    ("pattern", "text", "groups"),
    [("(a)(b)?", "a", ["a", None]), ("(é)(.)", "éx", ["é", "x"]), ("a", "a", [])],
)
def test_match_groups(pattern: str, text: str, groups: list[Any]) -> None:
    assert regex.match(pattern, text) == groups
