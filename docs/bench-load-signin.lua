-- The sign-in storm of docs/bench-load.sh: wrong passwords POSTed to /login as fast as
-- wrk's connections can, each on a different unknown email address, so each one costs the
-- server a real password hash (an unknown address is checked against a dummy hash).
--
--   wrk -t2 -c32 -d15s -s docs/bench-load-signin.lua http://127.0.0.1:3999 -- SESSIONS ORIGIN RUN
--
-- SESSIONS is a file of sessions got with GET /login, one a line: the Cookie header to send,
-- a tab, and the page's hidden csrf_token. Requests take them in turn. ORIGIN is the site's
-- origin (http://127.0.0.1:PORT), sent as Origin. RUN is a number that differs between runs
-- (addresses and emails are made from it, so a run soon after another is not throttled by it).
--
-- The sign-in throttle allows 20 failures per client address in 15 minutes, then answers 429
-- without hashing. So that the storm measures hashing, each request comes from a different
-- client address, sent as X-Forwarded-For: the server must believe it
-- (TRUSTED_PROXIES=127.0.0.1, which docs/bench-load.sh sets). Without that every request
-- after the 20th is a cheap 429.
--
-- At the end it prints one line, STORM key=value ..., with the count of each status seen:
-- 200 (the form again, "not correct"), 303 (signed in: should not happen), 429 (throttled),
-- 503 (refused while too many hashes wait), and any other (listed in other_codes).

threads = {}
next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
  table.insert(threads, thread)
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  sessions = {}
  for line in io.lines(args[1]) do
    local cookie, token = line:match("^([^\t]*)\t(.+)$")
    if cookie then
      sessions[#sessions + 1] = { cookie = cookie, token = urlencode(token) }
    end
  end
  if #sessions == 0 then
    error("no sessions in " .. tostring(args[1]))
  end
  origin = args[2]
  run = tonumber(args[3]) or 0
  honour_retry_after = (args[4] or "1") ~= "0"
  sent = 0
  s200, s303, s429, s503, other = 0, 0, 0, 0, 0
  other_codes = ""
end

function request()
  sent = sent + 1
  local session = sessions[(sent + thread_id) % #sessions + 1]
  local email = string.format("storm-%d-%d-%d@example.invalid", run, thread_id, sent)
  local address = string.format("10.%d.%d.%d", (run + thread_id) % 256,
    math.floor(sent / 256) % 256, sent % 256)
  local body = "csrf_token=" .. session.token .. "&next=%2F&email=" .. urlencode(email)
    .. "&password=not-the-password-" .. sent
  return wrk.format("POST", "/login", {
    ["Cookie"] = session.cookie,
    ["Origin"] = origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Forwarded-For"] = address,
  }, body)
end

-- A person told "busy, try again in a few seconds" (503 with Retry-After) waits that long before
-- trying again, as the page asks; run with as many threads as connections (wrk -t32 -c32), so
-- that each thread's wait is its one connection's. HONOUR_RETRY_AFTER=0 in the script's fourth
-- argument turns this off: then every refused connection asks again at once (a flood, not people).
wait_ms = 0

function delay()
  local ms = wait_ms
  wait_ms = 0
  return ms
end

function response(status, headers, body)
  if status == 503 and honour_retry_after then
    local seconds = tonumber(headers["Retry-After"] or headers["retry-after"] or "") or 5
    wait_ms = seconds * 1000
  end
  if status == 200 then
    s200 = s200 + 1
  elseif status == 303 then
    s303 = s303 + 1
  elseif status == 429 then
    s429 = s429 + 1
  elseif status == 503 then
    s503 = s503 + 1
  else
    other = other + 1
    if not string.find("," .. other_codes .. ",", "," .. status .. ",", 1, true) then
      other_codes = other_codes == "" and tostring(status) or (other_codes .. "," .. status)
    end
  end
end

function done(summary, latency, requests)
  local totals = { s200 = 0, s303 = 0, s429 = 0, s503 = 0, other = 0 }
  local codes = {}
  for _, thread in ipairs(threads) do
    for key in pairs(totals) do
      totals[key] = totals[key] + (tonumber(thread:get(key)) or 0)
    end
    local seen = thread:get("other_codes")
    if seen and seen ~= "" then
      codes[#codes + 1] = seen
    end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "STORM requests=%d seconds=%.3f rps=%.1f p50=%.3f p99=%.3f max=%.3f"
      .. " s200=%d s303=%d s429=%d s503=%d other=%d other_codes=%s socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    totals.s200, totals.s303, totals.s429, totals.s503, totals.other,
    #codes > 0 and table.concat(codes, ",") or "-",
    e.connect + e.read + e.write + e.timeout))
end
