"""The analysis host: documents, syntax queries and evaluation, in plain data (no LSP)."""
