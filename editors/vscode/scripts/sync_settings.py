"""Copy the server's settings schema into package.json (contributes.configuration).

The server's settings classes are the one source of truth
(``nixls.settings.settings_schema()``); this rewrites the extension's
declared settings from it, keeping the extension's own (``nixls.server.*``,
``nixls.trace.*``). Run from the repository root after changing a setting:

    python editors/vscode/scripts/sync_settings.py          # rewrite
    python editors/vscode/scripts/sync_settings.py --check  # exit 1 if stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PACKAGE_JSON = Path(__file__).resolve().parent.parent / "package.json"
CLIENT_ONLY_PREFIXES = ("nixls.server.", "nixls.trace.")


def synced(package: dict[str, Any], schema: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``package`` with its configuration properties rebuilt from ``schema``."""
    props = package["contributes"]["configuration"]["properties"]
    client = {k: v for k, v in props.items() if k.startswith(CLIENT_ONLY_PREFIXES)}
    package["contributes"]["configuration"]["properties"] = {**client, **schema}
    return package


def main(argv: list[str]) -> int:
    """Rewrite package.json, or with ``--check`` only report whether it is current."""
    sys.path.insert(0, str(PACKAGE_JSON.parents[2]))
    from nixls.settings import settings_schema

    text = PACKAGE_JSON.read_text(encoding="utf-8")
    new_text = json.dumps(synced(json.loads(text), settings_schema()), indent=2) + "\n"
    if "--check" in argv:
        if new_text != text:
            print(f"{PACKAGE_JSON} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    PACKAGE_JSON.write_text(new_text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
