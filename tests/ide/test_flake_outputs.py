"""A flake's outputs evaluated in the editor with its locked inputs (and `self`).

Expected values are what C++ Nix 2.26.3 answered (`nix eval --json`) for the
same fixtures (tests/data/flakes/expected.json).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.vm.context import EvalContext
from nixls.ide import live
from nixls.ide.uris import path_to_uri
from nixls.ide.workspace import OpenDocument, Workspace
from nixls.settings import EvalSettings
from tests.ide.flake_fixtures import (
    EXPECTED,
    STORE_INPUT,
    TWO_INPUTS,
    make_store,
    offset,
    restore_env,
    with_store_dir,
)

FLAKE = (TWO_INPUTS / "flake.nix").read_text()


def nix(value: Any) -> str:
    """A JSON value as nixls prints it shallowly (flat sets of strings, numbers)."""
    if isinstance(value, dict):
        return "{ " + "".join(f"{k} = {nix(v)}; " for k, v in sorted(value.items())) + "}"
    return json.dumps(value)


def evaluate(
    path: Path, text: str, needle: str, nth: int = 0, length: int | None = None
) -> live.Outcome:
    ws = Workspace()
    ws.roots = [str(path.parent)]
    doc: OpenDocument = ws.open(path_to_uri(str(path)), text, 1)
    start = offset(text, needle, nth)
    span = (start, start + (length if length is not None else len(needle.encode())))
    policy = live.EvalPolicy(EvalSettings(), ws.roots)
    return live.evaluate(live.request_for_span(doc, span, policy), threading.Event())


def value_of_binding(text: str, name: str) -> tuple[str, int]:
    """(needle, length) spanning the value of `name = { … };` (a set literal)."""
    start = text.index(name + " = ") + len(name) + 3
    end = text.index("\n    };", start) + len("\n    }")
    return text[start:end], end - start


def test_get_flake_on_the_recorded_lock_matches_nix() -> None:
    ev = Evaluator(EvalContext(experimental_features=frozenset({"flakes"})))
    for attr in ("lib.greeting", "packages.x86_64-linux.default"):
        got = ev.eval_source(f'(builtins.getFlake "{TWO_INPUTS}").{attr}', strict=True)
        assert json.loads(ev.to_json(got)) == EXPECTED[attr]


def test_output_value_with_locked_path_inputs() -> None:
    needle, length = value_of_binding(FLAKE, "packages.x86_64-linux.default")
    outcome = evaluate(TWO_INPUTS / "flake.nix", FLAKE, needle, length=length)
    assert outcome.error is None
    assert outcome.value == nix(EXPECTED["packages.x86_64-linux.default"])


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ('libA.lib.greet "nixls"', '"hello, nixls"'),  # a formal: the locked flake
        ("inputs.libB.version", '"1.2.3"'),  # the `@` set
        ("self.lib.greeting", '"hello, nixls"'),  # self: these outputs
    ],
)
def test_expressions_inside_outputs(needle: str, expected: str) -> None:
    outcome = evaluate(TWO_INPUTS / "flake.nix", FLAKE, needle)
    assert (outcome.value, outcome.error) == (expected, None)


def test_self_follows_the_unsaved_text() -> None:
    text = FLAKE.replace('greet "nixls"', 'greet "editor"')
    outcome = evaluate(TWO_INPUTS / "flake.nix", text, "self.lib.greeting")
    assert outcome.value == '"hello, editor"'
    outcome = evaluate(TWO_INPUTS / "flake.nix", text, "self", nth=1)
    assert outcome.value is not None and '_type = "flake"' in outcome.value


def test_an_undeclared_input_is_a_clear_error() -> None:
    text = FLAKE.replace("{ self, libA, ... }", "{ self, libA, libZ, ... }").replace(
        "inputs.libB.version", "libZ.version"
    )
    outcome = evaluate(TWO_INPUTS / "flake.nix", text, "libZ.version")
    assert outcome.error == "flake input 'libZ' is not declared in `inputs`"


def test_not_a_flake_file_keeps_arguments_unknown(tmp_path: Path) -> None:
    other = tmp_path / "default.nix"
    other.write_text(FLAKE)
    outcome = evaluate(other, FLAKE, 'libA.lib.greet "nixls"')
    assert outcome.unknown is not None and "libA" in outcome.unknown


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "store"
    make_store(root)
    saved = with_store_dir(root)
    yield root
    restore_env(saved)


def test_locked_input_from_the_store(store: Path) -> None:
    text = (STORE_INPUT / "flake.nix").read_text()
    outcome = evaluate(STORE_INPUT / "flake.nix", text, "util.lib.double 21")
    assert (outcome.value, outcome.error) == (str(EXPECTED["store-input:answer"]), None)


def test_locked_input_missing_from_the_store_says_so(tmp_path: Path) -> None:
    saved = with_store_dir(tmp_path / "empty")
    try:
        text = (STORE_INPUT / "flake.nix").read_text()
        outcome = evaluate(STORE_INPUT / "flake.nix", text, "util.lib.double 21")
    finally:
        restore_env(saved)
    assert outcome.error is not None
    assert "network access is disabled" in outcome.error
    assert "is not in the store on this machine" in outcome.error
