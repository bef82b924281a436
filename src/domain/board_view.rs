//! How the shortlisting board lists a vacancy's applications (issue 24 point 3): a panel
//! working through hundreds of applications sees a page at a time, chooses which ones to list
//! and in what order, and still sees how many there are of each kind. DOMAIN.md §5.2, §5.7.
//!
//! Panel members score independently: only the lead sees everyone's scores, so only the lead
//! may order the board by the panel's average score or by what the guaranteed interview rule
//! makes of each application (which itself rests on the lead's final scores).

/// Which applications the board lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// Every application.
    All,
    /// Those with no decision yet.
    Undecided,
    /// Those the lead decided to invite.
    Invite,
    /// Those the lead decided not to shortlist.
    NotShortlisted,
    /// Those the viewer has not scored on every criterion.
    ToScore,
}

impl Show {
    /// Every choice, in the order the form offers them.
    pub const ALL: [Show; 5] = [
        Show::All,
        Show::Undecided,
        Show::ToScore,
        Show::Invite,
        Show::NotShortlisted,
    ];

    /// The value in the address.
    pub fn as_str(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::Undecided => "undecided",
            Show::Invite => "invite",
            Show::NotShortlisted => "not-shortlisted",
            Show::ToScore => "to-score",
        }
    }

    /// The choice named in the address; anything else lists every application.
    pub fn parse(text: &str) -> Show {
        Show::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim())
            .unwrap_or(Show::All)
    }

    /// Words for the choice.
    pub fn label(self) -> &'static str {
        match self {
            Show::All => "All applications",
            Show::Undecided => "Not decided",
            Show::Invite => "Decided: invite",
            Show::NotShortlisted => "Decided: not shortlisted",
            Show::ToScore => "Your scores to do",
        }
    }

    fn admits(self, line: &Line) -> bool {
        match self {
            Show::All => true,
            Show::Undecided => line.decision.is_none(),
            Show::Invite => line.decision == Some(true),
            Show::NotShortlisted => line.decision == Some(false),
            Show::ToScore => !line.scored_by_me,
        }
    }
}

/// The order the board lists applications in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Those with no decision first, then those the viewer has still to score, then in the
    /// order they were sent.
    Undecided,
    /// The panel's highest average score first; those nobody has scored last (the lead only).
    Score,
    /// As the guaranteed interview rule stands them: invited by the rule first, then those
    /// meeting every essential criterion, then those without final scores, then those not
    /// meeting them; within each, the highest average first (the lead only).
    Rule,
}

impl Order {
    /// Every choice, in the order the form offers them.
    pub const ALL: [Order; 3] = [Order::Undecided, Order::Score, Order::Rule];

    /// The value in the address.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Undecided => "undecided",
            Order::Score => "score",
            Order::Rule => "rule",
        }
    }

    /// The order named in the address, if the viewer may use it; otherwise undecided first.
    pub fn parse(text: &str, lead: bool) -> Order {
        Order::ALL
            .into_iter()
            .find(|o| o.as_str() == text.trim() && (lead || !o.for_lead_only()))
            .unwrap_or(Order::Undecided)
    }

    /// Whether only the lead may use it (it rests on everyone's scores).
    pub fn for_lead_only(self) -> bool {
        !matches!(self, Order::Undecided)
    }

    /// Words for the order.
    pub fn label(self) -> &'static str {
        match self {
            Order::Undecided => "Not decided first",
            Order::Score => "Highest average score first",
            Order::Rule => "As the guaranteed interview rule stands them",
        }
    }
}

/// Where an application stands under the guaranteed interview rule, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    /// The rule invites it.
    InvitedByRule,
    /// Its final scores meet every essential criterion.
    MeetsMinimum,
    /// Its final scores are not all set.
    NotScored,
    /// Its final scores do not meet every essential criterion.
    NotMet,
}

/// What the board's listing needs of one application.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    /// Its decision: invite (true), not shortlisted (false), or none yet.
    pub decision: Option<bool>,
    /// Whether the viewer has scored it on every criterion.
    pub scored_by_me: bool,
    /// The panel's average score over every criterion, if anyone has scored it.
    pub average: Option<f64>,
    /// Where it stands under the rule.
    pub standing: Standing,
}

/// How many applications there are of each kind, whatever is listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every application.
    pub total: usize,
    /// With no decision.
    pub undecided: usize,
    /// Decided: invite.
    pub invite: usize,
    /// Decided: not shortlisted.
    pub not_shortlisted: usize,
    /// Not yet scored on every criterion by the viewer.
    pub to_score: usize,
}

impl Tally {
    /// How many `show` lists.
    pub fn of(&self, show: Show) -> usize {
        match show {
            Show::All => self.total,
            Show::Undecided => self.undecided,
            Show::Invite => self.invite,
            Show::NotShortlisted => self.not_shortlisted,
            Show::ToScore => self.to_score,
        }
    }
}

