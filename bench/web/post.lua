-- wrk script for bench/bench_web.py: POST one new comment per request to either service.
-- Environment (set by bench_web.py):
--   BENCH_TARGET  "ours" (POST /api/v1/comments, JSON, one pre-issued form token per request)
--                 or "isso" (POST /new?uri=..., JSON)
--   BENCH_TOKENS  ours only: file with one "thread-url<TAB>form-token" line per request
--   BENCH_OFFSET  number added to every request's sequence number (unique bodies/emails per run)
--   BENCH_TEXT    the comment text (same for both services); a 9-digit sequence number is appended
--   BENCH_THREADS number of threads (pages) the comments are spread over (isso)
--   BENCH_WRK_THREADS the -t value, so each wrk thread takes its own slice of the tokens
-- done() prints one line "BENCH_JSON {...}" with status counts and latency percentiles (µs).

local target = os.getenv("BENCH_TARGET") or "ours"
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local text = os.getenv("BENCH_TEXT") or "Terima kasih atas beritanya."
local nthreads_pages = tonumber(os.getenv("BENCH_THREADS") or "20")
local wrk_threads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")

local all_threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(all_threads, thread)
end

local tokens = {}
local ntokens = 0
local seq = 0
statuses = {}
wrapped = 0

function init(args)
  tid = tid or 0
  if target == "ours" then
    local path = os.getenv("BENCH_TOKENS")
    local f = assert(io.open(path, "r"))
    local i = 0
    for line in f:lines() do
      if i % wrk_threads == tid then
        local page, tok = line:match("^([^\t]+)\t(.+)$")
        ntokens = ntokens + 1
        tokens[ntokens] = { page, tok }
      end
      i = i + 1
    end
    f:close()
  end
end

local ours_headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
local isso_headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

function request()
  seq = seq + 1
  local n = offset + tid * 10000000 + seq
  if target == "ours" then
    local k = seq
    if k > ntokens then
      wrapped = wrapped + 1
      k = ((seq - 1) % ntokens) + 1
    end
    local page, tok = tokens[k][1], tokens[k][2]
    local body = string.format(
      '{"site":"bench","thread":"%s","title":"Artikel","name":"Pembaca %09d","email":"pembaca%09d@example.com","body":"%s %09d","form_token":"%s"}',
      page, n, n, text, n, tok)
    return wrk.format("POST", "/api/v1/comments", ours_headers, body)
  else
    local page = string.format("/artikel-%d", n % nthreads_pages)
    local body = string.format(
      '{"title":"Artikel","author":"Pembaca %09d","email":"pembaca%09d@example.com","text":"%s %09d"}',
      n, n, text, n)
    return wrk.format("POST", "/new?uri=" .. page, isso_headers, body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  local wrapped_total = 0
  for _, t in ipairs(all_threads) do
    local s = t:get("statuses") or {}
    for code, c in pairs(s) do
      counts[code] = (counts[code] or 0) + c
    end
    wrapped_total = wrapped_total + (t:get("wrapped") or 0)
  end
  local parts = {}
  for code, c in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', code, c))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"tokens_reused":%d}\n',
    summary.requests, summary.duration, table.concat(parts, ","), e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, wrapped_total))
end
