"""Flakes in the editor: a `flake.nix`'s inputs, its `flake.lock`, its outputs evaluated.

Plain data in and out (byte offsets, strings, dataclasses); no LSP types.
:mod:`.model` reads the inputs and the `outputs` function from the tree,
:mod:`.lock` the lock file (through the evaluator's own reader),
:mod:`.queries` answers hover, definition and completion about inputs,
:mod:`.checks` gives the diagnostics, :mod:`.outputs` supplies the
arguments of `outputs` to evaluations, and :mod:`.features` ties them to a
document for the server.
"""
