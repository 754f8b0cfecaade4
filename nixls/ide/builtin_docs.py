"""What the server says about builtins: signature and a short description.

Builtin functions document themselves in the registry (their docstring
starts with the call shape in backticks: "`map f list`: ..."); constants
have no docstring, so their descriptions are here.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluator.builtins import table as registry
from evaluator.vm.values import PrimOp

CONSTANTS = {
    "true": "The boolean true.",
    "false": "The boolean false.",
    "null": "The null value.",
    "builtins": "The set of every builtin function and constant.",
    "nixVersion": "The version of Nix this evaluator imitates, as a string.",
    "langVersion": "The version of the Nix language, as an integer.",
    "currentSystem": 'The platform evaluation runs for, e.g. "x86_64-linux".',
    "currentTime": "Seconds since the epoch when evaluation started.",
    "storeDir": 'The Nix store directory, normally "/nix/store".',
    "nixPath": "The search path used by `<...>` lookups, as a list of {prefix, path} sets.",
}


@dataclass(frozen=True)
class BuiltinInfo:
    """A builtin as hover and completion describe it."""

    name: str  # the key in `builtins`
    signature: str  # e.g. "map f list" (just the name for constants)
    description: str
    is_function: bool
    arity: int


def builtin_names() -> list[str]:
    """Every attribute of `builtins`, sorted."""
    return sorted(registry.all_builtins())


def global_names() -> dict[str, str]:
    """Names visible without `builtins.` -> the builtin they denote."""
    registry.all_builtins()
    return dict(registry.GLOBALS)


def info(name: str) -> BuiltinInfo | None:
    """What is known about `builtins.<name>`, or None if there is no such builtin."""
    table = registry.all_builtins()
    if name not in table:
        return None
    value = table[name]
    if isinstance(value, PrimOp):
        signature, description = _split_doc(value.doc, name, value.arity)
        return BuiltinInfo(name, signature, description, True, value.arity)
    return BuiltinInfo(name, name, CONSTANTS.get(name, ""), False, 0)


def info_for_global(name: str) -> BuiltinInfo | None:
    """Like :func:`info` for a name used without `builtins.` (`map`, `__typeOf`)."""
    target = global_names().get(name)
    return info(target) if target is not None else None


def _split_doc(doc: str, name: str, arity: int) -> tuple[str, str]:
    doc = " ".join(doc.split())
    if doc.startswith("`"):
        close = doc.find("`", 1)
        if close > 0:
            signature = doc[1:close]
            rest = doc[close + 1 :].lstrip(":").strip()
            rest = rest[:1].upper() + rest[1:]
            return signature, rest
    args = " ".join(f"arg{i + 1}" for i in range(arity))
    return f"{name} {args}".strip(), doc


def markdown(entry: BuiltinInfo) -> str:
    """Hover/completion documentation of a builtin."""
    lines = [f"```nix\nbuiltins.{entry.signature}\n```"]
    if entry.description:
        lines.append(entry.description)
    lines.append("*builtin " + ("function*" if entry.is_function else "constant*"))
    return "\n\n".join(lines)
