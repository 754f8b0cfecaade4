"""Diagnostics of a `flake.nix`: its inputs against their uses and against `flake.lock`.

- an input the outputs use but `inputs` does not declare (error: Nix fails
  calling `outputs`, or selecting it);
- a declared input `outputs` cannot take (formals without `...`: error);
- a declared input nothing uses (hint, faded);
- `flake.lock` out of date: an input it does not lock, a lock node whose
  `original` is not what `flake.nix` now says, a locked input no longer
  declared (warnings, each saying which `nix flake` command fixes it);
- a broken `flake.lock` (error, with the place in the lock file).

Where the model cannot see statically (computed input names, the argument
set passed on whole), the checks that would need it say nothing.
"""

from __future__ import annotations

from evaluator.builtins import flakeref
from evaluator.compiler.diagnostics import Diagnostic, Severity, Tag
from nixls.ide.flake.lock import FlakeLock, show_ref
from nixls.ide.flake.model import FlakeModel, InputDecl

UNDECLARED_INPUT = "flake-undeclared-input"
UNEXPECTED_INPUT = "flake-unexpected-input"
UNUSED_INPUT = "flake-unused-input"
INPUT_NOT_LOCKED = "flake-input-not-locked"
LOCK_MISMATCH = "flake-lock-mismatch"
LOCK_STALE_INPUT = "flake-lock-stale-input"
LOCK_BROKEN = "flake-lock-broken"
INVALID_URL = "flake-invalid-url"


def _diag(code: str, span: tuple[int, int], message: str, severity: Severity) -> Diagnostic:
    tags = (Tag.UNNECESSARY,) if code == UNUSED_INPUT else ()
    return Diagnostic(code, severity, span[0], span[1], message, tags)


def diagnostics(model: FlakeModel, lock: FlakeLock) -> list[Diagnostic]:
    """Every finding about the inputs of ``model`` (with its lock file ``lock``)."""
    found = _use_checks(model)
    for decl in model.inputs.values():
        found += _url_check(decl)
    found += _lock_checks(model, lock)
    return sorted(found, key=lambda d: (d.start, d.code))


def _use_checks(model: FlakeModel) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if not model.dynamic_inputs:
        reported: set[tuple[int, int]] = set()
        for use in model.uses:
            if use.name not in model.inputs and not use.optional and use.span not in reported:
                reported.add(use.span)
                message = f"input '{use.name}' is used but not declared in `inputs`"
                found.append(_diag(UNDECLARED_INPUT, use.span, message, Severity.ERROR))
    if model.outputs is None:
        return found
    used = model.used_names() | model.followed
    closed = model.outputs.formals is not None and not model.ellipsis
    for decl in model.inputs.values():
        span = decl.spans[0]
        if closed and decl.name not in model.formals:
            message = (
                f"`outputs` does not take input '{decl.name}': Nix passes every input, so "
                "add it to the arguments of `outputs` or add `...`"
            )
            found.append(_diag(UNEXPECTED_INPUT, span, message, Severity.ERROR))
        elif decl.name not in used and not model.argset_whole:
            message = f"input '{decl.name}' is declared but not used"
            found.append(_diag(UNUSED_INPUT, span, message, Severity.HINT))
    return found


def _url_check(decl: InputDecl) -> list[Diagnostic]:
    if decl.url is None or decl.url_span is None or decl.url.startswith("."):
        return []
    try:
        flakeref.parse(decl.url)
    except flakeref.FlakeRefError as e:
        message = f"input '{decl.name}' has an invalid flake reference: {e}"
        return [_diag(INVALID_URL, decl.url_span, message, Severity.ERROR)]
    return []


def _lock_checks(model: FlakeModel, lock: FlakeLock) -> list[Diagnostic]:
    at = model.inputs_span or model.outputs_span or (model.root.start, model.root.start + 1)
    if lock.error is not None:
        message = f"flake.lock is unusable: {lock.error.located()}"
        return [_diag(LOCK_BROKEN, at, message, Severity.ERROR)]
    if not lock.present:
        return []
    found: list[Diagnostic] = []
    locked = lock.root_inputs()
    for decl in model.inputs.values():
        if decl.name not in locked:
            message = f"input '{decl.name}' is not in flake.lock: `nix flake lock` adds it"
            found.append(_diag(INPUT_NOT_LOCKED, decl.spans[0], message, Severity.WARNING))
            continue
        found += _mismatch(decl, lock)
    if not model.dynamic_inputs:
        for name in sorted(set(locked) - set(model.inputs)):
            message = (
                f"flake.lock still locks input '{name}', which flake.nix no longer "
                "declares: `nix flake lock` removes it"
            )
            found.append(_diag(LOCK_STALE_INPUT, at, message, Severity.WARNING))
    return found


def _mismatch(decl: InputDecl, lock: FlakeLock) -> list[Diagnostic]:
    """The lock entry of ``decl`` against what flake.nix now declares."""
    entry = lock.input(decl.name)
    if entry is None:
        return []
    fix = f"`nix flake update {decl.name}` locks it again"
    if decl.follows is not None and decl.follows_span is not None:
        wanted = decl.follows.split("/")
        if entry.follows != wanted:
            message = f"flake.lock does not have input '{decl.name}' follow '{decl.follows}': {fix}"
            return [_diag(LOCK_MISMATCH, decl.follows_span, message, Severity.WARNING)]
        return []
    ref = decl.reference()
    original = entry.original
    if ref is None or original is None or entry.follows is not None:
        return []
    if ref != original:
        was = show_ref(original)
        now = show_ref(ref)
        span = decl.url_span or decl.spans[0]
        message = (
            f"flake.lock locked input '{decl.name}' from '{was}', but flake.nix now says "
            f"'{now}': {fix}"
        )
        return [_diag(LOCK_MISMATCH, span, message, Severity.WARNING)]
    return []
