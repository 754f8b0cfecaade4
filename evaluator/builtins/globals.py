"""The builtin names of C++ Nix 2.8, as recorded from ``nix-instantiate``.

:data:`BUILTIN_NAMES` is ``builtins.attrNames builtins``. Of those, the ones
in :data:`PLAIN_GLOBALS` are also visible as plain names; every other one is
visible as ``__<name>`` (e.g. ``__typeOf``). :data:`NIX_GLOBALS` is every
name a Nix file can use without defining it. ``__curPos`` is not a name but
syntax (the parser's ``CurPos`` node), so it is not listed.
"""

from __future__ import annotations

BUILTIN_NAMES: frozenset[str] = frozenset(
    """
    abort add addErrorContext all any appendContext attrNames attrValues baseNameOf
    bitAnd bitOr bitXor builtins catAttrs ceil compareVersions concatLists concatMap
    concatStringsSep currentSystem currentTime deepSeq derivation derivationStrict dirOf
    div elem elemAt false fetchGit fetchMercurial fetchTarball fetchTree fetchurl filter
    filterSource findFile floor foldl' fromJSON fromTOML functionArgs genList
    genericClosure getAttr getContext getEnv groupBy hasAttr hasContext hashFile
    hashString head import intersectAttrs isAttrs isBool isFloat isFunction isInt isList
    isNull isPath isString langVersion length lessThan listToAttrs map mapAttrs match mul
    nixPath nixVersion null parseDrvName partition path pathExists placeholder readDir
    readFile removeAttrs replaceStrings scopedImport seq sort split splitVersion storeDir
    storePath stringLength sub substring tail throw toFile toJSON toPath toString toXML
    trace true tryEval typeOf unsafeDiscardOutputDependency unsafeDiscardStringContext
    unsafeGetAttrPos zipAttrsWith
    """.split()
)

PLAIN_GLOBALS: frozenset[str] = frozenset(
    """
    abort baseNameOf builtins derivation derivationStrict dirOf false fetchGit
    fetchMercurial fetchTarball fetchTree fromTOML import isNull map null placeholder
    removeAttrs scopedImport throw toString true
    """.split()
)

NIX_GLOBALS: frozenset[str] = PLAIN_GLOBALS | frozenset(
    "__" + name for name in BUILTIN_NAMES - PLAIN_GLOBALS
)


def builtin_name_of_global(name: str) -> str | None:
    """The `builtins` attribute a global name denotes (``__typeOf`` -> ``typeOf``)."""
    if name in PLAIN_GLOBALS:
        return name
    if name.startswith("__") and name in NIX_GLOBALS:
        return name[2:]
    return None
