"""The network fetchers: always an error, as evaluation here never uses the network.

(`fetchTree`, which can also fetch local sources, is in :mod:`evaluator.builtins.flakes`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm.errors import NixError
from evaluator.vm.values import Frame


def _disabled(name: str) -> Callable[[Any], Frame]:
    def fetch(args: Any) -> Frame:
        raise NixError(f"network access is disabled: '{name}' cannot fetch anything here")
        yield  # pragma: no cover - makes this a generator

    fetch.__doc__ = f"`{name} args`: fetch from the network (disabled in nixls: an error)."
    return fetch


for _name, _global in [
    ("fetchurl", False),
    ("fetchTarball", True),
    ("fetchGit", True),
    ("fetchMercurial", True),
]:
    builtin(_name, 1, global_=_global)(_disabled(_name))
