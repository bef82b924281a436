//! What a hiring manager has waiting, in words: from the counts of one vacancy's applications
//! at each point of the pipeline, the lines their home page shows ("Porter has closed: 2 to
//! shortlist"), each with the page where it is done.

/// Where a vacancy stands for its applicants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advert {
    /// Not published yet.
    Draft,
    /// Published and taking applications.
    Open,
    /// Closed to applications (by its date or by hand).
    Closed,
}

/// What is known of one vacancy, counted from its sent applications.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VacancyCounts {
    /// Applications sent (not drafts), including withdrawn and ended ones.
    pub sent: u32,
    /// Sent and not yet decided at shortlisting.
    pub to_shortlist: u32,
    /// Invited to interview and not booked.
    pub invited_not_booked: u32,
    /// Interview slots still to come with a place free.
    pub free_slots: u32,
    /// Booked interviews that have started and have no outcome yet.
    pub interviews_to_score: u32,
    /// Booked interviews still to come.
    pub interviews_coming: u32,
    /// Interviewed, found appointable, and not yet offered the job.
    pub appointable: u32,
    /// Offers the applicant has not answered.
    pub offers_unanswered: u32,
    /// Accepted offers whose pre-employment checks are not all verified.
    pub offers_in_checks: u32,
    /// Every check verified: a start date to agree and the start to record.
    pub ready_to_start: u32,
}

/// Where a waiting thing is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The vacancy's own page (to publish a draft, or see its panel).
    Vacancy,
    /// The shortlisting board.
    Shortlisting,
    /// Interview times and outcomes.
    Interviews,
    /// Offers and their checks.
    Offers,
}

/// Who has the next move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    /// The manager, or a panel they are on.
    Yours,
    /// Applicants, or a panel the manager is not on: nothing for them to do.
    Others,
}

/// One line of the home page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// What is waiting, in words, starting with the vacancy's title.
    pub text: String,
    /// Where it is done.
    pub place: Place,
    /// Who has the next move.
    pub whose: Whose,
}

