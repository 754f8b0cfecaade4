"""`ops_support.type_set`: class sets whose membership test costs one probe for
every usual class, wherever the classes were allocated."""

from __future__ import annotations

import sys
from types import GeneratorType

import pytest

from evaluator.builtins.support import TAILS
from evaluator.vm.ops_support import COMMON_TYPES, type_set
from evaluator.vm.values import Call, Resume, Thunk


def _table_size(s: frozenset[object]) -> int:
    return (sys.getsizeof(s) - sys.getsizeof(frozenset())) // 16 or 8


def _one_probe(s: frozenset[object], members: list[type], common: list[type]) -> bool:
    # Every member in a slot of its own; every other tested class in a slot
    # that holds nothing, or in a member's with an empty slot next to it
    # (probed linearly: tables of 16 slots or more, not at their end).
    mask = _table_size(s) - 1
    homes = [hash(t) & mask for t in members]
    used = set(homes) | {hash(k) & mask for k in s if type(k) is int}

    def missed_at_once(t: type) -> bool:
        h = hash(t) & mask
        if h not in used:
            return True
        return h in homes and mask >= 15 and h + 9 <= mask and h + 1 not in used

    return len(set(homes)) == len(members) and all(
        missed_at_once(t) for t in common if t not in members
    )


def test_tails_hold_exactly_the_four_request_classes() -> None:
    assert {k for k in TAILS if isinstance(k, type)} == {GeneratorType, Thunk, Call, Resume}
    for t in COMMON_TYPES:
        assert (t in TAILS) == (t in (GeneratorType, Thunk))
    assert _one_probe(TAILS, [GeneratorType, Thunk, Call, Resume], list(COMMON_TYPES))


def test_no_type_is_a_padding_integer() -> None:
    s = type_set((int,), (str, float))
    assert int in s and str not in s and float not in s
    assert all(type(k) is int or k is int for k in s)


@pytest.mark.parametrize("seed", range(20))
def test_one_probe_for_classes_allocated_anywhere(seed: int) -> None:
    # Fresh classes land wherever the allocator puts them: the set is built
    # around their addresses (a plain frozenset only if every table up to
    # 8,192 slots fails: the odds are below one in a thousand).
    classes = [type(f"C{seed}_{i}", (), {}) for i in range(12 + seed)]
    members, common = classes[:4], classes[4:]
    s = type_set(members, common)
    assert all(t in s for t in members)
    assert not any(t in s for t in common)
    assert _one_probe(s, members, common)


def test_a_member_listed_among_the_common_classes_too() -> None:
    s = type_set((Thunk, GeneratorType), COMMON_TYPES)
    assert Thunk in s and GeneratorType in s and int not in s
    assert _one_probe(s, [Thunk, GeneratorType], list(COMMON_TYPES))


def test_the_pending_sets_of_loop_runtime_and_generated_code_are_one_set() -> None:
    from evaluator.compiler.codegen_globals import BASE_GLOBALS
    from evaluator.vm import loop, runtime

    pending = BASE_GLOBALS["PENDING_TYPES"]
    assert loop._TAIL_TYPES is pending and runtime._PENDING is pending
    assert {k for k in pending if isinstance(k, type)} == {Thunk, GeneratorType, Call}
    assert _one_probe(pending, [Thunk, GeneratorType, Call], list(COMMON_TYPES))
    assert type_set((Call, Thunk, GeneratorType)) is pending  # made once, whatever the order
