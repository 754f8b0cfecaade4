"""flake-parts option sets: a flake calling `flake-parts.lib.mkFlake` (the
flake-parts-shaped library of tests/data/flake-parts-like through a path input,
tests/data/flakes/parts)
gets the options of its top-level flake module in `flake.nix` and in the flake
modules it imports, and the perSystem options inside `perSystem = { … }: { … }`."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.parts import parts_input
from nixls.ide.options.sets import load
from nixls.ide.options.spec import OptionSetSpec, spec_for
from nixls.ide.options.tree import OptionTree

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
FLAKE = DATA / "flakes" / "parts"
MODULE = FLAKE / "parts" / "greeting.nix"


def _view(path: Path, text: str | None = None) -> service.DocumentView:
    source = (text if text is not None else path.read_text()).encode()
    parsed = parse(source)
    return service.DocumentView(str(path), source, parsed.root, bool(parsed.errors))


def _names(tree: OptionTree, path: Path, text: str) -> set[str]:
    at = text.index("|")
    items = service.completion(tree, _view(path, text.replace("|", "", 1)), at)
    return {i.name for i in items or []}


@pytest.fixture(scope="module")
def spec() -> OptionSetSpec:
    [found] = flake_specs(str(FLAKE / "flake.nix"))
    return found


@pytest.fixture(scope="module")
def tree(spec: OptionSetSpec) -> OptionTree:
    found, files = load(spec, ReadPolicy.restricted(roots=[str(DATA)]), threading.Event())
    assert str(DATA / "flake-parts-like" / "modules" / "core.nix") in files
    return found


def test_the_input_calling_mkflake_is_found() -> None:
    def input_of(outputs: str) -> str | None:
        return parts_input(parse(f"{{ outputs = {outputs}; }}".encode()).root)

    assert input_of("inputs@{ fp, ... }: fp.lib.mkFlake { inherit inputs; } { }") == "fp"
    called = "inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } ({ ... }: { })"
    assert input_of(called) == "flake-parts"
    assert input_of("inputs: inputs.nixpkgs.lib.nixosSystem { }") is None
    assert input_of("inputs: { }") is None


def test_the_set_applies_to_flake_nix_and_the_modules_it_imports(spec: OptionSetSpec) -> None:
    assert spec.name == "flake-parts" and spec.auto
    assert str(DATA / "flake-parts-like") in spec.read_roots  # the locked path input
    for path in (FLAKE / "flake.nix", MODULE):
        view = _view(path)
        assert spec_for(view.path, view.source, view.root, [spec]) == spec


def test_top_level_and_per_system_completion(tree: OptionTree) -> None:
    flake = (FLAKE / "flake.nix").read_text()
    top = _names(tree, FLAKE / "flake.nix", flake.replace("systems =", "|systems =", 1))
    assert {"systems", "perSystem", "flake"} <= top
    inner = flake.replace("greeting =", "|greeting =", 1)
    per_system = _names(tree, FLAKE / "flake.nix", inner)
    # The core's per-system outputs and the option the imported module adds.
    assert {"packages", "apps", "devShells", "checks", "formatter", "greeting"} <= per_system
    assert "systems" not in per_system
    # In a flake module file, inside its own `perSystem` function, while typing.
    text = "{ lib, ... }: {\n  perSystem = { pkgs, ... }: {\n    dev|\n  };\n}\n"
    assert "devShells" in _names(tree, MODULE, text)


def test_hover_and_definition_in_per_system(tree: OptionTree) -> None:
    flake = (FLAKE / "flake.nix").read_text()
    view = _view(FLAKE / "flake.nix")
    found = service.hover(tree, view, flake.index("greeting ="), None)
    assert found is not None
    assert "What the greeter package says." in found[0] and "`string`" in found[0]
    [declared] = service.definition(tree, view, flake.index("greeting =")) or []
    assert declared.file == str(MODULE) and declared.line == 5
    found = service.hover(tree, view, flake.index("packages.default"), None)
    assert found is not None and "nix build" in found[0]
    places = service.definition(tree, view, flake.index("systems ="))
    assert places and places[0].file.endswith("flake-parts-like/modules/core.nix")


def test_diagnostics_in_flake_nix_and_in_a_flake_module(tree: OptionTree) -> None:
    flake = (FLAKE / "flake.nix").read_text()
    clean = service.diagnostics(tree, _view(FLAKE / "flake.nix"), threading.Event(), 5)
    assert clean == ([], [])  # `imports`, `systems`, free `flake` outputs are fine
    broken = flake.replace('greeting = "', 'greting = 5; x = "').replace(
        "answer = 42;", "answer = 42; packages = 5;"
    )
    result = service.diagnostics(tree, _view(FLAKE / "flake.nix", broken), threading.Event(), 5)
    assert result is not None
    messages = sorted(d.message for d in result[0])
    assert messages[0].startswith("5 is not of type `lazy attribute set of lazy attribute set")
    assert "unknown option `perSystem.greting`; did you mean `greeting`?" in messages
    text = "{ ... }: {\n  perSystem = { ... }: { greeting = 3; devShell = { }; checks.a = 1; };\n}"
    result = service.diagnostics(tree, _view(MODULE, text), threading.Event(), 5)
    assert result is not None
    found = {text[d.start : d.end]: d.message for d in result[0]}
    assert found["3"].startswith("3 is not of type `string` (option `perSystem.greeting`)")
    assert "did you mean `devShells`" in found["devShell"]
    # A name in an `attrsOf package` value: the element type.
    assert found["1"] == "1 is not of type `package` (option `perSystem.checks.a`)"


def test_a_flake_module_declaring_per_system_options_is_still_checked(tree: OptionTree) -> None:
    # `options.perSystem = mkPerSystemOption …` adds to an option the set knows: the
    # module's own `perSystem` definitions are judged (an unknown option declared by
    # a module outside the set would not be).
    text = MODULE.read_text().replace("packages.greeter", "packges.greeter")
    result = service.diagnostics(tree, _view(MODULE, text), threading.Event(), 5)
    assert result is not None
    [typo] = result[0]
    assert typo.message == "unknown option `perSystem.packges`; did you mean `packages`?"


def test_options_a_per_system_module_declares_itself_are_not_flagged(tree: OptionTree) -> None:
    text = (
        "{ lib, ... }: {\n  perSystem = { config, ... }: {\n"
        "    options.mine = lib.mkOption { type = lib.types.int; };\n"
        "    config.mine = 1;\n    config.pakages = { };\n  };\n}\n"
    )
    result = service.diagnostics(tree, _view(MODULE, text), threading.Event(), 5)
    assert result is not None
    assert [d.message for d in result[0]] == [
        "unknown option `perSystem.pakages`; did you mean `packages`?"
    ]


def test_a_deferred_module_without_options_of_its_own_takes_anything(tmp_path: Path) -> None:
    (tmp_path / "m.nix").write_text(
        "{ lib, ... }: {\n  options.extra = lib.mkOption {\n"
        "    type = lib.types.deferredModule;\n    default = { };\n  };\n}\n"
    )
    lib = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
    expr = f"((import {lib}).evalModules {{ modules = [ ./m.nix ]; }}).options"
    spec = OptionSetSpec("t", expr, str(tmp_path))
    tree = load(spec, ReadPolicy.anywhere(), threading.Event())[0]
    text = "{ ... }: { extra = { anything.goes = 1; }; extar = 1; }"
    result = service.diagnostics(tree, _view(tmp_path / "x.nix", text), threading.Event(), 5)
    assert result is not None
    assert [d.message for d in result[0]] == ["unknown option `extar`; did you mean `extra`?"]
