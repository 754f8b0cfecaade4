"""Paths "added" to the store during an evaluation, without a store.

The bridge between the evaluator and the store library: it reads the
store directory from the current :class:`evaluator.vm.context.EvalContext`,
hashes paths through its I/O object (which checks the read policy), keeps
the per-evaluation caches in its ``extra`` slot, and turns
:class:`StoreError` into Nix errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.store.errors import StoreError
from evaluator.vm.context import current
from evaluator.vm.errors import NixError

# The store library (`paths`, with hashlib and the hash formats) is imported
# by the functions that compute store paths: reading a file outside the
# store (`readFile`, `pathExists`) needs none of it.
if TYPE_CHECKING:
    from evaluator.store.derivation import KnownPaths
    from evaluator.store.hashes import Hash
    from evaluator.store.nar import PathFilter

_SRC_CACHE = "store.src_to_store"
_KNOWN = "store.known"


def store_dir() -> str:
    """The store directory of the running evaluation."""
    return current().store_dir


def known_paths() -> KnownPaths:
    """The derivations and text paths computed so far in this evaluation."""
    extra = current().extra
    known = extra.get(_KNOWN)
    if known is None:
        # Imported here: reading a file (`path_for_reading`) rarely needs derivations.
        from evaluator.store.derivation import KnownPaths

        known = extra[_KNOWN] = KnownPaths()
    return known


def nix_error(e: StoreError) -> NixError:
    """The Nix error for a store-library failure."""
    return NixError(str(e))


def base_name_of(path: str) -> str:
    """Nix's ``baseNameOf`` on a path string (a trailing slash is ignored)."""
    if path.endswith("/") and len(path) > 1:
        path = path[:-1]
    return path.rpartition("/")[2]


def path_to_store(path: str) -> str:
    """The store path ``"${path}"`` gives for an absolute file or directory path.

    Computed from the NAR hash of the path as a ``source`` path named after
    its last component, exactly as C++ Nix adds it; cached per evaluation.
    The caller adds the result itself as the string's context.
    """
    ctx = current()
    cache: dict[str, str] = ctx.extra.setdefault(_SRC_CACHE, {})
    hit = cache.get(path)
    if hit is not None:
        return hit
    from evaluator.store import paths

    if paths.is_derivation(path):
        raise NixError(f"file names are not allowed to end in '{paths.DRV_EXTENSION}'")
    try:
        h = ctx.io.nar_hash(path)
        result = paths.make_fixed_output_path(True, h, base_name_of(path), ctx.store_dir)
    except StoreError as e:
        raise nix_error(e) from None
    cache[path] = result
    ctx.io.add_source(result, path)
    return result


def add_path(
    name: str,
    path: str,
    recursive: bool,
    path_filter: PathFilter | None = None,
    expected: Hash | None = None,
    kept: frozenset[str] | None = None,
) -> str:
    """The store path of ``builtins.path``/``filterSource`` (``addPath`` in Nix).

    ``path_filter`` must already encode the Nix filter's answers (the
    caller evaluates the Nix function), and ``kept`` list the entries it
    keeps; ``expected`` is the ``sha256`` attribute, which must match the
    computed path.
    """
    from evaluator.store import paths

    ctx = current()
    sdir = ctx.store_dir
    try:
        h = ctx.io.nar_hash(path, "sha256", path_filter) if recursive else ctx.io.flat_hash(path)
        result = paths.make_fixed_output_path(recursive, h, name, sdir)
        if expected is not None:
            wanted = paths.make_fixed_output_path(recursive, expected, name, sdir)
            if wanted != result:
                raise StoreError(
                    f"store path mismatch in (possibly filtered) path added from '{path}'"
                )
    except StoreError as e:
        raise nix_error(e) from None
    ctx.io.add_source(result, path, kept)
    return result


def text_to_store(name: str, contents: str, references: frozenset[str]) -> str:
    """The store path of ``builtins.toFile name contents`` with these references."""
    from evaluator.store import paths

    sdir = store_dir()
    try:
        refs = [paths.parse_store_path(r, sdir) for r in references]
        result = paths.make_text_path(name, contents.encode("utf-8", "surrogateescape"), refs, sdir)
    except StoreError as e:
        raise nix_error(e) from None
    known_paths().references[result] = frozenset(refs)
    current().io.write_text(result, contents.encode("utf-8", "surrogateescape"))
    return result


def path_for_reading(path: str) -> str:
    """``path`` (absolute, canonical), or a clear error if it cannot be read for lack of a store.

    A path inside a source this evaluation "added" (``"${./dir}"``,
    ``builtins.path``, ``filterSource``, a flake's source) is read by the I/O
    object from the folder it came from; other store paths that do not exist
    on disk give a clear error rather than "No such file".
    """
    ctx = current()
    sdir = ctx.store_dir
    if not path.startswith(sdir + "/"):
        return path  # not in the store (the common case)
    from evaluator.store import paths

    # A path the policy hides goes on to be refused by the read itself; a
    # `toFile` result is read from the I/O object that recorded it.
    io = ctx.io
    if not paths.is_in_store(path, sdir) or io.written(path) is not None:
        return path
    if io.source_of(path) is not None or not io.allows(path) or io.path_exists(path):
        return path
    try:
        root, _ = paths.to_store_path(path, sdir)
    except StoreError:
        return path
    for drv in known_paths().derivations.values():
        if any(o.path == root for o in drv.outputs.values()):
            raise NixError(
                f"cannot read '{path}': it is an output of a derivation, and nixls "
                "evaluates without building anything"
            )
    raise NixError(
        f"cannot read '{path}': the store path does not exist on disk (nixls computes "
        "store paths without writing them)"
    )
