"""The builtin table is built from the theme modules' declarations, not by import side effects."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import evaluator.builtins
from evaluator.builtins import table
from evaluator.builtins.registry import PRIMOP_ATTR, Constant
from evaluator.vm.context import EvalContext

PACKAGE = Path(evaluator.builtins.__file__).resolve().parent


def _declares(module_name: str) -> bool:
    text = (PACKAGE / f"{module_name}.py").read_text()
    return "evaluator.builtins.registry import" in text


def test_every_declaring_module_is_a_theme() -> None:
    names = {m.__name__.rpartition(".")[2] for m in table.THEMES}
    declaring = {
        info.name
        for info in pkgutil.iter_modules([str(PACKAGE)])
        if info.name not in ("registry", "table") and _declares(info.name)
    }
    assert declaring == names


def test_declarations_are_bound_not_bare_calls() -> None:
    # `constant(...)` or `builtin(...)(f)` as a statement would be lost: the
    # table collects module-level names.
    bare = []
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                func = node.value.func
                while isinstance(func, ast.Call):
                    func = func.func
                if isinstance(func, ast.Name) and func.id in (
                    "builtin",
                    "constant",
                    "context_constant",
                ):
                    bare.append(f"{path.name}:{node.lineno}")
    assert not bare, bare


def test_building_is_repeatable_and_changes_nothing() -> None:
    again = table.build()
    assert set(again.values) == set(table.BUILTINS)
    assert again.globals == table.GLOBALS
    for module in table.THEMES:
        for value in vars(module).values():
            primop = getattr(value, PRIMOP_ATTR, None)
            if primop is not None:
                assert table.BUILTINS[primop.name] is primop
            elif type(value) is Constant and value.factory is None:
                assert table.BUILTINS[value.name] is value.value


def test_context_constants_come_from_the_context() -> None:
    ctx = EvalContext(store_dir="/other/store", current_system="riscv64-linux")
    values = table.builtins_for(ctx)
    assert values["storeDir"] == "/other/store"
    assert values["currentSystem"] == "riscv64-linux"
    assert values["builtins"]["builtins"] is values["builtins"]
    assert table.BUILTINS["storeDir"] == "/nix/store"
