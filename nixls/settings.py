"""The server's settings: typed classes, lenient structuring, and a schema.

Settings arrive as JSON (``initializationOptions`` and
``workspace/didChangeConfiguration``, section ``nixls``) and are structured
with cattrs into the attrs classes below. One bad value never costs the
others: every field is structured on its own, and an unknown key or a
value of the wrong type is reported (as a message for the log) and
ignored, leaving that field's default.

The classes are the single source of truth: :func:`settings_schema`
derives the flattened ``nixls.*`` schema an editor extension declares
(``python -m nixls.settings`` prints it as JSON).
"""

from __future__ import annotations

import enum
import json
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs
import cattrs

SECTION = "nixls"


class EvalDiagnostics(enum.Enum):
    """When evaluation errors of a file are reported."""

    OFF = "off"
    ON_SAVE = "onSave"
    ON_TYPE = "onType"


def _field(default: Any, description: str, json_name: str | None = None) -> Any:
    """An attrs field whose description feeds the schema.

    ``json_name`` overrides the camelCase spelling derived from the name.
    """
    metadata = {"description": description, "json": json_name}
    if isinstance(default, list | dict) or attrs.has(type(default)):
        return attrs.field(factory=type(default), metadata=metadata)
    return attrs.field(default=default, metadata=metadata)


@attrs.define
class BudgetSettings:
    """Limits of one evaluation."""

    steps: int = _field(2_000_000, "Maximum evaluation steps per evaluation.")
    timeout_ms: int = _field(2000, "Maximum wall-clock time per evaluation, in milliseconds.")
    memory_mb: int = _field(
        256, "Maximum memory allocated per evaluation, in MB.", json_name="memoryMB"
    )
    max_call_depth: int = _field(
        1_000_000, "Maximum depth of nested function calls, tail calls included (0: no limit)."
    )


@attrs.define
class EvalSettings:
    """Live evaluation in the editor."""

    enable: bool = _field(True, "Evaluate Nix code in the editor (hover values, evaluate command).")
    diagnostics: EvalDiagnostics = _field(
        EvalDiagnostics.ON_SAVE,
        "When to evaluate a whole file and report evaluation errors as diagnostics.",
    )
    budget: BudgetSettings = _field(BudgetSettings(), "Limits of one evaluation.")
    auto_args: dict[str, str] = _field(
        {},
        "Arguments for a file's top-level function: name -> Nix expression "
        '(e.g. {"lib": "import <nixpkgs/lib>"}).',
    )
    nix_path: list[str] = _field(
        [], 'Search path entries for <...> lookups, like NIX_PATH: "nixpkgs=/path" or "/path".'
    )
    allowed_paths: list[str] = _field(
        [], "Directories evaluation may read besides the workspace folders."
    )
    restrict_reads: bool = _field(
        True, "Only read files inside the workspace folders and allowedPaths."
    )
    allow_env: bool = _field(False, 'Let builtins.getEnv see the environment (else it gives "").')
    experimental_features: list[str] = _field(
        [],
        "Nix experimental features evaluation enables, like Nix's "
        '--extra-experimental-features (e.g. ["pipe-operators"]).',
    )
    compile_cache: bool = _field(
        True,
        "Keep results that survive a restart under $XDG_CACHE_HOME/nixls "
        "(the configurations a flake computes; `nixls eval`: compiled files).",
    )


@attrs.define
class DiagnosticsSettings:
    """Static diagnostics."""

    ignored: list[str] = _field([], 'Diagnostic codes not to report (e.g. "unused-binding").')
    severity: dict[str, str] = _field(
        {}, 'Severity per diagnostic code: "error", "warning", "information", "hint" or "off".'
    )
    exclude: list[str] = _field([], "Glob patterns of files whose diagnostics are not reported.")
    debounce_ms: int = _field(150, "Delay after the last edit before diagnostics are computed.")


@attrs.define
class InlayHintSettings:
    """Inlay hints."""

    values: bool = _field(False, "Show the values of let bindings as inlay hints.")


