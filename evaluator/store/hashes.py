"""Hashes as C++ Nix parses and prints them.

A hash is written in base-16, Nix base-32, base-64 or SRI
(``sha256-<base64>``) form, optionally prefixed ``<algo>:``; which form a
string is in is decided by its length, as :func:`parse_any` documents.
"""

from __future__ import annotations

import base64
import hashlib

from evaluator.store import nixbase32
from evaluator.store.errors import StoreError

# Digest sizes of the algorithms Nix 2.8 knows.
HASH_SIZES = {"md5": 16, "sha1": 20, "sha256": 32, "sha512": 64}

_B64_DIGITS = {
    c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}


class Hash:
    """A digest together with the name of its algorithm (immutable; equal
    when both are)."""

    # A plain class, not a dataclass: reading a file imports this module, and
    # `dataclasses` (inspect, ast, dis) costs more than the rest of it.
    __slots__ = ("algo", "digest")

    def __init__(self, algo: str, digest: bytes) -> None:
        self.algo = algo
        self.digest = digest

    def __eq__(self, other: object) -> bool:
        if type(other) is not Hash:
            return NotImplemented
        return (self.algo, self.digest) == (other.algo, other.digest)

    def __hash__(self) -> int:
        return hash((self.algo, self.digest))

    def __repr__(self) -> str:
        return f"Hash(algo={self.algo!r}, digest={self.digest!r})"

    def base16(self) -> str:
        """Lower-case hexadecimal."""
        return self.digest.hex()

    def base32(self) -> str:
        """Nix base-32."""
        return nixbase32.encode(self.digest)

    def base64(self) -> str:
        """Standard base-64 with padding."""
        return base64.b64encode(self.digest).decode("ascii")

    def sri(self) -> str:
        """Subresource-integrity form ``algo-base64``."""
        return f"{self.algo}-{self.base64()}"

    def typed_base16(self) -> str:
        """``algo:hex``, the form the store-path fingerprints use."""
        return f"{self.algo}:{self.base16()}"


def parse_algo(name: str) -> str | None:
    """The algorithm called ``name``, or None if Nix does not know it."""
    return name if name in HASH_SIZES else None


def require_algo(name: str) -> str:
    """The algorithm called ``name``; raises as Nix does for an unknown one."""
    if name not in HASH_SIZES:
        raise StoreError(f"unknown hash algorithm '{name}'")
    return name


def hash_bytes(algo: str, data: bytes) -> Hash:
    """Hash ``data`` with ``algo``."""
    return Hash(algo, hashlib.new(algo, data).digest())


def base16_len(algo: str) -> int:
    """Length of the hexadecimal form of a digest of ``algo``."""
    return HASH_SIZES[algo] * 2


def base32_len(algo: str) -> int:
    """Length of the Nix base-32 form of a digest of ``algo``."""
    return nixbase32.encoded_len(HASH_SIZES[algo])


def base64_len(algo: str) -> int:
    """Length of the padded base-64 form of a digest of ``algo``."""
    return ((4 * HASH_SIZES[algo] // 3) + 3) & ~3


def _decode_base64(text: str) -> bytes:
    # Nix stops at the first '=' and skips newlines; any other character
    # outside the alphabet is an error.
    out = bytearray()
    bits = 0
    acc = 0
    for ch in text.encode("utf-8", "surrogateescape"):
        if ch == ord("="):
            break
        if ch == ord("\n"):
            continue
        digit = _B64_DIGITS.get(ch)
        if digit is None:
            # Nix 2.8 formats the character with a directive that prints nothing.
            raise StoreError("invalid character in Base64 string: ''")
        acc = (acc << 6) | digit
        bits += 6
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    return bytes(out)


def _parse_body(rest: str, algo: str, is_sri: bool, noun: str = "type") -> Hash:
    size = HASH_SIZES[algo]
    if not is_sri and len(rest) == base16_len(algo):
        try:
            digest = bytes.fromhex(rest)
        except ValueError:
            raise StoreError(f"invalid base-16 hash '{rest}'") from None
        if any(c.isspace() for c in rest):
            raise StoreError(f"invalid base-16 hash '{rest}'")
        return Hash(algo, digest)
    if not is_sri and len(rest) == base32_len(algo):
        return Hash(algo, nixbase32.decode(rest, size))
    if is_sri or len(rest) == base64_len(algo):
        kind = "SRI" if is_sri else "base-64"
        try:
            digest = _decode_base64(rest)
        except StoreError:
            if noun == "type":
                raise
            # Nix 2.26 names the hash rather than the character.
            raise StoreError(f"invalid {kind} hash '{rest}'") from None
        if len(digest) != size:
            raise StoreError(f"invalid {kind} hash '{rest}'")
        return Hash(algo, digest)
    raise StoreError(f"hash '{rest}' has wrong length for hash {noun} '{algo}'")


def require_algo_226(name: str) -> str:
    """The algorithm called ``name``; raises with Nix 2.26's message for an unknown one."""
    if name not in HASH_SIZES:
        raise StoreError(
            f"unknown hash algorithm '{name}', expect 'md5', 'sha1', 'sha256', or 'sha512'"
        )
    return name


def parse_any(text: str, algo: str | None, *, nix226: bool = False) -> Hash:
    """Parse a hash in any form, as ``Hash::parseAny`` of Nix 2.8.

    ``algo`` is the algorithm known from elsewhere (e.g. ``outputHashAlgo``);
    if the string carries its own prefix (``sha256:`` or SRI ``sha256-``)
    both must agree. ``nix226`` words the errors as Nix 2.26 does.
    """
    rest = text
    is_sri = False
    parsed: str | None = None
    prefix: str | None = None
    if ":" in rest:
        prefix, rest = rest.split(":", 1)
    elif "-" in rest:
        prefix, rest = rest.split("-", 1)
        is_sri = True
    if prefix is not None:
        parsed = require_algo_226(prefix) if nix226 else require_algo(prefix)
    if parsed is None and algo is None:
        raise StoreError(
            f"hash '{rest}' does not include a type, nor is the type otherwise known from context"
        )
    if parsed is not None and algo is not None and parsed != algo:
        raise StoreError(f"hash '{text}' should have type '{algo}'")
    chosen = parsed if parsed is not None else algo
    assert chosen is not None
    return _parse_body(rest, chosen, is_sri, "algorithm" if nix226 else "type")


def parse_allow_empty(text: str, algo: str | None) -> tuple[Hash, str | None]:
    """Like :func:`parse_any`, but an empty string means the all-zero hash.

    Returns the hash and the warning Nix prints in that case (or None).
    """
    if text == "":
        if algo is None:
            raise StoreError("empty hash requires explicit hash type")
        h = Hash(algo, bytes(HASH_SIZES[algo]))
        return h, f"found empty hash, assuming '{h.sri()}'"
    return parse_any(text, algo), None
