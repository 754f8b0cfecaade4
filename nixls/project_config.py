"""Project configuration: ``nixls.toml`` (or ``.nixls.toml``), plain data.

The file is found by walking up from a file or workspace folder; the
nearest directory holding one wins (``nixls.toml`` before ``.nixls.toml``).
Its keys are the server's setting names, so one file serves the command
line and the editor::

    [diagnostics]
    ignored = ["shadowed-builtin"]          # codes never reported
    exclude = ["vendor/*", "generated.nix"] # globs, relative to this file
    severity = { unused-with = "hint", unused-rec = "off" }

    [eval]
    nixPath = ["nixpkgs=./nixpkgs"]        # relative paths: from this file
    allowedPaths = ["../common"]
    autoArgs = { lib = "import <nixpkgs/lib>" }
    budget = { steps = 2000000, timeoutMs = 2000, memoryMB = 256, maxCallDepth = 1000000 }
    compileCache = false                   # `nixls eval`: no compiled files in ~/.cache/nixls

    [options.home]                         # a module option set (nixls.ide.options)
    expr = "(import ./hm.nix).options"     # evaluated from this file's folder
    files = ["home/**.nix"]                # relative to this file (default: all modules)

A bad file raises :class:`ConfigError`, located (``FILE:LINE:COL``) where
the TOML parser or the unknown key says. No LSP imports: the command line
uses this module too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

# pathlib (with urllib.parse and ipaddress) and fnmatch are imported when a
# file is found or exclusions are checked: `nixls eval` looks for a file at
# every start and seldom finds one.
if TYPE_CHECKING:
    from pathlib import Path

    from evaluator.compiler.diagnostics import Diagnostic, Severity

CONFIG_NAMES = ("nixls.toml", ".nixls.toml")
OFF = "off"


def _severities() -> dict[str, Severity]:
    # The compiler's diagnostics are imported when needed (not by `nixls eval`).
    from evaluator.compiler.diagnostics import Severity

    return {s.value: s for s in Severity}


# Every key: dotted name -> expected kind ("codes", "strings", "table",
# "severity", "count", "bool").
KEYS: dict[str, str] = {
    "diagnostics.ignored": "codes",
    "diagnostics.exclude": "strings",
    "diagnostics.severity": "severity",
    "eval.nixPath": "strings",
    "eval.allowedPaths": "strings",
    "eval.autoArgs": "table",
    "eval.budget.steps": "count",
    "eval.budget.timeoutMs": "count",
    "eval.budget.memoryMB": "count",
    "eval.budget.maxCallDepth": "count",
    "options": "optionsets",
    "eval.compileCache": "bool",
}
_TABLES = {"diagnostics", "eval", "eval.budget"}


class ConfigError(Exception):
    """A bad configuration file; ``str()`` is ``FILE:LINE:COL: message``."""

    def __init__(self, path: Path, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.line = line
        self.column = column
        self.message = message


class ProjectConfig:
    """The validated contents of one configuration file (empty: no file).

    Equal when ``path`` and ``values`` (dotted key -> value) are.
    """

    # A plain class, not a dataclass: `nixls eval` imports this module, and
    # `dataclasses` (inspect, ast, dis) was a tenth of its start-up.
    __slots__ = ("path", "values")

    def __init__(self, path: Path | None = None, values: dict[str, Any] | None = None) -> None:
        self.path = path
        self.values: dict[str, Any] = values if values is not None else {}

    def __eq__(self, other: object) -> bool:
        if type(other) is not ProjectConfig:
            return NotImplemented
        return (self.path, self.values) == (other.path, other.values)

    __hash__ = None  # type: ignore[assignment]  # mutable values: as the frozen dataclass was

    def __repr__(self) -> str:
        return f"ProjectConfig(path={self.path!r}, values={self.values!r})"

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a dotted key (see :data:`KEYS`), or ``default``."""
        return self.values.get(key, default)

    @property
    def ignored(self) -> frozenset[str]:
        """Codes never reported."""
        return frozenset(self.get("diagnostics.ignored", ()))

    @property
    def severity(self) -> dict[str, str]:
        """Code -> severity name, or ``"off"``."""
        return dict(self.get("diagnostics.severity", {}))

    @property
    def exclude(self) -> list[str]:
        """Absolute glob patterns of files not checked."""
        return list(self.get("diagnostics.exclude", ()))


