"""Attribute completion documented lazily: each item's kind and doc on resolve.

After `lib.` there are hundreds of names; forcing each value to know its
kind and find its doc comment would make completion slow, so the list is
the set's names only (not forced) and each item carries a small token
(:func:`item_data`). When the editor asks to resolve an item, the token
leads back to where the completion was asked (the text it was computed
on, the set's expression, the attribute path so far) and :func:`resolve`
evaluates just that attribute — in the document's session, where the set
is already evaluated — and describes it (:mod:`nixls.ide.value_nav`).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nixls.ide import value_nav
from nixls.ide.uris import path_to_uri

if TYPE_CHECKING:
    from nixls.ide.live import LiveEvaluator
    from nixls.ide.workspace import Unit

_TAG = "nixls.value"


@dataclass(frozen=True)
class Origin:
    """Where one completion list came from."""

    unit: Unit  # the text it was computed on (the document, or a patched copy)
    generation: int | None  # the document's generation then (None: a copy, never edited)
    query: value_nav.Query  # the set's expression and the attribute path up to it


@dataclass(frozen=True)
class ItemDoc:
    """What resolving an item adds to it."""

    kind: str | None  # function, builtin, derivation, set, …
    detail: str | None
    documentation: str | None  # Markdown


class Origins:
    """The origins of recent completion lists, by number (a bounded, thread-safe memory)."""

    def __init__(self, keep: int = 32) -> None:
        self._by_id: OrderedDict[int, Origin] = OrderedDict()
        self._ids = itertools.count(1)
        self._keep = keep
        self._lock = threading.Lock()

    def remember(self, unit: Unit, query: value_nav.Query) -> int:
        """Keep where a completion list came from; its number goes into the items."""
        generation = getattr(unit, "generation", None)
        with self._lock:
            number = next(self._ids)
            self._by_id[number] = Origin(unit, generation, query)
            while len(self._by_id) > self._keep:
                self._by_id.popitem(last=False)
        return number

    def get(self, number: int) -> Origin | None:
        """The origin numbered ``number`` (None: forgotten, or its document was edited)."""
        with self._lock:
            origin = self._by_id.get(number)
        if origin is None:
            return None
        if origin.generation is not None and getattr(origin.unit, "generation", None) != (
            origin.generation
        ):
            return None  # the document's tree changed in place since
        return origin


ORIGINS = Origins()


def item_data(origin: int, name: str) -> dict[str, Any]:
    """The token an item carries for :func:`resolve`."""
    return {_TAG: origin, "name": name}


def parse_data(data: Any) -> tuple[int, str] | None:
    """(origin number, attribute name) from an item's token, if it is one of ours."""
    if not isinstance(data, dict):
        return None
    origin, name = data.get(_TAG), data.get("name")
    if type(origin) is not int or not isinstance(name, str):
        return None
    return origin, name


async def resolve(
    evaluator: LiveEvaluator, data: Any, roots: Sequence[str], wait: float
) -> ItemDoc | None:
    """The kind and documentation of a completed attribute (None: not ours, or not known)."""
    parsed = parse_data(data)
    if parsed is None:
        return None
    origin = ORIGINS.get(parsed[0])
    if origin is None:
        return None
    query = value_nav.Query(origin.query.span, (*origin.query.path, parsed[1]))
    facts = await value_nav.within(value_nav.facts(evaluator, origin.unit, query, show=True), wait)
    return describe(facts, roots) if facts is not None else None


def describe(facts: value_nav.Facts, roots: Sequence[str]) -> ItemDoc | None:
    """An item's kind, detail and documentation from what is known of its value."""
    if facts.cancelled:
        return None
    if facts.unknown is not None:
        return ItemDoc(None, None, f"*depends on {facts.unknown}, which is unknown here*")
    if facts.error is not None:
        return ItemDoc(None, None, f"*error:* `{facts.error.splitlines()[0]}`")
    link = path_to_uri(facts.defined.path) if facts.defined is not None else None
    parts = [value_nav.markdown(facts, roots, link) or ""]
    if facts.kind not in ("function", "builtin") and facts.value is not None:
        parts.insert(0, f"```nix\n{facts.value}\n```")
    detail = facts.signature or facts.kind
    return ItemDoc(facts.kind, detail, "\n\n".join(p for p in parts if p) or None)
