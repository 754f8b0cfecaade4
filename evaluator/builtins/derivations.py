"""Derivations and paths into the store: `derivation`, `derivationStrict`,
`placeholder`, `toFile`, `path`, `filterSource`, `storePath`, `hashFile`.

Nothing is built or written: store paths are computed by
:mod:`evaluator.store` exactly as C++ Nix 2.8 would add them, and the
string contexts recorded on the results are what Nix records.
"""

from __future__ import annotations

import re
from typing import Any

from evaluator.builtins.hashing import hash_algorithm
from evaluator.builtins.json import json_string, to_json
from evaluator.builtins.registry import builtin, constant
from evaluator.builtins.support import argument_error, lazy_frame
from evaluator.io import EvalIO
from evaluator.store import copy, hashes, nar, paths
from evaluator.store.derivation import DerivationSpec, instantiate
from evaluator.store.errors import StoreError
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import NixError
from evaluator.vm.values import (
    Attrs,
    Call,
    Closure,
    CtxStr,
    Frame,
    NixList,
    Thunk,
    context_of,
    make_str,
)

# ---------------------------------------------------------------------------
# derivationStrict


def _experimental(feature: str) -> NixError:
    return NixError(
        f"experimental Nix feature '{feature}' is disabled; "
        f"use '--extra-experimental-features {feature}' to override"
    )


def _hash_mode(mode: str) -> bool:
    if mode == "recursive":
        return True
    if mode == "flat":
        return False
    raise NixError(f"invalid value '{mode}' for 'outputHashMode' attribute")


# The separators of Nix's tokenizeString (not Python's wider notion of space).
_SPACES = re.compile("[ \t\n\r]+")


def _outputs(names: list[str]) -> set[str]:
    outputs: set[str] = set()
    for name in names:
        if name in outputs:
            raise NixError(f"duplicate derivation output '{name}'")
        # An output called `drv` would clash with `drvPath` in `derivation`.
        if name == "drv":
            raise NixError("invalid derivation output name 'drv'")
        outputs.add(name)
    if not outputs:
        raise NixError("derivation cannot have an empty set of outputs")
    return outputs


def _attribute(
    key: str, value: Any, spec: DerivationSpec, context: set[str], json: dict[str, str] | None
) -> Frame:
    """Process one attribute of a derivation into ``spec`` (``derivationStrict``'s loop)."""
    if key == "__contentAddressed":
        if (yield from ops.force_bool(value)):
            raise _experimental("ca-derivations")
        return
    if key == "__impure":
        if (yield from ops.force_bool(value)):
            raise _experimental("impure-derivations")
        return
    if key == "args":
        for item in (yield from ops.force_list(value)):
            s = yield from ops.coerce_to_string(item, coerce_more=True, copy_to_store=True)
            context.update(context_of(s))
            spec.args.append(str.__str__(s))
        return
    if json is not None:
        if key == "__structuredAttrs":
            return
        text = yield from to_json(value)
        context.update(context_of(text))
        json[key] = str.__str__(text)
        if key == "builder":
            s = yield from ops.force_string(value)
            context.update(context_of(s))
            spec.builder = str.__str__(s)
        elif key == "system":
            spec.platform = yield from ops.force_string_no_context(value)
        elif key == "outputHash":
            spec.output_hash = yield from ops.force_string_no_context(value)
        elif key == "outputHashAlgo":
            spec.output_hash_algo = yield from ops.force_string_no_context(value)
        elif key == "outputHashMode":
            spec.recursive = _hash_mode((yield from ops.force_string_no_context(value)))
        elif key == "outputs":
            names = []
            for item in (yield from ops.force_list(value)):
                names.append((yield from ops.force_string_no_context(item)))
            spec.outputs = _outputs(names)
        return
    s = yield from ops.coerce_to_string(value, coerce_more=True, copy_to_store=True)
    context.update(context_of(s))
    text = str.__str__(s)
    spec.env[key] = text
    if key == "builder":
        spec.builder = text
    elif key == "system":
        spec.platform = text
    elif key == "outputHash":
        spec.output_hash = text
    elif key == "outputHashAlgo":
        spec.output_hash_algo = text
    elif key == "outputHashMode":
        spec.recursive = _hash_mode(text)
    elif key == "outputs":
        spec.outputs = _outputs([t for t in _SPACES.split(text) if t])


