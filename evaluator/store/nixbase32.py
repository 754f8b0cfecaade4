"""Nix's base-32 encoding of hashes.

Not RFC 4648: the alphabet omits ``e o u t`` (to avoid accidental words)
and the digits are taken from the *end* of the byte string, least
significant bits first, so the encoding of a hash reads "backwards".
"""

from __future__ import annotations

from evaluator.store.errors import StoreError

ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz"
_DIGIT = {c: i for i, c in enumerate(ALPHABET)}


def encoded_len(size: int) -> int:
    """Length of the base-32 form of ``size`` bytes."""
    return (size * 8 - 1) // 5 + 1


def encode(data: bytes) -> str:
    """The Nix base-32 form of ``data``."""
    # Digit n is bits 5n..5n+4 of the bytes read as a little-endian number;
    # the string lists the digits from the highest n down.
    num = int.from_bytes(data, "little")
    return "".join(
        [ALPHABET[(num >> (5 * n)) & 0x1F] for n in range(encoded_len(len(data)) - 1, -1, -1)]
    )


def decode(text: str, size: int) -> bytes:
    """Decode ``text`` into ``size`` bytes; raises :class:`StoreError` if invalid."""
    if len(text) != encoded_len(size):
        raise StoreError(f"invalid base-32 hash '{text}'")
    out = bytearray(size)
    for n in range(len(text)):
        digit = _DIGIT.get(text[len(text) - n - 1])
        if digit is None:
            raise StoreError(f"invalid base-32 hash '{text}'")
        b = n * 5
        i, j = divmod(b, 8)
        out[i] |= (digit << j) & 0xFF
        carry = digit >> (8 - j)
        if i + 1 < size:
            out[i + 1] |= carry
        elif carry:
            raise StoreError(f"invalid base-32 hash '{text}'")
    return bytes(out)


def is_valid(text: str) -> bool:
    """Whether every character of ``text`` is in the alphabet."""
    return all(c in _DIGIT for c in text)