@attrs.define
class CodeLensSettings:
    """Code lenses."""

    evaluate: bool = _field(True, 'Show an "Evaluate" code lens on the root and top bindings.')


@attrs.define
class HoverSettings:
    """Hover."""

    values: bool = _field(True, "Show the value of the hovered expression when it can be computed.")
    wait_ms: int = _field(
        1000, "How long a hover waits for its value before answering without it, in ms."
    )


@attrs.define
class Settings:
    """Every setting of the server (section ``nixls``)."""

    eval: EvalSettings = _field(EvalSettings(), "Live evaluation.")
    diagnostics: DiagnosticsSettings = _field(DiagnosticsSettings(), "Static diagnostics.")
    inlay_hints: InlayHintSettings = _field(InlayHintSettings(), "Inlay hints.")
    code_lens: CodeLensSettings = _field(CodeLensSettings(), "Code lenses.")
    hover: HoverSettings = _field(HoverSettings(), "Hover.")
    options: dict[str, dict[str, Any]] = _field(
        {},
        "Module option sets: name -> {expr, files}. expr: a Nix expression whose value is a "
        "module system's options (relative paths from the first workspace folder); files: "
        "globs of the module files it applies to (default: every module file).",
    )


# ---------------------------------------------------------------- names


def camel(name: str) -> str:
    """``timeout_ms`` -> ``timeoutMs``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def json_name(f: attrs.Attribute) -> str:  # type: ignore[type-arg]
    """The JSON spelling of a settings field."""
    return f.metadata.get("json") or camel(f.name)


# ---------------------------------------------------------------- structuring


Warn = Callable[[str], None]


def _leaf_converter() -> cattrs.Converter:
    """A converter that refuses the coercions JSON settings should not get.

    cattrs would turn ``"12"`` into ``12`` and ``1`` into ``True``; a setting
    of the wrong JSON type is reported instead.
    """
    conv = cattrs.Converter()

    def exact(kind: type) -> Callable[[Any, type], Any]:
        def check(value: Any, _: type) -> Any:
            ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
            if not ok:
                raise TypeError(f"expected {_json_type(kind)}, got {json.dumps(value)}")
            return value

        return check

    conv.register_structure_hook(bool, exact(bool))
    conv.register_structure_hook(int, exact(int))
    conv.register_structure_hook(str, exact(str))

    def enum_hook(value: Any, cls: type[enum.Enum]) -> enum.Enum:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(json.dumps(m.value) for m in cls)
            raise ValueError(f"expected one of {allowed}, got {json.dumps(value)}") from None

    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), enum_hook
    )

    def list_hook(value: Any, t: Any) -> list[Any]:
        if not isinstance(value, list):
            raise TypeError(f"expected an array, got {json.dumps(value)}")
        (item,) = typing.get_args(t)
        return [conv.structure(v, item) for v in value]

    def dict_hook(value: Any, t: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {json.dumps(value)}")
        _, item = typing.get_args(t)
        return {str(k): conv.structure(v, item) for k, v in value.items()}

    conv.register_structure_hook_func(lambda t: typing.get_origin(t) is list, list_hook)
    conv.register_structure_hook_func(lambda t: typing.get_origin(t) is dict, dict_hook)
    return conv


_LEAF = _leaf_converter()


def _expand_dotted(raw: dict[str, Any]) -> dict[str, Any]:
    """Turn ``{"eval.budget.steps": 5}`` into nested objects (both forms occur)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        parts = str(key).split(".")
        target = out
        for part in parts[:-1]:
            nxt = target.get(part)
            if not isinstance(nxt, dict):
                nxt = target[part] = {}
            target = nxt
        last = parts[-1]
        if isinstance(value, dict) and isinstance(target.get(last), dict):
            target[last].update(value)
        else:
            target[last] = value
    return out


