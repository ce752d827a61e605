-- Requests for the bare proxy (bench/bare-proxy.mjs), with the same ids as graphql.lua.
--
-- Arguments after `--`: MODE PROJECT_ID SERVICE_ID BUILD_ID
--   fixed    GET /build/PROJECT_ID/SERVICE_ID/BUILD_ID on every request;
--   fresh    GET /build/PROJECT_ID/SERVICE_ID/BUILD_ID-<thread>-<counter>;
--   fresh10  GET /builds10/PROJECT_ID/SERVICE_ID/BUILD_ID-<thread>-<counter>, which the proxy
--            turns into 10 upstream calls for the build ids <that prefix>-<0..9>.

dofile("report.lua")

local mode, base_path, build_id
local counter = 0
local fixed_request

function init(args)
  mode, build_id = args[1], args[4]
  local location = args[2] .. "/" .. args[3] .. "/"
  if mode == "fixed" then
    fixed_request = wrk.format("GET", "/build/" .. location .. build_id)
  elseif mode == "fresh" then
    base_path = "/build/" .. location
  elseif mode == "fresh10" then
    base_path = "/builds10/" .. location
  else
    error("rest.lua: unknown mode " .. tostring(mode) .. ", expected fixed, fresh or fresh10")
  end
end

function request()
  if fixed_request then
    return fixed_request
  end

  counter = counter + 1
  return wrk.format("GET", base_path .. build_id .. "-" .. thread_index .. "-" .. counter)
end
