-- A minimal Neovim setup for InitLens (the recipe of docs/editors.md, as used by
-- test/server/neovim.test.ts). INITLENS_CLI is the path of dist/cli.js
-- (with the CLI installed, e.g. npm link: cmd = { 'initlens', 'server' }).
local cmd = { 'node', vim.env.INITLENS_CLI, 'server' }

local function start(bufnr)
  local root = vim.fs and vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)) or vim.fn.getcwd()
  local config = {
    name = 'initlens',
    cmd = cmd,
    root_dir = root,
    -- The extension's settings, by the same names (see docs/editor.md).
    init_options = { initlens = { distribution = 'normal' } },
    settings = { initlens = {} },
  }
  if vim.lsp.start then
    vim.lsp.start(config, { bufnr = bufnr }) -- Neovim 0.8+
  else
    local id = vim.lsp.start_client(config) -- Neovim 0.7
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'python', 'typescript', 'javascript' },
  callback = function(args) start(args.buf) end,
})

-- "Simulate variance" CodeLens (and :lua vim.lsp.codelens.run()): Neovim has no webview, so the
-- command's text result (the variance tables) opens in a scratch Markdown buffer.
vim.lsp.commands['initlens.simulateModel'] = function(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  client.request('workspace/executeCommand', { command = command.command, arguments = command.arguments }, function(err, result)
    if err or not result then
      vim.notify('InitLens: ' .. (err and err.message or 'no model'), vim.log.levels.WARN)
      return
    end
    vim.cmd('new')
    vim.bo.buftype = 'nofile'
    vim.bo.filetype = 'markdown'
    vim.api.nvim_buf_set_lines(0, 0, -1, false, vim.split(result.markdown, '\n'))
  end, ctx.bufnr)
end
