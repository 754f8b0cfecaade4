"""Expressions shown as C++ Nix 2.8 shows them (``Expr::show``).

Used in messages that quote source, e.g. ``assertion '(x == 1)' failed``.
Nix 2.8 desugars some operators before showing them (``a - b`` is
``(__sub a b)``, ``a + b`` a concatenation ``(a + b)``), which is mirrored
here. Iterative (explicit stack) so deep trees do not recurse.
"""

from __future__ import annotations

from collections.abc import Iterator

from evaluator.syntax import nodes

_BINARY = {"==", "!=", "&&", "||", "->", "//", "++"}
_CALLS = {"-": "__sub", "*": "__mul", "/": "__div"}


def show_string(s: str) -> str:
    """A Nix string literal for ``s`` (as Nix's ``showString``)."""
    out = ['"']
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "$":
            out.append("\\$")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _key(key: nodes.AttrKey) -> list[object]:
    if isinstance(key, nodes.StaticKey):
        return [key.name]
    return ['"${', key.expr, '}"']


def _path(path: list[nodes.AttrKey]) -> list[object]:
    out: list[object] = []
    for i, key in enumerate(path):
        if i:
            out.append(".")
        out.extend(_key(key))
    return out


def _pieces(node: nodes.Node) -> list[object]:
    """One level of ``node`` as text pieces and child nodes."""
    t = type(node)
    if t is nodes.Int:
        return [str(node.value)]  # type: ignore[attr-defined]
    if t is nodes.Float:
        return [format(node.value, "g")]  # type: ignore[attr-defined]
    if t is nodes.Str:
        return _str_pieces(node)  # type: ignore[arg-type]
    if t is nodes.Path:
        parts = node.parts  # type: ignore[attr-defined]
        return ["".join(p if isinstance(p, str) else "${...}" for p in parts)]
    if t is nodes.SearchPath:
        return [f"<{node.path}>"]  # type: ignore[attr-defined]
    if t is nodes.Uri:
        return [show_string(node.value)]  # type: ignore[attr-defined]
    if t is nodes.CurPos:
        return ["__curPos"]
    if t is nodes.Var:
        return [node.name]  # type: ignore[attr-defined]
    if t is nodes.Paren:
        return [node.expr]  # type: ignore[attr-defined]
    if t is nodes.Select:
        sel: nodes.Select = node  # type: ignore[assignment]
        out: list[object] = ["(", sel.expr, ")."] + _path(sel.path)
        if sel.default is not None:
            out += [" or (", sel.default, ")"]
        return out
    if t is nodes.HasAttr:
        has: nodes.HasAttr = node  # type: ignore[assignment]
        return ["((", has.expr, ") ? ", *_path(has.path), ")"]
    if t is nodes.Apply:
        return _apply_pieces(node)  # type: ignore[arg-type]
    if t is nodes.Unary:
        un: nodes.Unary = node  # type: ignore[assignment]
        if un.op == "!":
            return ["(! ", un.expr, ")"]
        return ["(__sub 0 ", un.expr, ")"]
    if t is nodes.Binary:
        return _binary_pieces(node)  # type: ignore[arg-type]
    if t is nodes.If:
        cond: nodes.If = node  # type: ignore[assignment]
        return ["(if ", cond.cond, " then ", cond.then, " else ", cond.else_, ")"]
    if t is nodes.Assert:
        asrt: nodes.Assert = node  # type: ignore[assignment]
        return ["assert ", asrt.cond, "; ", asrt.body]
    if t is nodes.With:
        w: nodes.With = node  # type: ignore[assignment]
        return ["(with ", w.env, "; ", w.body, ")"]
    if t is nodes.List:
        out = ["[ "]
        for item in node.items:  # type: ignore[attr-defined]
            out += ["(", item, ") "]
        out.append("]")
        return out
    if t is nodes.AttrSet or t is nodes.Let or t is nodes.LegacyLet:
        return _bindings_pieces(node)
    if t is nodes.Lambda:
        return _lambda_pieces(node)  # type: ignore[arg-type]
    return ["<error>"]


def _str_pieces(node: nodes.Str) -> list[object]:
    parts = node.parts
    if all(isinstance(p, str) for p in parts):
        return [show_string("".join(parts))]  # type: ignore[arg-type]
    out: list[object] = ["("]
    for i, p in enumerate(parts):
        if i:
            out.append(" + ")
        out.append(show_string(p) if isinstance(p, str) else p)
    out.append(")")
    return out


def _apply_pieces(node: nodes.Apply) -> list[object]:
    fn: nodes.Node = node
    args: list[nodes.Node] = []
    while isinstance(fn, nodes.Apply):
        args.append(fn.arg)
        fn = fn.fn
    out: list[object] = ["(", fn]
    for a in reversed(args):
        out += [" ", a]
    out.append(")")
    return out


def _binary_pieces(b: nodes.Binary) -> list[object]:
    op = b.op
    if op in _BINARY:
        return ["(", b.left, f" {op} ", b.right, ")"]
    if op == "+":
        return ["(", b.left, " + ", b.right, ")"]
    if op in _CALLS:
        return [f"({_CALLS[op]} ", b.left, " ", b.right, ")"]
    if op == "<":
        return ["(__lessThan ", b.left, " ", b.right, ")"]
    if op == ">":
        return ["(__lessThan ", b.right, " ", b.left, ")"]
    if op == "<=":
        return ["(! (__lessThan ", b.right, " ", b.left, "))"]
    return ["(! (__lessThan ", b.left, " ", b.right, "))"]


def _bindings_pieces(node: nodes.Node) -> list[object]:
    """An attribute set, `let` or legacy `let { }`."""
    t = type(node)
    out: list[object] = []
    if t is nodes.Let:
        out.append("(let ")
    else:
        if t is nodes.LegacyLet or node.rec:  # type: ignore[attr-defined]
            out.append("rec ")
        out.append("{ ")
    for binding in node.bindings:  # type: ignore[attr-defined]
        if isinstance(binding, nodes.Inherit):
            for key in binding.names:
                out.append(f"inherit {key.name}; ")
        else:
            out += [*_path(binding.path), " = ", binding.value, "; "]
    if t is nodes.Let:
        out += ["in ", node.body, ")"]  # type: ignore[attr-defined]
    else:
        out.append("}")
    return out


def _lambda_pieces(lam: nodes.Lambda) -> list[object]:
    out: list[object] = ["("]
    if lam.formals is not None:
        out.append("{ ")
        for j, formal in enumerate(lam.formals.entries):
            if j:
                out.append(", ")
            out.append(formal.name.name)
            if formal.default is not None:
                out += [" ? ", formal.default]
        if lam.formals.ellipsis:
            out.append(", ..." if lam.formals.entries else "...")
        out.append(" }")
        if lam.param is not None:
            out.append(" @ ")
    if lam.param is not None:
        out.append(lam.param.name)
    out += [": ", lam.body, ")"]
    return out


def show(node: nodes.Node, limit: int = 100_000) -> str:
    """``node`` as Nix 2.8 prints an expression (text capped at ``limit``)."""
    out: list[str] = []
    size = 0
    stack: list[Iterator[object]] = [iter([node])]
    while stack:
        piece = next(stack[-1], None)
        if piece is None:
            stack.pop()
            continue
        if isinstance(piece, str):
            out.append(piece)
            size += len(piece)
            if size > limit:
                break
        else:
            stack.append(iter(_pieces(piece)))  # type: ignore[arg-type]
    return "".join(out)
