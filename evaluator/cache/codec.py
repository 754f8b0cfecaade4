"""Compiled files as bytes: what the on-disk cache stores, and reading it back.

An entry holds a file's units: each unit's code object, its line and trace
spans as offsets, its deferred roots, its module globals, its constants and
the texts of its functions not compiled yet. Constants are Python values the
generated code reads (spans, paths, sets of formal names, position tables):
they are stored as plain data and rebuilt, with spans pointing at the
file's own :class:`~evaluator.vm.frames.SourceText`. A constant of any other
kind makes the file uncacheable (:class:`Uncacheable`), never wrong.

The bytes are ``MAGIC``, the CRC-32 of the payload, then the payload: one
``marshal`` of the whole file (its units' code objects and constants
included: one call, and each name the units share read once), so a
truncated or altered entry is refused (:class:`Corrupt`) before it is read.
The tables only errors and late compiling read (line spans, functions, line
contexts, pending texts) are marshalled on their own inside it (bytes):
reading an entry makes no Python object of them until they are used. (A checksum against
accidents, not attacks: the cache directory is the user's own. It was a
SHA-256, which cost more than the rest of reading an entry.)

Spans, the bulk of every table (a unit's line spans, its functions' spans,
most of its constants), are stored as columns: the names, the start offsets
and the end offsets as three lists. Writing and reading them is
``map``/``zip`` in C, not a Python step per span: writing the cache was
7% of a cold run of a large file, and decoding constants a twentieth of a
warm `import` of nixpkgs lib.
"""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable, Collection, ItemsView, Iterator, KeysView, Mapping
from itertools import repeat
from operator import countOf, itemgetter
from sys import intern
from types import CodeType
from typing import TYPE_CHECKING, Any

from evaluator.compiler import late
from evaluator.compiler.compiled import CompiledFile, Unit
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, NixPath

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

MAGIC = b"nixls-compiled\x00\x07"
_CHECK = 4  # bytes of the checksum
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
_CONTAINERS = (list, dict, frozenset)
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)
_EMPTY = marshal.dumps({})  # a unit's empty table (line contexts, pending texts)

