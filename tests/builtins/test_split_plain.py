"""`split` without a frame: evaluated strings, a regex Python's engine runs,
whose matches are never empty and which has no alternatives (Python's
`finditer` is then libstdc++'s iteration). Checked against the frame, which
follows libstdc++'s iteration for every regex (and C++ Nix in test_regex.py).
"""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import pytest

from evaluator.builtins import regex
from evaluator.vm.values import NixList, Thunk

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


def _frame_value(regex_text: str, s: str) -> Any:
    frame = regex._split(regex_text, s)
    assert type(frame) is GeneratorType
    with pytest.raises(StopIteration) as done:
        frame.send(None)  # evaluated strings, no Pike VM: the frame asks nothing
    return done.value.value


def _plain(v: Any) -> Any:
    return [_plain(x) for x in v] if type(v) is NixList else v


@pytest.mark.parametrize(("pattern", "subject"), _CASES)
def test_the_plain_split_is_the_frame_s(pattern: str, subject: str) -> None:
    plain = regex.split(pattern, subject)
    assert type(plain) is NixList  # no frame
    assert _plain(plain) == _plain(_frame_value(pattern, subject))


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
    pending = Thunk(lambda: iter(()))  # type: ignore[arg-type, return-value]
    assert type(regex.split(",", pending)) is GeneratorType
    assert type(regex.split(pending, "a,b")) is GeneratorType
    assert _plain(regex.split(Thunk.ready(","), Thunk.ready("a,b"))) == ["a", [], "b"]
