-- Counts failed responses and prints the result of a wrk run as one JSON line, which
-- bench/wrk.mjs reads. graphql.lua and rest.lua load this file with dofile(), so wrk must run
-- with bench/lua as its working directory.
--
-- wrk 4 runs setup() and done() in the main Lua state and request() and response() in one state
-- per thread, so the per-thread counters below are globals that done() reads back with
-- thread:get().

local threads = {}
local MAX_FAILURE_BYTES = 200

-- Per-thread counters, read by done().
non_2xx = 0
graphql_errors = 0
first_failure = ""

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local function remember_failure(status, body)
  if first_failure ~= "" then
    return
  end
  first_failure = status .. " " .. string.sub(body or "", 1, MAX_FAILURE_BYTES)
end

-- A 2xx response whose body has a top-level "errors" member is a GraphQL error. The proxy's
-- bodies never contain that string, so the same check applies to both targets.
function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
    remember_failure(status, body)
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    remember_failure(status, body)
  end
end

local function json_string(text)
  local escaped = string.gsub(text, '[%c"\\]', function(char)
    return string.format("\\u%04x", string.byte(char))
  end)
  return '"' .. escaped .. '"'
end

-- Prints the summary. Latencies and durations are in microseconds, as wrk measures them.
function done(summary, latency, requests)
  local failed, graphql, failure = 0, 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("non_2xx")
    graphql = graphql + thread:get("graphql_errors")
    if failure == "" then
      failure = thread:get("first_failure")
    end
  end

  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,'
      .. '"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"wrkStatusErrors":%d,"non2xx":%d,"graphqlErrors":%d,"firstFailure":%s}\n',
    summary.requests,
    summary.duration,
    math.floor(latency:percentile(50)),
    math.floor(latency:percentile(99)),
    math.floor(latency.max),
    errors.connect,
    errors.read,
    errors.write,
    errors.timeout,
    errors.status,
    failed,
    graphql,
    json_string(failure)
  ))
end
