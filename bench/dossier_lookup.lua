-- wrk script for the public dossier lookup (bench/dossiers.py).
--
-- Each request asks for another dossier: the (code, last 4 phone digits) pairs are read
-- from the file named by XASO_BENCH_LOOKUPS, one "code phone" pair a line, and each wrk
-- thread walks them from its own offset. The server runs behind a "proxy"
-- (XASO_BEHIND_PROXY=1) and each request carries an X-Forwarded-For address from a pool
-- of 65,536, as many citizens would: the per-address rate limit (30 a minute) is
-- exercised on every request without refusing the load. The result line is the same
-- as latency.lua's.

local pairs_file = os.getenv("XASO_BENCH_LOOKUPS") or "lookups.txt"
local codes, phones = {}, {}
for line in io.lines(pairs_file) do
  local code, phone = line:match("^(%S+)%s+(%d+)$")
  if code then
    codes[#codes + 1] = code
    phones[#phones + 1] = phone
  end
end

local threads = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local index, address = 0, 0

init = function(args)
  index = (id or 1) * 7919 % math.max(#codes, 1)
  address = (id or 1) * 16384
end

request = function()
  index = index % #codes + 1
  address = (address + 1) % 65536
  local ip = string.format("10.%d.%d.%d", id or 1, math.floor(address / 256), address % 256)
  return wrk.format("GET", "/api/v1/dossiers/lookup?code=" .. codes[index] .. "&phone=" .. phones[index],
    { ["X-Forwarded-For"] = ip, ["Accept-Language"] = "vi" })
end

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
