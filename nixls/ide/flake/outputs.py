"""The arguments of a flake's `outputs` when the editor evaluates inside it.

In a `flake.nix`, an expression inside `outputs = { self, nixpkgs, … }: …`
gets what Nix would pass: each input as the evaluator's `getFlake` loads it
from `flake.lock` (:class:`~evaluator.builtins.flake_loader.LockedInputs`:
path inputs where they are, other locked inputs from the store; an input
missing from the lock is used if it is a local path), and `self`, the
outputs of the editor's text with the flake's source info. The source info
(`self.outPath`, `narHash`…) is computed only if asked for: it hashes the
whole flake directory.

:func:`supply` is what the flake role's supplier
(:mod:`nixls.ide.project.arguments`) gives an evaluation; it answers None
for any file that is not a flake.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from evaluator.builtins.flake_fetch import fetch_local
from evaluator.builtins.flake_loader import LockedInputs
from evaluator.builtins.support import lazy_frame
from evaluator.syntax import nodes
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Frame, Thunk
from nixls.ide.flake.lock import ReadFile, read_lock, store_dir
from nixls.ide.flake.model import FlakeModel, is_flake_file, read_model

if TYPE_CHECKING:
    from nixls.ide.scope_eval import ScopeEnv
    from nixls.ide.workspace import Unit


@dataclass
class Supply:
    """What an evaluation in a flake needs: the argument provider, what it may also
    read (the locked sources on this machine) and the store directory."""

    provide: OutputsArguments
    read_roots: list[str]
    store_dir: str


def model_of(unit: Unit) -> FlakeModel | None:
    """The flake model of ``unit`` if it is a `flake.nix` (cached with its text)."""
    if not is_flake_file(unit.path):
        return None
    key = "flake-model"
    if key not in unit.cache:
        unit.cache[key] = read_model(unit.parse_result.root, unit.analysis)
    found = unit.cache[key]
    return found if isinstance(found, FlakeModel) else None


def supply(unit: Unit, read: ReadFile) -> Supply | None:
    """The flake-outputs arguments for evaluations in ``unit`` (None: not a flake).

    ``read`` reads `flake.lock` (under the evaluation's read policy). The
    locked sources on this machine become readable for the evaluation; the
    flake's own directory only as the policy already allows.
    """
    model = model_of(unit)
    if model is None or model.outputs is None or unit.path is None:
        return None
    flake_dir = os.path.dirname(unit.path)
    lock = read_lock(flake_dir, read)
    provider = OutputsArguments(model, flake_dir, lock.data)
    return Supply(provider, lock.local_dirs(), store_dir())


class OutputsArguments:
    """Supplies the arguments of one flake's `outputs` function, for one evaluation."""

    def __init__(self, model: FlakeModel, flake_dir: str, lock: dict[str, Any] | None) -> None:
        assert model.outputs is not None
        self.fn: nodes.Lambda = model.outputs
        self.root = model.root
        self.flake_dir = flake_dir
        self.lock = lock
        self._args: Thunk | None = None

    def __call__(self, env: ScopeEnv, fn: nodes.Lambda, name: str) -> Any | None:
        """The value of argument ``name`` of ``fn``; None if ``fn`` is not `outputs`."""
        if fn is not self.fn:
            return None
        args = self._argset(env)
        if fn.param is not None and fn.param.name == name:
            return args  # `inputs@{ … }:` or `inputs:`: the whole set
        default = None
        if fn.formals is not None:
            formal = next((f for f in fn.formals.entries if f.name.name == name), None)
            if formal is not None and formal.default is not None:
                default = env.thunk(formal.default)
        return lazy_frame(_argument, args, name, default)

    def _argset(self, env: ScopeEnv) -> Thunk:
        if self._args is None:
            self._args = lazy_frame(self._build, env)
        return self._args

    def _build(self, env: ScopeEnv) -> Frame:
        """`{ self; <input> … }` as `getFlake` would pass them."""
        top = yield from ops.force_attrs(env.thunk(self.root))
        specs = Attrs()
        if "inputs" in top:
            specs = yield from ops.force_attrs(top["inputs"])
        loader = LockedInputs(self.lock, self.flake_dir)
        key = loader.root if self.lock is not None else None
        inputs = Attrs(
            (name, lazy_frame(loader.input_value, key, name, specs[name], self.flake_dir))
            for name in sorted(specs)
        )
        cell: list[Thunk] = []
        args = Attrs(sorted([*inputs.items(), ("self", Thunk(partial(_deref, cell)))]))
        outputs = lazy_frame(ops.call, top["outputs"], args)
        info = lazy_frame(_source_info, self.flake_dir)
        cell.append(lazy_frame(_self, outputs, info, inputs))
        return args


def _deref(cell: list[Thunk]) -> Frame:
    return (yield cell[0])


def _argument(args: Thunk, name: str, default: Thunk | None) -> Frame:
    got = yield from ops.force_attrs(args)
    if name in got:
        return (yield from ops.force(got[name]))
    if default is not None:
        return (yield default)
    raise NixError(f"flake input '{name}' is not declared in `inputs`")


def _source_info(flake_dir: str) -> Frame:
    """The flake's source info (hashes the whole directory, so only on demand)."""
    info, _ = fetch_local({"type": "path", "path": flake_dir})
    return info
    yield  # a generator frame


def _info_attr(info: Thunk, name: str) -> Frame:
    got = yield from ops.force_attrs(info)
    if name not in got:
        raise NixError(f"attribute '{name}' missing")
    return (yield from ops.force(got[name]))


def _self(outputs: Thunk, info: Thunk, inputs: Attrs) -> Frame:
    """`self`: the outputs, with the source info, `inputs`, `outputs` and `_type`."""
    forced = yield from ops.force_attrs(outputs)
    merged: dict[str, Any] = dict(forced)
    for name in ("lastModified", "lastModifiedDate", "narHash", "outPath"):
        merged[name] = lazy_frame(_info_attr, info, name)
    merged["sourceInfo"] = info
    merged["inputs"] = inputs
    merged["outputs"] = forced
    merged["_type"] = "flake"
    return Attrs(sorted(merged.items()))
