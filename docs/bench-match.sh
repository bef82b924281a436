#!/usr/bin/env bash
# Benchmarks the mentor matcher, `spectra match solve` (docs/BENCHMARKS.md, "Mentor matching").
#
#   docs/bench-match.sh
#
# The script:
#   1. writes a random instance into a temporary folder, the same for the same settings:
#      $MENTORS mentors with 1 to 3 places each (capacities.csv), and a score from 0 to 1000 for
#      every pair of $MENTEES mentees and the mentors (scores.csv: every pair allowed);
#   2. builds the release binary (cargo build --release), unless BINARY names one;
#   3. runs the whole command (reading and checking both files, solving, printing the JSON)
#      $RUNS times, timing each run's wall-clock with bash's `time`, and prints the times, their
#      median, and the answer's matched count and total score (the same every run).
#
# Settings, from the environment: MENTEES (2000), MENTORS (1000), SEED (2026), RUNS (5),
# BINARY (default: the release build under $CARGO_TARGET_DIR, or target/). Needs python3.
set -euo pipefail
cd "$(dirname "$0")/.."

mentees=${MENTEES:-2000}
mentors=${MENTORS:-1000}
seed=${SEED:-2026}
runs=${RUNS:-5}
binary=${BINARY:-${CARGO_TARGET_DIR:-target}/release/spectra}

command -v python3 >/dev/null || { echo "$0: python3 is needed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The instance.
echo "==> writing $mentees mentees x $mentors mentors (capacities 1-3, every pair scored 0-1000, seed $seed)"
python3 - "$work" "$mentees" "$mentors" "$seed" <<'PY'
import random
import sys

work, mentees, mentors, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
mentor_ids = [f"mentor-{k:05d}" for k in range(mentors)]
with open(f"{work}/capacities.csv", "w") as f:
    f.write("mentor_id,capacity\n")
    f.writelines(f"{m},{rng.randint(1, 3)}\n" for m in mentor_ids)
with open(f"{work}/scores.csv", "w") as f:
    f.write("mentor_id,mentee_id,score\n")
    for r in range(mentees):
        mentee = f"mentee-{r:05d}"
        f.writelines(f"{m},{mentee},{rng.randint(0, 1000)}\n" for m in mentor_ids)
PY
places=$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$work/capacities.csv")
echo "==> $places places; scores.csv: $(($(wc -l <"$work/scores.csv") - 1)) rows, $(du -h "$work/scores.csv" | cut -f1)"

# 2. The binary.
if [ -z "${BINARY:-}" ]; then
  echo "==> cargo build --release"
  cargo build --release --quiet
fi
[ -x "$binary" ] || { echo "$0: $binary is not an executable" >&2; exit 1; }

# 3. Time it.
echo "==> $binary match solve --capacities capacities.csv --scores scores.csv, $runs runs"
TIMEFORMAT=%R
: >"$work/times"
for _ in $(seq 1 "$runs"); do
  { time "$binary" match solve --capacities "$work/capacities.csv" --scores "$work/scores.csv" \
      >"$work/out.json"; } 2>>"$work/times"
done
python3 - "$work/times" "$work/out.json" <<'PY'
import json
import statistics
import sys

times = [float(line) for line in open(sys.argv[1]) if line.strip()]
answer = json.load(open(sys.argv[2]))
print("times (s):", " ".join(f"{t:.3f}" for t in times))
print(f"median: {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})")
print(f"matched: {answer['matched']}, total_score: {answer['total_score']}, "
      f"unmatched: {len(answer['unmatched_mentees'])}")
PY
