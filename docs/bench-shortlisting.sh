#!/usr/bin/env bash
# Benchmarks the shortlisting board, GET /shortlisting/{id}, as its panel's lead sees it
# (docs/BENCHMARKS.md, "The shortlisting board").
#
#   docs/bench-shortlisting.sh BINARY DATABASE_URL
#
# BINARY is a release build of spectra; DATABASE_URL an empty database (create it first, drop
# it after). The script:
#   1. seeds it with `spectra seed-synthetic`: the vacancy-list benchmark's data plus one closed
#      vacancy with 500 sent applications being shortlisted, and sets that panel lead's password
#      to a random one made here (--lead-password-stdin: only that synthetic account);
#   2. serves it on 127.0.0.1:$PORT;
#   3. signs in as the lead with curl: GET /login for the session cookie and the form token,
#      then POST /login with the site's Origin, as a browser does;
#   4. checks the board answers 200, warms up with wrk for $WARMUP, then measures for
#      $DURATION with one connection sending one request at a time, so the latency is that of
#      a single request;
#   5. measures page $DEEP_PAGE of the board ordered by the guaranteed interview rule the same
#      way, then stops the server. The wrk reports' "Latency Distribution" gives the median
#      (50%), p90 and p99.
#
# Settings, from the environment: PORT (3999), WARMUP (5s), DURATION (20s), DEEP_PAGE (60: the
# page measured last, of the board ordered by the rule), SEED_ARGS (the
# seed-synthetic arguments; default below). Needs curl and wrk, and nothing else listening on
# the port. Traffic stays on the loopback address.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 BINARY DATABASE_URL" >&2
  exit 2
fi
binary=$1
database_url=$2
port=${PORT:-3999}
warmup=${WARMUP:-5s}
duration=${DURATION:-20s}
seed_args=${SEED_ARGS:---organisations 8 --vacancies 10000 --open 500 --applicants 20000 --applications 200000 --seed 2026 --shortlisting-applications 500}
base="http://127.0.0.1:$port"

for tool in curl wrk; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is needed" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "$0: $binary is not an executable" >&2; exit 1; }
if curl -s -o /dev/null "$base/healthz"; then
  echo "$0: something is already listening on $base; stop it or set PORT" >&2
  exit 1
fi

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Seed, with a random password for the panel's lead.
head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$work/password"
echo "==> seeding: spectra seed-synthetic $seed_args --lead-password-stdin"
# shellcheck disable=SC2086 # seed_args is a list of arguments
DATABASE_URL=$database_url RUST_LOG=warn "$binary" seed-synthetic $seed_args \
  --lead-password-stdin <"$work/password" | tee "$work/seed.log"
line=$(grep '^Shortlisting vacancy ID: ' "$work/seed.log") || {
  echo "$0: seed-synthetic printed no shortlisting vacancy (give --shortlisting-applications)" >&2
  exit 1
}
vacancy_id=$(sed -E 's/^Shortlisting vacancy ID: ([0-9]+).*/\1/' <<<"$line")
lead=$(sed -E 's/.*panel lead ([^ ,)]+).*/\1/' <<<"$line")
echo "==> vacancy $vacancy_id, lead $lead"

# 2. Serve.
DATABASE_URL=$database_url BIND_ADDR=127.0.0.1:$port BASE_URL=$base RUST_LOG=warn \
  "$binary" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "$base/healthz" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "$base/healthz"

# 3. Sign in as the lead.
jar=$work/cookies
curl -fsS -c "$jar" -b "$jar" -o "$work/login.html" "$base/login"
token=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/login.html" | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/')
[ -n "$token" ] || { echo "$0: no form token on /login" >&2; exit 1; }
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $base" \
  --data-urlencode "email=$lead" --data-urlencode "password@$work/password" \
  --data-urlencode "csrf_token=$token" "$base/login")
[ "$status" = 303 ] || { echo "$0: sign-in answered $status, not 303" >&2; exit 1; }
cookie=$(awk '$6 == "spectra_session" { print $7 }' "$jar" | tail -n 1)
[ -n "$cookie" ] || { echo "$0: no session cookie after signing in" >&2; exit 1; }

# 4. Check, warm up, measure.
url=$base/shortlisting/$vacancy_id
status=$(curl -sS -o "$work/board.html" -w '%{http_code}' -H "Cookie: spectra_session=$cookie" "$url")
[ "$status" = 200 ] || { echo "$0: $url answered $status, not 200" >&2; exit 1; }
rows=$(grep -c 'id="row-' "$work/board.html" || true)
echo "==> $url: 200, $(wc -c <"$work/board.html") bytes, $rows applications listed"
echo "==> warm-up: wrk -t1 -c1 -d$warmup"
wrk -t1 -c1 -d"$warmup" -H "Cookie: spectra_session=$cookie" "$url" >/dev/null
echo "==> wrk -t1 -c1 -d$duration --latency -H 'Cookie: spectra_session=...' $url"
wrk -t1 -c1 -d"$duration" --latency -H "Cookie: spectra_session=$cookie" "$url" | tee "$work/wrk.txt"
if grep -q 'Non-2xx or 3xx' "$work/wrk.txt"; then
  echo "$0: some requests failed; the figures do not measure the board" >&2
  exit 1
fi

# 5. A page deep in the board, as the lead orders it by the guaranteed interview rule: the
#    whole board is still judged and ordered for every page.
deep="$url?show=all&order=rule&page=${DEEP_PAGE:-60}"
status=$(curl -sS -o "$work/deep.html" -w '%{http_code}' -H "Cookie: spectra_session=$cookie" "$deep")
[ "$status" = 200 ] || { echo "$0: $deep answered $status, not 200" >&2; exit 1; }
echo "==> $deep: 200, $(wc -c <"$work/deep.html") bytes, $(grep -c 'id="row-' "$work/deep.html" || true) applications listed"
echo "==> wrk -t1 -c1 -d$duration --latency -H 'Cookie: spectra_session=...' '$deep'"
wrk -t1 -c1 -d"$duration" --latency -H "Cookie: spectra_session=$cookie" "$deep" | tee "$work/wrk-deep.txt"
if grep -q 'Non-2xx or 3xx' "$work/wrk-deep.txt"; then
  echo "$0: some requests failed; the figures do not measure the board" >&2
  exit 1
fi
