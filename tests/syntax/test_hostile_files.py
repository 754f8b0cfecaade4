"""Huge and hostile files: the parser's promise (a tree and located errors, never
an exception), and code generation that stays within Python's limits."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from evaluator import api
from evaluator.api import Evaluator
from evaluator.syntax import lexer, parse
from evaluator.vm.errors import NixError


def test_too_many_tokens_is_a_located_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit is 2,000,000 tokens; the path is the same with a small one.
    monkeypatch.setattr(lexer, "MAX_TOKENS", 50)
    text = ("[" + " 1" * 200 + " ]").encode()
    result = parse(text)
    messages = [e.message for e in result.errors]
    assert "file too large: analysis stops after 50 tokens" in messages
    assert result.root is not None


def test_exactly_the_token_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexer, "MAX_TOKENS", 4)
    assert parse(b"[ 1 2 ]").errors == []  # four tokens, then the end


@pytest.mark.parametrize("digits", [20, 45, 4301, 5000])
def test_integer_literals_beyond_64_bits(digits: int) -> None:
    text = "1" * digits
    # As Nix 2.26: `error: invalid integer '111…'` at 1:1, the whole literal shown.
    with pytest.raises(NixError) as info:
        Evaluator().eval_source(text)
    assert info.value.message == f"invalid integer '{text}'"
    assert info.value.span is not None and info.value.span[1:] == (0, digits)


@pytest.mark.parametrize("keys", [99, 3000])
def test_long_select_or_compiles_flat(keys: int) -> None:
    text = "{}." + ".".join(["a"] * keys) + " or 1"
    assert Evaluator().eval_source(text) == 1
    deep = "let s = { a = s; }; in s." + ".".join(["a"] * keys) + ".b or 2"
    assert Evaluator().eval_source(deep) == 2


def test_long_sums_generate_compact_code() -> None:
    n = 20_000
    text = "+".join(["1"] * n).encode()
    compiled = api.compile_source(text, None, "/")
    assert len(compiled.python) < 60 * n
    assert Evaluator().eval_source(text) == n


def test_parse_output_is_linear_in_depth(tmp_path: Path) -> None:
    # Left-nested `1+1+…`: 20,000 levels deep.
    path = tmp_path / "sum.nix"
    path.write_text("+".join(["1"] * 20_000))
    code = "import sys; from nixls.cli import main; sys.exit(main())"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code, "parse", "--tree", str(path)], capture_output=True, cwd=root
    ).stdout
    assert out.startswith(b"Binary")
    assert len(out) < 150 * path.stat().st_size


def test_internal_error_text_never_printed() -> None:
    from nixls.cli import eval_cmd

    for text in ["9" * 5000, "{}." + ".".join(["a"] * 200) + " or 1", "(1 2)", "1.0e999"]:
        err = io.StringIO()
        eval_cmd.main(["-E", text], io.BytesIO(), err, {})
        assert "internal error" not in err.getvalue()
