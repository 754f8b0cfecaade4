"""Units of one shape compiled once (`code_share`): the code each unit gets is
the code `compile()` makes from its own text, and evaluation is unchanged."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from types import CodeType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator import api
from evaluator.api import Evaluator
from evaluator.compiler import code_share
from evaluator.compiler.compiled import CompiledFile, Unit, unit_tag

DATA = Path(__file__).resolve().parent.parent / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"

# Everything `==` on code objects compares for each generated function, except
# the column offsets of the position table (placeholders are longer or shorter
# than the names they stand for; nothing reads the columns of generated code).
_Signature = tuple[object, ...]


def _signature(module: CodeType) -> list[_Signature]:
    """The names a unit's module code defines, and its functions' code."""
    out: list[_Signature] = [module.co_names]
    for c in module.co_consts:
        if type(c) is not CodeType:
            continue
        assert not any(type(k) is CodeType for k in c.co_consts)
        consts = tuple((type(k).__name__, k) for k in c.co_consts)
        lines = [line for _, _, line in c.co_lines()]
        out.append(
            (c.co_name, c.co_qualname, c.co_code, c.co_names, c.co_varnames, c.co_flags)
            + (c.co_argcount, c.co_firstlineno, lines, c.co_exceptiontable, c.co_filename, consts)
        )
    return out


def _all_units(compiled: CompiledFile) -> Iterator[Unit]:
    """Every unit of a file, the deferred ones generated."""
    todo = [compiled.main]
    while todo:
        unit = todo.pop()
        yield unit
        todo.extend(compiled.unit(root) for root in unit.deferred)


def _tag(unit: Unit) -> str:
    return unit_tag(unit.root) if unit.root != "main" else ""


def _clear() -> None:
    code_share._templates.clear()


def _compile_all(paths: list[Path]) -> tuple[int, int]:
    """Compile every unit of ``paths`` with `compile()` and shared, from the
    functions `render` hands over (names marked); returns (units, functions
    shared)."""
    _clear()
    before = code_share.stats["shared"]
    units = 0
    for path in paths:
        compiled = api.compile_source(path.read_bytes(), str(path), str(path.parent))
        for unit in _all_units(compiled):
            name = compiled.filename
            expected = _signature(compile(unit.python, name, "exec"))
            functions = unit.functions
            assert functions is not None, unit.root  # generated now, not compiled yet
            assert "".join(t for t, _ in functions).replace("\0", "") == unit.python
            shared = code_share.compile_unit(unit.python, name, unit.root, _tag(unit), functions)
            assert _signature(shared) == expected, unit.root
            units += 1
    return units, code_share.stats["shared"] - before


def test_every_unit_of_nixpkgs_lib_gets_the_code_compile_makes() -> None:
    names = ["attrsets", "lists", "options", "strings"]
    units, shared = _compile_all([LIB / f"{name}.nix" for name in names])
    assert units > 100, units
    assert shared > 5, shared  # lib's small deferred thunks have common shapes


def test_units_of_module_like_files_get_the_code_compile_makes() -> None:
    paths = sorted((DATA / "home-manager-like").rglob("*.nix"))
    paths += sorted((DATA / "nixos-like").rglob("*.nix"))
    assert paths
    units, _ = _compile_all(paths)
    assert units > len(paths)


def _marked(tag: str, name: str, var: int) -> tuple[str, list[tuple[str, int]]]:
    """A unit of two functions as `render` hands it over: its text, and each
    function's text (names marked) with its first line."""
    first = (
        f"def th\0{tag}\0(\0v{var}\0):\n"
        f"    t\0{var + 1}\0 = Attrs({{'name': {name!r},"
        f" 'deps': Thunk(partial(th\0{tag}_2\0, \0v{var}\0))}})\n"
        f"    return t\0{var + 1}\0\n\n"
    )
    second = (
        f"def th\0{tag}_2\0(\0v{var}\0):\n"
        f"    return K\0{tag}_3\0 if \0v{var}\0 else {name + '-dev'!r}\n"
    )
    return (first + second).replace("\0", ""), [(first, 1), (second, 5)]


def test_same_shape_units_share_and_keep_their_own_strings() -> None:
    _clear()
    first, first_functions = _marked("5_1", "pkg1", 12)
    second, second_functions = _marked("5_2", "pkg2\n'x'", 40)
    before = dict(code_share.stats)
    a = code_share.compile_unit(first, "<a>", "th5_1", "5_1_", first_functions)
    b = code_share.compile_unit(second, "<b>", "th5_2", "5_2_", second_functions)
    assert code_share.stats["compiled"] == before["compiled"] + 2  # two functions
    assert code_share.stats["shared"] == before["shared"] + 2
    assert _signature(a) == _signature(compile(first, "<a>", "exec"))
    assert _signature(b) == _signature(compile(second, "<b>", "exec"))
    namespace: dict[str, object] = {}
    exec(b, {"K5_2_3": "k", **namespace}, namespace)
    fn = namespace["th5_2_2"]
    assert fn(False) == "pkg2\n'x'-dev" and fn(True) == "k"  # type: ignore[operator]


def test_a_unit_without_marked_functions_is_compiled_whole() -> None:
    python, _ = _marked("5_3", "pkg3", 7)
    before = dict(code_share.stats)
    code = code_share.compile_unit(python, "<c>", "th5_3", "5_3_")
    assert code_share.stats == before
    assert _signature(code) == _signature(compile(python, "<c>", "exec"))


