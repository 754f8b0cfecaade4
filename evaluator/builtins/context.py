"""String-context builtins: `getContext`, `hasContext`, `appendContext`,
`unsafeDiscardStringContext`, `unsafeDiscardOutputDependency`,
`addDrvOutputDependencies` and `addErrorContext`.

A context element is a plain store path, ``!<output>!<drv>`` (an output of
a derivation) or ``=<drv>`` (the derivation with all its outputs); see
``tvix-eval-docs/build-references.md``.
"""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import frame_of
from evaluator.store import paths
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import BudgetExceeded, Cancelled, NixError
from evaluator.vm.values import Attrs, Frame, NixList, Thunk, context_of, make_str

_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_CHARS = _IDENT_START | frozenset("0123456789'-")


def print_identifier(name: str) -> str:
    """An attribute name as Nix 2.8 prints a symbol: bare if it is an identifier,
    else as a quoted string literal."""
    if name and name != "if" and name[0] in _IDENT_START and all(c in _IDENT_CHARS for c in name):
        return name
    escaped = (
        name.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
        .replace("${", "\\${")
    )
    return f'"{escaped}"'


@builtin("getContext", 1)
def get_context(s: Any) -> Frame:
    """`getContext s`: the context of `s` as a set keyed by store path, each value with
    `path = true`, `allOutputs = true` and/or `outputs = [ ... ]`."""
    text = yield from ops.force_string(s)
    infos: dict[str, tuple[bool, bool, list[str]]] = {}
    for element in sorted(context_of(text)):
        output = ""
        if element.startswith("="):
            key = element[1:]
        elif element.startswith("!"):
            index = element.find("!", 1)
            key = element[index + 1 :]
            output = element[1:index]
        else:
            key = element
        is_path, all_outputs, outputs = infos.get(key, (False, False, []))
        if element[0] not in "=!":
            is_path = True
        elif not output:
            all_outputs = True
        else:
            outputs.append(output)
        infos[key] = (is_path, all_outputs, outputs)
    result = Attrs()
    for key in sorted(infos):
        is_path, all_outputs, outputs = infos[key]
        info = Attrs()
        if is_path:
            info["path"] = True
        if all_outputs:
            info["allOutputs"] = True
        if outputs:
            info["outputs"] = NixList(outputs)
        result[key] = info
    return result


@builtin("hasContext", 1)
def has_context(s: Any) -> Frame:
    """`hasContext s`: whether `s` has a string context."""
    text = yield from ops.force_string(s)
    return bool(context_of(text))


@builtin("appendContext", 2)
def append_context(s: Any, ctx: Any) -> Frame:
    """`appendContext s ctx`: `s` with the context described by `ctx` (in the form
    `getContext` returns) added."""
    text = yield from ops.force_string(s)
    attrs = yield from ops.force_attrs(ctx)
    context = set(context_of(text))
    store_dir = current().store_dir
    for key in attrs:
        if not paths.is_store_path(key, store_dir):
            raise NixError(f"Context key '{print_identifier(key)}' is not a store path")
        info = yield from ops.force_attrs(attrs[key])
        if "path" in info and (yield from ops.force_bool(info["path"])):
            context.add(key)
        if "allOutputs" in info and (yield from ops.force_bool(info["allOutputs"])):
            if not paths.is_derivation(key):
                raise NixError(
                    f"Tried to add all-outputs context of {print_identifier(key)}, "
                    "which is not a derivation, to a string"
                )
            context.add("=" + key)
        if "outputs" in info:
            outputs = yield from ops.force_list(info["outputs"])
            if outputs and not paths.is_derivation(key):
                raise NixError(
                    f"Tried to add derivation output context of {print_identifier(key)}, "
                    "which is not a derivation, to a string"
                )
            for item in outputs:
                name = yield from ops.force_string_no_context(item)
                context.add(f"!{name}!{key}")
    return make_str(str.__str__(text), frozenset(context))


@builtin("unsafeDiscardStringContext", 1)
def unsafe_discard_string_context(s: Any) -> Frame:
    """`unsafeDiscardStringContext s`: `s` without its context."""
    text = yield from ops.coerce_to_string(s, coerce_more=False, copy_to_store=True)
    return str.__str__(text)


@builtin("unsafeDiscardOutputDependency", 1)
def unsafe_discard_output_dependency(s: Any) -> Frame:
    """`unsafeDiscardOutputDependency s`: `s` with each dependency on all outputs of a
    derivation (`=drv`) turned into a dependency on the `.drv` file alone."""
    text = yield from ops.coerce_to_string(s, coerce_more=False, copy_to_store=True)
    context = frozenset(e[1:] if e.startswith("=") else e for e in context_of(text))
    return make_str(str.__str__(text), context)


@builtin("addErrorContext", 2)
def add_error_context(message: Any, value: Any) -> Any:
    """`addErrorContext msg v`: `v`, with `msg` added to the trace of any error it raises."""
    if type(value) is not Thunk:
        return value  # nothing left to fail: no frame
    if value.code is None:
        return value.value
    return _add_error_context(message, value)


@frame_of("addErrorContext")
def _add_error_context(message: Any, value: Thunk) -> Frame:
    try:
        return (yield value)
    except (BudgetExceeded, Cancelled):
        raise
    except NixError as e:
        text = yield from ops.coerce_to_string(message, coerce_more=False, copy_to_store=True)
        # Nix prints these even where it cuts a brief trace short.
        e.add_trace(str.__str__(text), None, always=True)
        raise


@builtin("addDrvOutputDependencies", 1)
def add_drv_output_dependencies(s: Any) -> Frame:
    """`addDrvOutputDependencies s`: `s`, whose context must be one `.drv` file, with that
    dependency turned into one on all outputs of the derivation (the reverse of
    `unsafeDiscardOutputDependency`)."""
    text = yield from ops.coerce_to_string(s, coerce_more=False, copy_to_store=True)
    context = context_of(text)
    if len(context) != 1:
        raise NixError(
            f"context of string '{str.__str__(text)}' must have exactly one element, "
            f"but has {len(context)}"
        )
    (element,) = context
    if element.startswith("!"):
        output = element[1 : element.find("!", 1)]
        raise NixError(
            "`addDrvOutputDependencies` can only act on derivations, "
            f"not on a derivation output such as '{output}'"
        )
    if not element.startswith("="):
        if not element.endswith(".drv"):
            raise NixError(f"path '{element}' is not a derivation")
        element = "=" + element
    return make_str(str.__str__(text), frozenset({element}))
