"""The position queries the language server asks of an analysis."""

from __future__ import annotations

from evaluator.compiler import Analysis, analyse
from evaluator.compiler.model import BindingKind, ScopeKind
from evaluator.syntax import parse

SOURCE = """\
{ pkgs, lib ? pkgs.lib, ... }@args:
let
  inherit (lib) concat;
  helper = x: x + 1;
  version = "1.0";
in
with pkgs;
rec {
  inherit version;
  name = "hello-${version}";
  value = helper (concat [ hello ]);
  self = name;
}
"""


def at(source: str, needle: str, nth: int = 0) -> int:
    """Byte offset of the ``nth`` occurrence of ``needle``."""
    offset = -1
    for _ in range(nth + 1):
        offset = source.index(needle, offset + 1)
    return len(source[:offset].encode())


def analysis() -> Analysis:
    return analyse(parse(SOURCE))


def test_definition_at_a_reference() -> None:
    a = analysis()
    helper = a.definition_at(at(SOURCE, "helper (concat"))
    assert helper is not None and helper.name == "helper" and helper.kind is BindingKind.LET
    assert helper.name_span[0] == at(SOURCE, "helper =")
    # the end of a name still counts (cursor just after it)
    assert a.definition_at(at(SOURCE, "helper (concat") + len("helper")) is helper


def test_definition_at_a_binding_site_is_itself() -> None:
    a = analysis()
    site = a.definition_at(at(SOURCE, "helper ="))
    assert site is not None and site.name_span[0] == at(SOURCE, "helper =")


def test_definition_of_inherited_name_is_the_outer_binding() -> None:
    a = analysis()
    inner = at(SOURCE, "version;")
    outer = a.definition_at(inner)
    assert outer is not None and outer.kind is BindingKind.LET
    assert outer.name_span[0] == at(SOURCE, "version =")
    # while binding_at gives the binding the inherit creates (a rec attr)
    created = a.binding_at(inner)
    assert created is not None and created.kind is BindingKind.REC_ATTR


def test_references_include_inherit_and_interpolation() -> None:
    a = analysis()
    version = a.definition_at(at(SOURCE, "version ="))
    assert version is not None
    refs = a.references(version)
    assert [r.start for r in refs] == [at(SOURCE, "version;")]
    rec_version = a.binding_at(at(SOURCE, "version;"))
    assert rec_version is not None
    assert [r.start for r in a.references(rec_version)] == [at(SOURCE, "version}")]


def test_globals_and_with_names_have_no_definition() -> None:
    a = analysis()
    hello = at(SOURCE, "hello ]")
    assert a.definition_at(hello) is None
    var = a.var_at(hello)
    assert var is not None and a.is_with_resolved(var)
    assert a.binding_at(at(SOURCE, "+ 1") + 2) is None  # on the literal 1
    lib_var = a.var_at(at(SOURCE, "lib)"))
    assert lib_var is not None and not a.is_with_resolved(lib_var)


def test_formal_default_sees_other_formal() -> None:
    a = analysis()
    pkgs = a.definition_at(at(SOURCE, "pkgs.lib"))
    assert pkgs is not None and pkgs.kind is BindingKind.FORMAL


def test_scope_at() -> None:
    a = analysis()
    assert a.scope_at(at(SOURCE, "self")).kind is ScopeKind.REC
    assert a.scope_at(at(SOURCE, "x + 1")).kind is ScopeKind.LAMBDA
    assert a.scope_at(at(SOURCE, "pkgs;")).kind is ScopeKind.LET  # the with's own env
    assert a.scope_at(at(SOURCE, "\nrec")).kind is ScopeKind.WITH
    assert a.scope_at(at(SOURCE, "rec")).kind is ScopeKind.REC
    assert a.scope_at(0).kind is ScopeKind.LAMBDA
    assert a.scope_at(len(SOURCE.encode())).kind is ScopeKind.FILE


def test_visible_names() -> None:
    a = analysis()
    visible = a.visible_names(at(SOURCE, "self"))
    names = visible.names
    assert names["name"] == "rec-attr"
    assert names["helper"] == "let"
    assert names["pkgs"] == "formal"
    assert names["args"] == "at"
    assert names["map"] == "global" and names["builtins"] == "global"
    # the rec attribute `version` hides the let binding of the same name
    assert visible.bindings["version"].kind is BindingKind.REC_ATTR
    assert [w.kind for w in visible.withs] == [ScopeKind.WITH]
    assert "x" not in names
    assert a.visible_names(at(SOURCE, "x + 1")).names["x"] == "argument"


def test_queries_work_on_broken_files() -> None:
    source = "let a = 1; b = ; in { c = a; d = b; e = undefinedName; }"
    a = analyse(parse(source))
    assert any(d.code == "syntax-error" for d in a.diagnostics)
    binding = a.definition_at(at(source, "a; d"))
    assert binding is not None and binding.name_span[0] == at(source, "a =")
    assert "a" in a.visible_names(at(source, "c =")).names
    undefined = [d for d in a.diagnostics if d.code == "undefined-variable"]
    assert [source[d.start : d.end] for d in undefined] == ["undefinedName"]
