#!/usr/bin/env bash
# Benchmarks the champion's dashboard, GET /champion, on a million applications and 50,000
# employment records (docs/BENCHMARKS.md, "The champion's dashboard").
#
#   docs/bench-dashboard.sh BINARY DATABASE_URL
#
# BINARY is a release build of spectra; DATABASE_URL an empty Postgres database (create it
# first, drop it after). The script:
#   1. seeds it with `spectra seed-synthetic` (SEED_ARGS) and adds a champion account with a
#      random password made here;
#   2. serves it with DASHBOARD_CACHE_SECONDS=0, signs in with curl, and times views one after
#      the other, $COLD times each: the whole partnership, three organisations, each programme,
#      no programme and a half-year; each counts everything afresh (the cost of a view nobody has
#      made in the last minute). It prints their median, 95th percentile and slowest, then
#      times two views at once, $COLD times;
#   3. serves it again as configured by default (figures reused for 60 s, then shown while one
#      recount runs in the background), times the first view (the one cold count), then
#      measures with wrk for $DURATION on $CONNECTIONS connections, with a 30 s timeout, and
#      prints the 50th, 90th, 95th and 99th percentiles. Run it for longer than 60 s to include
#      background recounts.
#
# Settings, from the environment: PORT (3999), COLD (3), DURATION (60s), CONNECTIONS (4),
# SEED_ARGS (below; set it to "" to reuse a database seeded before). Needs curl, psql and wrk.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 BINARY DATABASE_URL" >&2
  exit 2
fi
binary=$1
database_url=$2
port=${PORT:-3999}
cold=${COLD:-3}
duration=${DURATION:-60s}
connections=${CONNECTIONS:-4}
seed_args=${SEED_ARGS---organisations 8 --vacancies 10000 --open 500 --applicants 100000 --applications 1000000 --hires 50000 --seed 2026}
base="http://127.0.0.1:$port"

for tool in curl psql wrk; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "$0: $binary is not an executable" >&2; exit 1; }
if curl -s -o /dev/null "$base/healthz"; then
  echo "$0: something is already listening on $base; stop it or set PORT" >&2
  exit 1
fi

work=$(mktemp -d)
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Seed, and a champion with a random password.
if [ -n "$seed_args" ]; then
  echo "==> seeding: spectra seed-synthetic $seed_args"
  # shellcheck disable=SC2086 # seed_args is a list of arguments
  time DATABASE_URL=$database_url RUST_LOG=warn "$binary" seed-synthetic $seed_args
fi
email="champion.$(date +%s)@bench.invalid"
head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$work/password"
DATABASE_URL=$database_url RUST_LOG=warn "$binary" create-user --email "$email" \
  --name "Benchmark Champion" --roles champion <"$work/password" >/dev/null

serve() {
  env DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:$port" BASE_URL="$base" RUST_LOG=warn \
    "$@" "$binary" serve >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$base/healthz" && return 0
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS -o /dev/null "$base/healthz"
}

sign_in() {
  local jar=$work/cookies token status
  rm -f "$jar"
  curl -fsS -c "$jar" -b "$jar" -o "$work/login.html" "$base/login"
  token=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/login.html" | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/')
  status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $base" \
    --data-urlencode "email=$email" --data-urlencode "password@$work/password" \
    --data-urlencode "csrf_token=$token" "$base/login")
  [ "$status" = 303 ] || { echo "$0: sign-in answered $status, not 303" >&2; exit 1; }
  cookie=$(awk '$6 == "spectra_session" { print $7 }' "$jar" | tail -n 1)
}

# 2. Every view counted afresh: the whole partnership and single filters, one after another,
#    then two different views at once.
serve DASHBOARD_CACHE_SECONDS=0
sign_in
views=("/champion")
for id in $(psql "$database_url" -Atc "SELECT id FROM organisations ORDER BY id LIMIT 3"); do
  views+=("/champion?organisation=$id")
done
for id in $(psql "$database_url" -Atc "SELECT id FROM programmes ORDER BY id"); do
  views+=("/champion?programme=$id")
done
views+=("/champion?programme=none" "/champion?from=2025-01-01&to=2025-06-30")
time_view() {
  curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: spectra_session=$cookie" \
    "$base$1"
}
echo "==> ${#views[@]} views, $cold times each, each counted afresh (DASHBOARD_CACHE_SECONDS=0)"
: >"$work/afresh.txt"
for _ in $(seq 1 "$cold"); do
  for view in "${views[@]}"; do
    read -r status seconds < <(time_view "$view")
    printf '    %s %s s  %s\n' "$status" "$seconds" "$view"
    [ "$status" = 200 ] || { echo "$0: $view answered $status" >&2; exit 1; }
    echo "$seconds" >>"$work/afresh.txt"
  done
done
sort -n "$work/afresh.txt" | awk '{ t[NR] = $1 } END {
  p50 = t[int((NR + 1) / 2)]; i = int(NR * 0.95 + 0.999); if (i > NR) i = NR
  printf "    %d views: p50 %.3f s, p95 %.3f s, max %.3f s\n", NR, p50, t[i], t[NR] }'
echo "==> two views at once, $cold times (the whole partnership and one organisation)"
for _ in $(seq 1 "$cold"); do
  time_view "${views[0]}" >"$work/one.txt" &
  first=$!
  time_view "${views[1]}" >"$work/two.txt"
  wait "$first"
  echo "    $(cat "$work/one.txt") s and $(cat "$work/two.txt") s"
done
stop_server

# 3. As configured by default: the first view counts, the rest reuse or recount in the background.
serve
sign_in
echo "==> the first view, which counts"
curl -sS -o /dev/null -w '    %{http_code} in %{time_total} s\n' \
  -H "Cookie: spectra_session=$cookie" "$base/champion"
cat >"$work/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format("    p%d: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("    max: %.2f ms, requests: %d\n", latency.max / 1000, summary.requests))
end
LUA
echo "==> wrk -t1 -c$connections -d$duration --timeout 30s $base/champion"
wrk -t1 -c"$connections" -d"$duration" --timeout 30s -s "$work/percentiles.lua" \
  -H "Cookie: spectra_session=$cookie" "$base/champion" | tee "$work/wrk.txt"
if grep -q 'Non-2xx or 3xx' "$work/wrk.txt"; then
  echo "$0: some requests failed; the figures do not measure the dashboard" >&2
  exit 1
fi
