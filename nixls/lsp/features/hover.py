"""Hover: what a name is and where it is defined, builtin docs, and the live value.

The static part answers at once. The value part is computed by the
background evaluator within the request's budget; the hover waits for it
at most ``nixls.hover.waitMs`` and otherwise answers without it, so a
slow evaluation never makes the hover late.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lsprotocol import types

from evaluator.compiler.model import Binding, BindingKind, GlobalRef, LocalRef, WithRef
from evaluator.syntax import nodes
from nixls.ide import builtin_docs, static_sets
from nixls.ide.tree import ancestors_at, span_text, unparen
from nixls.lsp.convert import outcome_markdown, position_at, range_of
from nixls.lsp.features import options
from nixls.lsp.server import content_modified

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

_KIND_TEXT = {
    BindingKind.LET: "let binding",
    BindingKind.REC_ATTR: "attribute of a `rec` set",
    BindingKind.ARGUMENT: "function argument",
    BindingKind.FORMAL: "formal argument",
    BindingKind.AT: "`@` argument (the whole argument set)",
}


@dataclass
class Target:
    """What a hover is about: its span and the expression to evaluate (if any)."""

    span: tuple[int, int]
    markdown: list[str]
    expr: tuple[int, int] | None  # span of an expression whose value to show


def _first_line(text: str, limit: int = 100) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_binding(doc: OpenDocument, binding: Binding) -> list[str]:
    """Markdown paragraphs describing a local binding."""
    source = doc.source
    line = position_at(doc, binding.name_span[0]).line + 1
    parts = [f"`{binding.name}`: {_KIND_TEXT[binding.kind]}, defined on line {line}"]
    node = binding.node
    if binding.kind is BindingKind.FORMAL and isinstance(node, nodes.Formal):
        if node.default is not None:
            default = span_text(source, node.default.start, node.default.end)
            parts.append(f"default: `{_first_line(default)}`")
        else:
            parts.append("no default: the caller must pass it")
    elif binding.value is not None and binding.kind in (BindingKind.LET, BindingKind.REC_ATTR):
        snippet = span_text(source, node.start, node.end)
        parts.append(f"```nix\n{_first_line(snippet)}\n```")
    return parts


def _builtin_for_select(sel: nodes.Select, key: nodes.AttrKey) -> builtin_docs.BuiltinInfo | None:
    """`builtins.map` (cursor on `map`): the builtin it names."""
    base = unparen(sel.expr)
    if not (isinstance(base, nodes.Var) and isinstance(base.resolution, GlobalRef)):
        return None
    if base.resolution.name != "builtins" or sel.path[0] is not key:
        return None
    return builtin_docs.info(key.name) if isinstance(key, nodes.StaticKey) else None


def static_target(server: NixServer, doc: OpenDocument, offset: int) -> Target | None:
    """The static hover at ``offset``: description and the expression to evaluate."""
    analysis = doc.analysis
    chain = ancestors_at(doc.parse_result.root, offset)
    leaf = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None

    var = analysis.var_at(offset)
    binding = analysis.binding_at(offset)
    if var is not None and (binding is None or var.resolution is not None):
        res = var.resolution
        span = (var.start, var.end)
        if isinstance(res, LocalRef) and not (binding is not None and binding is not res.binding):
            return Target(span, describe_binding(doc, res.binding), span)
        if isinstance(res, LocalRef):
            # `inherit x;` in a let: the name is both the new and the outer `x`.
            text = describe_binding(doc, binding) if binding else []
            text.append("inherits " + describe_binding(doc, res.binding)[0])
            return Target(span, text, span)
        if isinstance(res, WithRef):
            text = [f"`{var.name}`: provided by `with`"]
            for scope in res.withs:
                w = scope.node
                if isinstance(w, nodes.With):
                    env = span_text(doc.source, w.env.start, w.env.end)
                    line = position_at(doc, w.start).line + 1
                    text.append(f"from `with {_first_line(env, 60)};` on line {line}")
            return Target(span, text, span)
        if isinstance(res, GlobalRef):
            entry = builtin_docs.info_for_global(res.name)
            if entry is not None:
                return Target(span, [builtin_docs.markdown(entry)], span)
            return Target(span, [f"`{var.name}`: global"], span)
        return Target(span, [f"`{var.name}`: undefined variable"], None)

    if binding is not None:
        text = describe_binding(doc, binding)
        value = binding.value
        expr = (value.start, value.end) if value is not None else binding.name_span
        return Target(binding.name_span, text, expr)

    if isinstance(leaf, nodes.StaticKey) and isinstance(parent, nodes.Select):
        entry = _builtin_for_select(parent, leaf)
        idx = parent.path.index(leaf)
        end = leaf.end
        span = (leaf.start, leaf.end)
        if entry is not None:
            return Target(span, [builtin_docs.markdown(entry)], (parent.start, end))
        text = [f"attribute `{leaf.name}`"]
        with server.reading(doc) as reader:
            member = static_sets.resolve_member(
                parent.expr, parent.path[: idx + 1], doc, reader.unit
            )
        if member is not None:
            where = member.unit.path if member.unit is not doc else None
            line = server.files.line_of(member.unit, member.key_span[0])
            text[0] += f", defined on line {line}" + (f" of `{where}`" if where else "")
        # Evaluate `e.a.b` up to the hovered key.
        return Target(span, text, (parent.start, end) if idx == len(parent.path) - 1 else None)

    if isinstance(leaf, nodes.StaticKey) and isinstance(parent, nodes.AttrDef):
        if parent.path and parent.path[-1] is leaf:
            return Target(
                (leaf.start, leaf.end),
                [f"attribute `{leaf.name}`"],
                (
                    parent.value.start,
                    parent.value.end,
                ),
            )
    return None


def register(server: NixServer) -> None:
    """Add hover to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: NixServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        offset = doc.offset_at(params.position)
        option = await options.hover(ls, doc, offset)
        if option is not None:
            return option
        target = static_target(ls, doc, offset)
        if target is None:
            return None
        parts = list(target.markdown)
        where = range_of(doc, *target.span)
        settings = ls.settings
        if (
            ls.live is not None
            and target.expr is not None
            and settings.eval.enable
            and settings.hover.values
        ):
            generation = doc.generation
            live = await _value_part(ls, doc, target.expr)
            if doc.generation != generation:
                raise content_modified()
            if live:
                parts.append(live)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)),
            range=where,
        )


async def _value_part(server: NixServer, doc: OpenDocument, span: tuple[int, int]) -> str | None:
    """The value paragraph of a hover, or None when not ready in time."""
    wait = max(0, server.settings.hover.wait_ms) / 1000
    task = asyncio.ensure_future(server.live.evaluate_span(doc, span))
    try:
        outcome = await asyncio.wait_for(asyncio.shield(task), wait)
    except TimeoutError:
        task.cancel()
        return "*value: still evaluating (gave up waiting)*"
    except asyncio.CancelledError:  # the hover request itself was cancelled
        task.cancel()
        raise
    return outcome_markdown(outcome)
