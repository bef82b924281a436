//! Shortlisting and the guaranteed-interview rule (DOMAIN.md §5). The system, not goodwill,
//! guarantees the interview: every decision the lead makes passes through [`check_decision`],
//! and completing shortlisting through [`completion_blockers`].

use std::collections::HashSet;

/// A panel member's or the lead's score for one criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u8);

impl Score {
    /// The lowest score that meets a criterion.
    pub const MEETS: Score = Score(2);

    /// Every score, lowest first.
    pub const ALL: [Score; 4] = [Score(0), Score(1), Score(2), Score(3)];

    /// Reads a typed score: a whole number from 0 to 3.
    pub fn parse(typed: &str) -> Result<Self, &'static str> {
        match typed.trim() {
            "" => Err("Choose a score from 0 to 3"),
            t => t
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 3)
                .map(Score)
                .ok_or("A score must be a whole number from 0 to 3"),
        }
    }

    /// From a stored value.
    pub fn from_stored(value: i32) -> Option<Self> {
        u8::try_from(value).ok().filter(|n| *n <= 3).map(Score)
    }

    /// The number.
    pub fn value(self) -> u8 {
        self.0
    }

    /// What the score means.
    pub fn label(self) -> &'static str {
        match self.0 {
            0 => "No evidence",
            1 => "Partly meets",
            2 => "Meets",
            _ => "Exceeds",
        }
    }

    /// Whether the criterion is met.
    pub fn meets(self) -> bool {
        self >= Self::MEETS
    }
}

/// Whether an application meets the minimum criteria (its essential criteria), judged on the
/// lead's final scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Minimum {
    /// Every essential criterion has a final score of 2 or more.
    Met,
    /// At least one essential criterion has a final score below 2.
    NotMet,
    /// Some essential criterion has no final score yet (and none is below 2).
    Unscored,
}

/// Judges the minimum criteria from the final scores of the essential criteria.
pub fn minimum(essential_finals: &[Option<Score>]) -> Minimum {
    if essential_finals.iter().flatten().any(|s| !s.meets()) {
        Minimum::NotMet
    } else if essential_finals.iter().any(Option::is_none) {
        Minimum::Unscored
    } else {
        Minimum::Met
    }
}

/// Where a vacancy's request for a high-volume exception is, as stored (DOMAIN.md §5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionStatus {
    /// Never requested.
    None,
    /// Requested, waiting for the champion.
    Requested,
    /// Approved by the champion, with a cap.
    Approved,
    /// Refused by the champion; it may be requested again.
    Refused,
}

impl ExceptionStatus {
    /// Every status.
    pub const ALL: [ExceptionStatus; 4] = [
        ExceptionStatus::None,
        ExceptionStatus::Requested,
        ExceptionStatus::Approved,
        ExceptionStatus::Refused,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionStatus::None => "none",
            ExceptionStatus::Requested => "requested",
            ExceptionStatus::Approved => "approved",
            ExceptionStatus::Refused => "refused",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the lead may ask for an exception now (none asked, or the last refused).
    pub fn may_request(self) -> bool {
        matches!(self, ExceptionStatus::None | ExceptionStatus::Refused)
    }

    /// The rule's view: capped only once approved, with the cap stored beside it.
    pub fn exception(self, cap: Option<u32>) -> Exception {
        match (self, cap) {
            (ExceptionStatus::Approved, Some(cap)) => Exception::Approved { cap },
            _ => Exception::NotApproved,
        }
    }
}

/// The high-volume exception of a vacancy (DOMAIN.md §5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// None requested, or requested and not (yet) approved: interviews are not capped.
    NotApproved,
    /// Approved by the champion: interviews are capped at this many.
    Approved {
        /// The most applicants who may be invited.
        cap: u32,
    },
}

/// What the rule needs to know about one application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The applicant opted in to the guaranteed interview scheme.
    pub opted_in: bool,
    /// The minimum criteria, on final scores.
    pub minimum: Minimum,
    /// Under an approved exception: whether it is among those who best meet the minimum
    /// criteria, within the cap (see [`within_cap`]). Ignored without an approved exception.
    pub within_cap: bool,
}

