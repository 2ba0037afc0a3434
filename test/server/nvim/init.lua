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
