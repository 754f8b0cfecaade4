"""Configurations a flake computes rather than writes out.

``nixosConfigurations = lib.mapAttrs mkHost hosts`` (or ``genAttrs``,
``listToAttrs``, a function of a folder listing…) names its configurations
only when evaluated. Such a flake first gets one *stand-in* set per kind,
the options of its first configuration, applying to every module file its
outputs name (path literals, then their static ``imports``). When a file
asks for the stand-in, the names are evaluated in the background (lazily:
``attrNames`` forces no configuration) within a budget, and each name becomes
a set of its own, applying to the files under the flake that its evaluation
read (a second bounded evaluation per name); a configuration past the
budget keeps the stand-in's files. What was found is kept on disk for the
next server (:mod:`.names_cache`).
"""

from __future__ import annotations

import glob
import os
import threading
import time
from dataclasses import replace

from evaluator.api import CompileCache, Evaluator
from evaluator.io import ReadPolicy
from evaluator.syntax import nodes
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from evaluator.vm.loop import Budget
from evaluator.vm.values import NixList
from nixls.ide.options.exprs import flake_expr, nix_string, unchecked_options
from nixls.ide.options.names_cache import Configuration, Reads, TrackingIO
from nixls.ide.options.spec import OptionSetSpec

NAMES_SECONDS = 30.0  # for the names of one kind
FILES_SECONDS = 60.0  # for reading the module files of all the configurations of one kind
MAX_CONFIGURATIONS = 50  # configurations given sets of their own
MEMORY = 1024 * 2**20


def stand_in(
    flake_dir: str, kind: str, globs: tuple[str, ...], read_roots: tuple[str, ...]
) -> OptionSetSpec:
    """The set standing for the computed configurations of ``kind``."""
    first = (
        f"(let all = ({flake_expr(flake_dir)}).{kind}; in "
        "all.${builtins.head (builtins.attrNames all)})"
    )
    expr = unchecked_options(first)
    return OptionSetSpec(f"{kind}.*", expr, flake_dir, globs, True, read_roots, computed=kind)


def path_literals(node: nodes.Node, base: str) -> list[str]:
    """The local files a part of a flake names (``./hosts/a.nix``; a folder: its
    `default.nix`), absolute, in order, under ``base``."""
    found: list[str] = []
    for item in nodes.walk(node):
        if isinstance(item, nodes.Path) and all(isinstance(p, str) for p in item.parts):
            text = "".join(str(p) for p in item.parts)
            if text.startswith(("~", "/")):
                continue
            path = os.path.normpath(os.path.join(base, text))
            if os.path.isdir(path):
                path = os.path.join(path, "default.nix")
            if path.endswith(".nix") and os.path.basename(path) != "flake.nix":
                found.append(path)
    return list(dict.fromkeys(found))


def _evaluate(
    expr: str,
    spec: OptionSetSpec,
    policy: ReadPolicy,
    cancel: threading.Event,
    seconds: float,
    reads: Reads | None = None,
) -> tuple[object, frozenset[str]]:
    context = EvalContext(
        io=TrackingIO(policy, reads if reads is not None else Reads()),
        allow_env=False,
        environ={},
        experimental_features=frozenset({"flakes"}),
    )
    ev = Evaluator(
        context,
        budget=Budget(timeout=seconds, max_memory=MEMORY, cancel=cancel),
        compile_cache=CompileCache(max_files=4096),
        cancel=cancel,
    )
    base = spec.base_dir
    source = os.path.join(base, f"<configurations {spec.name}>")
    value = ev.force(ev.source_thunk(expr, path=source, base_dir=base))
    return value, files_read(context)


def files_read(context: EvalContext) -> frozenset[str]:
    """The files an evaluation imported, named by where they are on disk (a flake
    is evaluated from its store path, which the evaluation's I/O maps back)."""
    io = context.io
    return frozenset(io.on_disk(p) or p for p in context.import_values)


def names(
    spec: OptionSetSpec, policy: ReadPolicy, cancel: threading.Event, reads: Reads | None = None
) -> list[str]:
    """The names of the configurations ``spec`` stands for (none: they failed)."""
    expr = f"builtins.attrNames ({flake_expr(spec.base_dir)}).{spec.computed}"
    try:
        value, _files = _evaluate(expr, spec, policy, cancel, NAMES_SECONDS, reads)
    except NixError:
        return []
    found = [str(n) for n in value if isinstance(n, str)] if type(value) is NixList else []
    return found[:MAX_CONFIGURATIONS]


def _expr(spec: OptionSetSpec, name: str) -> str:
    return unchecked_options(f"({flake_expr(spec.base_dir)}).{spec.computed}.{nix_string(name)}")


def configurations(
    spec: OptionSetSpec, policy: ReadPolicy, cancel: threading.Event, reads: Reads | None = None
) -> list[Configuration]:
    """The configurations ``spec`` stands for, each with the module files its
    evaluation read (within the budget; past it, None: the stand-in's files);
    ``reads`` notes what the evaluations read."""
    out: list[Configuration] = []
    deadline = time.monotonic() + FILES_SECONDS
    for name in names(spec, policy, cancel, reads):
        own: list[str] = []
        left = deadline - time.monotonic()
        if left > 1 and not cancel.is_set():
            expr = f"builtins.attrNames ({_expr(spec, name)})"
            try:
                _value, read = _evaluate(expr, spec, policy, cancel, left, reads)
            except NixError:
                read = frozenset()
            own = sorted(p for p in read if _is_module_file(p, spec.base_dir))
        out.append((name, tuple(own) if own else None))
    return out


def specs_of(spec: OptionSetSpec, found: list[Configuration]) -> list[OptionSetSpec]:
    """One set per configuration the stand-in ``spec`` stands for."""
    out = []
    for name, own in found:
        globs = spec.files if own is None else tuple(glob.escape(p) for p in own)
        named = f"{spec.computed}.{name}"
        out.append(replace(spec, name=named, expr=_expr(spec, name), files=globs, computed=None))
    return out


def expand(spec: OptionSetSpec, policy: ReadPolicy, cancel: threading.Event) -> list[OptionSetSpec]:
    """One set per configuration ``spec`` stands for, each applying to the module
    files its evaluation read (within the budget; past it: the stand-in's files)."""
    return specs_of(spec, configurations(spec, policy, cancel))


def _is_module_file(path: str, flake_dir: str) -> bool:
    inside = path.startswith(flake_dir.rstrip(os.sep) + os.sep)
    return inside and path.endswith(".nix") and os.path.basename(path) != "flake.nix"
