#!/usr/bin/env bash
# Measures spectra's public pages under load against a bare page, its memory, and what a storm
# of sign-in attempts does to both (docs/BENCHMARKS.md, "Under load").
#
#   docs/bench-load.sh SPECTRA_BINARY BARE_BINARY DATABASE_URL
#
# SPECTRA_BINARY is a release build of spectra; BARE_BINARY a release build of the bare page,
# examples/bare_list.rs (cargo build --release --bin spectra --example bare_list puts them in
# target/release/spectra and target/release/examples/bare_list); DATABASE_URL an empty
# Postgres database (create it first; keep it to run again with SEED_ARGS=""). The script:
#   1. seeds it with `spectra seed-synthetic` (SEED_ARGS);
#   2. serves it with spectra (RUST_LOG=warn, emails written to a temporary MAIL_DIR,
#      TRUSTED_PROXIES=127.0.0.1, see 6) on PORT and with the bare page on BARE_PORT, and
#      checks that both list the same vacancies first;
#   3. measures requests/second on 32 connections (wrk -t2 -c32, for DURATION, after a 2 s
#      warm-up) of GET /vacancies, of the page of the first vacancy it lists, of the bare
#      page and of the floor page (the bare page's /floor: the same 20 rows by primary key),
#      and the ratio of each to the bare page and to the floor;
#   4. measures each one's latency on a single connection (wrk -t1 -c1): median and p99;
#   5. reads spectra's resident memory (VmRSS) after those runs;
#   6. runs GET /vacancies on LIST_CONNECTIONS connections (wrk -t1 -c1 by default) for STORM while nothing else runs,
#      then again while a sign-in storm runs (wrk -t32 -c32, docs/bench-load-signin.lua: wrong
#      passwords for unknown addresses, each costing a password hash), sampling spectra's
#      VmRSS every 100 ms, and reports the list's p99 in both, the storm's rate and the status
#      codes it got (200 "not correct", 303, 429 throttled, 503 refused while busy, other).
#      The throttle allows 20 failed sign-ins per client address in 15 minutes, after which
#      every attempt is a cheap 429; so each storm request names a different client address
#      in X-Forwarded-For, which spectra believes from 127.0.0.1 (TRUSTED_PROXIES).
# It ends with a summary to paste into docs/BENCHMARKS.md.
#
# wrk runs on the same machine and takes some of its CPU: the figures compare pages with each
# other on one machine, they are not a capacity for a server.
#
# Settings, from the environment: PORT (3999), BARE_PORT (3998), DURATION (20s), STORM (15s),
# STORM_SESSIONS (8: the storm's requests take turns among this many sessions), LIST_CONNECTIONS
# (1: the list's connections in step 6), HONOUR_RETRY_AFTER (1: a storm connection told 503
# waits Retry-After; 0 asks again at once), SEED_ARGS
# (below; set it to "" to reuse a database seeded before). Anything else spectra reads from the
# environment is passed on to it (HASH_CONCURRENCY, say). Needs curl and wrk.
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 SPECTRA_BINARY BARE_BINARY DATABASE_URL" >&2
  exit 2
fi
binary=$1
bare_binary=$2
database_url=$3
port=${PORT:-3999}
bare_port=${BARE_PORT:-3998}
duration=${DURATION:-20s}
storm=${STORM:-15s}
storm_sessions=${STORM_SESSIONS:-8}
list_connections=${LIST_CONNECTIONS:-1}
honour_retry_after=${HONOUR_RETRY_AFTER:-1}
seed_args=${SEED_ARGS---organisations 8 --vacancies 10000 --open 500 --applicants 20000 --applications 200000 --seed 2026}
base="http://127.0.0.1:$port"
bare="http://127.0.0.1:$bare_port"
signin_script="$(cd "$(dirname "$0")" && pwd)/bench-load-signin.lua"

for tool in curl wrk awk; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed" >&2; exit 1; }
done
for b in "$binary" "$bare_binary"; do
  [ -x "$b" ] || { echo "$0: $b is not an executable" >&2; exit 1; }
