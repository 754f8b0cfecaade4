"""Flake references as Nix 2.26 parses and prints them (no builtins here).

A flake reference is a URL-like string (``github:owner/repo/ref``,
``path:/dir``, ``git+https://host/repo?ref=main``, ``nixpkgs/unstable``...)
or its attribute-set form, the arguments of `fetchTree` plus ``dir``.
:func:`parse` turns the first into the second, :func:`unparse` the reverse;
both raise :class:`FlakeRefError` with Nix's messages.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

FlakeAttrs = dict[str, str | int | bool]


class FlakeRefError(Exception):
    """A malformed or unsupported flake reference."""


# Query parameters whose values are not strings in the attribute form.
_INTS = frozenset({"lastModified", "revCount"})
_BOOLS = frozenset({"submodules", "shallow", "exportIgnore", "allRefs", "lfs", "verifyCommit"})
# The attributes each scheme accepts besides `type` (`dir` belongs to flakes).
_SCHEME_ATTRS = {
    "path": frozenset({"path", "rev", "revCount", "lastModified", "narHash", "dir"}),
    "indirect": frozenset({"id", "ref", "rev", "narHash", "dir"}),
    "git": frozenset(
        {
            "url",
            "ref",
            "rev",
            "shallow",
            "submodules",
            "lfs",
            "exportIgnore",
            "lastModified",
            "revCount",
            "narHash",
            "allRefs",
            "name",
            "dirtyRev",
            "dirtyShortRev",
            "verifyCommit",
            "keytype",
            "publicKey",
            "publicKeys",
            "dir",
        }
    ),
    "hg": frozenset({"url", "ref", "rev", "revCount", "narHash", "name", "dir"}),
    "tarball": frozenset(
        {"url", "narHash", "name", "unpack", "rev", "revCount", "lastModified", "dir"}
    ),
    "file": frozenset(
        {"url", "narHash", "name", "unpack", "rev", "revCount", "lastModified", "dir"}
    ),
}
_FORGES = {"github": "github.com", "gitlab": "gitlab.com", "sourcehut": "git.sr.ht"}
for _forge_name in _FORGES:
    _SCHEME_ATTRS[_forge_name] = frozenset(
        {"owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash", "dir"}
    )

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$", re.S)
_ID = r"[a-zA-Z][a-zA-Z0-9_-]*"
_REV = r"[0-9a-fA-F]{40}"
_INDIRECT = re.compile(rf"^({_ID})(?:/([^/?#]+?))?(?:/({_REV}))?$")
_URL_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$")
_ARCHIVES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst")


def _query(text: str, whole: str) -> FlakeAttrs:
    out: FlakeAttrs = {}
    for item in text.split("&") if text else []:
        name, _, value = item.partition("=")
        name, value = unquote(name), unquote(value)
        if name in _INTS:
            if not value.isdigit():
                raise FlakeRefError(f"invalid integer '{value}' in flake reference '{whole}'")
            out[name] = int(value)
        elif name in _BOOLS:
            out[name] = value == "1"
        else:
            out[name] = value
    return out


def _check_rev(rev: str) -> None:
    if not re.fullmatch(r"[0-9a-fA-F]{40}", rev):
        raise FlakeRefError(f"hash '{rev}' has wrong length for hash algorithm 'sha1'")


def _not_absolute(whole: str) -> FlakeRefError:
    return FlakeRefError(f"flake reference '{whole}' is not an absolute path")


def _forge(scheme: str, rest: str, params: FlakeAttrs, whole: str) -> FlakeAttrs:
    parts = rest.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise _not_absolute(whole)
    out: FlakeAttrs = {"type": scheme, "owner": unquote(parts[0]), "repo": unquote(parts[1])}
    if len(parts) > 2:
        tail = unquote("/".join(parts[2:]))
        if re.fullmatch(_REV, tail):
            out["rev"] = tail
        else:
            out["ref"] = tail
    allowed = _SCHEME_ATTRS[scheme]
    for name, value in params.items():
        if name in allowed:
            out[name] = value
    if "rev" in out:
        _check_rev(str(out["rev"]))
    return out


def parse(text: str) -> FlakeAttrs:
    """The attribute form of flake reference ``text`` (as `builtins.parseFlakeRef`)."""
    url, hash_mark, fragment = text.partition("#")
    if hash_mark:
        raise FlakeRefError(f"unexpected fragment '{fragment}' in flake reference '{text}'")
    m = _SCHEME.match(url)
    if m is None:
        found = _INDIRECT.match(url)
        if found is not None and not url.startswith((".", "/")):
            return _indirect(found, {})
        base, _, query = url.partition("?")
        if not base.startswith("/") or not _URL_CHARS.match(url):
            raise _not_absolute(text)
        return {"type": "path", "path": unquote(base), **_query(query, text)}
    scheme, rest = m.group(1), m.group(2)
    if not _URL_CHARS.match(rest):
        raise _not_absolute(text)
    rest, _, query = rest.partition("?")
    params = _query(query, text)
    if scheme == "path":
        return {"type": "path", "path": unquote(rest), **params}
    if scheme == "flake":
        found = _INDIRECT.match(rest)
        if found is None:
            raise FlakeRefError(f"'{rest}' is not a valid flake ID")
        return _indirect(found, params)
    if scheme in _FORGES:
        return _forge(scheme, rest, params, text)
    inner = scheme.partition("+")
    if inner[0] in ("git", "hg") and inner[2]:
        out: FlakeAttrs = {"type": inner[0], "url": f"{inner[2]}:{rest}"}
        out.update(params)
        if "rev" in out:
            _check_rev(str(out["rev"]))
        return out
    if inner[0] in ("tarball", "file") and inner[2]:
        return {"type": inner[0], "url": f"{inner[2]}:{rest}", **params}
    if scheme in ("http", "https", "file"):
        kind = "tarball" if scheme != "file" or rest.endswith(_ARCHIVES) else "file"
        return {"type": kind, "url": f"{scheme}:{rest}", **params}
    raise FlakeRefError(f"input '{text}' is unsupported")


def _indirect(found: re.Match[str], params: FlakeAttrs) -> FlakeAttrs:
    out: FlakeAttrs = {"type": "indirect", "id": found.group(1)}
    if found.group(2):
        out["ref"] = found.group(2)
    if found.group(3):
        out["rev"] = found.group(3)
    out.update(params)
    return out


def _encode(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return quote(str(value), safe="/")


def _query_text(attrs: FlakeAttrs, skip: frozenset[str]) -> str:
    # A false flag is the default: Nix leaves it out.
    items = [
        f"{quote(k, safe='')}={_encode(v)}"
        for k, v in sorted(attrs.items())
        if k not in skip and v is not False
    ]
    return "?" + "&".join(items) if items else ""


def _require(attrs: FlakeAttrs, name: str) -> str:
    if name not in attrs:
        raise FlakeRefError(f"input attribute '{name}' is missing")
    return str(attrs[name])


def unparse(attrs: FlakeAttrs) -> str:
    """The URL form of the attribute form ``attrs`` (as `builtins.flakeRefToString`)."""
    kind = attrs.get("type")
    allowed = _SCHEME_ATTRS.get(str(kind)) if isinstance(kind, str) else None
    if allowed is None:
        shown = json.dumps(attrs, separators=(",", ":"), sort_keys=True)
        raise FlakeRefError(f"cannot show unsupported input '{shown}'")
    for name in attrs:
        if name != "type" and name not in allowed:
            raise FlakeRefError(f"input attribute '{name}' not supported by scheme '{kind}'")
    if kind == "path":
        path = quote(_require(attrs, "path"), safe="/-._~!$&'()*+,;=:@")
        return f"path:{path}{_query_text(attrs, frozenset({'type', 'path'}))}"
    if kind == "indirect":
        text = "flake:" + _require(attrs, "id")
        for part in ("ref", "rev"):
            if part in attrs:
                text += "/" + str(attrs[part])
        return text + _query_text(attrs, frozenset({"type", "id", "ref", "rev"}))
    if kind in _FORGES:
        text = f"{kind}:{_require(attrs, 'owner')}/{_require(attrs, 'repo')}"
        if "rev" in attrs or "ref" in attrs:
            text += "/" + str(attrs.get("rev", attrs.get("ref")))
        skip = {"type", "owner", "repo", "ref", "rev"}
        if attrs.get("host") == _FORGES[str(kind)]:
            skip.add("host")
        return text + _query_text(attrs, frozenset(skip))
    url = _require(attrs, "url")
    rest = _query_text(attrs, frozenset({"type", "url"}))
    if kind in ("git", "hg"):
        return f"{kind}+{url}{rest}"
    return f"{url}{rest}"


def has_scheme(text: str) -> bool:
    """Whether ``text`` starts with a URL scheme (`fetchTree` wants a URL)."""
    return _SCHEME.match(text) is not None
