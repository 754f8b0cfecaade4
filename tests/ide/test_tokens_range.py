"""Semantic tokens of a range, computed from the range alone, equal the whole
document's tokens in that range (nixpkgs lib files and the benchmark's set)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from nixls.ide import tokens
from nixls.ide.host import AnalysisHost
from nixls.lsp.convert_outline import semantic_tokens

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib" / "lib"
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_packages import generate  # noqa: E402

EXTRA = 'let s = "a ${b} c"; p = ./x/${s}; in { "k ${s}" = 1; /* c */ f = { a ? 1 }: a; }\n'


def test_range_tokens_equal_the_whole_documents() -> None:
    rng = random.Random(16)
    texts = [p.read_text() for p in sorted(LIB.glob("*.nix"))[:10]]
    texts += [generate(300), EXTRA]
    windows = 0
    for i, text in enumerate(texts):
        snap = AnalysisHost().open(f"file:///ws/t{i}.nix", text, 1)
        doc = snap.document
        everything = snap.tokens()
        size = len(doc.source)
        for _ in range(12):
            lo = rng.randrange(size + 1)
            hi = min(size, lo + rng.choice([1, 40, 400, 4000]))
            found = tokens.classify_range(doc, lo, hi)
            windows += 1
            assert semantic_tokens(doc, found, lo, hi) == semantic_tokens(doc, everything, lo, hi)
    assert windows >= 100


def test_a_range_reaching_the_comments_around_the_root() -> None:
    text = "# head\n# more\n{ a = 1; /* x */ b = [ 2 ]; }\n# tail\n"
    snap = AnalysisHost().open("file:///ws/c.nix", text, 1)
    doc = snap.document
    for lo, hi in [(0, 20), (3, len(text)), (20, len(text)), (0, len(text))]:
        found = tokens.classify_range(doc, lo, hi)
        assert semantic_tokens(doc, found, lo, hi) == semantic_tokens(doc, snap.tokens(), lo, hi)


def test_a_range_of_a_large_file_lexes_only_around_it() -> None:
    text = generate(3000)
    snap = AnalysisHost().open("file:///ws/large.nix", text, 1)
    lo = text.index("libpng_", len(text) // 2)
    hi = lo + 600
    window = tokens.window_around(snap.document.parse_result.root, lo, hi, len(text))
    assert window[0] <= lo and hi <= window[1] and window[1] - window[0] < 3000
