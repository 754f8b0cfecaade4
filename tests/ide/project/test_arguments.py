"""A file evaluated with the arguments its role gives (package, overlay, module),
lazily, reading the editor's unsaved buffers of the files it imports."""

from __future__ import annotations

import threading
from pathlib import Path

from nixls.ide.host import AnalysisHost
from nixls.ide.live import LiveEvaluator, Outcome, evaluate, request_for_span
from nixls.ide.project.project import Project
from nixls.ide.workspace import Unit
from nixls.settings import Settings

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "nixpkgs-fixture"


class Host:
    def __init__(self, root: Path) -> None:
        self.settings = Settings()
        # A cold compile of lib on a loaded machine: not what is tested here.
        self.settings.eval.budget.timeout_ms = 60_000
        self.host = AnalysisHost()
        self.files = self.host.files
        self.files.roots = [str(root)]


def run(root: Path, path: Path, text: str, target: str, environ: dict[str, str]) -> Outcome:
    host = Host(root)
    live = LiveEvaluator(host, Project(environ))
    doc = host.host.open(path.as_uri(), text, 1).document
    start = text.rindex(target)
    request = request_for_span(doc, (start, start + len(target)), live.policy())
    return evaluate(request, threading.Event())


NIX_PATH = {"HOME": "/nonexistent", "NIX_PATH": f"nixpkgs={FIXTURE}"}


def test_package_formals_come_from_the_package_set(tmp_path: Path) -> None:
    text = '{ lib, zlib, missing }: [ zlib.meta.description (lib.versions.major "4.5") missing ]'
    f = tmp_path / "pkg.nix"
    f.write_text(text)
    (tmp_path / "default.nix").write_text("{ callPackage }: callPackage ./pkg.nix { }")
    out = run(tmp_path, f, text, "zlib.meta.description", NIX_PATH)
    assert out.value == '"Lossless data-compression library"', out
    out = run(tmp_path, f, text, 'lib.versions.major "4.5"', NIX_PATH)
    assert out.value == '"4"', out
    # Only what is touched is forced: the unknown `missing` costs nothing here.
    out = run(tmp_path, f, text, "missing", NIX_PATH)
    assert out.unknown is not None and "missing" in out.unknown


def test_no_nixpkgs_leaves_arguments_unknown(tmp_path: Path) -> None:
    text = "{ lib, stdenv }: lib.id 1"
    f = tmp_path / "pkg.nix"
    f.write_text(text)
    out = run(tmp_path, f, text, "lib.id 1", {"HOME": "/nonexistent"})
    assert out.unknown is not None and "lib" in out.unknown


def test_overlay_gets_final_and_prev(tmp_path: Path) -> None:
    text = (
        "final: prev: { figlet = prev.figlet // { x = 1; }; "
        "y = [ final.figlet.x prev.hello.name ]; }"
    )
    f = tmp_path / "overlay.nix"
    f.write_text(text)
    out = run(tmp_path, f, text, "[ final.figlet.x prev.hello.name ]", NIX_PATH)
    assert out.value == '[ 1 "hello-2.12.2" ]', out


def test_module_gets_lib_pkgs_and_unknown_config(tmp_path: Path) -> None:
    text = (
        '{ config, lib, pkgs, ... }: { a = [ pkgs.figlet.pname (lib.toUpper "x") ]; b = config.x; }'
    )
    f = tmp_path / "module.nix"
    f.write_text(text)
    out = run(tmp_path, f, text, '[ pkgs.figlet.pname (lib.toUpper "x") ]', NIX_PATH)
    assert out.value == '[ "figlet" "X" ]', out
    out = run(tmp_path, f, text, "config.x", NIX_PATH)
    assert out.unknown is not None and "config" in out.unknown


def test_imported_file_is_read_from_its_unsaved_buffer(tmp_path: Path) -> None:
    (tmp_path / "value.nix").write_text("1")
    text = "import ./value.nix"
    f = tmp_path / "main.nix"
    f.write_text(text)
    host = Host(tmp_path)
    live = LiveEvaluator(host, Project({"HOME": "/nonexistent"}))
    host.host.open((tmp_path / "value.nix").as_uri(), "41 + 1", 1)
    doc = host.host.open(f.as_uri(), text, 1).document
    out = evaluate(request_for_span(doc, (0, len(text)), live.policy()), threading.Event())
    assert out.value == "42"
    assert str(tmp_path / "value.nix") in out.read