done
[ -r "$signin_script" ] || { echo "$0: $signin_script is missing" >&2; exit 1; }
for url in "$base" "$bare"; do
  if curl -s -o /dev/null "$url/"; then
    echo "$0: something is already listening on $url; stop it or set PORT and BARE_PORT" >&2
    exit 1
  fi
done

work=$(mktemp -d)
server=""
bare_server=""
sampler=""
storm_wrk=""
stop() {
  local pid=$1
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$storm_wrk"
  stop "$sampler"
  stop "$bare_server"
  stop "$server"
  rm -rf "$work"
}
trap cleanup EXIT

# VmRSS of a process, in kB.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN { printf "%.0f", kb / 1024 }'; }
# A field of the STATS or STORM line in a file: field FILE KEY.
field() {
  awk -v key="$2" '$1 == "STATS" || $1 == "STORM" {
    for (i = 2; i <= NF; i++) if (index($i, key "=") == 1) value = substr($i, length(key) + 2)
  } END { print value }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# The vacancy IDs a list page links to, in order.
ids_on() { grep -o 'href="/vacancies/[0-9]*"' "$1" | grep -o '[0-9][0-9]*'; }

wait_for() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS -o /dev/null "$url"
}

# 1. Seed.
if [ -n "$seed_args" ]; then
  echo "==> seeding: spectra seed-synthetic $seed_args"
  # shellcheck disable=SC2086 # seed_args is a list of arguments
  time DATABASE_URL=$database_url RUST_LOG=warn "$binary" seed-synthetic $seed_args
fi

# 2. Both servers, and the same vacancies on both lists.
mkdir -p "$work/outbox"
env DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:$port" BASE_URL="$base" \
  MAIL_DIR="$work/outbox" TRUSTED_PROXIES=127.0.0.1 RUST_LOG=warn \
  "$binary" serve >"$work/server.log" 2>&1 &
server=$!
env DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:$bare_port" \
  "$bare_binary" >"$work/bare.log" 2>&1 &
bare_server=$!
wait_for "$base/healthz" "$server" "$work/server.log"
wait_for "$bare/" "$bare_server" "$work/bare.log"
idle_rss=$(rss_kb "$server")

curl -fsS -o "$work/list.html" "$base/vacancies"
curl -fsS -o "$work/bare.html" "$bare/"
vacancy=$(ids_on "$work/list.html" | head -n 1)
if [ -z "$vacancy" ]; then
  echo "$0: GET /vacancies lists no vacancy; is the database seeded (SEED_ARGS)?" >&2
  exit 1
fi
if [ "$(ids_on "$work/list.html" | tr '\n' ' ')" != "$(ids_on "$work/bare.html" | tr '\n' ' ')" ]; then
  echo "$0: the bare page does not list the same vacancies as GET /vacancies:" >&2
  echo "  spectra: $(ids_on "$work/list.html" | tr '\n' ' ')" >&2
  echo "  bare:    $(ids_on "$work/bare.html" | tr '\n' ' ')" >&2
  exit 1
fi
curl -fsS -o "$work/vacancy.html" "$base/vacancies/$vacancy"
echo "==> spectra on $base (pid $server), the bare page on $bare (pid $bare_server)"
echo "    both list the same $(ids_on "$work/list.html" | wc -l) vacancies first; the first is $vacancy"

cat >"$work/stats.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "STATS requests=%d seconds=%.3f rps=%.1f p50=%.3f p99=%.3f max=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
LUA

# measure NAME WRK_ARGS... URL: runs wrk with the STATS line into $work/NAME.txt and prints
# a line of it. Every request must succeed unless ALLOW_ERRORS is set.
measure() {
  local name=$1 out
  shift
  out=$work/$name.txt
  if ! wrk --timeout 30s -s "$work/stats.lua" "$@" >"$out" 2>&1 || ! grep -q '^STATS ' "$out"; then
    cat "$out" >&2
    echo "$0: wrk failed ($name)" >&2
    exit 1
  fi
  printf '    %-16s %9s req/s   p50 %8s ms   p99 %8s ms   max %8s ms   (%s requests' \
    "$name" "$(field "$out" rps)" "$(field "$out" p50)" "$(field "$out" p99)" \
    "$(field "$out" max)" "$(field "$out" requests)"
  local bad
  bad=$(($(field "$out" non2xx) + $(field "$out" socket_errors)))
  if [ "$bad" -gt 0 ]; then
    printf ', %d FAILED)\n' "$bad"
    if [ -z "${ALLOW_ERRORS:-}" ]; then
      echo "$0: some requests failed ($name); the figures do not measure the page" >&2
      exit 1
    fi
  else
    printf ')\n'
  fi
}

