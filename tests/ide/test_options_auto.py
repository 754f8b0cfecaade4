"""Automatic option sets: the configurations of a workspace flake
(tests/data/flakes/configs: a path input whose `lib.nixosSystem` is
`evalModules` of the real nixpkgs lib 26.11), matched to the module files
their `modules` list reaches through `imports`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.auto import find_flakes, flake_specs, workspace_specs
from nixls.ide.options.sets import load
from nixls.ide.options.spec import OptionSetSpec, spec_for
from nixls.ide.options.tree import OptionTree
from tests.ide.flake_fixtures import in_store_dir, store_configs_lib

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
FLAKE = DATA / "flakes" / "configs"
DEMO = FLAKE / "hosts" / "demo.nix"
SERVICES = FLAKE / "hosts" / "services.nix"
UNLISTED = FLAKE / "other" / "unlisted.nix"


def _view(path: Path, text: str | None = None) -> service.DocumentView:
    source = (text if text is not None else path.read_text()).encode()
    parsed = parse(source)
    return service.DocumentView(str(path), source, parsed.root, bool(parsed.errors))


def _spec_of(path: Path, specs: list[OptionSetSpec]) -> OptionSetSpec | None:
    view = _view(path)
    return spec_for(view.path, view.source, view.root, specs)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store directory holding the nixpkgs lib `system`'s input is locked to."""
    root = tmp_path_factory.mktemp("store")
    store_configs_lib(root)
    with in_store_dir(root):
        yield root


@pytest.fixture(scope="module")
def demo(store: Path) -> OptionSetSpec:
    [spec] = flake_specs(str(FLAKE / "flake.nix"))
    return spec


@pytest.fixture(scope="module")
def tree(demo: OptionSetSpec, store: Path) -> OptionTree:
    policy = ReadPolicy.restricted(roots=[str(DATA), str(store)])
    found, files = load(demo, policy, threading.Event())
    assert str(SERVICES) in files  # the evaluation really read the configuration's modules
    return found


def test_a_flake_configuration_becomes_a_set_for_the_modules_it_reaches(
    demo: OptionSetSpec, store: Path
) -> None:
    assert demo.name == "nixosConfigurations.demo" and demo.auto
    assert demo.base_dir == str(FLAKE)
    assert str(FLAKE / "system") in demo.read_roots  # the locked path input
    assert [str(store_configs_lib(store))] == [
        r for r in demo.read_roots if r.startswith(str(store))
    ]
    assert _spec_of(DEMO, [demo]) == demo  # listed in `modules`
    assert _spec_of(SERVICES, [demo]) == demo  # through `imports`
    assert _spec_of(UNLISTED, [demo]) is None  # a module, but in no configuration


def test_workspace_search_finds_nested_flakes_and_orders_sets_by_name(tmp_path: Path) -> None:
    for name, config in (("b", "zeta"), ("a", "alpha")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "m.nix").write_text("{ ... }: { }")
        (folder / "flake.nix").write_text(
            f"{{ outputs = {{ self, sys }}: {{ homeConfigurations = {{ {config} ="
            " sys.lib.homeManagerConfiguration { pkgs = null; modules = [ ./m.nix ]; }; };"
            " darwinConfigurations.nomods = sys.lib.darwinSystem { }; }; }"
        )
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "flake.nix").write_text("{ outputs = _: { }; }")
    assert sorted(find_flakes([str(tmp_path)])) == [
        str(tmp_path / "a" / "flake.nix"),
        str(tmp_path / "b" / "flake.nix"),
    ]
    specs = workspace_specs([str(tmp_path)])
    # A configuration without a readable module list gets no set.
    assert [s.name for s in specs] == ["homeConfigurations.alpha", "homeConfigurations.zeta"]
    assert specs[0].files == (str(tmp_path / "a" / "m.nix"),)


