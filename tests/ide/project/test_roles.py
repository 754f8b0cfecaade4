"""File roles from shape and place, workspace references, and the buffers evaluation reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.project.buffers import BufferIO, Dependents
from nixls.ide.project.references import ReferenceIndex
from nixls.ide.project.roles import FileRole, Role, classify

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "nixpkgs-fixture"


@pytest.mark.parametrize(
    ("path", "text", "role"),
    [
        ("/p/flake.nix", "{ outputs = { self }: { }; }", Role.FLAKE),
        ("/p/o.nix", "final: prev: { }", Role.OVERLAY),
        ("/p/o.nix", "self: super: { }", Role.OVERLAY),
        ("/p/m.nix", "{ config, lib, ... }: { }", Role.MODULE),
        ("/p/m.nix", "{ modulesPath, ... }: { }", Role.MODULE),
        ("/p/pkgs/by-name/he/hello/package.nix", "{ lib }: 1", Role.PACKAGE),
        ("/p/x.nix", "{ stdenv, fetchurl }: 1", Role.PACKAGE),
        ("/p/x.nix", "{ lib }: 1", Role.FUNCTION),
        ("/p/x.nix", "x: y: x", Role.FUNCTION),
        ("/p/x.nix", "{ a = 1; }", Role.EXPRESSION),
        ("/p/flake.nix", "1", Role.EXPRESSION),
    ],
)
def test_role_from_shape_and_place(path: str, text: str, role: Role) -> None:
    assert classify(path, parse(text).root).role is role


def test_references_make_a_plain_function_a_package_or_module(tmp_path: Path) -> None:
    (tmp_path / "tool").mkdir()
    (tmp_path / "default.nix").write_text(
        "{ pkgs }: { a = pkgs.callPackage ./tool { }; m = { imports = [ ./mod.nix ../x.nix ]; }; }"
    )
    index = ReferenceIndex()
    tool = index.used_as(str(tmp_path / "tool" / "default.nix"), [str(tmp_path)])
    assert tool is not None and tool.role is Role.PACKAGE and "default.nix" in tool.reason
    module = index.used_as(str(tmp_path / "mod.nix"), [str(tmp_path)])
    assert module is not None and module.role is Role.MODULE
    # A file that changes is scanned again on its own.
    (tmp_path / "default.nix").write_text("{ }")
    assert index.used_as(str(tmp_path / "mod.nix"), [str(tmp_path)]) is not None
    index.changed([str(tmp_path / "default.nix")])
    assert index.used_as(str(tmp_path / "mod.nix"), [str(tmp_path)]) is None
    used = FileRole(Role.PACKAGE, "callPackage'd")
    assert classify(str(tmp_path / "tool/default.nix"), parse("{ lib }: 1").root, used) == used
    # Shape wins over use: a module stays a module.
    assert classify("/m.nix", parse("{ config }: 1").root, used).role is Role.MODULE


def test_fixture_files_have_their_roles() -> None:
    curl = FIXTURE / "pkgs/tools/networking/curl/default.nix"
    used = ReferenceIndex().used_as(str(curl), [str(FIXTURE)])
    assert used is not None and "all-packages.nix" in used.reason
    role = classify(str(curl), parse(curl.read_text()).root, used)
    assert role.role is Role.PACKAGE
    overlay = FIXTURE / "overlays/example.nix"
    assert classify(str(overlay), parse(overlay.read_text()).root).role is Role.OVERLAY


def test_buffers_are_read_before_the_disk_and_reads_recorded(tmp_path: Path) -> None:
    f = tmp_path / "a.nix"
    f.write_text("1")
    io = BufferIO(ReadPolicy.restricted(roots=[str(tmp_path)]), {str(f): b"2"})
    assert io.read_file(str(f)) == b"2"
    assert io.read == {str(f)}
    deps = Dependents()
    deps.record("file:///b.nix", io.read)
    assert deps.of(str(f)) == ["file:///b.nix"]
    deps.forget("file:///b.nix")
    assert deps.of(str(f)) == []
    outside = BufferIO(ReadPolicy.restricted(roots=[str(tmp_path / "sub")]), {str(f): b"2"})
    with pytest.raises(Exception, match="forbidden"):
        outside.read_file(str(f))
