"""A linear-time regex matcher (a Pike VM) for patterns that make ``re`` backtrack for ever.

``re`` backtracks: a pattern with nested repetition such as ``(a*)*b`` can
take time exponential in the subject's length, inside one C call that
holds the GIL (freezing every thread) and that the evaluation budget
cannot interrupt. For such patterns `match` and `split` use this matcher
instead: it simulates all backtracking paths at once (one pass over the
subject, work bounded by subject length times pattern size), finds the
match Python's backtracking would find (the highest-priority path: greedy
repetition, left alternatives first), and is a generator that yields to
the evaluation loop regularly, so budgets and cancellation apply.

Patterns are compiled from the syntax tree of Python's own regex parser
(the translation in :mod:`evaluator.builtins.regex` produces only
literals, classes, ``.``, groups, alternation, greedy repetition and the
anchors ``^`` / ``\\Z``). Subjects are Latin-1 text (one byte per
character), so character classes are sets of code points below 256.
Compilation recurses over the pattern's nesting, as Python's regex parser
itself does before us (so it is bounded by that parser's own limits).
"""

from __future__ import annotations

import re
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any

from evaluator.vm.values import Frame, Thunk

_CHAR, _SPLIT, _JMP, _SAVE, _MATCH, _BOL, _EOL, _MARK, _CHECK = range(9)
# Simulation steps between two yields to the evaluation loop.
_YIELD_EVERY = 256
_TICK = Thunk.ready(None)
_ALL = frozenset(range(256))


def parse(source: str) -> Any:
    """The sre syntax tree of a Python regex (as :func:`re.compile` would parse it)."""
    return _p.parse(source, re.DOTALL)


def is_dangerous(tree: Any, in_repeat: bool = False) -> bool:
    """Whether backtracking may take exponential time: a variable repetition
    or an alternation inside a repetition."""
    for op, av in tree:
        if op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
            lo, hi, item = av
            if in_repeat and hi != lo:
                return True
            if is_dangerous(item, in_repeat or hi > 1):
                return True
        elif op is _c.SUBPATTERN:
            if is_dangerous(av[3], in_repeat):
                return True
        elif op is _c.BRANCH:
            if in_repeat:
                return True
            if any(is_dangerous(alt, in_repeat) for alt in av[1]):
                return True
    return False


def _class_set(items: Any) -> frozenset[int]:
    chars: set[int] = set()
    negate = False
    for op, av in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            chars.add(av)
        elif op is _c.RANGE:
            chars.update(range(av[0], av[1] + 1))
        else:
            raise ValueError(f"unsupported class item {op}")
    return _ALL - chars if negate else frozenset(chars)


class Match:
    """The part of :class:`re.Match` that `match` and `split` use."""

    def __init__(self, text: str, caps: list[int], ngroups: int) -> None:
        self._text = text
        self._caps = caps
        self._ngroups = ngroups

    def start(self) -> int:
        """Where the match starts."""
        return self._caps[0]

    def end(self) -> int:
        """Where the match ends."""
        return self._caps[1]

    def groups(self) -> tuple[str | None, ...]:
        """The capture groups (None for a group that did not take part)."""
        c = self._caps
        out: list[str | None] = []
        for i in range(2, self._ngroups * 2, 2):
            s, e = c[i], c[i + 1]
            out.append(None if s < 0 or e < 0 else self._text[s:e])
        return tuple(out)


