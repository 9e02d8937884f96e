-- OCSP load for wrk: OCSP_FILE holds one request per line (hex DER for POST, the URL-encoded
-- base64 for GET), OCSP_PATH the responder's path, OCSP_MODE post or get. Each thread cycles
-- through all the requests. Every answer is checked: an HTTP 200 that is not an OCSP response
-- with responseStatus successful counts as a failure too (OCSP errors travel as HTTP 200).
local mode = os.getenv("OCSP_MODE")
local path = os.getenv("OCSP_PATH")
local items = {}
for line in io.lines(os.getenv("OCSP_FILE")) do
  if mode == "get" then
    items[#items + 1] = path .. "/" .. line
  else
    items[#items + 1] = (line:gsub("..", function(cc) return string.char(tonumber(cc, 16)) end))
  end
end
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

local i = 0
failed = 0
function init(args)
  i = math.random(#items)
end

request = function()
  i = i % #items + 1
  if mode == "get" then
    return wrk.format("GET", items[i])
  end
  return wrk.format("POST", path, {["Content-Type"] = "application/ocsp-request"}, items[i])
end

-- OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED (0 = successful), ... }: after the
-- SEQUENCE's tag and length (short form, or 0x81/0x82 long form) comes 0A 01 00.
local function successful(body)
  if body == nil or #body < 8 or body:byte(1) ~= 0x30 then
    return false
  end
  local at = 3
  local l = body:byte(2)
  if l == 0x81 then at = 4 elseif l == 0x82 then at = 5 end
  return body:byte(at) == 0x0A and body:byte(at + 1) == 0x01 and body:byte(at + 2) == 0x00
end

response = function(status, headers, body)
  if status ~= 200 or not successful(body) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get("failed")
  end
  io.write(string.format("OCSP answers not successful: %d\n", n))
end
