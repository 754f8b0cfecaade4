"""Hover: what a name is and where it is defined, builtin docs, what to evaluate.

:func:`hover_at` answers at once, from the analysed tree (markdown
paragraphs and the span of the expression whose value the hover may
add). :func:`value_within` evaluates that expression for at most a given
wait, so a slow evaluation never makes the hover late.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.compiler.model import Binding, BindingKind, GlobalRef, LocalRef, WithRef
from evaluator.syntax import nodes
from nixls.ide import builtin_docs, static_sets
from nixls.ide.flake import features as flake
from nixls.ide.flake.lock import read_under
from nixls.ide.tree import ancestors_at, span_text, unparen

if TYPE_CHECKING:
    from nixls.ide.live import LiveEvaluator, Outcome
    from nixls.ide.reads import Reader
    from nixls.ide.workspace import Unit, Workspace

# Where the arguments of the file's own function come from (None: not known),
# asked only when a hover shows it: finding out classifies the file.
Origin = Callable[[], str | None]

_KIND_TEXT = {
    BindingKind.LET: "let binding",
    BindingKind.REC_ATTR: "attribute of a `rec` set",
    BindingKind.ARGUMENT: "function argument",
    BindingKind.FORMAL: "formal argument",
    BindingKind.AT: "`@` argument (the whole argument set)",
}


@dataclass
class HoverInfo:
    """What a hover shows before evaluation."""

    span: tuple[int, int]  # what the hover is about
    markdown: list[str]  # paragraphs
    expr: tuple[int, int] | None  # the expression whose value may be added


def _first_line(text: str, limit: int = 100) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _line(doc: Unit, offset: int) -> int:
    """1-based line of ``offset`` (as the hover text counts lines)."""
    return doc.line_char(offset)[0] + 1


def describe_binding(doc: Unit, binding: Binding, origin: Origin | None = None) -> list[str]:
    """Markdown paragraphs describing a local binding; ``origin``: where the
    arguments of the file's own function come from (the project's supply),
    asked only for a formal of that function without a default."""
    source = doc.source
    line = _line(doc, binding.name_span[0])
    parts = [f"`{binding.name}`: {_KIND_TEXT[binding.kind]}, defined on line {line}"]
    node = binding.node
    if binding.kind is BindingKind.FORMAL and isinstance(node, nodes.Formal):
        if node.default is not None:
            default = span_text(source, node.default.start, node.default.end)
            parts.append(f"default: `{_first_line(default)}`")
        elif origin is not None and _formal_of_file_function(doc, node) and (given := origin()):
            parts.append(f"given by {given}")
        else:
            parts.append("no default: the caller must pass it")
    elif binding.value is not None and binding.kind in (BindingKind.LET, BindingKind.REC_ATTR):
        snippet = span_text(source, node.start, node.end)
        parts.append(f"```nix\n{_first_line(snippet)}\n```")
    return parts


def _formal_of_file_function(doc: Unit, formal: nodes.Formal) -> bool:
    root = unparen(doc.parse_result.root)
    return (
        isinstance(root, nodes.Lambda)
        and root.formals is not None
        and any(f is formal for f in root.formals.entries)
    )


def _builtin_for_select(sel: nodes.Select, key: nodes.AttrKey) -> builtin_docs.BuiltinInfo | None:
    """`builtins.map` (cursor on `map`): the builtin it names."""
    base = unparen(sel.expr)
    if not (isinstance(base, nodes.Var) and isinstance(base.resolution, GlobalRef)):
        return None
    if base.resolution.name != "builtins" or sel.path[0] is not key:
        return None
    return builtin_docs.info(key.name) if isinstance(key, nodes.StaticKey) else None


def _var_hover(
    doc: Unit, var: nodes.Var, binding: Binding | None, origin: Origin | None = None
) -> HoverInfo:
    """A hover on a variable: its binding, `with`, builtin or global."""
    res = var.resolution
    span = (var.start, var.end)
    if isinstance(res, LocalRef) and not (binding is not None and binding is not res.binding):
        return HoverInfo(span, describe_binding(doc, res.binding, origin), span)
    if isinstance(res, LocalRef):
        # `inherit x;` in a let: the name is both the new and the outer `x`.
        text = describe_binding(doc, binding) if binding else []
        text.append("inherits " + describe_binding(doc, res.binding)[0])
        return HoverInfo(span, text, span)
    if isinstance(res, WithRef):
        text = [f"`{var.name}`: provided by `with`"]
        for scope in res.withs:
            w = scope.node
            if isinstance(w, nodes.With):
                env = span_text(doc.source, w.env.start, w.env.end)
                text.append(f"from `with {_first_line(env, 60)};` on line {_line(doc, w.start)}")
        return HoverInfo(span, text, span)
    if isinstance(res, GlobalRef):
        entry = builtin_docs.info_for_global(res.name)
        if entry is not None:
            return HoverInfo(span, [builtin_docs.markdown(entry)], span)
        return HoverInfo(span, [f"`{var.name}`: global"], span)
    return HoverInfo(span, [f"`{var.name}`: undefined variable"], None)


def _select_hover(
    doc: Unit, files: Workspace, reader: Reader, sel: nodes.Select, key: nodes.StaticKey
) -> HoverInfo:
    """A hover on a key of `e.a.b`: builtin docs, or where the attribute is defined."""
    entry = _builtin_for_select(sel, key)
    idx = sel.path.index(key)
    span = (key.start, key.end)
    if entry is not None:
        return HoverInfo(span, [builtin_docs.markdown(entry)], (sel.start, key.end))
    text = [f"attribute `{key.name}`"]
    member = static_sets.resolve_member(sel.expr, sel.path[: idx + 1], doc, reader.unit)
    if member is not None:
        where = member.unit.path if member.unit is not doc else None
        line = files.line_of(member.unit, member.key_span[0])
        text[0] += f", defined on line {line}" + (f" of `{where}`" if where else "")
    # Evaluate `e.a.b` up to the hovered key.
    return HoverInfo(span, text, (sel.start, key.end) if idx == len(sel.path) - 1 else None)


def hover_at(
    doc: Unit, files: Workspace, reader: Reader, offset: int, origin: Origin | None = None
) -> HoverInfo | None:
    """The static hover at ``offset``: description and the expression to evaluate;
    ``origin``: asked where the file's function gets its arguments, if a hover shows it."""
    target = _static_hover(doc, files, reader, offset, origin)
    flake_input = flake.hover(doc, offset, read_under(reader.io))  # its URL and lock
    if flake_input is None:
        return target
    expr = target.expr if target is not None and flake_input.is_value else None
    return HoverInfo(flake_input.span, [flake_input.markdown], expr)


