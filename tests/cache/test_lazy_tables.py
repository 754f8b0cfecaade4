"""What loading a compiled file leaves for later (issue 16, start-up).

A unit's functions get their :class:`~evaluator.vm.frames.CodeInfo` on the
first lookup (an error, a trace), not when the unit is loaded; a unit read
from the disk cache keeps its tables (line spans, functions, constants,
line contexts) in their stored form until something reads them, and an
entry rewritten with such a unit stores them as they were read.
"""

from __future__ import annotations

import gc
import marshal
import weakref
from pathlib import Path

from evaluator.api import CompileCache, Evaluator, compile_source
from evaluator.cache import DiskCache, codec
from evaluator.compiler.compiled import CompiledFile
from evaluator.vm.context import EvalContext
from evaluator.vm.frames import CODE_INFO, CodeInfos

from .sample import write_sample

MODULE = """
def lam_a(x):
    return x

def lam_b(x):
    return x
"""


def test_a_units_functions_are_registered_on_first_lookup() -> None:
    infos = CodeInfos()
    module = compile(MODULE, "<unit>", "exec")
    functions = {c.co_name: c for c in module.co_consts if hasattr(c, "co_name")}
    spans = {3: ("src", 1, 2)}
    parts = {"lam_a": ("while calling a", ("src", 0, 5))}  # lam_b: no entry
    infos.register_unit(module, (parts, spans, {}))
    found = infos.get(functions["lam_a"])
    assert found is not None
    assert (found.description, found.span) == ("while calling a", ("src", 0, 5))
    assert found.line_spans.get(3) == ("src", 1, 2)
    assert infos.get(functions["lam_b"]) is None
    assert infos.get(test_a_units_functions_are_registered_on_first_lookup.__code__) is None
    assert [code.co_name for code, _ in infos.items()] == ["lam_a"]


def test_a_pending_unit_does_not_keep_its_code_alive() -> None:
    infos = CodeInfos()
    module = compile(MODULE, "<unit>", "exec")
    gone = weakref.ref(module)
    infos.register_unit(module, ({"lam_a": (None, None)}, {}, {}))
    del module
    gc.collect()
    assert gone() is None
    assert infos.items() == []


def _run(cache: Path, path: Path, attr: str) -> tuple[str, CompiledFile]:
    disk = DiskCache(str(cache), version="t")
    ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
    value = ev.eval_file(str(path), strict=True, attr_path=attr)
    text = ev.render(value, strict=True)
    ev.compile_cache.flush()
    return text, ev.context.import_cache[str(path)]


def test_stored_tables_are_decoded_only_when_read(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    expected, _ = _run(cache, path, "part1")
    text, compiled = _run(cache, path, "part1")
    assert text == expected
    units = {u.root: u for u in compiled.units()}
    main = units["main"]
    # Loaded and run: its constants were decoded straight into the module
    # namespace, their stored form kept (no table made); no error: its spans
    # were not read.
    assert type(main.consts) is codec.Stored and main.consts.raw is not None
    assert main.consts._table is None
    assert type(main.line_spans) is codec.Stored and main.line_spans.raw is not None
    # A function of `main` looked up as an error would: the span of a line
    # is read then, pointing into the file's text.
    assert main.code is not None
    function = next(c for c in main.code.co_consts if getattr(c, "co_name", "") in main.infos)
    info = CODE_INFO.get(function)
    assert info is not None and info.span is not None and info.span[0] is compiled.source
    span = info.line_spans.get(function.co_firstlineno)
    assert span is not None and span[0] is compiled.source
    assert main.line_spans.raw is None


def test_tables_never_decoded_are_written_back_as_read(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    _run(cache, path, "part1")  # stores main and part1's units
    _, compiled = _run(cache, path, "part2.b")  # adds part2's: the entry is rewritten
    reread = codec.raw_units(compiled)
    generated = compile_source(path.read_bytes(), str(path), str(path.parent))
    generated.main.compiled(generated.filename)  # stored once it has code
    fresh = codec.raw_units(generated)
    assert [r[0] for r in fresh] == ["main"]  # only `main` is generated until forced
    by_root = {r[0]: r for r in reread}
    # Whatever was decoded or not, the stored tables of `main` are the generated ones'
    # (the tables errors read are marshalled on their own: compared as the data they hold).
    tables = (2, 3, 7)
    stored, made = by_root["main"], fresh[0]
    assert [marshal.loads(stored[i]) for i in tables] == [marshal.loads(made[i]) for i in tables]
    assert (stored[4], stored[5], stored[6]) == (made[4], made[5], made[6])
    assert {"main"} < set(by_root)


def test_equal_code_of_two_units_keeps_each_units_facts() -> None:
    """Code objects compare by value: two units of the same text make equal
    code whose lines stand for spans of different sources."""
    infos = CodeInfos()
    first = compile(MODULE, "<unit>", "exec")
    second = compile(MODULE, "<unit>", "exec")
    one = next(c for c in first.co_consts if getattr(c, "co_name", "") == "lam_a")
    two = next(c for c in second.co_consts if getattr(c, "co_name", "") == "lam_a")
    assert one == two and one is not two
    infos.register_unit(first, ({"lam_a": ("a", ("first", 0, 1))}, {3: ("first", 1, 2)}, {}))
    infos.register_unit(second, ({"lam_a": ("a", ("second", 0, 1))}, {3: ("second", 1, 2)}, {}))
    found_one, found_two = infos.get(one), infos.get(two)
    assert found_one is not None and found_two is not None
    assert (found_one.span, found_one.line_spans[3]) == (("first", 0, 1), ("first", 1, 2))
    assert (found_two.span, found_two.line_spans[3]) == (("second", 0, 1), ("second", 1, 2))
    del first, one
    gc.collect()
    assert [info.span for _, info in infos.items()] == [("second", 0, 1)]