/// The lead's proposed decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proposal {
    /// Invite to interview.
    Invite,
    /// Not shortlisted, with this many words of written feedback (0 for none).
    NotShortlisted {
        /// Words of feedback given.
        feedback_words: usize,
    },
}

/// Why a decision is refused, each with words for the lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Decisions wait until the vacancy has closed.
    VacancyOpen,
    /// The essential criteria need final scores first.
    NotScored,
    /// An opted-in application that meets the minimum criteria must be invited.
    GuaranteedInterview,
    /// Declining an opted-in application needs written, constructive feedback.
    FeedbackNeeded,
    /// An approved cap is reached, or the application is not among those who best meet the
    /// minimum criteria.
    OverCap {
        /// The approved cap.
        cap: u32,
    },
}

/// The fewest words of feedback for declining an opted-in application.
pub const MIN_FEEDBACK_WORDS: usize = 50;

impl Refusal {
    /// The explanation shown to the lead.
    pub fn explanation(self) -> String {
        match self {
            Refusal::VacancyOpen => {
                "You can score applications now, but decisions can only be made after the vacancy closes.".to_owned()
            }
            Refusal::NotScored => {
                "Set a final score for every essential criterion before deciding.".to_owned()
            }
            Refusal::GuaranteedInterview => {
                "This application is in the guaranteed interview scheme and meets every essential criterion, so it must be invited to interview. It does not take a place from anyone else.".to_owned()
            }
            Refusal::FeedbackNeeded => format!(
                "This application is in the guaranteed interview scheme. To decline it, write constructive feedback of at least {MIN_FEEDBACK_WORDS} words explaining which essential criteria were not met and how the applicant could show them next time. It will be sent to the applicant."
            ),
            Refusal::OverCap { cap } => format!(
                "The approved high-volume exception limits interviews to {cap}, for those who best meet the essential criteria. This application is not within that limit."
            ),
        }
    }
}

/// Whether the rule invites this application automatically: opted in and meeting the minimum
/// criteria, unless an approved exception's cap leaves it out.
pub fn invited_automatically(candidate: Candidate, exception: Exception) -> bool {
    candidate.opted_in
        && candidate.minimum == Minimum::Met
        && match exception {
            Exception::NotApproved => true,
            Exception::Approved { .. } => candidate.within_cap,
        }
}

/// Checks the lead's decision against the guaranteed-interview rule. `vacancy_closed` is
/// whether the closing time has passed.
pub fn check_decision(
    candidate: Candidate,
    exception: Exception,
    vacancy_closed: bool,
    proposal: Proposal,
) -> Result<(), Refusal> {
    if !vacancy_closed {
        return Err(Refusal::VacancyOpen);
    }
    if candidate.minimum == Minimum::Unscored {
        return Err(Refusal::NotScored);
    }
    match proposal {
        Proposal::Invite => match exception {
            Exception::Approved { cap } if !candidate.within_cap => Err(Refusal::OverCap { cap }),
            _ => Ok(()),
        },
        Proposal::NotShortlisted { feedback_words } => {
            if invited_automatically(candidate, exception) {
                Err(Refusal::GuaranteedInterview)
            } else if candidate.opted_in
                && candidate.minimum == Minimum::NotMet
                && feedback_words < MIN_FEEDBACK_WORDS
            {
                Err(Refusal::FeedbackNeeded)
            } else {
                Ok(())
            }
        }
    }
}

/// One application as ranked under an approved exception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranked {
    /// Application ID.
    pub id: i32,
    /// Whether it meets the minimum criteria.
    pub minimum: Minimum,
    /// Sum of the final essential scores.
    pub essential_total: u32,
    /// Sum of the final desirable scores, used to break ties.
    pub desirable_total: u32,
}

