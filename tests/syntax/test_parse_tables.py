"""The LALR tables ship with the package, match the grammar, and nothing is written at run time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from evaluator.syntax import lr_layout, tables

ROOT = Path(__file__).resolve().parents[2]


def _without_layout(text: str) -> str:
    return text[: text.index("LAYOUT = (")]


def _canonical(layout: lr_layout.Layout) -> tuple[Any, ...]:
    """A layout as plain values: each reduction by its rule and goto list."""
    rule_of = {id(r): rule for r, rule in zip(layout.reductions, layout.rules, strict=True)}
    rows = [
        [
            (sym, act if type(act) is int else (rule_of[id(act)], tuple(act[3])))
            for sym, act in row.items()
        ]
        for row in layout.rows
    ]
    gotos = {sym: sorted(by_state.items()) for sym, by_state in layout.gotos.items()}
    shared = (
        len({id(row) for row in layout.rows}),
        len({id(r) for row in layout.rows for r in row.values() if type(r) is list}),
        len({id(r[3]) for r in layout.reductions}),
    )
    return rows, gotos, shared


def test_shipped_tables_are_those_of_the_grammar() -> None:
    # Regenerate with `python -m evaluator.syntax.make_tables` when this fails.
    # The layout is compared as values: its text is a `marshal` blob
    # compressed by zlib, whose bytes may differ between versions of either.
    grammar = tables.GRAMMAR_PATH.read_text(encoding="utf-8")
    shipped = tables.TABLES_PATH.read_text(encoding="utf-8")
    built = tables.build_tables(grammar)
    assert _without_layout(shipped) == _without_layout(tables.source(built, grammar))
    from evaluator.syntax import nix_tables

    assert nix_tables.GRAMMAR_SHA256 == tables.grammar_digest(grammar)
    loaded = lr_layout.loads(nix_tables.LAYOUT)
    assert _canonical(loaded) == _canonical(lr_layout.layout_of(built))
    assert _canonical(lr_layout.loads(lr_layout.dumps(built.layout))) == _canonical(loaded)


def test_plain_tables_come_back_from_the_layout() -> None:
    grammar = tables.GRAMMAR_PATH.read_text(encoding="utf-8")
    built = tables.build_tables(grammar)
    shipped = tables.load_tables()
    assert shipped.actions == built.actions
    assert [list(row) for row in shipped.actions] == [list(row) for row in built.actions]
    assert [(r.size, r.origin, r.alias) for r in shipped.rules] == [
        (r.size, r.origin, r.alias) for r in built.rules
    ]
    assert (shipped.start_states, shipped.end_states) == (built.start_states, built.end_states)
    assert shipped.terminals == built.terminals


def test_tables_are_numbered_the_same_whatever_the_hash_seed() -> None:
    script = (
        "from evaluator.syntax import tables as t\n"
        "g = t.GRAMMAR_PATH.read_text()\n"
        "print(t.source(t.build_tables(g), g), end='')\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_loading_writes_nothing_under_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    script = (
        "from evaluator.syntax import parse, tables\n"
        "assert not parse(b'let a = 1; in a + 1').errors\n"
        "import sys; sys.exit('lark ran' if 'lark' in sys.modules else 0)\n"
    )
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert list(home.rglob("*")) == []
