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


fetchurl = builtin("fetchurl", 1)(_disabled("fetchurl"))
fetch_tarball = builtin("fetchTarball", 1, global_=True)(_disabled("fetchTarball"))
fetch_git = builtin("fetchGit", 1, global_=True)(_disabled("fetchGit"))
fetch_mercurial = builtin("fetchMercurial", 1, global_=True)(_disabled("fetchMercurial"))
