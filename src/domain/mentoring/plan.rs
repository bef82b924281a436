//! Planning a round of matching: the hard rules, the scores, the coordinator's pins, then the
//! optimal solver, and a reason for every student left unmatched.

use std::collections::{BTreeMap, BTreeSet};

use super::alternatives::{self, Alternative, Candidate, Chosen};
use super::profile::{MenteeProfile, MentorProfile};
use super::scoring::{self, NotAllowed, Score, Weights};
use super::solver::{self, Problem};

/// A mentor who can take students in this round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mentor<K> {
    pub key: K,
    pub profile: MentorProfile,
    /// Places left: the capacity less the students they already mentor.
    pub room: u32,
}

/// A student waiting for a mentor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mentee<K> {
    pub key: K,
    pub profile: MenteeProfile,
}

/// What the coordinator and the students have said about particular pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules<K: Ord> {
    /// Pairs `(mentor, mentee)` never to match, with the reason.
    pub exclusions: BTreeMap<(K, K), String>,
    /// Pairs `(mentor, mentee)` the coordinator has fixed.
    pub pins: BTreeSet<(K, K)>,
    pub weights: Weights,
}

impl<K: Ord> Default for Rules<K> {
    fn default() -> Self {
        Rules {
            exclusions: BTreeMap::new(),
            pins: BTreeSet::new(),
            weights: Weights::default(),
        }
    }
}

/// A proposed pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposed<K> {
    pub mentor: K,
    pub mentee: K,
    pub score: Score,
    pub pinned: bool,
}

/// Why a student has no mentor in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unmatched {
    /// No mentor is allowed at all; each reason with how many mentors it ruled out.
    NoMentorAllowed(Vec<(String, usize)>),
    /// Some mentors are allowed, but every place with them went to other students: matching
    /// this student would leave another one without a mentor.
    MentorsFull(usize),
}

impl Unmatched {
    pub fn describe(&self) -> String {
        match self {
            Unmatched::NoMentorAllowed(reasons) if reasons.is_empty() => {
                "There are no mentors with places".to_owned()
            }
            Unmatched::NoMentorAllowed(reasons) => {
                let parts: Vec<String> = reasons
                    .iter()
                    .map(|(why, n)| format!("{} ({})", why, mentors(*n)))
                    .collect();
                format!("No mentor can be matched: {}", parts.join("; "))
            }
            Unmatched::MentorsFull(1) => {
                "Their only possible mentor's places went to other students".to_owned()
            }
            Unmatched::MentorsFull(n) => {
                format!("The places of all {n} possible mentors went to other students")
            }
        }
    }
}

fn mentors(n: usize) -> String {
    if n == 1 {
        "1 mentor".to_owned()
    } else {
        format!("{n} mentors")
    }
}

/// A pin that could not be kept, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoredPin<K> {
    pub mentor: K,
    pub mentee: K,
    pub reason: String,
}

/// The result of a round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan<K> {
    /// Sorted by mentee.
    pub pairs: Vec<Proposed<K>>,
    /// Sorted by mentee.
    pub unmatched: Vec<(K, Unmatched)>,
    pub ignored_pins: Vec<IgnoredPin<K>>,
    pub total_score: u64,
    /// Each student's next-best mentors, and why they were not chosen.
    pub alternatives: BTreeMap<K, Vec<Alternative<K>>>,
}

/// Whether a pair may be matched at all, apart from capacity.
pub fn allowed<K: Ord + Clone>(
    mentor: &Mentor<K>,
    mentee: &Mentee<K>,
    rules: &Rules<K>,
) -> Result<(), NotAllowed> {
    if let Some(reason) = rules
        .exclusions
        .get(&(mentor.key.clone(), mentee.key.clone()))
    {
        return Err(NotAllowed::Excluded(reason.clone()));
    }
    scoring::required_preferences(&mentor.profile, &mentee.profile)
}

/// Every allowed pair with a mentor who has room, scored.
fn candidates<K: Ord + Clone>(
    mentors: &[&Mentor<K>],
    mentees: &[&Mentee<K>],
    rules: &Rules<K>,
) -> Vec<Candidate<K>> {
    let mut candidates = Vec::new();
    for mentee in mentees {
        for mentor in mentors.iter().filter(|m| m.room > 0) {
            if allowed(mentor, mentee, rules).is_ok() {
                let s = scoring::score(&mentor.profile, &mentee.profile, rules.weights);
                candidates.push(Candidate {
                    mentor: mentor.key.clone(),
                    mentee: mentee.key.clone(),
                    score: s.total,
                    misses: s
                        .parts
                        .iter()
                        .filter(|p| p.points < p.out_of)
                        .map(|p| p.reason.clone())
                        .collect(),
                });
            }
        }
    }
    candidates
}

