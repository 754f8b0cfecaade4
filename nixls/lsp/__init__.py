"""The language server: pygls, LSP conversion and one handler per feature."""
