"""LSP feature groups, one module each; each exposes ``register(server)``."""
