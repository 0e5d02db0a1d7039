-- The language server in Neovim (headless), as a user's editor runs it: attach `kubeharden
-- server` to a manifest, read the diagnostics Neovim shows, apply the "suppress with a reason"
-- code action, and check the buffer and the diagnostics after it.
--
-- Run by scripts/test.d/80-lsp-clients.sh:
--   KUBEHARDEN=path/to/kubeharden nvim --headless --clean WORKSPACE/pod.yaml -c 'luafile nvim_test.lua'
-- Exit status 0 and "nvim: ok" on success; 1 and the reason on failure.
-- Written for Neovim 0.7 (Debian 12): vim.lsp.start_client and buf_attach_client.

local function codes(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code then
      out[code] = (out[code] or 0) + 1
    end
  end
  return out
end

local function check()
  local buf = vim.api.nvim_get_current_buf()
  local file = vim.api.nvim_buf_get_name(buf)
  local root = vim.fn.fnamemodify(file, ":h")
  assert(vim.bo[buf].filetype == "yaml", "filetype " .. vim.bo[buf].filetype)
  local id = vim.lsp.start_client({
    name = "kubeharden",
    cmd = { os.getenv("KUBEHARDEN") or "kubeharden", "server" },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "w" } },
  })
  assert(id, "the client did not start")
  vim.lsp.buf_attach_client(buf, id)

  -- The findings, once the workspace index is in (the default-deny policy of policies/all.yaml
  -- covers the namespace: no NET001).
  local ok = vim.wait(10000, function()
    local c = codes(buf)
    return c.POD001 ~= nil and c.NET001 == nil
  end, 20)
  assert(ok, "no POD001 diagnostic without NET001: " .. vim.inspect(codes(buf)))
  local privileged
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if (d.code or d.user_data.lsp.code) == "POD001" then
      privileged = d
    end
  end
  assert(privileged.lnum == 10 and privileged.col == 8, "range " .. vim.inspect(privileged))
  assert(privileged.severity == vim.diagnostic.severity.ERROR, "severity " .. privileged.severity)

  -- The code action at the finding, applied as `vim.lsp.buf.code_action` would.
  local client = vim.lsp.get_client_by_id(id)
  vim.api.nvim_win_set_cursor(0, { 11, 10 })
  local params = vim.lsp.util.make_range_params()
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf) }
  local response = client.request_sync("textDocument/codeAction", params, 5000, buf)
  assert(response and response.result, "no code actions: " .. vim.inspect(response))
  local action
  for _, a in ipairs(response.result) do
    if vim.startswith(a.title, "Suppress POD001") then
      action = a
    end
  end
  assert(action, "no suppression action: " .. vim.inspect(response.result))
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)

  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  assert(lines[4] == "  annotations:", "line 4: " .. tostring(lines[4]))
  assert(
    lines[5] == '    kubeharden.io/ignore.POD001.app: "TODO: why this finding is accepted"',
    "line 5: " .. tostring(lines[5])
  )
  assert(lines[13] == "        privileged: true", "line 13: " .. tostring(lines[13]))

  -- The edit reaches the server as a change: the finding is suppressed, the others stay.
  ok = vim.wait(10000, function()
    local c = codes(buf)
    return c.POD001 == nil and next(c) ~= nil
  end, 20)
  assert(ok, "POD001 still shown after the suppression: " .. vim.inspect(codes(buf)))
  client.stop()
end

local ok, err = pcall(check)
if ok then
  io.stdout:write("nvim: ok\n")
  vim.cmd("qall!")
else
  io.stderr:write("nvim: FAILED: " .. tostring(err) .. "\n")
  vim.cmd("cquit 1")
end
