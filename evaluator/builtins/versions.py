"""Version-string builtins: `compareVersions`, `splitVersion`, `parseDrvName`.

Versions are split into components: runs of digits, or runs of other
characters, with `.` and `-` separating them. Numeric components compare as
numbers, `pre` sorts before anything else, and a number sorts after a word
(`2.3a` < `2.3.1`), as in C++ Nix.
"""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.values import Attrs, Frame, NixList

_INT32_MAX = (1 << 31) - 1


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def _is_alpha(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def components(version: str) -> list[str]:
    """All components of ``version`` (an empty one, which ends the version, excluded)."""
    out: list[str] = []
    i = 0
    n = len(version)
    while i < n:
        comp, i = _next_component(version, i)
        if not comp:
            break
        out.append(comp)
    return out


def _next_component(v: str, i: int) -> tuple[str, int]:
    n = len(v)
    while i < n and v[i] in ".-":
        i += 1
    if i >= n:
        return "", i
    start = i
    if _is_digit(v[i]):
        while i < n and _is_digit(v[i]):
            i += 1
    else:
        while i < n and not _is_digit(v[i]) and v[i] not in ".-":
            i += 1
    return v[start:i], i


def _as_int(c: str) -> int | None:
    # Nix parses a component as a C `int`: too large a number is a word.
    if c and all(_is_digit(ch) for ch in c):
        n = int(c)
        if n <= _INT32_MAX:
            return n
    return None


def _component_less(c1: str, c2: str) -> bool:
    n1 = _as_int(c1)
    n2 = _as_int(c2)
    if n1 is not None and n2 is not None:
        return n1 < n2
    if c1 == "" and n2 is not None:
        return True
    if c1 == "pre" and c2 != "pre":
        return True
    if c2 == "pre":
        return False
    if n2 is not None:
        return True
    if n1 is not None:
        return False
    return c1 < c2


def compare_versions(v1: str, v2: str) -> int:
    """-1, 0 or 1 as ``v1`` is older than, the same as, or newer than ``v2``."""
    i1 = i2 = 0
    while i1 < len(v1) or i2 < len(v2):
        c1, i1 = _next_component(v1, i1)
        c2, i2 = _next_component(v2, i2)
        if _component_less(c1, c2):
            return -1
        if _component_less(c2, c1):
            return 1
    return 0


def parse_drv_name(s: str) -> tuple[str, str]:
    """Split a derivation name at the first `-` not followed by a letter."""
    for i, c in enumerate(s):
        if c == "-" and i + 1 < len(s) and not _is_alpha(s[i + 1]):
            return s[:i], s[i + 1 :]
    return s, ""


@builtin("compareVersions", 2)
def compare_versions_builtin(a: Any, b: Any) -> Frame:
    """`compareVersions v1 v2`: -1, 0 or 1 as version `v1` is older, equal or newer than `v2`."""
    a = yield from ops.force_string_no_context(a)
    b = yield from ops.force_string_no_context(b)
    return compare_versions(str.__str__(a), str.__str__(b))


@builtin("splitVersion", 1)
def split_version(v: Any) -> Frame:
    """`splitVersion v`: the list of components of the version string `v`."""
    v = yield from ops.force_string_no_context(v)
    return NixList(components(str.__str__(v)))


@builtin("parseDrvName", 1)
def parse_drv_name_builtin(s: Any) -> Frame:
    """`parseDrvName s`: `{ name; version; }` from a name such as "nix-2.8.0"."""
    s = yield from ops.force_string_no_context(s)
    name, version = parse_drv_name(str.__str__(s))
    return Attrs(name=name, version=version)
