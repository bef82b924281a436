#!/usr/bin/env python3
"""Checks `spectra match solve` against SciPy's linear_sum_assignment (optional; not in CI).

    python3 docs/check-match-against-scipy.py [BINARY]

BINARY is a build of spectra (default: the release build under $CARGO_TARGET_DIR, or
target/). Needs numpy and scipy (`python3 -m pip install scipy`).

For random instances (fixed seeds) of MENTEES x MENTORS (default 300 x 150), capacities 1 to 3,
scores 0 to 1000, and a share of the pairs missing (none, 30%, 80%, 98%), it writes the two CSV
files, runs the command, and checks its answer:

- every pair is allowed, with its score; no mentor is over capacity; the mentees are each listed
  once, matched or not; `matched` and `total_score` add up;
- `matched` and `total_score` equal those of SciPy's optimum of the same problem, expanded into
  one column per place plus one "unmatched" column per mentee: an allowed pair costs
  -(W + score) with W = 1000 x mentees + 1 (so one more matched mentee outweighs any score), a
  missing pair is forbidden, and being unmatched costs 0.

Prints one line per instance and exits 1 on any difference. CASES (8) sets how many instances.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import linear_sum_assignment


def instance(rng, mentees, mentors, missing):
    capacities = rng.integers(1, 4, size=mentors)
    scores = rng.integers(0, 1001, size=(mentees, mentors))
    allowed = rng.random((mentees, mentors)) >= missing
    return capacities, scores, allowed


def write(folder, capacities, scores, allowed):
    cap_path = os.path.join(folder, "capacities.csv")
    scores_path = os.path.join(folder, "scores.csv")
    with open(cap_path, "w") as f:
        f.write("mentor_id,capacity\n")
        for k, c in enumerate(capacities):
            f.write(f"m{k:04d},{c}\n")
    with open(scores_path, "w") as f:
        f.write("mentor_id,mentee_id,score\n")
        for r, k in zip(*np.nonzero(allowed)):
            f.write(f"m{k:04d},e{r:04d},{scores[r, k]}\n")
    return cap_path, scores_path


def scipy_optimum(capacities, scores, allowed):
    mentees = scores.shape[0]
    weight = 1000 * mentees + 1
    slot_mentor = np.repeat(np.arange(len(capacities)), capacities)
    forbidden = 4 * weight * (mentees + 1)
    cost = np.where(allowed, -(weight + scores), forbidden)[:, slot_mentor]
    unmatched = np.zeros((mentees, mentees))
    rows, cols = linear_sum_assignment(np.hstack([cost, unmatched]))
    matched, total = 0, 0
    for r, c in zip(rows, cols):
        if c < len(slot_mentor):
            k = slot_mentor[c]
            assert allowed[r, k], "SciPy used a forbidden pair"
            matched += 1
            total += int(scores[r, k])
    return matched, total


def check_answer(answer, capacities, scores, allowed):
    """The command's answer keeps to the problem; returns (matched, total_score)."""
    load = np.zeros(len(capacities), dtype=int)
    total = 0
    seen = []
    for pair in answer["pairs"]:
        k, r = int(pair["mentor_id"][1:]), int(pair["mentee_id"][1:])
        assert allowed[r, k], f"pair {pair} is not allowed"
        assert pair["score"] == scores[r, k], f"pair {pair}: score {scores[r, k]}"
        load[k] += 1
        total += pair["score"]
        seen.append(pair["mentee_id"])
    assert (load <= capacities).all(), "a mentor is over capacity"
    assert answer["matched"] == len(answer["pairs"]) and answer["total_score"] == total
    listed = seen + answer["unmatched_mentees"]
    named = {f"e{r:04d}" for r in np.nonzero(allowed.any(axis=1))[0]}
    assert sorted(listed) == sorted(named), "mentees missing or listed twice"
    return answer["matched"], answer["total_score"]


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "release", "spectra")
    mentees = int(os.environ.get("MENTEES", 300))
    mentors = int(os.environ.get("MENTORS", 150))
    cases = int(os.environ.get("CASES", 8))
    failed = False
    for case in range(cases):
        rng = np.random.default_rng(1000 + case)
        missing = [0.0, 0.3, 0.8, 0.98][case % 4]
        capacities, scores, allowed = instance(rng, mentees, mentors, missing)
        # Mentees with no allowed pair are not named in scores.csv: leave them out of both.
        named = allowed.any(axis=1)
        scores, allowed = scores[named], allowed[named]
        with tempfile.TemporaryDirectory() as folder:
            cap_path, scores_path = write(folder, capacities, scores, allowed)
            run = subprocess.run(
                [binary, "match", "solve", "--capacities", cap_path, "--scores", scores_path],
                capture_output=True, text=True, check=True)
        ours = check_answer(json.loads(run.stdout), capacities, scores, allowed)
        theirs = scipy_optimum(capacities, scores, allowed)
        same = ours == theirs
        failed |= not same
        print(f"case {case}: {allowed.shape[0]} mentees x {mentors} mentors, "
              f"{int(capacities.sum())} places, {int(allowed.sum())} pairs ({missing:.0%} missing): "
              f"spectra matched {ours[0]} total {ours[1]}; scipy matched {theirs[0]} total "
              f"{theirs[1]}: {'same' if same else 'DIFFERENT'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
