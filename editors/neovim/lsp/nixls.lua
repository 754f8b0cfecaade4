-- nixls as a Neovim (>= 0.11) LSP config, in the format of nvim-lspconfig's
-- lsp/ directory: found by vim.lsp.config() when this folder is on
-- 'runtimepath' (or when the file is copied to ~/.config/nvim/lsp/nixls.lua).
return {
  cmd = { 'nixls' },
  filetypes = { 'nix' },
  root_markers = { 'flake.nix', 'default.nix', 'shell.nix', '.git' },
  -- answers the server's workspace/configuration requests (section `nixls`)
  settings = { nixls = vim.empty_dict() },
}
