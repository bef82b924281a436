//! The optimal matcher: assigns mentees to mentors, maximising first the number of mentees
//! matched, then the total score, within every mentor's capacity.
//!
//! # How
//!
//! The problem is a transportation problem: every mentee is a row that must be assigned exactly
//! once, either to a mentor (a column that holds up to its capacity) or to an "unmatched"
//! column that holds any number. Assigning a mentee to a mentor costs `-(BIG + score)`, leaving
//! it unmatched costs 0, and the solver minimises the total cost. `BIG` is larger than any
//! total score can be (1 + the sum over mentees of their best score), so one more matched
//! mentee always outweighs any gain in score: minimising the cost maximises the number matched
//! first and the total score second.
//!
//! It is solved exactly by the shortest-augmenting-path method (Jonker–Volgenant style), with a
//! mentor's capacity kept on its column rather than expanded into one column per place:
//!
//! 1. Every mentee takes its best mentor when that mentor still has room (lowest index among
//!    equal bests); with dual values `u` (per mentee, its best cost) and `v` (per mentor, 0) this
//!    partial assignment is already optimal for the mentees it holds.
//! 2. Each mentee left over, in index order, is added by one Dijkstra search over the mentor
//!    columns in reduced costs (`cost - u - v`, never negative): from the mentee, through full
//!    mentors and the mentees they hold, to the nearest column with room (a mentor not full,
//!    or the unmatched column). The duals are then moved by the distances found, which keeps
//!    every reduced cost non-negative and every assigned pair at reduced cost 0, and the
//!    mentees along the path move one place along it.
//!
//! The invariants (reduced costs never negative, assigned pairs at 0, `v <= 0`, `v = 0` on every
//! mentor with room) are the linear programme's optimality conditions, so the final assignment
//! is optimal. Because every mentee may stay unmatched, adding mentees one at a time is exact: a
//! later mentee can take an earlier one's place when that is better.
//!
//! Work: a search costs O(P log P) for the P pairs of the mentees it passes through (a binary
//! heap of columns); it touches only the columns it reaches, and resets only those afterwards.
//! Every vector is allocated once and reused. Nothing depends on hashing or randomness, so the
//! same problem always gives the same assignment. Among equally good options: a mentee's best
//! mentor of lowest index first; in a search, the nearest column, then one with room, then the
//! lowest index; mentees are added in index order, and an earlier one keeps its place on a tie.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One matching problem, by index. Mentors are `0..capacities.len()`, mentees `0..allowed.len()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problem {
    /// How many mentees each mentor can take.
    pub capacities: Vec<u32>,
    /// For each mentee, the mentors it may be matched with and the pair's score (0 to 1000).
    /// A mentor not listed is not allowed for that mentee.
    ///
    /// A mentor listed twice for one mentee counts once, with the higher score; a mentor index
    /// out of range is ignored. Scores above 1000 work too while the number of mentees squared
    /// times the largest score stays well under 2^62.
    pub allowed: Vec<Vec<(usize, u32)>>,
}

impl Problem {
    /// The score of matching `mentee` with `mentor`, if that pair is allowed (the higher score
    /// when the pair is listed twice).
    pub fn score(&self, mentee: usize, mentor: usize) -> Option<u32> {
        self.allowed
            .get(mentee)?
            .iter()
            .filter(|&&(k, _)| k == mentor)
            .map(|&(_, s)| s)
            .max()
    }
}

/// The solver's answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// For each mentee, the mentor it is matched with.
    pub mentor_of: Vec<Option<usize>>,
    /// How many mentees are matched.
    pub matched: usize,
    /// The sum of the matched pairs' scores.
    pub total_score: u64,
}

/// Solves the problem exactly. Deterministic: the same problem gives the same assignment.
pub fn solve(problem: &Problem) -> Assignment {
    let mut solver = Solver::new(problem);
    solver.run();
    solver.assignment()
}

/// "No index": no mentee, no column, not assigned yet.
const NONE: u32 = u32::MAX;
/// A distance not reached yet.
const INF: i64 = i64::MAX;

