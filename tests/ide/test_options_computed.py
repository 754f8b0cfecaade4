"""Computed configurations (`nixosConfigurations = lib.mapAttrs mkHost hosts`,
`genAttrs`, `listToAttrs`): a stand-in set until the names are evaluated, then
one set per configuration for the files its evaluation read; and the automatic
sets found again when a flake or a module's `imports` change."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from evaluator.vm.errors import NixError
from nixls.ide.options import computed
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.sets import LoadedSet, OptionSets
from nixls.ide.options.spec import OptionSetSpec, spec_for

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
HOSTS = DATA / "flakes" / "hosts"
POLICY = ReadPolicy.restricted(roots=[str(DATA)])


def _spec_of(path: Path, specs: list[OptionSetSpec]) -> OptionSetSpec | None:
    source = path.read_bytes()
    return spec_for(str(path), source, parse(source).root, specs)


def _copy(tmp_path: Path, flake: Path) -> Path:
    """A copy of a fixture flake whose lock points at the fixtures by absolute path."""
    target = tmp_path / flake.name
    shutil.copytree(flake, target)
    lock = json.loads((target / "flake.lock").read_text())
    lock["nodes"]["nixpkgs"]["locked"]["path"] = str(DATA / "nixos-like")
    lock["nodes"]["nixpkgs-lib"]["locked"]["path"] = str(DATA / "corpus/nixpkgs-lib-26.11/lib")
    (target / "flake.lock").write_text(json.dumps(lock))
    return target


def _expanded(sets: OptionSets, stand_in: OptionSetSpec, policy: ReadPolicy) -> list[str]:
    """Ask for the stand-in's set and wait until its configurations are named."""
    calls: list[OptionSetSpec] = []
    sets.on_ready = lambda entry: calls.append(entry.spec)
    sets.get(stand_in, policy)
    deadline = time.monotonic() + 120
    # Told twice: the stand-in's own set, and its configurations named.
    while calls.count(stand_in) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    return [s.name for s in sets.specs]


def test_a_computed_configuration_gets_a_stand_in_for_the_files_the_outputs_name() -> None:
    [spec] = flake_specs(str(HOSTS / "flake.nix"))
    assert (spec.name, spec.computed) == ("nixosConfigurations.*", "nixosConfigurations")
    named = {Path(f).name for f in spec.files}
    assert named == {"alpha.nix", "beta.nix", "common.nix", "greeter.nix"}


def test_names_are_evaluated_and_each_gets_the_files_it_read() -> None:
    [stand_in] = flake_specs(str(HOSTS / "flake.nix"))
    sets = OptionSets()
    sets.configure([stand_in])
    assert _expanded(sets, stand_in, POLICY) == [
        "nixosConfigurations.alpha",
        "nixosConfigurations.beta",
    ]
    alpha, beta = sets.specs
    assert _spec_of(HOSTS / "hosts" / "beta.nix", sets.specs) == beta
    assert _spec_of(HOSTS / "hosts" / "greeter.nix", sets.specs) == beta
    assert _spec_of(HOSTS / "hosts" / "alpha.nix", sets.specs) == alpha
    assert _spec_of(HOSTS / "common.nix", sets.specs) == alpha  # in both: the first
    tree = sets.get(beta, POLICY).future.result(timeout=120)
    with tree.reading(None, 5):
        assert tree.doc(("services", "greeter", "enable")) is not None
    # Configured again (settings changed): the names are kept.
    sets.configure([stand_in])
    assert [s.name for s in sets.specs] == ["nixosConfigurations.alpha", "nixosConfigurations.beta"]


@pytest.mark.parametrize(
    "written",
    [
        'lib.genAttrs [ "one" "two" ] (name: host name)',
        'builtins.listToAttrs (map (name: { inherit name; value = host name; }) [ "one" "two" ])',
    ],
)
def test_gen_attrs_and_list_to_attrs(tmp_path: Path, written: str) -> None:
    flake = _copy(tmp_path, HOSTS)
    (flake / "flake.nix").write_text(
        '{\n  inputs.nixpkgs.url = "path:../../nixos-like";\n'
        "  outputs = { self, nixpkgs }:\n    let\n      lib = nixpkgs.lib;\n"
        "      host = name: lib.nixosSystem { modules = [ ./common.nix ]; };\n"
        f"    in {{ nixosConfigurations = {written}; }};\n}}\n"
    )
    [stand_in] = flake_specs(str(flake / "flake.nix"))
    policy = ReadPolicy.restricted(roots=[str(DATA), str(tmp_path)])
    assert computed.names(stand_in, policy, threading.Event()) == ["one", "two"]


