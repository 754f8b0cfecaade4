"""The option-set features against the real flake-parts and nix-darwin, when a
copy of them is on this machine (bare git mirrors under $NIXLS_MIRRORS, by
default /work/.mirror; skipped elsewhere: the repository keeps no copy of them).

The flakes of tests/data/flakes (parts, darwin) are pointed at a checkout of
each instead of the shaped stand-ins the other tests use."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.sets import load
from nixls.ide.options.tree import OptionTree
from tests.ide.mirrors import checkout

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
# The nix-darwin modules the darwin configuration is evaluated with.
DARWIN_MODULES = [
    "homebrew.nix",
    "meta.nix",
    "misc/lib.nix",
    "networking",
    "system/defaults-write.nix",
    "system/defaults/dock.nix",
    "system/primary-user.nix",
]


def _relock(flake: Path, paths: dict[str, Path]) -> None:
    lock_file = flake / "flake.lock"
    lock = json.loads(lock_file.read_text())
    for node, path in paths.items():
        lock["nodes"][node]["locked"]["path"] = str(path)
    lock_file.write_text(json.dumps(lock))


def _tree(flake: Path, roots: list[Path]) -> OptionTree:
    [spec] = flake_specs(str(flake / "flake.nix"))
    policy = ReadPolicy.restricted(roots=[str(r) for r in roots])
    return load(spec, policy, threading.Event())[0]


def _view(path: Path, text: str) -> service.DocumentView:
    parsed = parse(text.encode())
    return service.DocumentView(str(path), text.encode(), parsed.root, bool(parsed.errors))


def test_flake_parts(tmp_path: Path) -> None:
    parts = checkout("hercules-ci+flake-parts", tmp_path / "flake-parts")
    flake = tmp_path / "flake"
    shutil.copytree(DATA / "flakes" / "parts", flake)
    _relock(flake, {"flake-parts": parts, "nixpkgs-lib": LIB})
    tree = _tree(flake, [tmp_path, DATA])
    path = flake / "flake.nix"
    text = path.read_text()
    top = service.completion(tree, _view(path, text), text.index("systems ="))
    assert {"systems", "perSystem", "flake", "perInput", "debug"} <= {i.name for i in top or []}
    inner = service.completion(tree, _view(path, text), text.index("greeting ="))
    expected = {"packages", "apps", "devShells", "checks", "formatter", "legacyPackages"}
    assert expected | {"greeting"} <= {i.name for i in inner or []}
    [declared] = service.definition(tree, _view(path, text), text.index("systems =")) or []
    assert declared.file == str(parts / "modules" / "perSystem.nix")
    broken = text.replace("greeting =", "greting =")
    result = service.diagnostics(tree, _view(path, broken), threading.Event(), 5)
    assert result is not None
    [typo] = result[0]
    assert typo.message == "unknown option `perSystem.greting`; did you mean `greeting`?"


def test_nix_darwin(tmp_path: Path) -> None:
    darwin = checkout("nix-darwin+nix-darwin", tmp_path / "nix-darwin")
    flake = tmp_path / "flake"
    shutil.copytree(DATA / "flakes" / "darwin", flake)
    _relock(flake, {"nix-darwin": darwin, "nixpkgs": LIB})
    # Its base modules, trimmed (the whole list needs a real nixpkgs); definitions of
    # options outside them are not errors.
    listed = " ".join(f"./{m}" for m in DARWIN_MODULES)
    module_list = f"[ {listed} {{ _module.check = false; }} ]"
    (darwin / "modules" / "module-list.nix").write_text(module_list)
    tree = _tree(flake, [tmp_path, DATA])
    path = flake / "configuration.nix"
    text = path.read_text()
    items = service.completion(tree, _view(path, text), text.index("enable = true"))
    assert {"enable", "brews", "casks", "onActivation", "taps"} <= {i.name for i in items or []}
    [declared] = service.definition(tree, _view(path, text), text.index("autohide")) or []
    assert declared.file == str(darwin / "modules" / "system" / "defaults" / "dock.nix")
    bad = text.replace('"zap"', '"all"')
    bad = bad.replace("enable = true;", 'enable = true; cleanup = "zap";')
    result = service.diagnostics(tree, _view(path, bad), threading.Event(), 5)
    assert result is not None
    codes = {bad[d.start : d.end]: d.code for d in result[0]}
    assert codes == {'"all"': "option-type", "cleanup": "renamed-option"}
