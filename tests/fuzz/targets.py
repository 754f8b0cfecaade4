"""What each fuzz target checks for one generated input.

A target returns nothing when all is well and raises :class:`Finding` with
a short description otherwise (a crash, a Python exception where a Nix
error was due, an ``internal error`` text, a budget that did not hold, an
incremental result different from the full one).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from evaluator.api import Evaluator, format_error
from evaluator.compiler import analyse
from evaluator.syntax import parse
from evaluator.vm import memory
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import BudgetExceeded, NixError
from evaluator.vm.loop import Budget
from tests.compiler.edits import random_edit
from tests.compiler.test_incremental import Editor, assert_same_as_full
from tests.syntax.test_document import assert_same_as_full_parse

TIMEOUT = 2.0
MAX_MEMORY = 256 << 20
# Slack in CPU seconds over the time budget (compiling comes before it, and
# the final collection after). CPU, not wall time: the machine may be loaded.
SLACK = 2.0
# Texts no message may contain: they mean a Python exception was not mapped.
BAD_TEXT = ("internal error", "evaluation failed:", "Traceback")


class Finding(Exception):
    """Something a target must never see."""


def parser(text: str) -> None:
    """Parsing and analysis never raise; errors are located inside the text."""
    data = text.encode("utf-8", "surrogateescape")
    try:
        result = parse(data)
        analyse(result)
    except Exception as exc:
        raise Finding(f"parser raised {type(exc).__name__}: {exc}") from exc
    for err in result.errors:
        if not 0 <= err.start <= err.end <= len(data):
            raise Finding(f"error located outside the text: {err}")


def incremental(text: str, seed: int, edits: int = 6) -> None:
    """Re-parse and re-analysis after random edits equal a full parse and analysis."""
    rng = random.Random(seed)
    try:
        editor = Editor(text.encode("utf-8", "surrogateescape"))
        for _ in range(edits):
            start, end, new = random_edit(rng, editor.doc.source)
            if editor.edit(start, end, new):
                assert_same_as_full(editor.analysis, editor.doc.source)
            assert_same_as_full_parse(editor.doc)
    except AssertionError as exc:
        raise Finding(f"incremental result differs from the full one: {exc}"[:300]) from exc
    except Exception as exc:
        raise Finding(f"incremental path raised {type(exc).__name__}: {exc}") from exc


def evaluate(text: str) -> str:
    """Evaluation under a budget ends with a value or a located Nix error, in time."""
    ctx = EvalContext(allowed_roots=["/nonexistent-fuzz-root"], allow_env=False)
    ev = Evaluator(ctx, budget=Budget(max_steps=2_000_000, timeout=TIMEOUT, max_memory=MAX_MEMORY))
    before = memory.rss() or 0
    start = time.thread_time()
    try:
        value = ev.eval_source(text, base_dir="/", strict=True)
        outcome = ev.render(value, strict=True)
    except NixError as err:
        outcome = format_error(err)
        cause = err.__cause__
        if cause is not None and not isinstance(cause, NixError | RecursionError | MemoryError):
            raise Finding(f"unmapped {type(cause).__name__}: {cause}"[:300]) from err
        if isinstance(err, BudgetExceeded) and time.thread_time() - start > TIMEOUT + SLACK:
            raise Finding(f"budget error after {time.thread_time() - start:.1f} CPU s") from err
    except Exception as exc:
        raise Finding(f"evaluation raised {type(exc).__name__}: {exc}"[:300]) from exc
    elapsed = time.thread_time() - start
    if elapsed > TIMEOUT + SLACK:
        raise Finding(f"took {elapsed:.1f} CPU s with a {TIMEOUT} s budget")
    grown = (memory.rss() or 0) - before
    if grown > MAX_MEMORY + (64 << 20):
        raise Finding(f"grew by {grown >> 20} MB with a {MAX_MEMORY >> 20} MB budget")
    for bad in BAD_TEXT:
        if bad in outcome:
            raise Finding(f"{bad!r} in {outcome[:200]!r}")
    return outcome


# The LSP target (random edit and request sequences against a running
# server) is registered by the language-server side: ``TARGETS["lsp"] = …``.
TARGETS: dict[str, Callable[..., object]] = {
    "parser": parser,
    "incremental": incremental,
    "evaluator": evaluate,
}
