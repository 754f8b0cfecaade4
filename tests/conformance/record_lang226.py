"""Run the Nix 2.26 language suite against nixls and print the totals (not a test).

    python tests/conformance/record_lang226.py [--write] [NAME-SUBSTRING...]

Prints per-kind lines like ``run_lang_suite.py`` and every test that is not
byte-exact. With ``--write`` (whole suite only) rewrites ``lang226_passing.tsv``,
the per-test baseline ``test_lang_226.py`` asserts; raise ``MIN_STATUS`` /
``MIN_EXACT`` there to the new totals.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.conformance.lang_suite import case_names, make_root, run_case, summary  # noqa: E402

HEADER = (
    "# Tests of the Nix 2.26 language suite nixls passes: name, then 'exact'\n"
    "# (byte-exact outputs) or 'status' (right exit status only).\n"
    "# Regenerate with tests/conformance/record_lang226.py --write.\n"
)


def main(argv: list[str]) -> int:
    write = "--write" in argv
    only = [a for a in argv if a != "--write"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_root(root)
        names = [n for n in case_names() if not only or any(o in n for o in only)]
        results = [run_case(root, n) for n in names]
    print("\n".join(summary(results)))
    if write and not only:
        rows = [f"{r.name}\t{'exact' if r.exact else 'status'}\n" for r in results if r.status]
        Path(__file__).with_name("lang226_passing.tsv").write_text(HEADER + "".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
