-- Requests for the gateway: POST /graphql with a JSON body.
--
-- Arguments after `--`: MODE PROJECT_ID SERVICE_ID BUILD_ID
--   fixed    every request queries build BUILD_ID;
--   fresh    every request queries a new build, BUILD_ID-<thread>-<counter>;
--   fresh10  every request queries 10 new builds in 10 aliases, BUILD_ID-<thread>-<counter>-<0..9>.
-- Build ids must be lowercase, because the simulator returns 404 for other ids.

dofile("report.lua")

local HEADERS = { ["content-type"] = "application/json" }
local FIELDS = "{ id status concluded }"
local ALIASES = 10

local mode, project_id, service_id, build_id, query
local counter = 0
local fixed_request

local function single_query()
  return "query($p: ID!, $s: ID!, $b: ID!) { serviceBuild(projectId: $p, serviceId: $s, buildId: $b) "
    .. FIELDS
    .. " }"
end

local function aliases_query()
  local variables, fields = {}, {}
  for i = 0, ALIASES - 1 do
    table.insert(variables, string.format("$b%d: ID!", i))
    table.insert(
      fields,
      string.format("b%d: serviceBuild(projectId: $p, serviceId: $s, buildId: $b%d) %s", i, i, FIELDS)
    )
  end
  return "query($p: ID!, $s: ID!, " .. table.concat(variables, ", ") .. ") { "
    .. table.concat(fields, " ")
    .. " }"
end

-- Ids are lowercase letters, digits and hyphens, so they need no JSON escaping.
local function body(operation, build_variables)
  return '{"query":"' .. operation .. '","variables":{"p":"' .. project_id .. '","s":"' .. service_id
    .. '",' .. build_variables .. "}}"
end

function init(args)
  mode, project_id, service_id, build_id = args[1], args[2], args[3], args[4]
  if mode == "fixed" then
    fixed_request = wrk.format("POST", "/graphql", HEADERS, body(single_query(), '"b":"' .. build_id .. '"'))
  elseif mode == "fresh10" then
    query = aliases_query()
  elseif mode == "fresh" then
    query = single_query()
  else
    error("graphql.lua: unknown mode " .. tostring(mode) .. ", expected fixed, fresh or fresh10")
  end
end

function request()
  if fixed_request then
    return fixed_request
  end

  counter = counter + 1
  local prefix = build_id .. "-" .. thread_index .. "-" .. counter
  local build_variables
  if mode == "fresh" then
    build_variables = '"b":"' .. prefix .. '"'
  else
    local entries = {}
    for i = 0, ALIASES - 1 do
      table.insert(entries, string.format('"b%d":"%s-%d"', i, prefix, i))
    end
    build_variables = table.concat(entries, ",")
  end
  return wrk.format("POST", "/graphql", HEADERS, body(query, build_variables))
end
