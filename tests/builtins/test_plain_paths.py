"""The builtins that answer at once for evaluated arguments (no frame), and the
frames they fall back to: a frame is named for its builtin's trace entry.

What they compute is compared with C++ Nix in ``fixtures/nix226/hot26.json``
(test_nix226.py); here, that the fast path is taken where it should be and
left where it must be.
"""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import pytest

from evaluator import api
from evaluator.builtins import control, json, lists, regex, strings, types
from evaluator.vm import call_trace
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, CtxStr, NixList, Thunk


def _pending() -> Thunk:
    """A thunk not evaluated yet."""
    return Thunk(lambda: 1)


def _done(value: Any) -> Thunk:
    return Thunk.ready(value)


PREDICATES = [
    (types.is_attrs, "isAttrs", Attrs(), True),
    (types.is_list, "isList", NixList(), True),
    (types.is_string, "isString", CtxStr("s", frozenset({"x"})), True),
    (types.is_int, "isInt", True, False),  # a Boolean is no integer
    (types.is_bool, "isBool", False, True),
    (types.is_null, "isNull", None, True),
    (types.is_float, "isFloat", 1, False),
    (types.is_function, "isFunction", types.is_function, False),  # a Python function is no value
    (types.type_of, "typeOf", 1.5, "float"),
]


@pytest.mark.parametrize(("fn", "name", "value", "expected"), PREDICATES)
def test_predicates_answer_at_once_and_force_in_a_named_frame(
    fn: Any, name: str, value: Any, expected: Any
) -> None:
    assert fn(value) == expected
    assert fn(_done(value)) == expected
    frame = fn(_pending())
    assert type(frame) is GeneratorType
    assert call_trace._BUILTIN_CODES[frame.gi_code] == name
    frame.close()


def test_each_predicate_frame_has_its_own_code() -> None:
    codes = {types.is_attrs(_pending()).gi_code, types.is_list(_pending()).gi_code}
    assert len(codes) == 2


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: strings.substring(1, 2, "abcd"), "bc"),
        (lambda: strings.substring(_done(1), -1, _done("abcd")), "bcd"),
        (lambda: strings.string_length("é"), 2),
        (lambda: strings.to_string(12), "12"),
        (lambda: strings.to_string(None), ""),
        (lambda: strings.concat_strings_sep(",", NixList(["a", _done("b")])), "a,b"),
        (lambda: strings.replace_strings(NixList(["a"]), NixList(["b"]), "aa"), "bb"),
        (lambda: lists.elem(1, NixList(["1", 2, 1.0])), True),
        (lambda: lists.elem("a", NixList([Attrs(outPath="a")])), False),
        (lambda: control.seq(1, _done(2)), 2),
        (lambda: regex.match("a(b)", "ab"), NixList(["b"])),
    ],
)
def test_plain_answers(call: Any, expected: Any) -> None:
    out = call()
    assert type(out) is not GeneratorType
    assert out == expected


@pytest.mark.parametrize(
    ("call", "name"),
    [
        # Something to force, or an error to report: the builtin's own frame.
        (lambda: strings.substring(-1, 2, "abc"), "substring"),
        (lambda: strings.substring(1, 2, _pending()), "substring"),
        (lambda: strings.string_length(1), "stringLength"),
        (lambda: strings.to_string(NixList()), "toString"),
        (lambda: strings.concat_strings_sep(",", NixList(["a", _pending()])), "concatStringsSep"),
        (lambda: strings.concat_strings_sep(",", NixList(["a", 1])), "concatStringsSep"),
        (lambda: strings.replace_strings(NixList(["a"]), NixList([]), "a"), "replaceStrings"),
        (lambda: lists.elem(1, NixList([2, _pending()])), "elem"),
        (lambda: control.seq(1, _pending()), "seq"),
        (lambda: control.seq(_pending(), 2), "seq"),
        (lambda: regex.match("(", "a"), "match"),
    ],
)
def test_frames_otherwise(call: Any, name: str) -> None:
    frame = call()
    assert type(frame) is GeneratorType
    assert call_trace._BUILTIN_CODES[frame.gi_code] == name
    frame.close()


def test_elem_stops_at_the_first_equal_element() -> None:
    # An element after the match is never looked at (here: never forced).
    assert lists.elem("b", NixList(["a", "b", _pending()])) is True


def _to_json(text: str) -> str:
    ev = api.Evaluator()
    return str(ev.render(ev.eval_source(f"builtins.toJSON ({text})", strict=True)))


def test_json_names_are_remembered_without_changing_the_text() -> None:
    first = _to_json('{ "a b" = 1; "q\\"" = [ { "a b" = 2; } ]; }')
    assert first == _to_json('{ "a b" = 1; "q\\"" = [ { "a b" = 2; } ]; }')
    assert first == '"{\\"a b\\":1,\\"q\\\\\\"\\":[{\\"a b\\":2}]}"'


def test_json_utf8_error_is_nlohmanns() -> None:
    err = json.utf8_error("a" + b"\xc3".decode("utf-8", "surrogateescape") + "b")
    assert err is not None
    assert err.message.endswith("invalid UTF-8 byte at index 2: 0x62")
    err = json.utf8_error(b"\xe2\x98".decode("utf-8", "surrogateescape"))
    assert err is not None
    assert err.message.endswith("incomplete UTF-8 string; last byte: 0x98")
    assert json.utf8_error("é☃") is None
    with pytest.raises(NixError, match="incomplete UTF-8"):
        json.json_string(b"\xc3".decode("utf-8", "surrogateescape"))
