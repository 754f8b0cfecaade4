"""Module option sets in the editor: declared sets, evaluated lazily in the
background, and the answers (completion, hover, definition, diagnostics) for
option paths written in module files. Plain data in and out; no LSP here."""
