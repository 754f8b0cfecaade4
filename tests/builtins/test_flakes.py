"""`getFlake` and `fetchTree` on local flakes, against Nix 2.26.3 (``record_flakes.py``).

The tree of :mod:`flake_tree` is built in a temporary directory; each
recorded expression must give what Nix gave (with the tree's root as
``@TREE@``). Sources that would need a download, and locked inputs already
in the store directory, are checked against the store paths Nix computed.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from evaluator import api
from evaluator.io import EvalIO, ReadPolicy
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from flake_tree import NEEDS_NETWORK, SIMPLE_NAR_HASH, make_tree  # noqa: E402

CASES = json.loads((HERE / "fixtures" / "nix226" / "flakes.json").read_text())


def evaluate(expr: str, store_dir: str = "/nix/store") -> str:
    ctx = EvalContext(
        stderr=io.StringIO(), experimental_features=frozenset({"flakes"}), store_dir=store_dir
    )
    ev = api.Evaluator(ctx)
    try:
        return str(ev.render(ev.eval_source(expr, base_dir="/", strict=True), strict=True))
    except NixError as e:
        return f"error: {e.message}"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("flakes") / "tree")


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_like_nix(case: dict[str, Any], tree: Path) -> None:
    out = evaluate(case["expr"].replace("@TREE@", str(tree)))
    assert out == case["out"].replace("@TREE@", str(tree))


def test_input_needing_a_download_is_a_clear_error(tree: Path) -> None:
    out = evaluate(NEEDS_NETWORK.replace("@TREE@", str(tree)))
    assert out.startswith("error: cannot lock flake input 'nixpkgs' ('github:NixOS/nixpkgs/")
    assert "network access" in out


def test_missing_path_is_an_error(tree: Path) -> None:
    out = evaluate(f'builtins.fetchTree "path:{tree}/missing"')
    assert out == f"error: path '{tree}/missing' does not exist"


def test_locked_input_found_in_the_store_directory(tree: Path, tmp_path: Path) -> None:
    """A github input locked to a narHash is used if its source is already in the store."""
    ref = f'{{ type = "github"; owner = "o"; repo = "r"; narHash = "{SIMPLE_NAR_HASH}"; }}'
    # In /nix/store, Nix 2.26 gives `simple` (narHash SIMPLE_NAR_HASH) this path (flakes.json).
    missing = evaluate(f"builtins.fetchTree {ref}")
    assert missing.startswith("error: cannot fetch input 'github:o/r?narHash=")
    assert "'/nix/store/fivb3pmv5rr4pckzph9abqny2avp2d85-source' is not in the store" in missing
    store = tmp_path / "store"
    missing = evaluate(f"builtins.fetchTree {ref}", str(store))
    wanted = missing.split("its source '")[1].split("'")[0]
    assert wanted.startswith(f"{store}/") and wanted.endswith("-source")
    shutil.copytree(tree / "simple", wanted)
    out = evaluate(f"with builtins.fetchTree {ref}; [ outPath narHash ]", str(store))
    assert out == f'[ "{wanted}" "{SIMPLE_NAR_HASH}" ]'


def test_parse_and_show_flake_refs_round_trip() -> None:
    for text in ["github:o/r/v1?dir=sub", "path:/a%20b", "flake:nixpkgs/x", "gitlab:o/r"]:
        assert evaluate(f'builtins.flakeRefToString (builtins.parseFlakeRef "{text}")') == (
            f'"{text}"'
        )


def _restricted(expr: str, roots: list[str]) -> str:
    ctx = EvalContext(
        stderr=io.StringIO(),
        experimental_features=frozenset({"flakes"}),
        io=EvalIO(ReadPolicy.restricted(roots=roots)),
    )
    ev = api.Evaluator(ctx)
    try:
        return str(ev.render(ev.eval_source(expr, base_dir="/", strict=True), strict=True))
    except NixError as e:
        return f"error: {e.message}"


def test_reads_under_a_flake_store_path_are_checked_against_its_folder(tree: Path) -> None:
    """The flake's `./.` is its store path; reading below it reads the folder, under the policy."""
    expr = f'(builtins.getFlake "path:{tree}/paths").text'
    assert _restricted(expr, [str(tree / "paths")]) == '"hello\\n"'
    # The store directory being readable does not make the folder readable.
    denied = _restricted(expr, ["/nix/store"])
    assert denied.startswith("error: access to absolute path") and "forbidden" in denied


def test_io_maps_a_filtered_source_back_to_its_folder(tree: Path) -> None:
    io_ = EvalIO()
    origin = str(tree / "paths")
    store = "/nix/store/00000000000000000000000000000000-f"
    io_.add_source(store, origin, frozenset({f"{origin}/sub", f"{origin}/sub/b.nix"}))
    assert io_.read_file(f"{store}/sub/b.nix").startswith(b"{ p = ./.;")
    assert io_.list_dir(f"{store}/sub") == ["b.nix"]
    assert not io_.path_exists(f"{store}/sub/a.txt")
    with pytest.raises(FileNotFoundError):
        io_.read_file(f"{store}/sub/a.txt")
    assert io_.on_disk(f"{store}x/sub") == f"{store}x/sub"