def test_explicit_sets_win_and_the_first_configuration_by_name_is_used(
    demo: OptionSetSpec,
) -> None:
    other = OptionSetSpec("nixosConfigurations.other", "{}", str(FLAKE), demo.files, True)
    assert _spec_of(DEMO, [demo, other]) == demo
    explicit = OptionSetSpec("mine", "{}", str(FLAKE))  # no files: every module file
    assert _spec_of(DEMO, [demo, explicit]) == explicit
    by_directive = _view(SERVICES, "# nixls: options=nixosConfigurations.demo\n{ }")
    assert spec_for(by_directive.path, by_directive.source, by_directive.root, [demo]) == demo


def test_a_listed_module_gets_completion_and_hover_of_the_configuration(
    tree: OptionTree,
) -> None:
    text = '{ ... }:\n{\n  networking.| = "x";\n}\n'
    at = text.index("|")
    items = service.completion(tree, _view(DEMO, text.replace("|", "", 1)), at)
    assert {i.name for i in items or []} == {"hostName"}
    source = DEMO.read_text()
    at = source.index("hostName")
    found = service.hover(tree, _view(DEMO), at, str(FLAKE))
    assert found is not None
    markdown, span = found
    assert "The name of the machine." in markdown and "string" in markdown
    assert span == (at, at + len("hostName"))
    source = SERVICES.read_text()
    at = source.index("enable = true")
    found = service.hover(tree, _view(SERVICES), at, str(FLAKE))
    assert found is not None and "Whether to enable the greeter." in found[0]


def test_only_files_inside_the_flake_are_followed_and_broken_ones_are_skipped(
    tmp_path: Path,
) -> None:
    flake = tmp_path / "flake"
    (flake / "hosts").mkdir(parents=True)
    (tmp_path / "outside.nix").write_text("{ imports = [ ./flake/hosts/late.nix ]; }")
    (flake / "hosts" / "a.nix").write_text(
        "{ ... }: { imports = [ ./b.nix ../../outside.nix ./broken.nix ./a.nix ]; }"
    )
    (flake / "hosts" / "b.nix").write_text("{ imports = [ ./sub ]; }")  # a folder: default.nix
    (flake / "hosts" / "sub").mkdir()
    (flake / "hosts" / "sub" / "default.nix").write_text("{ }")
    # Read as far as the parser recovers it.
    (flake / "hosts" / "broken.nix").write_text("{ imports = [ ./late.nix ")
    (flake / "flake.nix").write_text(
        "{ outputs = { self, s }: let x = 1; in { nixosConfigurations.h ="
        " s.lib.nixosSystem { modules = [ ./hosts/a.nix ]; }; }; }"
    )
    [spec] = flake_specs(str(flake / "flake.nix"))
    assert spec.files == tuple(
        str(flake / "hosts" / n)
        for n in ("a.nix", "b.nix", "broken.nix", "sub/default.nix", "late.nix")
    )
    (flake / "flake.nix").write_text("{ outputs = { self }: { nixosConfigurations.h = ")
    assert flake_specs(str(flake / "flake.nix")) == []


def test_options_declared_in_the_flake_are_located_in_the_workspace(tree: OptionTree) -> None:
    # The flake is evaluated from its store path (as Nix 2.26 does); definition
    # must still open the module file the user edits.
    with tree.reading(None, 10):
        doc = tree.doc(("services", "greeter", "enable"))
    assert doc is not None
    [where] = doc.declarations
    assert (where.file, where.line) == (str(FLAKE / "hosts" / "services.nix"), 3)


def test_options_declared_in_a_path_input_are_located_in_its_folder(tree: OptionTree) -> None:
    # `system` (a path input) is evaluated from its own store path too.
    with tree.reading(None, 10):
        doc = tree.doc(("networking", "hostName"))
    assert doc is not None
    [where] = doc.declarations
    assert (where.file, where.line) == (str(FLAKE / "system" / "base.nix"), 3)