EMPTY = ProjectConfig()


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest configuration file at or above ``start`` (a file or folder)."""
    here = os.path.abspath(start)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(here, name)
            if os.path.isfile(candidate):
                from pathlib import Path

                return Path(candidate)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def config_for(start: str | os.PathLike[str]) -> ProjectConfig:
    """The configuration that applies at ``start`` (:data:`EMPTY` if none)."""
    path = find_config(start)
    return EMPTY if path is None else load_config(path)


def load_config(path: Path) -> ProjectConfig:
    """Read and validate one file; raises :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, 1, 1, f"cannot read: {exc}") from None
    import tomllib  # only when there is a file: start-up imports stay small

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
        if at is not None:
            line, column = int(at.group(1)), int(at.group(2))
            raise ConfigError(path, line, column, message[: at.start()]) from None
        end = re.search(r"\s*\(at end of document\)$", message)
        line = text.count("\n") + 1 if end is not None else 1
        raise ConfigError(path, line, 1, message[: end.start()] if end else message) from None
    values: dict[str, Any] = {}
    for key, value in _flatten(data, ""):
        line = _line_of(text, key)
        kind = KEYS.get(key)
        if kind is None:
            known = ", ".join(sorted(KEYS))
            raise ConfigError(path, line, 1, f"unknown key '{key}' (known keys: {known})")
        problem = _problem(kind, value)
        if problem is not None:
            message, item = problem
            if item is not None:
                line = _line_of(text, f"{key}.{item}")
            raise ConfigError(path, line, 1, f"'{key}': {message}")
        values[key] = _resolve(key, value, path.parent)
    return ProjectConfig(path, values)


def _flatten(data: Mapping[str, Any], prefix: str) -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and dotted in _TABLES:
            yield from _flatten(value, dotted + ".")
        else:
            yield dotted, value


