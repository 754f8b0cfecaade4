"""The network fetchers: always an error, as evaluation here never uses the network.

(`fetchTree`, which can also fetch local sources, is in :mod:`evaluator.builtins.flakes`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.store.paths import NAME_CHARS
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Frame


def _disabled(name: str) -> Callable[[Any], Frame]:
    def fetch(args: Any) -> Frame:
        if name in ("fetchurl", "fetchTarball"):
            yield from _check_url_name(name, args)
        raise NixError(f"network access is disabled: '{name}' cannot fetch anything here")

    fetch.__doc__ = f"`{name} args`: fetch from the network (disabled in nixls: an error)."
    return fetch


fetchurl = builtin("fetchurl", 1)(_disabled("fetchurl"))
fetch_tarball = builtin("fetchTarball", 1, global_=True)(_disabled("fetchTarball"))
fetch_git = builtin("fetchGit", 1, global_=True)(_disabled("fetchGit"))
fetch_mercurial = builtin("fetchMercurial", 1, global_=True)(_disabled("fetchMercurial"))


def _check_url_name(who: str, args: Any) -> Frame:
    """Nix checks the store path name of a URL fetch before fetching: the same
    error here, where nothing is fetched."""
    args = yield from ops.force(args)
    name_given = False
    if type(args) is Attrs:
        url = str.__str__((yield from ops.force_string(args.get("url", ""))))
        name = ""
        if "name" in args:
            name_given = True
            name = str.__str__((yield from ops.force_string(args["name"])))
    else:
        url = str.__str__((yield from ops.force_string(args)))
        name = ""
    if not name:
        name = url.rstrip("/").rsplit("/", 1)[-1]
    bad = next((c for c in name if c not in NAME_CHARS), None)
    if bad is None:
        return
    if name_given:
        hint = f"Please change the value for the 'name' attribute passed to '{who}', so"
    elif type(args) is Attrs:
        hint = f"Please add a valid 'name' attribute to the argument for '{who}', so"
    else:
        hint = f"Please pass an attribute set with 'url' and 'name' attributes to '{who}',  so"
    raise NixError(
        f"invalid store path name when fetching URL '{url}': name '{name}' contains illegal"
        f" character '{bad}'. {hint} that it can create a valid store path."
    )
