"""The one exception type of the store library."""

from __future__ import annotations


class StoreError(Exception):
    """A store computation failed; the message is worded as C++ Nix words it.

    The evaluator turns it into a located Nix error.
    """
