"""No false positives on valid upstream code: the option diagnostics of
nix-darwin's own modules (its whole module list, a stand-in pkgs), of
flake-parts' own flake (whose `lib.mkFlake` is its own, not an input's) and
flake modules, and of its templates, when a copy of them is on this machine
(tests/ide/mirrors.py; skipped elsewhere). Planted mistakes are still found."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import auto, computed, service
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.sets import load
from nixls.ide.options.tree import OptionTree
from tests.ide.mirrors import checkout

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"


def _view(path: Path, text: str | None = None) -> service.DocumentView:
    source = (path.read_text() if text is None else text).encode()
    parsed = parse(source)
    return service.DocumentView(str(path), source, parsed.root, bool(parsed.errors))


def _found(tree: OptionTree, path: Path, text: str | None = None) -> list[str]:
    """The option diagnostics of a file, as `FILE:LINE: code: message`."""
    view = _view(path, text)
    result = service.diagnostics(tree, view, threading.Event(), 60)
    assert result is not None
    lines = [view.source.count(b"\n", 0, d.start) + 1 for d in result[0]]
    return [
        f"{path.name}:{n}: {d.code}: {d.message}" for n, d in zip(lines, result[0], strict=True)
    ]


def _lock(flake: Path, inputs: dict[str, Path], follows: dict[str, dict[str, str]]) -> None:
    """A `flake.lock` whose inputs are local paths (``follows``: an input's inputs)."""

    def node(path: Path, name: str) -> dict[str, object]:
        where = {"path": str(path), "type": "path"}
        return {"inputs": follows.get(name, {}), "locked": where, "original": where}

    nodes: dict[str, object] = {"root": {"inputs": {n: n for n in inputs}}}
    nodes.update({name: node(path, name) for name, path in inputs.items()})
    for given in follows.values():
        for target in given.values():
            nodes.setdefault(target, node(LIB, target))
    lock = {"nodes": nodes, "root": "root", "version": 7}
    (flake / "flake.lock").write_text(json.dumps(lock))


def _tree(flake: Path, roots: list[Path]) -> OptionTree:
    spec = flake_specs(str(flake / "flake.nix"))[0]
    return load(spec, ReadPolicy.restricted(roots=[str(r) for r in roots]), threading.Event())[0]


# ---------------------------------------------------------------- nix-darwin


@pytest.fixture(scope="module")
def darwin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, OptionTree]:
    tmp = tmp_path_factory.mktemp("darwin")
    darwin = checkout("nix-darwin+nix-darwin", tmp / "nix-darwin")
    flake = tmp / "flake"
    shutil.copytree(DATA / "flakes" / "darwin", flake)
    _lock(flake, {"nixpkgs": LIB, "nix-darwin": darwin}, {"nix-darwin": {"nixpkgs": "nixpkgs"}})
    return darwin, _tree(flake, [tmp, DATA])


def test_nix_darwin_modules_have_no_option_diagnostics(darwin: tuple[Path, OptionTree]) -> None:
    root, tree = darwin
    listed = (root / "modules" / "module-list.nix").read_bytes()
    first = computed.path_literals(parse(listed).root, str(root / "modules"))
    modules = auto.module_files(first, str(root))
    assert len(modules) >= 100
    found = [line for path in modules for line in _found(tree, Path(path))]
    assert found == []


def test_nix_darwin_mistakes_are_still_found(darwin: tuple[Path, OptionTree]) -> None:
    root, tree = darwin
    user = root / "user.nix"
    text = """{ lib, ... }: {
  homebrew.enable = lib.mkDefault "yes";
  system.defaults.dock.autohid = true;
  homebrew.onActivation.cleanup = lib.mkIf true "all";
}
"""
    found = _found(tree, user, text)
    assert len(found) == 3
    assert found[0] == 'user.nix:2: option-type: "yes" is not of type `boolean` ' + (
        "(option `homebrew.enable`)"
    )
    assert found[1].startswith("user.nix:3: unknown-option: unknown option `system.defaults")
    assert "did you mean `autohide`" in found[1]
    assert found[2].startswith('user.nix:4: option-type: "all" is not of type `one of "none"')


# ---------------------------------------------------------------- flake-parts


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return checkout("hercules-ci+flake-parts", tmp_path_factory.mktemp("parts") / "flake-parts")


def test_flake_parts_own_flake(parts: Path) -> None:
    _lock(parts, {"nixpkgs-lib": LIB}, {})
    [spec] = flake_specs(str(parts / "flake.nix"))  # its mkFlake is `lib.mkFlake` of a `let`
    assert spec.name == "flake-parts" and spec.files == (str(parts / "flake.nix"),)
    tree = _tree(parts, [parts, DATA])
    flake = parts / "flake.nix"
    text = flake.read_text()
    items = service.completion(tree, _view(flake), text.index("systems = [ ]"))
    assert {"systems", "perSystem", "flake", "partitions", "partitionedAttrs"} <= {
        i.name for i in items or []
    }
    # The flake and every flake module it ships (`dev/` needs inputs not on this machine).
    own = [flake, *sorted((parts / "modules").glob("*.nix"))]
    own += sorted((parts / "extras").glob("*.nix"))
    assert [line for path in own for line in _found(tree, path)] == []
    typo = text.replace("partitionedAttrs.checks", "partitionedAtrs.checks")
    [found] = _found(tree, flake, typo)
    assert "unknown option `partitionedAtrs`; did you mean `partitionedAttrs`" in found


@pytest.mark.parametrize("template", ["default", "multi-module", "package", "unfree"])
def test_flake_parts_templates(parts: Path, tmp_path: Path, template: str) -> None:
    flake = tmp_path / template
    shutil.copytree(parts / "template" / template, flake)
    _lock(flake, {"flake-parts": parts, "nixpkgs": LIB}, {"flake-parts": {"nixpkgs-lib": "lib"}})
    tree = _tree(flake, [tmp_path, parts, DATA])
    found = [line for path in sorted(flake.rglob("*.nix")) for line in _found(tree, path)]
    assert found == []
    path = flake / "flake.nix"
    bad = path.read_text().replace("systems = [", "systems = 1; sistems = [")
    assert [line.split(": ")[1] for line in _found(tree, path, bad)] == [
        "option-type",
        "unknown-option",
    ]
