"""`import` and `scopedImport`: evaluating other files.

Each file is parsed and compiled once per evaluation (cached in the
:class:`~evaluator.vm.context.EvalContext`), and `import` of the same file
returns the same value. Files are turned into values by the context's
:class:`~evaluator.vm.context.Loader`, which the evaluator running it installs
(:mod:`evaluator.api`, which itself depends on this package).
"""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, CtxStr, Frame, NixPath, Thunk


def _import_path(path: Any) -> Frame:
    """The absolute file name an `import` argument denotes."""
    if type(path) is Thunk:
        path = path.value if path.code is None else (yield path)
    if type(path) is NixPath:
        return path.path
    if type(path) is Attrs and "outPath" not in path and "__toString" not in path:
        raise ops.type_error(path, "a path")
    s = yield from ops.coerce_to_string(path, coerce_more=False, copy_to_store=False)
    text = str.__str__(s) if type(s) is CtxStr else s
    if not text.startswith("/"):
        raise NixError(f"string '{text}' doesn't represent an absolute path")
    return ops.canon_path(text)


@builtin("import", 1, global_=True)
def import_(path: Any) -> Frame:
    """`import path`: the value of the Nix file at `path` (`default.nix` for a directory)."""
    name = yield from _import_path(path)
    ctx = current()
    return ctx.loader.file_thunk(ctx, name)


@builtin("scopedImport", 2, global_=True)
def scoped_import(scope: Any, path: Any) -> Frame:
    """`scopedImport attrs path`: like `import`, with the names of `attrs` in scope
    (taking precedence over builtins)."""
    attrs = yield from ops.force_attrs(scope)
    name = yield from _import_path(path)
    ctx = current()
    return ctx.loader.scoped_file_frame(ctx, name, attrs)
