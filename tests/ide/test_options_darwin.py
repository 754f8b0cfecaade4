"""nix-darwin option sets: `darwinConfigurations.mac` of tests/data/flakes/darwin
(`lib.darwinSystem` of the nix-darwin-shaped tests/data/darwin-like, a stand-in
pkgs) applies to its `configuration.nix`: completion, hover, definition and
diagnostics there."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.sets import load
from nixls.ide.options.tree import OptionTree

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
FLAKE = DATA / "flakes" / "darwin"
CONFIG = FLAKE / "configuration.nix"
DARWIN = DATA / "darwin-like" / "modules"


def _view(text: str) -> service.DocumentView:
    parsed = parse(text.encode())
    return service.DocumentView(str(CONFIG), text.encode(), parsed.root, bool(parsed.errors))


@pytest.fixture(scope="module")
def tree() -> OptionTree:
    [spec] = flake_specs(str(FLAKE / "flake.nix"))
    assert spec.name == "darwinConfigurations.mac" and spec.files == (str(CONFIG),)
    found, files = load(spec, ReadPolicy.restricted(roots=[str(DATA)]), threading.Event())
    assert str(DARWIN / "homebrew.nix") in files
    return found


def test_completion_in_a_nested_set(tree: OptionTree) -> None:
    text = CONFIG.read_text()
    items = service.completion(tree, _view(text), text.index("enable = true"))
    names = {i.name for i in items or []}
    assert {"enable", "brews", "casks", "onActivation", "taps", "prefix"} <= names
    assert "brewPrefix" not in names  # removed options are not offered


def test_hover_and_definition(tree: OptionTree) -> None:
    text = CONFIG.read_text()
    found = service.hover(tree, _view(text), text.index("cleanup"), None)
    assert found is not None
    assert '`one of "none", "check", "uninstall", "zap"`' in found[0]
    prefix = service.hover(tree, _view(text + "# prefix"), len(text) + 2, None)
    assert prefix is None  # a comment is no option path
    assert '*Default:* `"none"`' in found[0]
    [declared] = service.definition(tree, _view(text), text.index("autohide")) or []
    assert declared.file == str(DARWIN / "system" / "dock.nix")
    assert declared.line > 1
    # An option declared in a module imported as a folder: its default.nix.
    [declared] = service.definition(tree, _view(text), text.index("hostName")) or []
    assert declared.file == str(DARWIN / "networking" / "default.nix")


def test_diagnostics(tree: OptionTree) -> None:
    text = CONFIG.read_text()
    assert service.diagnostics(tree, _view(text), threading.Event(), 5) == ([], [])
    bad = (
        text.replace('"zap"', '"all"')
        .replace("autohide = true", "autohide = 1; system.defaults.dock.autohid = true")
        .replace("enable = true;", 'enable = true; cleanup = "zap"; brewPrefix = "/b";')
    )
    result = service.diagnostics(tree, _view(bad), threading.Event(), 5)
    assert result is not None
    found = {bad[d.start : d.end]: (d.code, d.message) for d in result[0]}
    assert found["1"] == (
        "option-type",
        "1 is not of type `null or boolean` (option `system.defaults.dock.autohide`)",
    )
    assert found['"all"'][1].startswith('"all" is not of type `one of "none", "check"')
    assert "did you mean `autohide` or" in found["autohid"][1]
    assert found["cleanup"] == (
        "renamed-option",
        "`homebrew.cleanup` has been renamed to `homebrew.onActivation.cleanup`",
    )
    assert found["brewPrefix"][0] == "removed-option"
    assert "Use `homebrew.prefix` (without `/bin`)." in found["brewPrefix"][1]
