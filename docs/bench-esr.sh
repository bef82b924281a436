#!/usr/bin/env bash
# Benchmarks a large ESR extract imported in the background while the public pages are used
# (docs/BENCHMARKS.md, "A large ESR import in the background"; issue 22).
#
#   docs/bench-esr.sh BINARY DATABASE_URL
#
# BINARY is a release build of spectra; DATABASE_URL an empty Postgres database (create it
# first, drop it after). The script:
#   1. serves it with `spectra demo` (the partner organisations, their ODS codes and the demo
#      champion, with a random password made here);
#   2. writes an extract of $ROWS rows, every one marked care experienced at a partner
#      organisation, started between 2020 and 2025 (so most checkpoints are recorded from ESR),
#      one in ten a leaver;
#   3. signs in as the demo champion with curl, uploads it and times the preview;
#   4. confirms the import, then, until its page says it is done, runs wrk on `/readyz` and on
#      `/vacancies` at the same time, one connection each, in windows of $WINDOW, printing the
#      50th, 90th and 99th percentiles and the longest request of each window, and the import's
#      progress after each;
#   5. prints how long the import took, what it did, and the server's peak memory (VmHWM).
#
# Settings, from the environment: PORT (3999), ROWS (100000), WINDOW (10s). Needs curl, wrk and
# awk. Mind the shared cores: the server, Postgres, the two wrk and curl all run here.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 BINARY DATABASE_URL" >&2
  exit 2
fi
binary=$1
database_url=$2
port=${PORT:-3999}
rows=${ROWS:-100000}
window=${WINDOW:-10s}
base="http://127.0.0.1:$port"
email=champion@example.org

for tool in curl wrk awk; do
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

# 1. Serve the demo, with a random password for its accounts.
password="Bench-$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')"
printf '%s' "$password" >"$work/password"
env DATABASE_URL="$database_url" BIND_ADDR="127.0.0.1:$port" BASE_URL="$base" RUST_LOG=warn \
  SPECTRA_DEMO_PASSWORD="$password" "$binary" demo >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "$base/healthz" && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS -o /dev/null "$base/healthz"

# 2. The extract.
awk -v rows="$rows" 'BEGIN {
  split("RBS REM REP RBQ REN RET RW4", codes, " ");
  print "assignment_number,organisation_code,job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced";
  srand(2026);
  for (i = 1; i <= rows; i++) {
    year = 2020 + int(rand() * 6); month = 1 + int(rand() * 12); day = 1 + int(rand() * 28);
    start = sprintf("%04d-%02d-%02d", year, month, day);
    end = ""; reason = "";
    if (i % 10 == 0) { end = sprintf("%04d-%02d-%02d", year + 1, month, day); reason = "Voluntary Resignation - Relocation"; }
    printf "%d-1,%s,Healthcare Assistant,Additional Clinical Services,3,%s,%s,%s,yes\n", 80000000 + i, codes[1 + i % 7], start, end, reason;
  }
}' >"$work/extract.csv"
echo "==> extract: $rows rows, $(wc -c <"$work/extract.csv") bytes"

# 3. Sign in and upload.
jar=$work/cookies
token() { grep -o 'name="csrf_token" value="[^"]*"' "$1" | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/'; }
curl -fsS -c "$jar" -b "$jar" -o "$work/login.html" "$base/login"
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $base" \
  --data-urlencode "email=$email" --data-urlencode "password@$work/password" \
  --data-urlencode "csrf_token=$(token "$work/login.html")" "$base/login")
[ "$status" = 303 ] || { echo "$0: sign-in answered $status, not 303" >&2; exit 1; }
curl -fsS -c "$jar" -b "$jar" -o "$work/form.html" "$base/champion/esr"
echo "==> upload and preview"
curl -sS -c "$jar" -b "$jar" -o "$work/preview.html" -H "Origin: $base" \
  -w '    %{http_code} in %{time_total} s, %{size_download} bytes of preview\n' \
  -F "csrf_token=$(token "$work/form.html")" -F "file=@$work/extract.csv;type=text/csv" \
  "$base/champion/esr/preview"
field() { grep -o "name=\"$1\" value=\"[^\"]*\"" "$work/preview.html" | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/'; }
upload=$(field upload)
fingerprint=$(field fingerprint)
[ -n "$upload" ] || { echo "$0: the preview has no import form" >&2; exit 1; }

# 4. Confirm, and measure the public pages until the import is done.
started=$(date +%s.%N)
location=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' -H "Origin: $base" \
  --data-urlencode "upload=$upload" --data-urlencode "fingerprint=$fingerprint" \
  --data-urlencode "csrf_token=$(token "$work/preview.html")" "$base/champion/esr/import")
case "$location" in
  */champion/esr/imports/*) ;;
  *) echo "$0: the import was not queued ($location)" >&2; exit 1 ;;
esac
echo "==> import queued: $location"
cat >"$work/percentiles.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, %d requests, %d errors\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
LUA
finished=""
while :; do
  wrk -t1 -c1 -d"$window" --timeout 10s -s "$work/percentiles.lua" "$base/readyz" | tail -n 1 >"$work/readyz.txt" &
  readyz=$!
  wrk -t1 -c1 -d"$window" --timeout 10s -s "$work/percentiles.lua" "$base/vacancies" | tail -n 1 >"$work/vacancies.txt"
  wait "$readyz"
  curl -fsS -b "$jar" -o "$work/job.html" "$location"
  if grep -q 'id="refresh"' "$work/job.html"; then
    progress=$(grep -o 'Importing: [^<]*' "$work/job.html" || echo "waiting to start")
  else
    progress="finished"
  fi
  echo "    /readyz:    $(cat "$work/readyz.txt")"
  echo "    /vacancies: $(cat "$work/vacancies.txt")"
  echo "    import:     $progress"
  if [ "$progress" = finished ]; then
    finished=$(date +%s.%N)
    break
  fi
done

# 5. The result.
echo "==> the import finished within $(awk -v a="$started" -v b="$finished" 'BEGIN { printf "%.0f", b - a }') s of being confirmed (to the end of the window it ended in)"
grep -o '<h1>[^<]*' "$work/job.html" | sed 's/<h1>/    /'
grep -o 'ESR extract imported: [^<]*' "$work/job.html" | sed 's/^/    /' || true
if command -v psql >/dev/null; then
  echo "==> the job, from the database: $(psql "$database_url" -Atc "SELECT 'queued to done ' || round(extract(epoch FROM finished_at - created_at)::numeric, 1) || ' s, rows written ' || processed_rows || ' of ' || stored_rows FROM esr_import_jobs ORDER BY id DESC LIMIT 1")"
fi
echo "==> server peak memory: $(grep VmHWM "/proc/$server/status" | awk '{ print $2, $3 }')"
