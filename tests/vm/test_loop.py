"""The evaluation loop driven by hand-written frames (no parser needed)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from evaluator.vm.budget import charge
from evaluator.vm.errors import (
    BudgetExceeded,
    Cancelled,
    CatchableError,
    EvalTypeError,
    InfiniteRecursion,
    ThrownError,
)
from evaluator.vm.loop import Budget, call, force, run
from evaluator.vm.values import Attrs, Call, Closure, Frame, PrimOp, PrimOpApp, Thunk


def _force(v: Any) -> Frame:
    if type(v) is Thunk:
        return v.value if v.code is None else (yield v)
    return v


def _const(value: Any) -> Any:
    def body() -> Frame:
        return value
        yield

    return body


def test_nontail_recursion_to_depth_100000_with_default_recursion_limit() -> None:

    def count_body(n: Any) -> Frame:
        n = yield from _force(n)
        if n == 0:
            return 0

        def pred() -> Frame:
            return n - 1
            yield

        rest = yield Call(count, Thunk(pred))
        return rest + 1

    count = Closure(count_body)
    assert call(count, 100_000) == 100_000


def test_tail_calls_and_tail_thunks_do_not_grow_the_stack() -> None:
    def loop_body(n: Any) -> Frame:
        if n == 0:
            return Thunk(_const("done"))
        return Call(loop, n - 1)
        yield

    loop = Closure(loop_body)
    assert call(loop, 200_000) == "done"


def test_thunk_is_evaluated_once_and_stores_its_value() -> None:
    runs = []

    def body() -> Frame:
        runs.append(1)
        return 42
        yield

    t = Thunk(body)
    assert force(t) == 42
    assert force(t) == 42
    assert runs == [1]
    assert t.code is None and t.value == 42


def test_tail_thunk_chain_updates_every_thunk() -> None:
    inner = Thunk(_const(7))

    def outer_body() -> Frame:
        return inner
        yield

    outer = Thunk(outer_body)
    assert force(outer) == 7
    assert outer.done and inner.done and inner.value == 7


def test_self_reference_is_infinite_recursion_and_thunk_is_restored() -> None:
    def body() -> Frame:
        return (yield t)

    t = Thunk(body)
    with pytest.raises(InfiniteRecursion) as info:
        force(t)
    assert info.value.message == "infinite recursion encountered"
    assert t.code is body  # restored: forcing again fails the same way
    with pytest.raises(InfiniteRecursion):
        force(t)


def test_errors_are_thrown_into_the_waiting_frame() -> None:
    def thrower() -> Frame:
        raise ThrownError("boom")
        yield

    def try_eval() -> Frame:
        try:
            value = yield Thunk(thrower)
        except CatchableError as e:
            return ("caught", e.message)
        return value

    assert run(try_eval()) == ("caught", "boom")


def test_failed_thunk_is_retried_when_forced_again() -> None:
    attempts = []

    def flaky() -> Frame:
        attempts.append(1)
        if len(attempts) == 1:
            raise ThrownError("first time")
        return "second"
        yield

    t = Thunk(flaky)
    with pytest.raises(ThrownError):
        force(t)
    assert force(t) == "second"


def test_builtins_collect_arguments_until_arity() -> None:
    def add3(a: Any, b: Any, c: Any) -> Frame:
        a = yield from _force(a)
        b = yield from _force(b)
        c = yield from _force(c)
        return a + b + c

    op = PrimOp("add3", 3, add3)
    partial = call(op, 1)
    assert type(partial) is PrimOpApp and partial.args == (1,)
    partial = call(partial, 2)
    assert call(partial, Thunk(_const(3))) == 6


def test_functor_sets_are_callable() -> None:
    def functor_body(self_: Any) -> Frame:
        def inner(x: Any) -> Frame:
            s = yield from _force(self_)
            base = yield from _force(s["base"])
            return base + x
            yield

        return Closure(inner)
        yield

    s = Attrs(base=10, __functor=Thunk(_const(Closure(functor_body))))
    assert call(s, 5) == 15


def test_calling_a_non_function_is_a_type_error() -> None:
    with pytest.raises(EvalTypeError) as info:
        call(Attrs(a=1), 1)
    assert info.value.message == (
        "attempt to call something which is not a function but a set: { a = 1; }"
    )


def _forever() -> Frame:
    def spin(n: Any) -> Frame:
        return Call(spinner, n + 1)
        yield

    spinner = Closure(spin)
    return (yield Call(spinner, 0))


def test_step_budget() -> None:
    budget = Budget(max_steps=5000)
    with pytest.raises(BudgetExceeded) as info:
        run(_forever(), budget)
    assert info.value.message == "evaluation budget exceeded (steps)"
    assert 5000 < budget.steps <= 5010


def test_time_budget() -> None:
    # The budget is wall time; how soon after it the loop stops is measured
    # in this thread's CPU time (what a loaded machine does not stretch). A
    # loop that ignored the clock would meet the steps budget instead.
    start = time.thread_time()
    with pytest.raises(BudgetExceeded) as info:
        run(_forever(), Budget(timeout=0.1, max_steps=50_000_000))
    assert info.value.message == "evaluation budget exceeded (time)"
    assert time.thread_time() - start < 1.0


def test_memory_budget() -> None:
    def allocator() -> Frame:
        total = []
        while True:
            charge(1000)
            total.append((yield Thunk(_const(1))))

    with pytest.raises(BudgetExceeded) as info:
        run(allocator(), Budget(max_memory=50_000))
    assert info.value.message == "evaluation budget exceeded (memory)"


def test_cancellation_from_another_thread_within_50ms() -> None:
    # Measured in the worker's own CPU time from the moment the flag is set:
    # how much evaluation runs before the loop notices, whatever the machine's
    # load does to wall-clock time (a descheduled thread runs nothing).
    flag = threading.Event()
    outcome: dict[str, Any] = {}
    running = threading.Event()

    def worker() -> None:
        running.set()
        try:
            run(_forever(), cancel=flag)
        except Cancelled as e:
            outcome["stopped"] = time.thread_time()
            outcome["message"] = e.message

    thread = threading.Thread(target=worker)
    thread.start()
    running.wait(5)
    clock = time.pthread_getcpuclockid(thread.ident or 0)
    while time.clock_gettime(clock) < 0.1:  # well into the loop
        time.sleep(0.01)
    asked = time.clock_gettime(clock)
    flag.set()
    thread.join(60)
    assert outcome["message"] == "evaluation cancelled"
    assert 0 <= outcome["stopped"] - asked < 0.05, outcome["stopped"] - asked


def test_plain_function_bodies_need_no_frame() -> None:
    # A thunk or lambda body that never waits may be a plain function.
    t = Thunk(lambda: 5)
    assert force(t) == 5 and t.done
    inner = Thunk(_const(6))
    tail = Thunk(lambda: inner)  # returns a thunk: evaluated in its place
    assert force(tail) == 6 and tail.done and inner.done
    double = Closure(lambda x: Call(Closure(lambda y: y * 2), x))  # returns a tail call
    assert call(double, 21) == 42

    def caller() -> Frame:
        # Generated code yields whatever a lambda's code returned.
        return (yield double.code(4))

    assert run(caller()) == 8


def test_plain_body_errors_restore_the_thunk() -> None:
    calls = []

    def body() -> Any:
        calls.append(1)
        raise ThrownError("plain failure")

    t = Thunk(body)
    with pytest.raises(ThrownError):
        force(t)
    assert t.code is body
    with pytest.raises(ThrownError):
        force(t)
    assert len(calls) == 2