/// The applications that best meet the minimum criteria, at most `cap` of them: those that
/// meet the minimum, by essential total, then desirable total. Applications tied with the last
/// one in are all in, because nothing fair separates them; the cap is then exceeded only by
/// ties. Opted-in and other applications are ranked alike (DOMAIN.md §5.5).
pub fn within_cap(applications: &[Ranked], cap: u32) -> HashSet<i32> {
    let mut eligible: Vec<&Ranked> = applications
        .iter()
        .filter(|r| r.minimum == Minimum::Met)
        .collect();
    eligible.sort_by(|a, b| {
        (b.essential_total, b.desirable_total).cmp(&(a.essential_total, a.desirable_total))
    });
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    if cap == 0 {
        return HashSet::new();
    }
    let Some(last_in) = eligible.get(cap - 1).copied() else {
        return eligible.iter().map(|r| r.id).collect();
    };
    let bar = (last_in.essential_total, last_in.desirable_total);
    eligible
        .iter()
        .enumerate()
        .take_while(|(i, r)| *i < cap || (r.essential_total, r.desirable_total) == bar)
        .map(|(_, r)| r.id)
        .collect()
}

/// One application's standing when the lead asks to complete shortlisting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Application ID.
    pub id: i32,
    /// What the rule knows of it.
    pub candidate: Candidate,
    /// The decision recorded: Some(true) invited, Some(false) not shortlisted, None undecided.
    pub invited: Option<bool>,
}

/// Why one application stops shortlisting being completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocker {
    /// It has no decision yet.
    Undecided,
    /// The rule invites it, and it is not invited.
    GuaranteedInterview,
    /// It is invited, but an approved cap leaves it out: the lead invited more, or other
    /// applications' final scores changed after the decision, so it is no longer among those
    /// who best meet the essential criteria.
    OverCap {
        /// The approved cap.
        cap: u32,
    },
}

impl Blocker {
    /// What the lead should do, in plain words.
    pub fn explanation(self) -> String {
        match self {
            Blocker::Undecided => "decide whether to invite it to interview".to_owned(),
            Blocker::GuaranteedInterview => {
                "it is in the guaranteed interview scheme and meets every essential criterion, so invite it".to_owned()
            }
            Blocker::OverCap { cap } => format!(
                "it is invited, but the approved limit of {cap} interviews leaves it out: change the decision"
            ),
        }
    }
}

