"""Structural dumps of parse results, and the broken variants of a file.

Shared by `test_parse_corpus.py` and the recorder in
`fixtures/record_parse_corpus.py`, which records the hashes with the parser of
another checkout (the one before a parser change): the dump only reads the
node classes' fields, so it works with whichever `evaluator` is imported.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evaluator.syntax import nodes as n

DATA = Path(__file__).resolve().parents[1] / "data"
# Inserted by the "ins" variants: openers, closers and keywords recovery must cope with.
_INSERTS = (b"{", b"(", b"]", b"}", b";", b"''", b'"', b"${", b"let ", b"=", b"in")


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        # From `__slots__`, which dataclass(slots=True) nodes also have.
        skip = ("start", "end", "resolution")
        slots = (k.__dict__.get("__slots__", ()) for k in reversed(cls.__mro__))
        names = _FIELDS[cls] = tuple(f for own in slots for f in own if f not in skip)
    return names


def dump(result: Any) -> str:
    """Every node's type, span and fields in pre-order, then every error."""
    out: list[str] = []
    stack: list[object] = [result.root]
    while stack:
        item = stack.pop()
        if isinstance(item, n.Node):
            out.append(f"{type(item).__name__} {item.start} {item.end}")
            kids: list[object] = []
            for name in _fields(type(item)):
                kids += [("field", name), getattr(item, name)]
            stack.extend(reversed(kids))
        elif isinstance(item, list):
            out.append(f"list {len(item)}")
            stack.extend(reversed(item))
        elif isinstance(item, tuple) and item[:1] == ("field",):
            out.append(f".{item[1]}")
        else:
            out.append(repr(item))
    out.append("errors")
    out.extend(f"{e.start} {e.end} {e.message}" for e in result.errors)
    return "\n".join(out)


def corpus_files() -> list[Path]:
    """Every .nix file under tests/data, in a fixed order."""
    return sorted(DATA.rglob("*.nix"))


def variants(source: bytes, seed: str) -> Iterator[bytes]:
    """The file itself, then three broken copies (a few bytes deleted, cut
    short, one opener/closer/keyword inserted), the same for the same seed."""
    yield source
    if len(source) < 20:
        return
    rnd = random.Random(seed)
    i = rnd.randrange(len(source))
    yield source[:i] + source[i + 1 + rnd.randrange(5) :]
    yield source[: rnd.randrange(len(source))]
    i = rnd.randrange(len(source))
    yield source[:i] + rnd.choice(_INSERTS) + source[i:]


def tree_hash(parse: Any, path: Path) -> str:
    """One hash over the dumps of the file's variants (12 hex digits)."""
    digest = hashlib.sha256()
    rel = path.relative_to(DATA).as_posix()
    for text in variants(path.read_bytes(), rel):
        digest.update(dump(parse(text)).encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def text_hash(path: Path) -> str:
    """The file's content hash (12 hex digits): a fixture entry for a file
    that has changed since it was recorded says nothing about the parser."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
