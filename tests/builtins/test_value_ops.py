"""Unit tests of evaluator.vm.ops, run through the test driver.

Expected values and error messages were checked with nix-instantiate 2.8.0.
"""

from __future__ import annotations

import pytest

from evaluator.vm import ops
from evaluator.vm.deep_force import deep_force
from evaluator.vm.errors import EvalTypeError, InfiniteRecursion, NixError
from evaluator.vm.values import Attrs, CtxStr, NixList, NixPath, Thunk
from tests.builtins.driver import fail, lazy, nix, pyfun, run

I64 = 1 << 63


def test_wrap_int() -> None:
    assert ops.wrap_int(I64) == -I64
    assert ops.wrap_int(I64 - 1) == I64 - 1
    assert ops.wrap_int(-I64 - 1) == I64 - 1
    assert ops.wrap_int(2 * (I64 - 1)) == -2  # 9223372036854775807 * 2


@pytest.mark.parametrize(
    "a,b,expected",
    [
        (1, 2, 3),
        (1, 2.5, 3.5),
        ("a", "b", "ab"),
        (NixPath("/tmp"), "/../x", NixPath("/x")),
        (NixPath("/tmp/a"), NixPath("/tmp/b"), NixPath("/tmp/a/tmp/b")),
        (NixPath("/a"), "/..", NixPath("/")),
        (Attrs(outPath="x"), "y", "xy"),
        (NixPath("/tmp/a"), Attrs(outPath="x"), NixPath("/tmp/ax")),
    ],
)
def test_add(a: object, b: object, expected: object) -> None:
    assert run(ops.add(a, b)) == expected


@pytest.mark.parametrize(
    "a,b,message",
    [
        (1, "a", "cannot add a string to an integer"),
        (I64 - 1, 1, "integer overflow in adding 9223372036854775807 + 1"),
        (1.5, None, "cannot add null to a float"),
        ("a", 1, "cannot coerce an integer to a string: 1"),
        (True, 1, "cannot coerce a Boolean to a string: true"),
        (None, "a", "cannot coerce null to a string: null"),
        (NixPath("/a"), 1, "cannot coerce an integer to a string: 1"),
    ],
)
def test_add_errors(a: object, b: object, message: str) -> None:
    with pytest.raises(NixError) as info:
        run(ops.add(a, b))
    assert info.value.message == message


def test_add_merges_context() -> None:
    r = run(ops.add(CtxStr("a", frozenset({"/nix/store/x"})), CtxStr("b", frozenset({"/y"}))))
    assert r == "ab" and r.context == frozenset({"/nix/store/x", "/y"})
    with pytest.raises(NixError, match="refers to a store path"):
        run(ops.add(NixPath("/a"), CtxStr("b", frozenset({"/y"}))))


def test_arith() -> None:
    assert run(ops.sub(1, 3)) == -2
    assert run(ops.sub(1.0, 1)) == 0.0 and type(run(ops.sub(1.0, 1))) is float
    assert run(ops.mul(-5, 3)) == -15
    with pytest.raises(NixError, match=r"^integer overflow in multiplying \d+ \* 2$"):
        run(ops.mul(I64 - 1, 2))
    assert run(ops.div(7, -2)) == -3
    assert run(ops.div(-7, 2)) == -3
    assert run(ops.div(7, 2.0)) == 3.5
    assert run(ops.negate(lazy(lambda: 4))) == -4
    for a, b in [(1, 0), (1.0, 0), (7.0, 0.0)]:
        with pytest.raises(NixError, match="^division by zero$"):
            run(ops.div(a, b))
    with pytest.raises(NixError, match="integer overflow in dividing"):
        run(ops.div(-I64, -1))
    with pytest.raises(EvalTypeError, match='^expected an integer but found a string: "a"$'):
        run(ops.sub(1, "a"))
    with pytest.raises(EvalTypeError, match='^expected an integer but found a string: "a"$'):
        run(ops.mul("a", 1))
    with pytest.raises(EvalTypeError, match='^expected a float but found a string: "a"$'):
        run(ops.mul(1.5, "a"))


def test_equal() -> None:
    f = pyfun(lambda x: x)
    cases = [
        (1, 1.0, True),
        (True, 1, False),
        (None, None, True),
        ("a", CtxStr("a", frozenset({"/c"})), True),
        (nix([1, [2, "x"]]), nix([1, [2, "x"]]), True),
        (nix([1, 2]), nix([1]), False),
        (nix({"a": 1}), nix({"a": 1.0}), True),
        (nix({"a": 1}), nix({"b": 1}), False),
        (f, f, False),  # top level: never equal
        (NixList([f]), NixList([f]), True),  # same element object
        (NixList([f]), NixList([pyfun(lambda x: x)]), False),
        (Attrs(x=f), Attrs(x=f), True),
        (NixPath("/a"), NixPath("/a"), True),
        (NixPath("/a"), "/a", False),
    ]
    for a, b, expected in cases:
        assert run(ops.equal(a, b)) is expected, (a, b)


