"""Flake inputs in plain data: hover, definition, completion and diagnostics at offsets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluator.compiler.diagnostics import Severity, Tag
from nixls.ide.flake import checks, features
from nixls.ide.flake.lock import read_plain
from nixls.ide.uris import path_to_uri
from nixls.ide.workspace import OpenDocument, Workspace
from tests.ide.flake_fixtures import (
    STORE_INPUT,
    TWO_INPUTS,
    copy_flake,
    make_store,
    offset,
    restore_env,
    with_store_dir,
)

FLAKE = (TWO_INPUTS / "flake.nix").read_text()


def open_flake(path: Path, text: str | None = None) -> OpenDocument:
    ws = Workspace()
    ws.roots = [str(path.parent)]
    return ws.open(path_to_uri(str(path)), text if text is not None else path.read_text(), 1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    """A store directory holding the store-input fixture's locked source."""
    root = tmp_path / "store"
    make_store(root)
    saved = with_store_dir(root)
    yield root
    restore_env(saved)


# ---------------------------------------------------------------- hover


@pytest.mark.parametrize(
    ("needle", "nth"),
    [
        ("libA", 0),  # its declaration: `libA.url = …`
        ("libA", 2),  # the formal of outputs
        ("libA", 3),  # the formal used in the body
    ],
)
def test_hover_on_an_input_shows_url_and_lock(needle: str, nth: int) -> None:
    doc = open_flake(TWO_INPUTS / "flake.nix")
    at = offset(FLAKE, needle, nth)
    found = features.hover(doc, at + 1, read_plain)
    assert found is not None
    assert found.span == (at, at + len(needle))
    assert "flake input `libA`" in found.markdown
    assert "url: `path:./inputs/libA`" in found.markdown
    assert "locked: `path:./inputs/libA`" in found.markdown
    assert f"source: `{TWO_INPUTS / 'inputs' / 'libA'}`" in found.markdown


def test_hover_on_inputs_dot_name_and_nested_declaration() -> None:
    doc = open_flake(TWO_INPUTS / "flake.nix")
    for at in (offset(FLAKE, "libB.version"), offset(FLAKE, "libB = {")):
        found = features.hover(doc, at, read_plain)
        assert found is not None and "flake input `libB`" in found.markdown
        assert "url: `path:./inputs/libB`" in found.markdown


def test_no_input_hover_elsewhere_or_outside_flake_nix(tmp_path: Path) -> None:
    doc = open_flake(TWO_INPUTS / "flake.nix")
    assert features.hover(doc, offset(FLAKE, "demo"), read_plain) is None
    assert features.hover(doc, offset(FLAKE, "self,"), read_plain) is None
    other = tmp_path / "default.nix"
    other.write_text(FLAKE)
    assert features.hover(open_flake(other), offset(FLAKE, "libA"), read_plain) is None


def test_hover_on_store_input_shows_rev_date_and_hash(store: Path) -> None:
    text = (STORE_INPUT / "flake.nix").read_text()
    doc = open_flake(STORE_INPUT / "flake.nix")
    found = features.hover(doc, offset(text, "util", 2), read_plain)  # the formal
    assert found is not None
    md = found.markdown
    assert "url: `github:example/util`" in md
    assert "rev: `0123456789abcdef0123456789abcdef01234567`" in md
    assert "lastModified: 2023-11-14 22:13:20 UTC" in md
    assert "narHash: `sha256-ucHPxlZu0tLWQdNkyeFpMk1ubWf3SNFNPxxas/z6Cd8=`" in md
    assert f"source: `{store}/" in md


def test_hover_store_input_absent_says_so(tmp_path: Path) -> None:
    saved = with_store_dir(tmp_path / "empty-store")
    try:
        text = (STORE_INPUT / "flake.nix").read_text()
        found = features.hover(
            open_flake(STORE_INPUT / "flake.nix"), offset(text, "util"), read_plain
        )
        assert found is not None and "source: not on this machine" in found.markdown
        doc = open_flake(STORE_INPUT / "flake.nix")
        assert features.definition(doc, offset(text, "util"), read_plain) is None
    finally:
        restore_env(saved)


# ---------------------------------------------------------------- definition