def _problem(kind: str, value: Any) -> tuple[str, str | None] | None:
    from evaluator.compiler.diagnostics import CODES

    """What is wrong with ``value`` for a key of ``kind`` (None: fine), and
    the name of the offending entry of a table (None: the whole value)."""
    if kind == "optionsets":
        return _option_sets_problem(value)
    if kind == "bool":
        return None if isinstance(value, bool) else (f"expected true or false, got {value!r}", None)
    if kind == "count":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else (f"expected a non-negative integer, got {value!r}", None)
    if kind in ("strings", "codes"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"expected an array of strings, got {value!r}", None
        unknown = [v for v in value if v not in CODES] if kind == "codes" else []
        return (f"unknown diagnostic code {unknown[0]!r}", None) if unknown else None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return f"expected a table of strings, got {value!r}", None
    if kind == "severity":
        for code, level in value.items():
            if code not in CODES:
                return f"unknown diagnostic code {code!r}", code
            if level != OFF and level not in _severities():
                allowed = ", ".join([*_severities(), OFF])
                return f"severity of {code!r} must be one of {allowed}, got {level!r}", code
    return None


def _option_sets_problem(value: Any) -> tuple[str, str | None] | None:
    """``[options.NAME]`` tables: ``expr`` (a string), ``files`` (strings)."""
    for name, entry in value.items() if isinstance(value, dict) else ():
        if not isinstance(entry, dict) or not isinstance(entry.get("expr"), str):
            return f'option set {name!r} needs expr = "…"', name
        files = entry.get("files", [])
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return f"option set {name!r}: files must be an array of strings", name
        unknown = sorted(set(entry) - {"expr", "files"})
        if unknown:
            return f"option set {name!r}: unknown key {unknown[0]!r}", name
    return None if isinstance(value, dict) else ("expected [options.NAME] tables", None)


def _resolve(key: str, value: Any, base: Path) -> Any:
    """Paths in the file are relative to the file's folder."""
    if key == "options":  # evaluated and matched from this file's folder
        return {name: {**entry, "base": str(base)} for name, entry in value.items()}
    if key == "diagnostics.exclude":
        return [os.path.normpath(os.path.join(base, p)) for p in value]
    if key == "eval.allowedPaths":
        return [os.path.normpath(os.path.join(base, os.path.expanduser(p))) for p in value]
    if key == "eval.nixPath":
        out = []
        for entry in value:
            prefix, sep, target = entry.partition("=")
            if not sep:
                prefix, target = "", entry
            if not re.match(r"^[a-z]+://", target):
                target = os.path.normpath(os.path.join(base, os.path.expanduser(target)))
            out.append(f"{prefix}={target}" if sep else target)
        return out
    return value


def _line_of(text: str, dotted: str) -> int:
    """The (1-based) line that defines ``dotted``, best effort (1 if unsure)."""
    *tables, last = dotted.split(".")
    lines = text.splitlines()
    key = re.compile(rf'^\s*(?:[\w."-]+\.)?"?{re.escape(last)}"?\s*=')
    header = re.compile(rf"^\s*\[\s*{re.escape('.'.join(tables))}\s*\]") if tables else None
    start = 0
    if header is not None:
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    for i in range(start, len(lines)):
        if key.match(lines[i]) or re.search(rf"\b{re.escape(last)}\s*=", lines[i]):
            return i + 1
    table = re.compile(rf"^\s*\[\s*{re.escape(dotted)}\s*\]")
    return next((i + 1 for i, line in enumerate(lines) if table.match(line)), 1)


# ---------------------------------------------------------------- using it


def adjust(
    diagnostics: Iterable[Diagnostic], ignored: Iterable[str], severity: Mapping[str, str]
) -> list[Diagnostic]:
    """The diagnostics minus ignored codes, with configured severities."""
    from dataclasses import replace  # not imported by `nixls eval`

    skip = set(ignored)
    severities = _severities()
    out = []
    for diag in diagnostics:
        level = severity.get(diag.code)
        if diag.code in skip or level == OFF:
            continue
        wanted = severities.get(level or "")
        out.append(diag if wanted is None else replace(diag, severity=wanted))
    return out


def is_excluded(path: str | os.PathLike[str], patterns: Iterable[str]) -> bool:
    """Whether ``path`` (or a folder above it) matches an absolute glob."""
    import fnmatch
    from pathlib import Path

    absolute = Path(os.path.abspath(path))
    candidates = [str(absolute), *(str(p) for p in absolute.parents)]
    return any(fnmatch.fnmatchcase(c, pattern) for pattern in patterns for c in candidates)


def settings_json(config: ProjectConfig) -> dict[str, Any]:
    """The file's values nested like the server's settings JSON."""
    out: dict[str, Any] = {}
    for key, value in config.values.items():
        *parents, last = key.split(".")
        target = out
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value
    return out


def overlay(base: Mapping[str, Any], top: Any, defaults: Mapping[str, Any]) -> Any:
    """``top`` (editor settings) over ``base`` (the file), key by key.

    Editors send every setting, most at their default; a value equal to the
    default (``defaults``, same nesting) does not override the file.
    """
    if not isinstance(top, Mapping):
        return dict(base) if top is None else top
    merged = dict(base)
    for key, value in top.items():
        here = base.get(key)
        default = defaults.get(key) if isinstance(defaults, Mapping) else None
        if isinstance(value, Mapping) and isinstance(here, Mapping):
            merged[key] = overlay(here, value, default if isinstance(default, Mapping) else {})
        elif here is None or value != default:
            merged[key] = value
    return merged


def with_project_config(raw: Any, roots: Iterable[str], warn: Callable[[str], None]) -> Any:
    """Editor settings ``raw`` over the ``nixls.toml`` of the first workspace
    folder that has one (a bad file is reported through ``warn``, and skipped)."""
    from nixls.settings import SECTION, Settings, unstructure_settings

    for root in roots:
        try:
            config = config_for(root)
        except ConfigError as exc:
            warn(f"{exc}; ignored")
            continue
        if config.path is not None:
            if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
                raw = raw[SECTION]
            return overlay(settings_json(config), raw, unstructure_settings(Settings()))
    return raw