curl -fsS -o "$work/floor.html" "$bare/floor"
pages=(list vacancy bare floor)
declare -A url=([list]="$base/vacancies" [vacancy]="$base/vacancies/$vacancy" [bare]="$bare/"
  [floor]="$bare/floor")
declare -A label=([list]="GET /vacancies" [vacancy]="GET /vacancies/$vacancy" [bare]="bare page"
  [floor]="floor page (20 rows by primary key)")
declare -A bytes=([list]=$(wc -c <"$work/list.html") [vacancy]=$(wc -c <"$work/vacancy.html")
  [bare]=$(wc -c <"$work/bare.html") [floor]=$(wc -c <"$work/floor.html"))

# 3. Throughput on 32 connections.
echo "==> requests/second: wrk -t2 -c32 -d$duration (each after a 2 s warm-up)"
for page in "${pages[@]}"; do
  wrk -t2 -c32 -d2s "${url[$page]}" >/dev/null 2>&1
  measure "$page-32" -t2 -c32 -d"$duration" "${url[$page]}"
done

# 4. Latency on one connection.
echo "==> latency on one connection: wrk -t1 -c1 -d$duration --latency"
for page in "${pages[@]}"; do
  measure "$page-1" -t1 -c1 -d"$duration" --latency "${url[$page]}"
done

# 5. Memory after the load.
load_rss=$(rss_kb "$server")
echo "==> spectra's VmRSS: $(mb "$idle_rss") MB at start, $(mb "$load_rss") MB after the runs above"

# 6. The list calm, then during a sign-in storm.
echo "==> GET /vacancies on $list_connections connection(s), calm: wrk -t1 -c$list_connections -d$storm"
measure calm -t1 -c"$list_connections" -d"$storm" "$base/vacancies"

