"""Option sets found automatically in the workspace's `flake.nix` files.

Each configuration a flake's outputs set names statically
(``nixosConfigurations.NAME``, ``homeConfigurations.NAME``,
``darwinConfigurations.NAME``) becomes a set whose expression is that
configuration's ``options``, read through ``builtins.getFlake`` of the
flake's folder (with its locked inputs, the ``flakes`` feature on for that
evaluation only). The set applies to the module files written in the
configuration's call (``modules = [ ./a.nix … ]``) and to the files they
import statically (``imports = [ ./b.nix ]``), transitively and bounded.
Nothing here evaluates: a configuration whose modules cannot be read
statically gets no set.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator

from evaluator.syntax import nodes, parse
from nixls.ide.flake.lock import read_lock, read_plain
from nixls.ide.options.computed import path_literals, stand_in
from nixls.ide.options.exprs import flake_expr, nix_string, unchecked_options
from nixls.ide.options.parts import NAME as PARTS
from nixls.ide.options.parts import own_parts_expr, parts_expr, parts_input
from nixls.ide.options.paths import mkflake_call, module_body, strip
from nixls.ide.options.spec import OptionSetSpec

KINDS = ("nixosConfigurations", "homeConfigurations", "darwinConfigurations")
MAX_FLAKES = 20  # flake.nix files looked at in a workspace
MAX_DEPTH = 4  # folder levels below a workspace root searched for flake.nix
MAX_DIRS = 2000  # folders looked into per root (a nixpkgs checkout has far more)
MAX_MODULES = 500  # module files followed for one configuration
MAX_SOURCE = 2 * 2**20  # bytes of a file read statically
SKIP_DIRS = frozenset({"node_modules", "result", "__pycache__"})


def find_flakes(roots: Iterable[str]) -> list[str]:
    """The `flake.nix` files under ``roots`` (shallow, bounded, hidden folders skipped)."""
    found: list[str] = []
    for root in roots:
        base = os.path.abspath(root)
        for visited, (folder, dirs, files) in enumerate(os.walk(base)):
            if visited >= MAX_DIRS:
                break
            depth = os.path.relpath(folder, base).count(os.sep) + (folder != base)
            dirs[:] = (
                sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
                if depth < MAX_DEPTH
                else []
            )
            if "flake.nix" in files:
                found.append(os.path.join(folder, "flake.nix"))
            if len(found) >= MAX_FLAKES:
                return found
    return found


def _source(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_SOURCE + 1)
    except OSError:
        return b""


def _read(path: str) -> nodes.Node | None:
    source = _source(path)
    return None if not source or len(source) > MAX_SOURCE else parse(source).root


def _outputs_set(root: nodes.Node) -> nodes.AttrSet | None:
    """The set the flake's `outputs` function returns, when written as one."""
    top = strip(root)
    if not isinstance(top, nodes.AttrSet):
        return None
    for binding in top.bindings:
        if (
            isinstance(binding, nodes.AttrDef)
            and [k.name for k in binding.path if isinstance(k, nodes.StaticKey)] == ["outputs"]
            and len(binding.path) == 1
        ):
            fn = strip(binding.value)
            if isinstance(fn, nodes.Lambda):
                body = strip(fn.body)
                return body if isinstance(body, nodes.AttrSet) else None
    return None


def _static_path(keys: list[nodes.AttrKey]) -> list[str] | None:
    names = [k.name for k in keys if isinstance(k, nodes.StaticKey)]
    return names if len(names) == len(keys) else None


def _configurations(outputs: nodes.AttrSet | None) -> Iterator[tuple[str, str, nodes.Node]]:
    """(kind, name, the configuration's expression) for each one written statically."""
    for binding in outputs.bindings if outputs is not None else ():
        if not isinstance(binding, nodes.AttrDef):
            continue
        path = _static_path(binding.path)
        if path is None or path[0] not in KINDS:
            continue
        if len(path) == 2:
            yield path[0], path[1], binding.value
        elif len(path) == 1 and isinstance(inner := strip(binding.value), nodes.AttrSet):
            for sub in inner.bindings:
                if isinstance(sub, nodes.AttrDef) and (names := _static_path(sub.path)):
                    if len(names) == 1:
                        yield path[0], names[0], sub.value


def _list_paths(node: nodes.Node, base: str) -> list[str]:
    """The literal paths of a list (``[ ./a.nix ./dir ]``), absolute; a folder means its
    `default.nix`."""
    found: list[str] = []
    node = strip(node)
    if not isinstance(node, nodes.List):
        return found
    for written in node.items:
        item = strip(written)
        if isinstance(item, nodes.Path) and all(isinstance(p, str) for p in item.parts):
            text = "".join(str(p) for p in item.parts)
            if text.startswith("~"):
                continue
            path = os.path.normpath(os.path.join(base, text))
            found.append(os.path.join(path, "default.nix") if os.path.isdir(path) else path)
    return found


def _set_entry(node: nodes.Node, name: str) -> nodes.Node | None:
    node = strip(node)
    if not isinstance(node, nodes.AttrSet):
        return None
    for binding in node.bindings:
        if isinstance(binding, nodes.AttrDef) and _static_path(binding.path) == [name]:
            return binding.value
    return None


def _call_modules(config: nodes.Node) -> nodes.Node | None:
    """The ``modules`` list of a call such as ``lib.nixosSystem { modules = …; }``."""
    node = strip(config)
    while isinstance(node, nodes.Apply):
        found = _set_entry(node.arg, "modules")
        if found is not None:
            return found
        node = strip(node.fn)
    return None


