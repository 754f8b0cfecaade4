"""The errors Nix reports before evaluating a file: :class:`NixSyntaxError`.

Apart from :mod:`evaluator.front_end`, which raises most of them, because
the evaluator raises one too for a file read from the disk cache
(:func:`pipe_error`) and must not import the front end for it.
"""

from __future__ import annotations

from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText


class NixSyntaxError(NixError):
    """The file does not parse, or Nix would reject it before evaluating
    (undefined variable, duplicate attribute...)."""


def pipe_error(source: SourceText, at: int) -> NixSyntaxError:
    """The error for a pipe operator at ``at`` when `pipe-operators` is not enabled."""
    return NixSyntaxError(
        "experimental Nix feature 'pipe-operators' is disabled; add "
        "'--extra-experimental-features pipe-operators' to enable it",
        (source, at, at + 2),
    )
