"""`toJSON` and `fromJSON`, with C++ Nix 2.8's output format and number rules."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import charge
from evaluator.vm import ops, walk
from evaluator.vm.errors import NixError
from evaluator.vm.frames import span_of_position
from evaluator.vm.values import Attrs, Closure, CtxStr, Frame, NixList, NixPath, Thunk, make_str

_UINT64_MAX = (1 << 64) - 1
# The JSON string literal of a `str` as Nix 2.26's writer (nlohmann's) makes
# it: `"` and `\\` escaped, `\n \r \t \b \f` by name (2.8 wrote \u0008 and
# \u000c), the other control characters as `\u00xx`, every other character
# as it is. The `json` module's own encoder (in C) does exactly that.
_quoted: Callable[[str], str] = encode_basestring


def json_string(s: str) -> str:
    """A JSON string literal as Nix writes it (other characters unescaped).

    A string that is not valid UTF-8 (bytes kept as surrogates) is an error.
    """
    if not s.isascii():
        err = utf8_error(s)
        if err is not None:
            raise err
    return _quoted(s)


def _string(s: str, bad: list[NixError]) -> str:
    """``s`` quoted for :func:`to_json`; the error of the first string that is not
    valid UTF-8 is kept in ``bad`` (Nix reports it once the whole value is converted)."""
    if not s.isascii() and not bad:
        err = utf8_error(s)
        if err is not None:
            bad.append(err)
    return _quoted(s)


def _key(name: str, bad: list[NixError]) -> str:
    """``"name":``, remembered (a tree's attribute names repeat)."""
    text = _KEYS.get(name)
    if text is None:
        text = _string(name, bad) + ":"
        if name.isascii():  # (others are checked each time)
            if len(_KEYS) >= 4096:
                _KEYS.clear()
            _KEYS[name] = text
    return text


_KEYS: dict[str, str] = {}


def utf8_error(s: str) -> NixError | None:
    """The error of Nix's JSON writer (nlohmann's) for a string that is not valid
    UTF-8: the byte where decoding failed, or the last byte of a string ending
    inside a character; None for a valid string."""
    data = s.encode("utf-8", "surrogateescape")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        head = "JSON serialization error: [json.exception.type_error.316] "
        if e.reason == "unexpected end of data":
            return NixError(f"{head}incomplete UTF-8 string; last byte: 0x{data[-1]:02X}")
        # A sequence cut short is rejected at the byte that does not continue it.
        at = e.end if e.reason == "invalid continuation byte" else e.start
        return NixError(f"{head}invalid UTF-8 byte at index {at}: 0x{data[at]:02X}")
    return None


# Where a value sits in the value being converted, for the trace of an error:
# (where its container sits, the trace entry, the attribute position).
_Where = tuple[Any, str, Any] | None

# An open list or set: [the container, its sorted names (None for a list),
# the index of the next element].
_Open = list[Any]


def to_json(v: Any) -> Frame:
    """The JSON text of a value (deeply forced), with the context of its strings."""
    out: list[str] = []
    put = out.append
    ctx: set[str] = set()
    bad: list[NixError] = []  # a string that is not UTF-8 (reported at the end, as Nix)
    opened: list[_Open] = []  # outermost first
    item = v
    n = 0
    mask = walk.EVERY - 1
    while True:
        n += 1
        if not n & mask:
            walk.checkpoint(walk.EVERY, sum(map(len, out[-walk.EVERY :])))
        try:
            if type(item) is Thunk:
                item = item.value if item.code is None else (yield item)
            t = type(item)
            if t is str:
                put(_string(item, bad))
            elif t is int:
                put(str(item))
            elif t is bool:
                put("true" if item else "false")
            elif item is None:
                put("null")
            elif t is NixList or t is Attrs:
                if len(opened) >= walk.MAX_DEPTH:
                    raise walk.too_deep()
                if t is NixList:
                    put("[")
                    opened.append([item, None, 0])
                elif "__toString" in item:
                    put((yield from _scalar(item, ctx, bad)))
                elif "outPath" in item:
                    item = item["outPath"]  # printed in the set's place
                    continue
                else:
                    put("{")
                    opened.append([item, sorted(item), 0])
            else:
                put((yield from _scalar(item, ctx, bad)))
        except NixError as err:
            _trace(err, _where(opened))
            raise
        # The next element of the innermost open container, closing those
        # done. Evaluated strings, numbers, Booleans and nulls are printed
        # here (they cannot fail): the loop above only sees the others.
        while opened:
            top = opened[-1]
            container, names, i = top
            size = len(container)
            while i < size:
                if i:
                    put(",")
                if names is None:
                    item = container[i]
                else:
                    name = names[i]
                    put(_key(name, bad))
                    item = container[name]
                i += 1
                if type(item) is Thunk and item.code is None:
                    item = item.value
                t = type(item)
                if t is str:
                    put(_quoted(item) if item.isascii() else _string(item, bad))
                elif t is bool:
                    put("true" if item else "false")
                elif t is int:
                    put(str(item))
                elif item is None:
                    put("null")
                else:
                    top[2] = i
                    break
                n += 1
                if not n & mask:
                    walk.checkpoint(walk.EVERY, sum(map(len, out[-walk.EVERY :])))
            else:
                put("]" if names is None else "}")
                opened.pop()
                continue
            break
        else:
            break
    if bad:
        raise bad[0]
    text = "".join(out)
    charge(len(text))
    return make_str(text, frozenset(ctx))


def _where(opened: list[_Open]) -> _Where:
    """Where the element being printed sits (built only for an error's trace)."""
    where: _Where = None
    for container, names, i in opened:
        if names is None:
            pos = where[2] if where is not None else None
            where = (where, f"while evaluating list element at index {i - 1}", pos)
        else:
            name = names[i - 1]
            pos = (container.positions or {}).get(name)
            where = (where, f"while evaluating attribute '{name}'", pos)
    return where


def _scalar(item: Any, ctx: set[str], bad: list[NixError]) -> Frame:
    """The JSON text of a forced value that is not a list or a plain set."""
    t = type(item)
    if t is str:
        return _string(item, bad)
    if t is CtxStr:
        ctx |= item.context
        return _string(str.__str__(item), bad)
    if t is bool:
        return "true" if item else "false"
    if t is int:
        return str(item)
    if t is float:
        return json_float(item)
    if item is None:
        return "null"
    if t is NixPath:
        s = ops.copy_path_to_store(item.path)
        if type(s) is CtxStr:
            ctx |= s.context
        return _string(str.__str__(s), bad)
    if t is Attrs:  # with `__toString`
        s = yield from ops.coerce_to_string(item, coerce_more=False, copy_to_store=False)
        if type(s) is CtxStr:
            ctx |= s.context
        return _string(str.__str__(s), bad)
    # Nix locates the error at a lambda's own position.
    raise NixError(
        f"cannot convert {ops.show_type(item)} to JSON", item.span if t is Closure else None
    )


def _trace(err: NixError, where: _Where) -> None:
    """Nix's entries for where in the value the error happened (innermost first)."""
    if where is not None and err.trace:
        # Nix names the attribute here, not where its value is computed.
        own = where[1].replace("while evaluating attribute", "while evaluating the attribute")
        if err.trace[-1][0] == own:
            err.trace.pop()
    while where is not None:
        where, message, pos = where
        err.add_trace(message, span_of_position(pos))


@builtin("toJSON", 1)
def to_json_builtin(v: Any) -> Frame:
    """`toJSON x`: `x` as a JSON string (sets with `outPath` or `__toString` as strings,
    paths copied to the store); functions cannot be converted."""
    return (yield from to_json(v))


def json_float(f: float) -> str:
    """A float as Nix 2.26's JSON writer (nlohmann) writes it: the shortest
    round-tripping digits, an integral value with `.0`, exponent form from
    1e15 on and below 1e-4, and `null` for infinities and NaN."""
    if math.isinf(f) or math.isnan(f):
        return "null"
    text = repr(f)
    if 1e15 <= abs(f) < 1e16:
        # Python switches to the exponent form one decade later than nlohmann.
        digits = text.split(".")[0].lstrip("-").rstrip("0")
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return ("-" if f < 0 else "") + mantissa + "e+15"
    return text


def _parse_int(text: str) -> int | float:
    n = int(text)
    if ops.INT_MIN <= n <= ops.INT_MAX:
        return n
    # nlohmann::json reads these as unsigned; Nix 2.26 refuses them. Larger
    # ones are floats.
    if 0 <= n <= _UINT64_MAX:
        raise NixError(f"unsigned json number {n} outside of Nix integer range")
    return float(n)


def _parse_float(text: str) -> float:
    f = float(text)
    if f in (math.inf, -math.inf):
        raise _NumberOverflow(text)
    return f


class _NumberOverflow(ValueError):
    """A JSON number too large for a double."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid literal '{name}'")


def _fix_string(s: str) -> str:
    if "\0" in s:
        raise nul_error(s)
    return s


def nul_error(s: str) -> NixError:
    """Nix 2.26 rejects strings holding NUL (they cannot be C strings)."""
    shown = s.replace("\0", "\u2400")
    return NixError(
        f"input string '{shown}' cannot be represented as Nix string because it contains null bytes"
    )


def _attrs_hook(pairs: list[tuple[str, Any]]) -> Attrs:
    return Attrs((_fix_string(k), v) for k, v in pairs)


def from_json_text(text: str) -> Any:
    """The Nix value of a JSON document."""
    try:
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_reject_constant,
            object_pairs_hook=_attrs_hook,
        )
    except json.JSONDecodeError as e:
        raise NixError(
            f"[json.exception.parse_error.101] parse error at line {e.lineno}, "
            f"column {e.colno}: syntax error while parsing value - {e.msg}"
        ) from None
    except _NumberOverflow as e:
        raise NixError(f"[json.exception.out_of_range.406] number overflow parsing '{e}'") from None
    except ValueError as e:
        raise NixError(
            f"[json.exception.parse_error.101] parse error: syntax error while parsing value - {e}"
        ) from None
    except RecursionError:
        # Python's parser recurses; deep documents take the iterative one.
        return _parse_deep(text)
    return _to_nix(value)


def _to_nix(value: Any) -> Any:
    """Python lists to NixList and strings fixed, iteratively (sets are already Attrs)."""

    def convert(x: Any) -> Any:
        if type(x) is list:
            lst = NixList(x)
            todo.append(lst)
            return lst
        if type(x) is Attrs:
            todo.append(x)
        elif type(x) is str:
            return _fix_string(x)
        return x

    todo: list[Any] = []
    root = convert(value)
    while todo:
        c = todo.pop()
        if type(c) is NixList:
            for i, x in enumerate(c):
                c[i] = convert(x)
        else:
            for k, x in c.items():
                c[k] = convert(x)
    return root


_TOKEN = re.compile(
    r"""[ \t\n\r]*(?:([][{}:,])|("(?:[^"\\\x00-\x1f]|\\.)*")"""
    r"|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|(true|false|null))"
)
_LITERALS = {"true": True, "false": False, "null": None}