: >"$work/sessions"
for i in $(seq 1 "$storm_sessions"); do
  jar=$work/jar-$i
  curl -fsS -c "$jar" -o "$work/login.html" "$base/login"
  token=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/login.html" | head -n 1 |
    sed -E 's/.*value="([^"]*)"/\1/')
  cookie=$(awk -F '\t' 'NF == 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
  if [ -z "$token" ]; then
    echo "$0: GET /login gave no csrf_token" >&2
    exit 1
  fi
  printf '%s\t%s\n' "$cookie" "$token" >>"$work/sessions"
done
run=$(( $(date +%s) % 1000000 ))
# One attempt by hand first: a wrong password must get the form back (200), not 403 or 429.
IFS=$'\t' read -r cookie token <"$work/sessions"
status=$(curl -sS -o "$work/attempt.html" -w '%{http_code}' -H "Origin: $base" -H "Cookie: $cookie" \
  -H "X-Forwarded-For: 10.$(( run % 256 )).255.255" --data-urlencode "csrf_token=$token" \
  --data-urlencode "next=/" --data-urlencode "email=storm-check-$run@example.invalid" \
  --data-urlencode "password=not-the-password" "$base/login")
if [ "$status" != 200 ]; then
  echo "$0: a sign-in attempt by hand answered $status, not 200 (the form again)" >&2
  exit 1
fi

echo "==> the same during a sign-in storm: wrk -t32 -c32 -d$storm -s docs/bench-load-signin.lua (HONOUR_RETRY_AFTER=$honour_retry_after)"
(
  while kill -0 "$server" 2>/dev/null; do
    rss_kb "$server"
    sleep 0.1
  done
) >"$work/rss" 2>/dev/null &
sampler=$!
wrk -t32 -c32 -d"$storm" --timeout 30s -s "$signin_script" "$base/login" -- \
  "$work/sessions" "$base" "$run" "$honour_retry_after" >"$work/storm.txt" 2>&1 &
storm_wrk=$!
ALLOW_ERRORS=1 measure stormy -t1 -c"$list_connections" -d"$storm" "$base/vacancies"
wait "$storm_wrk" || { cat "$work/storm.txt" >&2; echo "$0: the storm's wrk failed" >&2; exit 1; }
storm_wrk=""
stop "$sampler"
sampler=""
after_rss=$(rss_kb "$server")
peak_rss=$(sort -n "$work/rss" | tail -n 1)
samples=$(wc -l <"$work/rss")
if ! grep -q '^STORM ' "$work/storm.txt"; then
  cat "$work/storm.txt" >&2
  echo "$0: the storm printed no STORM line" >&2
  exit 1
fi
s=$work/storm.txt
printf '    %-16s %9s req/s   p50 %8s ms   p99 %8s ms   (%s requests: 200: %s, 303: %s, 429: %s, 503: %s, other: %s [%s], socket errors: %s)\n' \
  "sign-in storm" "$(field "$s" rps)" "$(field "$s" p50)" "$(field "$s" p99)" \
  "$(field "$s" requests)" "$(field "$s" s200)" "$(field "$s" s303)" "$(field "$s" s429)" \
  "$(field "$s" s503)" "$(field "$s" other)" "$(field "$s" other_codes)" "$(field "$s" socket_errors)"
echo "    spectra's VmRSS: peak $(mb "$peak_rss") MB during the storm ($samples samples), $(mb "$after_rss") MB after"
if [ -n "$(ls -A "$work/outbox")" ]; then
  echo "    (spectra wrote $(find "$work/outbox" -type f | wc -l) files to MAIL_DIR during the run)"
fi

# The summary.
cpu=$(awk -F ': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
stormy_bad=$(($(field "$work/stormy.txt" non2xx) + $(field "$work/stormy.txt" socket_errors)))
echo
echo "==> summary, for docs/BENCHMARKS.md"
cat <<EOF

$("$binary" --version), $(date -u +%Y-%m-%d), $(nproc) cores (${cpu:-unknown CPU}), Postgres on the same
machine, wrk too. Seeded with \`seed-synthetic ${seed_args:-(reused)}\`. DURATION=$duration, STORM=$storm.

| Page | bytes | req/s, 32 connections | of the bare page | of the floor page | p50, 1 connection | p99, 1 connection |
|---|---:|---:|---:|---:|---:|---:|
EOF
for page in "${pages[@]}"; do
  printf '| %s | %s | %s | %s | %s | %s ms | %s ms |\n' "${label[$page]}" "${bytes[$page]}" \
    "$(field "$work/$page-32.txt" rps)" \
    "$(ratio "$(field "$work/$page-32.txt" rps)" "$(field "$work/bare-32.txt" rps)")" \
    "$(ratio "$(field "$work/$page-32.txt" rps)" "$(field "$work/floor-32.txt" rps)")" \
    "$(field "$work/$page-1.txt" p50)" "$(field "$work/$page-1.txt" p99)"
done
cat <<EOF

spectra's resident memory (VmRSS): $(mb "$idle_rss") MB at start, $(mb "$load_rss") MB after the runs above,
peak $(mb "$peak_rss") MB during the sign-in storm (sampled every 100 ms), $(mb "$after_rss") MB after it.

Sign-in storm (wrk -t32 -c32 for $storm, wrong passwords for unknown addresses, each from its own
client address): $(field "$s" requests) attempts, $(field "$s" rps)/s, p50 $(field "$s" p50) ms, p99 $(field "$s" p99) ms.
Answers: 200 (not correct) $(field "$s" s200), 303 $(field "$s" s303), 429 $(field "$s" s429), 503 $(field "$s" s503), other $(field "$s" other) ($(field "$s" other_codes)); socket errors $(field "$s" socket_errors).

GET /vacancies on $list_connections connection(s) (wrk -t1 -c$list_connections): p99 $(field "$work/calm.txt" p99) ms calm ($(field "$work/calm.txt" rps) req/s),
$(field "$work/stormy.txt" p99) ms during the storm ($(field "$work/stormy.txt" rps) req/s$([ "$stormy_bad" -gt 0 ] && echo ", $stormy_bad failed")): $(ratio "$(field "$work/stormy.txt" p99)" "$(field "$work/calm.txt" p99)") times the calm p99.
EOF
