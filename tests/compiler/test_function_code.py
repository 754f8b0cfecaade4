"""A function compiled on its first call (`code_share.function_code`), the
syntax-warning filter only around a real `compile()`, and a unit's text made
only when someone reads it."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from types import CodeType

import pytest

from evaluator.api import Evaluator
from evaluator.compiler import code_share
from evaluator.compiler.codegen_base import NAME_MARK
from evaluator.compiler.compiled import CompiledFile, Unit
from evaluator.front_end import compile_source
from evaluator.vm.gc_tuning import ONE_SHOT_GC

ROOT = Path(__file__).resolve().parent.parent.parent
LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"


def _fields(code: CodeType) -> tuple[object, ...]:
    consts = tuple((type(k).__name__, k) for k in code.co_consts)
    names = (code.co_name, code.co_names, code.co_varnames)
    return (
        *names,
        code.co_code,
        code.co_firstlineno,
        code.co_filename,
        consts,
        list(code.co_lines()),
    )


def _units(compiled: CompiledFile) -> list[Unit]:
    todo, out = [compiled.main], []
    while todo:
        unit = todo.pop()
        out.append(unit)
        todo.extend(compiled.unit(root) for root in unit.deferred)
    return out


def test_function_code_is_what_compile_makes_of_the_function_alone() -> None:
    # Every function of a real file, shared (second of its shape on) or not.
    text = (LIB / "strings.nix").read_bytes()
    compiled = compile_source(text, str(LIB / "strings.nix"), str(LIB))
    checked = 0
    for unit in _units(compiled):
        for marked, line in unit.functions or ():
            code = code_share.function_code(marked, "<f>", line)
            module = compile(marked.replace(NAME_MARK, ""), "<f>", "exec")
            (alone,) = [c for c in module.co_consts if type(c) is CodeType]
            assert _fields(code) == _fields(alone.replace(co_firstlineno=line))
            checked += 1
    assert checked > 100


def test_function_code_raises_what_compile_raises() -> None:
    with pytest.raises(SyntaxError):
        code_share.function_code("def th\x001\x00():\n    return (\n", "<bad>", 1)
    # Not one function: refused (the caller keeps its unit's stand-in).
    with pytest.raises(ValueError):
        code_share.function_code("x = 1\n", "<two>", 1)


def test_no_syntax_warning_escapes_and_instantiating_enters_no_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `(1).a or 2` generates `1["a"]`-like code CPython warns about.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Evaluator().eval_source("(1).a or 2", strict=True) == 2
    entered: list[str] = []
    real = code_share.function_of

    def counted(text: str) -> CodeType | None:
        entered.append(text)
        return real(text)

    monkeypatch.setattr(code_share, "function_of", counted)
    code_share._templates.clear()
    shape = "def th\x00{n}\x00(v\x00{n}\x00):\n    return v\x00{n}\x00 + 'a'\n"
    for n in range(5):
        code_share.function_code(shape.format(n=n), "<s>", 1, kept=True)
    # Only the first of the shape is compiled: its template is made from
    # that code, and every later one is a copy.
    assert len(entered) == 1
    # A caller that does not keep the text: the shape's text is compiled
    # for the template (the first function does not hold its text).
    code_share._templates.clear()
    for n in range(5):
        code_share.function_code(shape.format(n=n), "<s>", 1)
    assert len(entered) == 3


def test_a_units_text_is_made_only_when_read() -> None:
    compiled = compile_source(b"let f = x: x + 1; in f 2", None, "/")
    unit = compiled.main
    assert unit._python is None  # rendering does not join the functions
    expected = "".join(t for t, _ in unit.functions or ()).replace(NAME_MARK, "")
    assert unit.python == expected
    # Outside a one-shot run the text stays readable once compiled.
    other = compile_source(b"let f = x: x + 1; in f 2", None, "/").main
    assert not ONE_SHOT_GC.active
    other.compiled("<t>")
    assert other.python == expected


@pytest.mark.parametrize("name", ["strings.nix", "lists.nix", "attrsets.nix"])
def test_a_template_made_from_a_first_function_is_the_compiled_shape(name: str) -> None:
    # What `_derived` makes from a function's code is what compiling the
    # normalised text makes (but for column offsets, which nothing reads).
    text = (LIB / name).read_bytes()
    compiled = compile_source(text, str(LIB / name), str(LIB))
    derived = 0
    for unit in _units(compiled):
        for marked, _ in unit.functions or ():
            shape = code_share._normalise(marked)
            if shape is None or "_cs_" in marked:
                continue
            module = compile(marked.replace(NAME_MARK, ""), "<f>", "exec")
            (first,) = [c for c in module.co_consts if type(c) is CodeType]
            made = code_share._derived(first, marked)
            normal = compile(shape[0], "<f>", "exec")
            (expected,) = [c for c in normal.co_consts if type(c) is CodeType]
            if made is None:
                continue
            assert _fields(made) == _fields(expected)
            derived += 1
    assert derived > 50


def test_a_template_is_not_made_from_folded_or_unknown_strings() -> None:
    # `'ab' + 'c'` is folded to one constant: not the shape's literals.
    marked = "def th\x001\x00():\n    return 'ab' + 'c'\n"
    module = compile(marked.replace(NAME_MARK, ""), "<f>", "exec")
    (code,) = [c for c in module.co_consts if type(c) is CodeType]
    assert code_share._derived(code, marked) is None
    # A keyword argument's name is a string constant no literal wrote.
    marked = "def th\x002\x00(v\x003\x00):\n    return f(v\x003\x00, span='s')\n"
    module = compile(marked.replace(NAME_MARK, ""), "<f>", "exec")
    (code,) = [c for c in module.co_consts if type(c) is CodeType]
    made = code_share._derived(code, marked)
    assert made is None


def test_functions_and_stubs_are_compiled_without_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    # `compile()` builds CPython's `ast` types on its first call (9.6 M
    # instructions): generated functions, the stand-ins' template and the
    # stub's check are compiled by running their text instead.
    import builtins

    from evaluator.compiler import late

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compile() called")

    monkeypatch.setattr(builtins, "compile", no_compile)
    monkeypatch.setattr(code_share, "_small_stub", None)
    monkeypatch.setattr(late, "_stand_in", None)
    code_share._templates.clear()
    assert code_share.module_stub(3) is not None or sys.version_info[:2] != (3, 11)
    assert late.stand_ins("th1", ["th2"], "<f>")[0].co_filename == "<f>"
    code = code_share.function_code(
        "def th\x001\x00(v\x002\x00):\n    return v\x002\x00\n", "<f>", 7
    )
    assert (code.co_name, code.co_filename, code.co_firstlineno) == ("th1", "<f>", 7)


def test_compiling_a_function_leaves_no_cycle_behind() -> None:
    # A one-shot run keeps the collector off: a function and the namespace
    # it was defined in (each other's references) would live to the end.
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        code = code_share.function_of("def th1(v2):\n    return v2\n")
        assert code is not None and code.co_name == "th1"
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


_COUNT_COMPILES = """
import builtins, sys
calls = []
def watch(frame, event, arg):
    where = frame.f_code.co_filename
    if event == "c_call" and arg is builtins.compile and "importlib" not in where:
        calls.append(where)
sys.setprofile(watch)
from evaluator.api import Evaluator
assert Evaluator().eval_source("let f = x: { a = x; }; in (f 1).a + (f 2).a", strict=True) == 3
sys.setprofile(None)
print(calls)
"""


def test_a_fresh_process_parses_compiles_and_evaluates_without_compile(tmp_path: Path) -> None:
    # Not a module's `typing.NamedTuple` with string annotations (each a
    # `ForwardRef`, compiled) nor generated code: the first `compile()` of a
    # process would build the `ast` types (~10 M instructions).
    import subprocess

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _COUNT_COMPILES], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
