-- nixls for Neovim >= 0.11 with vim.lsp.config / vim.lsp.enable, the way
-- nvim-lspconfig configures servers now. Source this file, or put its lines
-- in init.lua with the path to editors/neovim filled in.
--
--   vim.g.nixls_cmd = { '/home/me/.venv/bin/nixls' }   -- optional
--   vim.g.nixls_settings = { eval = { diagnostics = 'onType' } }   -- optional

local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
vim.opt.runtimepath:append(here) -- makes lsp/nixls.lua visible to vim.lsp.config

local overrides = {}
if vim.g.nixls_cmd then
  overrides.cmd = vim.g.nixls_cmd
end
if vim.g.nixls_settings then
  overrides.settings = { nixls = vim.g.nixls_settings }
  overrides.init_options = vim.g.nixls_settings
end
vim.lsp.config('nixls', overrides)
vim.lsp.enable('nixls')
