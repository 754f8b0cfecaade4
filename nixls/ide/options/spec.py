"""Which option sets exist and which one applies to a file.

An option set is declared in ``nixls.toml`` (``[options.NAME]``) or in the
editor setting ``nixls.options`` as ``{expr, files}``: ``expr`` is any Nix
expression whose value is a module system's ``options`` (relative paths in
it are relative to the declaring file), ``files`` are globs of the module
files it applies to (relative to the same place; none: every module file).
A file names its set itself with ``# nixls: options=NAME`` in its first
lines.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluator.syntax import nodes
from nixls.ide.options.paths import strip

DIRECTIVE = re.compile(rb"#\s*nixls:\s*options\s*=\s*([A-Za-z0-9_.\-]+)")
DIRECTIVE_LINES = 5  # the directive counts only in a file's first lines
# Formals that make a function a module (a helper file takes `lib` or `pkgs` too).
MODULE_ARGUMENTS = frozenset({"config", "options", "modulesPath", "osConfig"})


@dataclass(frozen=True)
class OptionSetSpec:
    """One declared option set."""

    name: str
    expr: str
    base_dir: str  # relative paths in ``expr`` and ``files`` start here
    files: tuple[str, ...] = ()  # absolute glob patterns; empty: every module file
    # Found in a workspace flake (:mod:`.auto`): evaluated with the ``flakes``
    # feature, reading ``read_roots`` too; any explicit set wins over it.
    auto: bool = False
    read_roots: tuple[str, ...] = ()
    # A stand-in for the configurations of this kind a flake computes
    # (:mod:`.computed`): replaced by one set per name once they are evaluated.
    computed: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the evaluation (a changed expression is a new set)."""
        return (self.name, self.expr, self.base_dir)


def specs_from_settings(
    raw: Mapping[str, Any], default_base: str
) -> tuple[list[OptionSetSpec], list[str]]:
    """The sets of the ``options`` setting and a message for each bad entry.

    Entries that came from ``nixls.toml`` carry their file's folder as
    ``base``; the editor's own entries are relative to ``default_base``.
    """
    specs: list[OptionSetSpec] = []
    problems: list[str] = []
    for name, entry in sorted(raw.items()):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("expr"), str):
            problems.append(f"option set '{name}': expected {{ expr = \"…\", files = [...] }}")
            continue
        files = entry.get("files", [])
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            problems.append(f"option set '{name}': 'files' must be an array of strings")
            continue
        base = entry.get("base") if isinstance(entry.get("base"), str) else default_base
        globs = tuple(os.path.normpath(os.path.join(str(base), f)) for f in files)
        specs.append(OptionSetSpec(str(name), entry["expr"], str(base), globs))
    return specs, problems


def directive(source: bytes) -> str | None:
    """The set a file names in its first lines (``# nixls: options=NAME``)."""
    head = b"\n".join(source.split(b"\n", DIRECTIVE_LINES)[:DIRECTIVE_LINES])
    found = DIRECTIVE.search(head)
    return found.group(1).decode() if found else None


def is_module(root: nodes.Node) -> bool:
    """Whether a file's expression looks like a module: a function taking
    ``...`` or arguments only modules get (``config``, ``options``) whose body
    is a set, or a set with ``options``/``config``/``imports``."""
    node = strip(root)
    if isinstance(node, nodes.Lambda):
        formals = node.formals
        if formals is None:
            return False
        names = {f.name.name for f in formals.entries}
        # The module system passes every argument (`config`, `options`, `lib`…): a
        # module takes `...` or names them; `{ lib }:` or `{ lib, pkgs }:` is a helper.
        return (formals.ellipsis or bool(names & MODULE_ARGUMENTS)) and isinstance(
            strip(node.body), nodes.AttrSet
        )
    if isinstance(node, nodes.AttrSet):
        keys = {
            b.path[0].name
            for b in node.bindings
            if isinstance(b, nodes.AttrDef) and isinstance(b.path[0], nodes.StaticKey)
        }
        return bool(keys & {"options", "config", "imports"})
    return False


def spec_for(
    path: str | None, source: bytes, root: nodes.Node, specs: list[OptionSetSpec]
) -> OptionSetSpec | None:
    """The option set that applies to a file, if any.

    The file's directive wins; then an explicit set whose ``files`` match
    the file; then, for a file that looks like a module, the first explicit
    set without ``files``; then the first automatic set listing the file.
    """
    named = directive(source)
    if named is not None:
        return next((s for s in specs if s.name == named), None)
    explicit = [s for s in specs if not s.auto]
    found = _by_files(path, explicit)
    if found is None and is_module(root):
        found = next((s for s in explicit if not s.files), None)
    return found or _by_files(path, [s for s in specs if s.auto])


def _by_files(path: str | None, specs: list[OptionSetSpec]) -> OptionSetSpec | None:
    if path is None:
        return None
    absolute = os.path.abspath(path)
    return next((s for s in specs if any(fnmatch.fnmatchcase(absolute, g) for g in s.files)), None)
