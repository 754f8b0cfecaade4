"""Option sets without the LSP: declarations, paths in module files, and the
lazily read option tree of tests/data/home-manager-like (a home-manager-shaped
module set written for these tests; tests/ide/test_options_upstream_hm.py runs
the real home-manager where a copy is on the machine)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from evaluator.vm.errors import NixError
from nixls.ide.options import queries, service
from nixls.ide.options.paths import cursor_at, definitions
from nixls.ide.options.sets import OptionSets, load
from nixls.ide.options.spec import OptionSetSpec, directive, spec_for, specs_from_settings
from nixls.ide.options.tree import OptionTree
from nixls.project_config import ConfigError, load_config, settings_json
from nixls.settings import structure_settings

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "data" / "home-manager-like"


@pytest.fixture(scope="module")
def tree() -> OptionTree:
    spec = OptionSetSpec("home", "(import ./eval.nix).options", str(FIXTURE))
    policy = ReadPolicy.restricted(roots=[str(REPO / "tests" / "data")])
    found, files = load(spec, policy, threading.Event())
    assert str(FIXTURE / "modules" / "programs" / "git.nix") in files
    return found


def _view(text: str, path: str = "/w/home.nix") -> service.DocumentView:
    parsed = parse(text.encode())
    return service.DocumentView(path, text.encode(), parsed.root, bool(parsed.errors))


def _names(tree: OptionTree, text: str, marker: str = "|") -> set[str]:
    at = text.index(marker)
    view = _view(text.replace(marker, "", 1))
    items = service.completion(tree, view, at)
    return {i.name for i in items or []}


# ---------------------------------------------------------------- declarations


def test_nixls_toml_declares_option_sets_relative_to_itself(tmp_path: Path) -> None:
    toml = tmp_path / "nixls.toml"
    toml.write_text('[options.home]\nexpr = "(import ./hm.nix).options"\nfiles = ["home/**.nix"]\n')
    raw = settings_json(load_config(toml))["options"]
    specs, problems = specs_from_settings(raw, "/elsewhere")
    assert problems == []
    (spec,) = specs
    assert (spec.name, spec.base_dir) == ("home", str(tmp_path))
    assert spec.files == (str(tmp_path / "home" / "**.nix"),)
    module = parse(b"{ config, ... }: { }").root
    assert spec_for(str(tmp_path / "home" / "a" / "b.nix"), b"1", module, specs) is spec
    assert spec_for(str(tmp_path / "other.nix"), b"{ }", module, specs) is None


def test_a_bad_option_set_declaration_is_located(tmp_path: Path) -> None:
    toml = tmp_path / "nixls.toml"
    toml.write_text('[options.home]\nfiles = ["x"]\n')
    with pytest.raises(ConfigError) as err:
        load_config(toml)
    assert "option set 'home' needs expr" in str(err.value)
    assert str(err.value).startswith(f"{toml}:")


def test_the_editor_setting_and_the_file_directive() -> None:
    raw = {"a": {"expr": "x"}, "b": {"files": []}}
    warnings: list[str] = []
    settings = structure_settings({"nixls": {"options": raw}}, warnings.append)
    assert warnings == [] and settings.options == raw
    specs, problems = specs_from_settings(settings.options, "/ws")
    assert [s.name for s in specs] == ["a"] and specs[0].base_dir == "/ws"
    assert problems == ["option set 'b': expected { expr = \"…\", files = [...] }"]
    source = b"# header\n# nixls: options=a\n{ lib }: 1\n"
    assert directive(source) == "a"
    assert spec_for("/x.nix", source, parse(source).root, specs) is specs[0]
    assert directive(b"\n" * 10 + b"# nixls: options=a\n") is None  # first lines only
    # Without files, a set applies to module-shaped files only.
    assert spec_for("/x.nix", b"", parse(b"{ config, ... }: { }").root, specs) is specs[0]
    assert spec_for("/x.nix", b"", parse(b"{ a = 1; }").root, specs) is None
    assert spec_for("/x.nix", b"", parse(b"x: x").root, specs) is None
    # A helper library (`{ lib }: { mkThing = …; }`) is no module.
    assert spec_for("/x.nix", b"", parse(b"{ lib }: { mk = 1; }").root, specs) is None
    assert spec_for("/x.nix", b"", parse(b"{ lib, pkgs }: { a = 1; }").root, specs) is None
    assert spec_for("/x.nix", b"", parse(b"{ config, lib }: { }").root, specs) is specs[0]


# ---------------------------------------------------------------- paths


def test_definitions_go_through_wrappers_nested_sets_and_lists() -> None:
    text = """{ lib, ... }: {
      config = lib.mkIf true (lib.mkMerge [
        { a.b = 1; }
        (lib.mkDefault { c = { d = lib.mkForce 2; }; })
      ]);
      options.x = 1;
    }"""
    found = [d.path for d in definitions(parse(text.encode()).root)]
    assert found == [("a", "b"), ("c",), ("c", "d")]
    listed = [d.path for d in definitions(parse(b"{ l = [ { p = 1; } ]; }").root)]
    assert listed == [("l",), ("l", "*", "p")]


def test_the_cursor_knows_the_path_before_it() -> None:
    text = "{ ... }: { programs.git = { enable = true; }; }"
    root = parse(text.encode()).root
    on_key = cursor_at(root, text.index("enable") + 2)
    assert on_key is not None and on_key.path == ("programs", "git")
    assert on_key.key is not None and on_key.key.name == "enable"
    assert cursor_at(root, text.index("true") + 1) is None  # a value, not a path
    inside = cursor_at(root, text.index("{ enable") + 1)
    assert inside is not None and (inside.path, inside.key) == (("programs", "git"), None)


# ---------------------------------------------------------------- the tree


def test_completion_in_submodules_of_attrs_and_lists(tree: OptionTree) -> None:
    assert {"enable", "package", "includes"} <= _names(tree, "{ ... }: { programs.git = { | }; }")
    # attrsOf (submodule …): a name, then the submodule's options.
    names = _names(tree, '{ ... }: { home.file."a.txt" = { | }; }')
    assert {"source", "text", "target", "executable"} <= names
    # listOf (submodule …): the items of the list.
    names = _names(tree, "{ ... }: { programs.git.includes = [ { | } ]; }")
    assert {"path", "condition", "contents"} <= names
    # Through mkIf, in `config`, and while typing an unfinished binding.
    assert "git" in _names(tree, "{ lib, ... }: { config = lib.mkIf true { programs.| }; }")
    assert "stateVersion" in _names(tree, "{ ... }: {\n  home.st|\n}")
    assert _names(tree, "{ ... }: { home.stateVersion = | ; }") == set()


def test_hover_tells_renamed_and_removed_options(tree: OptionTree) -> None:
    with tree.reading(None, 5):
        renamed = queries.markdown(tree, ("programs", "git", "userName"), None)
        removed = queries.markdown(tree, ("home", "sessionVariableSetter"), None)
        group = queries.markdown(tree, ("programs", "git"), None)
    assert renamed is not None and "use `programs.git.settings.user.name` instead" in renamed
    assert removed is not None and "can no longer be used" in removed
    assert group is not None and "a set of" in group


def test_diagnostics_check_values_against_the_option_types(tree: OptionTree) -> None:
    text = """{ lib, ... }: {
      home.username = 3;
      home.enableNixpkgsReleaseCheck = "yes";
      home.stateVersion = lib.mkDefault "24.05";
      programs.git.ignores = [ "*.o" 1 ];
      programs.git.hooks = { };
    }"""
    view = _view(text)
    result = service.diagnostics(tree, view, threading.Event(), 5)
    assert result is not None
    found = {text[d.start : d.end]: d.message for d in result[0]}
    assert found["3"].startswith("3 is not of type `non-empty string`")
    assert found['"yes"'].startswith('"yes" is not of type `boolean`')
    assert found['[ "*.o" 1 ]'].startswith("a list is not of type `list of string`")
    assert len(found) == 3  # a valid stateVersion (through mkDefault) and hooks pass


def test_a_changed_module_file_reloads_its_set(tmp_path: Path) -> None:
    module = tmp_path / "m.nix"
    module.write_text("{ lib, ... }: { options.a = lib.mkOption { type = lib.types.int; }; }")
    lib = REPO / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"
    expr = f"((import {lib}).evalModules {{ modules = [ ./m.nix ]; }}).options"
    sets = OptionSets()
    spec = OptionSetSpec("t", expr, str(tmp_path))
    sets.configure([spec])
    policy = ReadPolicy.anywhere()
    first = sets.get(spec, policy).future.result(timeout=60)
    with first.reading(None, 5):
        assert [c.name for c in first.children(()) if c.name != "_module"] == ["a"]
    assert sets.changed([str(tmp_path / "unrelated.nix")]) == []
    module.write_text("{ lib, ... }: { options.b = lib.mkOption { type = lib.types.int; }; }")
    assert sets.changed([str(module)]) == [spec]
    second = sets.get(spec, policy).future.result(timeout=60)
    with second.reading(None, 5):
        assert [c.name for c in second.children(()) if c.name != "_module"] == ["b"]


def test_a_failing_set_says_why_and_answers_nothing(tmp_path: Path) -> None:
    sets = OptionSets()
    spec = OptionSetSpec("bad", "(import ./missing.nix).options", str(tmp_path))
    sets.configure([spec])
    entry = sets.get(spec, ReadPolicy.restricted(roots=[str(tmp_path)]))
    with pytest.raises(NixError):
        entry.future.result(timeout=60)
    assert entry.tree is None
    assert entry.error is not None and "missing.nix" in entry.error
    not_a_set = OptionSetSpec("num", "1", str(tmp_path))
    sets.configure([not_a_set])
    tree = sets.get(not_a_set, ReadPolicy.nothing()).future.result(timeout=60)
    with tree.reading(None, 5):
        assert tree.children(()) == []
        assert queries.markdown(tree, ("a",), None) is None


def test_a_module_declaring_its_own_options_is_not_flagged(tree: OptionTree) -> None:
    text = """{ config, lib, ... }: {
      options.my.tool = { enable = lib.mkEnableOption "it"; };
      config = lib.mkIf config.my.tool.enable { my.tool.enable = true; progrms.git = { }; };
    }"""
    result = service.diagnostics(tree, _view(text), threading.Event(), 5)
    assert result is not None
    assert [text[d.start : d.end] for d in result[0]] == ["progrms"]