def test_marked_functions_share_whatever_quotes_and_escapes_their_strings_take() -> None:
    """Functions as `render` hands them over (names marked): one shape for
    strings written plainly, double-quoted (holding a quote) or escaped."""
    _clear()

    def unit(tag: str, name: str, var: int) -> tuple[str, list[tuple[str, int]]]:
        marked = (
            f"def th\0{tag}\0(v\0{var}\0):\n"
            f"    t\0{var + 1}\0 = Attrs({{'name': {name!r}, 'x': {name + '!'!r}}})\n"
            f"    return t\0{var + 1}\0 if v\0{var}\0 else ''\n\n"
        )
        return marked.replace("\0", ""), [(marked, 1)]

    names = ["pkg1", "it's", "a\nb", "both ' and \"", "pkg2", "tab\there's"]
    before = dict(code_share.stats)
    for i, name in enumerate(names):
        python, functions = unit(f"5_{i}", name, 10 * i + 3)
        code = code_share.compile_unit(python, "<m>", f"th5_{i}", f"5_{i}_", functions)
        assert _signature(code) == _signature(compile(python, "<m>", "exec")), name
        namespace: dict[str, object] = {}
        exec(code, {"Attrs": dict}, namespace)
        fn = namespace[f"th5_{i}"]
        assert fn(True) == {"name": name, "x": name + "!"}  # type: ignore[operator]
    assert code_share.stats["compiled"] == before["compiled"] + 1  # the second makes the template
    assert code_share.stats["shared"] == before["shared"] + len(names) - 1


@pytest.mark.parametrize(
    "body",
    [
        "    return 'abc'[0] + \0v3\0\n",  # a folded subscript
        "    return 'ab' + 'cd'\n",  # a folded concatenation
    ],
)
def test_folded_units_are_compiled_on_their_own(body: str) -> None:
    _clear()
    marked = f"def th\x007_1\x00(\0v3\0):\n{body}"
    python = marked.replace("\0", "")
    before = code_share.stats["unshareable"]
    for _ in range(3):  # the second of a shape makes its template
        code = code_share.compile_unit(python, "<f>", "th7_1", "7_1_", [(marked, 1)])
        assert _signature(code) == _signature(compile(python, "<f>", "exec"))
    assert code_share.stats["unshareable"] == before + 2


def test_large_functions_and_unpaired_marks_are_compiled_on_their_own() -> None:
    _clear()
    big = "def th\x007_2\x00(\0v3\0):\n" + "    \0v3\0 = \0v3\0 + 1\n" * 1500
    big += "    return \0v3\0\n"
    odd = "def th\x007_3\x00(v3):\n    return v3\n"  # a mark left alone
    functions = [(big, 1), (odd.replace("th\x007_3\x00", "th\x007_3"), big.count("\n") + 1)]
    assert len(big) > code_share.MAX_SHARED_BYTES
    python = "".join(t for t, _ in functions).replace("\0", "")
    before = code_share.stats["unshareable"]
    code = code_share.compile_unit(python, "<g>", "th7_2", "7_2_", functions)
    assert _signature(code) == _signature(compile(python, "<g>", "exec"))
    assert code_share.stats["unshareable"] == before + 2


def test_a_package_set_of_one_shape_evaluates_each_package_its_own_way() -> None:
    def package(i: int) -> str:
        return (
            f'pkg{i} = self.callPackage ({{ name ? "pkg{i}" }}: {{ inherit name;'
            f' label = "${{name}}: package {i}" + (if name == "pkg11" then " (late)" else ""); }})'
            " { };"
        )

    body = " ".join(package(i) for i in range(300))
    text = (
        f"let self = {{ callPackage = f: args: f args; {body} }};"
        ' in map (i: self."pkg${toString i}".label) [ 0 11 299 ]'
    )
    _clear()
    before = code_share.stats["shared"]
    ev = Evaluator()
    value = ev.eval_source(text, base_dir="/", strict=True)
    assert ev.render(value, strict=True) == (
        '[ "pkg0: package 0" "pkg11: package 11 (late)" "pkg299: package 299" ]'
    )
    assert code_share.stats["shared"] > before


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_string_literals_are_read_back_as_python_reads_them(value: str) -> None:
    # Generated code writes strings with repr(); the normaliser reads them
    # back without `ast` (tested against it).
    literal = repr(value)
    assert code_share._unescape(literal) == ast.literal_eval(literal) == value


@pytest.mark.parametrize(
    "body",
    [
        "    return \0v{v}\0 in ({a!r}, {b!r}) or \0v{v}\0 == {c!r}\n",  # strings in a tuple too
        "    return \0v{v}\0 in ({a!r}, {b!r})\n",  # strings only in a tuple
        "    return {a!r}\n",  # the string is the one constant
        "    return ({a!r}, \0v{v}\0, {b!r}, 1.5, None, {c!r}, {a!r})\n",  # repeated strings
    ],
)
def test_copies_get_their_strings_wherever_the_template_keeps_them(body: str) -> None:
    _clear()
    before = dict(code_share.stats)
    values = [("a", "b", "c"), ("x y", "", "it's"), ("q", "r\n", "s"), ("b", "a", "b")]
    for i, (a, b, c) in enumerate(values):
        marked = f"def th\0{i}_1\0(\0v{i}\0):\n" + body.format(v=i, a=a, b=b, c=c)
        python = marked.replace("\0", "")
        code = code_share.compile_unit(python, "<s>", f"th{i}_1", f"{i}_1_", [(marked, 1)])
        assert _signature(code) == _signature(compile(python, "<s>", "exec")), (a, b, c)
    assert code_share.stats["shared"] > before["shared"]
