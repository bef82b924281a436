//! Each student's next-best mentors in a plan, and why the matcher did not give them one: so
//! the coordinator can see why an obvious alternative was not chosen.
//!
//! The matcher looks at everyone at once: it gives as many students as possible a mentor, and
//! then picks the highest total score. So a student's best mentor can go to another student,
//! where the total is higher. Each alternative says which of these happened.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// How many alternatives each student is shown.
pub const SHOWN: usize = 2;

/// Why an alternative mentor was not chosen for the student.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Instead<K> {
    /// Every place the mentor had this round went to these students; the plan as a whole is
    /// better that way (more students matched, or a higher total).
    MatchedWith { mentees: Vec<K> },
    /// The mentor still has a free place, but would score no more than the chosen mentor.
    NoBetter,
    /// The coordinator pinned the student to their mentor.
    Pinned,
}

/// A mentor the student could have had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative<K> {
    pub mentor: K,
    pub score: u32,
    /// The plain reasons for the points the pair would miss, e.g. "No times in common".
    pub misses: Vec<String>,
    pub instead: Instead<K>,
}

/// A pair the rules allow, with the mentor's room this round: a candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<K> {
    pub mentor: K,
    pub mentee: K,
    pub score: u32,
    pub misses: Vec<String>,
}

/// What the plan chose: each matched student's mentor, whether pinned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen<K> {
    pub mentor: K,
    pub mentee: K,
    pub pinned: bool,
}

