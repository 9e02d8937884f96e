-- wrk script: POST a different DER TimeStampReq (distinct imprint and nonce) on each request.
-- Environment: SIGNET_BENCH_QUERIES, a file of queries, each a 2-byte big-endian length and the DER
-- (binary, so that loading it costs wrk little CPU beside the measurement).
local f = assert(io.open(os.getenv("SIGNET_BENCH_QUERIES"), "rb"))
local data = f:read("*a")
f:close()
local queries = {}
local pos = 1
while pos < #data do
  local len = data:byte(pos) * 256 + data:byte(pos + 1)
  queries[#queries + 1] = data:sub(pos + 2, pos + 1 + len)
  pos = pos + 2 + len
end
local headers = { ["Content-Type"] = "application/timestamp-query" }
local i = 0

function init(args)
  -- Threads start at different offsets so they do not send the same query at the same time.
  i = math.random(#queries)
end

function request()
  i = i % #queries + 1
  return wrk.format("POST", nil, headers, queries[i])
end