# One unit as stored: root, module code, line spans, infos, deferred, consts,
# globals, line contexts (trace entries of lines inside operands), the texts
# of its functions not compiled yet (`compiler/late.py`). The code and the
# constants are part of the entry's one marshalled payload (every unit that
# loads needs them); the four other tables, needed only by errors and by
# functions compiled late, are each marshalled on its own (bytes).
RawUnit = tuple[str, CodeType, bytes, bytes, list[str], Any, Any, bytes, bytes]
AttrsColumns = tuple[list[str], list[dict[str, Any]], list[Any]]
# A unit's constants as stored (:func:`_dump_consts`): span names, starts and
# ends, plain values by name, groups of tuples holding spans, attribute sets
# of plain values (names, items, positions), the rest tagged.
ConstsParts = tuple[
    list[str], list[int], list[int], dict[str, Any], list[Any], AttrsColumns, list[Any]
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
            return ("s", value[1], value[2])  # a span, the most common constant
        # Tuples are small (a name path, a span pair): a look at each element
        # costs less than marshal's refusal below (an exception).
        if all(type(v) in _SCALARS for v in value):
            return ("P", value)
        return ("t", [encode_value(v, source) for v in value])
    if t is list or t is dict:
        # e.g. a table of positions (name -> (file, line, column)): stored
        # marshalled (once: the bytes are kept) and read back by marshal,
        # no decoding element by element.
        data = _marshalled(value)
        if data is not None:
            return ("B", data)
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


def _marshalled(value: Any) -> bytes | None:
    """``value`` marshalled if it is plain data marshal keeps as it is
    (scalars, tuples, lists, dicts, sets; no span, path or attribute set),
    else None: asked of marshal itself, which refuses any other object at
    once (a Python walk over a table of a thousand positions was half of
    writing an entry)."""
    try:
        return marshal.dumps(value)
    except ValueError:
        return None


def _plain(value: Any) -> bool:
    """Whether ``value`` is plain data (see :func:`_marshalled`)."""
    return _marshalled(value) is not None


def decode_value(data: Any, span: Callable[[int, int], tuple[Any, int, int]]) -> Any:
    """The value :func:`encode_value` stored (``span`` rebuilds a span)."""
    if type(data) is not tuple:
        return data
    tag = data[0]
    if tag == "s":
        return span(data[1], data[2])
    if tag == "P":
        return data[1]
    if tag == "B":
        return marshal.loads(data[1])
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


def _columns(spans: Collection[tuple[Any, int, int]], source: SourceText) -> tuple[Any, Any]:
    """The start and end offsets of ``spans`` (all in ``source``) as two lists."""
    if countOf(map(_FIRST, spans), source) != len(spans):
        raise Uncacheable("a span in another file")
    return list(map(_SECOND, spans)), list(map(_THIRD, spans))


def _spans(source: SourceText, starts: list[int], ends: list[int]) -> Iterator[Any]:
    """The spans of :func:`_columns`' offsets, pointing at ``source``."""
    return zip(repeat(source), starts, ends)  # noqa: B905 (`repeat` is endless)


class Stored(Mapping[Any, Any]):
    """A table of a unit read from the cache (its line spans, functions,
    constants, line contexts), decoded on first use: most units of a large
    file are never run, and the spans of those that run are needed only by
    errors and traces. Until then :attr:`raw` is the stored form (marshal
    bytes), written back as it is when the entry is rewritten.

    ``into`` decodes the stored form into a given dict (see :meth:`update_into`)."""

    __slots__ = ("raw", "_decode", "_table", "_into")

    def __init__(
        self,
        raw: Any,
        decode: Callable[[Any], dict[Any, Any]],
        into: Callable[[Any, dict[Any, Any]], Any] | None = None,
    ) -> None:
        self.raw: Any = raw
        self._decode: Callable[[Any], dict[Any, Any]] | None = decode
        self._table: dict[Any, Any] | None = None
        self._into = into

    def update_into(self, target: dict[Any, Any]) -> None:
        """Add the table's items to ``target`` (a unit's constants to its
        module namespace): the first time decoded straight into it, with
        the stored form kept (no table made and copied: a unit runs once
        per evaluation, and a one-shot run has one); after, decoded once
        and kept."""
        into = self._into
        if into is not None and self._table is None:
            self._into = None
            into(self.raw, target)
        else:
            target.update(self.table())

    def table(self) -> dict[Any, Any]:
        """The decoded table."""
        table = self._table
        if table is None:
            assert self._decode is not None
            table = self._table = self._decode(self.raw)
            self.raw = self._decode = self._into = None  # decoded: the stored form is not kept
        return table

    def __getitem__(self, key: Any) -> Any:
        return self.table()[key]

    def get(self, key: Any, default: Any = None) -> Any:
        return self.table().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.table()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self.table())

    def keys(self) -> KeysView[Any]:
        return self.table().keys()

    def items(self) -> ItemsView[Any, Any]:
        return self.table().items()


def _stored(table: Mapping[Any, Any]) -> Any:
    """The stored form of a unit's table if it was read and never decoded, else None."""
    return table.raw if type(table) is Stored else None


def raw_units(compiled: CompiledFile, *, presume_plain: bool = False) -> list[RawUnit]:
    """The units of ``compiled`` that have code, as stored (`main` first).

    ``presume_plain``: constants that are lists, dicts, frozensets and
    attribute sets are taken to be plain data without asking marshal (each
    is marshalled with the entry anyway: asking first marshalled it twice);
    :func:`dump` then raises ``ValueError`` if one is not, and the units
    are made again without the presumption."""
    source = compiled.source
    return [raw for unit in compiled.units() if (raw := _raw_unit(unit, source, presume_plain))]


def _raw_unit(unit: Unit, source: SourceText, presume_plain: bool = False) -> RawUnit | None:
    if unit.code is None:
        return None  # generated but never loaded: no code to store
    code = late.module_with_late(unit, unit.code)
    # A table read from the cache and never decoded is written back as read.
    lines = _stored(unit.line_spans)
    if lines is None:
        table = unit.line_spans
        columns = getattr(table, "columns", None)  # generated: `codegen_base.LineSpans`
        if columns is not None and getattr(table, "source", None) is source:
            lines = marshal.dumps(columns)
        else:
            lines = marshal.dumps((list(table), *_columns(table.values(), source)))
    infos = _stored(unit.infos)
    if infos is None:
        entries = unit.infos.values()
        spans = list(map(_SECOND, entries))
        infos = marshal.dumps(
            (list(unit.infos), list(map(_FIRST, entries)), *_columns(spans, source))
        )
    consts = _stored(unit.consts)
    if consts is None:
        consts = _dump_consts(dict(unit.consts), source, presume_plain)
    contexts = _stored(unit.line_contexts)
    if contexts is None and not unit.line_contexts:
        contexts = _EMPTY  # most units: no marshal call
    elif contexts is None:
        contexts = marshal.dumps(
            {
                n: [(m, _offsets(s, source) if s is not None else None) for m, s in entries]
                for n, entries in unit.line_contexts.items()
            }
        )
    pending = _stored(unit.pending) if not unit.late else None
    if pending is None:
        pending = marshal.dumps(late.still_pending(unit)) if unit.pending else _EMPTY
    return (
        unit.root,
        code,
        lines,
        infos,
        list(map(intern, unit.deferred)),  # names in the code (see `_dump_consts`)
        consts,
        unit.globals,
        contexts,
        pending,
    )