def test_definition_opens_the_locked_path_source() -> None:
    doc = open_flake(TWO_INPUTS / "flake.nix")
    expected = str(TWO_INPUTS / "inputs" / "libA" / "flake.nix")
    for nth in (0, 2):  # declaration, formal
        assert features.definition(doc, offset(FLAKE, "libA", nth), read_plain) == expected
    libb = str(TWO_INPUTS / "inputs" / "libB" / "flake.nix")
    assert features.definition(doc, offset(FLAKE, "libB.version"), read_plain) == libb
    # A use of the formal in the body is a local name: not redirected.
    assert features.definition(doc, offset(FLAKE, "libA", 3), read_plain) is None


def test_definition_opens_the_store_source(store: Path) -> None:
    text = (STORE_INPUT / "flake.nix").read_text()
    doc = open_flake(STORE_INPUT / "flake.nix")
    found = features.definition(doc, offset(text, "util"), read_plain)  # the declaration
    assert found is not None
    assert found.startswith(str(store) + "/") and found.endswith("-source/flake.nix")


# ---------------------------------------------------------------- completion


def test_completion_in_outputs_formals_offers_the_rest() -> None:
    text = FLAKE.replace("{ self, libA, ... }", "{ self, l }")
    doc = open_flake(TWO_INPUTS / "flake.nix", text)
    items = features.completion(doc, offset(text, "{ self, l }", delta=9))
    assert items is not None
    assert sorted(i.name for i in items) == ["libA", "libB"]
    assert {i.name: i.detail for i in items}["libB"] == "path:./inputs/libB"
    at_start = features.completion(doc, offset(text, "{ self, l }", delta=2))
    assert at_start is not None and sorted(i.name for i in at_start) == ["libA", "libB", "self"]


def test_completion_after_inputs_dot() -> None:
    text = FLAKE.replace("inputs.libB.version", "inputs.li")
    doc = open_flake(TWO_INPUTS / "flake.nix", text)
    items = features.completion(doc, offset(text, "inputs.li", delta=9))
    assert items is not None and sorted(i.name for i in items) == ["libA", "libB", "self"]
    # Elsewhere: not input completion.
    assert features.completion(doc, offset(text, "demo")) is None


# ---------------------------------------------------------------- diagnostics


def diags(tmp_path: Path, text: str, lock: str | None = None) -> list[tuple[str, str, str]]:
    """(code, spanned text, message) of the flake diagnostics of a copy of two-inputs."""
    root = copy_flake("two-inputs", tmp_path)
    (root / "flake.nix").write_text(text)
    if lock is not None:
        (root / "flake.lock").write_text(lock)
    doc = open_flake(root / "flake.nix")
    data = text.encode()
    return [
        (d.code, data[d.start : d.end].decode(), d.message)
        for d in features.diagnostics(doc, read_plain)
    ]


def test_the_fixture_is_clean() -> None:
    assert features.diagnostics(open_flake(TWO_INPUTS / "flake.nix"), read_plain) == []


def test_used_but_not_declared(tmp_path: Path) -> None:
    text = FLAKE.replace("inputs.libB.version", "inputs.libC.version").replace(
        "{ self, libA, ... }", "{ self, libA, libD, ... }"
    )
    found = diags(tmp_path, text)
    assert (
        "flake-undeclared-input",
        "libC",
        "input 'libC' is used but not declared in `inputs`",
    ) in found
    assert any(c == "flake-undeclared-input" and s == "libD" for c, s, _ in found)
    # libB is now unused (and the lock is fine).
    assert ("flake-unused-input", "libB", "input 'libB' is declared but not used") in found


def test_optional_uses_are_not_errors(tmp_path: Path) -> None:
    text = FLAKE.replace(
        "inputs.libB.version", '(inputs.libC.version or "0") + inputs.libB.version'
    )
    text = text.replace("{ self, libA, ... }", "{ self, libA, libE ? null, ... }")
    found = diags(tmp_path, text)
    assert [c for c, _, _ in found] == []


def test_unused_input_is_a_faded_hint(tmp_path: Path) -> None:
    text = FLAKE.replace("inputs.libB.version", '"0"')
    root = copy_flake("two-inputs", tmp_path)
    (root / "flake.nix").write_text(text)
    [diag] = features.diagnostics(open_flake(root / "flake.nix"), read_plain)
    assert diag.code == checks.UNUSED_INPUT
    assert diag.severity is Severity.HINT and diag.tags == (Tag.UNNECESSARY,)
    # The whole argument set passed on: which inputs are used is unknown, so no hint.
    text = FLAKE.replace("inputs.libB.version", "builtins.attrNames inputs")
    assert diags(tmp_path / "b", text) == []


