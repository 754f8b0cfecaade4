"""String-part helpers: merging literal parts and Nix's indentation stripping."""

from __future__ import annotations

from collections.abc import Sequence

from evaluator.syntax.nodes import Expr

# A piece of an indented string as lexed: literal text with a flag telling
# whether it counts for indentation (escapes like `''$` do not), or an
# interpolated expression.
IndPiece = tuple[str, bool] | Expr


def merge_parts(parts: Sequence[str | Expr]) -> list[str | Expr]:
    """Merge adjacent literal parts and drop empty ones."""
    out: list[str | Expr] = []
    for p in parts:
        if isinstance(p, str):
            if not p:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + p
                continue
        out.append(p)
    return out


def strip_indentation(pieces: Sequence[IndPiece]) -> list[str | Expr]:
    """Nix 2.8's ``stripIndentation`` for `''…''` strings, part for part.

    The minimum indentation is taken over lines whose first non-space item
    is indentable text; whitespace-only lines do not count, and escapes or
    interpolations end a line's leading whitespace. That many leading spaces
    are removed from every line, and a final line made only of spaces is
    dropped when it belongs to the last piece.
    """
    if not pieces:
        return []
    at_start = True
    min_indent = 1000000
    cur = 0
    for piece in pieces:
        if not isinstance(piece, tuple) or not piece[1]:
            if at_start:
                at_start = False
                if cur < min_indent:
                    min_indent = cur
            continue
        for ch in piece[0]:
            if at_start:
                if ch == " ":
                    cur += 1
                elif ch == "\n":
                    cur = 0
                else:
                    at_start = False
                    if cur < min_indent:
                        min_indent = cur
            elif ch == "\n":
                at_start = True
                cur = 0

    out: list[str | Expr] = []
    at_start = True
    dropped = 0
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        if not isinstance(piece, tuple):
            at_start = False
            dropped = 0
            out.append(piece)
            continue
        text = piece[0]
        buf: list[str] = []
        for ch in text:
            if at_start:
                if ch == " ":
                    if dropped >= min_indent:
                        buf.append(ch)
                    dropped += 1
                elif ch == "\n":
                    dropped = 0
                    buf.append(ch)
                else:
                    at_start = False
                    dropped = 0
                    buf.append(ch)
            else:
                buf.append(ch)
                if ch == "\n":
                    at_start = True
        s = "".join(buf)
        if index == last:
            nl = s.rfind("\n")
            if nl >= 0 and s[nl + 1 :].strip(" ") == "":
                s = s[: nl + 1]
        out.append(s)
    return out
