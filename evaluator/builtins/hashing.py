"""`hashString`: md5, sha1, sha256 and sha512 digests of strings, in hexadecimal."""

from __future__ import annotations

import hashlib
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Frame

ALGORITHMS = ("md5", "sha1", "sha256", "sha512")


@builtin("hashString", 2)
def hash_string(algo: Any, s: Any) -> Frame:
    """`hashString type s`: the hexadecimal hash of the bytes of `s`; `type` is "md5",
    "sha1", "sha256" or "sha512"."""
    algo = str.__str__((yield from ops.force_string(algo)))
    if algo not in ALGORITHMS:
        raise NixError(f"unknown hash algorithm '{algo}'")
    s = yield from ops.force_string(s)
    data = str.__str__(s).encode("utf-8", "surrogateescape")
    return hashlib.new(algo, data).hexdigest()
