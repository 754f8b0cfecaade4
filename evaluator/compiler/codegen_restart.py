"""Generator bodies that also run as plain functions, when nothing they do
before they would wait has to be undone.

Most generated thunk and lambda bodies are generator functions because some
path of theirs waits for the loop (``yield``), yet half of the frames
started finish at their first resumption without waiting: the thunk they
force is already evaluated, the selection finds its attribute. A frame costs
a generator, a driver trip and a push and pop of the loop's stack where a
plain call returns its value at once (the loop takes a plain body's value
without a frame).

So a body whose every wait point is *restartable* (reached only through
cheap code without effects: forces of evaluated thunks, selections, type
checks, comparisons; no thunk, closure or set made, nothing called) is
emitted twice: a plain function under its own name, and its generator
version (the body as it was, the *twin*). Where the body would wait, raise,
or do anything that could fail, the plain function instead returns a new
frame of the twin with the same arguments (forced arguments passed as their
values): the twin runs the same cheap prefix again and then waits, raises or
goes on exactly as the body always did, in a generator frame, so errors,
traces and waits are the body's own. The plain function never raises and
never calls another body, so no Python recursion comes of it.

A thunk's plain body may return a tail (a call or thunk for the loop to
evaluate in its place): a plain thunk body that does so gets the same trace
as a generator frame ending in that tail. A lambda's may not (generated
code and builtins start lambda bodies themselves, and a returned call would
lose the body's own trace entry): a lambda's plain body returns only
values, and a result that may still need the loop is left to the twin.
"""

from __future__ import annotations

import re

# String literals (blanked before the lines are read: a string may hold anything).
_STRING = re.compile(r"""'[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*\"""")
# The force of a variable (`Compiler.force_var`).
_FORCE = re.compile(
    r"if type\((\S+)\) is Thunk: \1 = \1\.value if \1\.code is None else \(yield \1\)"
)
# A call: the name called, after a dot for a method (a name starts where no
# name character is before it: no match tried inside a name).
_CALL = re.compile(r"(?:(\.)|(?<![\w\x00]))([A-Za-z_\x00][\w\x00]*)\(")
# Calls without effects that cannot fail on the values generated code gives them.
_PURE_CALLS = frozenset({"type", "len", "r_peek"})
_PURE_METHODS = frozenset({"get", "issuperset", "join"})
# Calls that make a value and cannot fail (an effect: not done again).
_MAKERS = frozenset({"Thunk", "Closure", "Attrs", "NixList", "partial", "Call", "PrimOpApp"})
# Values a lambda's plain body may return as they are.
_VALUE_RESULT = re.compile(r"(-?[0-9][0-9.e+-]*|''|True|False|None|(Closure|Attrs|NixList)\(.*\))")
# An assignment (`a = ...`, `a.b = ...`, `a[k] = ...`): what it assigns to.
_ASSIGN = re.compile(r"([\w\x00.\[\]']+) = ")


# Bodies longer than this are not read (few that long could run plain, and
# reading them was most of what this module costs a cold run).
MAX_BYTES = 1000


class _NotPlain(Exception):
    """The body cannot run as a plain function."""


def _blank(text: str) -> str:
    """``text`` with every string literal's characters replaced (same offsets)."""
    if "'" not in text and '"' not in text:
        return text
    return _STRING.sub(_blanked, text)


def _blanked(m: re.Match[str]) -> str:
    return "'" + "_" * (len(m.group()) - 2) + "'"


class _Stmt:
    """One statement of a body: where it is and what it says (strings blanked)."""

    __slots__ = ("index", "text", "head", "body", "inline")

    def __init__(self, index: int, text: str) -> None:
        self.index = index  # its line in the body
        self.text = text
        # `if`/`elif`/`else`/`while`: the keyword, the header's length in the
        # line, and the statements it holds.
        self.head = ""
        self.body: list[_Stmt] = []
        # A header with its statement on the same line (`if x: s`): that statement.
        self.inline: _Stmt | None = None


def _header_end(text: str) -> int:
    """Where the `:` ending a compound statement's header is (-1 if none):
    the first outside brackets (strings blanked)."""
    i = text.find(":")
    while i >= 0:
        c = text.count
        if c("(", 0, i) == c(")", 0, i) and c("[", 0, i) == c("]", 0, i):
            if c("{", 0, i) == c("}", 0, i):
                return i
        i = text.find(":", i + 1)
    return -1


# The keywords of compound statements, by first letter.
_HEADS = {"i": ("if ",), "e": ("elif ", "else:"), "w": ("while ",)}


