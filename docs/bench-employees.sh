#!/usr/bin/env bash
# Benchmarks a hiring manager's list of employees, GET /manage/employees, for an organisation
# with 50,000 employment records (docs/BENCHMARKS.md, "A manager's list of employees").
#
#   docs/bench-employees.sh BINARY DATABASE_URL
#
# BINARY is a release build of spectra; DATABASE_URL an empty database (create it first, drop
# it after). The script:
#   1. seeds it with `spectra seed-synthetic`: one organisation with 50,000 employment records
#      (--hires: about three quarters SPECTRA hires, a quarter staff from ESR, started over five
#      years, with their checkpoints, some overdue), and a shortlisting vacancy with one
#      application only so that --lead-password-stdin can set the password of the
#      organisation's hiring manager (the panel's lead) to a random one made here;
#   2. serves it on 127.0.0.1:$PORT;
#   3. signs in as that manager with curl: GET /login for the session cookie and the form
#      token, then POST /login with the site's Origin, as a browser does;
#   4. checks the first page answers 200 and lists 50 people, then for the first page, a page
#      in the middle and the last page: warms up with wrk for $WARMUP, then measures for
#      $DURATION with one connection sending one request at a time, so the latency is that of
#      a single request;
#   5. stops the server. The wrk report's "Latency Distribution" gives the median (50%), p90
#      and p99.
#
# Settings, from the environment: PORT (3999), WARMUP (5s), DURATION (20s), SEED_ARGS (the
# seed-synthetic arguments, default below; empty to use a database seeded before, with
# MANAGER and PASSWORD_FILE set). Needs curl and wrk, and nothing else listening on the port.
# Traffic stays on the loopback address.
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
seed_args=${SEED_ARGS-"--organisations 1 --vacancies 0 --applicants 1 --applications 0 --shortlisting-applications 1 --hires 50000 --seed 2026"}
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

# 1. Seed, with a random password for the organisation's manager.
if [ -n "$seed_args" ]; then
  head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$work/password"
  echo "==> seeding: spectra seed-synthetic $seed_args --lead-password-stdin"
  # shellcheck disable=SC2086 # seed_args is a list of arguments
  DATABASE_URL=$database_url RUST_LOG=warn "$binary" seed-synthetic $seed_args \
    --lead-password-stdin <"$work/password" | tee "$work/seed.log"
  line=$(grep '^Shortlisting vacancy ID: ' "$work/seed.log") || {
    echo "$0: seed-synthetic printed no shortlisting vacancy (give --shortlisting-applications)" >&2
    exit 1
  }
  manager=$(sed -E 's/.*panel lead ([^ ,)]+).*/\1/' <<<"$line")
  password_file=$work/password
else
  manager=${MANAGER:?set MANAGER (and PASSWORD_FILE) when SEED_ARGS is empty}
  password_file=${PASSWORD_FILE:?set PASSWORD_FILE when SEED_ARGS is empty}
fi
echo "==> manager $manager"

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

# 3. Sign in as the manager.
jar=$work/cookies
curl -fsS -c "$jar" -b "$jar" -o "$work/login.html" "$base/login"
token=$(grep -o 'name="csrf_token" value="[^"]*"' "$work/login.html" | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/')
[ -n "$token" ] || { echo "$0: no form token on /login" >&2; exit 1; }
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $base" \
  --data-urlencode "email=$manager" --data-urlencode "password@$password_file" \
  --data-urlencode "csrf_token=$token" "$base/login")
[ "$status" = 303 ] || { echo "$0: sign-in answered $status, not 303" >&2; exit 1; }
cookie=$(awk '$6 == "spectra_session" { print $7 }' "$jar" | tail -n 1)
[ -n "$cookie" ] || { echo "$0: no session cookie after signing in" >&2; exit 1; }

# 4. Check, warm up, measure: the first page, one in the middle, the last.
url=$base/manage/employees
status=$(curl -sS -o "$work/list.html" -w '%{http_code} %{time_total}' -H "Cookie: spectra_session=$cookie" "$url")
[ "${status%% *}" = 200 ] || { echo "$0: $url answered $status, not 200" >&2; exit 1; }
rows=$(grep -c 'href="/manage/employees/[0-9]' "$work/list.html" || true)
showing=$(grep -o 'Showing [0-9,]* to [0-9,]* of [0-9,]* people' "$work/list.html" || true)
pages=$(grep -o 'Page [0-9]* of [0-9]*' "$work/list.html" | head -n 1 | sed -E 's/.* of //')
echo "==> $url: 200 in ${status#* } s, $(wc -c <"$work/list.html") bytes, $rows people listed; $showing; ${pages:-1} pages"
[ "$rows" = 50 ] || { echo "$0: expected 50 people on the first page" >&2; exit 1; }
for page in 1 $(( (${pages:-1} + 1) / 2 )) "${pages:-1}"; do
  url="$base/manage/employees?page=$page"
  echo "==> warm-up: wrk -t1 -c1 -d$warmup $url"
  wrk -t1 -c1 -d"$warmup" -H "Cookie: spectra_session=$cookie" "$url" >/dev/null
  echo "==> wrk -t1 -c1 -d$duration --latency -H 'Cookie: spectra_session=...' $url"
  wrk -t1 -c1 -d"$duration" --latency -H "Cookie: spectra_session=$cookie" "$url" | tee "$work/wrk.txt"
  if grep -q 'Non-2xx or 3xx' "$work/wrk.txt"; then
    echo "$0: some requests failed; the figures do not measure the list" >&2
    exit 1
  fi
done