/// The allowed pairs in compressed rows: mentee `r`'s pairs are `start[r]..start[r + 1]` of
/// `col` (mentor index) and `score`. Pairs with mentors of capacity 0, out of range or repeated
/// are left out.
#[derive(Debug)]
struct Pairs {
    start: Vec<usize>,
    col: Vec<u32>,
    score: Vec<u32>,
}

impl Pairs {
    fn new(problem: &Problem) -> Self {
        let m = problem.capacities.len();
        let total: usize = problem.allowed.iter().map(Vec::len).sum();
        let mut start = Vec::with_capacity(problem.allowed.len() + 1);
        let mut col = Vec::with_capacity(total);
        let mut score: Vec<u32> = Vec::with_capacity(total);
        // Where each mentor was last put in `col`, to spot a mentor listed twice for a mentee.
        let mut seen = vec![usize::MAX; m];
        start.push(0);
        for list in &problem.allowed {
            let row_start = col.len();
            for &(k, s) in list {
                if k >= m || problem.capacities[k] == 0 {
                    continue;
                }
                let at = seen[k];
                if at != usize::MAX && at >= row_start {
                    score[at] = score[at].max(s);
                    continue;
                }
                seen[k] = col.len();
                col.push(k as u32);
                score.push(s);
            }
            start.push(col.len());
        }
        Pairs { start, col, score }
    }

    fn of(&self, mentee: usize) -> std::ops::Range<usize> {
        self.start[mentee]..self.start[mentee + 1]
    }
}

/// The solver's state: the assignment, the duals and the search's scratch vectors. Columns are
/// the mentors `0..m` and the unmatched column `m`.
#[derive(Debug)]
struct Solver {
    n: usize,
    m: usize,
    pairs: Pairs,
    /// Cost of a matched pair is `-(big + score)`.
    big: i64,
    capacity: Vec<u32>,
    /// Mentees held by each mentor.
    count: Vec<u32>,
    /// Dual value per mentee.
    u: Vec<i64>,
    /// Dual value per column; `v[m]`, the unmatched column's, stays 0.
    v: Vec<i64>,
    /// Each mentee's column, or `NONE` before it is placed.
    col_of: Vec<u32>,
    /// Each mentor's mentees as a doubly linked list: first mentee, then `next`/`prev`.
    head: Vec<u32>,
    next: Vec<u32>,
    prev: Vec<u32>,
    /// Search: tentative distance of each column, and the mentee it was reached from.
    dist: Vec<i64>,
    way: Vec<u32>,
    /// Search: the columns whose distance was set, the full mentors scanned, and the queue of
    /// (distance, full, column): nearest first, then with room, then lowest index.
    touched: Vec<u32>,
    scanned: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, bool, u32)>>,
}

