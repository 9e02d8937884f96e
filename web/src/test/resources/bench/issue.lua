-- wrk script: POST a different CSR (JSON request bodies, one per line) on each request.
-- Environment: SIGNET_BENCH_BODIES (file of bodies), SIGNET_TOKEN (officer token).
local bodies = {}
for line in io.lines(os.getenv("SIGNET_BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. os.getenv("SIGNET_TOKEN"),
}
local i = 0


function init(args)
  -- Threads start at different offsets so they do not send the same CSR at the same time.
  i = math.random(#bodies)
end

function request()
  i = i % #bodies + 1
  return wrk.format("POST", nil, headers, bodies[i])
end