def _json_object(json: dict[str, str]) -> str:
    return "{" + ",".join(f"{json_string(k)}:{v}" for k, v in json.items()) + "}"


# Attributes that structured attributes replace with `outputChecks` (Nix warns).
_OUTPUT_CHECKS = frozenset(
    (
        "allowedReferences",
        "allowedRequisites",
        "disallowedReferences",
        "disallowedRequisites",
        "maxClosureSize",
        "maxSize",
    )
)


@builtin("derivationStrict", 1, global_=True)
def derivation_strict(arg: Any) -> Frame:
    """`derivationStrict attrs`: instantiate a derivation; returns `drvPath` and one
    attribute per output, each a store path string with context."""
    attrs = yield from ops.force_attrs(arg)
    if "name" not in attrs:
        raise NixError("attribute 'name' missing for call to 'derivationStrict'")
    try:
        name = yield from ops.force_string_no_context(attrs["name"])
    except NixError as e:
        e.add_trace("while evaluating the derivation attribute 'name'", None)
        raise
    structured = False
    if "__structuredAttrs" in attrs:
        structured = yield from ops.force_bool(attrs["__structuredAttrs"])
    ignore_nulls = False
    if "__ignoreNulls" in attrs:
        ignore_nulls = yield from ops.force_bool(attrs["__ignoreNulls"])

    spec = DerivationSpec(name=str.__str__(name))
    context: set[str] = set()
    json: dict[str, str] | None = {} if structured else None
    for key in sorted(attrs):
        if key == "__ignoreNulls":
            continue
        value = attrs[key]
        if structured and key in _OUTPUT_CHECKS:
            current().stderr.write(
                f"warning: In a derivation named '{spec.name}', 'structuredAttrs' disables the"
                f" effect of the derivation attribute '{key}'; use"
                f" 'outputChecks.<output>.{key}' instead\n"
            )
        try:
            if ignore_nulls:
                value = yield from ops.force(value)
                if value is None:
                    continue
            yield from _attribute(key, value, spec, context, json)
        except NixError as e:
            e.add_trace(
                f"while evaluating the attribute '{key}' of the derivation '{spec.name}'", None
            )
            raise
    if json is not None:
        spec.env["__json"] = _json_object(json)

    ctx = current()
    warnings: list[str] = []
    try:
        drv_path, drv = instantiate(spec, context, copy.known_paths(), ctx.store_dir, warnings)
    except StoreError as e:
        raise copy.nix_error(e) from None
    for w in warnings:
        ctx.stderr.write(f"warning: {w}\n")
    result = Attrs()
    result["drvPath"] = CtxStr(drv_path, frozenset(("=" + drv_path,)))
    for output in sorted(drv.outputs):
        result[output] = CtxStr(drv.outputs[output].path, frozenset((f"!{output}!{drv_path}",)))
    return result


# ---------------------------------------------------------------------------
# derivation (C++ Nix defines it in Nix around derivationStrict; this is the
# same construction in Python, with the same laziness)


def _strict_attr(strict: Thunk, name: str) -> Frame:
    result = yield from ops.force(strict)
    if name not in result:
        raise NixError(f"attribute '{name}' missing")
    return (yield from ops.force(result[name]))


_DEFAULT_OUTPUTS = NixList(["out"])


