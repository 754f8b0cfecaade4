"""Discovery as text (``nixls env``) and as JSON (the server's ``nixls.env`` command)."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from nixls.ide.project.discovery import FIX_HINT, Discovery


def as_json(found: Discovery) -> dict[str, Any]:
    """Plain JSON data: what was found, from where, what was looked at, what is missing."""
    return {
        "nixpkgs": found.nixpkgs,
        "lib": lib_dir(found),
        "source": found.source,
        "where": found.where,
        "searchPath": [f"{p}={d}" if p else d for p, d in found.search_path],
        "flake": found.flake_dir,
        "inputs": [asdict(i) for i in found.inputs],
        "attempts": [asdict(a) for a in found.attempts],
        "missing": missing(found),
    }


def lib_dir(found: Discovery) -> str | None:
    """The nixpkgs ``lib`` directory, if there is one."""
    if found.nixpkgs is None:
        return None
    lib = os.path.join(found.nixpkgs, "lib")
    return lib if os.path.isfile(os.path.join(lib, "default.nix")) else None


def missing(found: Discovery) -> list[str]:
    """What could not be found, each with what to do about it."""
    out = []
    if found.nixpkgs is None:
        out.append(f"no nixpkgs found: `lib`, `pkgs` and package arguments are unknown; {FIX_HINT}")
    elif lib_dir(found) is None:
        out.append(f"{found.nixpkgs} has no lib/default.nix: `lib` is unknown")
    out += [f"flake input {i.name}: {i.note}" for i in found.inputs if i.path is None]
    return out


def as_text(found: Discovery) -> str:
    """A short report, as ``nixls env`` prints it."""
    lines = []
    if found.nixpkgs is not None:
        lines.append(f"nixpkgs: {found.nixpkgs}")
        lines.append(f"  from {found.source}: {found.where}")
        lines.append(f"lib: {lib_dir(found) or '(none)'}")
    else:
        lines.append("nixpkgs: not found")
    shown = [f"{p}={d}" if p else d for p, d in found.search_path]
    lines.append("search path: " + (" ".join(shown) if shown else "(empty)"))
    if found.flake_dir is not None:
        lines.append(f"flake inputs ({os.path.join(found.flake_dir, 'flake.lock')}):")
        for i in found.inputs:
            lines.append(f"  {i.name} ({i.kind}): {i.path or 'missing'}: {i.note}")
    lines.append("looked at, in order:")
    for a in found.attempts:
        mark = "found" if a.found else "-"
        lines.append(f"  {a.source:<11} {mark:<6} {a.where}: {a.note}")
    gaps = missing(found)
    if gaps:
        lines.append("missing:")
        lines += [f"  {m}" for m in gaps]
    return "\n".join(lines)
