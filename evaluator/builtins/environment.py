"""Builtins describing the evaluation's environment: versions, system, time, `getEnv`."""

from __future__ import annotations

import time
from typing import Any

from evaluator.builtins.registry import builtin, constant, context_constant
from evaluator.vm import ops
from evaluator.vm.context import EvalContext, current
from evaluator.vm.values import Attrs, Frame, NixList

# We report the version whose behaviour we reproduce.
NIX_VERSION = constant("nixVersion", "2.26.3")
LANG_VERSION = constant("langVersion", 6)
CURRENT_SYSTEM = context_constant("currentSystem", lambda ctx: ctx.current_system)
STORE_DIR = context_constant("storeDir", lambda ctx: ctx.store_dir)
CURRENT_TIME = context_constant("currentTime", lambda ctx: int(time.time()))


def _nix_path(ctx: EvalContext) -> NixList:
    return NixList(Attrs(path=path, prefix=prefix) for prefix, path in ctx.search_path)


NIX_PATH = context_constant("nixPath", _nix_path)


@builtin("getEnv", 1)
def get_env(name: Any) -> Frame:
    """`getEnv name`: the value of environment variable `name`, or "" (the editor hides it)."""
    name = yield from ops.force_string(name)
    return current().getenv(str.__str__(name))