def _derivation(arg: Any) -> Frame:
    """`derivation attrs`: the attribute set of a derivation (see module doc)."""
    drv_attrs = yield from ops.force_attrs(arg)
    outputs = yield from ops.force_list(drv_attrs.get("outputs", _DEFAULT_OUTPUTS))
    if not outputs:
        raise NixError("list index 0 is out of bounds")
    strict = lazy_frame(derivation_strict, drv_attrs)
    drv_path = lazy_frame(_strict_attr, strict, "drvPath")
    names: list[str] = []
    for item in outputs:
        names.append(str.__str__((yield from ops.force_string_no_context(item))))
    # One set per output: the attributes, every output by name, `all` and
    # `drvAttrs`, then this output's own `outPath`, `drvPath`, `type` and
    # `outputName`. They refer to each other, so allocate them first.
    values = [Attrs() for _ in names]
    common = Attrs(drv_attrs)
    seen: set[str] = set()
    for name, value in zip(names, values, strict=True):
        if name not in seen:  # listToAttrs keeps the first of duplicate names
            seen.add(name)
            common[name] = value
    common["all"] = NixList(values)
    common["drvAttrs"] = drv_attrs
    for name, value in zip(names, values, strict=True):
        value.update(common)
        # `unsafeGetAttrPos` still finds the attributes the user wrote.
        value.positions = drv_attrs.positions
        value["outPath"] = lazy_frame(_strict_attr, strict, name)
        value["drvPath"] = drv_path
        value["type"] = "derivation"
        value["outputName"] = name
    return values[0]


DERIVATION = constant(
    "derivation",
    Closure(_derivation, formals={"outputs": True}, ellipsis=True, name="derivation"),
    global_=True,
)


# ---------------------------------------------------------------------------
# placeholder, toFile


@builtin("placeholder", 1, global_=True)
def placeholder(output: Any) -> Frame:
    """`placeholder output`: a string the builder replaces with the path of `output`."""
    name = yield from ops.force_string_no_context(output)
    return paths.placeholder(str.__str__(name))


@builtin("toFile", 2)
def to_file(name: Any, contents: Any) -> Frame:
    """`toFile name s`: the store path of a text file `name` with contents `s` (its
    references are the store paths in the context of `s`)."""
    file_name = str.__str__((yield from ops.force_string_no_context(name)))
    text = yield from ops.force_string(contents)
    refs = context_of(text)
    for element in sorted(refs):
        if not element.startswith("/"):
            raise NixError(
                f"in 'toFile': the file named '{file_name}' must not contain a reference "
                f"to a derivation but contains ({element})"
            )
    path = copy.text_to_store(file_name, str.__str__(text), refs)
    return CtxStr(path, frozenset((path,)))


# ---------------------------------------------------------------------------
# path, filterSource


def _check_no_build(context: frozenset[str]) -> None:
    for element in sorted(context):
        if element[0] in "!=":
            drv = element.rpartition("!")[2].lstrip("=")
            raise NixError(
                f"cannot build '{drv}': nixls evaluates without building derivations "
                "(import from derivation is not supported)"
            )


def _filtered(root: str, fn: Any) -> Frame:
    """The entries below ``root`` the Nix filter ``fn`` keeps, asking it in Nix's order."""
    kept: set[str] = set()
    io = current().io
    if _kind(io, root) != "directory":
        return kept
    stack = [(root, iter(_entries(io, root)))]
    while stack:
        directory, entries = stack[-1]
        name = next(entries, None)
        if name is None:
            stack.pop()
            continue
        child = directory + "/" + name
        kind = _kind(io, child)
        f1 = yield Call(fn, child)
        keep = yield from ops.force_bool((yield Call(f1, kind)))
        if keep:
            kept.add(child)
            if kind == "directory":
                stack.append((child, iter(_entries(io, child))))
    return kept


def _kind(io: EvalIO, path: str) -> str:
    try:
        return io.file_type(path)
    except OSError as e:
        raise copy.nix_error(nar.os_error("getting status of", path, e)) from None


def _entries(io: EvalIO, path: str) -> list[str]:
    try:
        return io.list_dir(path)
    except OSError as e:
        raise copy.nix_error(nar.os_error("opening directory", path, e)) from None


