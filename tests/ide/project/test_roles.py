"""File roles from shape and place, workspace references, and the buffers evaluation reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.project.buffers import BufferIO, Dependents
from nixls.ide.project.references import scan
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
    uses = scan([str(tmp_path)])
    tool = uses[str(tmp_path / "tool" / "default.nix")]
    assert tool.role is Role.PACKAGE and "default.nix" in tool.reason
    assert uses[str(tmp_path / "mod.nix")].role is Role.MODULE
    used = FileRole(Role.PACKAGE, "callPackage'd")
    assert classify(str(tmp_path / "tool/default.nix"), parse("{ lib }: 1").root, used) == used
    # Shape wins over use: a module stays a module.
    assert classify("/m.nix", parse("{ config }: 1").root, used).role is Role.MODULE


def test_fixture_files_have_their_roles() -> None:
    uses = scan([str(FIXTURE)])
    curl = FIXTURE / "pkgs/tools/networking/curl/default.nix"
    role = classify(str(curl), parse(curl.read_text()).root, uses.get(str(curl)))
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
