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
    # Work line by line (C++ Nix goes char by char; this is the same
    # state machine, with runs of spaces handled at once).
    at_start = True
    min_indent = 1000000
    cur = 0
    for piece in pieces:
        if not isinstance(piece, tuple) or not piece[1]:
            if at_start:
                at_start = False
                min_indent = min(min_indent, cur)
            continue
        for k, seg in enumerate(piece[0].split("\n")):
            if k:
                at_start = True
                cur = 0
            if at_start:
                rest = seg.lstrip(" ")
                cur += len(seg) - len(rest)
                if rest:
                    at_start = False
                    min_indent = min(min_indent, cur)

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
        buf: list[str] = []
        for k, seg in enumerate(piece[0].split("\n")):
            if k:
                buf.append("\n")
                at_start = True
                dropped = 0
            if not at_start:
                buf.append(seg)
                continue
            rest = seg.lstrip(" ")
            spaces = len(seg) - len(rest)
            # of the spaces numbered dropped .. dropped+spaces-1, keep those
            # at or beyond the common indentation
            keep = dropped + spaces - max(min_indent, dropped)
            if keep > 0:
                buf.append(" " * keep)
            dropped += spaces
            if rest:
                at_start = False
                dropped = 0
                buf.append(rest)
        text = "".join(buf)
        if index == last:
            nl = text.rfind("\n")
            if nl >= 0 and not text[nl + 1 :].strip(" "):
                text = text[: nl + 1]
        out.append(text)
    return out
