-- wrk script for the dossier submission rate (bench/dossiers.py).
--
-- POST /api/v1/communes/{code}/dossiers as multipart/form-data: the body (the JSON
-- payload and, for the attachment run, a 200 KB PDF) is built by bench/dossiers.py into
-- the file named by XASO_BENCH_BODY, with the boundary in XASO_BENCH_BOUNDARY. Every
-- request carries a bearer token (XASO_BENCH_TOKEN) and its own Idempotency-Key, so
-- each one creates a dossier. The result line is the same as latency.lua's.

local body_file = assert(io.open(os.getenv("XASO_BENCH_BODY") or "body.bin", "rb"))
local body = body_file:read("*a")
body_file:close()
local boundary = os.getenv("XASO_BENCH_BOUNDARY") or "xaso"
local token = os.getenv("XASO_BENCH_TOKEN") or ""
local run = os.getenv("XASO_BENCH_RUN") or tostring(os.time())
local path = os.getenv("XASO_BENCH_PATH") or "/api/v1/communes/15271/dossiers"

local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local sent = 0

request = function()
  sent = sent + 1
  return wrk.format("POST", path, {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, id or 1, sent),
    ["Accept-Language"] = "vi",
  }, body)
end

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
