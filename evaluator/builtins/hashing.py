"""`hashString` and `convertHash`: digests of strings and conversions between hash forms.

The algorithms are those of Nix 2.26 (md5, sha1, sha256, sha512; BLAKE3
came later, in 2.27); the forms are base-16, Nix base-32 (`nix32`, alias
`base32`), base-64 and SRI.
"""

from __future__ import annotations

import hashlib
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import missing_attribute
from evaluator.store import hashes
from evaluator.store.errors import StoreError
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import NixError, UsageError
from evaluator.vm.values import Frame

_FORMATS = {
    "base16": hashes.Hash.base16,
    "nix32": hashes.Hash.base32,
    "base32": hashes.Hash.base32,
    "base64": hashes.Hash.base64,
    "sri": hashes.Hash.sri,
}


def hash_algorithm(name: str) -> str:
    """The algorithm called ``name``, or the error Nix 2.26 gives for an unknown one."""
    try:
        return hashes.require_algo_226(name)
    except StoreError as e:
        raise UsageError(str(e)) from None


@builtin("hashString", 2)
def hash_string(algo: Any, s: Any) -> Frame:
    """`hashString type s`: the hexadecimal hash of the bytes of `s`; `type` is "md5",
    "sha1", "sha256" or "sha512"."""
    name = hash_algorithm(str.__str__((yield from ops.force_string_no_context(algo))))
    s = yield from ops.force_string(s)
    data = str.__str__(s).encode("utf-8", "surrogateescape")
    return hashlib.new(name, data).hexdigest()


def _required(args: Any, name: str) -> Any:
    if name not in args:
        raise missing_attribute(name, f"while locating the attribute '{name}'")
    return args[name]


@builtin("convertHash", 1)
def convert_hash(args: Any) -> Frame:
    """`convertHash { hash; hashAlgo ? null; toHashFormat; }`: `hash` (in any form) written
    in `toHashFormat`: "base16", "nix32", "base64" or "sri"; `hashAlgo` is needed
    when `hash` does not name its algorithm."""
    args = yield from ops.force_attrs(args)
    text = str.__str__((yield from ops.force_string_no_context(_required(args, "hash"))))
    algo: str | None = None
    if "hashAlgo" in args:
        name = yield from ops.force_string_no_context(args["hashAlgo"])
        algo = hash_algorithm(str.__str__(name))
    fmt = str.__str__((yield from ops.force_string_no_context(_required(args, "toHashFormat"))))
    show = _FORMATS.get(fmt)
    if show is None:
        expected = "expect 'base16', 'base32', 'base64', or 'sri'"
        raise NixError(f"unknown hash format '{fmt}', {expected}")
    if fmt == "base32":
        current().stderr.write('warning: "base32" is a deprecated alias for hash format "nix32".\n')
    try:
        parsed = hashes.parse_any(text, algo, nix226=True)
    except StoreError as e:
        raise NixError(str(e)) from None
    return show(parsed)
