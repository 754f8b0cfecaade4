"""Documentation and definitions of values reached by evaluation (real lib 26.11)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from evaluator.api import Evaluator
from evaluator.vm.context import EvalContext
from nixls.ide import value_completion, value_nav
from tests.ide.value_host import LIB, PACKAGES, Host

TEXT = """{ lib, pkgs }:
let
  /**
    Say hello to `who`.

    # Type

    ```
    greet :: String -> String
    ```
  */
  greet = who: "hello ${who}";
in
[
  (lib.optional true 1)
  lib.strings.concatMapStrings
  lib.mkOption
  lib.all
  (greet "you")
  lib.version
  pkgs.hello
  (with pkgs; hello)
  (with lib; optional)
  lib.nope
]
"""


@pytest.fixture
def host(tmp_path: Path) -> Host:
    pkgs = PACKAGES / "pkgs.nix"
    return Host(tmp_path, {"lib": f"import {LIB}", "pkgs": f"import {pkgs}"})


def _facts(host: Host, text: str, needle: str, delta: int = 0) -> value_nav.Facts | None:
    doc = host.open(Path(host.files.roots[0]) / "a.nix", text)
    offset = text.index(needle) + delta
    return asyncio.run(value_nav.facts_at(host.live, doc, offset))


def _binding(path: Path, name: str) -> tuple[int, int]:
    """(byte offset, 1-based line) of the binding `  name = ` in a file."""
    text = path.read_bytes()
    at = text.index(b"\n  " + name.encode() + b" = ") + 3
    return at, text.count(b"\n", 0, at) + 1


def test_queries_for_keys_names_and_with() -> None:
    host = Host(Path("/ws"), {})
    text = "{ lib }: [ lib.a.b (with lib; c) (x: x) ]\n"
    doc = host.files.open("file:///ws/q.nix", text, 1)
    start = text.index("lib.a")
    at_b = value_nav.queries_at(doc, text.index(".b") + 1)
    assert at_b == [value_nav.Query((start, start + 3), ("a", "b"))]
    at_a = value_nav.queries_at(doc, text.index(".a") + 1)
    assert at_a == [value_nav.Query((start, start + 3), ("a",))]
    env = text.index("lib;")
    assert value_nav.queries_at(doc, text.index("c)")) == [value_nav.Query((env, env + 3), ("c",))]
    assert value_nav.queries_at(doc, text.index("x: x") + 3) == [
        value_nav.Query((text.index("x: x") + 3, text.index("x: x") + 4))
    ]
    assert value_nav.queries_at(doc, text.index("[")) == []


def test_lib_function_doc_and_binding(host: Host) -> None:
    found = _facts(host, TEXT, "optional true")
    assert found is not None and found.kind == "function"
    start, line = _binding(LIB / "lists.nix", "optional")
    assert found.defined == value_nav.Place(
        str(LIB / "lists.nix"), start, start + len("optional"), line
    )
    assert found.doc is not None and found.doc.startswith("Return a singleton list")
    assert found.signature == "optional :: Bool -> a -> [a]"
    shown = value_nav.markdown(found, host.files.roots)
    assert shown is not None and f"*defined in* `lib/lists.nix:{line}`" in shown


def test_nested_lib_path_and_options(host: Host) -> None:
    found = _facts(host, TEXT, "concatMapStrings")
    assert found is not None and found.defined is not None
    assert (found.defined.path, found.defined.line) == (
        str(LIB / "strings.nix"),
        _binding(LIB / "strings.nix", "concatMapStrings")[1],
    )
    assert found.signature == "concatMapStrings :: (a -> String) -> [a] -> String"
    option = _facts(host, TEXT, "mkOption")
    assert option is not None and option.defined is not None
    assert option.defined.path == str(LIB / "options.nix")
    assert option.doc is not None and "Option declaration" in option.doc


def test_builtin_in_lib_has_builtin_doc(host: Host) -> None:
    found = _facts(host, TEXT, "lib.all", 4)
    assert found is not None and found.kind == "builtin"
    assert found.doc is not None and "builtins.all" in found.doc
    # Where lib's set defines it (its `inherit` in lib/default.nix).
    assert found.defined is not None and found.defined.path == str(LIB / "default.nix")


def test_users_own_function(host: Host) -> None:
    found = _facts(host, TEXT, 'greet "you"')
    assert found is not None and found.kind == "function"
    assert found.defined is not None
    assert found.defined.start == TEXT.encode().index(b"greet =")
    assert found.doc is not None and found.doc.startswith("Say hello to `who`.")
    assert found.signature == "greet :: String -> String"


def test_value_attribute_is_where_its_set_defines_it(host: Host) -> None:
    found = _facts(host, TEXT, "version", 1)
    assert found is not None and found.kind == "string"
    assert found.defined is not None and found.defined.path == str(LIB / "default.nix")


def test_package_goes_to_its_file(host: Host) -> None:
    hello = PACKAGES / "hello.nix"
    expected_line = hello.read_text().splitlines().index('  pname = "hello";') + 1
    for needle, delta in (("pkgs.hello", 6), ("hello)", 0)):
        found = _facts(host, TEXT, needle, delta)
        assert found is not None and found.kind == "derivation", needle
        assert found.defined is not None
        assert (found.defined.path, found.defined.line) == (str(hello), expected_line)


def test_with_name_that_is_a_function(host: Host) -> None:
    found = _facts(host, TEXT, "optional)")
    assert found is not None and found.defined is not None
    assert found.defined.path == str(LIB / "lists.nix")


def test_missing_attribute_has_no_facts(host: Host) -> None:
    assert _facts(host, TEXT, "nope") is None


def test_unknown_argument_is_said(tmp_path: Path) -> None:
    host = Host(tmp_path, {})
    doc = host.open(tmp_path / "u.nix", "{ lib }: lib.optional\n")
    found = asyncio.run(value_nav.facts(host.live, doc, value_nav.Query((9, 12), ("optional",))))
    assert found.unknown is not None and "lib" in found.unknown


def test_completion_items_resolve_to_docs(host: Host) -> None:
    doc = host.open(Path(host.files.roots[0]) / "c.nix", TEXT)
    start = TEXT.index("lib.strings")
    query = value_nav.Query((start, start + 3), ())
    origin = value_completion.ORIGINS.remember(doc, query)

    async def resolve(name: str) -> value_completion.ItemDoc | None:
        data = value_completion.item_data(origin, name)
        return await value_completion.resolve(host.live, data, host.files.roots, 30)

    optional = asyncio.run(resolve("optional"))
    assert optional is not None and optional.kind == "function"
    assert optional.detail == "optional :: Bool -> a -> [a]"
    assert optional.documentation is not None and "lib/lists.nix:" in optional.documentation
    strings = asyncio.run(resolve("strings"))
    assert strings is not None and strings.kind == "set"
    assert strings.documentation is not None and "attributes»" in strings.documentation
    assert asyncio.run(value_completion.resolve(host.live, {"x": 1}, [], 1)) is None
    # An edit of the document forgets the origins computed on its old tree.
    doc.generation += 1
    assert asyncio.run(resolve("optional")) is None


def test_session_keeps_lib_across_requests(host: Host) -> None:
    doc = host.open(Path(host.files.roots[0]) / "s.nix", TEXT)
    first = host.live.request_for_span(doc, (0, 1))
    second = host.live.request_for_span(doc, (0, 1))
    assert first.session is not None and first.session is second.session
    asyncio.run(value_nav.facts_at(host.live, doc, TEXT.index("optional true")))
    assert list(first.session.args) == [f"import {LIB}"]
    lib_thunk = first.session.args[f"import {LIB}"]
    assert lib_thunk.code is None  # evaluated, and kept
    # Another open document changing makes a new session (its values may be imported).
    other = host.open(Path(host.files.roots[0]) / "o.nix", "1")
    other.generation += 1
    assert host.live.request_for_span(doc, (0, 1)).session is not first.session


def test_busy_session_falls_back_to_a_fresh_context(host: Host) -> None:
    doc = host.open(Path(host.files.roots[0]) / "b.nix", TEXT)
    request = host.live.request_for_span(doc, (0, 1))
    assert request.session is not None
    own_context = request.context
    with request.session.lock:
        start = TEXT.index("lib.optional")
        query = value_nav.Query((start, start + 3), ("optional",))
        busy = host.live.request_for_span(doc, query.span)
        found = value_nav.inspect(busy, query.path, threading.Event())
    assert found.defined is not None and found.defined.path == str(LIB / "lists.nix")
    assert busy.context is not request.session.context and own_context is not None


def test_derivation_display_matches_its_drv_path(host: Host) -> None:
    found = _facts(host, TEXT, "pkgs.hello", 6)
    assert found is not None
    doc = host.files.get((Path(host.files.roots[0]) / "a.nix").as_uri())
    assert doc is not None
    start = TEXT.index("pkgs.hello")
    shown = asyncio.run(
        value_nav.facts(host.live, doc, value_nav.Query((start, start + 4), ("hello",)), show=True)
    ).value
    pkgs = PACKAGES / "pkgs.nix"
    ev = Evaluator(EvalContext())
    drv = ev.eval_value(ev.source_thunk(f"(import {pkgs}).hello.drvPath", base_dir="/"))
    # As C++ Nix 2.26.3 computes it (`nix-instantiate --eval` of the same expression).
    assert drv == "/nix/store/xch735xzxc4c4f3h8kxrxckzjnbqpl8m-hello-2.12.2.drv"
    assert shown == (
        f"«derivation {drv}»\n"
        'name = "hello-2.12.2";\n'
        'version = "2.12.2";\n'
        'meta.description = "A program that produces a familiar, friendly greeting";'
    )


def test_lambda_given_to_a_call_is_defined_by_its_attribute(tmp_path: Path) -> None:
    host = Host(tmp_path, {})
    lib = tmp_path / "wrapped.nix"
    lib.write_text("let wrap = f: f; in {\n  # Doc of g.\n  g = wrap (x: x);\n}\n")
    text = f"let s = import {lib}; in s.g\n"
    doc = host.open(tmp_path / "w.nix", text)
    found = asyncio.run(value_nav.facts_at(host.live, doc, text.index(".g") + 1))
    assert found is not None and found.defined is not None
    assert (found.defined.path, found.defined.line) == (str(lib), 3)
    assert found.doc == "Doc of g."


def test_hover_part_is_silent_for_an_undocumented_local(tmp_path: Path) -> None:
    host = Host(tmp_path, {})
    text = "let f = x: x; in f 1\n"
    doc = host.open(tmp_path / "l.nix", text)
    offset = text.index("f 1")
    assert asyncio.run(value_nav.hover_markdown(host.live, doc, offset, [], 30)) is None
    documented = "let\n  # Identity.\n  f = x: x;\nin\nf 1\n"
    doc = host.open(tmp_path / "m.nix", documented)
    shown = asyncio.run(
        value_nav.hover_markdown(host.live, doc, documented.index("f 1"), [str(tmp_path)], 30)
    )
    assert shown is not None and shown.startswith("Identity.")
    assert f"[`m.nix:3`]({(tmp_path / 'm.nix').as_uri()}#L3)" in shown
