-- wrk script for the Foundation benchmark (bench/foundation.py).
--
-- At the end of a run, prints one line starting with "XASO_RESULT " followed by a
-- JSON object: requests/s, latency percentiles in milliseconds and error counts.
-- Responses that are not 2xx are counted by wrk as "non2xx" and reported too.

wrk.headers["Accept-Language"] = "vi"

done = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
