-- wrk script for scripts/bench-booking: every request books a different person into one of the
-- slots listed in $SLOTS through the public API, and the status codes are counted per thread.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local names = { "アキラ", "イサム", "ウタ", "エミ", "オサム", "カオル", "キヨシ", "クミ", "ケン", "コウ",
                "サチ", "シズカ", "スミ", "セイ", "ソラ", "タケシ", "チエ", "ツヨシ", "テル", "トモ" }
local slots = {}
local counter = 0

function init(args)
  for s in string.gmatch(os.getenv("SLOTS"), "%d+") do table.insert(slots, s) end
  created, conflict, other = 0, 0, 0
end

function request()
  counter = counter + 1
  local n = tid * 10000000 + counter
  local slot = slots[(n % #slots) + 1]
  local birth = os.date("!%Y-%m-%d", (n % 19000) * 86400)
  local given = names[(math.floor(n / 19000) % #names) + 1]
  local body = string.format('{"slotId":%s,"familyName":"負荷","givenName":"試験","familyKana":"フカ","givenKana":"%s","birthDate":"%s","phone":"090%08d"}',
                             slot, given, birth, n % 100000000)
  return wrk.format("POST", "/api/v1/public/bookings", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 elseif status == 409 then conflict = conflict + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, f, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); f = f + t:get("conflict"); o = o + t:get("other")
  end
  io.write(string.format("WRK requests=%d seconds=%.3f created=%d conflict=%d other=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, c, f, o, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
