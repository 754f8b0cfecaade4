"""The names a Nix file can use without defining them (C++ Nix 2.26).

One source of truth: the builtins' own table (recorded from
``nix-instantiate``), re-exported for the compiler.
"""

from __future__ import annotations

from evaluator.builtins.globals import NIX_GLOBALS

__all__ = ["NIX_GLOBALS"]
