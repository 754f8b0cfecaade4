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

from nixls.cli import EXIT_NIX_ERROR, EXIT_OK, EXIT_USAGE
from nixls.ide.project.discovery import Inputs, discover
from nixls.ide.project.report import as_json, as_text
from nixls.project_config import ConfigError, config_for


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `nixls env`."""
    parser.add_argument("dir", nargs="?", default=".", help="the workspace folder (default: .)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


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
    print(json.dumps(as_json(found), indent=2) if args.json else as_text(found))
    return EXIT_OK if found.nixpkgs is not None else EXIT_NIX_ERROR
