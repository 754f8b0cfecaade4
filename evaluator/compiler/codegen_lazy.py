"""Code generated when first run: deferred thunks and deferred lambda bodies.

A thunk whose Nix source is longer than :data:`DEFER_BYTES` becomes a unit
of its own, generated when first forced; a lambda whose body is longer than
:data:`LAMBDA_DEFER_BYTES` has its body function (argument checks and
body) generated when first called, the closure made as before: its formals,
name and span are known from the tree. Most functions of a large file are
never called in one evaluation (71% on home-manager), and generating and
compiling them was a third of a cold run.

Methods of :class:`~evaluator.compiler.codegen.Compiler`, written as functions of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.compiler.bindings import unparen
from evaluator.compiler.codegen_base import NAME_MARK, Step, _drive, _Fn, _Lazy
from evaluator.syntax import nodes
from evaluator.vm.values import Attrs

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

# A thunk whose Nix source is longer than this (bytes) is compiled, to
# Python source and then to bytecode, only when first forced: one
# evaluation uses a small part of a big file (nixpkgs' lib, for one).
DEFER_BYTES = 400
# A lambda whose body's source is longer than this has its body generated
# when first called.
LAMBDA_DEFER_BYTES = 400


def lazy_new(
    self: Compiler,
    fn: _Fn,
    node: nodes.Node,
    limit: int,
    name: str | None,
    at: tuple[int, int] | None,
) -> Step | _Lazy:
    """A thunk of new code for ``node``: deferred (a :class:`_Lazy` at
    once) or a step giving it."""
    descr = f"while evaluating the attribute '{name}'" if name is not None else None
    child = self.new_fn("th", fn, descr, node)
    child.descr_at = at
    # A lambda deferring its body: the thunk only makes the closure.
    if node.end - node.start > limit and not defers_body(node):
        # Compiled when first forced; its captures are known from the tree.
        defer(self, child, node, name)
        return _Lazy(f"Thunk({self.fnref(fn, child)})", child)
    return thunk_body(self, fn, child, node, name)


def thunk_body(self: Compiler, fn: _Fn, child: _Fn, node: nodes.Node, name: str | None) -> Step:
    if type(node) is nodes.Lambda and name is not None:
        # Nix names a function after the attribute it is bound to.
        expr = yield self.lambda_(child, node, name)  # type: ignore[arg-type]
        self.emit(child, f"return {expr}", node)
    else:
        yield self.tail(child, node)
    return _Lazy(f"Thunk({self.fnref(fn, child)})", child)


def defer(self: Compiler, child: _Fn, node: nodes.Node, name: str | None) -> None:
    """Make ``child`` a deferred root (generated as a unit of its own later)."""
    child.deferred = (node, name)
    for p in self.free_vars(node):
        child.captures[p] = None
    self.deferred[child.name.replace(NAME_MARK, "")] = child


def defers_body(node: nodes.Node) -> bool:
    """Whether ``node`` is a lambda whose body is generated when first called
    (not one whose body is a lambda: that one defers its own)."""
    if type(node) is not nodes.Lambda:
        return False
    body = unparen(node.body)  # type: ignore[attr-defined]
    return body.end - body.start > LAMBDA_DEFER_BYTES and type(body) is not nodes.Lambda


def defer_lambda(self: Compiler, fn: _Fn, node: nodes.Lambda, name: str | None) -> str | None:
    """The closure of ``node`` with its body deferred (its function a
    deferred root), or None when the body is to be generated now."""
    again = self.again
    if again is not None and again.node is node or not defers_body(node):
        return None
    descr = f"while calling '{name}'" if name else "while calling anonymous lambda"
    child = self.new_fn("lam", fn, descr, node)
    defer(self, child, node, name)
    child.lambda_body = True
    formals_const, ellipsis = "None", False
    if node.formals is not None:
        ellipsis = node.formals.ellipsis
        formals_const = self.const(formals_value(self, node.formals))
    name_src = repr(name) if name else "None"
    span = self.const(self.span(node.start, node.end))
    param = f", {node.param.name!r}" if node.param is not None else ""
    return (
        f"Closure({self.fnref(fn, child)}, {formals_const}, {ellipsis}, {name_src}, {span}{param})"
    )


def formals_value(self: Compiler, formals: nodes.Formals) -> Attrs:
    """A closure's formals: name → has a default (the first of a repeated
    name), with the names' positions for `functionArgs`."""
    seen: dict[str, bool] = {}
    for formal in formals.entries:
        seen.setdefault(formal.name.name, formal.default is not None)
    value = Attrs(seen)
    value.positions = {f.name.name: self.position(f.name.start) for f in reversed(formals.entries)}
    return value


def generate_deferred(self: Compiler, fn: _Fn, node: nodes.Node, lambda_name: str | None) -> None:
    """Generate the code of deferred root ``fn`` (a thunk or a lambda's body)."""
    if fn.lambda_body:
        # `lambda_` again, its body function being ``fn`` (see `Compiler.new_fn`);
        # the closure it makes for a throwaway parent is not used.
        self.again = fn
        _drive(self.lambda_(_Fn("", None, None, node), node, lambda_name))  # type: ignore[arg-type]
        if self.again is not None:
            raise AssertionError(f"deferred lambda {fn.name} not generated")
    elif type(node) is nodes.Lambda and lambda_name is not None:
        expr = _drive(self.lambda_(fn, node, lambda_name))  # type: ignore[arg-type]
        self.emit(fn, f"return {expr}", node)
    else:
        _drive(self.tail(fn, node))
