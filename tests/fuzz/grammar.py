"""Random Nix programs, generated from the grammar.

:class:`Gen` writes one expression by drawing choices from a :class:`Draw`:
either hypothesis's ``data`` (so failures shrink) or a seeded
:class:`random.Random` (to record fixtures and for long runs). Programs use
every syntactic form (let, rec, with, inherit, merged attribute paths,
lambdas with formals, strings with interpolation, indented strings, paths,
select-or, `?`, assert, operators) over a small pool of names so that they
resolve, plus builtin calls and the values hostile code likes: cycles, huge
or boundary numbers, long strings, deep nesting.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

NAMES = ["a", "b", "c", "f", "x", "s", "l"]
KEYS = ["a", "b", "c", "x", "outPath", "__toString", "type"]
NUMBERS = [
    "0", "1", "2", "7", "-1", "9223372036854775807", "4611686018427387904",
    "1.5", "0.1", "1.0e308", "2.0e-5", ".5",
]  # fmt: skip
STRINGS = ['""', '"x"', '"a b"', '"é😀"', '"\\n\\t\\\\"', '"\\${x}"', '"derivation"']
UNARY_BUILTINS = [
    "toString", "builtins.toJSON", "builtins.typeOf", "builtins.length", "builtins.attrNames",
    "builtins.isAttrs", "builtins.head", "builtins.tail", "builtins.fromJSON", "isNull",
    "builtins.toXML", "builtins.deepSeq x", "builtins.tryEval", "builtins.stringLength",
    "builtins.hashString \"sha256\"", "builtins.concatLists", "builtins.attrValues",
    "builtins.listToAttrs", "builtins.genericClosure", "builtins.floor", "builtins.ceil",
    "builtins.toPath", "baseNameOf", "dirOf", "builtins.parseDrvName", "builtins.splitVersion",
    "builtins.fromTOML", "builtins.unsafeDiscardStringContext", "builtins.seq 1",
    "builtins.functionArgs", "builtins.isFunction", "builtins.getContext", "abort", "throw",
]  # fmt: skip
BINARY_BUILTINS = [
    "builtins.map", "builtins.filter", "builtins.elemAt", "builtins.getAttr", "builtins.hasAttr",
    "builtins.sort", "builtins.genList", "builtins.match", "builtins.split", "builtins.elem",
    "builtins.concatStringsSep", "builtins.removeAttrs", "builtins.intersectAttrs",
    "builtins.mapAttrs", "builtins.catAttrs", "builtins.bitAnd", "builtins.div",
    "builtins.lessThan", "builtins.compareVersions", "builtins.substring 0", "builtins.all",
    "builtins.foldl' builtins.add", "builtins.zipAttrsWith", "builtins.replaceStrings [\"a\"]",
]  # fmt: skip
OPERATORS = ["+", "-", "*", "/", "++", "//", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "->"]


class Draw(Protocol):
    """Where choices come from."""

    def pick(self, options: Sequence[T]) -> T: ...

    def below(self, n: int) -> int: ...


class RandomDraw:
    """Choices from a seeded :class:`random.Random`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def below(self, n: int) -> int:
        return self.rng.randrange(n)


