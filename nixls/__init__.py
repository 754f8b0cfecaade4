"""nixls: a Nix language server with a live, budgeted evaluator."""

__version__ = "0.1.0"
