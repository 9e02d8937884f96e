-- OCSP load for wrk: OCSP_FILE holds one request per line (hex DER for POST, the URL-encoded
-- base64 for GET), OCSP_PATH the responder's path, OCSP_MODE post or get. Each thread cycles
-- through all the requests.
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
local i = 0
request = function()
  i = i % #items + 1
  if mode == "get" then
    return wrk.format("GET", items[i])
  end
  return wrk.format("POST", path, {["Content-Type"] = "application/ocsp-request"}, items[i])
end