class DataDraw:
    """Choices from hypothesis's ``st.data()`` (so failing programs shrink)."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data = data
        self.st = st

    def pick(self, options: Sequence[T]) -> T:
        return options[self.below(len(options))]

    def below(self, n: int) -> int:
        return int(self.data.draw(self.st.integers(0, n - 1)))


class Gen:
    """Writes random expressions; ``hostile`` adds huge and deep forms."""

    def __init__(self, draw: Draw, hostile: bool = True) -> None:
        self.d = draw
        self.hostile = hostile

    def program(self, depth: int = 4) -> str:
        """A whole program: usually a `let` binding the name pool."""
        body = self.expr(depth)
        if self.d.below(8) == 0:
            return body
        # Every name of the pool bound (most programs then resolve).
        binds = " ".join(f"{n} = {self.expr(depth - 1)};" for n in NAMES)
        return f"let {binds} in {body}"

    def atom(self) -> str:
        k = self.d.below(8)
        if k < 3:
            return self.d.pick(NAMES)
        if k == 3:
            return self.d.pick(NUMBERS)
        if k == 4:
            return self.d.pick(STRINGS)
        if k == 5:
            return self.d.pick(["true", "false", "null", "[ ]", "{ }", "./p", "<nixpkgs>"])
        if k == 6:
            return self.d.pick(["builtins", "builtins.currentSystem", "__curPos", "http://x.y/z"])
        return self.d.pick(KEYS[:4])

    def expr(self, depth: int) -> str:
        if depth <= 0:
            return self.atom()
        k = self.d.below(22 if self.hostile else 21)
        e = self.expr
        n = depth - 1
        pick = self.d.pick
        if k == 0:
            return f"({e(n)} {pick(OPERATORS)} {e(n)})"
        if k == 1:
            return f"(let {self.binds(n)} in {e(n)})"
        if k == 2:
            return f"{pick(['', 'rec '])}{{ {self.binds(n)} }}"
        if k == 3:
            return f"({pick(NAMES)}: {e(n)})"
        if k == 4:
            names = NAMES[: self.d.below(3) + 1]
            formals = ", ".join(f"{x}{pick(['', ' ? ' + e(0)])}" for x in names)
            return f"({pick(['', 'args@'])}{{ {formals}{pick(['', ', ...'])} }}: {e(n)})"
        if k == 5:
            return f"(with {e(n)}; {e(n)})"
        if k == 6:
            return f"[ {' '.join(e(n) for _ in range(self.d.below(4)))} ]"
        if k == 7:
            return f"({e(n)}).{self.path()}{pick(['', ' or ' + e(n)])}"
        if k == 8:
            return f"(if {e(n)} then {e(n)} else {e(n)})"
        if k == 9:
            return f"(assert {e(n)}; {e(n)})"
        if k == 10:
            return f'"{pick(["", "a"])}${{{e(n)}}}{pick(["", "b"])}"'
        if k == 11:
            return f"''\n  {pick(['x', '$', ''])}${{{e(n)}}}\n  ''"
        if k == 12:
            return f"({e(n)} ? {self.path()})"
        if k == 13:
            return f"({pick(UNARY_BUILTINS)} {e(n)})"
        if k == 14:
            return f"({pick(BINARY_BUILTINS)} {e(n)} {e(n)})"
        if k == 15:
            return f"({e(n)} {e(n)})"
        if k == 16:
            return f"(!{e(n)})"
        if k == 17:
            return f"(-{e(n)})"
        if k == 18:
            return f"./a/${{{e(n)}}}"
        if k == 19:
            inner = f"inherit {pick(NAMES)}; {pick(KEYS)} = {e(n)};"
            return f"(let {pick(NAMES)} = {{ {inner} }}; in {e(n)})"
        if k == 20:
            return self.atom()
        return self.hostile_expr(n)

    def hostile_expr(self, n: int) -> str:
        """Forms that stress limits: size, depth, cycles."""
        k = self.d.below(8)
        pick = self.d.pick
        if k == 0:
            return pick(["1" * 30, "9" * 5000, "0" * 50 + "1", "1.0e999", "-9223372036854775808"])
        if k == 1:
            width = pick([100, 2000])
            return "(" + " + ".join([self.atom()] * width) + ")"
        if k == 2:
            depth = pick([50, 300, 1000])
            return "[" * depth + self.expr(0) + "]" * depth
        if k == 3:
            use = pick(["c", "c.c.c.v", "c == c"])
            return f"(let c = {{ inherit c; v = {self.expr(n)}; }}; in {use})"
        if k == 4:
            return f"(builtins.genList (i: {self.expr(n)}) {pick(['3', '1000', '100000'])})"
        if k == 5:
            return '"' + pick(["x", "${", "\\"]) * pick([10, 5000]) + '"'
        if k == 6:
            return "{}." + ".".join(["a"] * pick([10, 120])) + " or " + self.expr(0)
        use = pick(["toString rl", "rl == rl", "builtins.toJSON rl"])
        return f"(let rl = [ rl {self.expr(n)} ]; in {use})"

    def path(self) -> str:
        parts = [self.d.pick([*KEYS, '"q r"', "${x}"]) for _ in range(self.d.below(3) + 1)]
        return ".".join(parts)

    def binds(self, depth: int) -> str:
        out = []
        for _ in range(self.d.below(4)):
            k = self.d.below(6)
            if k == 0:
                out.append(f"inherit {self.d.pick(NAMES)};")
            elif k == 1:
                out.append(f"inherit ({self.expr(depth)}) {self.d.pick(KEYS[:4])};")
            elif k == 2:
                out.append(f"{self.path()} = {self.expr(depth)};")
            else:
                out.append(f"{self.d.pick(NAMES)} = {self.expr(depth)};")
        return " ".join(out)


def random_program(rng: random.Random, hostile: bool = True) -> str:
    """One program from a seeded generator."""
    return Gen(RandomDraw(rng), hostile).program(rng.choice([2, 3, 4]))
