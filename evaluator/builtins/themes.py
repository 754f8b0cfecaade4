"""The theme modules (the modules that declare builtins), imported one by one.

:func:`load` imports one on demand: the builtin table imports a theme
module when one of its builtins is first called. Each import is written
out, so that the evaluator's import graph sees every edge.
"""

from __future__ import annotations

from types import ModuleType

# Every module of this package that declares builtins.
# fmt: off
THEMES: tuple[str, ...] = (
    "arith", "attrs", "context", "control", "derivations", "environment", "fetchers", "flakes",
    "hashing", "imports", "io", "json", "lists", "paths", "regex", "strings", "toml", "types",
    "versions", "xml",
)
# fmt: on


def load(theme: str) -> ModuleType:
    """The theme module named ``theme`` (one of :data:`THEMES`), imported."""
    if theme == "arith":
        from evaluator.builtins import arith

        return arith
    if theme == "attrs":
        from evaluator.builtins import attrs

        return attrs
    if theme == "context":
        from evaluator.builtins import context

        return context
    if theme == "control":
        from evaluator.builtins import control

        return control
    if theme == "derivations":
        from evaluator.builtins import derivations

        return derivations
    if theme == "environment":
        from evaluator.builtins import environment

        return environment
    if theme == "fetchers":
        from evaluator.builtins import fetchers

        return fetchers
    if theme == "flakes":
        from evaluator.builtins import flakes

        return flakes
    if theme == "hashing":
        from evaluator.builtins import hashing

        return hashing
    if theme == "imports":
        from evaluator.builtins import imports

        return imports
    if theme == "io":
        from evaluator.builtins import io

        return io
    if theme == "json":
        from evaluator.builtins import json

        return json
    if theme == "lists":
        from evaluator.builtins import lists

        return lists
    if theme == "paths":
        from evaluator.builtins import paths

        return paths
    if theme == "regex":
        from evaluator.builtins import regex

        return regex
    if theme == "strings":
        from evaluator.builtins import strings

        return strings
    if theme == "toml":
        from evaluator.builtins import toml

        return toml
    if theme == "types":
        from evaluator.builtins import types

        return types
    if theme == "versions":
        from evaluator.builtins import versions

        return versions
    if theme == "xml":
        from evaluator.builtins import xml

        return xml
    raise KeyError(f"no theme module {theme!r}")
