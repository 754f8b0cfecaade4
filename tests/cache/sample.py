"""A generated Nix file with many deferred thunks (nested, capturing, failing)."""

from __future__ import annotations

from pathlib import Path

# Long enough that every attribute below is compiled only when first forced.
_PAD = "x" * 420


def part(i: int) -> str:
    """One attribute: a function, nested sets, a `let` captured by deferred thunks."""
    return f"""
  part{i} = let
    k = {i};
    f = x: {{ v = x * k; s = "${{toString x}}-{_PAD}"; }};
    inner = {{
      a = map (n: (f n).v) (builtins.genList (n: n + k) 5);
      b = {{ deep = (f k).s; more = lib.add k 1; text = "{_PAD}"; }};
      c = builtins.foldl' (acc: n: acc + n) k [ 1 2 3 ];
    }};
  in inner // {{ sum = builtins.length inner.a + k; path = ./sub/p{i}.nix; }};"""


def write_sample(folder: Path, parts: int = 6) -> Path:
    """``folder/big.nix`` (and the file it imports); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lib.nix").write_text(
        '{ add = a: b: a + b; pad = "' + _PAD + '"; }\n', encoding="utf-8"
    )
    body = "".join(part(i) for i in range(parts))
    failing = f"""
  bad = let
    g = x: x + "not a number {_PAD}";
  in {{ result = g 1; text = "{_PAD}"; }};"""
    tail = "\n  all = builtins.attrNames lib;\n}\n"
    text = f"let lib = import ./lib.nix; in {{{body}{failing}{tail}"
    path = folder / "big.nix"
    path.write_text(text, encoding="utf-8")
    return path
