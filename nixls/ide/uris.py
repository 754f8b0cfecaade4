"""``file:`` URIs and filesystem paths (POSIX), encoded as editors encode them."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlparse

# VS Code leaves a drive-letter-like prefix (`/c:`) unescaped.
_DRIVE = re.compile(r"^/[a-zA-Z]:")


def uri_to_path(uri: str) -> str | None:
    """Filesystem path of a ``file:`` URI, else None."""
    parts = urlparse(uri)
    if parts.scheme != "file":
        return None
    path = unquote(parts.path)
    if parts.netloc:
        return f"//{unquote(parts.netloc)}{path}"
    return path


def path_to_uri(path: str) -> str:
    """``file:`` URI of an absolute path."""
    if not path.startswith("/"):
        path = "/" + path
    if _DRIVE.match(path):
        return "file://" + path[:3] + quote(path[3:])
    return "file://" + quote(path)
