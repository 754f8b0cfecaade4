"""A command's options as data: given to argparse, or read by a quick parser.

Importing argparse (with gettext and locale) and building a command's
parser was an eighth of a warm `nixls eval` (about 18 M of its 150 M
instructions). A command that lists its options as :class:`Option` rows
gets both: :func:`add_to` adds them to an argparse parser (help, usage,
errors, abbreviations: every unusual command line), and :func:`quick_parse`
reads the plain command lines people and scripts type (whole option names,
separate values, at most one positional) without argparse, giving the same
attributes argparse gives (``tests/cli/test_quick_options.py`` compares the
two on generated command lines). Anything else it declines (None), and the
caller uses argparse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

# How an option stores its value (argparse's actions).
FLAG = "store_true"
CLEAR = "store_false"
SWITCH = "switch"  # --x sets True, --no-x False (argparse.BooleanOptionalAction)
VALUE = "store"
APPEND = "append"  # each use appends its value
APPEND_PAIR = "append_pair"  # each use appends [first, second] (nargs=2)


class Option:
    """One option: its flags, how it stores, where, its default and help."""

    __slots__ = ("flags", "kind", "dest", "default", "help", "metavar", "type")

    def __init__(
        self,
        flags: tuple[str, ...],
        kind: str,
        help: str,
        *,
        dest: str | None = None,
        default: Any = None,
        metavar: str | tuple[str, str] | None = None,
        type: Callable[[str], Any] | None = None,
    ) -> None:
        self.flags = flags
        self.kind = kind
        self.dest = dest or flags[-1].lstrip("-").replace("-", "_")
        self.default = default
        self.help = help
        self.metavar = metavar
        self.type = type

    def initial(self) -> Any:
        """The attribute's value when the option is not given (a new list for appends)."""
        if self.kind in (APPEND, APPEND_PAIR):
            return list(self.default or ())
        if self.kind == FLAG:
            return False
        if self.kind == CLEAR:
            return True
        return self.default


class Namespace:
    """Parsed options as attributes (what argparse.Namespace is, without argparse)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __eq__(self, other: object) -> bool:
        return vars(self) == vars(other) if hasattr(other, "__dict__") else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Namespace(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


def add_to(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    """Add ``options`` to an argparse ``parser``."""
    import argparse

    for o in options:
        extra: dict[str, Any] = {}
        if o.metavar is not None:
            extra["metavar"] = o.metavar
        if o.kind == SWITCH:
            extra["action"] = argparse.BooleanOptionalAction
            extra["default"] = o.default
        elif o.kind == APPEND_PAIR:
            extra.update(action="append", nargs=2, default=o.default)
        elif o.kind in (FLAG, CLEAR):
            extra["action"] = o.kind
        else:
            extra.update(action=o.kind, default=o.default)
            if o.type is not None:
                extra["type"] = o.type
        parser.add_argument(*o.flags, dest=o.dest, help=o.help, **extra)


def quick_parse(
    options: Sequence[Option], positional: str, argv: Sequence[str]
) -> Namespace | None:
    """``argv`` parsed as argparse would parse it with ``options`` and one
    optional positional argument (attribute ``positional``), or None for a
    command line this parser leaves to argparse: an unknown or abbreviated
    option, ``--opt=value``, a value beginning with ``-``, ``--``, a
    second positional, a value its type refuses, a missing value."""
    by_flag: dict[str, tuple[Option, bool]] = {}
    for o in options:
        for flag in o.flags:
            by_flag[flag] = (o, True)
            if o.kind == SWITCH:
                by_flag["--no-" + flag[2:]] = (o, False)
    values: dict[str, Any] = {positional: None}
    for o in options:
        values[o.dest] = o.initial()
    seen_positional = False
    i = 0
    n = len(argv)
    while i < n:
        token = argv[i]
        i += 1
        if not token.startswith("-") or token == "-":
            if seen_positional:
                return None  # argparse: "unrecognized arguments"
            values[positional] = token
            seen_positional = True
            continue
        found = by_flag.get(token)
        if found is None:
            return None
        option, on = found
        kind = option.kind
        if kind == FLAG or kind == CLEAR or kind == SWITCH:
            values[option.dest] = on if kind != CLEAR else False
            continue
        count = 2 if kind == APPEND_PAIR else 1
        taken = argv[i : i + count]
        if len(taken) < count or any(v.startswith("-") for v in taken):
            return None
        i += count
        if kind == APPEND_PAIR:
            values[option.dest].append(list(taken))
            continue
        value: Any = taken[0]
        if option.type is not None:
            try:
                value = option.type(value)
            except (TypeError, ValueError):
                return None
        if kind == APPEND:
            values[option.dest].append(value)
        else:
            values[option.dest] = value
    return Namespace(**values)
