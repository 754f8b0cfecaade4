"""Variables, strings, paths, search paths: the leaves of the tree.

Methods of :class:`~evaluator.compiler.codegen.Compiler`, written as functions of it
(the class takes them as attributes).
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

from evaluator.compiler.codegen_base import Step, _Fn
from evaluator.compiler.model import GlobalRef, LocalRef, ScopeKind, WithRef
from evaluator.syntax import nodes
from evaluator.vm import ops
from evaluator.vm.frames import NO_FILE
from evaluator.vm.values import Attrs, NixPath

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler


# The node types `literal` may answer for.
_LITERAL_TYPES = frozenset([nodes.Var, nodes.Int, nodes.Float, nodes.Str, nodes.Uri, nodes.Path])


def literal(self: Compiler, node: nodes.Node) -> str | None:
    """Python source for a constant node, or None."""
    t = type(node)
    if t not in _LITERAL_TYPES:
        return None  # most nodes asked (calls, selections, sets): one set lookup
    if t is nodes.Var:
        res = node.resolution  # type: ignore[attr-defined]
        if isinstance(res, GlobalRef):
            if res.name == "true":
                return "True"
            if res.name == "false":
                return "False"
            if res.name == "null":
                return "None"
        return None
    if t is nodes.Int:
        v = node.value  # type: ignore[attr-defined]
        # `0X…`: no other generated text holds a capital X, so `code_share`
        # finds integers by one memchr and a split (see `_integers`).
        return hex(v).upper() if v > 0 else repr(v)
    if t is nodes.Float:
        v = node.value  # type: ignore[attr-defined]
        return repr(v) if math.isfinite(v) else f"float('{v}')"
    if t is nodes.Str:
        parts = node.parts  # type: ignore[attr-defined]
        if all(isinstance(p, str) for p in parts):
            return repr("".join(parts))
        return None
    if t is nodes.Uri:
        return repr(node.value)  # type: ignore[attr-defined]
    if t is nodes.Path:
        parts = node.parts  # type: ignore[attr-defined]
        if all(isinstance(p, str) for p in parts):
            path = ops.canon_path(self.path_prefix("".join(parts)))
            return self.const(NixPath(path), ("path", path))
    return None


def path_prefix(self: Compiler, text: str) -> str:
    if text.startswith("/"):
        return text
    if text.startswith("~"):
        return os.environ.get("HOME", "") + text[1:]
    return self.base_dir.rstrip("/") + "/" + text


def c_var(self: Compiler, fn: _Fn, node: nodes.Var) -> Step | str:
    """The forced value of a variable: an operand at once, or (a name a
    `with` defines) a step giving it. A plain function, not a step: most
    variables need no sub-step, and a generator per variable cost ~1 µs."""
    res = node.resolution
    if isinstance(res, LocalRef):
        return self.force_var(fn, self.ref(fn, self.binding_name(res)), node)
    if isinstance(res, GlobalRef):
        g = self.global_ref(res.name)
        out = self.temp(fn)
        self.emit(fn, f"{out} = {g}", node)
        self.emit(
            fn,
            f"if type({out}) is Thunk: {out} = {out}.value"
            f" if {out}.code is None else (yield {out})",
            node,
        )
        return out
    if isinstance(res, WithRef):
        return _with_var_forced(self, fn, node, res)
    out = self.temp(fn)
    if self.scoped:
        self.emit(fn, f"{out} = r_scope_get(SCOPE, {node.name!r})", node)
        self.emit(
            fn,
            f"if type({out}) is Thunk: {out} = {out}.value"
            f" if {out}.code is None else (yield {out})",
            node,
        )
        return out
    self.emit(fn, f"raise r_undefined({node.name!r})", node)
    return "None"


def _with_var_forced(self: Compiler, fn: _Fn, node: nodes.Var, res: WithRef) -> Step:
    out = yield self.with_var(fn, node, res)
    self.emit(
        fn,
        f"if type({out}) is Thunk: {out} = {out}.value if {out}.code is None else (yield {out})",
        node,
    )
    return out


def with_var(self: Compiler, fn: _Fn, node: nodes.Var, res: WithRef) -> Step:
    """Look a name up through the `with` scopes (result unforced)."""
    envs = [self.ref(fn, self.var_name(w.node, "<with>")) for w in res.withs]
    tup = f"({', '.join(envs)},)"
    out = self.temp(fn)
    self.emit(fn, f"{out} = r_with_get({node.name!r}, {tup})", node)
    self.emit(fn, f"if {out} is SLOW: {out} = yield from r_with_lookup({node.name!r}, {tup})", node)
    return out
    yield


def shared_with_var(
    self: Compiler,
    fn: _Fn,
    node: nodes.Var,
    res: WithRef,
    name: str | None,
    at: tuple[int, int] | None,
    traced: bool,
) -> str:
    """The code of a thunk of a name a `with` defines: shared code doing what
    the generated body did (``name``, ``at``, ``traced``: see
    :func:`~.codegen_sets.shared_select`)."""
    envs = ", ".join(self.ref(fn, self.var_name(w.node, "<with>")) for w in res.withs)
    site = self.span(node.start, node.end)
    if traced and name is not None:
        own = self.span(*at) if at is not None else site
        info = self.const((site, name, own))
        return f"partial(r_with_var_attr, {node.name!r}, ({envs},), {info})"
    return f"partial(r_with_var, {node.name!r}, ({envs},), {self.const((site,))})"


def c_str(self: Compiler, fn: _Fn, node: nodes.Str) -> Step:
    parts: list[str] = []
    checks: list[str] = []
    for p in node.parts:
        if isinstance(p, str):
            parts.append(repr(p))
        else:
            op = yield self.value(fn, p)
            parts.append(op)
            checks.append(f"type({op}) is str")
    out = self.temp(fn)
    if checks:
        self.emit(fn, f"if {' and '.join(checks)}: {out} = ''.join(({', '.join(parts)},))", node)
        spans = self.const(tuple(self.interpolation_span(p) for p in node.parts))
        joined = ", ".join(parts)
        self.emit(fn, f"else: {out} = yield from o_concat_strings([{joined}], {spans})", node)
        self.emit(fn, f"if len({out}) > 4096: r_charge(len({out}))", node)
    else:
        self.emit(fn, f"{out} = ''.join(({', '.join(parts)},))", node)
    return out


def interpolation_span(self: Compiler, part: str | nodes.Node) -> tuple[Any, int, int] | None:
    """Where Nix locates an interpolated part: its ``${`` (None for text)."""
    if isinstance(part, str):
        return None
    at = self.source.text.rfind(b"${", 0, part.start)
    return self.span(at if at >= 0 else part.start, part.end)


def c_path(self: Compiler, fn: _Fn, node: nodes.Path) -> Step:
    parts: list[str] = []
    for i, p in enumerate(node.parts):
        if isinstance(p, str):
            parts.append(repr(self.path_prefix(p) if i == 0 else p))
        else:
            parts.append((yield self.value(fn, p)))
    out = self.temp(fn)
    self.emit(fn, f"{out} = yield from o_interpolate_path([{', '.join(parts)}])", node)
    return out


def lexical_ref(self: Compiler, name: str, offset: int) -> LocalRef | GlobalRef:
    """What ``name`` means at ``offset`` lexically (`with` aside): the
    innermost let/rec/function binding it, else the global."""
    resolved = self.resolved
    found: LocalRef | GlobalRef = GlobalRef(name)
    # Scopes are in pre-order, so a later enclosing scope is an inner one.
    for scope, (start, end) in zip(resolved.scopes, resolved.regions, strict=True):
        if start <= offset < end and scope.kind is not ScopeKind.WITH:
            binding = scope.bindings.get(name)
            if binding is not None:
                found = LocalRef(binding)
    return found


def search_ref(self: Compiler, fn: _Fn, res: object, node: nodes.Node) -> str:
    if isinstance(res, LocalRef):
        return self.force_var(fn, self.ref(fn, self.binding_name(res)), node)
    assert isinstance(res, GlobalRef)
    return self.global_ref(res.name)


def c_search_path(self: Compiler, fn: _Fn, node: nodes.SearchPath) -> Step:
    find_res = self.lexical_ref("__findFile", node.start)
    path_res = self.lexical_ref("__nixPath", node.start)
    find = self.search_ref(fn, find_res, node)
    nix_path = self.search_ref(fn, path_res, node)
    out = self.temp(fn)
    self.emit(fn, f"{out} = yield Call({find}, {nix_path})", node)
    self.emit(fn, f"{out} = yield Call({out}, {node.path!r})", node)
    return out
    yield


def c_cur_pos(self: Compiler, fn: _Fn, node: nodes.CurPos) -> Step:
    file, line, col = self.position(node.start)
    if file == NO_FILE:  # Nix 2.26: `-E` and stdin have no position
        return "None"
    attrs = self.const(Attrs(file=file, line=line, column=col))
    out = self.temp(fn)
    # A new set each time, as in Nix (the printer marks shared sets).
    self.emit(fn, f"{out} = Attrs({attrs})", node)
    return out
    yield


def c_error(self: Compiler, fn: _Fn, node: nodes.Error) -> Step:
    self.emit(fn, f"raise r_syntax_error({node.message!r})", node)
    return "None"
    yield
