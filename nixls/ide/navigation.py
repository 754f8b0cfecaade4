"""Go to definition: where the thing at an offset is defined.

Names resolve through the compiler's analysis. Beyond local names:
`with`-provided names go to the attribute in the `with` target when the
target is a set known statically (a literal, a variable bound to one,
`import ./file.nix`...) or, when evaluation is on, to where the evaluated
set says the attribute is; `a.b.c` goes to the definition of `c` when `a`
is such a set; path literals (and `import ./x.nix`) go to the file.
Only files the read policy allows are looked into.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evaluator.compiler.model import LocalRef, Scope, WithRef
from evaluator.syntax import nodes
from nixls.ide import static_sets, value_nav
from nixls.ide.flake import features as flake
from nixls.ide.flake.lock import read_under
from nixls.ide.tree import ancestors_at
from nixls.ide.uris import path_to_uri

if TYPE_CHECKING:
    from nixls.ide.live import LiveEvaluator
    from nixls.ide.reads import Reader
    from nixls.ide.workspace import Unit


@dataclass(frozen=True)
class Location:
    """A span of a file; ``unit`` (None: the start of the file) converts its offsets."""

    uri: str
    unit: Unit | None
    span: tuple[int, int]


def location_in(unit: Unit, start: int, end: int) -> Location:
    """A location for a span of any unit (open document or disk file)."""
    return Location(unit.uri, unit, (start, end))


def file_start(path: str) -> Location:
    """The start of a file."""
    return Location(path_to_uri(path), None, (0, 0))


def _path_target(node: nodes.Path, doc: Unit, reader: Reader) -> str | None:
    target = static_sets.path_literal_target(node, doc.path)
    if target is None:
        return None
    if reader.is_dir(target) and reader.is_file(os.path.join(target, "default.nix")):
        return os.path.join(target, "default.nix")
    return target if reader.exists(target) else None


async def _with_definition(
    live: LiveEvaluator | None,
    reader: Reader,
    doc: Unit,
    withs: tuple[Scope, ...],
    name: str,
) -> Location | None:
    """Where a `with`-provided name is defined.

    The `with` targets are looked at innermost first, as Nix looks them
    up: statically when the target is a known set, else by evaluating it
    (when ``live`` is given) and asking the set where the attribute is.
    """
    for scope in withs:
        node = scope.node
        if not isinstance(node, nodes.With):
            continue
        sset = static_sets.resolve_set(node.env, doc, reader.unit)
        if sset is not None:
            member = sset.member(name)
            if member is not None:
                return location_in(member.unit, *member.key_span)
            continue
        if live is None:
            return None
        has, where = await live.attr_position(doc, (node.env.start, node.env.end), name)
        if where is not None:
            file, offset = where
            unit = doc if file == doc.path else reader.unit(file)
            if unit is None:
                return None
            return location_in(unit, offset, _name_end(unit.source, offset))
        if has:
            return None  # defined there, but the set does not say where
    return None


def _name_end(source: bytes, offset: int) -> int:
    end = offset
    while end < len(source) and (
        source[end : end + 1].isalnum() or source[end : end + 1] in b"_'-"
    ):
        end += 1
    return end


def _member_definition(
    doc: Unit, reader: Reader, leaf: nodes.StaticKey, parent: nodes.Node
) -> list[Location]:
    """`a.b.c` or `inherit (a) c` with the cursor on `c`: where `c` is defined."""
    path: list[nodes.AttrKey] | None = None
    base: nodes.Node | None = None
    if isinstance(parent, nodes.Select | nodes.HasAttr):
        path, base = parent.path, parent.expr
    elif isinstance(parent, nodes.Inherit) and parent.from_ is not None:
        path, base = [leaf], parent.from_
    if path is None or base is None:
        return []
    upto: list[nodes.AttrKey] = path[: path.index(leaf) + 1] if leaf in path else [leaf]
    member = static_sets.resolve_member(base, upto, doc, reader.unit)
    return [location_in(member.unit, *member.key_span)] if member is not None else []


async def definitions(
    doc: Unit, reader: Reader, offset: int, live: LiveEvaluator | None
) -> list[Location]:
    """Where the thing at ``offset`` is defined; ``live``: evaluate `with` targets."""
    analysis = doc.analysis
    chain = ancestors_at(doc.parse_result.root, offset)
    leaf = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None

    if isinstance(leaf, nodes.Path):
        target = _path_target(leaf, doc, reader)
        return [file_start(target)] if target else []

    source = flake.definition(doc, offset, read_under(reader.io))  # a flake input
    if source is not None:
        return [file_start(source)]

    var = analysis.var_at(offset)
    if var is not None:
        res = var.resolution
        if isinstance(res, LocalRef):
            return [location_in(doc, *res.binding.name_span)]
        if isinstance(res, WithRef):
            found = await _evaluated_definition(live, reader, doc, offset)
            if found is None:
                found = await _with_definition(live, reader, doc, res.withs, var.name)
            return [found] if found is not None else []
        # A global: `import` of a path literal goes to the file.
        if var.name == "import" and isinstance(parent, nodes.Apply):
            target = static_sets.import_target(parent, doc)
            return [file_start(target)] if target and reader.exists(target) else []
        return []

    binding = analysis.definition_at(offset)
    if binding is not None:
        return [location_in(doc, *binding.name_span)]

    if isinstance(leaf, nodes.StaticKey) and parent is not None:
        member = _member_definition(doc, reader, leaf, parent)
        if member:
            return member
        evaluated = await _evaluated_definition(live, reader, doc, offset)
        return [evaluated] if evaluated is not None else []
    return []


async def _evaluated_definition(
    live: LiveEvaluator | None, reader: Reader, doc: Unit, offset: int
) -> Location | None:
    """Where the value at ``offset`` is defined, found by evaluating it (``live`` given)."""
    if live is None:
        return None
    place = await value_nav.definition(live, doc, offset)
    if place is None:
        return None
    unit = doc if place.path == doc.path else reader.unit(place.path)
    if unit is None:
        return None
    return location_in(unit, place.start, place.end)
