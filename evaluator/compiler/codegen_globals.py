"""The names generated code reads from its module globals (besides its constants)."""

from __future__ import annotations

from itertools import repeat
from types import GeneratorType
from typing import Any

from evaluator.vm import ops, runtime, shared_code
from evaluator.vm.budget import charge
from evaluator.vm.ops_support import type_set
from evaluator.vm.values import Attrs, Call, Closure, NixList, NixPath, PrimOp, PrimOpApp, Thunk


def thunk_set(
    ns: dict[str, Any],
    keys: tuple[str, ...],
    names: tuple[str | None, ...],
    args: tuple[Any, ...],
    locs: tuple[Any, ...],
    values: tuple[Any, ...],
) -> Attrs:
    """The code of a large set literal (`codegen_sets.thunk_table`): per key
    of ``keys``, a new thunk of the function ``ns[name]`` (``ns`` the unit's
    namespace) bound to its ``args`` entry: None (no arguments), an index
    into ``locs`` (the body's variables), or a tuple of indices and names in
    ``ns``; or, where ``names`` has None, the next of ``values``. The set
    the inline `Attrs({...})` built, from tables instead of code for each
    thunk: compiling that code was most of a large set's cold cost."""
    new, cls, bind = object.__new__, Thunk, runtime.partial
    made = Attrs()
    rest = iter(values)
    for key, name, bound in zip(keys, names, args, strict=True):
        if name is None:
            made[key] = next(rest)
            continue
        # (`Thunk(...)` without a Python frame of `Thunk.__init__`.)
        t = made[key] = new(cls)
        t.value = None
        t.span = None
        if bound is None:
            t.code = ns[name]
        elif type(bound) is int:
            t.code = bind(ns[name], locs[bound])
        else:  # a loop, not a comprehension: that would be a Python call (3.11)
            made_args = []
            for a in bound:
                made_args.append(locs[a] if type(a) is int else ns[a])
            t.code = bind(ns[name], *made_args)
    return made


def inherits(
    ns: dict[str, Any], helper: Any, src: Any, names: tuple[str, ...], sites: tuple[str, ...]
) -> Any:
    """The thunks of a run of `inherit (src) a b …;` bindings
    (`codegen_tables`), in order: `Thunk(partial(helper, src, name, site))`
    per name, ``site`` the constant of ``ns`` named in ``sites``; made by
    C-level maps, not a bytecode line each."""
    codes = map(runtime.partial, repeat(helper), repeat(src), names, map(ns.__getitem__, sites))
    return map(Thunk, codes)


# Values whose type needs no forcing or calling (tested inline by generated code).
SIMPLE_TYPES = frozenset({int, str, bool, type(None), float})

BASE_GLOBALS: dict[str, Any] = {
    "Thunk": Thunk,
    "Call": Call,
    "Closure": Closure,
    "PrimOp": PrimOp,
    "PrimOpApp": PrimOpApp,
    "Attrs": Attrs,
    "NixList": NixList,
    "NixPath": NixPath,
    "partial": runtime.partial,
    "MISSING": runtime.MISSING,
    "PENDING": runtime.PENDING,
    "SLOW": runtime.SLOW,
    "SIMPLE": SIMPLE_TYPES,
    # What a call may give back that still needs the loop.
    "PENDING_TYPES": type_set((GeneratorType, Thunk, Call)),
    "IMIN": ops.INT_MIN,
    "IMAX": ops.INT_MAX,
    "r_overflow": runtime.overflow,
    "r_arith": runtime.arith,
    "r_add": runtime.add,
    "r_assert_equal": runtime.assert_equal,
    "r_bool_error": runtime.bool_error,
    "r_select_error": runtime.select_error,
    "r_name_error": runtime.name_error,
    "r_undefined": runtime.undefined,
    "r_assert_failed": runtime.assert_failed,
    "r_syntax_error": runtime.syntax_error,
    "r_negate": runtime.negate,
    "r_update": runtime.update,
    "r_concat_lists": runtime.concat_lists,
    "r_make_list": runtime.make_list,
    "r_check_formals": runtime.check_formals,
    "r_missing_argument": runtime.missing_argument,
    "r_missing_formal": runtime.missing_formal,
    "r_set_dynamic": runtime.set_dynamic,
    "r_with_get": runtime.with_get,
    "r_with_lookup": runtime.with_lookup,
    "r_type_error": ops.type_error,
    "r_attr_name": runtime.attr_name,
    "r_scope_get": runtime.scope_get,
    "r_overrides": runtime.apply_overrides,
    "r_const": runtime.const_frame,
    "r_peek": runtime.peek,
    "r_apply_late": runtime.apply_late,
    "r_head": runtime.apply_head,
    "r_charge": charge,
    "r_inherit": shared_code.inherit,
    "r_inherit_bound": shared_code.inherit_bound,
    "r_select": shared_code.select,
    "r_select_attr": shared_code.select_attribute,
    "r_new_list": shared_code.new_list,
    "r_new_attrs": shared_code.new_attrs,
    "r_empty_attrs": shared_code.empty_attrs,
    "r_new_set": shared_code.new_set,
    "r_new_set1": shared_code.new_set1,
    "r_call": shared_code.call,
    "r_call_attr": shared_code.call_attribute,
    "r_call_sel": shared_code.call_select,
    "r_call_sel_attr": shared_code.call_select_attribute,
    "r_with_var": shared_code.with_var,
    "r_with_var_attr": shared_code.with_var_attribute,
    "o_add": ops.add,
    "o_sub": ops.sub_values,
    "o_mul": ops.mul_values,
    "o_div": ops.div_values,
    "o_lt": ops.less_than,
    "o_equal": ops.equal,
    "o_concat_strings": ops.concat_strings,
    "o_interpolate_path": ops.interpolate_path,
    "r_thunk_set": thunk_set,
    "r_inherits": inherits,
}