def _dump_consts(
    consts: dict[str, Any], source: SourceText, presume_plain: bool = False
) -> ConstsParts:
    """A unit's constants stored so that reading them back is C-level work:
    spans as columns; plain data (what marshal keeps as it is) in one dict;
    tuples of plain values and spans (an attribute path and its spans, the
    most common constant after spans) grouped by which places hold spans,
    each group as columns; attribute sets of plain values (the formals of a
    function, `builtins.functionArgs`' answer, with their positions) as
    three columns, made into sets by one loop step each; only the rest
    encoded value by value (:func:`encode_value`: paths, nested spans)."""
    names = []
    spans = []
    plain = {}
    groups: dict[str, tuple[list[str], list[Any]]] = {}
    attrs: AttrsColumns = ([], [], [])
    tagged = []
    for name, value in consts.items():
        # Interned: the very string of the code's `co_names` (the constant is
        # a global it reads), which marshal then stores as a reference to it:
        # reading the entry makes no string of it again, nor hashes one.
        name = intern(name)
        t = type(value)
        if t is tuple and len(value) == 3 and value[0] is source:
            names.append(name)
            spans.append(value)
        elif t is tuple and _SCALAR_TYPES.issuperset(map(type, value)):
            plain[name] = value  # (a name path, a tuple of names)
        elif t is tuple:
            kinds = _kinds(value, source)
            if kinds is None:
                tagged.append((name, encode_value(value, source)))
            elif "s" not in kinds:
                plain[name] = value
            else:
                group = groups.get(kinds)
                if group is None:
                    group = groups[kinds] = ([], [])
                group[0].append(name)
                group[1].append(value)
        elif t in _SCALARS or (t in _CONTAINERS and (presume_plain or _plain(value))):
            plain[name] = value
        elif t is Attrs and (items := _plain_items(value, presume_plain)) is not None:
            attrs[0].append(name)
            attrs[1].append(items)
            attrs[2].append(value.positions)
        else:
            tagged.append((name, encode_value(value, source)))
    return (
        names,
        *_columns(spans, source),
        plain,
        [(kinds, n, _group_columns(kinds, values)) for kinds, (n, values) in groups.items()],
        attrs,
        tagged,
    )


def _plain_items(value: Attrs, presume_plain: bool = False) -> dict[str, Any] | None:
    """An attribute set's items as a dict if they and its positions (a dict
    or None) are plain data (or ``presume_plain``), else None."""
    positions = value.positions
    if positions is not None and type(positions) is not dict:
        return None
    items = dict(value)
    if presume_plain or (_plain(items) and (positions is None or _plain(positions))):
        return items
    return None


def _kinds(value: tuple[Any, ...], source: SourceText) -> str | None:
    """For a tuple of plain values and spans of ``source``, the kind of each
    place (``v`` plain, ``s`` span); None for any other tuple."""
    kinds = []
    for v in value:
        t = type(v)
        if t in _SCALAR_TYPES:
            kinds.append("v")
        elif t is tuple and len(v) == 3 and v[0] is source:
            kinds.append("s")
        elif t is tuple and _SCALAR_TYPES.issuperset(map(type, v)):  # C steps, no generator
            kinds.append("v")
        else:
            return None
    return "".join(kinds)


def _group_columns(kinds: str, values: list[tuple[Any, ...]]) -> list[list[Any]]:
    """The columns of tuples of one kind: a list per plain place, starts and ends per span."""
    columns: list[list[Any]] = []
    # Transposed by `zip` (C), not a list comprehension per place.
    for kind, place in zip(kinds, zip(*values, strict=True), strict=True):
        if kind == "v":
            columns.append(list(place))
        else:
            columns.extend((list(map(_SECOND, place)), list(map(_THIRD, place))))
    return columns