def test_equal_derivations_by_out_path() -> None:
    a = nix({"type": "derivation", "outPath": "/nix/store/x", "n": 1})
    b = nix({"type": "derivation", "outPath": "/nix/store/x", "n": 2})
    c = nix({"type": "derivation", "outPath": "/nix/store/y", "n": 1})
    assert run(ops.equal(a, b)) is True
    assert run(ops.equal(a, c)) is False


def test_equal_is_lazy_and_short_circuits() -> None:
    boom = fail(NixError("boom"))
    assert run(ops.equal(NixList([1, boom]), NixList([2, boom]))) is False
    assert run(ops.equal(NixList([1]), NixList([1, boom]))) is False
    with pytest.raises(NixError, match="boom"):
        run(ops.equal(NixList([boom]), NixList([1])))


def test_equal_deep_data_does_not_recurse() -> None:
    a: object = NixList()
    b: object = NixList()
    for _ in range(100_000):
        a = NixList([a])
        b = NixList([b])
    assert run(ops.equal(a, b)) is True


SAME = "; values of that type are incomparable"  # Nix 2.26, two values of one type


def test_less_than() -> None:
    f = pyfun(lambda x: x)
    assert run(ops.less_than(1, 1.5)) is True
    assert run(ops.less_than("a", "b")) is True
    assert run(ops.less_than("é", "z")) is False
    assert run(ops.less_than(NixPath("/a"), NixPath("/b"))) is True
    assert run(ops.less_than(nix([1]), nix([2]))) is True
    assert run(ops.less_than(nix([1, 2]), nix([1]))) is False
    assert run(ops.less_than(nix([]), nix([]))) is False
    assert run(ops.less_than(nix([None]), nix([None]))) is False
    assert run(ops.less_than(NixList([f]), NixList([f]))) is False
    for a, b, msg in [
        ("a", NixPath("/a"), "cannot compare a string with a path"),
        ("a", 1, "cannot compare a string with an integer"),
        (Attrs(), Attrs(), "cannot compare a set with a set" + SAME),
        (True, False, "cannot compare a Boolean with a Boolean" + SAME),
        (None, None, "cannot compare null with null" + SAME),
        (f, pyfun(lambda x: x), "cannot compare a function with a function" + SAME),
        (nix([None]), nix([True]), "cannot compare null with a Boolean"),
    ]:
        with pytest.raises(NixError) as info:
            run(ops.less_than(a, b))
        assert info.value.message == msg


@pytest.mark.parametrize(
    "value,expected",
    [
        (1.5, "1.500000"),
        (0.1, "0.100000"),
        (123456789.0, "123456789.000000"),
        (-3, "-3"),
        (True, "1"),
        (False, ""),
        (None, ""),
        (nix([1, [2, None], True, False]), "1 2  1 "),
        (nix([[], 1, [], 2, []]), "1 2 "),
        (NixPath("/tmp/a"), "/tmp/a"),
        (Attrs(outPath=NixPath("/tmp/a")), "/tmp/a"),
    ],
)
def test_to_string(value: object, expected: str) -> None:
    assert run(ops.to_string(value)) == expected


def test_to_string_functor_and_errors() -> None:
    s = Attrs()
    s["__toString"] = pyfun(lambda self: nix([1, 2]))
    assert run(ops.to_string(s)) == "1 2"
    with pytest.raises(EvalTypeError, match="^cannot coerce a set to a string: { }$"):
        run(ops.to_string(Attrs()))
    with pytest.raises(EvalTypeError, match="^cannot coerce a function to a string: «lambda»$"):
        run(ops.to_string(pyfun(lambda x: x)))
    with pytest.raises(EvalTypeError, match="^cannot coerce an integer to a string: 1$"):
        run(ops.concat_strings(["a", 1]))


def test_select_and_type_errors() -> None:
    assert run(ops.select(nix({"a": 1}), "a")) == 1
    with pytest.raises(NixError, match="^attribute 'x' missing$"):
        run(ops.select(nix({"a": 1}), "x"))
    with pytest.raises(EvalTypeError, match='^expected a set but found a string: "s"$'):
        run(ops.select("s", "x"))
    ctx = CtxStr("s", frozenset({"/c"}))
    assert str(ops.type_error(ctx, "a set")) == (
        'expected a set but found a string with context: "s"'
    )


def test_deep_force_cycles_and_errors() -> None:
    a = Attrs()
    a["self"] = Thunk.ready(a)
    a["l"] = lazy(lambda: NixList([lazy(lambda: 3)]))
    assert run(deep_force(a)) is a
    assert a["l"].value[0].value == 3
    with pytest.raises(NixError, match="boom"):
        run(deep_force(NixList([1, NixList([fail(NixError("boom"))])])))


def test_infinite_recursion_in_driver() -> None:
    t: Thunk = lazy(lambda: ops.force(t))
    with pytest.raises(InfiniteRecursion):
        run(ops.force(t))
