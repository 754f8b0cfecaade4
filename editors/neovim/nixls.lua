-- nixls for Neovim >= 0.8: put this in your init.lua (or source it).
-- Starts (or reuses) one nixls per project root for every `nix` buffer.
--
-- Override the command or the settings before this file runs, e.g.
--   vim.g.nixls_cmd = { '/home/me/.venv/bin/nixls' }
--   vim.g.nixls_settings = { eval = { budget = { timeoutMs = 5000 } } }

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'nix',
  group = vim.api.nvim_create_augroup('nixls', { clear = true }),
  callback = function(args)
    local markers = vim.fs.find({ 'flake.nix', 'default.nix', 'shell.nix', '.git' }, {
      upward = true,
      path = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)),
    })
    local root = markers[1] and vim.fs.dirname(markers[1])
      or vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf))
    local settings = vim.g.nixls_settings or vim.empty_dict()
    vim.lsp.start({
      name = 'nixls',
      cmd = vim.g.nixls_cmd or { 'nixls' },
      root_dir = root,
      init_options = settings,
      -- answers the server's workspace/configuration requests (section `nixls`)
      settings = { nixls = settings },
    }, { bufnr = args.buf })
  end,
})
