-- wrk script for bench/bench_throughput.py: GET one path (BENCH_PATH) again and again.
-- done() prints one line "BENCH_JSON {...}" with status counts and latency percentiles (µs),
-- the same shape as post.lua, so run_wrk() reads both.
local path = os.getenv("BENCH_PATH") or "/"
local all_threads = {}
statuses = {}

function setup(thread)
  table.insert(all_threads, thread)
end

function request()
  return wrk.format("GET", path, { ["Accept"] = "application/json" })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(all_threads) do
    for code, c in pairs(t:get("statuses") or {}) do
      counts[code] = (counts[code] or 0) + c
    end
  end
  local parts = {}
  for code, c in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', code, c))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"tokens_reused":0}\n',
    summary.requests, summary.duration, table.concat(parts, ","), e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
