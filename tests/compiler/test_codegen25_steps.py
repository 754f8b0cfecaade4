"""codegen25: compile steps that know their result at once are plain functions,
and `code_share` finds double-quoted literals by splits when that is sure."""

from __future__ import annotations

import random
import re
from types import CodeType, GeneratorType

import pytest

from evaluator.api import Evaluator
from evaluator.compiler import code_share
from evaluator.compiler.codegen import Compiler
from evaluator.compiler.codegen_base import NAME_MARK, _drive, _Fn
from evaluator.compiler.scope import resolve
from evaluator.syntax import nodes
from evaluator.syntax.parser import parse
from evaluator.vm.frames import SourceText


def _regex_strings(marked: str) -> tuple[str, list[str]]:
    """`_escaped_strings` by the regex scan alone (what it did before)."""
    parts = re.split(code_share._STRING, marked)
    values = [t[1:-1] if "\\" not in t else code_share._unescape(t) for t in parts[1::2]]
    distinct = dict.fromkeys(values)
    distinct.pop("", None)
    marks = code_share._placeholders(code_share._STRINGS, len(distinct))
    number = {v: f"'{m}'" for v, m in zip(distinct, marks, strict=False)}
    number[""] = "''"
    parts[1::2] = map(number.__getitem__, values)
    return "".join(parts), list(distinct)


@pytest.mark.parametrize(
    "text",
    [
        "def th\x001\x00(a):\n    f(a, \"function 'x'\", 'y')\n",
        '    f(\'say "hi"\', "it\'s")\n',  # a double quote inside single quotes
        "    f('a\"b', 'c\"d')\n",
        "    f('', \"\", \"it's\", '')\n",
        "    f(\"it's\", 'x', \"it's\")\n",
        '    f(\'it\\\'s "x"\', "a")\n',  # backslashes: the scan
        "    f(\"a\\nb\", 'c')\n",
    ],
)
def test_double_quoted_literals_are_found_as_the_scan_finds_them(text: str) -> None:
    assert code_share._escaped_strings(text) == _regex_strings(text)


def test_random_literals_are_found_as_the_scan_finds_them() -> None:
    rng = random.Random(25)
    alphabet = ["a", "b", "'", '"', "\\", " ", "é", "\n", ""]
    sure = 0
    for _ in range(3000):
        values = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(5))) for _ in range(4)]
        text = "    f(" + ", ".join(map(repr, values)) + ", x)\n"
        assert code_share._escaped_strings(text) == _regex_strings(text), text
        sure += code_share._quoted_split(text) is not None and "\\" not in text
    assert sure > 150  # the splits answered for many of them


def test_a_double_quote_inside_single_quotes_is_not_split_on() -> None:
    # The first double quote is inside a single-quoted literal: an odd
    # number of single quotes before it.
    assert code_share._quoted_split("f('a\"b', x)") is None
    assert code_share._quoted_split('f("it\'s", x)') == ["f(", "it's", ", x)"]


def test_shapes_with_double_quoted_literals_are_shared_and_exact() -> None:
    def marked(n: int, who: str) -> str:
        return (
            f"def lam\x00{n}\x00(v\x00{n + 1}\x00):\n"
            f"    r_check(v\x00{n + 1}\x00, \"function '{who}'\", 'a', {who!r})\n"
        )

    for n, who in enumerate(["f", "g", "anonymous lambda", "f"]):
        text = marked(10 * n + 1, who)
        code = code_share.function_code(text, "<f>", 3)
        module = compile(text.replace(NAME_MARK, ""), "<f>", "exec")
        (alone,) = [c for c in module.co_consts if type(c) is CodeType]
        alone = alone.replace(co_firstlineno=3)
        assert code.co_consts == alone.co_consts
        assert code.co_code == alone.co_code
        assert (code.co_name, code.co_varnames) == (alone.co_name, alone.co_varnames)


def _compiler(src: str) -> tuple[Compiler, nodes.Node]:
    text = src.encode()
    tree = parse(text)
    resolved = resolve(tree.root, text, lean=True)
    return Compiler(resolved, SourceText(None, text), "/"), tree.root


def _body(root: nodes.Node) -> nodes.Node:
    """The body of `x: BODY`."""
    assert type(root) is nodes.Lambda
    return root.body


def test_variables_and_static_selections_are_operands_at_once() -> None:
    comp, root = _compiler("x: x.a.b")
    fn = _Fn("main", None, None, root)
    fn.params.append("x")
    got = comp.value(fn, _body(root))
    assert type(got) is not GeneratorType  # emitted at once
    assert isinstance(got, str)
    assert sum("r_select_error" in line for line in fn.lines) == 2


def test_dynamic_names_and_with_variables_are_steps() -> None:
    comp, root = _compiler('x: x.${"a" + "b"}')
    fn = _Fn("main", None, None, root)
    assert type(comp.value(fn, _body(root))) is GeneratorType
    comp, root = _compiler("x: with x; y")
    fn = _Fn("main", None, None, root)
    body = _body(root)
    assert type(body) is nodes.With
    assert type(comp.value(fn, body.body)) is GeneratorType


def test_a_result_known_at_once_is_driven_to_itself() -> None:
    assert _drive("x") == "x"
    assert _drive(None) is None


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("let x = { a.b = 1; c = [ x.a.b 2 ]; }; in x.c", "[ 1 2 ]"),
        ("let s = { a = { b = 3; }; }; in s.a.b + (s.a or { b = 1; }).b", "6"),
        ('let n = "b"; s = { a.b = 4; }; in s.a.${n}', "4"),
        ("with { y = 5; }; [ y { z = y; } ]", "[ 5 { z = 5; } ]"),
        ("let f = x: { v = [ x (x + 1) ]; w.u = x; }; in (f 1).v ++ [ (f 2).w.u ]", "[ 1 2 2 ]"),
    ],
)
def test_selections_sets_and_lists_evaluate_as_written(expr: str, value: str) -> None:
    ev = Evaluator()
    assert ev.render(ev.eval_source(expr), strict=True) == value
