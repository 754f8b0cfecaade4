"""`split` by Python's `finditer` when a regex Python's engine runs has
matches that are never empty and no alternatives (its iteration is then
libstdc++'s): without a frame for evaluated strings, and in the frame.
Checked against libstdc++'s iteration as the frame does it for every regex
(itself checked against C++ Nix in test_regex.py).
"""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import pytest

from evaluator.builtins import regex
from evaluator.vm.values import Frame, NixList, Thunk

_CASES = [
    (",", "1,2,,3"),
    (",", ""),
    (",", ",,,"),
    ("(a)(b)?", "xaybazab"),
    ("^a", "aaa"),
    ("a$", "aaa"),
    ("[[:space:]]+", "  foo bar  "),
    ("é", "aébéc"),
    ("(x)(y)", "xyxyx"),
    ("[0-9]+", "a1b22c333" * 20),
    ("\\.", "1.2.3"),
    ("[a-z]{2}", "abcdefg"),
]


def _iterated(pattern: str, s: str) -> Any:
    """The pieces by libstdc++'s iteration (the frame's, for every regex)."""
    frame = regex._split_matches(regex.compile_regex(pattern), regex._latin(s))
    assert type(frame) is GeneratorType
    with pytest.raises(StopIteration) as done:
        frame.send(None)  # no Pike VM: the frame asks nothing
    return done.value.value


def _frame_value(pattern: str, s: str) -> Any:
    """What the frame of `split` gives (its arguments given as thunks)."""
    frame = regex.split(Thunk(_never), Thunk(_never))
    assert type(frame) is GeneratorType
    frame.send(None)
    frame.send(pattern)
    with pytest.raises(StopIteration) as done:
        frame.send(s)
    return done.value.value


def _never() -> Frame:
    raise AssertionError("not run here")
    yield  # (a generator function: left to the loop)


def _plain(v: Any) -> Any:
    return [_plain(x) for x in v] if type(v) is NixList else v


@pytest.mark.parametrize(("pattern", "subject"), _CASES)
def test_the_plain_split_is_the_frame_s(pattern: str, subject: str) -> None:
    plain = regex.split(pattern, subject)
    assert type(plain) is NixList  # no frame
    assert _plain(plain) == _plain(_iterated(pattern, subject))
    assert _plain(_frame_value(pattern, subject)) == _plain(plain)


@pytest.mark.parametrize(
    ("pattern", "subject"),
    [
        ("a*", "baac"),  # empty matches: libstdc++'s iteration, in the frame
        ("(a)|b", "xaybz"),  # alternatives: the longest, in the frame
        ("(a+)+b", "a" * 40),  # backtracking may blow up: the Pike VM, in the frame
    ],
)
def test_other_regexes_take_the_frame(pattern: str, subject: str) -> None:
    assert type(regex.split(pattern, subject)) is GeneratorType


def test_unevaluated_arguments_take_the_frame() -> None:
    pending = Thunk(_never)
    assert type(regex.split(",", pending)) is GeneratorType
    assert type(regex.split(pending, "a,b")) is GeneratorType
    assert _plain(regex.split(Thunk.ready(","), Thunk.ready("a,b"))) == ["a", [], "b"]
