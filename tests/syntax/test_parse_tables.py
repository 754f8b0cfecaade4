"""The LALR tables ship with the package, match the grammar, and nothing is written at run time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from evaluator.syntax import tables

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_tables_are_those_of_the_grammar() -> None:
    # Regenerate with `python -m evaluator.syntax.make_tables` when this fails.
    grammar = tables.GRAMMAR_PATH.read_text(encoding="utf-8")
    shipped = tables.TABLES_PATH.read_text(encoding="utf-8")
    assert shipped == tables.dumps(tables.build_tables(grammar), grammar)
    assert json.loads(shipped)["grammar_sha256"] == tables.grammar_digest(grammar)


def test_tables_are_numbered_the_same_whatever_the_hash_seed() -> None:
    script = (
        "from evaluator.syntax import tables as t\n"
        "g = t.GRAMMAR_PATH.read_text()\n"
        "print(t.dumps(t.build_tables(g), g), end='')\n"
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