def load_consts(
    raw: Any,
    source: SourceText,
    span: Callable[[int, int], Any],
    into: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A unit's constants from their stored form: see :func:`_dump_consts`.

    ``into``: the dict to add them to (a module namespace), else a new one."""
    names, starts, ends, plain, groups, attrs, tagged = raw
    consts: dict[str, Any] = {} if into is None else into
    # `strict=` on the outer zips only: a column shorter than its names is
    # refused there, and a keyword argument makes `zip` parse its arguments
    # the slow way (a fifth of reading the groups: home-manager has 9,000).
    spans = repeat(source)  # one endless `source` for every column's zip
    consts.update(zip(names, zip(spans, starts, ends), strict=True))  # noqa: B905
    consts.update(plain)
    for kinds, group, columns in groups:
        plan = _PLANS.get(kinds)
        if plan is None:
            plan = _plan(kinds)
        places = [
            columns[a] if b < 0 else zip(spans, columns[a], columns[b])  # noqa: B905
            for a, b in plan
        ]
        consts.update(zip(group, zip(*places), strict=True))  # noqa: B905
    for name, items, positions in zip(*attrs, strict=True):
        made = consts[name] = Attrs(items)
        if positions is not None:
            made.positions = positions
    for name, value in tagged:
        consts[name] = decode_value(value, span)
    return consts


# The kinds of a group of tuples (``vsss``) -> for each place, the column
# of a plain value (and -1) or the columns of a span's start and end: made
# once per kinds, not a step per place of every group.
_PLANS: dict[str, tuple[tuple[int, int], ...]] = {}


def _plan(kinds: str) -> tuple[tuple[int, int], ...]:
    plan = []
    at = 0
    for kind in kinds:
        if kind == "v":
            plan.append((at, -1))
            at += 1
        else:  # "s"
            plan.append((at, at + 1))
            at += 2
    found = _PLANS[kinds] = tuple(plan)
    return found


def dump(key: str, compiled: CompiledFile, units: list[RawUnit]) -> bytes:
    """An entry's bytes: ``units`` (from :func:`raw_units`, merged) of ``compiled``."""
    payload = marshal.dumps(
        (key, compiled.filename, compiled.pipe_at, list(compiled.warnings), units)
    )
    return MAGIC + _checksum(payload) + payload


def _checksum(payload: bytes | memoryview) -> bytes:
    return zlib.crc32(payload).to_bytes(_CHECK, "big")


def read_raw(data: bytes, key: str) -> tuple[str, int | None, list[str], list[RawUnit]]:
    """The parts of an entry's bytes, checked; raises :class:`Corrupt`."""
    head = len(MAGIC)
    if data[:head] != MAGIC or len(data) < head + _CHECK:
        raise Corrupt("not an entry of this format")
    # A view of the payload, not a copy (megabytes for a large file).
    digest, payload = data[head : head + _CHECK], memoryview(data)[head + _CHECK :]
    if _checksum(payload) != digest:
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

    def lines(raw: bytes) -> dict[int, tuple[Any, int, int]]:
        numbers, starts, ends = marshal.loads(raw)
        return dict(zip(numbers, _spans(source, starts, ends), strict=True))

    def infos(raw: bytes) -> dict[str, Any]:
        names, descriptions, starts, ends = marshal.loads(raw)
        spans = _spans(source, starts, ends)
        return dict(zip(names, zip(descriptions, spans, strict=True), strict=True))

    def consts(raw: Any, into: dict[str, Any] | None = None) -> dict[str, Any]:
        return load_consts(raw, source, span, into)

    def contexts(raw: bytes) -> dict[int, Any]:
        return {
            n: tuple((m, span(*se) if se is not None else None) for m, se in entries)
            for n, entries in marshal.loads(raw).items()
        }

    def pending(raw: bytes) -> dict[str, tuple[str, int]]:
        texts: dict[str, tuple[str, int]] = marshal.loads(raw)
        return texts

    units = []
    try:
        for root, code, lines_, infos_, deferred, consts_, globals_, contexts_, texts in raws:
            if type(code) is not CodeType or type(consts_) is not tuple or len(consts_) != 7:
                raise TypeError("a unit's code or constants are not stored as such")
            if not (
                type(lines_) is bytes
                and type(infos_) is bytes
                and type(contexts_) is bytes
                and type(texts) is bytes
            ):
                raise TypeError("a unit's table is not stored as bytes")
            units.append(
                Unit(
                    root,
                    "",
                    Stored(lines_, lines),
                    Stored(infos_, infos),
                    deferred,
                    Stored(consts_, consts, consts),
                    globals_,
                    code=code,
                    line_contexts=Stored(contexts_, contexts),
                    pending=Stored(texts, pending),
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
