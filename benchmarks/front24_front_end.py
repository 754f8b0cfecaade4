"""The front end of many Nix files alone: parse, analyse, generate every unit
and compile every function, no evaluation (front24's measure of modules-300's
service files under callgrind).

    PYTHONHASHSEED=0 valgrind --tool=callgrind \
        python benchmarks/front24_front_end.py 'DIR/svc*.nix' [N]
"""

from __future__ import annotations

import gc
import glob
import sys
from pathlib import Path

from evaluator.compiler import late
from evaluator.front_end import compile_source


def main() -> int:
    """Compile the first N (default all) files the pattern names, sorted by name."""
    gc.disable()  # as the front end runs in an evaluation (FRONT_END_GC)
    files = [Path(p) for p in sorted(glob.glob(sys.argv[1]))]
    if len(sys.argv) > 2:
        files = files[: int(sys.argv[2])]
    units = functions = 0
    for path in files:
        compiled = compile_source(path.read_bytes(), str(path), str(path.parent))
        todo = [compiled.main]
        while todo:
            unit = todo.pop()
            units += 1
            unit.compiled(compiled.filename)
            for name in list(unit.pending):
                late.compile_function(unit, name, compiled.filename)
                functions += 1
            todo.extend(compiled.unit(root) for root in unit.deferred)
    print(f"{len(files)} files, {units} units, {functions} functions compiled late")
    return 0


if __name__ == "__main__":
    sys.exit(main())
