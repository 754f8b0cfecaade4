"""An evaluated option set, read lazily from Python.

The set's value (a module system's ``options``) is kept with the
:class:`~evaluator.api.Evaluator` that made it; parts are forced only when
a question needs them (names and types first; descriptions, defaults and
declarations when a hover or a completion item asks), each question under
its own budget. One lock serialises the forcing: thunks must not be forced
from two threads at once.

Paths are tuples of names as written in a module file. Below an option
its type decides what a further name means: a submodule's options, a name
of an ``attrsOf`` value (any name), ``*`` for an item of a ``listOf`` value.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from evaluator.api import Evaluator
from evaluator.vm.errors import NixError
from evaluator.vm.loop import Budget
from evaluator.vm.values import Attrs, Call, Frame, NixList, Thunk
from nixls.ide.valueprint import Limits, shallow

STEPS = 2_000_000  # per question: ample for one level of a big set
SECONDS = 10.0  # per question, against a default or a check that runs away
MEMORY = 256 * 2**20  # bytes per question
LAZY_STEPS = 200_000  # for evaluating a value written in a module, to type-check it
LAZY_SECONDS = 1.0
MAX_DEFINED = 50  # values one definition is judged by (`mkMerge` of many)
# The module system's wrapped definitions: `_type` -> the attribute holding what they define.
_WRAPPED = {
    "override": "content",
    "if": "content",
    "order": "content",
    "merge": "contents",
    "definition": "value",
}
_LIB_FILES = ("fixed-points.nix", "modules.nix", "types.nix")  # a nixpkgs lib folder
ITEM = "*"  # the segment of an item of a `listOf` value
_ROLE = re.compile(r"\{(?:option|var|env|command|file|manpage)\}`([^`]*)`")
_ALIAS = re.compile(r"^Alias of \{option\}`([^`]*)`\.?$")


class Busy(Exception):
    """The set is being read by someone else (the caller does not wait)."""


@dataclass(frozen=True)
class Place:
    """What a path leads to.

    ``kind``: ``group`` (a set of options), ``option``, ``names`` (the name
    of an ``attrsOf`` value), ``items`` (a ``listOf`` value), ``free``
    (anything may be written: freeform or untyped).
    """

    kind: str
    value: Any = None  # the group's Attrs, the option's Attrs, or the element type
    option: tuple[str, ...] | None = None  # the path of the nearest option above
    type: Any = None  # the type of a value written here, below an option (`attrsOf t`: t)
    module: bool = False  # a group that is a submodule's value (a module may be written)
    # A group in a module with a freeform type: names it does not declare, at any
    # depth in it, go to the freeform value (`Unit.PartOf` of a systemd unit).
    freeform: bool = False


@dataclass(frozen=True)
class Child:
    """A name that may follow a path."""

    name: str
    is_option: bool
    type: str | None  # the option's type description
    visible: bool = True


@dataclass(frozen=True)
class Declaration:
    """Where an option is declared (``line``/``column`` 1-based, 0: unknown)."""

    file: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class OptionDoc:
    """What a hover or a completion item shows about one option."""

    path: tuple[str, ...]
    type: str
    description: str | None = None
    default: str | None = None
    example: str | None = None
    declarations: tuple[Declaration, ...] = ()
    read_only: bool = False
    renamed_to: str | None = None  # the option this one is an alias of
    removed: str | None = None  # why it can no longer be used
    visible: bool = True


def _call(fn: Any, arg: Any) -> Frame:
    return (yield Call(fn, arg))


def _force_frame(value: Any) -> Frame:
    return (yield value)


class OptionTree:
    """The lazily read ``options`` value of one option set."""

    def __init__(self, evaluator: Evaluator, root: Any) -> None:
        self._ev = evaluator
        self._root = root
        self._lock = threading.Lock()
        self._places: dict[tuple[str, ...], Place | None] = {}
        self._children: dict[tuple[str, ...], list[Child]] = {}
        self._docs: dict[tuple[str, ...], OptionDoc] = {}
        self._lib = self._imported_lib()

    # ------------------------------------------------------------ forcing

    @contextmanager
    def reading(self, cancel: threading.Event | None, wait: float) -> Iterator[None]:
        """Hold the set for one question; :class:`Busy` after ``wait`` seconds."""
        if not self._lock.acquire(timeout=max(wait, 0.0)):
            raise Busy
        self._ev.cancel = cancel
        try:
            yield
        finally:
            self._ev.cancel = None
            self._lock.release()

    def _force(self, value: Any) -> Any:
        if type(value) is not Thunk or value.code is None:
            return value.value if type(value) is Thunk else value
        self._ev.budget = self._budget()
        return self._ev.run(_force_frame(value))

    def _apply(self, fn: Any, arg: Any) -> Any:
        self._ev.budget = self._budget()
        return self._ev.run(_call(fn, arg))

    def _budget(self) -> Budget:
        return Budget(max_steps=STEPS, timeout=SECONDS, max_memory=MEMORY, cancel=self._ev.cancel)

    def _get(self, attrs: Any, name: str) -> Any:
        """``attrs.name`` forced, or None when absent or failing."""
        if type(attrs) is not Attrs or name not in attrs:
            return None
        return self._value(attrs[name])

    def _value(self, value: Any) -> Any:
        """``value`` forced, or None when it fails."""
        try:
            return self._force(value)
        except NixError:
            return None

    def _text(self, value: Any) -> str | None:
        """A description-like value as text (string, literalMD, literalExpression, mdDoc)."""
        if isinstance(value, str):
            return str(value)
        text = self._get(value, "text")
        return str(text) if isinstance(text, str) else None

    @staticmethod
    def _is_option(value: Any) -> bool:
        return type(value) is Attrs and value.get("_type") == "option"

    def _is_alias(self, option: Any) -> bool:
        described = self._text(self._get(option, "description"))
        return described is not None and _ALIAS.match(described.strip()) is not None

    # ------------------------------------------------------------ places

    def place(self, path: tuple[str, ...]) -> Place | None:
        """Where ``path`` leads (None: no such option)."""
        if path in self._places:
            return self._places[path]
        found = self._place(path)
        self._places[path] = found
        return found

    def _place(self, path: tuple[str, ...]) -> Place | None:
        if not path:
            root = self._force(self._root)
            return Place("group", root) if type(root) is Attrs else Place("free")
        above = self.place(path[:-1])
        if above is None:
            return None
        name = path[-1]
        if above.kind == "free":
            return above
        if above.kind == "group":
            freeform = above.freeform or "_freeformOptions" in above.value
            if name not in above.value:
                return Place("free", option=above.option) if freeform else None
            value = self._get(above.value, name)
            if self._is_option(value) and self._is_alias(value):
                # A renamed option's type is borrowed (or a stand-in): its target decides.
                return Place("option", value, path)
            if self._is_option(value):
                return self._type_place(self._get(value, "type"), path, option_attrs=value)
            if type(value) is not Attrs:
                return None
            return Place("group", value, above.option, freeform=freeform)
        if above.kind == "names":
            return self._type_place(above.value, above.option or path)
        if above.kind == "items":
            return self._type_place(above.value, above.option or path) if name == ITEM else None
        # Below a plain option (`attrs`, a settings format…): its type decides, not names.
        return Place("free", option=above.option)

    def _type_place(self, t: Any, option: tuple[str, ...], option_attrs: Any = None) -> Place:
        """The place of a value of type ``t`` (unwrapping ``nullOr`` and the like)."""
        written = t
        for _ in range(8):  # wrappers nest a few levels at most
            name = self._get(t, "name")
            nested = self._get(t, "nestedTypes")
            elem = self._get(nested, "elemType") if type(nested) is Attrs else None
            if name in ("submodule", "deferredModule"):
                # A deferred module (flake-parts' `perSystem`) offers the options its
                # type was merged with, as a submodule does.
                try:
                    subs = self._force(self._apply(self._get(t, "getSubOptions"), NixList()))
                except NixError:
                    return Place("free", option=option)
                if type(subs) is not Attrs or (
                    name == "deferredModule" and set(subs) <= {"_module"}
                ):
                    # A deferred module whose options come from elsewhere: anything goes.
                    return Place("free", option=option)
                return Place("group", subs, option, module=True)
            if name in ("attrsOf", "lazyAttrsOf") and elem is not None:
                return Place("names", elem, option)
            if name == "listOf" and elem is not None:
                return Place("items", elem, option)
            if name in ("nullOr", "uniq", "unique", "coercedTo") and elem is not None:
                t = elem
                continue
            break
        if option_attrs is not None:
            return Place("option", option_attrs, option)
        return Place("option", None, option, type=written)

    # ------------------------------------------------------------ listing

    def children(self, path: tuple[str, ...]) -> list[Child]:
        """The names that may follow ``path`` (empty where any name goes)."""
        if path in self._children:
            return self._children[path]
        place = self.place(path)
        out: list[Child] = []
        if place is not None and place.kind == "group":
            for name in sorted(place.value):
                if name == "_freeformOptions":
                    continue
                value = self._get(place.value, name)
                if self._is_option(value):
                    visible = self._get(value, "visible") is not False and not self._get(
                        value, "internal"
                    )
                    out.append(Child(name, True, self._type_name(value), visible))
                elif type(value) is Attrs:
                    out.append(Child(name, False, None))
        self._children[path] = out
        return out

    def _type_name(self, option: Any) -> str:
        described = self._get(self._get(option, "type"), "description")
        return str(described) if isinstance(described, str) else "unspecified"

    def option_at(self, path: tuple[str, ...]) -> Any:
        """The option (Attrs) written at exactly ``path``, or None."""
        if not path:
            return None
        above = self.place(path[:-1])
        if above is None or above.kind != "group":
            return None
        value = self._get(above.value, path[-1])
        return value if self._is_option(value) else None

    @property
    def evaluator(self) -> Evaluator:
        """The evaluator holding the set (values checked against it are made in it)."""
        return self._ev

    def check_lazy(self, path: tuple[str, ...], value: Thunk) -> tuple[bool | None, str]:
        """:meth:`check` of a value not yet evaluated, under a small budget, and the
        value as shown; None when it cannot be evaluated (it depends on an
        argument nobody knows here). A value made by the module system's
        wrappers (``mkDefault``, ``mkIf``, ``mkMerge``, ``mkOrder``…) is judged
        by what it defines: the first of those that fails, else the last."""
        result: tuple[bool | None, str] = (None, "")
        try:
            cancel = self._ev.cancel
            self._ev.budget = Budget(LAZY_STEPS, LAZY_SECONDS, MEMORY, cancel=cancel)
            for forced in self._defined(self._ev.run(_force_frame(value))):
                if type(forced) is NixList:
                    for item in forced:  # an item that is unknown: the list cannot be judged
                        self._ev.run(_force_frame(item))
                shown = shallow(forced, self._force, Limits(depth=2, items=10))
                result = (self.check(path, forced), shown)
                if result[0] is False:
                    break
        except NixError:
            return None, ""
        return result

    def _defined(self, forced: Any) -> list[Any]:
        """The values a definition defines, seen through the module system's
        wrappers (forced, under the budget in force)."""
        out: list[Any] = []
        todo = [forced]
        while todo and len(out) < MAX_DEFINED:
            value = todo.pop()
            kind = value.get("_type") if type(value) is Attrs else None
            kind = self._ev.run(_force_frame(kind)) if type(kind) is Thunk else kind
            key = _WRAPPED.get(kind) if isinstance(kind, str) else None
            if key is None or key not in value:
                out.append(value)
                continue
            inner = self._ev.run(_force_frame(value[key]))
            if kind == "merge" and type(inner) is NixList:
                todo.extend(self._ev.run(_force_frame(i)) for i in reversed(list(inner)))
            elif kind != "merge":
                todo.append(inner)
        return out

    def lib(self) -> Thunk | None:
        """The nixpkgs ``lib`` the set's evaluation imported (what modules get as
        ``lib``, but for the extensions a configuration may add), if any."""
        return self._lib

    def _imported_lib(self) -> Thunk | None:
        # Read when the set is made: a stopped evaluation empties the imports.
        context = self._ev.context
        for path, thunk in list(context.import_values.items()):
            if not path.endswith("/default.nix"):
                continue
            # A flake input's store path may be the lib folder itself
            # (`/nix/store/…-source/default.nix`): judged by its folder on disk.
            local = context.io.on_disk(path) or path
            folder = os.path.dirname(local)
            if all(os.path.isfile(os.path.join(folder, n)) for n in _LIB_FILES):
                return thunk  # type: ignore[no-any-return]
        return None

    def defined_elsewhere(self, path: tuple[str, ...], file: str | None) -> bool:
        """Whether the option at ``path`` has a value besides one ``file`` may give
        (a default, or a definition in another file): then a read-only option
        must not be defined in ``file``. False when that cannot be told."""
        option = self.option_at(path)
        if option is None:
            return False
        if "default" in option:
            return True
        files = self._get(option, "files")
        if type(files) is not NixList:
            return False
        here = os.path.realpath(file) if file is not None else None
        io = self._ev.context.io
        for name in files:
            name = self._value(name)
            if not isinstance(name, str):
                return False
            local = io.on_disk(str(name)) or str(name)
            if os.path.realpath(local) != here:
                return True
        return False

    def value_type(self, path: tuple[str, ...]) -> Any:
        """The type a value written at ``path`` must have: the option's there, or
        below an option the element type (``attrsOf t``, ``listOf t``); None: none."""
        option = self.option_at(path)
        if option is not None:
            return self._get(option, "type")
        place = self.place(path)
        return place.type if place is not None and place.kind == "option" else None

    def type_name(self, t: Any) -> str:
        """How a type describes itself."""
        described = self._get(t, "description")
        return str(described) if isinstance(described, str) else "unspecified"

    def check(self, path: tuple[str, ...], value: Any) -> bool | None:
        """Whether ``value`` passes the type check at ``path`` (:meth:`value_type`;
        None: no type there, or the check could not be run)."""
        t = self.value_type(path)
        return None if t is None else self._check_type(t, value)

    def _check_type(self, t: Any, value: Any) -> bool | None:
        """``t.check value``, and for a list each item against the element type
        (the module system checks items only when it merges them)."""
        check = self._get(t, "check")
        if check is None:
            return None
        try:
            result = self._force(self._apply(check, value))
        except NixError:
            return None
        if result is True and type(value) is NixList and self._get(t, "name") == "listOf":
            elem = self._get(self._get(t, "nestedTypes"), "elemType")
            try:  # an item may be wrapped too (`[ (mkIf c "x") ]`: merged item by item)
                items = [d for item in value for d in self._defined(self._force(item))]
            except NixError:
                return None
            if any(self._check_type(elem, item) is False for item in items):
                return False
        return result if isinstance(result, bool) else None

    # ------------------------------------------------------------ documentation

    def doc(self, path: tuple[str, ...]) -> OptionDoc | None:
        """The documentation of the option at ``path`` (None: not an option)."""
        if path in self._docs:
            return self._docs[path]
        option = self.option_at(path)
        if option is None:
            return None
        description = self._text(self._get(option, "description"))
        visible = self._get(option, "visible") is not False
        renamed = None
        if description is not None:
            alias = _ALIAS.match(description.strip())
            renamed = alias.group(1) if alias and not visible else None
        removed = None
        if description is None and not visible and "apply" in option:
            removed = self._removal(option)
        doc = OptionDoc(
            path=path,
            type=self._type_name(option),
            description=_ROLE.sub(r"`\1`", description) if description else None,
            default=self._shown(option, "default"),
            example=self._shown(option, "example"),
            declarations=self._declarations(option),
            read_only=self._get(option, "readOnly") is True,
            renamed_to=renamed,
            removed=removed,
            visible=visible,
        )
        self._docs[path] = doc
        return doc

    def _removal(self, option: Any) -> str | None:
        """The message of a removed option (its ``apply`` throws it)."""
        try:
            self._force(self._apply(self._get(option, "apply"), None))
        except NixError as exc:
            message = str(getattr(exc, "message", "") or exc)
            # The message may itself fail to build (it can name other options).
            if "removed" in message:
                return message
            shown = ".".join(self._loc(option))
            return f"The option `{shown}` can no longer be used since it has been removed."
        return None

    def _loc(self, option: Any) -> list[str]:
        loc = self._get(option, "loc")
        names = [self._value(n) for n in loc] if type(loc) is NixList else []
        return [str(n) for n in names if isinstance(n, str)]

    def _shown(self, option: Any, key: str) -> str | None:
        text_key = "defaultText" if key == "default" else None
        if text_key and text_key in option:
            literal = self._get(option, text_key)
            if type(literal) is Attrs:
                return self._text(literal)
            if isinstance(literal, str):
                return literal
        if key not in option:
            return None
        value = self._get(option, key)
        if type(value) is Attrs and value.get("_type") in ("literalExpression", "literalMD"):
            return self._text(value)
        try:
            return shallow(value, self._force, Limits(depth=2, items=10))
        except NixError:
            return None

    def _declarations(self, option: Any) -> tuple[Declaration, ...]:
        """``declarationPositions``; the file of ``declarations`` where a position
        points elsewhere (options made by `lib` helpers are positioned in `lib`)."""
        # A flake is evaluated from its store path: name its files where they are.
        io = self._ev.context.io

        def local(path: str) -> str:
            return io.on_disk(path) or path

        files: list[str | None] = []
        listed = self._get(option, "declarations")
        for item in listed if type(listed) is NixList else ():
            name = self._value(item)
            files.append(_module_file(local(str(name))) if isinstance(name, str) else None)
        out: list[Declaration] = []
        positions = self._get(option, "declarationPositions")
        for i, item in enumerate(positions if type(positions) is NixList else ()):
            pos = self._value(item)
            file, line, column = (self._get(pos, k) for k in ("file", "line", "column"))
            if isinstance(file, str):
                file = local(file)
            declared = files[i] if i < len(files) else None
            if declared is not None and declared != file:
                out.append(Declaration(declared))
            elif isinstance(file, str):
                out.append(
                    Declaration(
                        str(file),
                        line if isinstance(line, int) else 0,
                        column if isinstance(column, int) else 0,
                    )
                )
        if not out:
            out = [Declaration(f) for f in files if f is not None]
        return tuple(out)


def _module_file(name: str) -> str:
    """The file of a module imported as a folder (``./networking``: its `default.nix`)."""
    inner = os.path.join(name, "default.nix")
    return inner if os.path.isdir(name) and os.path.isfile(inner) else name
