"""The shape of `evaluator/`: an acyclic import graph with no hidden edges, no LSP.

The graph is read statically (``ast``) from every import statement, at module
level or inside functions alike: an import inside a function is still an
edge, so a cycle cannot be hidden by importing late. Imports under
``if TYPE_CHECKING:`` are not edges: they never run (the code generator's
family modules name the class they are methods of that way).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "evaluator"
LSP_PACKAGES = ("pygls", "lsprotocol")


def _modules(package: str = PACKAGE) -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imported(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """Every module name ``module`` imports, with the line (relative imports resolved).

    ``from pkg import mod`` is an edge to ``pkg.mod`` (a submodule of ``known``);
    ``from mod import name`` to ``mod``. Importing a submodule runs its
    package's ``__init__`` first, whatever imports it, so that is no edge.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.append((sub if sub in known else base, node.lineno))
    return out


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:``."""
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for name, _line in _imported(module, path, modules):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                edges[module].add(name)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(edges) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_evaluator_import_graph_has_no_cycle() -> None:
    edges = _graph()
    assert len(edges) > 50 and any(edges.values())
    cycles = _cycles(edges)
    detail = [
        {m: sorted(edges[m] & set(cycle)) for m in cycle} for cycle in cycles
    ]  # which edges close each cycle
    assert cycles == [], detail


def test_evaluator_imports_no_lsp_package() -> None:
    offenders = []
    modules = _modules()
    for module, path in modules.items():
        for name, line in _imported(module, path, modules):
            if name.split(".")[0] in LSP_PACKAGES:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert offenders == []


def test_evaluator_hides_no_import_edge() -> None:
    # importlib / __import__ would make an edge the graph above cannot see.
    offenders = []
    modules = _modules()
    for module, path in modules.items():
        for name, line in _imported(module, path, modules):
            if name.split(".")[0] == "importlib":
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {name}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id == "__import__":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: __import__")
    assert offenders == []


MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100


def test_evaluator_modules_and_functions_are_small() -> None:
    # Every module of `evaluator/`, the generated parse tables (`nix_tables.py`) too.
    too_big = []
    for path in _modules().values():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            too_big.append(f"{rel}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno is not None
                size = node.end_lineno - node.lineno + 1
                if size > MAX_FUNCTION_LINES:
                    too_big.append(f"{rel}:{node.lineno} {node.name}: {size} lines")
    assert too_big == []
