"""Background jobs: runaway evaluations cannot exhaust the workers."""

from __future__ import annotations

import asyncio
import threading
import time

from nixls.ide.jobs import GRACE, JobRunner


def test_runaway_jobs_that_ignore_cancellation_do_not_starve_new_ones() -> None:
    release = threading.Event()  # ends the runaway threads when the test is done

    def runaway(cancel: threading.Event) -> str:
        release.wait(30)  # never looks at ``cancel``
        return "finished"

    async def scenario() -> None:
        runner = JobRunner(workers=2, max_abandoned=4)
        stuck = [
            asyncio.ensure_future(runner.run(f"doc{i}", runaway, lambda: "abandoned"))
            for i in range(2)
        ]
        await asyncio.sleep(0.05)
        assert runner.active == 2
        # Both slots are taken: a third job waits...
        third = asyncio.ensure_future(runner.run("doc3", lambda c: "third", lambda: "abandoned"))
        await asyncio.sleep(0.1)
        assert not third.done()
        # ...until the runaway jobs are cancelled and abandoned.
        started = time.monotonic()
        assert runner.cancel("doc0") + runner.cancel("doc1") == 2
        # Without abandoning, the third would wait for the runaways (30 s);
        # the bound leaves a loaded machine time for the GRACE timer to fire.
        assert await asyncio.wait_for(third, 20) == "third"
        assert GRACE - 0.05 <= time.monotonic() - started < 20
        assert [await t for t in stuck] == ["abandoned", "abandoned"]
        assert runner.active == 2  # the threads still run, but no longer hold slots

    try:
        asyncio.run(scenario())
    finally:
        release.set()


def test_a_cooperative_job_answers_its_own_result_when_cancelled() -> None:
    def polite(cancel: threading.Event) -> str:
        cancel.wait(10)
        return "stopped"

    async def scenario() -> None:
        runner = JobRunner()
        job = asyncio.ensure_future(runner.run("d", polite, lambda: "abandoned"))
        await asyncio.sleep(0.05)
        runner.cancel("d")
        assert await asyncio.wait_for(job, 5) == "stopped"
        assert runner.active == 0

    asyncio.run(scenario())


def test_a_shut_down_runner_refuses_new_jobs() -> None:
    async def scenario() -> None:
        runner = JobRunner()
        runner.shutdown()
        assert await runner.run("d", lambda c: "ran", lambda: "refused") == "refused"

    asyncio.run(scenario())


def test_a_job_stopped_while_it_waits_for_a_worker_answers_stopped() -> None:
    # An edit stops a request's evaluation before it got a worker: the
    # request must learn "stopped by the edit" (ContentModified), not see
    # itself cancelled as if its client had cancelled it (RequestCancelled).
    release = threading.Event()

    async def scenario() -> None:
        runner = JobRunner(workers=1)
        busy = asyncio.ensure_future(runner.run("other", lambda c: release.wait(10), bool))
        await asyncio.sleep(0.05)
        waiting = asyncio.ensure_future(runner.run("d", lambda c: "ran", lambda: "stopped"))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # no worker free
        assert runner.cancel("d") == 1
        # It answers at once, while the worker is still busy.
        assert await asyncio.wait_for(waiting, 20) == "stopped"
        assert not busy.done()
        release.set()
        await busy

    try:
        asyncio.run(scenario())
    finally:
        release.set()


def test_stopped_waiters_do_not_swallow_the_wake_of_a_freed_slot() -> None:
    # Four jobs wait for one worker; two are stopped by an edit. When the
    # worker frees, the next job still waiting must run (no lost wake-up).
    release = threading.Event()

    async def scenario() -> None:
        runner = JobRunner(workers=1)
        busy = asyncio.ensure_future(runner.run("busy", lambda c: release.wait(10), bool))
        await asyncio.sleep(0.05)
        waiting = [
            asyncio.ensure_future(runner.run(f"d{i}", lambda c, i=i: f"ran {i}", lambda: "stopped"))
            for i in range(4)
        ]
        await asyncio.sleep(0.05)
        assert runner.cancel("d0") + runner.cancel("d2") == 2
        release.set()
        answers = await asyncio.wait_for(asyncio.gather(*waiting), 20)
        assert answers == ["stopped", "ran 1", "stopped", "ran 3"]
        await busy

    try:
        asyncio.run(scenario())
    finally:
        release.set()