def _statement(index: int, text: str) -> _Stmt:
    stmt = _Stmt(index, text)
    first = text[:1]
    if first not in _HEADS:
        return stmt
    if text.startswith("if type(") and _FORCE.fullmatch(text):
        return stmt  # a force: one statement (see _simple)
    for head in _HEADS[first]:
        if text.startswith(head):
            end = _header_end(text)
            if end < 0:
                raise _NotPlain(text)
            stmt.head = head.rstrip(": ")
            stmt.text = text[:end]
            rest = text[end + 1 :].lstrip(" ")
            if rest:
                stmt.inline = _statement(index, rest)
            return stmt
    return stmt


def _parse(lines: list[str]) -> list[_Stmt]:
    """The statements of a body (its lines indented four spaces per level,
    the body at level one), nested by indentation."""
    top: list[_Stmt] = []
    open_: list[tuple[int, list[_Stmt]]] = [(1, top)]
    for index, raw in enumerate(lines):
        text = raw.lstrip(" ")
        indent = (len(raw) - len(text)) // 4
        while open_ and open_[-1][0] > indent:
            open_.pop()
        if not open_ or open_[-1][0] != indent:
            raise _NotPlain(raw)
        stmt = _statement(index, _blank(text))
        open_[-1][1].append(stmt)
        if stmt.head and stmt.inline is None:
            open_.append((indent + 1, stmt.body))
    return top


def _calls(text: str) -> tuple[bool, bool]:
    """Whether ``text`` calls something that makes a value, and something
    that may fail or have an effect (any call not known to be harmless)."""
    makes = risky = False
    if "(" not in text:
        return makes, risky
    for dot, name in _CALL.findall(text):
        if dot:
            risky = risky or name not in _PURE_METHODS
        elif name in _MAKERS:
            makes = True
        elif name not in _PURE_CALLS:
            risky = True
    return makes, risky


# A path's state: None when no path gets there, else whether a path may have
# done what must not be done twice (made a thunk, a set, a closure).
_State = bool | None


def _join(a: _State, b: _State) -> _State:
    if a is None:
        return b
    if b is None:
        return a
    return a or b


class _Plan:
    """What the plain function changes: per statement (by line and whether it
    is the statement of a one-line header) ``force`` (wait for a thunk not
    evaluated: the twin instead), ``twin`` (the twin instead), ``value`` (a
    lambda's result, the twin if it still needs the loop), ``dead`` (after a
    ``twin``: left out); and whether any path finishes without the twin."""

    def __init__(self, params: set[str], is_lambda: bool) -> None:
        self.params = params
        self.is_lambda = is_lambda
        self.changes: dict[tuple[int, bool], str] = {}
        self.finishes = False

    def block(self, stmts: list[_Stmt], state: _State, breaks: list[_State]) -> _State:
        """The state after ``stmts`` run from ``state`` (those of `break`s to ``breaks``)."""
        i = 0
        while i < len(stmts):
            stmt = stmts[i]
            j = i + 1
            if stmt.head in ("if", "while"):
                while j < len(stmts) and stmts[j].head in ("elif", "else"):
                    j += 1
            elif stmt.head:
                raise _NotPlain(stmt.text)  # an `elif`/`else` without its `if`
            if state is None:  # not reached (after a statement the twin does)
                for dead in stmts[i:j]:
                    self.changes[(dead.index, False)] = "dead"
            elif stmt.head:
                state = self.compound(stmts[i:j], state, breaks)
            else:
                state = self.simple(stmt, state, breaks, False)
            i = j
        return state

    def compound(self, chain: list[_Stmt], state: _State, breaks: list[_State]) -> _State:
        """An `if`/`elif`/`else` chain or a `while True:` loop."""
        for stmt in chain:
            makes, risky = _calls(stmt.text)
            if makes or risky or "yield" in stmt.text or "raise" in stmt.text:
                raise _NotPlain(stmt.text)  # conditions without effects only
        first = chain[0]
        if first.head == "while":
            if first.text != "while True":
                raise _NotPlain(first.text)
            inner: list[_State] = []
            out = self.block(first.body, state, inner)
            for s in inner:
                out = _join(out, s)
            return out
        out = None if chain[-1].head == "else" else state
        for stmt in chain:
            if stmt.inline is not None:
                out = _join(out, self.simple(stmt.inline, state, breaks, True))
            else:
                out = _join(out, self.block(stmt.body, state, breaks))
        return out

    def simple(self, stmt: _Stmt, state: _State, breaks: list[_State], inline: bool) -> _State:
        """A simple statement run from ``state``; the state after it."""
        text = stmt.text
        key = (stmt.index, inline)
        if text == "break":
            breaks.append(state)
            return None
        if text.startswith("if type(") and _FORCE.fullmatch(text):
            if state:
                raise _NotPlain(text)
            self.changes[key] = "force"
            return state
        makes, risky = _calls(text)
        if "yield" in text or "raise" in text or risky:
            if state:
                raise _NotPlain(text)
            self.changes[key] = "twin"
            return None
        target = _ASSIGN.match(text)
        if target is not None and target.group(1) in self.params:
            raise _NotPlain(text)  # an argument changed: the twin must be given the same
        if text.startswith("return "):
            if self.is_lambda and not _VALUE_RESULT.fullmatch(text[7:]):
                if state:
                    raise _NotPlain(text)
                self.changes[key] = "twin" if "Call(" in text else "value"
            self.finishes = self.finishes or self.changes.get(key) != "twin"
            return None
        if makes or target is not None and target.group(1).endswith((".code", ".positions", "]")):
            return True
        return state


