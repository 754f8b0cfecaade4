"""The registry's global names are exactly those C++ Nix 2.26 exposes (recorded in globals.py)."""

from __future__ import annotations

from evaluator.builtins.globals import (
    BUILTIN_NAMES,
    FEATURE_GATED,
    NIX_GLOBALS,
    PLAIN_GLOBALS,
    builtin_name_of_global,
)
from evaluator.builtins.table import GLOBALS, all_builtins


def test_every_builtin_is_registered() -> None:
    assert set(all_builtins()) == BUILTIN_NAMES | set(FEATURE_GATED)


def test_global_names_match_nix() -> None:
    all_builtins()
    assert set(GLOBALS) == NIX_GLOBALS
    for name, key in GLOBALS.items():
        assert builtin_name_of_global(name) == key


def test_plain_and_underscored_names() -> None:
    assert builtin_name_of_global("map") == "map"
    assert builtin_name_of_global("__typeOf") == "typeOf"
    assert builtin_name_of_global("typeOf") is None
    assert builtin_name_of_global("__map") is None
    assert PLAIN_GLOBALS < BUILTIN_NAMES | set(FEATURE_GATED)
    assert len(NIX_GLOBALS) == len(BUILTIN_NAMES) + len(FEATURE_GATED) == 118
