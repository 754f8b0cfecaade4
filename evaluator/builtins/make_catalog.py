"""Writes :mod:`evaluator.builtins.catalog`: what the theme modules declare,
as static data, so that the builtin table is made without importing them.

    python -m evaluator.builtins.make_catalog        # rewrite catalog.py
    python -m evaluator.builtins.make_catalog --check

``tests/evaluator/test_startup.py`` fails when the catalog is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).with_name("catalog.py")

_HEAD = '''"""The builtins each theme module declares, as data (generated: do not edit).

Written by ``python -m evaluator.builtins.make_catalog`` from the modules'
declarations; :mod:`evaluator.builtins.table` makes the table from it and
imports a theme module when one of its builtins is first called.
"""

from __future__ import annotations

'''


def declarations() -> dict[str, Any]:
    """The catalog's contents, read from the theme modules (imports them all)."""
    from evaluator.builtins import registry, themes
    from evaluator.vm.values import Closure

    primops: dict[str, tuple[str, int, bool]] = {}
    constants: dict[str, tuple[str, bool]] = {}
    closures: dict[str, tuple[str, bool, dict[str, bool] | None, bool]] = {}
    eager: set[str] = set()
    for theme in themes.THEMES:
        module = themes.load(theme)
        for value in vars(module).values():
            primop = getattr(value, registry.PRIMOP_ATTR, None)
            if primop is not None and value.__module__ == module.__name__:
                primops[primop.name] = (theme, primop.arity, getattr(value, registry.GLOBAL_ATTR))
            elif type(value) is registry.Constant:
                v = value.value
                if type(v) is Closure and v.span is None and v.param is None:
                    # A function constant: made at start-up, its code imported on first call.
                    closures[value.name] = (theme, value.global_, v.formals, v.ellipsis)
                else:
                    constants[value.name] = (theme, value.global_)
                    eager.add(theme)
    return {
        "EAGER": tuple(sorted(eager)),
        "PRIMOPS": dict(sorted(primops.items())),
        "CONSTANTS": dict(sorted(constants.items())),
        "CLOSURES": dict(sorted(closures.items())),
    }


_COMMENTS = {
    "EAGER": "# Modules imported with the table: they declare constants (light modules).",
    "PRIMOPS": "# name -> (theme module, arity, visible without `builtins.`)",
    "CONSTANTS": "# name -> (theme module, visible without `builtins.`); in the EAGER modules",
    "CLOSURES": "# Functions declared as constants: name -> (theme, global, formals, ellipsis)",
}

_TYPES = {
    "EAGER": "tuple[str, ...]",
    "PRIMOPS": "dict[str, tuple[str, int, bool]]",
    "CONSTANTS": "dict[str, tuple[str, bool]]",
    "CLOSURES": "dict[str, tuple[str, bool, dict[str, bool] | None, bool]]",
}


def _lit(value: Any) -> str:
    """``value`` as a Python literal, quoted as the formatter quotes."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "(" + ", ".join(_lit(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in value.items()) + "}"
    return repr(value)


def render() -> str:
    """The text of ``catalog.py``."""
    parts = [_HEAD]
    for name, value in declarations().items():
        parts.append(f"{_COMMENTS[name]}\n{name}: {_TYPES[name]} = ")
        if isinstance(value, dict):
            parts.append(
                "{\n" + "".join(f"    {_lit(k)}: {_lit(v)},\n" for k, v in value.items()) + "}\n"
            )
        else:
            parts.append("(\n" + "".join(f"    {_lit(v)},\n" for v in value) + ")\n")
        parts.append("\n")
    return "".join(parts).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    """Rewrite the catalog, or (``--check``) tell whether it is up to date."""
    text = render()
    if "--check" in argv:
        current = CATALOG.read_text() if CATALOG.exists() else ""
        print("up to date" if current == text else "out of date")
        return 0 if current == text else 1
    CATALOG.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
