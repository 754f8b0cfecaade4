"""Deliberately wrong calls of every builtin, for comparing error reports with Nix 2.26.3.

Each builtin taking arguments is applied to ``null`` for all of them (the
first argument's check fails, or the one Nix checks first), and to a value
of another wrong type (``{ }``) where ``null`` is accepted; then come
calls that are wrong in other ways (empty lists, indices out of range,
bad strings...). ``record_bad_calls.py`` records Nix's whole error report
for each (``fixtures/reports226/bad_calls.json``), ``test_bad_call_reports.py``
compares nixls's.
"""

from __future__ import annotations

# Builtins left out: effects outside the evaluation, or no argument check to show.
SKIP = frozenset(
    {
        "abort", "throw", "trace", "traceVerbose", "break", "seq", "deepSeq", "tryEval",
        "addErrorContext", "unsafeGetAttrPos", "fetchurl", "fetchTarball", "fetchGit",
        "fetchMercurial", "fetchTree", "fetchClosure", "getFlake", "typeOf", "isNull",
        "isAttrs", "isBool", "isFloat", "isFunction", "isInt", "isList", "isPath", "isString",
        "derivation", "derivationStrict", "import", "scopedImport", "getEnv", "warn",
        "storePath", "toFile", "placeholder", "hashString", "functionArgs", "toJSON",
        "toXML", "unsafeDiscardStringContext", "unsafeDiscardOutputDependency",
        "addDrvOutputDependencies", "hasContext", "getContext", "appendContext",
    }
)

EXTRA = [
    "builtins.head [ ]",
    "builtins.tail [ ]",
    "builtins.elemAt [ 1 2 ] 2",
    "builtins.elemAt [ 1 2 ] (-1)",
    'builtins.elemAt [ 1 ] "0"',
    "builtins.genList (x: x) (-1)",
    'builtins.substring (-1) 1 "abc"',
    'builtins.substring 0 (-1) "abc"',
    'builtins.getAttr "x" { }',
    'builtins.listToAttrs [ { name = "a"; } ]',
    "builtins.listToAttrs [ { value = 1; } ]",
    "builtins.listToAttrs [ 1 ]",
    "builtins.map 1 [ 1 ]",
    "builtins.filter (x: 1) [ 1 ]",
    "builtins.all (x: 1) [ 1 ]",
    "builtins.any (x: null) [ 1 ]",
    "builtins.sort (a: b: 1) [ 1 2 ]",
    'builtins.foldl\' (a: b: a + b) 0 [ "x" ]',
    "builtins.concatMap (x: x) [ 1 ]",
    "builtins.concatLists [ 1 ]",
    "builtins.catAttrs \"a\" [ 1 ]",
    "builtins.mapAttrs 1 { a = 1; }",
    "builtins.genericClosure { startSet = [ 1 ]; operator = x: [ ]; }",
    "builtins.genericClosure { startSet = [ { key = 1; } ]; }",
    "builtins.genericClosure { operator = x: [ ]; }",
    "builtins.partition (x: 1) [ 1 ]",
    "builtins.groupBy (x: 1) [ 1 ]",
    "builtins.zipAttrsWith (n: v: v) [ 1 ]",
    "builtins.lessThan 1 \"a\"",
    "builtins.div 1 0",
    "builtins.div 1.0 0",
    "builtins.add 1 \"a\"",
    "builtins.sub \"a\" 1",
    "builtins.mul 1 null",
    "builtins.bitAnd 1 1.0",
    'builtins.compareVersions "1" 1',
    'builtins.splitVersion 1',
    'builtins.match "(" "a"',
    'builtins.split "(" "a"',
    'builtins.replaceStrings [ "a" ] [ ] "a"',
    'builtins.replaceStrings [ 1 ] [ "b" ] "a"',
    'builtins.concatStringsSep "," [ 1 ]',
    'builtins.fromJSON "{"',
    'builtins.fromTOML "a ="',
    'builtins.toPath "rel"',
    'builtins.pathExists "rel"',
    'builtins.readFile "rel"',
    'builtins.intersectAttrs { } 1',
    'builtins.removeAttrs { } [ 1 ]',
    'builtins.attrValues 1',
    'builtins.hasAttr 1 { }',
    'builtins.elem 1 1',
    'builtins.length { }',
    'builtins.filterSource 1 ./.',
    'builtins.hashString "md4" "x"',
    'builtins.hashString "sha256" 1',
    'builtins.convertHash { hash = "x"; toHashFormat = "base16"; }',
    'builtins.convertHash { hash = "sha256-x"; }',
    'builtins.parseDrvName 1',
    'builtins.toString { }',
    'builtins.toString (x: x)',
    'builtins.ceil "a"',
    'builtins.floor null',
    'builtins.functionArgs 1',
    'builtins.toJSON (x: x)',
    'builtins.getEnv 1',
    'builtins.baseNameOf 1',
    'builtins.dirOf { }',
    'builtins.seq (throw "a") 1',
    'builtins.tryEval (abort "a")',
    'builtins.elemAt null 0',
    'builtins.substring 0 null "a"',
    'builtins.substring 0 1 null',
    'builtins.concatStringsSep "," null',
    'builtins.getAttr "a" null',
    'builtins.hasAttr "a" null',
    'builtins.catAttrs "a" null',
    'builtins.removeAttrs { } null',
    'builtins.intersectAttrs { } null',
    'builtins.all (x: x) null',
    'builtins.any (x: x) null',
    'builtins.concatMap (x: x) null',
    'builtins.groupBy (x: x) null',
    'builtins.partition (x: x) null',
    'builtins.map null [ ]',
    'builtins.filter null [ ]',
    'builtins.mapAttrs null { }',
    'builtins.sort null [ ]',
    'builtins.genList null 1',
    'builtins.elem 1 null',
    'builtins.match "a" null',
    'builtins.split "a" null',
    'builtins.compareVersions "1" null',
    'builtins.replaceStrings [ ] null "a"',
    'builtins.replaceStrings [ ] [ ] null',
    'builtins.hashFile "sha256" null',
    "builtins.foldl' null 0 [ ]",
    "builtins.foldl' (a: b: a) 0 null",
    'builtins.zipAttrsWith null [ ]',
    'builtins.zipAttrsWith (n: v: v) null',
    'builtins.bitAnd 1 null',
    'builtins.filterSource null ./.',
    'builtins.findFile [ ] null',
    'builtins.genericClosure { startSet = null; operator = x: [ ]; }',
    'builtins.all (throw "x") [ ]',
    'builtins.attrNames (throw "x")',
    'builtins.stringLength (throw "x")',
    'builtins.genList (x: x) (throw "n")',
    'builtins.head (throw "x")',
]


def expressions() -> list[str]:
    """Every wrong call: each builtin on nulls (then on sets), then :data:`EXTRA`."""
    from evaluator.builtins.table import all_builtins
    from evaluator.vm.values import PrimOp

    calls = []
    for name, value in sorted(all_builtins().items()):
        if type(value) is not PrimOp or name in SKIP:
            continue
        calls.append(f"builtins.{name}" + " null" * value.arity)
        calls.append(f"builtins.{name}" + " { }" * value.arity)
    return calls + EXTRA