/// The coordinator's pins, placed before the solver runs.
struct Pinned<K> {
    /// The pins kept, as pairs.
    pairs: Vec<Proposed<K>>,
    /// The pins that could not be kept, and why.
    ignored_pins: Vec<IgnoredPin<K>>,
    /// The students pinned, by index.
    mentees: BTreeSet<usize>,
}

/// Keeps each pin the rules and the places allow, taking its place from `room`.
fn place_pins<K: Ord + Clone>(
    mentors: &[&Mentor<K>],
    mentees: &[&Mentee<K>],
    rules: &Rules<K>,
    room: &mut [u32],
) -> Pinned<K> {
    let mut pairs = Vec::new();
    let mut ignored_pins = Vec::new();
    let mut pinned_mentees = BTreeSet::new();
    for (mentor_key, mentee_key) in &rules.pins {
        let ignore = |reason: &str| IgnoredPin {
            mentor: mentor_key.clone(),
            mentee: mentee_key.clone(),
            reason: reason.to_owned(),
        };
        let m = mentors.iter().position(|m| &m.key == mentor_key);
        let e = mentees.iter().position(|e| &e.key == mentee_key);
        let (Some(m), Some(e)) = (m, e) else {
            ignored_pins.push(ignore(
                "The mentor or the student is no longer waiting to be matched",
            ));
            continue;
        };
        if let Err(why) = allowed(mentors[m], mentees[e], rules) {
            ignored_pins.push(ignore(&format!("Not allowed: {}", why.describe())));
        } else if pinned_mentees.contains(&e) {
            ignored_pins.push(ignore("The student is already pinned to another mentor"));
        } else if room[m] == 0 {
            ignored_pins.push(ignore("The mentor has no places left"));
        } else {
            room[m] -= 1;
            pinned_mentees.insert(e);
            pairs.push(Proposed {
                mentor: mentor_key.clone(),
                mentee: mentee_key.clone(),
                score: scoring::score(&mentors[m].profile, &mentees[e].profile, rules.weights),
                pinned: true,
            });
        }
    }
    Pinned {
        pairs,
        ignored_pins,
        mentees: pinned_mentees,
    }
}

