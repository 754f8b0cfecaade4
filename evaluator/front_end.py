"""The front end: Nix source parsed, checked and compiled to a :class:`CompiledFile`.

Imported when something must actually be compiled: a file read from the
disk cache needs none of it (no parser, no analysis, no code generator).
:mod:`evaluator.api` re-exports :func:`compile_source`, :func:`first_problem`
and :func:`feature_error`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evaluator.compiler import Analysis, analyse
from evaluator.compiler.analysis import analyse_to_compile
from evaluator.compiler.bindings import unparen
from evaluator.compiler.codegen import Compiler, compile_tree
from evaluator.compiler.compiled import CompiledFile
from evaluator.compiler.scope import Resolved
from evaluator.syntax import ParseResult, nodes, parse
from evaluator.syntax.positions import operator_offset
from evaluator.syntax_errors import NixSyntaxError, pipe_error
from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText
from evaluator.vm.gc_tuning import FRONT_END_GC
from evaluator.vm.loop import python_error_message

if TYPE_CHECKING:
    from evaluator.compiler.diagnostics import Diagnostic

__all__ = ["compile_source", "feature_error", "first_problem", "rebuild"]


def compile_source(
    text: bytes, path: str | None, base_dir: str, *, scoped: bool = False
) -> CompiledFile:
    """Parse, check and compile Nix source (no cache: see :class:`CompileCache`).

    Raises :class:`NixSyntaxError` located at the first syntax error, or the
    first error Nix reports at parse time. ``scoped``: for `scopedImport`,
    where names the file does not define may come from the scope.
    """
    source = SourceText(path, text)
    with FRONT_END_GC:
        try:
            result = parse(text)
            if result.errors:
                first = result.errors[0]
                raise NixSyntaxError(first.message, (source, first.start, first.end))
            analysis = analyse_to_compile(result, source.location_name, scoped)
            error = _first_error(analysis, scoped=scoped)
            if error is not None:
                raise NixSyntaxError(error.message, (source, error.start, error.end))
            _drop_analysis_only(analysis.resolved)
            # Read from the tree first: compiling frees most of it.
            pipe_at = _first_pipe(result.root, text)
            warned = _cursed_or(result.root, source) if not scoped and result.or_calls else []
            compiled = compile_tree(
                result.root, analysis.resolved, source, base_dir, scoped=scoped, owns_tree=True
            )
            compiled.pipe_at = pipe_at
            compiled.warnings = warned
        except NixError:
            raise
        except Exception as exc:  # a Python limit or a bug: still a located Nix error
            raise NixError(python_error_message(exc), (source, 0, 0)) from exc
    return compiled


def rebuild(text: bytes, source: SourceText, base_dir: str, scoped: bool) -> Compiler:
    """The compiler of a file read from the disk cache, for the units it lacks
    (the text compiled before without error: no checks)."""
    result = parse(text)
    analysis = analyse_to_compile(result, source.location_name, scoped)
    _drop_analysis_only(analysis.resolved)
    compiler = Compiler(analysis.resolved, source, base_dir, scoped, owns_tree=True)
    compiler.compile_root(result.root)
    return compiler


def _drop_analysis_only(resolved: Resolved) -> None:
    """Empty what only diagnostics and the editor read (liveness, positions,
    findings): the compiler keeps the rest as long as the file has deferred
    thunks to generate, which is the whole evaluation."""
    for table in (
        resolved.scope_of,
        resolved.all_bindings,
        resolved.owner_of,
        resolved.owned_vars,
        resolved.undefined,
        resolved.duplicate_attrs,
        resolved.duplicate_formals,
        resolved.dynamic_in_let,
        resolved.empty_lets,
        resolved.empty_inherits,
        resolved.uris,
        resolved.legacy_lets,
        resolved.synthetic,
        resolved.owns,
        resolved.roots,
        resolved.env_of,
    ):
        table.clear()


def _cursed_or(root: nodes.Node, source: SourceText) -> list[str]:
    """Nix 2.26's warnings for `e or` read as a call of `e` on a variable `or`
    (except where `e` is a name, as in `map or [ ]`)."""
    out = []
    for node in nodes.walk(root):
        if type(node) is nodes.Apply and type(node.arg) is nodes.Var and node.arg.name == "or":
            if type(unparen(node.fn)) is nodes.Var:
                continue
            line, col = source.line_col(node.start)
            text = source.text[node.start : node.end].decode("utf-8", "replace")
            out.append(
                f"warning: at {source.location_name}:{line}:{col}: This expression uses `or` as"
                " an identifier in a way that will change in a future Nix release.\n"
                "Wrap this entire expression in parentheses to preserve its current meaning:\n"
                f"    ({text})\n"
                "Give feedback at https://github.com/NixOS/nix/pull/11121\n"
            )
    return out


def _first_pipe(root: nodes.Node, text: bytes) -> int | None:
    """The offset of the first `|>` / `<|` operator (its first character)."""
    # No tree walk for most expressions; only the node's own text is searched
    # (a hover's evaluation in a large file asks about one small node).
    if not _has_pipe(text, root.start, root.end):
        return None
    found: int | None = None
    for node in nodes.walk(root):
        if type(node) is nodes.Binary and node.op in ("|>", "<|"):
            at = operator_offset(text, node.left.end)
            found = at if found is None else min(found, at)
    return found


def _has_pipe(text: bytes, lo: int, hi: int) -> bool:
    """Whether `|>` or `<|` occurs in ``text[lo:hi]``."""
    # From each `|` (a memchr): `bytes.find` of a two-byte needle scans
    # some ten times slower, ~60 ms for both on 4.7 MB of nixpkgs lib.
    i = text.find(b"|", lo, hi)
    while i >= 0:
        if (i + 1 < hi and text[i + 1] == 0x3E) or (i > lo and text[i - 1] == 0x3C):  # > <
            return True
        i = text.find(b"|", i + 1, hi)
    return False


def feature_error(
    node: nodes.Node, source: SourceText, features: frozenset[str]
) -> NixSyntaxError | None:
    """The error for syntax in ``node`` behind a feature not in ``features``, if any."""
    pipe = _first_pipe(node, source.text)
    if pipe is not None and "pipe-operators" not in features:
        return pipe_error(source, pipe)
    return None


def first_problem(
    result: ParseResult, source: SourceText, features: frozenset[str] = frozenset()
) -> NixSyntaxError | None:
    """The error Nix reports first for parsed source (syntax, syntax behind a
    feature not in ``features``, then the checks its parser makes), or None
    when it would evaluate it."""
    if result.errors:
        first = result.errors[0]
        return NixSyntaxError(first.message, (source, first.start, first.end))
    gated = feature_error(result.root, source, features)
    if gated is not None:
        return gated
    error = _first_error(analyse(result, file=source.location_name))
    if error is not None:
        return NixSyntaxError(error.message, (source, error.start, error.end))
    return None


def _detected_at(diag: Diagnostic, lets: Sequence[nodes.Node]) -> int:
    from evaluator.compiler.diagnostics import DYNAMIC_ATTRIBUTE_IN_LET

    if diag.code == DYNAMIC_ATTRIBUTE_IN_LET:
        ends = [n.end for n in lets if n.start <= diag.start and diag.end <= n.end]
        if ends:
            return min(ends)
    return diag.end


def _first_error(analysis: Analysis, scoped: bool = False) -> Diagnostic | None:
    """The error C++ Nix reports for a file it refuses to evaluate.

    Its parser reports duplicate attributes and the like while parsing;
    undefined variables are found afterwards (when binding names). With
    ``scoped`` (`scopedImport`), undefined names may come from the scope.
    """
    if not analysis.diagnostics:
        return None  # a file that compiles: the diagnostics module is not needed
    from evaluator.compiler.diagnostics import UNDEFINED_VARIABLE, Severity

    errors = [d for d in analysis.diagnostics if d.severity is Severity.ERROR]
    parse_time = [d for d in errors if d.code != UNDEFINED_VARIABLE]
    if parse_time:
        lets = [n for n in analysis.scope_of if type(n) is nodes.Let]
        # In the order Nix's (bottom-up) parser finds them: a `let` with a
        # dynamic attribute is rejected once the whole `let` is read.
        return min(parse_time, key=lambda d: _detected_at(d, lets))
    if errors and not scoped:
        return errors[0]
    return None
