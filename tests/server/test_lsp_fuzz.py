"""The LSP fuzz target (:mod:`tests.server.lsp_fuzz`), bounded for CI.

A fixed seed and a few cases (a few seconds); ``NIXLS_FUZZ_LSP_CASES``
runs more, ``python -m tests.server.lsp_fuzz --cases N`` a long run.
"""

from __future__ import annotations

import os

import pytest

from tests.server.harness import Session
from tests.server.lsp_fuzz import run

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"diagnostics": {"debounceMs": 0}, "hover": {"waitMs": 200}}}


async def test_random_edits_and_requests(session: Session) -> None:
    cases = int(os.environ.get("NIXLS_FUZZ_LSP_CASES", "6"))
    await run(session, cases, seed=17)