def test_input_outputs_cannot_take(tmp_path: Path) -> None:
    text = FLAKE.replace("{ self, libA, ... }@inputs", "{ self, libA }").replace(
        "inputs.libB.version", '"0"'
    )
    [(code, spanned, message)] = diags(tmp_path, text)
    assert (code, spanned) == ("flake-unexpected-input", "libB")
    assert "add `...`" in message


def test_input_not_in_lock(tmp_path: Path) -> None:
    text = FLAKE.replace("libB = {", 'libC.url = "path:./inputs/libB";\n    libB = {').replace(
        "inputs.libB.version", "inputs.libB.version + inputs.libC.version"
    )
    found = diags(tmp_path, text)
    assert found == [
        (
            "flake-input-not-locked",
            "libC",
            "input 'libC' is not in flake.lock: `nix flake lock` adds it",
        )
    ]


def test_lock_original_no_longer_matches_url(tmp_path: Path) -> None:
    text = FLAKE.replace('"path:./inputs/libA"', '"github:example/libA"')
    [(code, spanned, message)] = diags(tmp_path, text)
    assert (code, spanned) == ("flake-lock-mismatch", '"github:example/libA"')
    assert message == (
        "flake.lock locked input 'libA' from 'path:./inputs/libA', but flake.nix now says "
        "'github:example/libA': `nix flake update libA` locks it again"
    )


def test_locked_input_no_longer_declared(tmp_path: Path) -> None:
    lock = json.loads((TWO_INPUTS / "flake.lock").read_text())
    lock["nodes"]["root"]["inputs"]["gone"] = "libB"
    [(code, spanned, message)] = diags(tmp_path, FLAKE, json.dumps(lock))
    assert (code, spanned) == ("flake-lock-stale-input", "inputs")
    assert "flake.lock still locks input 'gone'" in message


@pytest.mark.parametrize(
    ("lock", "expected"),
    [
        (
            '{\n  "nodes": {\n    "root": {,\n',
            "flake.lock:3:14: invalid JSON: Expecting property name",
        ),
        ('{"nodes": {}, "root": "root", "version": 99}', "flake.lock: unsupported version 99"),
        ("[1, 2]", "flake.lock: unsupported format (no 'nodes' object)"),
        ('{"nodes": {}, "ver', "flake.lock:1:15: invalid JSON: Unterminated string"),
    ],
)
def test_broken_lock_is_a_located_error(tmp_path: Path, lock: str, expected: str) -> None:
    [(code, spanned, message)] = diags(tmp_path, FLAKE, lock)
    assert (code, spanned) == ("flake-lock-broken", "inputs")
    assert message.startswith("flake.lock is unusable: ")
    assert expected in message


def test_hostile_lock_follows_cycle_is_no_crash(tmp_path: Path) -> None:
    lock = {
        "nodes": {"root": {"inputs": {"libA": ["libA"], "libB": ["libB", "x"]}}},
        "root": "root",
        "version": 7,
    }
    found = diags(tmp_path, FLAKE, json.dumps(lock))
    assert found == []  # nothing to compare: both follow (broken) paths, none declared so
    doc = open_flake(tmp_path / "two-inputs" / "flake.nix")
    hover = features.hover(doc, offset(FLAKE, "libA"), read_plain)
    assert hover is not None and "not locked" in hover.markdown


def test_lock_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    root = copy_flake("two-inputs", tmp_path)
    (root / "flake.lock").write_bytes(b'{"nodes": {}, "v\xffersion": 7}')
    [diag] = features.diagnostics(open_flake(root / "flake.nix"), read_plain)
    assert diag.code == checks.LOCK_BROKEN and diag.severity is Severity.ERROR
    assert "flake.lock:1:17: not UTF-8" in diag.message


def test_definition_of_a_path_input_not_locked_yet(tmp_path: Path) -> None:
    root = copy_flake("two-inputs", tmp_path)
    (root / "flake.lock").unlink()
    doc = open_flake(root / "flake.nix")
    found = features.definition(doc, offset(FLAKE, "libA"), read_plain)
    assert found == str(root / "inputs" / "libA" / "flake.nix")
    hover = features.hover(doc, offset(FLAKE, "libA"), read_plain)
    assert hover is not None and "no flake.lock" in hover.markdown
