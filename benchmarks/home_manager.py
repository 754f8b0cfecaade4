"""A real module set: home-manager's option tree, nixls against C++ Nix.

Evaluates every module of a home-manager checkout the way its manual does
(``modules/modules.nix`` through ``lib.evalModules``, ``lib`` extended by
``modules/lib/stdlib-extended.nix``), then walks the whole option tree with
``lib.optionAttrSetToDocList`` (sub-options of submodules included) and
prints the number of options and a hash of every ``name: type`` line, so the
two evaluators are checked against each other. ``pkgs`` is a stub written
here: every ``pkgs.NAME`` the modules mention is a stub package, plus
``formats``, ``stdenv`` and ``path`` (a directory holding the two nixpkgs
NixOS modules home-manager imports, as small stand-ins). Option defaults are
not forced, so packages are never built.

home-manager's code is not in this repository. Get it and pass its path:

    git clone https://github.com/nix-community/home-manager /tmp/home-manager
    python benchmarks/home_manager.py /tmp/home-manager      # or $HOME_MANAGER_SRC

Rows: all modules, and all modules but those named with ``--exclude``
(default ``programs/fish.nix``, which crashes nixls at the time of writing);
whole process, cold, one run each (``--repeat N`` keeps the least-CPU run).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import measure  # noqa: E402
from measure import Run, fmt  # noqa: E402

LIB_2611 = HERE.parent / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

_STUB_PKGS = """\
{ lib, path, names }:
let
  drv = name: {
    type = "derivation";
    inherit name;
    pname = name;
    version = "0";
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    drvPath = "/nix/store/00000000000000000000000000000000-${name}.drv";
    outputs = [ "out" ];
    meta = { mainProgram = name; platforms = lib.platforms.all; };
    override = _: drv name;
    overrideAttrs = _: drv name;
  };
  valueType = with lib.types;
    nullOr (oneOf [ bool int float str lib.types.path (attrsOf valueType) (listOf valueType) ])
    // { description = "settings value"; };
  format = _: {
    type = valueType;
    generate = name: _: drv name;
    lib.types.atom = valueType;
  };
  named = f: name: _: f name;
in
lib.genAttrs names drv // {
  inherit lib path;
  formats = lib.genAttrs [ "json" "yaml" "toml" "ini" "keyValue" "xml" "javaProperties"
    "iniWithGlobalSection" "rasi" "lua" "yaml_1_1" "yaml_1_2" "plist" "hocon" "nixConf"
    "elixirConf" "gitIni" "pythonVars" "php" "cdn" "libconfig" "systemd" ] (_: format);
  stdenv = drv "stdenv" // {
    hostPlatform = lib.systems.elaborate "x86_64-linux";
    buildPlatform = lib.systems.elaborate "x86_64-linux";
    isLinux = true;
    isDarwin = false;
  };
  system = "x86_64-linux";
  config = { };
  writeText = named drv;
  writeTextDir = named drv;
  writeShellScript = named drv;
  writeShellScriptBin = named drv;
  writeScript = named drv;
  runCommand = name: _: _: drv name;
  runCommandLocal = name: _: _: drv name;
  symlinkJoin = a: drv (a.name or "joined");
  buildEnv = a: drv (a.name or "env");
  writeTextFile = a: drv a.name;
  writeShellApplication = a: drv a.name;
  linkFarm = named drv;
}
"""

_ASSERTIONS = """\
{ lib, ... }:
{
  options.assertions = lib.mkOption {
    type = lib.types.listOf lib.types.unspecified;
    internal = true;
    default = [ ];
    description = "Conditions that must hold (stand-in for nixpkgs' module).";
  };
  options.warnings = lib.mkOption {
    type = lib.types.listOf lib.types.str;
    internal = true;
    default = [ ];
    description = "Warnings to print (stand-in for nixpkgs' module).";
  };
}
"""

_META = """\
{ lib, ... }:
{
  options.meta = {
    maintainers = lib.mkOption {
      type = lib.types.listOf lib.types.raw;
      internal = true;
      default = [ ];
      description = "Maintainers of the module (stand-in for nixpkgs' module).";
    };
    doc = lib.mkOption {
      type = lib.types.nullOr lib.types.path;
      internal = true;
      default = null;
      description = "Documentation of the module.";
    };
    buildDocsInSandbox = lib.mkOption {
      type = lib.types.bool;
      internal = true;
      default = true;
      description = "Whether the docs build in a sandbox.";
    };
  };
}
"""

_SERVICE = """\
{ lib, ... }:
let
  inherit (lib) mkOption types;
  unit = types.submodule {
    freeformType = types.attrsOf types.anything;
    options.wantedBy = mkOption {
      type = types.listOf types.str;
      default = [ "multi-user.target" ];
      description = "Targets that want the unit (stand-in for nixpkgs' module).";
    };
  };
