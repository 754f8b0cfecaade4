-- nixls for Neovim 0.7 (no vim.lsp.start, no vim.fs): the same behaviour as
-- nixls.lua with vim.lsp.start_client, one client per project root.
--
--   vim.g.nixls_cmd = { '/home/me/.venv/bin/nixls' }   -- optional
--   vim.g.nixls_settings = { eval = { diagnostics = 'onType' } }   -- optional

local clients = {} -- root directory -> client id

local function project_root(bufnr)
  local dir = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p:h')
  for _, marker in ipairs({ 'flake.nix', 'default.nix', 'shell.nix' }) do
    local found = vim.fn.findfile(marker, dir .. ';')
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h')
    end
  end
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'nix',
  group = vim.api.nvim_create_augroup('nixls', { clear = true }),
  callback = function(args)
    local root = project_root(args.buf)
    local id = clients[root]
    if id == nil or vim.lsp.get_client_by_id(id) == nil then
      local settings = vim.g.nixls_settings or vim.empty_dict()
      id = vim.lsp.start_client({
        name = 'nixls',
        cmd = vim.g.nixls_cmd or { 'nixls' },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        init_options = settings,
        settings = { nixls = settings },
      })
      clients[root] = id
    end
    if id ~= nil then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