def _parse_deep(text: str) -> Any:
    """A JSON parser with an explicit stack (for documents nested too deeply for ``json``).

    A container is attached to its parent when it opens; the stack holds
    ``[container, state, key]`` with states ``first`` (just opened), ``key``
    / ``value`` (after a comma), ``colon`` (after a key) and ``sep`` (after
    a value).
    """

    def fail(at: int) -> NixError:
        return NixError(
            f"[json.exception.parse_error.101] parse error at column {at + 1}: "
            "syntax error while parsing value"
        )

    stack: list[list[Any]] = []
    root: Any = None
    started = False
    pos = 0
    n = len(text)
    while True:
        m = _TOKEN.match(text, pos)
        if m is None:
            if started and not stack and text[pos:].strip(" \t\n\r") == "":
                return root
            raise fail(pos)
        at = m.start()
        pos = m.end()
        punct, string, number, literal = m.groups()
        if started and not stack:
            raise fail(at)
        value: Any = None
        is_value = False
        if punct is None:
            is_value = True
            if string is not None:
                value = _fix_string(json.loads(string))
            elif number is not None:
                is_float = "." in number or "e" in number or "E" in number
                value = _parse_float(number) if is_float else _parse_int(number)
            else:
                value = _LITERALS[literal]
        elif punct == "[" or punct == "{":
            is_value = True
            value = NixList() if punct == "[" else Attrs()
        if not stack:
            if not is_value:
                raise fail(at)
            root = value
            started = True
            if type(value) is NixList or type(value) is Attrs:
                stack.append([value, "first", None])
            continue
        top = stack[-1]
        container, state, key = top
        if type(container) is NixList:
            if is_value and state in ("first", "value"):
                container.append(value)
                top[1] = "sep"
            elif punct == "]" and state in ("first", "sep"):
                stack.pop()
                continue
            elif punct == "," and state == "sep":
                top[1] = "value"
                continue
            else:
                raise fail(at)
        else:
            if string is not None and state in ("first", "key"):
                top[2] = value
                top[1] = "colon"
                continue
            if punct == "}" and state in ("first", "sep"):
                stack.pop()
                continue
            if punct == ":" and state == "colon":
                top[1] = "value"
                continue
            if punct == "," and state == "sep":
                top[1] = "key"
                continue
            if not (is_value and state == "value"):
                raise fail(at)
            container[key] = value
            top[1] = "sep"
        if type(value) is NixList or type(value) is Attrs:
            stack.append([value, "first", None])
        if pos > n:  # pragma: no cover - the regex never matches past the end
            raise fail(pos)


@builtin("fromJSON", 1)
def from_json(s: Any) -> Frame:
    """`fromJSON text`: the Nix value of the JSON document `text`."""
    s = yield from ops.force_string(s)
    return from_json_text(str.__str__(s))