/// Counts the lines of each kind.
pub fn tally(lines: &[Line]) -> Tally {
    let mut tally = Tally {
        total: lines.len(),
        ..Tally::default()
    };
    for line in lines {
        match line.decision {
            None => tally.undecided += 1,
            Some(true) => tally.invite += 1,
            Some(false) => tally.not_shortlisted += 1,
        }
        if !line.scored_by_me {
            tally.to_score += 1;
        }
    }
    tally
}

/// Highest average first, none last.
fn by_average(a: &Line, b: &Line) -> std::cmp::Ordering {
    match (a.average, b.average) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// The positions in `lines` (given oldest sent first) that `show` lists, in `order`; ties keep
/// the order they were sent in.
pub fn arrange(lines: &[Line], show: Show, order: Order) -> Vec<usize> {
    let mut listed: Vec<usize> = (0..lines.len())
        .filter(|&i| show.admits(&lines[i]))
        .collect();
    listed.sort_by(|&i, &j| {
        let (a, b) = (&lines[i], &lines[j]);
        let first = match order {
            Order::Undecided => {
                (a.decision.is_some(), a.scored_by_me).cmp(&(b.decision.is_some(), b.scored_by_me))
            }
            Order::Score => by_average(a, b),
            Order::Rule => a.standing.cmp(&b.standing).then_with(|| by_average(a, b)),
        };
        first.then(i.cmp(&j))
    });
    listed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(decision: Option<bool>, mine: bool, average: Option<f64>, standing: Standing) -> Line {
        Line {
            decision,
            scored_by_me: mine,
            average,
            standing,
        }
    }

    fn sample() -> Vec<Line> {
        vec![
            line(Some(true), true, Some(2.5), Standing::MeetsMinimum),
            line(None, true, Some(3.0), Standing::InvitedByRule),
            line(None, false, None, Standing::NotScored),
            line(Some(false), true, Some(1.0), Standing::NotMet),
            line(None, true, Some(2.5), Standing::MeetsMinimum),
        ]
    }

    #[test]
    fn undecided_come_first_then_those_still_to_score_then_the_order_sent() {
        assert_eq!(
            arrange(&sample(), Show::All, Order::Undecided),
            vec![2, 1, 4, 0, 3]
        );
    }

    #[test]
    fn the_highest_average_comes_first_ties_in_the_order_sent_and_unscored_last() {
        assert_eq!(
            arrange(&sample(), Show::All, Order::Score),
            vec![1, 0, 4, 3, 2]
        );
    }

    #[test]
    fn the_rule_lists_those_it_invites_then_those_meeting_the_minimum_by_average() {
        assert_eq!(
            arrange(&sample(), Show::All, Order::Rule),
            vec![1, 0, 4, 2, 3]
        );
    }

    #[test]
    fn each_choice_lists_only_its_kind_and_the_tally_counts_them_all() {
        let lines = sample();
        let tally = tally(&lines);
        assert_eq!(
            tally,
            Tally {
                total: 5,
                undecided: 3,
                invite: 1,
                not_shortlisted: 1,
                to_score: 1,
            }
        );
        for show in Show::ALL {
            let listed = arrange(&lines, show, Order::Undecided);
            assert_eq!(listed.len(), tally.of(show), "{show:?}");
            assert!(listed.iter().all(|&i| show.admits(&lines[i])), "{show:?}");
        }
        assert_eq!(
            arrange(&lines, Show::Undecided, Order::Score),
            vec![1, 4, 2]
        );
        assert_eq!(arrange(&lines, Show::ToScore, Order::Undecided), vec![2]);
    }

    #[test]
    fn only_the_lead_may_order_by_everyone_s_scores_and_unknown_words_fall_back() {
        assert_eq!(Order::parse("score", true), Order::Score);
        assert_eq!(Order::parse("rule", true), Order::Rule);
        assert_eq!(Order::parse("score", false), Order::Undecided);
        assert_eq!(Order::parse("rule", false), Order::Undecided);
        assert_eq!(Order::parse("<script>", true), Order::Undecided);
        assert_eq!(Show::parse("invite"), Show::Invite);
        assert_eq!(Show::parse("to-score"), Show::ToScore);
        assert_eq!(Show::parse("'; DROP"), Show::All);
        for show in Show::ALL {
            assert_eq!(Show::parse(show.as_str()), show);
        }
    }

    #[test]
    fn an_empty_board_lists_nothing_and_counts_nothing() {
        assert_eq!(tally(&[]), Tally::default());
        assert!(arrange(&[], Show::All, Order::Rule).is_empty());
    }
}
