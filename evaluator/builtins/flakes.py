"""Flake builtins of Nix 2.26 (experimental feature `flakes`), without a network.

`parseFlakeRef` and `flakeRefToString` convert between the two forms of a
flake reference (:mod:`evaluator.builtins.flakeref`). `fetchTree` and
`getFlake` work on sources already on this machine: a `path` input is read
where it is; a locked input of another type is used if its source (named by
its `narHash`) is in the store directory. Anything else would need a
download, which is a clear error naming the input.
"""

from __future__ import annotations

from typing import Any

from evaluator.builtins import flakeref
from evaluator.builtins.flake_fetch import fetch_local
from evaluator.builtins.flake_loader import load_flake
from evaluator.builtins.flakeref import FlakeAttrs, FlakeRefError
from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, CtxStr, Frame, NixPath, Thunk


def _parse(text: str) -> FlakeAttrs:
    try:
        return flakeref.parse(text)
    except FlakeRefError as e:
        raise NixError(str(e)) from None


@builtin("parseFlakeRef", 1)
def parse_flake_ref(ref: Any) -> Frame:
    """`parseFlakeRef ref`: the attribute set form of the flake reference string `ref`,
    e.g. `{ type = "github"; owner = "NixOS"; repo = "nixpkgs"; }`."""
    text = yield from ops.force_string_no_context(ref)
    return Attrs(sorted(_parse(str.__str__(text)).items()))


@builtin("flakeRefToString", 1)
def flake_ref_to_string(attrs: Any) -> Frame:
    """`flakeRefToString attrs`: the URL form of a flake reference given as a set
    (the reverse of `parseFlakeRef`)."""
    attrs = yield from ops.force_attrs(attrs)
    plain: FlakeAttrs = {}
    for name in attrs:
        value = attrs[name]
        if type(value) is Thunk and value.code is None:
            value = value.value
        if type(value) is CtxStr:
            value = str.__str__(value)
        if type(value) not in (int, bool, str):
            shown = "a thunk" if type(value) is Thunk else ops.show_type(value)
            raise NixError(
                "flake reference attribute sets may only contain integers, Booleans, and "
                f"strings, but attribute '{name}' is {shown}"
            )
        if type(value) is int and value < 0:
            raise NixError(f"negative value given for flake ref attr {name}: {value}")
        plain[name] = value
    try:
        return flakeref.unparse(plain)
    except FlakeRefError as e:
        raise NixError(str(e)) from None


def _fetch_tree_attrs(arg: Any) -> Frame:
    """The attribute form of `fetchTree`'s argument (a set or a URL string)."""
    if type(arg) is Thunk:
        arg = arg.value if arg.code is None else (yield arg)
    if type(arg) is not Attrs:
        s = yield from ops.coerce_to_string(arg, coerce_more=False, copy_to_store=False)
        text = str.__str__(s)
        if not flakeref.has_scheme(text):
            raise NixError(f"'{text}' is not a valid URL")
        return _parse(text)
    out: FlakeAttrs = {}
    for name in arg:
        value = yield from ops.force(arg[name])
        if type(value) is NixPath:
            value = value.path
        elif type(value) is CtxStr:
            value = str.__str__(value)
        if type(value) not in (int, bool, str):
            raise NixError(
                f"argument '{name}' to 'fetchTree' is {ops.show_type(value)} while a string, "
                "Boolean or integer is expected"
            )
        if type(value) is int and value < 0:
            raise NixError(f"negative value given for fetchTree attr {name}: {value}")
        out[name] = value
    if "type" not in out:
        raise NixError("attribute 'type' is missing in call to 'fetchTree'")
    return out


@builtin("fetchTree", 1, global_=True)
def fetch_tree(arg: Any) -> Frame:
    """`fetchTree input`: `{ outPath; narHash; lastModified; ... }` of a source tree given
    as a set (`{ type = "path"; path = ...; }`) or a URL (`"path:/dir"`). Here only
    sources already on this machine: a local path, or a locked input already in the
    store; anything else is an error (no network)."""
    attrs = yield from _fetch_tree_attrs(arg)
    info, _ = fetch_local(attrs)
    return info


@builtin("getFlake", 1)
def get_flake(ref: Any) -> Frame:
    """`getFlake ref`: the flake at the flake reference `ref` (e.g. "path:/dir" or
    "/dir"): its outputs, with `inputs`, `outputs`, `sourceInfo`, `outPath`, `narHash`
    and `lastModified`; inputs come from its `flake.lock` and must be on this machine."""
    text = yield from ops.force_string(ref)
    return (yield from load_flake(_parse(str.__str__(text))))
