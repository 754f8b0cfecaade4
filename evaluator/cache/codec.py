"""Compiled files as bytes: what the on-disk cache stores, and reading it back.

An entry holds a file's units: each unit's code object (``marshal``), its
line and trace spans as offsets, its deferred roots, its module globals and
its constants. Constants are Python values the generated code reads
(spans, paths, sets of formal names, position tables): they are stored as
plain data (tagged tuples) and rebuilt, with spans pointing at the file's
own :class:`~evaluator.vm.frames.SourceText`. A constant of any other kind
makes the file uncacheable (:class:`Uncacheable`), never wrong.

The bytes are ``MAGIC``, the SHA-256 of the payload, then the payload
(``marshal`` of plain tuples, lists and dicts), so a truncated or altered
entry is refused (:class:`Corrupt`) before it is read.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from evaluator.compiler.compiled import CompiledFile, Unit
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, NixPath

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

MAGIC = b"nixls-compiled\x00\x02"
_SCALARS = (str, int, float, bool, type(None))

# One unit as stored: root, code, line spans, infos, deferred, consts, globals,
# line contexts (trace entries of lines inside operands).
RawUnit = tuple[
    str, bytes, dict[int, tuple[int, int]], dict[str, Any], list[str], Any, Any, dict[int, Any]
]


class Uncacheable(Exception):
    """A compiled file holding a constant the codec cannot store."""


class Corrupt(Exception):
    """Bytes that are not a valid entry (truncated, altered, other format)."""


def encode_value(value: Any, source: SourceText) -> Any:
    """``value`` as marshal-able data: scalars as they are, the rest tagged."""
    t = type(value)
    if t in _SCALARS:
        return value
    if t is tuple:
        if len(value) == 3 and value[0] is source:
            return ("s", value[1], value[2])
        return ("t", [encode_value(v, source) for v in value])
    if t is list:
        return ("l", [encode_value(v, source) for v in value])
    if t is frozenset and all(type(v) in _SCALARS for v in value):
        return ("f", value)
    if t is dict:
        return ("d", [(encode_value(k, source), encode_value(v, source)) for k, v in value.items()])
    if t is NixPath:
        return ("p", value.path)
    if t is Attrs:
        positions = getattr(value, "positions", None)
        items = encode_value(dict(value), source)
        return ("a", items, encode_value(positions, source))
    raise Uncacheable(f"constant of type {t.__name__}")


def decode_value(data: Any, span: Callable[[int, int], tuple[Any, int, int]]) -> Any:
    """The value :func:`encode_value` stored (``span`` rebuilds a span)."""
    if type(data) is not tuple:
        return data
    tag = data[0]
    if tag == "s":
        return span(data[1], data[2])
    if tag == "t":
        return tuple(decode_value(v, span) for v in data[1])
    if tag == "l":
        return [decode_value(v, span) for v in data[1]]
    if tag == "f":
        return data[1]
    if tag == "d":
        return {decode_value(k, span): decode_value(v, span) for k, v in data[1]}
    if tag == "p":
        return NixPath(data[1])
    if tag == "a":
        attrs = Attrs(decode_value(data[1], span))
        positions = decode_value(data[2], span)
        if positions is not None:
            attrs.positions = positions
        return attrs
    raise Corrupt(f"unknown tag {tag!r}")


def _offsets(span: tuple[Any, int, int], source: SourceText) -> tuple[int, int]:
    if span[0] is not source:
        raise Uncacheable("a span in another file")
    return (span[1], span[2])


def raw_units(compiled: CompiledFile) -> list[RawUnit]:
    """The units of ``compiled`` that have code, as stored (`main` first)."""
    source = compiled.source
    out: list[RawUnit] = []
    for unit in compiled.units():
        code = marshal.dumps(unit.code) if unit.code is not None else unit.code_bytes
        if code is None:
            continue  # generated but never loaded: no code to store
        lines = {n: _offsets(s, source) for n, s in unit.line_spans.items()}
        infos = {k: (d, _offsets(s, source)) for k, (d, s) in unit.infos.items()}
        consts = encode_value(unit.consts, source)
        contexts = {
            n: [(m, _offsets(s, source) if s is not None else None) for m, s in entries]
            for n, entries in unit.line_contexts.items()
        }
        out.append(
            (unit.root, code, lines, infos, list(unit.deferred), consts, unit.globals, contexts)
        )
    return out


def dump(key: str, compiled: CompiledFile, units: list[RawUnit]) -> bytes:
    """An entry's bytes: ``units`` (from :func:`raw_units`, merged) of ``compiled``."""
    payload = marshal.dumps(
        (key, compiled.filename, compiled.pipe_at, list(compiled.warnings), units)
    )
    return MAGIC + hashlib.sha256(payload).digest() + payload


def read_raw(data: bytes, key: str) -> tuple[str, int | None, list[str], list[RawUnit]]:
    """The parts of an entry's bytes, checked; raises :class:`Corrupt`."""
    head = len(MAGIC)
    if data[:head] != MAGIC or len(data) < head + 32:
        raise Corrupt("not an entry of this format")
    digest, payload = data[head : head + 32], data[head + 32 :]
    if hashlib.sha256(payload).digest() != digest:
        raise Corrupt("checksum mismatch")
    try:
        stored_key, filename, pipe_at, warnings, units = marshal.loads(payload)
    except (ValueError, EOFError, TypeError) as exc:
        raise Corrupt(str(exc)) from exc
    if stored_key != key or not units or units[0][0] != "main":
        raise Corrupt("entry of another file")
    return filename, pipe_at, warnings, units


def load(
    data: bytes, key: str, source: SourceText, rebuild: Callable[[], Compiler]
) -> CompiledFile:
    """The compiled file stored in ``data``; raises :class:`Corrupt`."""
    filename, pipe_at, warnings, raws = read_raw(data, key)
    spans: dict[tuple[int, int], tuple[Any, int, int]] = {}

    def span(start: int, end: int) -> tuple[Any, int, int]:
        found = spans.get((start, end))
        if found is None:
            found = spans[(start, end)] = (source, start, end)
        return found

    units = []
    try:
        for root, code, lines, infos, deferred, consts, globals_, contexts in raws:
            units.append(
                Unit(
                    root,
                    "",
                    # Spans made inline (not through ``span``): a unit has a
                    # few thousand, and this is most of reading an entry.
                    {n: (source, s, e) for n, (s, e) in lines.items()},
                    {k: (d, (source, s, e)) for k, (d, (s, e)) in infos.items()},
                    list(deferred),
                    decode_value(consts, span),
                    dict(globals_),
                    code_bytes=code,
                    line_contexts={
                        n: tuple((m, span(*se) if se is not None else None) for m, se in entries)
                        for n, entries in contexts.items()
                    },
                )
            )
    except (ValueError, TypeError, KeyError) as exc:
        raise Corrupt(str(exc)) from exc
    compiled = CompiledFile(source, units[0], filename, rebuild=rebuild)
    for unit in units[1:]:
        compiled.add(unit)
    compiled.pipe_at = pipe_at
    compiled.warnings = list(warnings)
    return compiled
