"""Generate a large `lib.evalModules` workload (deterministic): hundreds of module files.

The modules look like NixOS service modules: each declares
``services.svcN`` with an ``enable`` flag, typed scalars, an ``attrsOf
(submodule …)`` of settings and a ``listOf (submodule …)`` of users, and
its ``config`` is a ``mkMerge`` of ``mkIf cfg.enable`` blocks that enable
and configure services it depends on (``mkDefault``, ``mkForce``,
``mkOverride``, ``mkBefore``/``mkAfter``, ``mkOrder``). A core module
declares the shared options (``environment.etc``, ``users.users``,
``assertions``); group files import the modules; ``default.nix`` evaluates
everything and prints a summary of the whole ``config`` (its JSON hashed),
so C++ Nix and nixls can be compared on one line.

    python benchmarks/gen_modules.py DIR [--modules N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

_CORE = """\
{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    environment.etc = mkOption {
      type = types.attrsOf (types.submodule ({ name, config, ... }: {
        options = {
          text = mkOption { type = types.lines; default = ""; };
          mode = mkOption { type = types.str; default = "0644"; };
          target = mkOption { type = types.str; default = name; };
          enable = mkOption { type = types.bool; default = true; };
        };
      }));
      default = { };
      description = "Files in /etc.";
    };
    users.users = mkOption {
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          name = mkOption { type = types.str; default = name; };
          uid = mkOption { type = types.nullOr types.int; default = null; };
          groups = mkOption { type = types.listOf types.str; default = [ ]; };
          isSystemUser = mkOption { type = types.bool; default = false; };
        };
      }));
      default = { };
    };
    assertions = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
      internal = true;
    };
    networking.ports = mkOption {
      type = types.listOf types.port;
      default = [ ];
    };
  };
}
"""

_MODULE_HEAD = """\
{ config, lib, ... }:
let
  inherit (lib) mkOption mkIf mkMerge mkDefault mkForce mkOverride mkBefore mkAfter mkOrder types;
  cfg = config.services.svc{i};
  settingType = types.submodule ({ name, config, ... }: {
    options = {
      value = mkOption { type = types.either types.int types.str; };
      enable = mkOption { type = types.bool; default = true; };
      weight = mkOption { type = types.int; default = 1; };
      label = mkOption { type = types.str; default = "${name}-{i}"; };
    };
  });
in
{
  options.services.svc{i} = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to run svc{i}.";
    };
    port = mkOption { type = types.port; default = {port}; };
    name = mkOption { type = types.str; default = "svc{i}"; };
    mode = mkOption { type = types.enum [ "fast" "safe" "off" ]; default = "safe"; };
    tags = mkOption { type = types.listOf types.str; default = [ ]; };
    settings = mkOption { type = types.attrsOf settingType; default = { }; };
    users = mkOption {
      type = types.listOf (types.submodule {
        options.name = mkOption { type = types.str; };
        options.extraGroups = mkOption { type = types.listOf types.str; default = [ ]; };
      });
      default = [ ];
    };
    extra = mkOption { type = types.lazyAttrsOf types.anything; default = { }; };
  };
"""

_MODULE_CONFIG = """\
  config = mkMerge [
    {
      services.svc{i}.settings.base = { value = "base{i}"; };
      services.svc{i}.port = mkOverride 900 {port2};
    }
    (mkIf cfg.enable {
{deps}
      environment.etc."svc{i}.conf".text = lib.concatStringsSep "\\n" (lib.mapAttrsToList
        (n: s: "${n}=${toString s.value} # ${s.label} w${toString s.weight}")
        (lib.filterAttrs (_: s: s.enable) cfg.settings));
      users.users.svc{i} = { uid = {uid}; isSystemUser = true; groups = mkAfter [ "svc" ]; };
      networking.ports = [ cfg.port ];
      assertions = [ { assertion = cfg.port > 0; message = "svc{i} needs a port"; } ];
      services.svc{i}.tags = mkBefore [ "enabled" ];
    })
    (mkIf (cfg.enable && cfg.mode == "fast") {
      services.svc{i}.settings.fast = { value = {i}; weight = mkForce 10; };
      environment.etc."svc{i}.conf".mode = "0600";
    })
  ];
}
"""

_DEP = """\
      services.svc{j}.enable = mkDefault true;
      services.svc{j}.tags = mkOrder {order} [ "used-by-svc{i}" ];
      services.svc{j}.settings."from{i}" = {{ value = {i}; weight = mkDefault {w}; }};
      services.svc{j}.users = [ {{ name = "svc{i}"; extraGroups = [ "g{i}" ]; }} ];
