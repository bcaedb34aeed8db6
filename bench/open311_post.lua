-- wrk script for the Open311 POST rate (bench/feedback.py): each request creates a report.
-- The API key comes from XASO_BENCH_OPEN311_KEY; the result line is the same as latency.lua's.

local key = os.getenv("XASO_BENCH_OPEN311_KEY") or ""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept-Language"] = "vi"
wrk.body = "jurisdiction_id=15271&service_code=duong-giao-thong&lat=20.0181&long=105.8352"
  .. "&description=O+ga+tren+duong+lien+thon&attribute%5Bmuc-do%5D=cao&api_key=" .. key

done = function(summary, latency, requests)
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
