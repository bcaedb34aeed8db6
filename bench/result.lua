-- The result line shared by the wrk scripts of bench/: at the end of a run, one line
-- starting with "XASO_RESULT " followed by a JSON object — requests/s, latency
-- percentiles in milliseconds and error counts (responses that are not 2xx are
-- counted by wrk as "non2xx"). A script loads it with
--   done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")

return function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    'XASO_RESULT {"requests": %d, "duration_s": %.3f, "rps": %.2f, '
      .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, '
      .. '"mean_ms": %.3f, "non2xx": %d, "socket_errors": %d, "bytes": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    errors.status, socket_errors, summary.bytes
  ))
end
