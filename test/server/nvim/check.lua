-- Run by test/server/neovim.test.ts after init.lua opened a model file: waits
-- for the diagnostics Neovim received, asks for the code actions of the first
-- one, applies the preferred fix like `vim.lsp.buf.code_action()` would, waits
-- for the new diagnostics, asks for a hover, and writes it all as JSON to
-- INITLENS_OUT. Then quits (the server must exit with it).
local out = {}
local function diags()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(list, { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code), source = d.source, message = d.message })
  end
  return list
end

local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
out.waited = ok
out.before = diags()
local clients = vim.lsp.get_active_clients()
out.clients = {}
for _, c in ipairs(clients) do
  table.insert(out.clients, { name = c.name, pid = c.rpc and c.rpc.pid or vim.NIL })
end

if ok then
  local d = vim.diagnostic.get(0)[1]
  -- The LSP form of the diagnostic, as Neovim's own code action request builds it.
  local lsp_diag = {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    message = d.message,
    source = d.source,
    severity = d.severity,
    code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
  }
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(),
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag } },
  }
  local res = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 10000)
  out.actions = {}
  local preferred
  for _, r in pairs(res or {}) do
    for _, a in ipairs(r.result or {}) do
      table.insert(out.actions, a.title)
      if a.isPreferred and not preferred then preferred = a end
    end
  end
  if preferred and preferred.edit then
    vim.lsp.util.apply_workspace_edit(preferred.edit, 'utf-16')
    local before = #out.before
    out.fixed = vim.wait(20000, function() return #vim.diagnostic.get(0) < before end, 50)
    out.after = diags()
    out.line = vim.api.nvim_buf_get_lines(0, d.lnum, d.lnum + 1, false)[1]
  end
  local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', {
    textDocument = vim.lsp.util.make_text_document_params(),
    position = { line = d.lnum, character = d.col + 2 },
  }, 10000)
  for _, r in pairs(hover or {}) do
    if r.result and r.result.contents then out.hover = r.result.contents.value or r.result.contents end
  end
end

-- The CodeLens, run the way Neovim runs a lens command: through vim.lsp.commands (init.lua).
local lenses = vim.lsp.buf_request_sync(0, 'textDocument/codeLens', { textDocument = vim.lsp.util.make_text_document_params() }, 10000)
local model_buf = vim.api.nvim_get_current_buf()
for client_id, r in pairs(lenses or {}) do
  for _, lens in ipairs(r.result or {}) do
    out.lens = lens.command.title
    vim.lsp.commands[lens.command.command](lens.command, { client_id = client_id, bufnr = model_buf })
    -- The Monte Carlo runs first (seeds until converged, at most 8 per init): seconds, more under load.
    vim.wait(150000, function() return vim.api.nvim_get_current_buf() ~= model_buf end, 50)
    out.simulate = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    break
  end
end

local f = io.open(vim.env.INITLENS_OUT, 'w')
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qa!')
