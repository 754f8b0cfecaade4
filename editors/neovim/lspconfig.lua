-- nixls with nvim-lspconfig's legacy `require('lspconfig')` framework (Neovim
-- 0.8 to 0.10; on 0.11+ use nixls-0.11.lua, which nvim-lspconfig now
-- recommends). nixls is not among lspconfig's bundled servers, so register
-- it once, then set it up like any other server.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.nixls then
  configs.nixls = {
    default_config = {
      cmd = { 'nixls' },
      filetypes = { 'nix' },
      root_dir = util.root_pattern('flake.nix', 'default.nix', 'shell.nix', '.git'),
      single_file_support = true,
      settings = { nixls = {} },
    },
    docs = { description = 'nixls: a Nix language server with a live evaluator' },
  }
end

require('lspconfig').nixls.setup({
  -- cmd = { '/home/me/.venv/bin/nixls' },
  settings = {
    nixls = {
      -- eval = { diagnostics = 'onType' },
    },
  },
})
