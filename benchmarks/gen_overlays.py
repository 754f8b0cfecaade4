"""Generate an overlays-on-a-fixpoint workload (deterministic), nixpkgs-style.

A base package set of N packages is a function of ``self``; each package is
made with ``callPackage`` (``lib.callPackageWith``, so ``makeOverridable``
and ``functionArgs`` run as in nixpkgs) from a function of the packages it
depends on. A stack of overlays then replaces dependencies
(``.override``), bumps versions (``//``) and adds packages; the stack is
composed with ``lib.composeManyExtensions`` and tied with ``lib.fix`` /
``lib.extends``, then extended once more through ``makeExtensible``'s
``.extend``. The result forces the dependency closure of a set of roots
(``builtins.genericClosure``) and prints its size and a hash of its names.

    python benchmarks/gen_overlays.py [--packages N] [--overlays M] [--lib PATH]
"""

from __future__ import annotations

import argparse
import random
import sys

_HEAD = """\
let
  lib = import {lib};
  mkPkg = {{ pname, version, deps ? [ ] }}: {{
    inherit pname version deps;
    name = "${{pname}}-${{version}}";
    outPath = "/nix/store/${{builtins.hashString "sha1" "${{pname}}-${{version}}"}}-"
      + "${{pname}}-${{version}}";
  }};
  base = self: {{
    callPackage = lib.callPackageWith self;
    inherit mkPkg;
"""

_TAIL = """\
  }};
  overlays = [
{overlays}
  ];
  tied = lib.makeExtensible (lib.extends (lib.composeManyExtensions overlays) base);
  final = tied.extend (self: super: {{
    pkg0 = super.pkg0 // {{ version = "0.0.1"; }};
  }});
  roots = map (i: final."pkg${{toString i}}") (lib.range {first} {last});
  closure = builtins.genericClosure {{
    startSet = map (p: {{ key = p.name; pkg = p; }}) roots;
    operator = item: map (d: {{ key = d.name; pkg = d; }}) item.pkg.deps;
  }};
in
{{
  size = builtins.length closure;
  hash = builtins.hashString "sha256" (lib.concatMapStringsSep " " (x: x.key) closure);
  extra = builtins.length (lib.attrNames (lib.filterAttrs (n: _: lib.hasPrefix "extra" n) final));
}}
"""


def _package(rng: random.Random, i: int) -> tuple[str, list[int]]:
    deps = sorted(rng.sample(range(i), min(i, rng.randint(0, 4))))
    args = "".join(f", pkg{d}" for d in deps)
    dep_list = " ".join(f"pkg{d}" for d in deps)
    version = f"{rng.randint(0, 9)}.{rng.randint(0, 20)}"
    text = (
        f"    pkg{i} = self.callPackage ({{ mkPkg{args} }}: mkPkg {{\n"
        f'      pname = "pkg{i}"; version = "{version}"; deps = [ {dep_list} ];\n'
        f"    }}) {{ }};\n"
    )
    return text, deps


def _overlay(rng: random.Random, k: int, deps: dict[int, list[int]]) -> str:
    lines = ["    (self: super: {"]
    with_deps = [i for i, d in deps.items() if d]
    overridden = rng.sample(with_deps, 6)
    for i in overridden:
        old = rng.choice(deps[i])
        new = rng.randrange(i)
        lines.append(f"      pkg{i} = super.pkg{i}.override {{ pkg{old} = self.pkg{new}; }};")
    for i in rng.sample(sorted(set(deps) - set(overridden)), 4):
        lines.append(f'      pkg{i} = super.pkg{i} // {{ version = "{k}.{i}"; }};')
    src = rng.randrange(len(deps))
    lines.append(
        f"      extra{k} = self.callPackage ({{ mkPkg, pkg{src} }}: mkPkg {{"
        f' pname = "extra{k}"; version = "1"; deps = [ pkg{src} ]; }}) {{ }};'
    )
    lines.append("    })")
    return "\n".join(lines)


def generate(packages: int = 2000, overlays: int = 100, seed: int = 2026, lib: str = "LIB") -> str:
    """Nix source of the workload; same arguments, same text."""
    rng = random.Random(seed)
    out = [_HEAD.format(lib=lib)]
    deps: dict[int, list[int]] = {}
    for i in range(packages):
        text, deps[i] = _package(rng, i)
        out.append(text)
    # An overlay overrides a package's dependency with an older package (no cycle).
    stack = "\n".join(_overlay(rng, k, deps) for k in range(overlays))
    first = packages - packages // 10
    out.append(_TAIL.format(overlays=stack, first=first, last=packages - 1))
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packages", type=int, default=2000)
    ap.add_argument("--overlays", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--lib", default="LIB", help="path of nixpkgs lib spliced in")
    args = ap.parse_args(argv)
    sys.stdout.write(generate(args.packages, args.overlays, args.seed, args.lib))
    return 0


if __name__ == "__main__":
    sys.exit(main())