class PikeRegex:
    """A compiled pattern. The matching methods are generator frames (``yield from``)."""

    def __init__(self, source: str) -> None:
        tree = parse(source)
        self.ngroups = tree.state.groups  # including group 0
        self.max_width = int(tree.getwidth()[1])
        # Slots of a thread: group starts and ends, then loop-entry positions.
        self.nslots = 2 * self.ngroups
        self.mark_slots: list[int] = []
        self.prog: list[tuple[Any, ...]] = [(_SAVE, 0)]
        self._seq(tree)
        self.prog.append((_SAVE, 1))
        self.prog.append((_MATCH,))

    # -- compilation

    def _seq(self, items: Any) -> None:
        for op, av in items:
            self._node(op, av)

    def _node(self, op: Any, av: Any) -> None:
        prog = self.prog
        if op is _c.LITERAL:
            prog.append((_CHAR, frozenset((av,))))
        elif op is _c.NOT_LITERAL:
            prog.append((_CHAR, _ALL - {av}))
        elif op is _c.ANY:
            prog.append((_CHAR, _ALL))
        elif op is _c.IN:
            prog.append((_CHAR, _class_set(av)))
        elif op is _c.AT:
            if av is _c.AT_BEGINNING or av is _c.AT_BEGINNING_STRING:
                prog.append((_BOL,))
            elif av is _c.AT_END_STRING:
                prog.append((_EOL,))
            else:
                raise ValueError(f"unsupported anchor {av}")
        elif op is _c.SUBPATTERN:
            group = av[0]
            if group is not None:
                prog.append((_SAVE, 2 * group))
            self._seq(av[3])
            if group is not None:
                prog.append((_SAVE, 2 * group + 1))
        elif op is _c.BRANCH:
            alts = av[1]
            jumps: list[int] = []
            for i, alt in enumerate(alts):
                if i < len(alts) - 1:
                    split = len(prog)
                    prog.append((_SPLIT, split + 1, -1))
                    self._seq(alt)
                    jumps.append(len(prog))
                    prog.append((_JMP, -1))
                    prog[split] = (_SPLIT, split + 1, len(prog))
                else:
                    self._seq(alt)
            for j in jumps:
                prog[j] = (_JMP, len(prog))
        elif op is _c.MAX_REPEAT:
            lo, hi, item = av
            for _ in range(lo):
                self._seq(item)
            # An optional iteration that matches nothing ends the repetition
            # (keeping what it captured), as backtracking engines do: MARK
            # notes where it started, CHECK leaves the loop if it did not move.
            may_be_empty = item.getwidth()[0] == 0
            if hi is _c.MAXREPEAT:
                split = len(prog)
                prog.append((_SPLIT, split + 1, -1))
                self._iteration(item, may_be_empty, split)
                prog[split] = (_SPLIT, split + 1, len(prog))
            else:
                splits: list[int] = []
                checks: list[int] = []
                for _ in range(hi - lo):
                    splits.append(len(prog))
                    prog.append((_SPLIT, len(prog) + 1, -1))
                    check = self._iteration(item, may_be_empty, None)
                    if check is not None:
                        checks.append(check)
                end = len(prog)
                for at in splits:
                    prog[at] = (_SPLIT, at + 1, end)
                for at in checks:
                    inst = prog[at]
                    prog[at] = (_CHECK, inst[1], inst[2], end)
        else:
            raise ValueError(f"unsupported regex node {op}")

    def _iteration(self, item: Any, may_be_empty: bool, loop: int | None) -> int | None:
        """One optional iteration; ``loop`` is the split to return to (None: go on).

        Returns the index of its ``_CHECK`` whose exit the caller patches
        (None if there is none to patch).
        """
        prog = self.prog
        if not may_be_empty:
            self._seq(item)
            if loop is not None:
                prog.append((_JMP, loop))
            return None
        slot = self.nslots
        self.nslots += 1
        self.mark_slots.append(slot)
        prog.append((_MARK, slot))
        self._seq(item)
        # (CHECK, slot, where to go after progress, where to go otherwise).
        if loop is not None:
            prog.append((_CHECK, slot, loop, len(prog) + 1))
            return None
        prog.append((_CHECK, slot, len(prog) + 1, -1))
        return len(prog) - 1

    # -- simulation

    def _add(
        self,
        threads: list[tuple[int, list[int]]],
        seen: set[Any],
        pc: int,
        caps: list[int],
        pos: int,
        start: int,
        end: int,
    ) -> None:
        """Add the thread at ``pc`` and those its epsilon moves reach, in priority order."""
        prog = self.prog
        marks = self.mark_slots
        stack = [(pc, caps)]
        while stack:
            pc, caps = stack.pop()
            # Threads at one instruction are merged (the first, of highest
            # priority, wins), except that whether each loop iteration has
            # consumed something yet is part of the state (for _CHECK).
            key: Any = (pc, *[caps[m] == pos for m in marks]) if marks else pc
            if key in seen:
                continue
            seen.add(key)
            inst = prog[pc]
            kind = inst[0]
            if kind == _JMP:
                stack.append((inst[1], caps))
            elif kind == _SPLIT:
                # The first target has priority: pushed last, popped first.
                stack.append((inst[2], caps))
                stack.append((inst[1], caps))
            elif kind == _SAVE:
                caps = caps[:]
                caps[inst[1]] = pos
                stack.append((pc + 1, caps))
            elif kind == _MARK:
                caps = caps[:]
                caps[inst[1]] = pos
                stack.append((pc + 1, caps))
            elif kind == _CHECK:
                stack.append((inst[2] if caps[inst[1]] != pos else inst[3], caps))
            elif kind == _BOL:
                if pos == 0:
                    stack.append((pc + 1, caps))
            elif kind == _EOL:
                if pos == end:
                    stack.append((pc + 1, caps))
            else:
                threads.append((pc, caps))

    def run(
        self, text: str, start: int, end: int, *, anchored: bool, full: bool, longest: bool = False
    ) -> Frame:
        """The highest-priority match in ``text[start:end]`` (or None).

        ``anchored``: it must start at ``start``; ``full``: it must end at
        ``end``; ``longest``: instead, the match reaching furthest (for
        libstdc++'s longest alternative), as a match of the whole span
        then recomputed by the caller.
        """
        fresh = [-1] * self.nslots
        prog = self.prog
        threads: list[tuple[int, list[int]]] = []
        self._add(threads, set(), 0, fresh, start, start, end)
        matched: list[int] | None = None
        furthest = -1
        pos = start
        steps = 0
        while True:
            steps += len(threads) + 1
            if steps >= _YIELD_EVERY:
                steps = 0
                yield _TICK  # lets the loop check the budget and cancellation
            code = ord(text[pos]) if pos < end else -1
            nxt: list[tuple[int, list[int]]] = []
            seen: set[Any] = set()
            for pc, caps in threads:
                inst = prog[pc]
                if inst[0] == _MATCH:
                    if longest:
                        furthest = pos
                        continue
                    if full and pos != end:
                        continue
                    matched = caps
                    break  # lower-priority threads lose
                if code >= 0 and code in inst[1]:
                    self._add(nxt, seen, pc + 1, caps, pos + 1, start, end)
            if pos >= end:
                break
            pos += 1
            if not anchored and matched is None:
                self._add(nxt, seen, 0, fresh, pos, start, end)
            if not nxt:
                break
            threads = nxt
        if longest:
            return furthest
        if matched is None:
            return None
        return Match(text, matched, self.ngroups)