impl Solver {
    fn new(problem: &Problem) -> Self {
        let n = problem.allowed.len();
        let m = problem.capacities.len();
        let pairs = Pairs::new(problem);
        let best_total: i64 = (0..n)
            .map(|r| {
                pairs.score[pairs.of(r)]
                    .iter()
                    .copied()
                    .max()
                    .map_or(0, i64::from)
            })
            .sum();
        Solver {
            n,
            m,
            pairs,
            big: best_total + 1,
            capacity: problem.capacities.clone(),
            count: vec![0; m],
            u: vec![0; n],
            v: vec![0; m + 1],
            col_of: vec![NONE; n],
            head: vec![NONE; m],
            next: vec![NONE; n],
            prev: vec![NONE; n],
            dist: vec![INF; m + 1],
            way: vec![NONE; m + 1],
            touched: Vec::new(),
            scanned: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn has_room(&self, column: usize) -> bool {
        column == self.m || self.count[column] < self.capacity[column]
    }

    fn cost(&self, score: u32) -> i64 {
        -(self.big + i64::from(score))
    }

    fn run(&mut self) {
        // 1. Each mentee takes its best mentor if it has room. All `v` are 0 here, so `u[r]`,
        // the best cost, makes every reduced cost of `r` non-negative and its best pairs 0.
        for r in 0..self.n {
            let range = self.pairs.of(r);
            let best = self.pairs.score[range.clone()]
                .iter()
                .map(|&s| self.cost(s))
                .min()
                .unwrap_or(0)
                .min(0);
            self.u[r] = best;
            if best == 0 {
                // No mentor at all: unmatched is its only (and best) option.
                self.col_of[r] = self.m as u32;
                continue;
            }
            let mut chosen = NONE;
            for e in range {
                let k = self.pairs.col[e];
                if self.cost(self.pairs.score[e]) == best && self.has_room(k as usize) && k < chosen
                {
                    chosen = k;
                }
            }
            if chosen != NONE {
                self.place(r, chosen as usize);
            }
        }
        // 2. The others, one shortest augmenting path each.
        for r in 0..self.n {
            if self.col_of[r] == NONE {
                self.augment(r);
            }
        }
    }

    /// Puts the unplaced or moving mentee `r` in `column`, taking it out of its current mentor.
    fn place(&mut self, r: usize, column: usize) {
        let from = self.col_of[r];
        if from != NONE && (from as usize) < self.m {
            let from = from as usize;
            let (p, nx) = (self.prev[r], self.next[r]);
            if p == NONE {
                self.head[from] = nx;
            } else {
                self.next[p as usize] = nx;
            }
            if nx != NONE {
                self.prev[nx as usize] = p;
            }
            self.count[from] -= 1;
        }
        self.col_of[r] = column as u32;
        if column < self.m {
            let h = self.head[column];
            self.prev[r] = NONE;
            self.next[r] = h;
            if h != NONE {
                self.prev[h as usize] = r as u32;
            }
            self.head[column] = r as u32;
            self.count[column] += 1;
        }
    }

    /// Dijkstra over the columns from mentee `i`, in reduced costs: the nearest column with
    /// room (the end of the shortest augmenting path) and its distance. Leaves each reached
    /// column's distance in `dist` and the mentee it was reached through in `way`, and the full
    /// mentors it scanned in `scanned`.
    ///
    /// Columns are taken nearest first; at equal distance, those with room first (any of them
    /// ends the search), then lowest index. Reduced costs are never negative, so a column taken
    /// is final, and queue entries left behind by a shorter distance found later are skipped.
    /// The unmatched column is queued from the start and ends the search when taken.
    fn search(&mut self, i: usize) -> (usize, i64) {
        let Solver {
            m,
            big,
            pairs,
            capacity,
            count,
            u,
            v,
            head,
            next,
            dist,
            way,
            touched,
            scanned,
            heap,
            ..
        } = self;
        let (m, big) = (*m, *big);
        let full = |k: usize| k != m && count[k] >= capacity[k];
        // Forget the previous search, which reached only the columns it touched.
        for &k in touched.iter() {
            dist[k as usize] = INF;
        }
        touched.clear();
        scanned.clear();
        heap.clear();

        // From `i` itself, at distance 0: its mentors, and the unmatched column.
        let me = i as u32;
        let range = pairs.of(i);
        let base = -u[i] - big;
        for (&c, &score) in pairs.col[range.clone()].iter().zip(&pairs.score[range]) {
            let k = c as usize;
            let d = base - i64::from(score) - v[k];
            if d < dist[k] {
                if dist[k] == INF {
                    touched.push(c);
                }
                dist[k] = d;
                way[k] = me;
                heap.push(Reverse((d, full(k), c)));
            }
        }
        touched.push(m as u32);
        dist[m] = -u[i];
        way[m] = me;
        heap.push(Reverse((dist[m], false, m as u32)));

        while let Some(Reverse((level, is_full, k))) = heap.pop() {
            let k = k as usize;
            if level != dist[k] {
                continue;
            }
            if !is_full {
                return (k, level);
            }
            // A full mentor: through each of its mentees to their other options.
            scanned.push(k as u32);
            let mut r = head[k];
            while r != NONE {
                let ru = r as usize;
                // Reduced cost of (r, c) is cost - u[r] - v[c]; r is at distance `level`.
                let base = level - u[ru] - big;
                let range = pairs.of(ru);
                for (&c, &score) in pairs.col[range.clone()].iter().zip(&pairs.score[range]) {
                    let k = c as usize;
                    let d = base - i64::from(score) - v[k];
                    if d < dist[k] {
                        if dist[k] == INF {
                            touched.push(c);
                        }
                        dist[k] = d;
                        way[k] = r;
                        let is_full = full(k);
                        if d == level && !is_full {
                            // As near as can be: no need to look further.
                            return (k, level);
                        }
                        heap.push(Reverse((d, is_full, c)));
                    }
                }
                let d = level - u[ru];
                if d < dist[m] {
                    dist[m] = d;
                    way[m] = r;
                    if d == level {
                        return (m, level);
                    }
                    heap.push(Reverse((d, false, m as u32)));
                }
                r = next[ru];
            }
        }
        // Not reached: the unmatched column is in the queue until it is taken.
        (m, dist[m])
    }

    /// Adds mentee `i` by the shortest augmenting path in reduced costs.
    fn augment(&mut self, i: usize) {
        let (end, level) = self.search(i);

        // Move the duals by the distances: scanned columns and their mentees, and `i`.
        for idx in 0..self.scanned.len() {
            let k = self.scanned[idx] as usize;
            let delta = level - self.dist[k];
            if delta != 0 {
                self.v[k] -= delta;
                let mut r = self.head[k];
                while r != NONE {
                    self.u[r as usize] += delta;
                    r = self.next[r as usize];
                }
            }
        }
        self.u[i] += level;

        // Shift the mentees along the path, from its end back to `i`.
        let mut k = end;
        loop {
            let r = self.way[k] as usize;
            let from = self.col_of[r];
            self.place(r, k);
            if r == i {
                break;
            }
            k = from as usize;
        }
    }

    fn assignment(&self) -> Assignment {
        let mut mentor_of = Vec::with_capacity(self.n);
        let mut matched = 0;
        let mut total_score = 0u64;
        for r in 0..self.n {
            let k = self.col_of[r] as usize;
            if k < self.m {
                let score = self
                    .pairs
                    .of(r)
                    .find(|&e| self.pairs.col[e] as usize == k)
                    .map_or(0, |e| self.pairs.score[e]);
                matched += 1;
                total_score += u64::from(score);
                mentor_of.push(Some(k));
            } else {
                mentor_of.push(None);
            }
        }
        Assignment {
            mentor_of,
            matched,
            total_score,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// splitmix64: a small seeded generator, so every test run sees the same instances.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// A number in `0..n`.
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// True with probability `percent`%.
        fn chance(&mut self, percent: u64) -> bool {
            self.below(100) < percent
        }
    }

    /// A random problem: up to `max_mentees` mentees and `max_mentors` mentors (at least the
    /// minimums given), capacities `0..=max_capacity`, each pair allowed with probability
    /// `density`% and scored `0..=max_score`.
    fn random_problem(
        rng: &mut Rng,
        mentees: (u64, u64),
        mentors: (u64, u64),
        capacities: (u32, u32),
        density: u64,
        max_score: u32,
    ) -> Problem {
        let n = mentees.0 + rng.below(mentees.1 - mentees.0 + 1);
        let m = mentors.0 + rng.below(mentors.1 - mentors.0 + 1);
        let capacities = (0..m)
            .map(|_| capacities.0 + rng.below(u64::from(capacities.1 - capacities.0) + 1) as u32)
            .collect();
        let allowed = (0..n)
            .map(|_| {
                let mut list = Vec::new();
                for k in 0..m as usize {
                    if rng.chance(density) {
                        list.push((k, rng.below(u64::from(max_score) + 1) as u32));
                    }
                }
                list
            })
            .collect();
        Problem {
            capacities,
            allowed,
        }
    }

    /// Checks the assignment keeps to the problem: its length, allowed pairs only, no mentor
    /// over capacity, and the reported count and total are those of its pairs.
    fn check_feasible(problem: &Problem, answer: &Assignment) {
        assert_eq!(answer.mentor_of.len(), problem.allowed.len());
        let mut load = vec![0u32; problem.capacities.len()];
        let mut matched = 0;
        let mut total = 0u64;
        for (mentee, mentor) in answer.mentor_of.iter().enumerate() {
            if let Some(mentor) = *mentor {
                let score = problem
                    .score(mentee, mentor)
                    .unwrap_or_else(|| panic!("mentee {mentee} got mentor {mentor}, not allowed"));
                load[mentor] += 1;
                matched += 1;
                total += u64::from(score);
            }
        }
        for (mentor, (&l, &c)) in load.iter().zip(&problem.capacities).enumerate() {
            assert!(l <= c, "mentor {mentor} holds {l}, capacity {c}");
        }
        assert_eq!(answer.matched, matched, "reported matched count");
        assert_eq!(answer.total_score, total, "reported total score");
    }

    /// Tries every assignment of each mentee to an allowed mentor with room, or to nobody.
    fn brute_force(problem: &Problem) -> (usize, u64) {
        fn go(
            problem: &Problem,
            mentee: usize,
            load: &mut [u32],
            matched: usize,
            total: u64,
            best: &mut (usize, u64),
        ) {
            if mentee == problem.allowed.len() {
                *best = (*best).max((matched, total));
                return;
            }
            go(problem, mentee + 1, load, matched, total, best);
            for &(mentor, score) in &problem.allowed[mentee] {
                if load[mentor] < problem.capacities[mentor] {
                    load[mentor] += 1;
                    let total = total + u64::from(score);
                    go(problem, mentee + 1, load, matched + 1, total, best);
                    load[mentor] -= 1;
                }
            }
        }
        let mut best = (0, 0);
        let mut load = vec![0; problem.capacities.len()];
        go(problem, 0, &mut load, 0, 0, &mut best);
        best
    }

    /// An independent reference: minimum-cost flow by successive shortest paths found with
    /// Bellman–Ford, on the graph with one node per mentor's place (source → mentee → place →
    /// sink, capacity 1 each). A pair costs -(weight + score) with weight = 1000 × mentees + 1;
    /// paths are added while they lower the cost.
    fn reference_flow(problem: &Problem) -> (usize, u64) {
        struct Edge {
            to: usize,
            cap: i64,
            cost: i64,
        }
        fn add(edges: &mut Vec<Edge>, out: &mut [Vec<usize>], a: usize, b: usize, cost: i64) {
            out[a].push(edges.len());
            edges.push(Edge {
                to: b,
                cap: 1,
                cost,
            });
            out[b].push(edges.len());
            edges.push(Edge {
                to: a,
                cap: 0,
                cost: -cost,
            });
        }
        let n = problem.allowed.len();
        let weight = 1000 * n as i64 + 1;
        let mut first_place = Vec::new();
        let mut places = 0;
        for &c in &problem.capacities {
            first_place.push(places);
            places += c as usize;
        }
        let (source, sink) = (0, 1 + n + places);
        let nodes = sink + 1;
        let mut edges = Vec::new();
        let mut out = vec![Vec::new(); nodes];
        for (mentee, list) in problem.allowed.iter().enumerate() {
            add(&mut edges, &mut out, source, 1 + mentee, 0);
            for &(mentor, score) in list {
                for p in 0..problem.capacities[mentor] as usize {
                    let place = 1 + n + first_place[mentor] + p;
                    add(
                        &mut edges,
                        &mut out,
                        1 + mentee,
                        place,
                        -(weight + score as i64),
                    );
                }
            }
        }
        for place in 0..places {
            add(&mut edges, &mut out, 1 + n + place, sink, 0);
        }
        let (mut flow, mut cost) = (0i64, 0i64);
        loop {
            let mut dist = vec![i64::MAX; nodes];
            let mut via = vec![usize::MAX; nodes];
            dist[source] = 0;
            for _ in 0..nodes {
                let mut changed = false;
                for a in 0..nodes {
                    if dist[a] == i64::MAX {
                        continue;
                    }
                    for &e in &out[a] {
                        let edge = &edges[e];
                        if edge.cap > 0 && dist[a] + edge.cost < dist[edge.to] {
                            dist[edge.to] = dist[a] + edge.cost;
                            via[edge.to] = e;
                            changed = true;
                        }
                    }
                }
                if !changed {
                    break;
                }
            }
            if dist[sink] == i64::MAX || dist[sink] >= 0 {
                break;
            }
            let mut node = sink;
            while node != source {
                let e = via[node];
                edges[e].cap -= 1;
                edges[e ^ 1].cap += 1;
                node = edges[e ^ 1].to;
            }
            flow += 1;
            cost += dist[sink];
        }
        let total = -cost - weight * flow;
        (flow as usize, total as u64)
    }

    fn pair(problem: &Problem, answer: &Assignment) -> (usize, u64) {
        check_feasible(problem, answer);
        (answer.matched, answer.total_score)
    }

    #[test]
    fn agrees_with_brute_force_on_small_random_problems() {
        let mut rng = Rng(2026);
        for case in 0..600 {
            let density = [20, 50, 80, 100][case % 4];
            let problem = random_problem(&mut rng, (0, 6), (0, 4), (0, 3), density, 1000);
            let answer = solve(&problem);
            assert_eq!(
                pair(&problem, &answer),
                brute_force(&problem),
                "case {case}: {problem:?}"
            );
        }
    }

    #[test]
    fn agrees_with_brute_force_when_scores_tie_often() {
        // Scores 0 to 2 make many equally good assignments, and the search's ties.
        let mut rng = Rng(7);
        for case in 0..400 {
            let problem = random_problem(&mut rng, (1, 7), (1, 4), (0, 2), 60, 2);
            let answer = solve(&problem);
            assert_eq!(
                pair(&problem, &answer),
                brute_force(&problem),
                "case {case}: {problem:?}"
            );
        }
    }

    #[test]
    fn agrees_with_the_reference_flow_on_medium_random_problems() {
        let mut rng = Rng(42);
        for case in 0..60 {
            // Dense and sparse; with capacities 0 to 3 for 15 mentors, some runs have fewer
            // places than mentees, and the sparse ones leave mentees with nobody.
            let density = [100, 60, 25, 8, 3][case % 5];
            let problem = random_problem(&mut rng, (30, 40), (10, 15), (0, 3), density, 1000);
            let answer = solve(&problem);
            assert_eq!(
                pair(&problem, &answer),
                reference_flow(&problem),
                "case {case}"
            );
        }
    }

    #[test]
    fn agrees_with_the_reference_flow_when_places_outnumber_mentees() {
        let mut rng = Rng(99);
        for case in 0..30 {
            let density = [100, 40, 10][case % 3];
            let problem = random_problem(&mut rng, (10, 20), (10, 15), (1, 3), density, 1000);
            let answer = solve(&problem);
            assert_eq!(
                pair(&problem, &answer),
                reference_flow(&problem),
                "case {case}"
            );
        }
    }

    #[test]
    fn the_brute_force_and_the_reference_agree_with_each_other() {
        // The two test solvers check each other too, so a fault in one shows.
        let mut rng = Rng(5);
        for _ in 0..100 {
            let problem = random_problem(&mut rng, (0, 6), (0, 4), (0, 3), 50, 1000);
            assert_eq!(brute_force(&problem), reference_flow(&problem));
        }
    }

    #[test]
    fn an_empty_problem_matches_nobody() {
        let answer = solve(&Problem::default());
        assert_eq!(answer, Assignment::default());

        let only_mentors = Problem {
            capacities: vec![2, 3],
            allowed: vec![],
        };
        assert_eq!(solve(&only_mentors), Assignment::default());

        let only_mentees = Problem {
            capacities: vec![],
            allowed: vec![vec![], vec![]],
        };
        let answer = solve(&only_mentees);
        assert_eq!(answer.mentor_of, vec![None, None]);
        assert_eq!((answer.matched, answer.total_score), (0, 0));
    }

    #[test]
    fn no_allowed_pair_matches_nobody() {
        let problem = Problem {
            capacities: vec![3, 3],
            allowed: vec![vec![], vec![], vec![]],
        };
        let answer = solve(&problem);
        assert_eq!(answer.mentor_of, vec![None; 3]);
        assert_eq!((answer.matched, answer.total_score), (0, 0));
    }

    #[test]
    fn beats_greedy() {
        // Taking the best pair first (0 with mentor 0, 100) leaves mentee 1 with mentor 1 at 0:
        // 100 in all. The optimum is 90 + 99.
        let problem = Problem {
            capacities: vec![1, 1],
            allowed: vec![vec![(0, 100), (1, 90)], vec![(0, 99), (1, 0)]],
        };
        let answer = solve(&problem);
        assert_eq!(answer.mentor_of, vec![Some(1), Some(0)]);
        assert_eq!((answer.matched, answer.total_score), (2, 189));
    }

    #[test]
    fn a_later_mentee_can_take_an_earlier_ones_place() {
        // Mentee 0 would keep mentor 0 (score 5) if mentees were only ever added; mentee 1 can
        // have nobody else and scores 900 with it. Both cannot be matched, so the higher score
        // wins.
        let problem = Problem {
            capacities: vec![1],
            allowed: vec![vec![(0, 5)], vec![(0, 900)]],
        };
        let answer = solve(&problem);
        assert_eq!(answer.mentor_of, vec![None, Some(0)]);
        assert_eq!((answer.matched, answer.total_score), (1, 900));
    }

    #[test]
    fn one_more_matched_mentee_beats_any_score() {
        // Mentee 0 with mentor 0 scores 1000 but leaves mentee 1, who can only have mentor 0,
        // unmatched. Matching both (0 with mentor 1 at 0, 1 with mentor 0 at 0) scores 0.
        let problem = Problem {
            capacities: vec![1, 1],
            allowed: vec![vec![(0, 1000), (1, 0)], vec![(0, 0)]],
        };
        let answer = solve(&problem);
        assert_eq!(answer.mentor_of, vec![Some(1), Some(0)]);
        assert_eq!((answer.matched, answer.total_score), (2, 0));
    }

    #[test]
    fn more_matched_beats_a_higher_total_over_many_mentees() {
        // Filling mentor 0 (capacity 3) with mentees 0 to 2 scores 3000 but matches three.
        // Matching all four scores 2000: mentee 2 moves to mentor 1 (at 0) and mentee 3, who
        // can only have mentor 0 (at 0), takes its place.
        let problem = Problem {
            capacities: vec![3, 1],
            allowed: vec![
                vec![(0, 1000)],
                vec![(0, 1000)],
                vec![(0, 1000), (1, 0)],
                vec![(0, 0)],
            ],
        };
        let answer = solve(&problem);
        check_feasible(&problem, &answer);
        assert_eq!(answer.matched, 4);
        assert_eq!(answer.total_score, 2000);
    }

    #[test]
    fn a_mentor_with_capacity_0_is_never_used() {
        let problem = Problem {
            capacities: vec![0, 1],
            allowed: vec![vec![(0, 1000), (1, 10)], vec![(0, 1000)]],
        };
        let answer = solve(&problem);
        assert_eq!(answer.mentor_of, vec![Some(1), None]);
        assert_eq!((answer.matched, answer.total_score), (1, 10));
    }

    #[test]
    fn a_mentor_takes_up_to_its_capacity_the_best_mentees() {
        let problem = Problem {
            capacities: vec![3],
            allowed: (0..6)
                .map(|i| vec![(0, [5, 50, 7, 700, 60, 6][i])])
                .collect(),
        };
        let answer = solve(&problem);
        check_feasible(&problem, &answer);
        assert_eq!(
            answer.mentor_of,
            vec![None, Some(0), None, Some(0), Some(0), None]
        );
        assert_eq!(answer.total_score, 810);
    }

    #[test]
    fn a_huge_capacity_is_fine() {
        let problem = Problem {
            capacities: vec![u32::MAX, 1],
            allowed: vec![vec![(0, 3), (1, 4)]; 5],
        };
        let answer = solve(&problem);
        check_feasible(&problem, &answer);
        assert_eq!((answer.matched, answer.total_score), (5, 16));
    }

    #[test]
    fn a_pair_listed_twice_counts_once_with_its_higher_score_and_unknown_mentors_are_ignored() {
        let problem = Problem {
            capacities: vec![1],
            allowed: vec![vec![(0, 10), (0, 30), (7, 1000)]],
        };
        let answer = solve(&problem);
        assert_eq!(answer.mentor_of, vec![Some(0)]);
        assert_eq!(answer.total_score, 30);
        assert_eq!(problem.score(0, 0), Some(30));
        assert_eq!(problem.score(0, 1), None);
        assert_eq!(problem.score(1, 0), None);
    }

    #[test]
    fn ties_go_to_the_lowest_index() {
        // One place, two mentees with the same score: the first keeps it.
        let problem = Problem {
            capacities: vec![1],
            allowed: vec![vec![(0, 500)], vec![(0, 500)]],
        };
        assert_eq!(solve(&problem).mentor_of, vec![Some(0), None]);

        // Two mentors equally good for one mentee: the first.
        let problem = Problem {
            capacities: vec![1, 1],
            allowed: vec![vec![(1, 500), (0, 500)]],
        };
        assert_eq!(solve(&problem).mentor_of, vec![Some(0)]);

        // Everything equal: mentees in order take the mentors in order.
        let problem = Problem {
            capacities: vec![1, 1, 1],
            allowed: vec![vec![(0, 1), (1, 1), (2, 1)]; 4],
        };
        assert_eq!(
            solve(&problem).mentor_of,
            vec![Some(0), Some(1), Some(2), None]
        );
    }

    #[test]
    fn solving_twice_gives_the_same_assignment() {
        let mut rng = Rng(11);
        for _ in 0..20 {
            let problem = random_problem(&mut rng, (50, 80), (20, 30), (0, 3), 40, 3);
            let first = solve(&problem);
            assert_eq!(solve(&problem), first);
            assert_eq!(solve(&problem.clone()), first);
        }
    }

    /// Checks the solver's final state proves its assignment optimal (the linear programme's
    /// conditions): no reduced cost negative, every assigned pair at 0, every mentor's dual at
    /// most 0 and exactly 0 when it has room, the unmatched column's dual 0.
    fn check_certificate(problem: &Problem) {
        let mut solver = Solver::new(problem);
        solver.run();
        let m = solver.m;
        assert_eq!(solver.v[m], 0);
        for k in 0..m {
            assert!(solver.v[k] <= 0, "mentor {k}: v = {}", solver.v[k]);
            if solver.count[k] < solver.capacity[k] {
                assert_eq!(solver.v[k], 0, "mentor {k} has room");
            }
        }
        for r in 0..solver.n {
            let to_unmatched = -solver.u[r];
            assert!(to_unmatched >= 0, "mentee {r}: unmatched at {to_unmatched}");
            if solver.col_of[r] as usize == m {
                assert_eq!(to_unmatched, 0, "mentee {r} is unmatched");
            }
            for e in solver.pairs.of(r) {
                let k = solver.pairs.col[e] as usize;
                let reduced = solver.cost(solver.pairs.score[e]) - solver.u[r] - solver.v[k];
                assert!(reduced >= 0, "mentee {r}, mentor {k}: {reduced}");
                if solver.col_of[r] as usize == k {
                    assert_eq!(reduced, 0, "mentee {r} is with mentor {k}");
                }
            }
        }
        let answer = solver.assignment();
        check_feasible(problem, &answer);
    }

    #[test]
    fn the_optimality_certificate_holds_on_larger_random_problems() {
        let mut rng = Rng(8);
        for case in 0..12 {
            let density = [100, 30, 5][case % 3];
            let problem = random_problem(&mut rng, (100, 400), (20, 200), (0, 3), density, 1000);
            check_certificate(&problem);
        }
        for case in 0..200 {
            let problem =
                random_problem(&mut rng, (0, 12), (0, 6), (0, 3), 50, [2, 1000][case % 2]);
            check_certificate(&problem);
        }
    }

    #[test]
    fn a_dense_problem_of_some_size_is_feasible_and_matches_everyone_it_can() {
        // 300 mentees, 150 mentors with 1 to 3 places each, every pair allowed: everyone is
        // matched if there are enough places, else every place is used.
        let mut rng = Rng(3);
        let problem = random_problem(&mut rng, (300, 300), (150, 150), (1, 3), 100, 1000);
        let answer = solve(&problem);
        check_feasible(&problem, &answer);
        let places: u32 = problem.capacities.iter().sum();
        assert_eq!(answer.matched, 300.min(places as usize));
    }
}