"""

_HOST = """\
{ lib, ... }:
{
  services = {
{enables}
  };
  users.users.root.uid = 0;
  environment.etc.hostname.text = "bench";
}
"""

_DEFAULT = """\
let
  lib = import {lib};
  eval = lib.evalModules {{ modules = [ ./core.nix ./host.nix {groups} ]; }};
  cfg = eval.config;
  enabled = lib.filterAttrs (_: s: s.enable) cfg.services;
  failed = lib.filter (a: !a.assertion) cfg.assertions;
in
{{
  enabled = builtins.length (builtins.attrNames enabled);
  etc = builtins.length (builtins.attrNames cfg.environment.etc);
  ports = builtins.length cfg.networking.ports;
  failed = builtins.length failed;
  hash = builtins.hashString "sha256" (builtins.toJSON {{
    inherit (cfg) services environment users networking;
  }});
}}
"""


def _fill(template: str, **values: object) -> str:
    # str.format would trip over Nix's braces; only {name} markers are ours.
    for key, value in values.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def _module(rng: random.Random, i: int, count: int) -> str:
    deps = rng.sample(range(i + 1, count), min(3, count - i - 1)) if i + 1 < count else []
    dep_text = "".join(
        _DEP.format(j=j, i=i, order=rng.randint(500, 1500), w=rng.randint(1, 9)) for j in deps
    )
    head = _fill(_MODULE_HEAD, i=i, port=1024 + i)
    config = _fill(_MODULE_CONFIG, i=i, port2=20000 + i, uid=1000 + i, deps=dep_text.rstrip("\n"))
    return head + config


def generate(directory: Path, modules: int = 300, seed: int = 2026, lib: str = "LIB") -> Path:
    """Write the module tree under ``directory``; return its ``default.nix``.

    ``lib`` is the path of a nixpkgs ``lib`` directory, spliced into
    ``default.nix``. Same arguments, same files.
    """
    rng = random.Random(seed)
    mods = directory / "modules"
    mods.mkdir(parents=True, exist_ok=True)
    for i in range(modules):
        (mods / f"svc{i}.nix").write_text(_module(rng, i, modules))
    groups = []
    for g in range(0, modules, 25):
        name = f"group{g // 25}.nix"
        members = " ".join(f"./svc{i}.nix" for i in range(g, min(g + 25, modules)))
        (mods / name).write_text(f"{{ ... }}:\n{{\n  imports = [ {members} ];\n}}\n")
        groups.append(f"./modules/{name}")
    (directory / "core.nix").write_text(_CORE)
    roots = range(0, modules, 10)
    enables = "\n".join(
        f'    svc{i}.enable = true;\n    svc{i}.mode = "{"fast" if i % 20 == 0 else "safe"}";'
        for i in roots
    )
    (directory / "host.nix").write_text(_fill(_HOST, enables=enables))
    default = directory / "default.nix"
    default.write_text(_DEFAULT.format(lib=lib, groups=" ".join(groups)))
    return default


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory", type=Path)
    ap.add_argument("--modules", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--lib", default="LIB", help="path of nixpkgs lib spliced in")
    args = ap.parse_args(argv)
    print(generate(args.directory, args.modules, args.seed, args.lib))
    return 0


if __name__ == "__main__":
    sys.exit(main())
