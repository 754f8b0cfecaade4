"""The Nix syntax layer: lexer, LALR grammar, syntax tree, positions.

The parser is imported on first use of ``parse`` (a submodule such as
``nodes`` or ``positions`` does not need it): start-up pays for it only
when something is parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evaluator.syntax.parser import ParseResult, SyntaxErrorInfo, parse

__all__ = ["ParseResult", "SyntaxErrorInfo", "parse"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from evaluator.syntax import parser

        return getattr(parser, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