def test_a_flake_that_fails_or_names_nothing_keeps_its_stand_in(tmp_path: Path) -> None:
    flake = _copy(tmp_path, HOSTS)
    source = (flake / "flake.nix").read_text()
    (flake / "flake.nix").write_text(source.replace("lib.mapAttrs mkHost hosts", 'throw "no"'))
    [stand_in] = flake_specs(str(flake / "flake.nix"))
    policy = ReadPolicy.restricted(roots=[str(DATA), str(tmp_path)])
    assert computed.expand(stand_in, policy, threading.Event()) == []
    sets = OptionSets()
    sets.configure([stand_in])
    entry: LoadedSet = sets.get(stand_in, policy)
    with pytest.raises(NixError):
        entry.future.result(timeout=120)
    time.sleep(0.5)  # the names' evaluation failed too: nothing replaced the stand-in
    assert sets.specs == [stand_in]


def test_an_edited_imports_list_changes_the_files_of_a_set(tmp_path: Path) -> None:
    flake = _copy(tmp_path, DATA / "flakes" / "nixos")
    [server] = flake_specs(str(flake / "flake.nix"))
    extra = flake / "extra.nix"
    extra.write_text('{ ... }: { networking.hostName = "x"; }\n')
    sets = OptionSets()
    sets.configure([server])
    assert _spec_of(extra, sets.specs) is None
    assert sets.changed([str(tmp_path / "elsewhere.nix")]) == []
    config = flake / "configuration.nix"
    config.write_text(config.read_text().replace("./users.nix", "./users.nix ./extra.nix"))
    [found] = sets.changed([str(config)])
    assert found.name == server.name and str(extra) in found.files
    assert _spec_of(extra, sets.specs) == found
    # A new configuration in flake.nix.
    text = (flake / "flake.nix").read_text()
    text = text.replace(
        "nixosConfigurations.server =",
        "nixosConfigurations.other = nixpkgs.lib.nixosSystem { modules = [ ./other.nix ]; };\n"
        "    nixosConfigurations.server =",
    )
    (flake / "flake.nix").write_text(text)
    (flake / "other.nix").write_text("{ ... }: { }\n")
    names = [s.name for s in sets.changed([str(flake / "flake.nix")])]
    assert names == ["nixosConfigurations.other", "nixosConfigurations.server"]
    assert _spec_of(flake / "other.nix", sets.specs) is not None


def test_configurations_a_flake_parts_flake_computes(tmp_path: Path) -> None:
    flake = tmp_path / "flake"
    flake.mkdir()
    (flake / "flake.nix").write_text(
        '{\n  inputs.flake-parts.url = "path:../parts";\n  inputs.nixpkgs.url = "path:../os";\n'
        "  outputs = inputs@{ flake-parts, nixpkgs, ... }:\n"
        "    flake-parts.lib.mkFlake { inherit inputs; } {\n"
        '      imports = [ ./module.nix ];\n      systems = [ "x86_64-linux" ];\n'
        '      flake.nixosConfigurations = nixpkgs.lib.genAttrs [ "a" ]\n'
        "        (name: nixpkgs.lib.nixosSystem { modules = [ ./host.nix ]; });\n"
        "    };\n}\n"
    )
    (flake / "module.nix").write_text("{ ... }: { perSystem = { ... }: { }; }\n")
    (flake / "host.nix").write_text("{ ... }: { services.openssh.enable = true; }\n")
    lib = str(DATA / "corpus" / "nixpkgs-lib-26.11" / "lib")

    def node(path: str, **inputs: str) -> dict[str, object]:
        return {"inputs": inputs, "locked": {"path": path, "type": "path"}, "parent": []}

    nodes = {
        "root": {"inputs": {"flake-parts": "flake-parts", "nixpkgs": "nixpkgs"}},
        "flake-parts": node(str(DATA / "flake-parts-like"), **{"nixpkgs-lib": "lib"}),
        "nixpkgs": node(str(DATA / "nixos-like"), **{"nixpkgs-lib": "lib"}),
        "lib": node(lib),
    }
    lock = {"nodes": nodes, "root": "root", "version": 7}
    (flake / "flake.lock").write_text(json.dumps(lock))
    parts, stand_in = flake_specs(str(flake / "flake.nix"))
    assert parts.name == "flake-parts" and stand_in.name == "nixosConfigurations.*"
    assert stand_in.files == (str(flake / "host.nix"),)  # module.nix is a flake module
    policy = ReadPolicy.restricted(roots=[str(DATA), str(tmp_path)])
    assert computed.names(stand_in, policy, threading.Event()) == ["a"]