# What makes something (not on a `return` line: that ends its path) before
# the last wait or failure of a body's text, on some path: most bodies that
# cannot run plain do that.
_MAKERS_SEEN = ("Thunk(", "Closure(", "Attrs(", "NixList(", "partial(")


def _may_be_plain(body: str) -> bool:
    """A quick look at a body's text (C-level searches): False for a body
    that makes something before its last wait or failure, other than what it
    returns, which rules out most bodies that cannot run plain before they
    are read (a few that could, on paths the text does not tell apart, too)."""
    last = max(body.rfind("yield"), body.rfind("raise "))
    for made in _MAKERS_SEEN:
        at = body.find(made, 0, last)
        while at >= 0:
            start = body.rfind("\n", 0, at) + 1
            if not body[start:at].lstrip(" ").startswith("return "):
                return False
            at = body.find(made, at + 1, last)
    return True


def plan_plain(lines: list[str], params: list[str], is_lambda: bool) -> _Plan | None:
    """The plan of a generator body's plain function, or None if it cannot
    have one (it may wait or fail after an effect) or would always hand over
    to its twin."""
    body = "\n".join(lines)
    if len(body) > MAX_BYTES or not _may_be_plain(body):
        return None
    try:
        plan = _Plan(set(params), is_lambda)
        plan.block(_parse(lines), False, [])
    except _NotPlain:
        return None
    return plan if plan.finishes else None


def _indent_of(raw: str) -> str:
    return raw[: len(raw) - len(raw.lstrip(" "))]


def plain_lines(lines: list[str], plan: _Plan, twin: str) -> list[str]:
    """The body of the plain function: ``lines`` changed as ``plan`` says,
    ``twin`` the call of the twin (``return`` is written before it)."""
    out: list[str] = []
    changes = plan.changes
    skip_deeper: int | None = None  # the indentation a dead statement's body is deeper than
    for index, raw in enumerate(lines):
        pad = _indent_of(raw)
        if skip_deeper is not None:
            if len(pad) > skip_deeper:
                continue
            skip_deeper = None
        change = changes.get((index, False))
        if change == "dead":
            skip_deeper = len(pad)
            continue
        if change is not None:
            out += _changed(pad, raw.lstrip(" "), change, twin)
            continue
        change = changes.get((index, True))
        if change is None:
            out.append(raw)
            continue
        # A one-line header (`if c: s`): its statement changed.
        text = raw.lstrip(" ")
        end = _header_end(_blank(text))
        head, stmt = text[:end], text[end + 1 :].lstrip(" ")
        new = _changed(pad + "    ", stmt, change, twin)
        if len(new) == 1:
            out.append(f"{pad}{head}: {new[0].lstrip(' ')}")
        else:
            out.append(f"{pad}{head}:")
            out += new
    return out


def _changed(pad: str, text: str, change: str, twin: str) -> list[str]:
    """The lines (indented by ``pad``) that statement ``text`` becomes."""
    if change == "twin":
        return [f"{pad}return {twin}"]
    if change == "force":
        var = _FORCE.fullmatch(text).group(1)  # type: ignore[union-attr]
        return [
            f"{pad}if type({var}) is Thunk:",
            f"{pad}    if {var}.code is not None: return {twin}",
            f"{pad}    {var} = {var}.value",
        ]
    # "value": a lambda's result, given by the twin if it still needs the loop.
    return [
        f"{pad}r_ = {text[7:]}",
        f"{pad}if type(r_) in PENDING_TYPES:",
        f"{pad}    if type(r_) is not Thunk or r_.code is not None: return {twin}",
        f"{pad}    r_ = r_.value",
        f"{pad}return r_",
    ]