in
{
  options.systemd = {
    mainExecStart = mkOption { type = types.str; default = ""; description = "Command line."; };
    service = mkOption { type = unit; default = { }; description = "The primary unit."; };
    services = mkOption { type = types.attrsOf unit; default = { }; description = "Units."; };
    sockets = mkOption { type = types.attrsOf unit; default = { }; description = "Sockets."; };
  };
}
"""

_MAIN = """\
let
  hm = {hm};
  lib = import (hm + "/modules/lib/stdlib-extended.nix") (import {lib});
  pkgs = import ./stub-pkgs.nix {{ inherit lib; path = ./stub-nixpkgs; names = {names}; }};
  excluded = [ {excluded} ];
  isExcluded = m: builtins.isPath m && builtins.any (e: lib.hasSuffix e (toString m)) excluded;
  modules = builtins.filter (m: !isExcluded m)
    (import (hm + "/modules/modules.nix") {{ inherit lib pkgs; check = false; }});
  # As home-manager's docs/default.nix does: the stub wins over misc/nixpkgs.nix's import.
  stubPkgsModule = {{
    _module.args.pkgs = lib.mkForce pkgs;
    _module.args.pkgs_i686 = lib.mkForce {{ }};
    home.stateVersion = "25.11";
  }};
  eval = lib.evalModules {{
    modules = modules ++ [ stubPkgsModule ];
    class = "homeManager";
    specialArgs.modulesPath = toString (hm + "/modules");
  }};
  docs = lib.optionAttrSetToDocList eval.options;
