"""`fromTOML`: a TOML document as a Nix value (dates and times are not supported, as in Nix)."""

from __future__ import annotations

import datetime
import tomllib
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Frame, NixList

_DATES = (datetime.datetime, datetime.date, datetime.time)


def from_toml_text(text: str) -> Attrs:
    """The Nix value (a set) of a TOML document."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise NixError(f"while parsing a TOML string: {e}") from None
    except RecursionError:
        raise NixError("while parsing a TOML string: nested too deeply") from None

    def convert(x: Any) -> Any:
        if type(x) is dict:
            attrs = Attrs(x)
            todo.append(attrs)
            return attrs
        if type(x) is list:
            lst = NixList(x)
            todo.append(lst)
            return lst
        if isinstance(x, _DATES):
            raise NixError("while parsing a TOML string: Dates and times are not supported")
        if type(x) is int:
            # Out-of-range integers saturate, as the stream parsing in toml11 does.
            return min(max(x, ops.INT_MIN), ops.INT_MAX)
        return x

    todo: list[Any] = []
    root = convert(doc)
    while todo:
        c = todo.pop()
        if type(c) is NixList:
            for i, x in enumerate(c):
                c[i] = convert(x)
        else:
            for k, x in c.items():
                c[k] = convert(x)
    return root  # type: ignore[no-any-return]


@builtin("fromTOML", 1, global_=True)
def from_toml(s: Any) -> Frame:
    """`fromTOML text`: the Nix set of the TOML document `text`."""
    s = yield from ops.force_string(s)
    return from_toml_text(str.__str__(s))
