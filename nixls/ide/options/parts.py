"""The option set of a flake-parts flake, found in its `flake.nix`.

A flake whose ``outputs`` returns ``X.lib.mkFlake ARGS MODULE`` is a
flake-parts flake. Its set is the ``options`` of the module system
``mkFlake`` evaluates: the flake's outputs function is called again with
the same locked inputs, except that input ``X``'s ``lib.mkFlake`` is its
``lib.evalFlakeModule`` (same arguments, the whole evaluation instead of
the flake it makes). ``perSystem`` is an option of type ``deferredModule``
in it, whose sub-options are the per-system ones (``packages``, ``apps``,
… and what imported flake modules add). A flake calling a ``mkFlake`` of
its own (flake-parts' own flake: ``lib.mkFlake`` of a ``let`` binding) is
evaluated from its text with that call renamed. Nothing here evaluates.
"""

from __future__ import annotations

from evaluator.syntax import nodes
from nixls.ide.options.exprs import flake_expr, nix_string, unchecked_options
from nixls.ide.options.paths import mkflake_call, strip

NAME = "flake-parts"


def parts_input(root: nodes.Node) -> str | None:
    """The input whose ``lib.mkFlake`` the flake calls (``flake-parts`` in
    ``flake-parts.lib.mkFlake`` or ``inputs.flake-parts.lib.mkFlake``)."""
    call = mkflake_call(root)
    if call is None:
        return None
    fn = strip(call.fn)
    while isinstance(fn, nodes.Apply):
        fn = strip(fn.fn)
    if not isinstance(fn, nodes.Select) or not isinstance(fn.expr, nodes.Var):
        return None
    keys = [k.name for k in fn.path if isinstance(k, nodes.StaticKey)]
    if len(keys) != len(fn.path) or keys[-2:] != ["lib", "mkFlake"]:
        return None
    if len(keys) == 2:
        return fn.expr.name  # an argument of `outputs`: the input itself
    return keys[0] if len(keys) == 3 else None  # `inputs.NAME.lib.mkFlake`


def parts_expr(flake_dir: str, input_name: str) -> str:
    """The expression of the set: the flake's outputs with ``mkFlake`` evaluating only."""
    name = nix_string(input_name)
    evaluated = (
        "let\n"
        f"  flake = {flake_expr(flake_dir)};\n"
        f"  parts = flake.inputs.{name};\n"
        "  evalOnly = parts // { lib = parts.lib // { mkFlake = parts.lib.evalFlakeModule; }; };\n"
        f"  outputs = (import {nix_string(flake_dir + '/flake.nix')}).outputs;\n"
        f"in outputs (flake.inputs // {{ self = flake; {name} = evalOnly; }})"
    )
    return unchecked_options(f"({evaluated})")


def own_parts_expr(flake_dir: str, source: bytes, root: nodes.Node) -> str | None:
    """The set of a flake whose ``….mkFlake`` is not an input's: its outputs
    function from its text, with ``mkFlake`` renamed ``evalFlakeModule``."""
    call = mkflake_call(root)
    fn = strip(call.fn) if call is not None else None
    while isinstance(fn, nodes.Apply):
        fn = strip(fn.fn)
    if not isinstance(fn, nodes.Select) or not isinstance(fn.path[-1], nodes.StaticKey):
        return None
    key = fn.path[-1]
    text = source[: key.start] + b"evalFlakeModule" + source[key.end :]
    evaluated = (
        f"let\n  flake = {flake_expr(flake_dir)};\n"
        f"  outputs = ({text.decode('utf-8', 'replace')}\n).outputs;\n"
        "in outputs (flake.inputs // { self = flake; })"
    )
    return unchecked_options(f"({evaluated})")
