"""The Nix syntax layer: lexer, LALR grammar, syntax tree, positions."""

from evaluator.syntax.parser import ParseResult, SyntaxErrorInfo, parse

__all__ = ["ParseResult", "SyntaxErrorInfo", "parse"]