/// "1 interview", "2 interviews".
pub fn count_of(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The lines for one vacancy. `on_panel` says whether the manager can open its shortlisting,
/// interview and offer pages: for anyone else each line leads to the vacancy's page, which
/// names its panel.
pub fn waiting_for(
    title: &str,
    advert: Advert,
    closes: &str,
    shortlisting_complete: bool,
    on_panel: bool,
    c: &VacancyCounts,
) -> Vec<Waiting> {
    let mut lines = Vec::new();
    if advert == Advert::Draft {
        lines.push(line(
            format!("{title}: draft, not yet published"),
            Place::Vacancy,
            Whose::Yours,
        ));
    } else {
        lines.extend(advert_line(title, advert, closes, shortlisting_complete, c));
        lines.extend(interview_lines(title, c));
        lines.extend(offer_lines(title, c));
    }
    lines
        .into_iter()
        .map(|waiting| as_seen(on_panel, waiting))
        .collect()
}

fn line(text: String, place: Place, whose: Whose) -> Waiting {
    Waiting { text, place, whose }
}

/// A line as the manager sees it: only the panel can act on the shortlisting, interview and
/// offer pages, so someone not on it sees those lines, but not as theirs.
fn as_seen(on_panel: bool, waiting: Waiting) -> Waiting {
    if on_panel || waiting.place == Place::Vacancy {
        waiting
    } else {
        Waiting {
            text: format!("{} (by its panel: you are not on it)", waiting.text),
            place: Place::Vacancy,
            whose: Whose::Others,
        }
    }
}

/// The line about a published vacancy's advert and its shortlisting, if any.
fn advert_line(
    title: &str,
    advert: Advert,
    closes: &str,
    shortlisting_complete: bool,
    c: &VacancyCounts,
) -> Option<Waiting> {
    match advert {
        Advert::Draft => None,
        Advert::Open => {
            let sent = match c.sent {
                0 => "no applications yet".to_owned(),
                n => format!("{} so far", count_of(n, "application", "applications")),
            };
            Some(line(
                format!("{title}: open until {closes}, {sent}"),
                Place::Vacancy,
                Whose::Others,
            ))
        }
        Advert::Closed if !shortlisting_complete => Some(if c.sent == 0 {
            line(
                format!("{title} has closed with no applications"),
                Place::Vacancy,
                Whose::Others,
            )
        } else if c.to_shortlist > 0 {
            line(
                format!("{title} has closed: {} to shortlist", c.to_shortlist),
                Place::Shortlisting,
                Whose::Yours,
            )
        } else {
            line(
                format!("{title}: every application is decided, shortlisting is ready to complete"),
                Place::Shortlisting,
                Whose::Yours,
            )
        }),
        Advert::Closed => None,
    }
}

/// The lines about interviews: invitations not booked, interviews to score and to come.
fn interview_lines(title: &str, c: &VacancyCounts) -> Vec<Waiting> {
    let mut lines = Vec::new();
    if c.invited_not_booked > 0 {
        let invited = count_of(c.invited_not_booked, "person", "people");
        if c.free_slots == 0 {
            lines.push(line(
                format!(
                    "{title}: {invited} invited to interview, add interview times so they can book"
                ),
                Place::Interviews,
                Whose::Yours,
            ));
        } else {
            lines.push(line(
                format!("{title}: {invited} invited to interview, not booked yet"),
                Place::Interviews,
                Whose::Others,
            ));
        }
    }
    if c.interviews_to_score > 0 {
        lines.push(line(
            format!(
                "{title}: {} to score",
                count_of(c.interviews_to_score, "interview", "interviews")
            ),
            Place::Interviews,
            Whose::Yours,
        ));
    }
    if c.interviews_coming > 0 {
        lines.push(line(
            format!(
                "{title}: {} booked",
                count_of(c.interviews_coming, "interview", "interviews")
            ),
            Place::Interviews,
            Whose::Others,
        ));
    }
    lines
}

/// The lines about offers: people to offer the job, checks, starts and answers awaited.
fn offer_lines(title: &str, c: &VacancyCounts) -> Vec<Waiting> {
    let mut lines = Vec::new();
    if c.appointable > 0 {
        lines.push(line(
            format!(
                "{title}: {} appointable, decide whether to offer the job",
                count_of(c.appointable, "person", "people")
            ),
            Place::Offers,
            Whose::Yours,
        ));
    }
    if c.offers_in_checks > 0 {
        lines.push(line(
            format!(
                "{title}: {} waiting for checks",
                count_of(c.offers_in_checks, "offer", "offers")
            ),
            Place::Offers,
            Whose::Yours,
        ));
    }
    if c.ready_to_start > 0 {
        lines.push(line(
            format!(
                "{title}: {} with every check done, agree a start date",
                count_of(c.ready_to_start, "person", "people")
            ),
            Place::Offers,
            Whose::Yours,
        ));
    }
    if c.offers_unanswered > 0 {
        lines.push(line(
            format!(
                "{title}: {} waiting for an answer",
                count_of(c.offers_unanswered, "offer", "offers")
            ),
            Place::Offers,
            Whose::Others,
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Waiting]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn a_draft_says_it_is_not_published_and_nothing_else() {
        let lines = waiting_for(
            "Healthcare assistant",
            Advert::Draft,
            "",
            false,
            true,
            &VacancyCounts::default(),
        );
        assert_eq!(
            texts(&lines),
            ["Healthcare assistant: draft, not yet published"]
        );
        assert_eq!(lines[0].place, Place::Vacancy);
        assert_eq!(lines[0].whose, Whose::Yours);
    }

    #[test]
    fn an_open_vacancy_says_how_many_have_applied() {
        let none = waiting_for(
            "Porter",
            Advert::Open,
            "1 March 2027 at 5pm",
            false,
            true,
            &VacancyCounts::default(),
        );
        assert_eq!(
            texts(&none),
            ["Porter: open until 1 March 2027 at 5pm, no applications yet"]
        );
        let one = VacancyCounts {
            sent: 1,
            to_shortlist: 1,
            ..Default::default()
        };
        let lines = waiting_for("Porter", Advert::Open, "1 March", false, true, &one);
        assert_eq!(
            texts(&lines),
            ["Porter: open until 1 March, 1 application so far"]
        );
        assert_eq!(lines[0].whose, Whose::Others);
    }

    #[test]
    fn a_closed_vacancy_waits_for_shortlisting() {
        let c = VacancyCounts {
            sent: 3,
            to_shortlist: 2,
            ..Default::default()
        };
        let lines = waiting_for("Domestic assistant", Advert::Closed, "", false, true, &c);
        assert_eq!(
            texts(&lines),
            ["Domestic assistant has closed: 2 to shortlist"]
        );
        assert_eq!(lines[0].place, Place::Shortlisting);

        let decided = VacancyCounts {
            sent: 3,
            ..Default::default()
        };
        let lines = waiting_for("Porter", Advert::Closed, "", false, true, &decided);
        assert_eq!(lines[0].place, Place::Shortlisting);
        assert!(lines[0].text.contains("ready to complete"));

        let empty = waiting_for(
            "Porter",
            Advert::Closed,
            "",
            false,
            true,
            &VacancyCounts::default(),
        );
        assert_eq!(texts(&empty), ["Porter has closed with no applications"]);
        assert_eq!(empty[0].whose, Whose::Others);
    }

    #[test]
    fn after_shortlisting_each_stage_has_its_line_and_page() {
        let c = VacancyCounts {
            sent: 12,
            invited_not_booked: 1,
            free_slots: 2,
            interviews_to_score: 3,
            interviews_coming: 2,
            appointable: 1,
            offers_unanswered: 2,
            offers_in_checks: 1,
            ready_to_start: 1,
            ..Default::default()
        };
        let lines = waiting_for("Porter", Advert::Closed, "", true, true, &c);
        assert_eq!(
            texts(&lines),
            [
                "Porter: 1 person invited to interview, not booked yet",
                "Porter: 3 interviews to score",
                "Porter: 2 interviews booked",
                "Porter: 1 person appointable, decide whether to offer the job",
                "Porter: 1 offer waiting for checks",
                "Porter: 1 person with every check done, agree a start date",
                "Porter: 2 offers waiting for an answer",
            ]
        );
        let places: Vec<Place> = lines.iter().map(|l| l.place).collect();
        assert_eq!(
            places,
            [
                Place::Interviews,
                Place::Interviews,
                Place::Interviews,
                Place::Offers,
                Place::Offers,
                Place::Offers,
                Place::Offers,
            ]
        );
        let yours = lines.iter().filter(|l| l.whose == Whose::Yours).count();
        assert_eq!(yours, 4);
    }

    #[test]
    fn invited_people_with_no_times_to_book_need_times_added() {
        let c = VacancyCounts {
            sent: 2,
            invited_not_booked: 2,
            ..Default::default()
        };
        let lines = waiting_for("Porter", Advert::Closed, "", true, true, &c);
        assert_eq!(
            texts(&lines),
            ["Porter: 2 people invited to interview, add interview times so they can book"]
        );
        assert_eq!(lines[0].whose, Whose::Yours);
    }

    #[test]
    fn someone_not_on_the_panel_is_sent_to_the_vacancy_page() {
        let c = VacancyCounts {
            sent: 2,
            to_shortlist: 2,
            ..Default::default()
        };
        let lines = waiting_for("Porter", Advert::Closed, "", false, false, &c);
        assert_eq!(
            texts(&lines),
            ["Porter has closed: 2 to shortlist (by its panel: you are not on it)"]
        );
        assert_eq!(lines[0].place, Place::Vacancy);
        assert_eq!(lines[0].whose, Whose::Others);
        let draft = waiting_for(
            "Porter",
            Advert::Draft,
            "",
            false,
            false,
            &VacancyCounts::default(),
        );
        assert_eq!(draft[0].whose, Whose::Yours);
    }

    #[test]
    fn a_finished_vacancy_has_nothing_waiting() {
        let c = VacancyCounts {
            sent: 4,
            ..Default::default()
        };
        assert!(waiting_for("Porter", Advert::Closed, "", true, true, &c).is_empty());
    }

    #[test]
    fn counts_are_worded_in_the_singular_and_plural() {
        assert_eq!(count_of(1, "offer", "offers"), "1 offer");
        assert_eq!(count_of(0, "offer", "offers"), "0 offers");
        assert_eq!(count_of(5, "person", "people"), "5 people");
    }
}
