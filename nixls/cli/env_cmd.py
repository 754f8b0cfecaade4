"""`nixls env [DIR]`: which nixpkgs nixls finds for a workspace, from where, and what is missing.

The same discovery as the server's (:mod:`nixls.ide.project.discovery`):
the ``nixPath`` of the ``nixls.toml`` that applies at DIR, DIR's
``flake.lock``, ``NIX_PATH``, then the channels. Exit status 0 when a nixpkgs
was found, 1 when not (the report says what to set), 2 for a bad
``nixls.toml``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from evaluator.syntax import parse
from nixls.cli import EXIT_NIX_ERROR, EXIT_OK, EXIT_USAGE
from nixls.ide.project.arguments import FileFacts, supply_for
from nixls.ide.project.discovery import Discovery, Inputs, discover
from nixls.ide.project.references import ReferenceIndex
from nixls.ide.project.report import as_json, as_text
from nixls.ide.project.roles import classify
from nixls.project_config import ConfigError, config_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `nixls env`."""
    parser.add_argument("dir", nargs="?", default=".", help="the workspace folder (default: .)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--file", metavar="FILE", help="also say what FILE is and where its arguments come from"
    )


def run(args: argparse.Namespace) -> int:
    """Discover and print; 0 when nixpkgs was found."""
    root = os.path.abspath(args.dir)
    try:
        config = config_for(root)
    except ConfigError as err:
        print(f"nixls env: {err}", file=sys.stderr)
        return EXIT_USAGE
    nix_path = list(config.get("eval.nixPath", []))
    found = discover(
        Inputs(
            nix_path=nix_path,
            nix_path_from_toml=str(config.path) if nix_path and config.path else None,
            roots=[root],
            environ=dict(os.environ),
        )
    )
    report = as_json(found)
    if args.file is not None:
        role = file_role(os.path.abspath(args.file), root, found)
        if role is None:
            print(f"nixls env: cannot read {args.file}", file=sys.stderr)
            return EXIT_USAGE
        report["file"] = role
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(as_text(found))
        if "file" in report:
            one = report["file"]
            print(f"{one['path']}: {one['role']} ({one['reason']})")
            print(f"  arguments: {one['arguments'] or 'none known (unknown arguments)'}")
    return EXIT_OK if found.nixpkgs is not None else EXIT_NIX_ERROR


def file_role(path: str, root: str, found: Discovery) -> dict[str, Any] | None:
    """What the file at ``path`` is and where its function's arguments come from."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
    except OSError:
        return None
    used = ReferenceIndex().used_as(path, [root])
    role = classify(path, parse(text).root, used)
    supply = supply_for(FileFacts(path, role, found))
    return {
        "path": path,
        "role": role.role.value,
        "reason": role.reason,
        "arguments": supply.origin if supply else None,
    }
