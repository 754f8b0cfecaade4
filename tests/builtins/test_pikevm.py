"""The linear-time matcher agrees with Python's backtracking `re`, and stays linear.

Random POSIX patterns are translated as `match`/`split` translate them, then
matched both by `re` and by the Pike VM on random subjects: the match
positions and every capture group must be the same.
"""

from __future__ import annotations

import random
import re
import time

import pytest

from evaluator.builtins import pikevm, regex
from evaluator.vm.values import Thunk
from tests.builtins.driver import run

ATOMS = ["a", "b", ".", "[ab]", "[^a]", "()", "(a)", "(b|)", "(|a)", "(a|ab)", "(ab|a)"]


def _pattern(rnd: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rnd.randint(1, 3)):
        if depth < 2 and rnd.random() < 0.3:
            atom = "(" + _pattern(rnd, depth + 1) + ")"
        else:
            atom = rnd.choice(ATOMS)
        atom += rnd.choice(["", "", "*", "+", "?", "{0,2}", "{2}"])
        parts.append(atom)
    text = "".join(parts)
    if rnd.random() < 0.2:
        text += "|" + _pattern(rnd, depth + 1)
    return text


def _cases() -> list[tuple[str, str]]:
    rnd = random.Random(4)
    out = []
    for _ in range(150):
        pattern = _pattern(rnd)
        for _ in range(3):
            out.append((pattern, "".join(rnd.choice("ab") for _ in range(rnd.randint(0, 6)))))
    return out


def test_pike_vm_agrees_with_backtracking() -> None:
    differ = []
    for pattern, subject in _cases():
        source, _ = regex.translate(pattern)
        rx = re.compile(source, re.DOTALL)
        pike = pikevm.PikeRegex(source)
        for anchored, full in ((True, True), (False, False), (True, False)):
            if full:
                want = rx.fullmatch(subject)
            elif anchored:
                want = rx.match(subject)
            else:
                want = rx.search(subject)
            got = run(pike.run(subject, 0, len(subject), anchored=anchored, full=full))
            w = None if want is None else (want.start(), want.end(), want.groups())
            g = None if got is None else (got.start(), got.end(), got.groups())
            if w != g:
                differ.append((pattern, subject, anchored, full, w, g))
    assert not differ, differ[:5]


def test_exponential_pattern_is_linear() -> None:
    # `re` needs minutes for this one; the Pike VM a fraction of a second.
    rx = regex.compile_regex("(a*)*b")
    assert rx.pike is not None
    # CPU time of this thread: load does not stretch it.
    start = time.thread_time()
    assert run(rx.fullmatch("a" * 3000 + "c")) is None
    assert time.thread_time() - start < 10


def test_pike_vm_yields_to_the_loop() -> None:
    pike = pikevm.PikeRegex(regex.translate("(a|aa)*c")[0])
    frame = pike.run("a" * 2000, 0, 2000, anchored=True, full=True)
    ticks = 0
    with pytest.raises(StopIteration):
        while True:
            request = frame.send(None)
            assert type(request) is Thunk and request.code is None
            ticks += 1
    assert ticks > 10


@pytest.mark.parametrize(
    "pattern",
    [
        "(a|ab)*",
        "((a|b)c?)+",
        "(a*)*b?",
        "(|a)+",
        "([ab]+|c)*(d)?",
        "x(y|z*)*",
        "(a|b)c*",
        "(x|y)z*|a",
    ],
)
def test_match_and_split_same_with_either_engine(
    pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rnd = random.Random(pattern)
    subjects = [
        "".join(rnd.choice("abcdxyz") for _ in range(rnd.randint(25, 60))) for _ in range(8)
    ]
    subjects += ["ab" * 20, "a" * 40, "xyzzy" * 8, "acccacccbcccccccccccccccccccccccccbc"]
    assert regex.compile_regex(pattern).pike_longest is not None
    fast = [(run(regex.match(pattern, s)), run(regex.split(pattern, s))) for s in subjects]
    monkeypatch.setattr(regex, "_SMALL_SUBJECT", 10**9)  # `re` only
    slow = [(run(regex.match(pattern, s)), run(regex.split(pattern, s))) for s in subjects]
    assert fast == slow