def test_plain_function_argument_stays_unknown(tmp_path: Path) -> None:
    text = "{ lib }: n: lib.id n"
    f = tmp_path / "f.nix"
    f.write_text(text)
    out = run(tmp_path, f, text, "lib.id n", NIX_PATH)
    assert out.unknown is not None and "`n`" in out.unknown, out


def test_a_flake_gets_its_outputs_arguments_from_its_role_supplier(tmp_path: Path) -> None:
    # Flakes supply `outputs` arguments the one way every role does: through
    # the supplier of their role (a provider of values, not an expression).
    from nixls.ide.project import arguments
    from nixls.ide.project.roles import Role

    assert arguments.SUPPLIERS[Role.FLAKE] is arguments._flake
    text = "{ inputs = { }; outputs = { self }: { x = 1; y = self.x + 41; }; }"
    f = tmp_path / "flake.nix"
    f.write_text(text)
    for environ in (NIX_PATH, {"HOME": "/nonexistent"}):  # with or without a nixpkgs
        out = run(tmp_path, f, text, "self.x + 41", environ)
        assert out.value == "42", out


def test_hover_asks_where_arguments_come_from_only_when_it_shows_it(tmp_path: Path) -> None:
    text = "final: prev: let x = prev; in { y = x; }"
    f = tmp_path / "overlay.nix"
    f.write_text(text)
    host = AnalysisHost()
    host.files.roots = [str(tmp_path)]
    host.live.project = Project(NIX_PATH)
    asked: list[str] = []
    real = host.live.arguments_origin

    def origin(doc: Unit) -> str | None:
        asked.append(doc.uri)
        return real(doc)

    host.live.arguments_origin = origin  # type: ignore[method-assign]
    snap = host.open(f.as_uri(), text, 1)
    reader = snap.reader()
    info = snap.hover(text.index("x ="), reader)
    assert info is not None and asked == []
    info = snap.hover(text.index("prev;"), reader)
    assert info is not None and asked == [], info  # `prev` has no formals: nothing to say
    pkg = tmp_path / "pkg.nix"
    text = "{ lib, n ? 1 }: lib.id n"
    pkg.write_text(text)
    (tmp_path / "default.nix").write_text("{ callPackage }: callPackage ./pkg.nix { }")
    snap = host.open(pkg.as_uri(), text, 1)
    info = snap.hover(text.index("n ?"), snap.reader())
    assert info is not None and asked == []  # a default: shown instead
    info = snap.hover(text.index("lib.id"), snap.reader())
    assert info is not None and asked == [pkg.as_uri()]
    assert f"given by callPackage of the nixpkgs at {FIXTURE}" in info.markdown


def test_where_the_arguments_come_from(tmp_path: Path) -> None:
    text = "final: prev: { }"
    f = tmp_path / "overlay.nix"
    f.write_text(text)
    host = Host(tmp_path)
    live = LiveEvaluator(host, Project(NIX_PATH))
    doc = host.host.open(f.as_uri(), text, 1).document
    assert live.arguments_origin(doc) == f"the nixpkgs at {FIXTURE} with this overlay applied"
    bare = LiveEvaluator(host, Project({"HOME": "/nonexistent"}))
    assert bare.arguments_origin(doc) is None


def test_store_dir_and_read_roots_follow_discovery(tmp_path: Path) -> None:
    text = '(derivation { name = "x"; builder = "b"; system = "s"; }).outPath'
    f = tmp_path / "d.nix"
    f.write_text(text)
    out = run(tmp_path, f, text, text, {**NIX_PATH, "NIX_STORE_DIR": "/custom/store"})
    assert out.value is not None and out.value.startswith('"/custom/store/'), out
    host = Host(tmp_path)
    live = LiveEvaluator(host, Project(NIX_PATH))
    assert str(FIXTURE) in live.read_roots() and str(tmp_path) in live.read_roots()
