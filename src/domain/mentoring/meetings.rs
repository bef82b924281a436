//! The rules of a relationship's meetings: when a pair has gone quiet, and which dates a
//! meeting can be logged on.

use time::{Date, OffsetDateTime};

use crate::domain::london_time;
use crate::domain::mentoring::pilot::QUIET_DAYS;
use crate::domain::mentoring::profile::MeetingMode;
use crate::domain::vacancy::FieldError;

/// The longest note on a meeting.
pub const NOTE_MAX: usize = 2_000;
/// The longest reason for asking to end, and the longest note of the coordinator on ending.
pub const REASON_MAX: usize = 2_000;

/// Whether a pair has gone quiet: no meeting for [`QUIET_DAYS`] since the last one, or since
/// they started if they have not met yet.
pub fn is_quiet(last_contact: Date, today: Date) -> bool {
    (today - last_contact).whole_days() >= QUIET_DAYS
}

/// The London date of an instant, where the pilot runs.
pub fn date_of(instant: OffsetDateTime) -> Date {
    london_time::from_utc(instant).date()
}

/// "5 December 2026".
pub fn long_date(date: Date) -> String {
    format!("{} {} {}", date.day(), date.month(), date.year())
}

/// A typed date, or why it cannot be read.
pub fn parse_met_on(day: &str, month: &str, year: &str) -> Result<Date, &'static str> {
    if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty() {
        return Err("Enter the date you met");
    }
    london_time::parse_local(day, month, year, "12:00")
        .map(date_of)
        .map_err(|_| "Enter a real date you met, like 27 3 2026")
}

/// Checks the date of a meeting against today and the start of the relationship.
pub fn check_met_on(met_on: Date, started: Date, today: Date) -> Result<Date, String> {
    if met_on > today {
        Err("The date you met must be today or in the past".to_owned())
    } else if met_on < started {
        Err(format!(
            "The date you met must be on or after {}, when your mentoring started",
            long_date(started)
        ))
    } else {
        Ok(met_on)
    }
}

/// A meeting as typed on the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingForm<'a> {
    pub day: &'a str,
    pub month: &'a str,
    pub year: &'a str,
    pub mode: &'a str,
    pub note: &'a str,
}

/// A checked meeting, ready to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingInput {
    /// The day they met.
    pub met_on: Date,
    /// How they met.
    pub mode: MeetingMode,
    /// The note, trimmed; kept only for whoever logs it.
    pub note: String,
}

impl MeetingInput {
    /// Checks a meeting of a relationship that started on `started`, logged on `today`.
    pub fn parse(
        form: &MeetingForm<'_>,
        started: Date,
        today: Date,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = Vec::new();
        let met_on = parse_met_on(form.day, form.month, form.year)
            .map_err(str::to_owned)
            .and_then(|date| check_met_on(date, started, today))
            .map_err(|message| errors.push(("met-day", message)))
            .ok();
        let mode = MeetingMode::parse(form.mode);
        if mode.is_none() {
            errors.push(("mode", "Select how you met".to_owned()));
        }
        let note = form.note.trim();
        if note.chars().count() > NOTE_MAX {
            errors.push((
                "note",
                "The note must be 2000 characters or fewer".to_owned(),
            ));
        }
        match (met_on, mode) {
            (Some(met_on), Some(mode)) if errors.is_empty() => Ok(MeetingInput {
                met_on,
                mode,
                note: note.to_owned(),
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_pair_is_quiet_after_six_weeks_without_meeting() {
        let today = date!(2026 - 11 - 24);
        assert!(!is_quiet(today, today));
        assert!(!is_quiet(date!(2026 - 10 - 14), today)); // 41 days
        assert!(is_quiet(date!(2026 - 10 - 13), today)); // 42 days
        assert!(is_quiet(date!(2026 - 01 - 01), today));
    }

    #[test]
    fn a_meeting_date_is_not_in_the_future_nor_before_the_start() {
        let (started, today) = (date!(2026 - 09 - 01), date!(2026 - 11 - 24));
        assert_eq!(check_met_on(today, started, today), Ok(today));
        assert_eq!(check_met_on(started, started, today), Ok(started));
        assert!(
            check_met_on(date!(2026 - 11 - 25), started, today)
                .unwrap_err()
                .contains("today or in the past")
        );
        assert!(
            check_met_on(date!(2026 - 08 - 31), started, today)
                .unwrap_err()
                .contains("1 September 2026")
        );
    }

    #[test]
    fn typed_dates_are_read_or_explained() {
        assert_eq!(parse_met_on("3", "2", "2026"), Ok(date!(2026 - 02 - 03)));
        assert_eq!(parse_met_on("", " ", ""), Err("Enter the date you met"));
        assert!(parse_met_on("31", "2", "2026").is_err());
        assert!(parse_met_on("1", "1", "26").is_err());
    }

    #[test]
    fn a_meeting_needs_a_date_and_a_mode() {
        let (started, today) = (date!(2026 - 09 - 01), date!(2026 - 11 - 24));
        let good = MeetingForm {
            day: "3",
            month: "10",
            year: "2026",
            mode: "online",
            note: "  Talked about placements  ",
        };
        let m = MeetingInput::parse(&good, started, today).unwrap();
        assert_eq!(m.met_on, date!(2026 - 10 - 03));
        assert_eq!(m.mode, MeetingMode::Online);
        assert_eq!(m.note, "Talked about placements");
        let errors = MeetingInput::parse(&MeetingForm::default(), started, today).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["met-day", "mode"]);
    }
}
