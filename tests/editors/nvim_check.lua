-- Run by test_neovim.py inside `nvim --headless -u NONE`: load the snippet
-- under test, open the fixture, wait for nixls's diagnostics, ask for a
-- hover, check both, write a JSON report and exit 0 (pass) or 1 (fail).
-- Parameters come from the environment (NIXLS_*), set by the test.

local env = vim.env
local report = { nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) }
local timeout = tonumber(env.NIXLS_TIMEOUT_MS or '20000')

-- Neovim 0.10 renamed the client queries; use whichever this one has.
local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients(bufnr and { bufnr = bufnr } or nil)
  end
  return bufnr and vim.tbl_values(vim.lsp.buf_get_clients(bufnr)) or vim.lsp.get_active_clients()
end

local function finish(ok, why)
  report.ok = ok
  report.why = why
  local f = assert(io.open(env.NIXLS_REPORT, 'w'))
  f:write(vim.fn.json_encode(report))
  f:close()
  for _, client in ipairs(clients()) do
    vim.lsp.stop_client(client.id)
  end
  vim.wait(2000, function()
    return #clients() == 0
  end, 50)
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end

local ok, err = xpcall(function()
  vim.g.nixls_cmd = vim.fn.json_decode(env.NIXLS_CMD)
  vim.cmd('filetype on')
  dofile(env.NIXLS_SNIPPET)
  vim.cmd('edit ' .. vim.fn.fnameescape(env.NIXLS_FIXTURE))
  local buf = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[buf].filetype

  local attached = vim.wait(timeout, function()
    return #clients(buf) > 0
  end, 50)
  if not attached then
    return finish(false, 'no LSP client attached to the buffer')
  end
  for _, client in ipairs(clients(buf)) do
    report.client = client.name
  end

  -- Static diagnostics come first, evaluation ones later: wait for all expected.
  local wanted = vim.fn.json_decode(env.NIXLS_EXPECT_DIAGNOSTICS)
  local function missing()
    local messages = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(messages, d.message)
    end
    local joined = table.concat(messages, '\n')
    for _, want in ipairs(wanted) do
      if not joined:find(want, 1, true) then
        return want
      end
    end
    return nil
  end
  vim.wait(timeout, function()
    return missing() == nil
  end, 50)
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(report.diagnostics, {
      line = d.lnum, col = d.col, message = d.message, source = d.source,
      severity = d.severity, code = d.code,
    })
  end
  if missing() ~= nil then
    return finish(false, 'no diagnostic contains ' .. vim.inspect(missing()))
  end

  local line, col = tonumber(env.NIXLS_HOVER_LINE), tonumber(env.NIXLS_HOVER_COL)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = col },
  }
  local responses, request_err = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout)
  if responses == nil then
    return finish(false, 'hover request failed: ' .. tostring(request_err))
  end
  local texts = {}
  for _, response in pairs(responses) do
    if response.error then
      table.insert(texts, 'ERROR: ' .. vim.inspect(response.error))
    elseif response.result and response.result.contents then
      local lines = vim.lsp.util.convert_input_to_markdown_lines(response.result.contents)
      table.insert(texts, table.concat(lines, '\n'))
    end
  end
  report.hover = table.concat(texts, '\n')

  local want_hover = env.NIXLS_EXPECT_HOVER
  for _, want in ipairs(vim.fn.json_decode(want_hover)) do
    if not report.hover:find(want, 1, true) then
      return finish(false, 'hover does not contain ' .. vim.inspect(want))
    end
  end
  finish(true, 'diagnostics and hover as expected')
end, debug.traceback)
if not ok then
  finish(false, 'error in the check script: ' .. tostring(err))
end