/// The best `SHOWN` other mentors for each student in `students`, best score first (ties by
/// mentor key), with why each was not chosen. `room` is each mentor's places at the start of
/// the round; `candidates` are every allowed pair with a mentor who had room.
pub fn next_best<K: Ord + Clone>(
    students: &[K],
    chosen: &[Chosen<K>],
    candidates: &[Candidate<K>],
    room: &BTreeMap<K, u32>,
) -> BTreeMap<K, Vec<Alternative<K>>> {
    let mentor_of: BTreeMap<&K, &Chosen<K>> = chosen.iter().map(|c| (&c.mentee, c)).collect();
    let mut taken: BTreeMap<&K, Vec<K>> = BTreeMap::new();
    for c in chosen {
        taken.entry(&c.mentor).or_default().push(c.mentee.clone());
    }
    for list in taken.values_mut() {
        list.sort();
    }
    let students: BTreeSet<&K> = students.iter().collect();
    let mut out: BTreeMap<K, Vec<Alternative<K>>> = BTreeMap::new();
    let mut by_student: BTreeMap<&K, Vec<&Candidate<K>>> = BTreeMap::new();
    for c in candidates {
        if students.contains(&c.mentee) {
            by_student.entry(&c.mentee).or_default().push(c);
        }
    }
    for student in students {
        let mine = mentor_of.get(student);
        let mut list: Vec<&Candidate<K>> = by_student
            .remove(student)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| mine.is_none_or(|m| m.mentor != c.mentor))
            .collect();
        list.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.mentor.cmp(&b.mentor)));
        let alternatives = list
            .into_iter()
            .take(SHOWN)
            .map(|c| {
                let others = taken.get(&c.mentor).cloned().unwrap_or_default();
                let places = room.get(&c.mentor).copied().unwrap_or(0);
                let full = u32::try_from(others.len()).unwrap_or(u32::MAX) >= places;
                let instead = if mine.is_some_and(|m| m.pinned) {
                    Instead::Pinned
                } else if full {
                    Instead::MatchedWith { mentees: others }
                } else {
                    Instead::NoBetter
                };
                Alternative {
                    mentor: c.mentor.clone(),
                    score: c.score,
                    misses: c.misses.clone(),
                    instead,
                }
            })
            .collect();
        out.insert(student.clone(), alternatives);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(
        mentor: &'static str,
        mentee: &'static str,
        score: u32,
    ) -> Candidate<&'static str> {
        Candidate {
            mentor,
            mentee,
            score,
            misses: if score < 1000 {
                vec![format!("{mentor} misses something")]
            } else {
                Vec::new()
            },
        }
    }

    fn chosen(mentor: &'static str, mentee: &'static str) -> Chosen<&'static str> {
        Chosen {
            mentor,
            mentee,
            pinned: false,
        }
    }

    #[test]
    fn the_best_other_mentors_come_first_with_why_they_were_not_chosen() {
        // Sam's best mentor, X, went to Kai; Z has room but scores less than Sam's mentor Y.
        let candidates = [
            candidate("X", "Sam", 810),
            candidate("Y", "Sam", 700),
            candidate("Z", "Sam", 650),
            candidate("W", "Sam", 100),
            candidate("X", "Kai", 1000),
        ];
        let room = BTreeMap::from([("X", 1), ("Y", 1), ("Z", 2), ("W", 1)]);
        let got = next_best(
            &["Sam", "Kai"],
            &[chosen("Y", "Sam"), chosen("X", "Kai")],
            &candidates,
            &room,
        );
        let sam = &got["Sam"];
        assert_eq!(sam.len(), SHOWN);
        assert_eq!(sam[0].mentor, "X");
        assert_eq!(sam[0].score, 810);
        assert_eq!(
            sam[0].instead,
            Instead::MatchedWith {
                mentees: vec!["Kai"]
            }
        );
        assert_eq!(sam[0].misses, ["X misses something"]);
        assert_eq!(sam[1].mentor, "Z");
        assert_eq!(sam[1].instead, Instead::NoBetter);
        // Kai's only mentor is their own: no alternatives.
        assert!(got["Kai"].is_empty());
    }

    #[test]
    fn an_unmatched_student_sees_who_took_each_place_and_pins_are_said() {
        let candidates = [
            candidate("X", "Lee", 900),
            candidate("X", "Sam", 950),
            candidate("X", "Kai", 950),
            candidate("Y", "Sam", 500),
        ];
        let room = BTreeMap::from([("X", 2), ("Y", 1)]);
        let got = next_best(
            &["Lee", "Sam"],
            &[
                chosen("X", "Sam"),
                chosen("X", "Kai"),
                Chosen {
                    mentor: "Y",
                    mentee: "Sam",
                    pinned: true,
                },
            ],
            &candidates,
            &room,
        );
        assert_eq!(
            got["Lee"],
            [Alternative {
                mentor: "X",
                score: 900,
                misses: vec!["X misses something".to_owned()],
                instead: Instead::MatchedWith {
                    mentees: vec!["Kai", "Sam"]
                },
            }]
        );
        // Students not asked about are left out.
        assert!(!got.contains_key("Kai"));
    }

    #[test]
    fn a_pinned_student_is_told_it_is_the_pin() {
        let candidates = [candidate("X", "Sam", 1000), candidate("Y", "Sam", 400)];
        let room = BTreeMap::from([("X", 1), ("Y", 1)]);
        let got = next_best(
            &["Sam"],
            &[Chosen {
                mentor: "Y",
                mentee: "Sam",
                pinned: true,
            }],
            &candidates,
            &room,
        );
        assert_eq!(got["Sam"].len(), 1);
        assert_eq!(got["Sam"][0].instead, Instead::Pinned);
    }

    #[test]
    fn ties_go_by_mentor_and_the_order_of_input_does_not_matter() {
        let mut candidates = vec![
            candidate("B", "Sam", 800),
            candidate("A", "Sam", 800),
            candidate("C", "Sam", 900),
        ];
        let room = BTreeMap::from([("A", 1), ("B", 1), ("C", 1)]);
        let a = next_best(&["Sam"], &[], &candidates, &room);
        candidates.reverse();
        let b = next_best(&["Sam"], &[], &candidates, &room);
        assert_eq!(a, b);
        let order: Vec<_> = a["Sam"].iter().map(|x| x.mentor).collect();
        assert_eq!(order, ["C", "A"]);
        assert!(a["Sam"].iter().all(|x| x.instead == Instead::NoBetter));
    }
}
