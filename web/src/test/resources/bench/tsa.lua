-- wrk script: POST a different DER TimeStampReq (distinct imprint and nonce) on each request.
-- Environment: SIGNET_BENCH_QUERIES (file of queries, one hex-encoded DER query per line).
local queries = {}
for line in io.lines(os.getenv("SIGNET_BENCH_QUERIES")) do
  queries[#queries + 1] = (line:gsub("..", function(cc) return string.char(tonumber(cc, 16)) end))
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
