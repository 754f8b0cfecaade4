"""Path-string builtins that do not touch the file system: `baseNameOf`, `dirOf`, `toPath`."""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import argument_error
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Frame, NixPath, Thunk, context_of, make_str


def base_name(path: str) -> str:
    """The last component of ``path``, ignoring one trailing slash (Nix's ``baseNameOf``)."""
    if not path:
        return ""
    last = len(path) - 1
    if path[last] == "/" and last > 0:
        last -= 1
    pos = path.rfind("/", 0, last + 1)
    pos = 0 if pos < 0 else pos + 1
    return path[pos : last + 1]


def dir_name(path: str) -> str:
    """Everything before the last slash of ``path`` (Nix's ``dirOf``)."""
    pos = path.rfind("/")
    if pos < 0:
        return "."
    return "/" if pos == 0 else path[:pos]


@builtin("baseNameOf", 1, global_=True)
def base_name_of(v: Any) -> Frame:
    """`baseNameOf s`: the part of the path or string `s` after its last slash."""
    s = yield from ops.coerce_to_string(v, coerce_more=False, copy_to_store=False)
    return make_str(base_name(str.__str__(s)), context_of(s))


@builtin("dirOf", 1, global_=True)
def dir_of(v: Any) -> Frame:
    """`dirOf s`: the directory part of the path or string `s` (a path for a path)."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    s = yield from ops.coerce_to_string(v, coerce_more=False, copy_to_store=False)
    d = dir_name(str.__str__(s))
    if type(v) is NixPath:
        return NixPath(d)
    return make_str(d, context_of(s))


@builtin("toPath", 1)
def to_path(v: Any) -> Frame:
    """`toPath s`: the absolute path string `s`, canonicalised (deprecated; a string)."""
    try:
        s = yield from ops.coerce_to_path(v)
    except NixError as err:
        argument_error(err, 0, "toPath")
        raise
    return make_str(ops.canon_path(str.__str__(s)), context_of(s))
