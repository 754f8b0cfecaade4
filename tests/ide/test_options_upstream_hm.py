"""The option-set features against the real home-manager, when a copy of it is
on this machine (tests/ide/mirrors.py; skipped elsewhere: the repository keeps
no copy of it).

The acceptance checks of issue 15 for a home-manager user module, with the
option set declared in a nixls.toml: completion in ``programs.git = { | }``,
hover on ``programs.git.enable``, definition in ``modules/programs/git.nix``,
a misspelt option and a ``home.stateVersion`` outside its enum. The modules
evaluated are home-manager's own (a subset: the whole set needs a real
nixpkgs), with the stand-ins of tests/data/home-manager-like/stub for
``pkgs`` and the two nixpkgs modules they import."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.sets import load
from nixls.ide.options.spec import OptionSetSpec, specs_from_settings
from nixls.ide.options.tree import OptionTree
from nixls.project_config import load_config, settings_json
from tests.ide.mirrors import checkout

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
STUB = DATA / "home-manager-like" / "stub"
MODULES = [
    "home-environment.nix",
    "files.nix",
    "misc/version.nix",
    "misc/submodule-support.nix",
    "programs/git.nix",
]
# home-manager's library over nixpkgs lib, as its manual evaluates the modules;
# `_module.check = false`: definitions of options outside the subset are not errors.
EVAL = """\
let
  lib = import ./modules/lib/stdlib-extended.nix (import {lib});
  pkgs = import {stub}/pkgs.nix {{ inherit lib; path = {stub}; }};
in
lib.evalModules {{
  modules = [
    {modules}
    {stub}/nixos/modules/misc/assertions.nix
    {stub}/nixos/modules/misc/meta.nix
    {{ _module.check = false; _module.args.pkgs = pkgs; }}
  ];
  class = "homeManager";
  specialArgs.modulesPath = toString ./modules;
}}
"""
USER = """\
{ config, lib, pkgs, ... }:
{
  home.stateVersion = "99.99";
  programs.git = {
    enable = true;
    enabel = true;
  };
}
"""


@pytest.fixture(scope="module")
def home_manager(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout of the mirrored home-manager, with the evaluation above in it."""
    hm = checkout("nix-community+home-manager", tmp_path_factory.mktemp("hm") / "home-manager")
    listed = "\n    ".join(f"./modules/{m}" for m in MODULES)
    (hm / "nixls-eval.nix").write_text(EVAL.format(lib=LIB, stub=STUB, modules=listed))
    return hm


@pytest.fixture(scope="module")
def tree(home_manager: Path) -> OptionTree:
    """The option set as a user declares it: nixls.toml beside the checkout's eval."""
    toml = home_manager / "nixls.toml"
    toml.write_text('[options.home]\nexpr = "(import ./nixls-eval.nix).options"\n')
    specs, problems = specs_from_settings(settings_json(load_config(toml))["options"], "/x")
    assert problems == []
    [spec] = specs
    policy = ReadPolicy.restricted(roots=[str(home_manager), str(DATA)])
    found, files = load(spec, policy, threading.Event())
    assert str(home_manager / "modules" / "programs" / "git.nix") in files
    return found


def _view(path: Path, text: str) -> service.DocumentView:
    parsed = parse(text.encode())
    return service.DocumentView(str(path), text.encode(), parsed.root, bool(parsed.errors))


def test_completion_hover_and_definition(home_manager: Path, tree: OptionTree) -> None:
    path = home_manager / "home.nix"
    view = _view(path, USER)
    inside = USER.index("enable = true")
    names = {i.name for i in service.completion(tree, view, inside) or []}
    assert {"enable", "package", "ignores", "hooks", "includes"} <= names
    files = 'home.file."a.txt" = { };'
    text = USER.replace("programs.git = {", files + "\n  programs.git = {")
    at = text.index("{ };") + 1
    assert {"source", "text", "target"} <= {
        i.name for i in service.completion(tree, _view(path, text), at) or []
    }
    hover = service.hover(tree, view, inside + 2, str(home_manager))
    assert hover is not None
    assert "Whether to enable Git." in hover[0] and "`boolean`" in hover[0]
    assert USER[hover[1][0] : hover[1][1]] == "enable"
    declared = service.definition(tree, view, inside + 1) or []
    assert [d.file for d in declared] == [str(home_manager / "modules" / "programs" / "git.nix")]


def test_misspelt_option_and_state_version(home_manager: Path, tree: OptionTree) -> None:
    result = service.diagnostics(tree, _view(home_manager / "home.nix", USER), threading.Event(), 5)
    assert result is not None
    found, fixes = result
    by_text = {USER[d.start : d.end]: d for d in found}
    assert set(by_text) == {"enabel", '"99.99"'}
    assert "did you mean `enable`" in by_text["enabel"].message
    typo = by_text["enabel"]
    assert [f.text for f in service.fixes_in(fixes, typo.start, typo.end)] == ["enable"]
    wrong = by_text['"99.99"']
    assert wrong.code == "option-type"
    assert wrong.message.startswith('"99.99" is not of type `one of "')


# Modules whose own definitions are judged: no diagnostic on valid upstream code.
JUDGED = ["home-environment.nix", "systemd.nix", "misc/numlock.nix", "programs/git.nix"]


def test_home_manager_modules_have_no_option_diagnostics(
    tmp_path: Path, home_manager: Path
) -> None:
    """Among them: `systemd.user.services.X.Unit.PartOf` (a name below a declared
    group of a freeform submodule), `[ (mkIf c "warning") ]` list items, values
    read by `getEnv` (`home.username` before 20.09) and `lib.hm` calls."""
    listed = "\n    ".join(f"./modules/{m}" for m in sorted({*MODULES, *JUDGED}))
    (home_manager / "judged.nix").write_text(EVAL.format(lib=LIB, stub=STUB, modules=listed))
    spec = OptionSetSpec("judged", "(import ./judged.nix).options", str(home_manager))
    policy = ReadPolicy.restricted(roots=[str(home_manager), str(DATA)])
    judged, _files = load(spec, policy, threading.Event())
    found = []
    for name in JUDGED:
        path = home_manager / "modules" / name
        result = service.diagnostics(judged, _view(path, path.read_text()), threading.Event(), 60)
        assert result is not None
        found += [f"{name}: {d.message}" for d in result[0]]
    # The options of modules outside the subset (`xdg`, `programs.bash`) are unknown
    # to it; nothing else is reported.
    outside = re.compile(r"unknown option `(programs\.|services\.)?[^.`]+`$")
    assert [f for f in found if not outside.search(f)] == []
    unit = "systemd.user.services.x.Unit = { PartOf = [ ]; Description = 1; };"
    user = USER.replace("enabel = true;", "").replace("programs.git", unit + " programs.git")
    result = service.diagnostics(judged, _view(tmp_path / "u.nix", user), threading.Event(), 60)
    assert result is not None
    wrong, unit_type = sorted(d.message.split(" (")[0] for d in result[0])
    assert wrong.startswith('"99.99" is not of type `one of "18.09", "19.03"')
    assert unit_type == "1 is not of type `null or string`"
