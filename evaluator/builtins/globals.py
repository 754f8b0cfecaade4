"""The builtin names of C++ Nix 2.26.3, as recorded from ``nix-instantiate``.

:data:`BUILTIN_NAMES` is ``builtins.attrNames builtins`` with no experimental
feature enabled; :data:`FEATURE_GATED` lists the builtins an experimental
feature adds (``--extra-experimental-features flakes``). Of the builtins,
the ones in :data:`PLAIN_GLOBALS` are also visible as plain names; every
other one is visible as ``__<name>`` (e.g. ``__typeOf``). :data:`NIX_GLOBALS`
is every name a Nix file can use without defining it, gated ones included
(whether a gated name is defined is decided per evaluation, from its
enabled features). ``__curPos`` is not a name but syntax (the parser's
``CurPos`` node), so it is not listed.
"""

from __future__ import annotations

BUILTIN_NAMES: frozenset[str] = frozenset(
    """
    abort add addDrvOutputDependencies addErrorContext all any appendContext attrNames
    attrValues baseNameOf bitAnd bitOr bitXor break builtins catAttrs ceil compareVersions
    concatLists concatMap concatStringsSep convertHash currentSystem currentTime deepSeq
    derivation derivationStrict dirOf div elem elemAt false fetchGit fetchMercurial
    fetchTarball fetchurl filter filterSource findFile floor foldl' fromJSON fromTOML
    functionArgs genList genericClosure getAttr getContext getEnv groupBy hasAttr hasContext
    hashFile hashString head import intersectAttrs isAttrs isBool isFloat isFunction isInt
    isList isNull isPath isString langVersion length lessThan listToAttrs map mapAttrs match
    mul nixPath nixVersion null parseDrvName partition path pathExists placeholder readDir
    readFile readFileType removeAttrs replaceStrings scopedImport seq sort split splitVersion
    storeDir storePath stringLength sub substring tail throw toFile toJSON toPath toString
    toXML trace traceVerbose true tryEval typeOf unsafeDiscardOutputDependency
    unsafeDiscardStringContext unsafeGetAttrPos warn zipAttrsWith
    """.split()
)

# Builtins that exist only with one of the given experimental features.
FEATURE_GATED: dict[str, frozenset[str]] = {
    "fetchTree": frozenset({"flakes", "fetch-tree"}),
    "getFlake": frozenset({"flakes"}),
    "parseFlakeRef": frozenset({"flakes"}),
    "flakeRefToString": frozenset({"flakes"}),
}

PLAIN_GLOBALS: frozenset[str] = frozenset(
    """
    abort baseNameOf break builtins derivation derivationStrict dirOf false fetchGit
    fetchMercurial fetchTarball fetchTree fromTOML import isNull map null placeholder
    removeAttrs scopedImport throw toString true
    """.split()
)

_ALL_NAMES = BUILTIN_NAMES | frozenset(FEATURE_GATED)

NIX_GLOBALS: frozenset[str] = PLAIN_GLOBALS | frozenset(
    "__" + name for name in _ALL_NAMES - PLAIN_GLOBALS
)


def enabled(name: str, features: frozenset[str]) -> bool:
    """Whether builtin ``name`` exists when ``features`` are enabled."""
    gate = FEATURE_GATED.get(name)
    return gate is None or not gate.isdisjoint(features)


def builtin_name_of_global(name: str) -> str | None:
    """The `builtins` attribute a global name denotes (``__typeOf`` -> ``typeOf``)."""
    if name in PLAIN_GLOBALS:
        return name
    if name.startswith("__") and name in NIX_GLOBALS:
        return name[2:]
    return None