def _structure_class(cls: type, raw: Any, path: str, warn: Warn) -> Any:
    """Structure ``raw`` into ``cls`` field by field, keeping defaults on error."""
    instance = cls()
    if raw is None:
        return instance
    if not isinstance(raw, dict):
        warn(f"setting {path}: expected an object, got {json.dumps(raw)}; ignored")
        return instance
    raw = _expand_dotted(raw)
    hints = typing.get_type_hints(cls)
    by_json = {json_name(f).lower(): f for f in attrs.fields(cls)}
    for key, value in raw.items():
        f = by_json.get(str(key).lower())
        where = f"{path}.{key}"
        if f is None:
            warn(f"unknown setting {where}; ignored")
            continue
        ftype = hints[f.name]
        if attrs.has(ftype):
            setattr(instance, f.name, _structure_class(ftype, value, where, warn))
            continue
        try:
            setattr(instance, f.name, _LEAF.structure(value, ftype))
        except Exception as exc:  # cattrs raises many types; all mean "ill-typed"
            warn(f"setting {where}: {_describe(exc)}; ignored")
    return instance


def _describe(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        return _describe(exc.exceptions[0])
    return str(exc)


def structure_settings(raw: Any, warn: Warn | None = None) -> Settings:
    """Settings from client JSON: the ``nixls`` object or a wrapper holding it.

    ``warn`` receives a message for each unknown or ill-typed entry.
    """
    sink: Warn = warn or (lambda _msg: None)
    if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    settings: Settings = _structure_class(Settings, raw, SECTION, sink)
    return settings


def unstructure_settings(settings: Settings) -> dict[str, Any]:
    """The settings as JSON with camelCase keys (inverse of structuring)."""
    return typing.cast(dict[str, Any], _unstructure(settings))


def _unstructure(value: Any) -> Any:
    if attrs.has(type(value)):
        return {
            json_name(f): _unstructure(getattr(value, f.name)) for f in attrs.fields(type(value))
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_unstructure(v) for v in value]
    if isinstance(value, dict):
        return {k: _unstructure(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- schema


def _json_type(t: Any) -> str:
    if t is bool:
        return "boolean"
    if t is int:
        return "integer"
    if t is str:
        return "string"
    if t is float:
        return "number"
    origin = typing.get_origin(t)
    if origin is list:
        return "array"
    if origin is dict:
        return "object"
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return "string"
    return "object"


def _schema_of(t: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _json_type(t)}
    origin = typing.get_origin(t)
    if isinstance(t, type) and issubclass(t, enum.Enum):
        schema["enum"] = [m.value for m in t]
    elif origin is list:
        schema["items"] = _schema_of(typing.get_args(t)[0])
    elif origin is dict:
        schema["additionalProperties"] = _schema_of(typing.get_args(t)[1])
    elif isinstance(t, types.UnionType):  # pragma: no cover - no such setting yet
        schema = {"anyOf": [_schema_of(a) for a in typing.get_args(t)]}
    return schema


def settings_schema() -> dict[str, dict[str, Any]]:
    """Every leaf setting as ``"nixls.eval.budget.steps" -> JSON schema``.

    The shape of VS Code's ``contributes.configuration.properties``: type,
    default, description and (for choices) enum.
    """
    out: dict[str, dict[str, Any]] = {}
    _schema_into(out, Settings, SECTION, Settings())
    return out


def _schema_into(out: dict[str, dict[str, Any]], cls: type, prefix: str, defaults: Any) -> None:
    # Recursion follows the (fixed, shallow) nesting of the classes above.
    hints = typing.get_type_hints(cls)
    for f in attrs.fields(cls):
        key = f"{prefix}.{json_name(f)}"
        ftype = hints[f.name]
        value = getattr(defaults, f.name)
        if attrs.has(ftype):
            _schema_into(out, ftype, key, value)
        else:
            entry = _schema_of(ftype)
            entry["default"] = _unstructure(value)
            entry["description"] = f.metadata.get("description", "")
            out[key] = entry


def main() -> int:
    """Print the settings schema as JSON (``python -m nixls.settings``)."""
    json.dump(settings_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
