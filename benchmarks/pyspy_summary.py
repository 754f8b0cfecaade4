"""Summarise a py-spy ``--format raw`` profile: self and inclusive share per function.

    py-spy record -r 100 -f raw -o prof.raw -- python -m nixls eval --strict FILE
    python benchmarks/pyspy_summary.py prof.raw [--top 30] [--by function|file]

Frames of generated code (``<nix FILE>``) are grouped as one entry per Nix
file, since their names (``lam440``, ``th12``) mean nothing across runs.
``--by category`` sorts self time into the parts of nixls (parse, analyse
and codegen, CPython's compile, the loop, builtins, Nix code).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")


def frame_key(frame: str, by: str) -> str:
    """The name a frame is counted under."""
    m = _FRAME.match(frame)
    if m is None:
        return frame
    file = m["file"]
    generated = file.endswith(">") and not file.startswith("<frozen")
    if by == "category":
        return _category(file, m["fn"], generated)
    if generated:  # py-spy shows `<nix /a/b/modules.nix>` as `modules.nix>`
        return f"[generated code of {Path(file.removeprefix('<nix ')[:-1]).name}]"
    short = "/".join(file.split("/")[-2:])
    return short if by == "file" else f"{m['fn']} ({short})"


def _category(file: str, fn: str, generated: bool) -> str:
    """The part of nixls a frame belongs to (inclusive shares overlap)."""
    if generated:
        return "Nix code (generated Python frames)"
    if file.endswith("codegen.py") and fn == "Unit.compiled":
        return "CPython compile() of generated code"
    for part, name in (
        ("evaluator/syntax/", "parse (lexer, parser, tree)"),
        ("evaluator/compiler/", "analyse + codegen"),
        ("evaluator/vm/loop.py", "evaluation loop"),
        ("evaluator/builtins/", "builtins"),
        ("evaluator/vm/", "vm helpers (values, ops, runtime)"),
    ):
        if part in file:
            return name
    return "other"


def summarise(lines: list[str], by: str) -> tuple[int, Counter[str], Counter[str]]:
    """(total samples, self samples per key, inclusive samples per key)."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        keys = [frame_key(f, by) for f in stack.split(";")]
        total += count
        own[keys[-1]] += count
        for key in set(keys):
            inclusive[key] += count
    return total, own, inclusive


def main() -> int:
    """Print the two rankings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--by", choices=("function", "file", "category"), default="function")
    args = parser.parse_args()
    total, own, inclusive = summarise(args.raw.read_text().splitlines(), args.by)
    if total == 0:
        print("no samples")
        return 1
    print(f"{total} samples")
    for title, counter in (("self", own), ("inclusive", inclusive)):
        print(f"\n{title}:")
        for key, count in counter.most_common(args.top):
            print(f"  {100 * count / total:5.1f}%  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
