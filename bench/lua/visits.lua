-- wrk script: POST a new visit with 3 interactions per request, each with a fresh UUID.
-- Env: BENCH_OBSERVERS: the observers, ";"-separated, each "<role>,<API token>,<store codes>" with
-- the codes "|"-separated or "*" for every code of BENCH_STORES (comma-separated). Each request
-- picks an observer at random and one of that observer's stores (a shopper: a store assigned to
-- them); the requests sent are counted per role. BENCH_PATH; BENCH_REPLAY (if set to N: cycle through N
-- fixed visit ids of the first observer instead of fresh ones, for the replay storm).
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (template:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

local body_template = [[{"id":"%s","store":"%s","started_at":"%s","ended_at":"%s","notes":"load test",
"interactions":[
{"greeted":true,"greeting_seconds":12,"greeting_personal":true,"smile":4,"unsolicited_approaches":0,"followed":false,"asked":true,"response_seconds":40,"response_quality":4,"special_request":false,"notes":""},
{"greeted":true,"greeting_seconds":45,"greeting_personal":false,"smile":3,"unsolicited_approaches":2,"followed":false,"asked":false,"response_seconds":null,"response_quality":null,"special_request":false,"notes":""},
{"greeted":false,"greeting_seconds":null,"greeting_personal":false,"smile":2,"unsolicited_approaches":1,"followed":true,"asked":true,"response_seconds":150,"response_quality":2,"special_request":true,"notes":""}]}]]

local stores = {}
local observers = {}
local headers = {}
local replay_ids = {}
local replay_bodies = {}
local started, ended
local path
statuses = {}
by_role = {}

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  for code in string.gmatch(os.getenv("BENCH_STORES") or "", "[^,]+") do
    table.insert(stores, code)
  end
  path = os.getenv("BENCH_PATH") or "/api/v1/visits/"
  local now = os.time()
  started = os.date("!%Y-%m-%dT%H:%M:%SZ", now - 3600)
  ended = os.date("!%Y-%m-%dT%H:%M:%SZ", now - 3600 + 1200)
  for entry in string.gmatch(os.getenv("BENCH_OBSERVERS") or "", "[^;]+") do
    local role, token, codes = string.match(entry, "^([^,]+),([^,]+),(.+)$")
    local mine = stores
    if codes ~= "*" then
      mine = {}
      for code in string.gmatch(codes, "[^|]+") do
        table.insert(mine, code)
      end
    end
    table.insert(observers, {
      role = role,
      stores = mine,
      headers = {["Authorization"] = "Token " .. token, ["Content-Type"] = "application/json"},
    })
  end
  local replay = tonumber(os.getenv("BENCH_REPLAY") or "0")
  if replay > 0 then
    -- Every thread uses the same N ids and bodies (seeded identically), so replays race each other.
    math.randomseed(tonumber(os.getenv("BENCH_REPLAY_SEED") or "42"))
    for i = 1, replay do
      local visit_id = uuid4()
      local mine = observers[1].stores
      replay_bodies[i] = string.format(body_template, visit_id, mine[(i % #mine) + 1], started, ended)
    end
    math.randomseed(os.time() * 1000 + id * 7919)
  end
end

local n = 0
function request()
  n = n + 1
  local body, observer
  if #replay_bodies > 0 then
    -- A replay is the same observer sending the same visit again.
    body, observer = replay_bodies[(n % #replay_bodies) + 1], observers[1]
  else
    observer = observers[math.random(1, #observers)]
    body = string.format(body_template, uuid4(), observer.stores[math.random(1, #observer.stores)], started, ended)
  end
  by_role[observer.role] = (by_role[observer.role] or 0) + 1
  return wrk.format("POST", path, observer.headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, count in pairs(s) do
      merged[code] = (merged[code] or 0) + count
    end
  end
  local parts = {}
  for code, count in pairs(merged) do
    table.insert(parts, string.format('"%s":%d', code, count))
  end
  local roles = {}
  for _, thread in ipairs(threads) do
    for role, count in pairs(thread:get("by_role")) do
      roles[role] = (roles[role] or 0) + count
    end
  end
  local role_parts = {}
  for role, count in pairs(roles) do
    table.insert(role_parts, string.format('"%s":%d', role, count))
  end
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f},"statuses":{%s},"requests_sent_by_role":{%s}}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, table.concat(parts, ","), table.concat(role_parts, ",")))
end
