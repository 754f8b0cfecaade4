"""Text for standard error as Nix writes it: colour only on a terminal.

Nix's logger passes every line it writes (errors, `trace`, `warn`) through
one filter: escape sequences are dropped, except colour (SGR) sequences
when colour is wanted; tabs become spaces to the next multiple of 8
columns; carriage returns and bells are dropped. Colour is wanted when
stderr is a terminal and ``TERM`` is not ``dumb``, unless ``NO_COLOR`` or
``NOCOLOR`` is set (Nix 2.26 has no way to force it).
So nixpkgs lib's coloured messages (`lib.modules` highlights values with
escape codes) read as plain text in a pipe or a log.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["filter_ansi_escapes", "for_stream", "wants_colour"]


def wants_colour(stream: Any, environ: Mapping[str, str] | None = None) -> bool:
    """Whether text written to ``stream`` keeps its colour (Nix's ``shouldANSI``)."""
    env = os.environ if environ is None else environ
    if "NO_COLOR" in env or "NOCOLOR" in env:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        terminal = bool(isatty is not None and isatty())
    except ValueError:  # a closed stream
        return False
    return terminal and env.get("TERM", "dumb") != "dumb"


def for_stream(text: str, stream: Any, environ: Mapping[str, str] | None = None) -> str:
    """``text`` as Nix would write it to ``stream`` (see the module docstring)."""
    return filter_ansi_escapes(text, keep_colour=wants_colour(stream, environ))


def _escape_end(s: str, i: int) -> tuple[int, bool]:
    """Where the escape sequence starting at ``s[i] == ESC`` ends, and whether it sets colour."""
    n = len(s)
    i += 1
    if i < n and s[i] == "[":  # CSI: parameters, intermediates, one final byte
        i += 1
        while i < n and "\x30" <= s[i] <= "\x3f":
            i += 1
        while i < n and "\x20" <= s[i] <= "\x2f":
            i += 1
        if i < n and "\x40" <= s[i] <= "\x7e":
            return i + 1, s[i] == "m"
        return i, False
    if i < n and s[i] == "]":  # OSC (hyperlinks): up to BEL or ESC \
        i += 1
        while i < n and s[i] not in "\x1b\x07":
            i += 1
        if i < n:
            i += 1
            if s[i - 1] == "\x1b" and i < n and s[i] == "\\":
                i += 1
        return i, False
    if i < n and "\x40" <= s[i] <= "\x5f":
        i += 1
    return i, False


def filter_ansi_escapes(s: str, keep_colour: bool = False) -> str:
    """``s`` with escape sequences removed (colour kept if ``keep_colour``), tabs
    expanded to multiples of 8 columns, carriage returns and bells dropped."""
    if "\x1b" not in s and "\t" not in s and "\r" not in s and "\a" not in s:
        return s
    out: list[str] = []
    width = 0
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\x1b":
            end, colour = _escape_end(s, i)
            if keep_colour and colour:
                out.append(s[i:end])
            i = end
        elif c == "\t":
            pad = 8 - width % 8
            out.append(" " * pad)
            width += pad
            i += 1
        elif c == "\r" or c == "\a":
            i += 1
        else:
            out.append(c)
            width += 1
            i += 1
    return "".join(out)
