-- wrk script for the Open311 POST rate (bench/feedback.py): each request creates a report.
-- The API key comes from XASO_BENCH_OPEN311_KEY; the result line is the same as latency.lua's.

local key = os.getenv("XASO_BENCH_OPEN311_KEY") or ""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept-Language"] = "vi"
wrk.body = "jurisdiction_id=15271&service_code=duong-giao-thong&lat=20.0181&long=105.8352"
  .. "&description=O+ga+tren+duong+lien+thon&attribute%5Bmuc-do%5D=cao&api_key=" .. key

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
