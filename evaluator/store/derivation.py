"""Instantiating derivations: inputs from string contexts, output paths, ``.drv`` path.

This is the part of ``derivationStrict`` after the attributes have been
evaluated: it takes the builder, system, environment and the string
context collected from them, and computes what Nix would write, following
``hashDerivationModulo``: an input-addressed output path is derived from
the hash of the derivation with its own output paths blanked and each
input derivation replaced by *its* modulo hash, so that a fixed-output
input contributes only its declared content hash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from evaluator.store import hashes, paths
from evaluator.store.aterm import Derivation, DerivationOutput, unparse
from evaluator.store.errors import StoreError
from evaluator.store.hashes import Hash


@dataclass
class KnownPaths:
    """What one evaluation has computed about store paths so far.

    C++ Nix would read these back from its store; without a store we keep
    them: the modulo hashes and contents of the derivations instantiated,
    and the references of text paths (``toFile``), for closures.
    """

    drv_hashes: dict[str, dict[str, Hash]] = field(default_factory=dict)
    derivations: dict[str, Derivation] = field(default_factory=dict)
    references: dict[str, frozenset[str]] = field(default_factory=dict)

    def closure(self, start: str) -> list[str]:
        """``start`` and every path it refers to, transitively (sorted)."""
        seen = {start}
        todo = [start]
        while todo:
            p = todo.pop()
            for ref in self.references.get(p, ()):
                if ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
        return sorted(seen)


@dataclass
class DerivationSpec:
    """The evaluated attributes of a derivation, as ``derivationStrict`` sees them."""

    name: str
    builder: str = ""
    platform: str = ""
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    outputs: set[str] = field(default_factory=lambda: {"out"})
    output_hash: str | None = None
    output_hash_algo: str = ""
    # None: not given (flat); True: recursive; False: flat.
    recursive: bool | None = None


def parse_output_context(element: str, store_dir: str) -> tuple[str, str]:
    """Split a ``!<output>!<drv path>`` context element into (drv path, output)."""
    index = element.find("!", 1)
    if index < 0:
        raise StoreError(f"invalid context element '{element}'")
    drv = paths.parse_store_path(element[index + 1 :], store_dir)
    return drv, element[1:index]


def add_context_inputs(
    drv: Derivation, context: Iterable[str], known: KnownPaths, store_dir: str
) -> None:
    """Turn the string context of the attributes into inputs of ``drv``."""
    for element in sorted(context):
        if element.startswith("="):
            # The builder gets the .drv itself, so everything it refers to
            # (with all outputs of every derivation in it) is an input.
            drv_path = element[1:]
            if drv_path not in known.derivations:
                raise StoreError(f"path '{drv_path}' is not valid")
            for p in known.closure(drv_path):
                drv.input_srcs.add(p)
                dep = known.derivations.get(p)
                if dep is not None:
                    drv.input_drvs.setdefault(p, set()).update(dep.outputs)
        elif element.startswith("!"):
            drv_path, output = parse_output_context(element, store_dir)
            drv.input_drvs.setdefault(drv_path, set()).add(output)
        else:
            drv.input_srcs.add(paths.parse_store_path(element, store_dir))


def hash_derivation_modulo(
    drv: Derivation, mask_outputs: bool, known: KnownPaths, store_dir: str
) -> dict[str, Hash]:
    """Nix's ``hashDerivationModulo``: one hash per output name."""
    if drv.is_fixed_output:
        result = {}
        for name, out in drv.outputs.items():
            text = f"fixed:out:{out.hash_algo}:{out.hash}:{out.path}"
            result[name] = hashes.hash_bytes("sha256", text.encode("utf-8", "surrogateescape"))
        return result
    actual: dict[str, set[str]] = {}
    for drv_path, wanted in drv.input_drvs.items():
        input_hashes = known.drv_hashes.get(drv_path)
        if input_hashes is None:
            raise StoreError(f"path '{drv_path}' is not valid")
        for output in wanted:
            h = input_hashes.get(output)
            if h is None:
                raise StoreError(
                    f"derivation '{drv_path}' does not have an output named '{output}'"
                )
            actual.setdefault(h.base16(), set()).add(output)
    text = unparse(drv, mask_outputs, actual)
    h = hashes.hash_bytes("sha256", text.encode("utf-8", "surrogateescape"))
    return {name: h for name in drv.outputs}


def instantiate(
    spec: DerivationSpec,
    context: Iterable[str],
    known: KnownPaths,
    store_dir: str,
    warn: list[str] | None = None,
) -> tuple[str, Derivation]:
    """Compute the derivation and its ``.drv`` path, and record it in ``known``.

    Messages Nix would print as warnings are appended to ``warn``.
    """
    drv = Derivation(
        name=spec.name,
        platform=spec.platform,
        builder=spec.builder,
        args=list(spec.args),
        env=dict(spec.env),
    )
    add_context_inputs(drv, context, known, store_dir)
    if spec.builder == "":
        raise StoreError("required attribute 'builder' missing")
    if spec.platform == "":
        raise StoreError("required attribute 'system' missing")
    if paths.is_derivation(spec.name):
        raise StoreError(f"derivation names are not allowed to end in '{paths.DRV_EXTENSION}'")

    if spec.output_hash is not None:
        if spec.outputs != {"out"}:
            raise StoreError("multiple outputs are not supported in fixed-output derivations")
        algo = hashes.parse_algo(spec.output_hash_algo)
        h, warning = hashes.parse_allow_empty(spec.output_hash, algo)
        if warning is not None and warn is not None:
            warn.append(warning)
        recursive = bool(spec.recursive)
        out_path = paths.make_fixed_output_path(recursive, h, spec.name, store_dir)
        drv.env["out"] = out_path
        method = "r:" if recursive else ""
        drv.outputs["out"] = DerivationOutput(out_path, method + h.algo, h.base16())
    else:
        for name in spec.outputs:
            drv.env[name] = ""
            drv.outputs[name] = DerivationOutput("")
        masked = hash_derivation_modulo(drv, True, known, store_dir)
        for name, h in masked.items():
            out_path = paths.make_output_path(name, h, spec.name, store_dir)
            drv.env[name] = out_path
            drv.outputs[name] = DerivationOutput(out_path)

    refs = drv.references()
    drv_path = paths.make_text_path(
        spec.name + paths.DRV_EXTENSION,
        unparse(drv).encode("utf-8", "surrogateescape"),
        refs,
        store_dir,
    )
    known.drv_hashes[drv_path] = hash_derivation_modulo(drv, False, known, store_dir)
    known.derivations[drv_path] = drv
    known.references[drv_path] = frozenset(refs)
    return drv_path, drv
