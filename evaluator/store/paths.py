"""Store paths: names, the fingerprint rule, and the path kinds Nix makes.

A store path is ``<storeDir>/<hash>-<name>`` where ``<hash>`` is the Nix
base-32 form of the SHA-256 of a *fingerprint*
``<type>:sha256:<hex>:<storeDir>:<name>``, folded to 20 bytes. The
``<type>`` says what kind of object it is (``text`` with its references,
``source``, ``output:<id>``) and ``<hex>`` is the hash of its contents.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from evaluator.store import nixbase32
from evaluator.store.errors import StoreError
from evaluator.store.hashes import Hash, hash_bytes

HASH_LEN = 32  # characters of the base-32 hash part
MAX_NAME_LEN = 211
DRV_EXTENSION = ".drv"

# What Nix accepts in the hash part (it checks characters, not the encoding).
_HASH_PART = re.compile("[0-9a-df-np-sv-z]*")
_VALID_NAME = re.compile("[0-9a-zA-Z+\\-._?=]*")
NAME_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?=")


def compress_hash(digest: bytes, size: int) -> bytes:
    """Fold ``digest`` to ``size`` bytes by XOR, as Nix's ``compressHash``."""
    acc = 0
    for start in range(0, len(digest), size):
        acc ^= int.from_bytes(digest[start : start + size].ljust(size, b"\0"), "little")
    return acc.to_bytes(size, "little")


def check_name(base_name: str, name: str) -> None:
    """Raise as Nix does if ``name`` is not a valid store path name.

    ``base_name`` (``<hash>-<name>``) is only used in the messages.
    """
    if not name:
        raise StoreError(f"store path '{base_name}' has an empty name")
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_LEN:
        raise StoreError(
            f"store path '{base_name}' has a name longer than {MAX_NAME_LEN} characters"
        )
    if _VALID_NAME.fullmatch(name):
        return
    for c in name:
        if c not in NAME_CHARS:
            shown = c.encode("utf-8", "surrogateescape")[:1].decode("latin-1")
            raise StoreError(f"store path '{base_name}' contains illegal character '{shown}'")


def make_type(kind: str, references: Iterable[str] = (), self_ref: bool = False) -> str:
    """The fingerprint type: ``kind`` then each reference (sorted), then ``self``."""
    parts = [kind, *sorted(references)]
    if self_ref:
        parts.append("self")
    return ":".join(parts)


def make_store_path(kind: str, h: Hash, name: str, store_dir: str) -> str:
    """The store path of an object of fingerprint type ``kind`` and content hash ``h``."""
    fingerprint = f"{kind}:{h.typed_base16()}:{store_dir}:{name}"
    digest = hashlib.sha256(fingerprint.encode("utf-8", "surrogateescape")).digest()
    hash_part = nixbase32.encode(compress_hash(digest, 20))
    check_name(f"{hash_part}-{name}", name)
    return f"{store_dir}/{hash_part}-{name}"


def make_text_path(name: str, contents: bytes, references: Iterable[str], store_dir: str) -> str:
    """The path of a text file (``toFile``, a ``.drv``) with these references."""
    return make_store_path(
        make_type("text", references), hash_bytes("sha256", contents), name, store_dir
    )


def make_fixed_output_path(
    recursive: bool,
    h: Hash,
    name: str,
    store_dir: str,
    references: Iterable[str] = (),
) -> str:
    """The path of content-addressed data (a source path or fixed output).

    Recursive SHA-256 is a ``source`` path; everything else goes through a
    second hash ``fixed:out:[r:]<algo>:<hex>:``.
    """
    if recursive and h.algo == "sha256":
        return make_store_path(make_type("source", references), h, name, store_dir)
    method = "r:" if recursive else ""
    inner = hash_bytes("sha256", f"fixed:out:{method}{h.typed_base16()}:".encode())
    return make_store_path("output:out", inner, name, store_dir)


def output_path_name(drv_name: str, output: str) -> str:
    """The name of an output path: ``name`` for ``out``, else ``name-output``."""
    return drv_name if output == "out" else f"{drv_name}-{output}"


def make_output_path(output: str, h: Hash, drv_name: str, store_dir: str) -> str:
    """The path of an input-addressed output, from the derivation's modulo hash."""
    return make_store_path(f"output:{output}", h, output_path_name(drv_name, output), store_dir)


def placeholder(output: str) -> str:
    """``builtins.placeholder output``: stands for the output's path in a builder."""
    digest = hashlib.sha256(f"nix-output:{output}".encode("utf-8", "surrogateescape")).digest()
    return "/" + nixbase32.encode(digest)


def is_derivation(path: str) -> bool:
    """Whether a path or name is that of a ``.drv`` file."""
    return path.endswith(DRV_EXTENSION)


def parse_store_path(path: str, store_dir: str) -> str:
    """Validate a store path (no subpath); returns it. Raises as Nix does."""
    if path.rpartition("/")[0] != store_dir or path.endswith("/"):
        raise StoreError(f"path '{path}' is not in the Nix store")
    base = path.rpartition("/")[2]
    if len(base) < HASH_LEN + 1:
        raise StoreError(f"'{base}' is too short to be a valid store path")
    if not _HASH_PART.fullmatch(base, 0, HASH_LEN):
        for c in base[:HASH_LEN]:
            if c in "eout" or not (c.isascii() and (c.isdigit() or c.islower())):
                raise StoreError(f"store path '{base}' contains illegal base-32 character '{c}'")
    check_name(base, base[HASH_LEN + 1 :])
    return path


def is_store_path(path: str, store_dir: str) -> bool:
    """Whether ``path`` is exactly a valid store path (no subpath)."""
    try:
        parse_store_path(path, store_dir)
    except StoreError:
        return False
    return True


def is_in_store(path: str, store_dir: str) -> bool:
    """Whether ``path`` is strictly below the store directory."""
    return path.startswith(store_dir + "/") and len(path) > len(store_dir) + 1


def to_store_path(path: str, store_dir: str) -> tuple[str, str]:
    """Split a path inside the store into (store path, subpath)."""
    if not is_in_store(path, store_dir):
        raise StoreError(f"path '{path}' is not in the Nix store")
    rest = path[len(store_dir) + 1 :]
    base, sep, sub = rest.partition("/")
    return parse_store_path(f"{store_dir}/{base}", store_dir), sep + sub
