-- wrk script: each request takes a random path from the file named by
-- BENCH_PATHS, and (when BENCH_COOKIES names a file) a random cookie.
local function lines(name)
  local list = {}
  if name == nil or name == "" then return list end
  for line in io.lines(name) do
    if line ~= "" then list[#list + 1] = line end
  end
  return list
end

local paths = lines(os.getenv("BENCH_PATHS"))
local cookies = lines(os.getenv("BENCH_COOKIES"))

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local path = paths[math.random(#paths)]
  if #cookies > 0 then
    return wrk.format("GET", path, { Cookie = cookies[math.random(#cookies)] })
  end
  return wrk.format("GET", path)
end
