"""A real module set: home-manager's option tree, nixls against C++ Nix.

Evaluates every module of a home-manager checkout the way its manual does
(``modules/modules.nix`` through ``lib.evalModules``, ``lib`` extended by
``modules/lib/stdlib-extended.nix``), then walks the whole option tree with
``lib.optionAttrSetToDocList`` (sub-options of submodules included) and
prints it with ``--strict --json``: every option's name, type, description,
declarations, flags and related packages (defaults and examples are left
out: rendering them forces package defaults a stub cannot provide). The two
evaluators' trees are compared option by option (issue 15's acceptance).
``pkgs`` is a stub written here: every ``pkgs.NAME`` and every quoted
identifier the modules mention is a stub package (generic modules build
``pkgs.${name}``), plus ``formats``, ``stdenv`` and ``path`` (a directory
holding the nixpkgs NixOS modules home-manager imports, as small
stand-ins). Packages are never built.

home-manager's code is not in this repository. Get it and pass its path:

    git clone https://github.com/nix-community/home-manager /tmp/home-manager
    python benchmarks/home_manager.py /tmp/home-manager      # or $HOME_MANAGER_SRC

Rows: all modules (``--exclude SUFFIX`` leaves modules out); whole process;
nixls cold (an empty ``XDG_CACHE_HOME``) and warm (a second run with the
cache the cold run wrote); ``--repeat N`` keeps the least-CPU run of each.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
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
    meta = {
      mainProgram = name;
      description = "the ${name} package";
      platforms = lib.platforms.all;
    };
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
    home.username = "user";
    home.homeDirectory = "/home/user";
  }};
  eval = lib.evalModules {{
    modules = modules ++ [ stubPkgsModule ];
    class = "homeManager";
    specialArgs.modulesPath = toString (hm + "/modules");
  }};
in
map (o: removeAttrs o [ "default" "example" ]) (lib.optionAttrSetToDocList eval.options)
"""


def pkgs_names(hm: Path) -> list[str]:
    """Every ``pkgs.NAME`` and quoted identifier the modules mention (stubbed as packages)."""
    found: set[str] = set()
    for file in (hm / "modules").rglob("*.nix"):
        text = file.read_text()
        found.update(re.findall(r"\bpkgs\.([A-Za-z_][A-Za-z0-9_'-]*)", text))
        found.update(re.findall(r'"([A-Za-z_][A-Za-z0-9_-]*)"', text))
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


@dataclass
class Variant:
    """The runs of one variant: nixls cold and warm, C++ Nix."""

    cold: Run
    warm: Run
    nix: Run | None


def measure_variant(main: Path, repeat: int) -> Variant:
    """nixls cold, nixls warm and C++ Nix runs of ``main`` (least CPU of ``repeat``)."""
    cold, warm, theirs = [], [], []
    exe = measure.nix_exe()
    cmd = measure.nixls_cmd("eval", "--strict", "--json", str(main))
    for i in range(repeat):
        cache = main.parent / f"cache-{i}"
        cache.mkdir(exist_ok=True)
        cold.append(measure.run(cmd, cwd=main.parent, env=measure.nixls_env(cache)))
        warm.append(measure.run(cmd, cwd=main.parent, env=measure.nixls_env(cache)))
        if exe is not None:
            nix_cmd = [exe, "--eval", "--strict", "--json", str(main)]
            theirs.append(measure.run(nix_cmd, cwd=main.parent))
    return Variant(_least_cpu(cold), _least_cpu(warm), _least_cpu(theirs) if theirs else None)


def _least_cpu(runs: list[Run]) -> Run:
    """The successful run with the least CPU (the least disturbed one)."""
    return min(runs, key=lambda r: (not r.ok, r.cpu))


def compare_trees(ours: str, theirs: str) -> list[str]:
    """How two printed option trees differ, one line per difference (none: equal)."""
    try:
        a = {o["name"]: o for o in json.loads(ours)}
        b = {o["name"]: o for o in json.loads(theirs)}
    except (ValueError, KeyError, TypeError) as exc:
        return [f"unreadable output: {exc}"]
    out = [f"only nixls: {n}" for n in sorted(set(a) - set(b))]
    out += [f"only C++ Nix: {n}" for n in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        for key in sorted(set(a[name]) | set(b[name])):
            x, y = a[name].get(key), b[name].get(key)
            if x != y:
                out.append(
                    f"{name}.{key}: nixls {json.dumps(x)[:100]}, C++ Nix {json.dumps(y)[:100]}"
                )
    return out


def report(label: str, v: Variant) -> list[str]:
    """One table line per run, the ratios, then how the trees compare."""
    lines = []
    for who, r in (("nixls cold", v.cold), ("nixls warm", v.warm), ("nix 2.26.3", v.nix)):
        if r is None:
            continue
        status = f"{len(json.loads(r.stdout))} options" if r.ok else "FAILED: " + r.error_line()
        lines.append(
            f"{label:<22} {who:<11} {fmt(r.wall):>8} {fmt(r.cpu):>8} "
            f"{fmt(r.rss_mb, '.0f'):>7}  {status}"
        )
    nix = v.nix
    if nix is None or not nix.ok:
        return lines
    for who, r in (("cold/nix", v.cold), ("warm/nix", v.warm)):
        if r.ok:
            lines.append(
                f"{'':<22} {who:<11} {r.wall / nix.wall:>7.1f}x {r.cpu / nix.cpu:>7.1f}x "
                f"{r.rss_mb / nix.rss_mb:>6.1f}x"
            )
    if v.cold.ok:
        diffs = compare_trees(v.cold.stdout, nix.stdout)
        if v.warm.ok and v.warm.stdout != v.cold.stdout:
            diffs.append("the warm run printed another tree than the cold run")
        lines.append("option trees: " + ("EQUAL" if not diffs else f"{len(diffs)} difference(s)"))
        lines += [f"  {d}" for d in diffs[:20]]
    return lines


def main() -> int:
    """Parse arguments and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hm", nargs="?", default=os.environ.get("HOME_MANAGER_SRC"))
    parser.add_argument("--exclude", action="append", help="module path suffix to leave out")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the Nix files here and keep them")
    args = parser.parse_args()
    if not args.hm or not (Path(args.hm) / "modules" / "modules.nix").is_file():
        how = "home-manager's code" + __doc__.split("home-manager's code")[1].split("Rows:")[0]
        print(how.strip(), file=sys.stderr)
        return 2
    hm = Path(args.hm)
    excluded = args.exclude or []
    label = f"without {len(excluded)} module(s)" if excluded else "all modules"
    print(f"{'variant':<22} {'who':<11} {'wall s':>8} {'cpu s':>8} {'rss MB':>7}  result")
    with tempfile.TemporaryDirectory(prefix="nixls-hm-") as tmp:
        base = args.keep or Path(tmp)
        main_file = write_workload(hm, base / "variant0", excluded)
        print("\n".join(report(label, measure_variant(main_file, args.repeat))), flush=True)
    if excluded:
        print(f"excluded: {', '.join(excluded)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
