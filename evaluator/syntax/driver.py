"""The LR driver: runs the lark-built tables over our tokens, with recovery.

Why our own loop rather than lark's parser object: it has to recover from
errors by manipulating the LR stack (pop to a state that takes an error
token, insert missing closers, skip bracketed groups), start from any of
several start symbols (incremental re-parsing), cap the stack depth, and
be cheap per token. The loop is iterative: nesting depth never touches the
Python stack.

Recovery, in short. At an unexpected token:

1. If it is a closing bracket (or the end of input) that closes a bracket
   still open on the stack, try to finish what is in between by inserting
   virtual tokens (`;`, `in`, `then`, `else`, `=`, an error expression,
   inner closers), so `{ a = 1 }` still yields the binding `a`.
2. Otherwise pop states, never past the innermost open bracket, until one
   accepts ``ERRTOK``; shift an :class:`~evaluator.syntax.nodes.Error` node
   there, then skip input (whole bracketed groups at a time) until a token
   fits, or a closer / end of input takes us back to step 1.

Errors are reported once per recovery; follow-on errors before the parser
gets back on its feet are not reported again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from evaluator.syntax import nodes as n
from evaluator.syntax.builder import Builder, Callback
from evaluator.syntax.lexer import RawToken
from evaluator.syntax.tables import Rule, Tables

# Bison's default stack limit, which is where C++ Nix gives up ("memory
# exhausted"); it keeps trees shallow enough for everything downstream.
MAX_DEPTH = 10000

OPENERS = {"LBRACE": "RBRACE", "LBRACE_F": "RBRACE", "DOLLAR_CURLY": "RBRACE"}
OPENERS |= {"LPAREN": "RPAREN", "LBRACK": "RBRACK"}
CLOSERS = frozenset(("RBRACE", "RPAREN", "RBRACK"))
_INSERTABLE = ("SEMI", "IN", "THEN", "ELSE", "EQUALS", "ERRTOK")
_QUIET_TOKENS = 2
_BRACKET_SCAN = 64  # how far down the bracket stack a closer looks for its opener
# How the main loop carries out a reduction (see `_compile`).
_UNIT, _CALL1, _APPEND, _CALL, _SINGLE, _EMPTY, _CALL0, _ACCEPT, _CALL2, _CALL3, _CALL4 = range(11)
# Rules of two to four symbols pass their values without building a slice.
_BY_SIZE = {0: _CALL0, 1: _CALL1, 2: _CALL2, 3: _CALL3, 4: _CALL4}
_INLINE = {"append": _APPEND, "single": _SINGLE, "empty": _EMPTY}
# Tokens only `lexer.lex_for_parser` makes: never named in messages, never
# counted as bison's states would not have them (see `CompoundSplit`).
_COMPOUND = frozenset(("NAME_EQ", "CHAIN", "CHAIN_EQ"))


class CompoundSplit(Exception):
    """Raised by :meth:`Driver.run` over compound tokens at a syntax error or
    a deep stack: the caller parses again over :func:`~evaluator.syntax.
    lexer.split_compound`'s tokens, so that errors, recovery and the depth
    limit see the tokens they always saw."""


# A reduction in the compiled table: [kind, builder function, size, goto],
# where goto maps the state below what it pops to the state it leaves the
# parser in (unit reductions folded in: see `lr_layout`). A list, filled in
# place from the shipped layout; the loop unpacks it as fast as a tuple.
Reduce = list[Any]
# Compiled tables, per tables object (they depend only on the tables).
_COMPILED: dict[int, tuple[Tables, list[dict[str, Any]]]] = {}


def _compile(tables: Tables) -> list[dict[str, Any]]:
    """The action table with each reduction precompiled for :meth:`Driver.run`.

    A shift stays the target state (an ``int``); a reduction becomes a
    :data:`Reduce` holding everything the loop needs (no per-rule lookups),
    with the list rules (`append`, `single`, `empty`) marked to be done in
    the loop itself. A token type a row lacks is an error. The rows are the
    tables' layout's (:mod:`evaluator.syntax.lr_layout`): here each
    reduction only gets its kind, callback and size.
    """
    cached = _COMPILED.get(id(tables))
    if cached is not None and cached[0] is tables:
        return cached[1]
    layout = tables.layout
    how = [_how(tables, rule) for rule in tables.rules]
    for reduction, rule in zip(layout.reductions, layout.rules, strict=True):
        reduction[:3] = how[rule]
    _COMPILED[id(tables)] = (tables, layout.rows)
    return layout.rows


def _how(tables: Tables, rule: Rule) -> tuple[int, Any, int]:
    """How the loop reduces ``rule``: (kind, builder function, size)."""
    if rule.alias == "pass":
        return (_UNIT, None, rule.size)
    if rule.origin in tables.start_states:
        kind = _ACCEPT
    elif rule.alias in _INLINE:
        kind = _INLINE[rule.alias]
    else:
        kind = _BY_SIZE.get(rule.size, _CALL)
    return (kind, getattr(Builder, rule.alias), rule.size)


# How bison names each token in Nix 2.26's messages: its token names, or the
# quoted character for one-character tokens. Our lexer hands whole strings and
# some punctuation to the parser as one token: they are named by how Nix's
# lexer starts them.
DESCRIBE = {
    "$END": "end of file",
    "INT": "INT_LIT",
    "FLOAT": "FLOAT_LIT",
    "PATH_BEGIN": "PATH",
    "PATH_STR": "STR",
    "STRING": "'\"'",
    "STR_OPEN": "'\"'",
    "STR_TEXT": "STR",
    "STR_CLOSE": "'\"'",
    "IND_STRING": "IND_STRING_OPEN",
    "IND_OPEN": "IND_STRING_OPEN",
    "IND_TEXT": "IND_STR",
    "IND_CLOSE": "IND_STRING_CLOSE",
    "LBRACE": "'{'",
    "LBRACE_F": "'{'",
    "RBRACE": "'}'",
    "LPAREN": "'('",
    "RPAREN": "')'",
    "LBRACK": "'['",
    "RBRACK": "']'",
    "SEMI": "';'",
    "COLON": "':'",
    "COMMA": "','",
    "AT": "'@'",
    "QUESTION": "'?'",
    "DOT": "'.'",
    "EQUALS": "'='",
    "IN": "IN_KW",
    "LT": "'<'",
    "GT": "'>'",
    "NOT": "'!'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "STAR": "'*'",
    "SLASH": "'/'",
}
# Bison lists expected tokens by symbol number: the end of file, Nix 2.26's
# named tokens in their declaration order, then the one-character tokens
# (their relative order is partly inferred from Nix's messages).
_BISON_ORDER = {
    name: rank
    for rank, name in enumerate(
        "end of file,ID,STR,IND_STR,INT_LIT,FLOAT_LIT,PATH,HPATH,SPATH,PATH_END,URI,IF,"
        "THEN,ELSE,ASSERT,WITH,LET,IN_KW,REC,INHERIT,EQ,NEQ,AND,OR,IMPL,OR_KW,PIPE_FROM,"
        "PIPE_INTO,DOLLAR_CURLY,IND_STRING_OPEN,IND_STRING_CLOSE,ELLIPSIS,LEQ,GEQ,UPDATE,"
        "NOT,CONCAT,'<','>','+','-','*','/','?','!',':','@',';','{','}',',','(',')',"
        "'.','=','[',']','\"'".split(",")
    )
}


def _is_token(value: object) -> bool:
    """Tokens on the parse stack are 4-tuples (plain or :class:`Token`); no
    other value there is a tuple of four."""
    return isinstance(value, tuple) and len(value) == 4


def _span_start(value: object) -> int | None:
    if isinstance(value, n.Node):
        return value.start
    if _is_token(value):
        start: int = value[1]  # type: ignore[index]
        return start
    if isinstance(value, list | tuple):
        for item in value:
            s = _span_start(item)
            if s is not None:
                return s
    return None


class Driver:
    """Parses a token list with the LALR tables, building nodes as it reduces."""

    def __init__(
        self,
        tables: Tables,
        tokens: Sequence[RawToken],
        source: bytes,
        report: Callable[[int, int, str], None],
        compound: bool = False,
    ) -> None:
        self.tables = tables
        # Whether ``tokens`` may hold compound tokens (see `CompoundSplit`).
        # Each entry of their stack is at most two over the plain tokens, and
        # the token being reduced at most five: a stack of under half the
        # limit is under the limit over plain tokens.
        self.compound = compound
        self.max_depth = MAX_DEPTH // 2 - 4 if compound else MAX_DEPTH
        self.builder = Builder(report)
        self.tokens = tokens
        self.source = source
        self.report = report
        self.quiet_until = -(_QUIET_TOKENS + 1)
        self.end_state = -1
        # Bracket structure, computed on the first error only.
        self._partner: dict[int, int] | None = None

    # What error recovery reads (the main loop uses `_compile`): made on
    # the first error, most parses never need them.

    @functools.cached_property
    def terminals(self) -> frozenset[str]:
        """Terminals that bison would know (rows also hold `_COMPOUND`)."""
        return self.tables.terminals - _COMPOUND

    @functools.cached_property
    def actions(self) -> list[dict[str, int]]:
        """The plain tables' rows (see :class:`~evaluator.syntax.tables.Tables`)."""
        return self.tables.actions

    @functools.cached_property
    def sizes(self) -> list[int]:
        return [r.size for r in self.tables.rules]

    @functools.cached_property
    def origins(self) -> list[str]:
        return [r.origin for r in self.tables.rules]

    @functools.cached_property
    def callbacks(self) -> list[Callback | None]:
        """Bound callbacks for recovery's `feed`."""
        return self.builder.callbacks([r.alias for r in self.tables.rules])

    # -- the main loop --------------------------------------------------------

    def run(self, start: str = "start", first: int = 0) -> Any:
        """Parse from token ``first`` to the ``$END`` token; return the value."""
        table = _compile(self.tables)
        builder = self.builder
        tokens = self.tokens
        self.end_state = self.tables.end_states[start]
        state = self.tables.start_states[start]
        states: list[int] = [state]
        values: list[Any] = [None]
        push_state = states.append
        push_value = values.append
        pop_value = values.pop
        max_depth = self.max_depth
        # The reduction kinds as locals, tested in order of frequency.
        call1, append, call3, single, call4 = _CALL1, _APPEND, _CALL3, _SINGLE, _CALL4
        call2, empty, call = _CALL2, _EMPTY, _CALL
        i = first
        tok = tokens[i]
        ttype = tok[0]
        while True:
            try:
                act = table[state][ttype]
            except KeyError:  # a token type the state refuses: an error
                act = None
            if type(act) is int:  # cheaper than `act.__class__` (a generic attribute)
                push_state(act)
                push_value(tok)
                state = act
                i += 1
                tok = tokens[i]
                ttype = tok[0]
                if len(states) > max_depth:
                    if self.compound:
                        raise CompoundSplit
                    i = self.too_deep(states, values, i)
                    state = states[-1]
                    tok = tokens[i]
                    ttype = tok[0]
                continue
            if act is None:
                if self.compound:
                    raise CompoundSplit
                i = self.recover(states, values, i)
                state = states[-1]
                tok = tokens[i]
                ttype = tok[0]
                continue
            kind, fn, size, goto = act
            if kind == call1:
                values[-1] = fn(builder, values[-1])
                states[-1] = state = goto[states[-2]]
            elif kind == append:
                item = pop_value()
                if item is not None:
                    values[-1].append(item)
                del states[-1]
                states[-1] = state = goto[states[-2]]
            elif kind == call3:
                third = pop_value()
                second = pop_value()
                values[-1] = fn(builder, values[-1], second, third)
                del states[-2:]
                states[-1] = state = goto[states[-2]]
            elif kind == single:
                values[-1] = [values[-1]]
                states[-1] = state = goto[states[-2]]
            elif kind == call4:
                fourth = pop_value()
                third = pop_value()
                second = pop_value()
                values[-1] = fn(builder, values[-1], second, third, fourth)
                del states[-3:]
                states[-1] = state = goto[states[-2]]
            elif kind == call2:
                second = pop_value()
                values[-1] = fn(builder, values[-1], second)
                del states[-1]
                states[-1] = state = goto[states[-2]]
            elif kind == empty:
                push_value([])
                state = goto[state]
                push_state(state)
            elif kind == call:
                value = fn(builder, *values[-size:])
                del values[1 - size :]
                del states[1 - size :]
                values[-1] = value
                states[-1] = state = goto[states[-2]]
            elif kind == _CALL0:
                push_value(fn(builder))
                state = goto[state]
                push_state(state)
            elif kind == _UNIT:  # only right after a recovery: chains are folded
                states[-1] = state = goto[states[-2]]
            else:  # _ACCEPT: the start rule
                return fn(builder, values[-1])

    def feed(self, states: list[int], values: list[Any], tok: RawToken) -> None:
        """Shift one (virtual) token, doing the reductions it triggers first."""
        actions = self.actions
        while True:
            act = actions[states[-1]][tok[0]]
            if act >= 0:
                states.append(act)
                values.append(tok)
                return
            rule = ~act
            size = self.sizes[rule]
            cb = self.callbacks[rule]
            if cb is None:
                states[-1] = actions[states[-2]][self.origins[rule]]
                continue
            value = cb(*values[-size:]) if size else cb()
            if size:
                del values[-size:]
                del states[-size:]
            states.append(actions[states[-1]][self.origins[rule]])
            values.append(value)

    def can_shift(self, states: list[int], ttype: str) -> bool:
        """Would ``ttype`` be shifted (or accepted) after the reductions it causes?"""
        actions = self.actions
        sizes = self.sizes
        origins = self.origins
        base = len(states)
        extra: list[int] = []
        top = states[-1]
        while True:
            act = actions[top].get(ttype)
            if act is None:
                return False
            if act >= 0:
                return True
            rule = ~act
            size = sizes[rule]
            if size <= len(extra):
                del extra[len(extra) - size :]
            else:
                base -= size - len(extra)
                extra.clear()
            prev = extra[-1] if extra else states[base - 1]
            top = actions[prev][origins[rule]]
            if top == self.end_state:
                return ttype == "$END"
            extra.append(top)

    # -- error recovery ---------------------------------------------------------

    def expected(self, states: list[int]) -> list[str]:
        """Descriptions of the terminals that would really be shifted next.

        Checked by simulating the reductions each one triggers: the raw LALR
        row also lists lookaheads merged in from other contexts.
        """
        names = sorted(
            (
                DESCRIBE.get(t, t)
                for t in self.actions[states[-1]]
                if t in self.terminals
                and t not in ("ERRTOK", "LBRACE_F", "PATH_BEGIN")
                and self.can_shift(states, t)
            ),
            key=lambda name: (_BISON_ORDER.get(name, len(_BISON_ORDER)), name),
        )
        return list(dict.fromkeys(names))

    def after_default_reductions(
        self, states: list[int], reduced: list[str] | None = None
    ) -> list[int]:
        """The stack where bison notices an error: before it looks at a token it
        cannot use, bison reduces by each state's most common reduction.
        ``reduced`` collects the aliases of the rules reduced on the way."""
        states = list(states)
        terminals = self.terminals
        for _ in range(len(states) + 64):
            reduces = [~a for t, a in self.actions[states[-1]].items() if a < 0 and t in terminals]
            if not reduces:
                break
            rule = min(set(reduces), key=lambda r: (-reduces.count(r), r))
            size = self.sizes[rule]
            if size >= len(states):
                break
            goto = self.actions[states[-1 - size]].get(self.origins[rule])
            if goto is None or goto == self.end_state:
                break  # the start symbol: bison's state expects the end of file
            if size:
                del states[-size:]
            states.append(goto)
            if reduced is not None:
                reduced.append(self.tables.rules[rule].alias)
        return states

    def describe(self, tok: RawToken) -> str:
        if tok[0] == "INVALID":
            return "invalid token"  # as bison words it (the caret shows which)
        if tok[0] in ("PATH", "PATH_BEGIN") and self.source[tok[1] : tok[1] + 1] == b"~":
            return "HPATH"
        return DESCRIBE.get(tok[0], tok[0])

    def error_at(self, states: list[int], i: int) -> None:
        # Like bison, stay silent until a few tokens after the last recovery:
        # errors that close are usually one mistake.
        if i <= self.quiet_until + _QUIET_TOKENS:
            return
        _, start, end, _ = self.tokens[i]
        msg = f"syntax error, unexpected {self.describe(self.tokens[i])}"
        reduced: list[str] = []
        exp = self.expected(self.after_default_reductions(states, reduced))
        if "formals_last" in reduced and exp == ["'}'"]:
            # Nix's grammar is left-recursive (`formals ',' formal`): after a
            # formal, bison's state still offers a ','.
            exp.append("','")
            kinds = [t[0] for t in self.tokens[max(0, i - 3) : i]]
            if kinds[-2:] == ["LBRACE_F", "ID"] and kinds[-3:-2] != ["AT"]:
                # `{ x` then this token: to Nix still an attribute set's start.
                exp = ["'.'", "'='"]
        if 0 < len(exp) <= 4:
            msg += ", expecting " + " or ".join(exp)
        self.report(start, max(start, end), msg)

    def partners(self) -> dict[int, int]:
        """Token index -> index of the matching bracket (both directions)."""
        if self._partner is None:
            partner: dict[int, int] = {}
            stack: list[int] = []
            tokens = self.tokens
            for i, t in enumerate(tokens):
                ty = t[0]
                if ty in OPENERS:
                    stack.append(i)
                elif ty in CLOSERS:
                    lo = max(0, len(stack) - _BRACKET_SCAN)
                    for j in range(len(stack) - 1, lo - 1, -1):
                        if OPENERS[tokens[stack[j]][0]] == ty:
                            partner[stack[j]] = i
                            partner[i] = stack[j]
                            del stack[j:]
                            break
            self._partner = partner
        return self._partner

    def open_bracket_on_stack(self, values: list[Any], closer: int) -> int:
        """Stack index of the opener matched by token ``closer``, or -1."""
        if self.tokens[closer][0] == "$END":
            return 0
        opener = self.partners().get(closer)
        if opener is None:
            return -1
        want = self.tokens[opener]
        for k in range(len(values) - 1, 0, -1):
            if values[k] is want:
                return k
        return -1

    def floor(self, values: list[Any], i: int) -> int:
        """Stack index of the innermost bracket that is still open at token ``i``."""
        partner = self.partners()
        for k in range(len(values) - 1, 0, -1):
            v = values[k]
            if _is_token(v) and v[0] in OPENERS:
                j = self.token_index(v)
                if j is not None and partner.get(j, len(self.tokens)) >= i:
                    return k
        return 0

    def token_index(self, tok: RawToken) -> int | None:
        """Index of a real token in the stream (binary search on offsets)."""
        tokens = self.tokens
        lo, hi = 0, len(tokens)
        while lo < hi:
            mid = (lo + hi) // 2
            if tokens[mid][1] < tok[1]:
                lo = mid + 1
            else:
                hi = mid
        while lo < len(tokens) and tokens[lo][1] == tok[1]:
            if tokens[lo] is tok:
                return lo
            lo += 1
        return None

    def error_token(self, start: int, end: int) -> RawToken:
        return ("ERRTOK", start, end, n.Error(start, end, "syntax error"))

    def close_with_insertions(
        self, states: list[int], values: list[Any], ttype: str, at: int, limit: int
    ) -> bool:
        """Insert virtual tokens until ``ttype`` can be shifted; report success."""
        last = ""
        for _ in range(limit):
            if self.can_shift(states, ttype):
                return True
            for cand in self._candidates(values):
                if cand == last == "ERRTOK":
                    continue
                if self.can_shift(states, cand):
                    self.feed(states, values, self.virtual(cand, at))
                    last = cand
                    break
            else:
                return False
        return self.can_shift(states, ttype)

    def sim_shift(self, states: list[int], ttype: str) -> None:
        """:meth:`feed` on a states-only stack (no values, no callbacks)."""
        actions = self.actions
        while True:
            act = actions[states[-1]][ttype]
            if act >= 0:
                states.append(act)
                return
            rule = ~act
            size = self.sizes[rule]
            if size:
                del states[-size:]
            states.append(actions[states[-1]][self.origins[rule]])

    def plan_insertions(
        self, states: list[int], ttype: str, limit: int, extra: tuple[str, ...] = ()
    ) -> list[str] | None:
        """Up to ``limit`` virtual tokens after which ``ttype`` fits, or ``None``.

        Planned on a copy of the state stack, so a failed plan leaves no
        trace (reduce callbacks may extend lists in place, so trying for
        real and rolling back would not be clean).
        """
        sim = states[:]
        plan: list[str] = []
        for _ in range(limit):
            if self.can_shift(sim, ttype):
                return plan
            for cand in (*_INSERTABLE, *extra):
                if cand == "ERRTOK" and plan and plan[-1] == "ERRTOK":
                    continue
                if self.can_shift(sim, cand):
                    self.sim_shift(sim, cand)
                    plan.append(cand)
                    break
            else:
                return None
        return plan if self.can_shift(sim, ttype) else None

    def unclosed_closer(self, values: list[Any]) -> tuple[str, ...]:
        """The closer of the innermost open bracket, if the input never closes it."""
        partner = self.partners()
        for k in range(len(values) - 1, max(0, len(values) - 200), -1):
            v = values[k]
            if _is_token(v) and v[0] in OPENERS:
                j = self.token_index(v)
                if j is not None and j not in partner:
                    return (OPENERS[v[0]],)
                return ()
        return ()

    def virtual(self, ttype: str, at: int) -> RawToken:
        """A zero-width token inserted by recovery."""
        return self.error_token(at, at) if ttype == "ERRTOK" else (ttype, at, at, None)

    def _candidates(self, values: list[Any]) -> list[str]:
        cands = list(_INSERTABLE)
        for k in range(len(values) - 1, max(0, len(values) - 200), -1):
            v = values[k]
            if _is_token(v) and v[0] in OPENERS:
                cands.append(OPENERS[v[0]])
                break
        return cands

    def pop_to(self, states: list[int], values: list[Any], depth: int, start: int) -> int:
        """Pop the stacks down to ``depth`` entries; return the span start."""
        while len(states) > depth:
            s = _span_start(values.pop())
            states.pop()
            if s is not None and s < start:
                start = s
        return start

    def recover(self, states: list[int], values: list[Any], i: int) -> int:
        """Handle an unexpected token ``i``; return where to resume."""
        tokens = self.tokens
        tok = tokens[i]
        self.error_at(states, i)
        if tok[0] == "$END" or tok[0] in CLOSERS:
            k = self.open_bracket_on_stack(values, i)
            if k >= 0:
                limit = 2 * (len(states) - k) + 8
                if self.close_with_insertions(states, values, tok[0], tok[1], limit):
                    self.quiet_until = i
                    return i
                start = self.pop_to(states, values, k + 1, tok[1])
                if self.can_shift(states, "ERRTOK"):
                    self.feed(states, values, self.error_token(start, tok[1]))
                if self.close_with_insertions(states, values, tok[0], tok[1], 8):
                    self.quiet_until = i
                    return i
                if tok[0] == "$END":  # cannot happen with this grammar; be safe
                    del states[1:]
                    del values[1:]
                    self.feed(states, values, self.error_token(0, tok[1]))
                    return i
            # a stray closer: drop it
            self.quiet_until = i + 1
            return i + 1

        # A token or two missing (`;`, `else`, an operand...)?
        plan = self.plan_insertions(states, tok[0], 3, self.unclosed_closer(values))
        if plan is not None:
            for ttype in plan:
                self.feed(states, values, self.virtual(ttype, tok[1]))
            self.quiet_until = i
            return i

        floor = self.floor(values, i)
        start = tok[1]
        while len(states) > floor + 1 and not self.can_shift(states, "ERRTOK"):
            start = self.pop_to(states, values, len(states) - 1, start)
        if not self.can_shift(states, "ERRTOK"):
            self.quiet_until = i + 1
            return i + 1
        err = self.error_token(start, tok[1])
        self.feed(states, values, err)
        node: n.Error = err[3]  # type: ignore[assignment]
        partner = self.partners()
        j = i
        while True:
            t = tokens[j]
            ty = t[0]
            if ty == "$END":
                break
            if ty in CLOSERS:
                if self.open_bracket_on_stack(values, j) >= 0:
                    break
                j += 1
                continue
            if self.can_shift(states, ty):
                break
            if ty in OPENERS and j in partner:
                j = partner[j] + 1
            else:
                j += 1
        if j > i:
            node.end = tokens[j - 1][2]
        self.quiet_until = j
        return j

    def too_deep(self, states: list[int], values: list[Any], i: int) -> int:
        """Stack overflow: report it and drop the rest of the input."""
        tok = self.tokens[i - 1]
        self.report(tok[1], tok[2], "expression nested too deeply")
        last = len(self.tokens) - 1
        self.quiet_until = last
        # Unwind what was opened so the end of input can be accepted.
        start = self.pop_to(states, values, MAX_DEPTH // 2, tok[1])
        if self.can_shift(states, "ERRTOK"):
            self.feed(states, values, self.error_token(start, self.tokens[last][1]))
        return last