/// What stops shortlisting being completed: applications still undecided, any the rule
/// invites that are not invited, and, under an approved exception, any invited beyond the cap.
/// Empty when the lead may complete.
pub fn completion_blockers(standings: &[Standing], exception: Exception) -> Vec<(i32, Blocker)> {
    standings
        .iter()
        .filter_map(|s| {
            let blocker = if s.invited.is_none() {
                Blocker::Undecided
            } else if invited_automatically(s.candidate, exception) && s.invited != Some(true) {
                Blocker::GuaranteedInterview
            } else {
                match exception {
                    Exception::Approved { cap }
                        if s.invited == Some(true) && !s.candidate.within_cap =>
                    {
                        Blocker::OverCap { cap }
                    }
                    _ => return None,
                }
            };
            Some((s.id, blocker))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn exception_statuses_round_trip_and_only_an_approved_one_caps() {
        for status in ExceptionStatus::ALL {
            assert_eq!(ExceptionStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(ExceptionStatus::parse("pending"), None);
        assert!(ExceptionStatus::None.may_request());
        assert!(ExceptionStatus::Refused.may_request());
        assert!(!ExceptionStatus::Requested.may_request());
        assert!(!ExceptionStatus::Approved.may_request());
        assert_eq!(
            ExceptionStatus::Approved.exception(Some(12)),
            Exception::Approved { cap: 12 }
        );
        assert_eq!(
            ExceptionStatus::Approved.exception(None),
            Exception::NotApproved
        );
        assert_eq!(
            ExceptionStatus::Requested.exception(Some(12)),
            Exception::NotApproved
        );
    }

    use super::*;

    const MINIMA: [Minimum; 3] = [Minimum::Met, Minimum::NotMet, Minimum::Unscored];
    const EXCEPTIONS: [Exception; 2] = [Exception::NotApproved, Exception::Approved { cap: 5 }];

    fn s(n: u8) -> Option<Score> {
        Some(Score(n))
    }

    #[test]
    fn scores_are_whole_numbers_from_0_to_3() {
        for (typed, value) in [("0", 0), ("1", 1), (" 2 ", 2), ("3", 3)] {
            assert_eq!(Score::parse(typed).map(Score::value), Ok(value));
        }
        for bad in ["", "4", "-1", "2.5", "two", "300"] {
            assert!(Score::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Score::from_stored(3), Some(Score(3)));
        assert_eq!(Score::from_stored(4), None);
        assert_eq!(Score::from_stored(-1), None);
        assert!(Score(2).meets() && Score(3).meets());
        assert!(!Score(1).meets() && !Score(0).meets());
        for score in Score::ALL {
            assert!(!score.label().is_empty());
        }
    }

    #[test]
    fn the_minimum_is_met_only_when_every_essential_scores_2_or_more() {
        assert_eq!(minimum(&[s(2), s(3)]), Minimum::Met);
        assert_eq!(minimum(&[s(2), s(1)]), Minimum::NotMet);
        assert_eq!(minimum(&[s(0)]), Minimum::NotMet);
        assert_eq!(minimum(&[s(3), None]), Minimum::Unscored);
        assert_eq!(minimum(&[s(1), None]), Minimum::NotMet);
        assert_eq!(minimum(&[]), Minimum::Met);
    }

    /// Every combination of opted in or not, minimum met or not (or unscored), exception
    /// approved or not (and within the cap or not), vacancy closed or not, and each proposal.
    #[test]
    fn every_combination_is_decided_as_the_brief_says() {
        for opted_in in [true, false] {
            for minimum in MINIMA {
                for exception in EXCEPTIONS {
                    for within_cap in [true, false] {
                        for closed in [true, false] {
                            for feedback_words in [0, 49, 50, 200] {
                                let c = Candidate {
                                    opted_in,
                                    minimum,
                                    within_cap,
                                };
                                let approved = matches!(exception, Exception::Approved { .. });
                                let invite = check_decision(c, exception, closed, Proposal::Invite);
                                let decline = check_decision(
                                    c,
                                    exception,
                                    closed,
                                    Proposal::NotShortlisted { feedback_words },
                                );
                                let case = format!(
                                    "opted_in={opted_in} {minimum:?} {exception:?} within_cap={within_cap} closed={closed} words={feedback_words}"
                                );
                                if !closed {
                                    assert_eq!(invite, Err(Refusal::VacancyOpen), "{case}");
                                    assert_eq!(decline, Err(Refusal::VacancyOpen), "{case}");
                                    continue;
                                }
                                if minimum == Minimum::Unscored {
                                    assert_eq!(invite, Err(Refusal::NotScored), "{case}");
                                    assert_eq!(decline, Err(Refusal::NotScored), "{case}");
                                    continue;
                                }
                                // Inviting is refused only past an approved cap.
                                if approved && !within_cap {
                                    assert_eq!(invite, Err(Refusal::OverCap { cap: 5 }), "{case}");
                                } else {
                                    assert_eq!(invite, Ok(()), "{case}");
                                }
                                // The guarantee: opted in and meeting the minimum is never
                                // declined, unless an approved cap leaves it out.
                                let guaranteed = opted_in
                                    && minimum == Minimum::Met
                                    && (!approved || within_cap);
                                assert_eq!(
                                    invited_automatically(c, exception),
                                    guaranteed,
                                    "{case}"
                                );
                                if guaranteed {
                                    assert_eq!(
                                        decline,
                                        Err(Refusal::GuaranteedInterview),
                                        "{case}"
                                    );
                                } else if opted_in
                                    && minimum == Minimum::NotMet
                                    && feedback_words < MIN_FEEDBACK_WORDS
                                {
                                    assert_eq!(decline, Err(Refusal::FeedbackNeeded), "{case}");
                                } else {
                                    assert_eq!(decline, Ok(()), "{case}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn ranked(id: i32, minimum: Minimum, essential_total: u32, desirable_total: u32) -> Ranked {
        Ranked {
            id,
            minimum,
            essential_total,
            desirable_total,
        }
    }

    #[test]
    fn the_cap_takes_those_who_best_meet_the_minimum_with_ties_kept_together() {
        let apps = [
            ranked(1, Minimum::Met, 6, 0),
            ranked(2, Minimum::Met, 9, 1),
            ranked(3, Minimum::NotMet, 9, 3),
            ranked(4, Minimum::Met, 7, 2),
            ranked(5, Minimum::Met, 7, 2),
            ranked(6, Minimum::Met, 7, 1),
        ];
        assert_eq!(within_cap(&apps, 1), HashSet::from([2]));
        assert_eq!(
            within_cap(&apps, 2),
            HashSet::from([2, 4, 5]),
            "4 and 5 tie"
        );
        assert_eq!(within_cap(&apps, 3), HashSet::from([2, 4, 5]));
        assert_eq!(within_cap(&apps, 4), HashSet::from([2, 4, 5, 6]));
        assert_eq!(within_cap(&apps, 10), HashSet::from([1, 2, 4, 5, 6]));
        assert!(within_cap(&apps, 0).is_empty());
        assert!(
            !within_cap(&apps, 10).contains(&3),
            "never one below the minimum"
        );
    }

    #[test]
    fn shortlisting_cannot_complete_while_a_guaranteed_interview_is_not_invited() {
        let met = Candidate {
            opted_in: true,
            minimum: Minimum::Met,
            within_cap: false,
        };
        let other = Candidate {
            opted_in: false,
            ..met
        };
        let standings = [
            Standing {
                id: 1,
                candidate: met,
                invited: Some(false),
            },
            Standing {
                id: 2,
                candidate: other,
                invited: Some(false),
            },
            Standing {
                id: 3,
                candidate: other,
                invited: None,
            },
            Standing {
                id: 4,
                candidate: met,
                invited: Some(true),
            },
        ];
        assert_eq!(
            completion_blockers(&standings, Exception::NotApproved),
            [(1, Blocker::GuaranteedInterview), (3, Blocker::Undecided)]
        );
        // Under an approved cap that leaves applications 1 and 4 out, the undecided one blocks,
        // and so does 4: it was invited, but the cap is enforced at completion too.
        assert_eq!(
            completion_blockers(&standings, Exception::Approved { cap: 1 }),
            [(3, Blocker::Undecided), (4, Blocker::OverCap { cap: 1 })]
        );
        assert!(completion_blockers(&standings[1..2], Exception::NotApproved).is_empty());
    }

    #[test]
    fn every_refusal_explains_itself() {
        for r in [
            Refusal::VacancyOpen,
            Refusal::NotScored,
            Refusal::GuaranteedInterview,
            Refusal::FeedbackNeeded,
            Refusal::OverCap { cap: 3 },
        ] {
            assert!(r.explanation().len() > 40, "{r:?}");
        }
        assert!(Refusal::FeedbackNeeded.explanation().contains("50 words"));
        for b in [
            Blocker::Undecided,
            Blocker::GuaranteedInterview,
            Blocker::OverCap { cap: 2 },
        ] {
            assert!(b.explanation().len() > 20, "{b:?}");
        }
    }

    #[test]
    fn an_approved_cap_holds_at_completion_whatever_was_decided_before() {
        let within = Candidate {
            opted_in: false,
            minimum: Minimum::Met,
            within_cap: true,
        };
        let outside = Candidate {
            within_cap: false,
            ..within
        };
        let standings = [
            Standing {
                id: 1,
                candidate: within,
                invited: Some(true),
            },
            Standing {
                id: 2,
                candidate: outside,
                invited: Some(true),
            },
            Standing {
                id: 3,
                candidate: outside,
                invited: Some(false),
            },
        ];
        assert_eq!(
            completion_blockers(&standings, Exception::Approved { cap: 1 }),
            [(2, Blocker::OverCap { cap: 1 })]
        );
        // Without an approved exception nobody is over a cap.
        assert!(completion_blockers(&standings, Exception::NotApproved).is_empty());
    }
}
