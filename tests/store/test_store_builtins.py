"""Store builtins: behaviour beyond what the recorded corpus shows.

What C++ Nix prints on stderr (warnings), a configured store directory,
per-evaluation state, and our own clear errors where a real store would
be needed (values from Nix are in fixtures/units.json, see record.py).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from evaluator.api import Evaluator, format_error
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from evaluator.vm.values import CtxStr

HERE = Path(__file__).resolve().parent
UNITS = json.loads((HERE / "fixtures" / "units.json").read_text())
TREE = HERE / "tree"


def _eval(text: str, ctx: EvalContext | None = None) -> object:
    return Evaluator(ctx or EvalContext()).eval_source(text, base_dir=str(HERE), strict=True)


def _error(text: str) -> NixError:
    with pytest.raises(NixError) as info:
        _eval(text)
    return info.value


def test_configured_store_dir() -> None:
    ctx = EvalContext(store_dir="/other/store")
    other = UNITS["other_store_dir"]
    assert _eval('builtins.toFile "a" "b"', ctx) == other["toFile_ab"]
    assert _eval('"${./tree}"', ctx) == other["tree"]
    drv = '(derivation { name = "a"; builder = "b"; system = "x"; }).drvPath'
    assert _eval(drv, ctx) == other["drv_simple"]
    assert _eval("builtins.storeDir", ctx) == "/other/store"


def test_results_carry_their_context() -> None:
    out = _eval('"${./tree}"')
    assert type(out) is CtxStr and out.context == {UNITS["expressions"]["tree"]}
    drv = _eval('(derivation { name = "a"; builder = "b"; system = "x"; }).drvPath')
    assert type(drv) is CtxStr and drv.context == {"=" + str(drv)}


def test_empty_hash_warns_as_nix() -> None:
    err = io.StringIO()
    ctx = EvalContext(stderr=err)
    _eval(
        'derivation { name = "a"; builder = "b"; system = "x"; outputHash = ""; '
        'outputHashAlgo = "sha256"; }',
        ctx,
    )
    # The line nix-instantiate 2.8.0 prints for this expression.
    zero = "sha256-" + "A" * 43 + "="
    assert err.getvalue() == f"warning: found empty hash, assuming '{zero}'\n"


def test_each_evaluation_has_its_own_known_paths() -> None:
    # The `=` context needs the .drv of `a`, known only in the evaluation that made it.
    drv_path = _eval('(derivation { name = "a"; builder = "b"; system = "x"; }).drvPath')
    text = (
        'derivationStrict { name = "c"; builder = "b"; system = "x"; '
        f'd = builtins.appendContext "" {{ "{drv_path}" = {{ allOutputs = true; }}; }}; }}'
    )
    with pytest.raises(NixError, match="is not valid"):
        _eval(text)


def test_unwritten_store_paths_give_clear_errors() -> None:
    drv = 'derivation { name = "a"; builder = "b"; system = "x"; }'
    err = _error(f"builtins.readFile ({drv})")
    assert "it is an output of a derivation, and nixls evaluates without building" in err.message
    missing = '"/nix/store/00000000000000000000000000000000-x"'
    assert _eval(f"builtins.storePath {missing}") == missing.strip('"')
    err = _error(f"builtins.readFile (builtins.storePath {missing})")
    assert "does not exist on disk" in err.message
    # A `toFile` result is not on disk, but its contents are known (as in Nix's store).
    assert _eval('builtins.readFile (builtins.toFile "a" "b")') == "b"
    err = _error(f'builtins.path {{ path = "${{{drv}}}/x"; }}')
    assert "cannot build" in err.message


def test_sources_are_read_from_their_origin() -> None:
    assert _eval('builtins.readFile "${./tree}/hello.txt"') == "hello\n"
    assert _eval('builtins.readDir "${./tree}/sub"') == {
        "deeper": "directory",
        "empty": "regular",
        "odd-length": "regular",
        "up": "symlink",
    }
    err = _error(
        'builtins.readFile "${builtins.filterSource (p: t: baseNameOf p != "skip.bak") ./tree}'
        '/skip.bak"'
    )
    # The filter dropped it: the store path has no such file.
    assert err.message.endswith("/skip.bak': No such file or directory")
    assert _eval(
        'builtins.attrNames (builtins.readDir "${builtins.filterSource '
        '(p: t: baseNameOf p != "sub") ./tree}")'
    ) == sorted(n for n in os.listdir(TREE) if n != "sub")


def test_add_error_context_adds_a_trace_entry() -> None:
    err = _error('builtins.addErrorContext "while doing the thing" (throw "boom")')
    assert err.message == "boom"
    assert "while doing the thing" in format_error(err, show_trace=True)


def test_filter_errors_name_the_path() -> None:
    err = _error("builtins.filterSource (p: t: 1) ./tree")
    assert err.message == "expected a Boolean but found an integer: 1"
    assert f"while adding path '{TREE}'" in format_error(err, show_trace=True)
