"""Render a syntax tree the way `nix-instantiate --parse` (Nix 2.8) prints it.

Test helper: lets recorded `--parse` output check precedence, associativity,
desugaring points and string handling. It covers what the recorded fixtures
use; nested attribute paths (which Nix merges) are not supported.
"""

from __future__ import annotations

import os
import re

from evaluator.compiler.parse_show import binary
from evaluator.syntax import nodes as n


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


def _key(k: n.StaticKey | n.DynamicKey) -> str:
    if isinstance(k, n.StaticKey):
        return k.name if re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_'-]*", k.name) else show_string(k.name)
    return '"${' + show(k.expr) + '}"'


def _parts(parts: list[str | n.Expr], cwd: str) -> str:
    if len(parts) == 1 and isinstance(parts[0], str):
        return show_string(parts[0])
    if not parts:
        return '""'
    shown = [show_string(p) if isinstance(p, str) else show(p, cwd) for p in parts]
    return "(" + " + ".join(shown) + ")"


def _bindings(bindings: list[n.AttrDef | n.Inherit], cwd: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for b in bindings:
        if isinstance(b, n.Inherit):
            for name in b.names:
                if b.from_ is None:
                    out.append((name.name, f"inherit {name.name} "))
                else:
                    out.append((name.name, f"{name.name} = ({show(b.from_, cwd)}).{name.name}"))
        else:
            assert len(b.path) == 1, "nested paths are merged by Nix; not supported"
            out.append((_key(b.path[0]), f"{_key(b.path[0])} = {show(b.value, cwd)}"))
    return out


def show(e: n.Node, cwd: str = "/") -> str:
    """The `--parse` text of ``e`` (recursive: test inputs are small)."""
    match e:
        case n.Int(value=v):
            return str(v)
        case n.Float(value=v):
            return f"{v:g}"
        case n.Str(parts=parts):
            return _parts(parts, cwd)
        case n.Path(parts=parts):
            first = parts[0]
            assert isinstance(first, str)
            if not first.startswith(("/", "~")):
                first = os.path.normpath(os.path.join(cwd, first)) + (
                    "/" if first.endswith("/") else ""
                )
            if len(parts) == 1:
                return first
            rest = [show_string(p) if isinstance(p, str) else show(p, cwd) for p in parts[1:]]
            return "(" + " + ".join([first, *rest]) + ")"
        case n.SearchPath(path=p):
            return f"(__findFile __nixPath {show_string(p)})"
        case n.Uri(value=v):
            return show_string(v)
        case n.CurPos():
            return "__curPos"
        case n.Var(name=name):
            return name
        case n.Paren(expr=inner):
            return show(inner, cwd)
        case n.Select(expr=x, path=path, default=d):
            s = f"({show(x, cwd)})." + ".".join(_key(k) for k in path)
            return s + (f" or ({show(d, cwd)})" if d is not None else "")
        case n.HasAttr(expr=x, path=path):
            return f"(({show(x, cwd)}) ? " + ".".join(_key(k) for k in path) + ")"
        case n.Apply():
            args: list[n.Expr] = []
            fn: n.Expr = e
            while isinstance(fn, n.Apply):
                args.append(fn.arg)
                fn = fn.fn
            args.reverse()
            return "(" + " ".join(show(x, cwd) for x in [fn, *args]) + ")"
        case n.Unary(op="!", expr=x):
            return f"(! {show(x, cwd)})"
        case n.Unary(op="-", expr=x):
            return f"(__sub 0 {show(x, cwd)})"
        case n.Binary(op=op, left=a, right=b):
            return binary(op, show(a, cwd), show(b, cwd))
        case n.If(cond=c, then=t, else_=f):
            return f"(if {show(c, cwd)} then {show(t, cwd)} else {show(f, cwd)})"
        case n.Assert(cond=c, body=b):
            return f"assert {show(c, cwd)}; {show(b, cwd)}"
        case n.With(env=env, body=b):
            return f"(with {show(env, cwd)}; {show(b, cwd)})"
        case n.List(items=items):
            return "[ " + "".join(f"({show(x, cwd)}) " for x in items) + "]"
        case n.AttrSet(bindings=bs, rec=rec):
            entries = _bindings(bs, cwd)
            static = sorted((k, v) for k, v in entries if not k.startswith('"'))
            dynamic = [(k, v) for k, v in entries if k.startswith('"')]
            body = "".join(f"{v}; " for _, v in static + dynamic)
            return ("rec " if rec else "") + "{ " + body + "}"
        case n.LegacyLet(bindings=bs):
            entries = sorted(_bindings(bs, cwd))
            return "(rec { " + "".join(f"{v}; " for _, v in entries) + "}).body"
        case n.Let(bindings=bs, body=b):
            entries = _bindings(bs, cwd)
            return "(let " + "".join(f"{v}; " for _, v in entries) + f"in {show(b, cwd)})"
        case n.Lambda(param=p, formals=f, body=b):
            s = "("
            if f is not None:
                names = sorted(f.entries, key=lambda x: x.name.name)
                items = [
                    x.name.name + (f" ? {show(x.default, cwd)}" if x.default else "") for x in names
                ]
                if f.ellipsis:
                    items.append("...")
                s += "{ " + ", ".join(items) + " }"
                if p is not None:
                    s += " @ "
            if p is not None:
                s += p.name
            return s + f": {show(b, cwd)})"
    raise AssertionError(f"cannot show {type(e).__name__}")


def normalize(text: str) -> str:
    """Fold the literal-token boundaries Nix keeps in string concatenations.

    Nix prints every lexer token of an indented string as its own literal
    (and an empty one for stripped indentation); the tree merges them. Both
    sides are compared after merging adjacent literals (`"a" + "b"`),
    dropping empty ones and unwrapping a literal left alone in parentheses.
    """
    items: list[tuple[bool, str]] = []  # (is_literal, text)
    i = 0
    while i < len(text):
        if text[i] == '"':
            j = i + 1
            while j < len(text) and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            items.append((True, text[i + 1 : j]))
            i = j + 1
        else:
            j = text.find('"', i)
            j = len(text) if j < 0 else j
            items.append((False, text[i:j]))
            i = j
    changed = True
    while changed:
        changed = False
        for k in range(len(items)):
            lit, body = items[k]
            nxt = items[k + 1] if k + 1 < len(items) else None
            after = items[k + 2] if k + 2 < len(items) else None
            if lit and nxt == (False, " + ") and after is not None and after[0]:
                items[k : k + 3] = [(True, body + after[1])]
            elif lit and body == "" and nxt is not None and nxt[1].startswith(" + "):
                items[k : k + 2] = [(False, nxt[1][3:])]
            elif lit and body == "" and k > 0 and items[k - 1][1].endswith(" + "):
                items[k - 1 : k + 1] = [(False, items[k - 1][1][:-3])]
            elif lit and k > 0 and items[k - 1][1].endswith("(") and nxt and nxt[1][:1] == ")":
                items[k - 1 : k + 2] = [
                    (False, items[k - 1][1][:-1]),
                    items[k],
                    (False, nxt[1][1:]),
                ]
            else:
                continue
            changed = True
            break
    return "".join(f'"{body}"' if lit else body for lit, body in items)
