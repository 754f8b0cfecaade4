-- nixls with nvim-lspconfig: nixls is not (yet) among lspconfig's bundled
-- servers, so register it once, then set it up like any other server.
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