in
{{
  modules = builtins.length modules;
  options = builtins.length docs;
  hash = builtins.hashString "sha256"
    (lib.concatMapStringsSep "\\n" (o: "${{o.name}}: ${{o.type}}") docs);
}}
"""


def pkgs_names(hm: Path) -> list[str]:
    """Every ``pkgs.NAME`` the modules mention (stubbed as packages)."""
    found: set[str] = set()
    for file in (hm / "modules").rglob("*.nix"):
        found.update(re.findall(r"\bpkgs\.([A-Za-z_][A-Za-z0-9_'-]*)", file.read_text()))
    return sorted(found)


def write_workload(hm: Path, directory: Path, excluded: list[str]) -> Path:
    """The Nix files of one run under ``directory``; returns the main file."""
    nixos = directory / "stub-nixpkgs" / "nixos" / "modules" / "misc"
    nixos.mkdir(parents=True, exist_ok=True)
    (nixos / "assertions.nix").write_text(_ASSERTIONS)
    (nixos / "meta.nix").write_text(_META)
    generic = directory / "stub-nixpkgs" / "modules" / "generic"
    generic.mkdir(parents=True, exist_ok=True)
    (generic / "meta-maintainers.nix").write_text(_META)  # lib/services imports it
    service = directory / "stub-nixpkgs" / "nixos" / "modules" / "system" / "service" / "systemd"
    service.mkdir(parents=True, exist_ok=True)
    (service / "service.nix").write_text(_SERVICE)
    # pkgs.path + "/lib/services/lib.nix" and the like: the real nixpkgs lib.
    lib_link = directory / "stub-nixpkgs" / "lib"
    if not lib_link.exists():
        lib_link.symlink_to(LIB_2611)
    (directory / "stub-pkgs.nix").write_text(_STUB_PKGS)
    names = "[ " + " ".join(f'"{n}"' for n in pkgs_names(hm)) + " ]"
    main = directory / "options.nix"
    main.write_text(
        _MAIN.format(
            hm=hm.resolve(),
            lib=LIB_2611,
            names=names,
            excluded=" ".join(f'"/{e}"' for e in excluded),
        )
    )
    return main


def measure_variant(main: Path, repeat: int) -> tuple[Run, Run | None]:
    """(nixls, C++ Nix) runs of ``main``, the least-CPU run of ``repeat``."""
    ours, theirs = [], []
    exe = measure.nix_exe()
    for i in range(repeat):
        cache = main.parent / f"cache-{i}"
        cache.mkdir(exist_ok=True)
        cmd = measure.nixls_cmd("eval", "--strict", str(main))
        ours.append(measure.run(cmd, cwd=main.parent, env=measure.nixls_env(cache)))
        if exe is not None:
            theirs.append(measure.run([exe, "--eval", "--strict", str(main)], cwd=main.parent))
    return _least_cpu(ours), (_least_cpu(theirs) if theirs else None)


def _least_cpu(runs: list[Run]) -> Run:
    """The successful run with the least CPU (the least disturbed one)."""
    return min(runs, key=lambda r: (not r.ok, r.cpu))


def report(label: str, ours: Run, nix: Run | None) -> list[str]:
    """One table line per evaluator, then notes."""
    lines = []
    for who, r in (("nixls", ours), ("nix 2.26.3", nix)):
        if r is None:
            continue
        status = r.stdout.strip()[:90] if r.ok else "FAILED: " + r.error_line()
        lines.append(
            f"{label:<22} {who:<11} {fmt(r.wall):>8} {fmt(r.cpu):>8} "
            f"{fmt(r.rss_mb, '.0f'):>7}  {status}"
        )
    if nix is not None and nix.ok and ours.ok:
        same = "same output" if ours.stdout.strip() == nix.stdout.strip() else "OUTPUTS DIFFER"
        lines.append(
            f"{'':<22} {'ratio':<11} {ours.wall / nix.wall:>7.1f}x {ours.cpu / nix.cpu:>7.1f}x "
            f"{ours.rss_mb / nix.rss_mb:>6.1f}x  {same}"
        )
    return lines


def main() -> int:
    """Parse arguments and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hm", nargs="?", default=os.environ.get("HOME_MANAGER_SRC"))
    parser.add_argument("--exclude", action="append", help="module path suffix to leave out")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-full", action="store_true", help="skip the all-modules row")
    parser.add_argument("--keep", type=Path, help="write the Nix files here and keep them")
    args = parser.parse_args()
    if not args.hm or not (Path(args.hm) / "modules" / "modules.nix").is_file():
        how = "home-manager's code" + __doc__.split("home-manager's code")[1].split("Rows:")[0]
        print(how.strip(), file=sys.stderr)
        return 2
    hm = Path(args.hm)
    excluded = args.exclude or ["programs/fish.nix"]
    variants = [(f"without {len(excluded)} module(s)", excluded)]
    if not args.no_full:
        variants.append(("all modules", []))
    print(f"{'variant':<22} {'who':<11} {'wall s':>8} {'cpu s':>8} {'rss MB':>7}  result")
    with tempfile.TemporaryDirectory(prefix="nixls-hm-") as tmp:
        base = args.keep or Path(tmp)
        for i, (label, exclude) in enumerate(variants):
            main_file = write_workload(hm, base / f"variant{i}", exclude)
            ours, nix = measure_variant(main_file, args.repeat)
            print("\n".join(report(label, ours, nix)), flush=True)
    print(f"excluded in the first row: {', '.join(excluded)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