/// Plans a round. Deterministic: mentors and mentees are taken in key order.
pub fn plan<K: Ord + Clone>(
    mentors_in: &[Mentor<K>],
    mentees_in: &[Mentee<K>],
    rules: &Rules<K>,
) -> Plan<K> {
    let mut mentors: Vec<&Mentor<K>> = mentors_in.iter().collect();
    mentors.sort_by(|a, b| a.key.cmp(&b.key));
    mentors.dedup_by(|a, b| a.key == b.key);
    let mut mentees: Vec<&Mentee<K>> = mentees_in.iter().collect();
    mentees.sort_by(|a, b| a.key.cmp(&b.key));
    mentees.dedup_by(|a, b| a.key == b.key);

    let mut room: Vec<u32> = mentors.iter().map(|m| m.room).collect();
    // Every allowed pair with a mentor who has room, scored: the next-best mentors come from
    // these.
    let candidates = candidates(&mentors, &mentees, rules);
    let start_room: BTreeMap<K, u32> = mentors.iter().map(|m| (m.key.clone(), m.room)).collect();
    let Pinned {
        mut pairs,
        ignored_pins,
        mentees: pinned_mentees,
    } = place_pins(&mentors, &mentees, rules, &mut room);

    // Everyone not pinned goes to the solver, with the pairs the hard rules allow.
    let free: Vec<usize> = (0..mentees.len())
        .filter(|e| !pinned_mentees.contains(e))
        .collect();
    let mut scores: BTreeMap<(usize, usize), Score> = BTreeMap::new();
    let mut refusals: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); free.len()];
    let mut allowed_lists = Vec::with_capacity(free.len());
    for (row, &e) in free.iter().enumerate() {
        let mut list = Vec::new();
        for (m, mentor) in mentors.iter().enumerate() {
            match allowed(mentor, mentees[e], rules) {
                Err(why) => *refusals[row].entry(why.describe()).or_default() += 1,
                Ok(()) if room[m] == 0 => {
                    *refusals[row]
                        .entry(NotAllowed::NoCapacity.describe())
                        .or_default() += 1;
                }
                Ok(()) => {
                    let s = scoring::score(&mentor.profile, &mentees[e].profile, rules.weights);
                    list.push((m, s.total));
                    scores.insert((m, e), s);
                }
            }
        }
        allowed_lists.push(list);
    }
    let assignment = solver::solve(&Problem {
        capacities: room.clone(),
        allowed: allowed_lists.clone(),
    });
    let mut unmatched = Vec::new();
    for (row, &e) in free.iter().enumerate() {
        // A pair the rules don't allow is never proposed, whatever the solver says.
        let allowed_pair = assignment
            .mentor_of
            .get(row)
            .copied()
            .flatten()
            .and_then(|m| scores.remove(&(m, e)).map(|score| (m, score)));
        match allowed_pair {
            Some((m, score)) => pairs.push(Proposed {
                mentor: mentors[m].key.clone(),
                mentee: mentees[e].key.clone(),
                score,
                pinned: false,
            }),
            None if allowed_lists[row].is_empty() => {
                let mut reasons: Vec<(String, usize)> =
                    std::mem::take(&mut refusals[row]).into_iter().collect();
                reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                unmatched.push((mentees[e].key.clone(), Unmatched::NoMentorAllowed(reasons)));
            }
            None => unmatched.push((
                mentees[e].key.clone(),
                Unmatched::MentorsFull(allowed_lists[row].len()),
            )),
        }
    }
    pairs.sort_by(|a, b| a.mentee.cmp(&b.mentee));
    let total_score = pairs.iter().map(|p| u64::from(p.score.total)).sum();
    let chosen: Vec<Chosen<K>> = pairs
        .iter()
        .map(|p| Chosen {
            mentor: p.mentor.clone(),
            mentee: p.mentee.clone(),
            pinned: p.pinned,
        })
        .collect();
    let students: Vec<K> = mentees.iter().map(|m| m.key.clone()).collect();
    let alternatives = alternatives::next_best(&students, &chosen, &candidates, &start_room);
    Plan {
        pairs,
        unmatched,
        ignored_pins,
        total_score,
        alternatives,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mentoring::alternatives::Instead;
    use crate::domain::mentoring::profile::{Availability, Modes, Strength};

    fn mentor(key: &str, specialty: &str, room: u32) -> Mentor<String> {
        Mentor {
            key: key.into(),
            profile: MentorProfile {
                organisation: "Alder Hey Children's NHS FT".into(),
                specialty: specialty.into(),
                modes: Modes::parse("online").unwrap(),
                availability: Availability::parse("mon_am").unwrap(),
                lived_experience: false,
                gender: "Man".into(),
            },
            room,
        }
    }

    fn mentee(key: &str, interest: &str) -> Mentee<String> {
        Mentee {
            key: key.into(),
            profile: MenteeProfile {
                university: "Edge Hill University".into(),
                specialty_interests: vec![interest.into()],
                modes: Modes::parse("online").unwrap(),
                availability: Availability::parse("mon_am").unwrap(),
                ..MenteeProfile::default()
            },
        }
    }

    fn pair(p: &Proposed<String>) -> (&str, &str) {
        (p.mentor.as_str(), p.mentee.as_str())
    }

    #[test]
    fn matches_by_specialty_within_capacity() {
        let mentors = [mentor("M1", "Surgery", 1), mentor("M2", "Paediatrics", 1)];
        let mentees = [
            mentee("S1", "Paediatrics"),
            mentee("S2", "Surgery"),
            mentee("S3", "Surgery"),
        ];
        let plan = plan(&mentors, &mentees, &Rules::default());
        let pairs: Vec<_> = plan.pairs.iter().map(pair).collect();
        assert_eq!(pairs, [("M2", "S1"), ("M1", "S2")]);
        assert_eq!(plan.total_score, 2000);
        assert_eq!(
            plan.unmatched,
            [("S3".to_owned(), Unmatched::MentorsFull(2))]
        );
        assert!(
            plan.unmatched[0]
                .1
                .describe()
                .contains("all 2 possible mentors")
        );
        // S3's next-best mentors are both matched with others, best score first.
        let s3 = &plan.alternatives["S3"];
        assert_eq!(s3.len(), 2);
        assert_eq!((s3[0].mentor.as_str(), s3[0].score), ("M1", 1000));
        assert_eq!(
            s3[0].instead,
            Instead::MatchedWith {
                mentees: vec!["S2".to_owned()]
            }
        );
        assert_eq!((s3[1].mentor.as_str(), s3[1].score), ("M2", 650));
        assert!(s3[1].misses[0].contains("Works in Paediatrics"));
        // S1's only other mentor would score less and has no place left either.
        assert_eq!(plan.alternatives["S1"].len(), 1);
    }

    #[test]
    fn exclusions_and_required_wishes_are_never_matched() {
        let mentors = [mentor("M1", "Surgery", 3), mentor("M2", "Surgery", 3)];
        let mut wants_woman = mentee("S1", "Surgery");
        wants_woman.profile.gender = "Woman".into();
        wants_woman.profile.gender_strength = Strength::Required;
        let mut wants_lived = mentee("S2", "Surgery");
        wants_lived.profile.lived_experience = Strength::Required;
        let mut rules = Rules::default();
        rules.exclusions.insert(
            ("M1".to_owned(), "S3".to_owned()),
            "Assesses the student".to_owned(),
        );
        let plan = plan(
            &mentors,
            &[wants_woman, wants_lived, mentee("S3", "Surgery")],
            &rules,
        );
        assert_eq!(
            plan.pairs.iter().map(pair).collect::<Vec<_>>(),
            [("M2", "S3")]
        );
        assert_eq!(plan.unmatched.len(), 2);
        let (_, why) = &plan.unmatched[0];
        assert_eq!(
            why,
            &Unmatched::NoMentorAllowed(vec![(
                "the student only wants a mentor who is a woman".to_owned(),
                2
            )])
        );
        assert!(
            why.describe()
                .starts_with("No mentor can be matched: the student only wants")
        );
        assert!(
            plan.unmatched[1]
                .1
                .describe()
                .contains("lived experience of care (2 mentors)")
        );
    }

    #[test]
    fn pins_are_kept_and_bad_pins_are_reported() {
        let mentors = [mentor("M1", "Surgery", 1), mentor("M2", "Paediatrics", 1)];
        let mentees = [mentee("S1", "Surgery"), mentee("S2", "Paediatrics")];
        let mut rules = Rules::default();
        // Pin the worse pairing: the solver would swap them.
        rules.pins.insert(("M1".to_owned(), "S2".to_owned()));
        rules.pins.insert(("M2".to_owned(), "S2".to_owned()));
        rules.pins.insert(("M9".to_owned(), "S1".to_owned()));
        let plan = plan(&mentors, &mentees, &rules);
        let pairs: Vec<_> = plan
            .pairs
            .iter()
            .map(|p| (p.mentor.as_str(), p.mentee.as_str(), p.pinned))
            .collect();
        assert_eq!(pairs, [("M2", "S1", false), ("M1", "S2", true)]);
        let reasons: Vec<&str> = plan
            .ignored_pins
            .iter()
            .map(|p| p.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "The student is already pinned to another mentor",
                "The mentor or the student is no longer waiting to be matched"
            ]
        );
    }

    #[test]
    fn a_pin_of_an_excluded_pair_is_ignored() {
        let mentors = [mentor("M1", "Surgery", 1)];
        let mentees = [mentee("S1", "Surgery")];
        let mut rules = Rules::default();
        rules
            .exclusions
            .insert(("M1".to_owned(), "S1".to_owned()), "conflict".to_owned());
        rules.pins.insert(("M1".to_owned(), "S1".to_owned()));
        let plan = plan(&mentors, &mentees, &rules);
        assert!(plan.pairs.is_empty());
        assert_eq!(
            plan.ignored_pins[0].reason,
            "Not allowed: excluded: conflict"
        );
    }

    #[test]
    fn full_mentors_are_a_reason_and_the_order_of_input_does_not_matter() {
        let mentors = [mentor("M2", "Surgery", 0), mentor("M1", "Surgery", 2)];
        let mentees = [
            mentee("S2", "Surgery"),
            mentee("S1", "Surgery"),
            mentee("S3", "Surgery"),
        ];
        let a = plan(&mentors, &mentees, &Rules::default());
        let mut reversed_mentees = mentees.clone();
        reversed_mentees.reverse();
        let mut reversed_mentors = mentors.clone();
        reversed_mentors.reverse();
        let b = plan(&reversed_mentors, &reversed_mentees, &Rules::default());
        assert_eq!(a, b);
        assert_eq!(a.pairs.len(), 2);
        assert_eq!(a.unmatched.len(), 1);
        assert_eq!(
            plan(&[mentor("M2", "Surgery", 0)], &mentees, &Rules::default()).unmatched[0].1,
            Unmatched::NoMentorAllowed(vec![(
                "the mentor has no room for another student".to_owned(),
                1
            )])
        );
    }
}
