"""The Nix expressions of automatic option sets, as text."""

from __future__ import annotations


def nix_string(text: str) -> str:
    """``text`` as a Nix string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return f'"{escaped}"'


def flake_expr(flake_dir: str) -> str:
    """``builtins.getFlake`` of a workspace flake, by path."""
    return f"builtins.getFlake {nix_string('path:' + flake_dir)}"


def unchecked_options(configuration: str) -> str:
    """The options of an evaluated module system (``evalModules``' result), without
    its check that every definition has an option: a misspelt option in one module
    (which the editor reports) must not cost every module its set."""
    return (
        f"let configuration = {configuration}; in "
        "if configuration ? extendModules "
        "then (configuration.extendModules { modules = [ { _module.check = false; } ]; }).options "
        "else configuration.options"
    )
