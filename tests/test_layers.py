"""The layers of nixls: the analysis host (``nixls/ide/``) and the evaluator
never import an LSP package, directly or through another module; and every
module of ``nixls/`` stays small (800 lines, functions under 100 lines)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANNED = ("pygls", "lsprotocol")
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any level (``TYPE_CHECKING`` included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _source_of(module: str) -> Path | None:
    candidate = ROOT.joinpath(*module.split("."))
    if candidate.with_suffix(".py").is_file():
        return candidate.with_suffix(".py")
    if (candidate / "__init__.py").is_file():
        return candidate / "__init__.py"
    return None


def _lsp_paths(start: Path) -> list[str]:
    """Import chains from the modules under ``start`` to an LSP package."""
    offenders: list[str] = []
    for path in sorted(start.rglob("*.py")):
        seen: set[Path] = {path}
        todo: list[tuple[Path, list[str]]] = [(path, [_module_name(path)])]
        while todo:
            current, chain = todo.pop()
            for module in _imports(current):
                if module.split(".")[0] in BANNED:
                    offenders.append(" -> ".join([*chain, module]))
                    continue
                if module.split(".")[0] not in ("nixls", "evaluator"):
                    continue
                source = _source_of(module)
                if source is not None and source not in seen:
                    seen.add(source)
                    todo.append((source, [*chain, module]))
    return offenders


def test_the_analysis_host_imports_no_lsp_package() -> None:
    assert _lsp_paths(ROOT / "nixls" / "ide") == []


def test_the_evaluator_imports_no_lsp_package() -> None:
    assert _lsp_paths(ROOT / "evaluator") == []


def test_the_walk_finds_an_lsp_import_through_another_module() -> None:
    # The check itself can fail: a module importing the LSP layer is caught.
    assert _lsp_paths(ROOT / "nixls" / "lsp" / "features")


def test_nixls_modules_and_functions_are_small() -> None:
    too_big: list[str] = []
    for path in sorted((ROOT / "nixls").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            too_big.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_big.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert too_big == []


def _private_pygls_uses(text: str) -> list[str]:
    """Built-in handlers overridden (``lsp_method``, ``lsp_*`` methods) and pygls
    private names imported or read (``x._name`` on pygls objects is hard to
    tell apart, so any ``protocol._``/``server._`` style access counts)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pygls"):
            found += [f"imports {a.name}" for a in node.names if a.name.startswith("_")]
            found += [f"imports {a.name}" for a in node.names if a.name == "lsp_method"]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("lsp_"):
                found.append(f"defines {node.name}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            base = node.value
            if isinstance(base, ast.Attribute) and base.attr in ("protocol", "workspace", "fm"):
                found.append(f"reads {base.attr}.{node.attr}")
    return found


def test_the_server_uses_only_public_pygls_api() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {use}"
        for path in sorted((ROOT / "nixls" / "lsp").rglob("*.py"))
        for use in _private_pygls_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_private_api_check_can_fail() -> None:
    probe = (
        "from pygls.protocol import lsp_method\n"
        "class P:\n    def lsp_initialize(self): return self.server.protocol._send_data\n"
    )
    assert len(_private_pygls_uses(probe)) == 3
