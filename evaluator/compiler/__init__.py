"""The scope-analysing compiler: :func:`analyse` and its :class:`Analysis`
(in :mod:`evaluator.compiler.analysis`), the code generator
(:mod:`~evaluator.compiler.codegen`) and compiled files
(:mod:`~evaluator.compiler.compiled`).

The analysis is imported on first use of its names: loading compiled files
from the disk cache (``compiled``) needs neither the parser nor the analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evaluator.compiler.analysis import Analysis, Visible, analyse

__all__ = ["Analysis", "Visible", "analyse"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from evaluator.compiler import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