def _static_hover(
    doc: Unit, files: Workspace, reader: Reader, offset: int, origin: Origin | None
) -> HoverInfo | None:
    analysis = doc.analysis
    chain = ancestors_at(doc.parse_result.root, offset)
    leaf = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None

    var = analysis.var_at(offset)
    binding = analysis.binding_at(offset)
    if var is not None and (binding is None or var.resolution is not None):
        return _var_hover(doc, var, binding, origin)

    if binding is not None:
        value = binding.value
        expr = (value.start, value.end) if value is not None else binding.name_span
        return HoverInfo(binding.name_span, describe_binding(doc, binding, origin), expr)

    if isinstance(leaf, nodes.StaticKey) and isinstance(parent, nodes.Select):
        return _select_hover(doc, files, reader, parent, leaf)

    if isinstance(leaf, nodes.StaticKey) and isinstance(parent, nodes.AttrDef):
        if parent.path and parent.path[-1] is leaf:
            value_span = (parent.value.start, parent.value.end)
            return HoverInfo((leaf.start, leaf.end), [f"attribute `{leaf.name}`"], value_span)
    return None


async def value_within(
    live: LiveEvaluator, doc: Unit, span: tuple[int, int], wait: float
) -> Outcome | None:
    """The value at ``span``, or None when it is not ready within ``wait`` seconds."""
    task = asyncio.ensure_future(live.evaluate_span(doc, span))
    try:
        return await asyncio.wait_for(asyncio.shield(task), wait)
    except TimeoutError:
        task.cancel()
        return None
    except asyncio.CancelledError:  # the hover request itself was cancelled
        task.cancel()
        raise