def _add_path(
    name: str,
    path: str,
    context: frozenset[str],
    fn: Any | None,
    recursive: bool,
    expected: hashes.Hash | None,
) -> Frame:
    try:
        _check_no_build(context)
        path = copy.path_for_reading(ops.canon_path(path))
        current().io.check(path)
        path_filter = None
        kept = None
        if fn is not None:
            try:
                kept = frozenset((yield from _filtered(path, fn)))
            except StoreError as e:
                raise copy.nix_error(e) from None
            path_filter = kept.__contains__
        result = copy.add_path(name, path, recursive, path_filter, expected, kept)
    except NixError as e:
        e.add_trace(f"while adding path '{path}'", None)
        raise
    return CtxStr(result, frozenset((result,)))


@builtin("path", 1)
def path_(arg: Any) -> Frame:
    """`path { path; name ? baseNameOf path; filter ? null; recursive ? true; sha256 ? null }`:
    the store path of `path` as Nix would add it, optionally filtered and checked."""
    attrs = yield from ops.force_attrs(arg)
    path = ""
    context: frozenset[str] = frozenset()
    name = ""
    fn = None
    recursive = True
    expected = None
    for key in attrs:
        value = attrs[key]
        if key == "path":
            p = yield from ops.coerce_to_path(value)
            context = context_of(p)
            path = str.__str__(p)
        elif key == "name":
            name = str.__str__((yield from ops.force_string_no_context(value)))
        elif key == "filter":
            fn = yield from ops.force(value)
        elif key == "recursive":
            recursive = yield from ops.force_bool(value)
        elif key == "sha256":
            text = yield from ops.force_string_no_context(value)
            try:
                expected, warning = hashes.parse_allow_empty(str.__str__(text), "sha256")
            except StoreError as e:
                raise copy.nix_error(e) from None
            if warning is not None:
                current().stderr.write(f"warning: {warning}\n")
        else:
            raise NixError(f"unsupported argument '{key}' to 'addPath'")
    if not path:
        raise NixError("missing required 'path' attribute in the first argument to 'builtins.path'")
    if not name:
        name = copy.base_name_of(path)
    return (yield from _add_path(name, path, context, fn, recursive, expected))


@builtin("filterSource", 2)
def filter_source(fn: Any, path: Any) -> Frame:
    """`filterSource filter path`: the store path of `path` keeping only the entries for
    which `filter fullPath type` is true."""
    p = yield from ops.coerce_to_path(path)
    fn = yield from ops.force(fn)
    if not ops.is_function(fn):
        err = ops.type_error(fn, "a function")
        raise argument_error(err, 0, "filterSource")
    text = str.__str__(p)
    return (yield from _add_path(copy.base_name_of(text), text, context_of(p), fn, True, None))


# ---------------------------------------------------------------------------
# storePath, hashFile


@builtin("storePath", 1)
def store_path(arg: Any) -> Frame:
    """`storePath path`: `path` (in the store) as a string depending on it."""
    p = yield from ops.coerce_to_path(arg)
    path = str.__str__(p)
    sdir = current().store_dir
    # As `nix-instantiate --readonly-mode`: a store path itself need not
    # exist (only reading it does, and that fails clearly); anything else is
    # resolved on disk first, so a path through a symlink into the store works.
    if not paths.is_store_path(ops.canon_path(path), sdir):
        try:
            path = current().io.resolve(ops.canon_path(path))
        except OSError as e:
            raise copy.nix_error(nar.os_error("getting status of", e.filename, e)) from None
    if not paths.is_in_store(path, sdir):
        raise NixError(f"path '{path}' is not in the Nix store")
    try:
        root, _ = paths.to_store_path(ops.canon_path(path), sdir)
    except StoreError as e:
        raise copy.nix_error(e) from None
    return make_str(path, context_of(p) | {root})


@builtin("hashFile", 2)
def hash_file(algo: Any, path: Any) -> Frame:
    """`hashFile type path`: the base-16 hash (md5, sha1, sha256 or sha512) of a file."""
    name = str.__str__((yield from ops.force_string_no_context(algo)))
    kind = hash_algorithm(name)
    p = yield from ops.coerce_to_path(path)
    _check_no_build(context_of(p))
    file = copy.path_for_reading(ops.canon_path(str.__str__(p)))
    try:
        return current().io.flat_hash(file, kind).base16()
    except StoreError as e:
        raise copy.nix_error(e) from None
