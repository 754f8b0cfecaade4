"""Regenerate the shipped parse tables: ``python -m evaluator.syntax.make_tables``.

Run after editing ``nix.lark``; commit the ``nix_tables.json`` it writes.
"""

from __future__ import annotations

from evaluator.syntax.tables import GRAMMAR_PATH, TABLES_PATH, build_tables, dumps


def main() -> None:
    """Write :data:`~evaluator.syntax.tables.TABLES_PATH` from the grammar."""
    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    TABLES_PATH.write_text(dumps(build_tables(grammar), grammar), encoding="utf-8")
    print(f"wrote {TABLES_PATH}")


if __name__ == "__main__":
    main()