def module_files(first: list[str], within: str) -> list[str]:
    """``first`` and the files they import statically, transitively (bounded); only
    files under the folder ``within`` are read or listed."""
    seen: list[str] = []
    todo = [p for p in first if _under(p, within)]
    while todo and len(seen) < MAX_MODULES:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.append(path)
        todo += [p for p in _imports_of(path) if _under(p, within)]
    return seen


# The static imports of module files, by path, with the file's stamp: a file
# saved again is parsed again, the others not (sets are found again on saves).
_IMPORTS: dict[str, tuple[tuple[int, int], list[str]]] = {}
MAX_CACHED = 5000


def _imports_of(path: str) -> list[str]:
    """The files a module file imports statically (none: not a readable module)."""
    try:
        info = os.stat(path)
    except OSError:
        return []
    stamp = (info.st_mtime_ns, info.st_size)
    cached = _IMPORTS.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    root = _read(path) if os.path.isfile(path) else None
    body = module_body(root) if root is not None else None
    imports = _set_entry(body, "imports") if body is not None else None
    found = _list_paths(imports, os.path.dirname(path)) if imports is not None else []
    if len(_IMPORTS) >= MAX_CACHED:
        _IMPORTS.clear()
    _IMPORTS[path] = (stamp, found)
    return found


def _under(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _input_dirs(flake_dir: str) -> tuple[str, ...]:
    """The folders of the flake's locked sources on this machine (the evaluation reads them)."""
    return tuple(read_lock(flake_dir, read_plain).local_dirs())


def flake_specs(flake_file: str) -> list[OptionSetSpec]:
    """The automatic option sets of one `flake.nix` (none if it cannot be read)."""
    root = _read(flake_file)
    flake_dir = os.path.dirname(os.path.abspath(flake_file))
    if root is None or any(c in flake_dir for c in "?#"):
        return []
    read_roots = (flake_dir, *_input_dirs(flake_dir))
    specs = []
    parts = parts_input(root)
    if parts is not None:
        expr: str | None = parts_expr(flake_dir, parts)
    else:
        expr = own_parts_expr(flake_dir, _source(flake_file), root)
    if expr is not None:
        # flake.nix itself (its `mkFlake` module) and the flake modules it imports.
        files = module_files([os.path.abspath(flake_file)], flake_dir)
        globs = tuple(glob.escape(f) for f in files)
        specs.append(OptionSetSpec(PARTS, expr, flake_dir, globs, True, read_roots))
    outputs = _outputs_of(root)
    for kind in _computed_kinds(root, outputs):
        # Named only by evaluation: a stand-in set for the files the outputs name.
        named = path_literals(_outputs_fn(root) or root, flake_dir)
        parts_files = {f for s in specs for f in s.files}  # flake modules are flake-parts'
        reached = module_files(named, flake_dir)
        globs = tuple(g for g in (glob.escape(f) for f in reached) if g not in parts_files)
        if globs:
            specs.append(stand_in(flake_dir, kind, globs, read_roots))
    flake = flake_expr(flake_dir)
    for kind, name, config in _configurations(outputs):
        listed = _call_modules(config)
        files = (
            module_files(_list_paths(listed, flake_dir), flake_dir) if listed is not None else []
        )
        if not files:
            continue  # no file to apply to: the set would claim every module
        expr = unchecked_options(f"({flake}).{kind}.{nix_string(name)}")
        globs = tuple(glob.escape(f) for f in files)
        specs.append(OptionSetSpec(f"{kind}.{name}", expr, flake_dir, globs, True, read_roots))
    return specs


def _outputs_fn(root: nodes.Node) -> nodes.Node | None:
    top = strip(root)
    found = _set_entry(top, "outputs") if isinstance(top, nodes.AttrSet) else None
    return found


def _computed_kinds(root: nodes.Node, outputs: nodes.AttrSet | None) -> list[str]:
    """The kinds of configurations the outputs compute (``kind = f …`` rather than
    a set), or that a flake whose outputs are no set mentions."""
    if outputs is None:
        if mkflake_call(root) is not None:
            return []
        return [k for k in KINDS if _mentions(root, k)]
    found = []
    for binding in outputs.bindings:
        if isinstance(binding, nodes.AttrDef) and (path := _static_path(binding.path)):
            computed = not isinstance(strip(binding.value), nodes.AttrSet)
            if len(path) == 1 and path[0] in KINDS and computed:
                found.append(path[0])
    return found


def _mentions(root: nodes.Node, name: str) -> bool:
    for node in nodes.walk(root):
        if isinstance(node, nodes.StaticKey) and node.name == name:
            return True
    return False


def _outputs_of(root: nodes.Node) -> nodes.AttrSet | None:
    """The set of outputs written in `flake.nix`: what `outputs` returns, or the
    `flake` set of a flake-parts module."""
    if mkflake_call(root) is None:
        return _outputs_set(root)
    body = module_body(root)
    written: list[nodes.BindingNode] = []  # `flake = { … }` and `flake.x = …` together
    for b in body.bindings if body is not None else ():
        if isinstance(b, nodes.AttrDef) and _static_path(b.path[:1]) == ["flake"]:
            value = strip(b.value)
            if len(b.path) > 1:
                written.append(nodes.AttrDef(b.path[1].start, b.end, b.path[1:], b.value))
            elif isinstance(value, nodes.AttrSet):
                written += value.bindings
    return nodes.AttrSet(body.start, body.end, written) if body is not None and written else None


def workspace_specs(roots: Iterable[str]) -> list[OptionSetSpec]:
    """The automatic option sets of the workspace, ordered by name."""
    specs = [s for flake in find_flakes(roots) for s in flake_specs(flake)]
    return sorted(specs, key=lambda s: (s.name, s.base_dir))
