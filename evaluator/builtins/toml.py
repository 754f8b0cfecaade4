"""`fromTOML`: a TOML document as a Nix value.

Dates and times are an error, as in Nix, unless the experimental feature
`parse-toml-timestamps` is on: then each is ``{ _type = "timestamp"; value = TEXT; }``.
"""

from __future__ import annotations

import datetime
import tomllib
from typing import Any

from evaluator.builtins.json import nul_error
from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Frame, NixList

_PREFIX = "while parsing TOML: "

_DATES = (datetime.datetime, datetime.date, datetime.time)


def from_toml_text(text: str) -> Attrs:
    """The Nix value (a set) of a TOML document."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise NixError(f"{_PREFIX}{e}") from None
    except RecursionError:
        raise NixError(f"{_PREFIX}nested too deeply") from None
    timestamps = "parse-toml-timestamps" in current().experimental_features

    def convert(x: Any) -> Any:
        if type(x) is dict:
            for key in x:
                if "\0" in key:
                    raise NixError(f"{_PREFIX}error: {nul_error(key).message}")
            attrs = Attrs(x)
            todo.append(attrs)
            return attrs
        if type(x) is list:
            lst = NixList(x)
            todo.append(lst)
            return lst
        if type(x) is str and "\0" in x:
            raise NixError(f"{_PREFIX}error: {nul_error(x).message}")
        if isinstance(x, _DATES):
            if not timestamps:
                raise NixError(f"{_PREFIX}Dates and times are not supported")
            return Attrs(_type="timestamp", value=_timestamp(x))
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


def _timestamp(x: datetime.datetime | datetime.date | datetime.time) -> str:
    """RFC 3339 text of a TOML date/time (`T` between date and time, `Z` for UTC)."""
    text = x.isoformat()
    if text.endswith("+00:00"):
        text = text[: -len("+00:00")] + "Z"
    return text


@builtin("fromTOML", 1, global_=True)
def from_toml(s: Any) -> Frame:
    """`fromTOML text`: the Nix set of the TOML document `text`."""
    s = yield from ops.force_string(s)
    return from_toml_text(str.__str__(s))
