//! Europe/London wall-clock time. Closing dates are entered and shown in UK time but stored in
//! UTC. The UK rule since 1996: British Summer Time runs from 01:00 UTC on the last Sunday of
//! March to 01:00 UTC on the last Sunday of October.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let first_of_next = match month {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
        m => Date::from_calendar_date(year, m.next(), 1),
    }
    .ok()?;
    let mut day = first_of_next.previous_day()?;
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day()?;
    }
    Some(day)
}

/// Whether British Summer Time is in force at this instant.
pub fn is_summer_time(instant: OffsetDateTime) -> bool {
    let utc = instant.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let (Some(start), Some(end)) = (
        last_sunday(year, Month::March),
        last_sunday(year, Month::October),
    ) else {
        return false;
    };
    let start = PrimitiveDateTime::new(start, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_utc();
    let end =
        PrimitiveDateTime::new(end, Time::from_hms(1, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc();
    utc >= start && utc < end
}

/// The UTC instant of a London wall-clock time. In the hour that is skipped in March the
/// time is read as GMT; in the hour that repeats in October, the first (BST) one is taken.
pub fn to_utc(local: PrimitiveDateTime) -> OffsetDateTime {
    let as_bst = local.assume_utc() - time::Duration::hours(1);
    if is_summer_time(as_bst) {
        as_bst
    } else {
        local.assume_utc()
    }
}

/// The London wall-clock time of an instant.
pub fn from_utc(instant: OffsetDateTime) -> PrimitiveDateTime {
    let utc = instant.to_offset(UtcOffset::UTC);
    let local = if is_summer_time(utc) {
        utc + time::Duration::hours(1)
    } else {
        utc
    };
    PrimitiveDateTime::new(local.date(), local.time())
}

/// "5 December 2026 at 11:59pm", in London time.
/// Which part of a typed date and time is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadInput {
    /// Day, month or year is not a real date (2000 to 2100).
    Date,
    /// The time is not a 24-hour time like 14:30.
    Time,
}

/// Reads a London date and time typed as day, month, year and "HH:MM" (or "HH.MM").
pub fn parse_local(
    day: &str,
    month: &str,
    year: &str,
    time: &str,
) -> Result<OffsetDateTime, BadInput> {
    let date = (|| {
        let month = time::Month::try_from(month.trim().parse::<u8>().ok()?).ok()?;
        let year = year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| super::dates::plausible_typed_year(*y))?;
        time::Date::from_calendar_date(year, month, day.trim().parse().ok()?).ok()
    })()
    .ok_or(BadInput::Date)?;
    let clock = time
        .trim()
        .split_once([':', '.'])
        .and_then(|(h, m)| {
            time::Time::from_hms(h.trim().parse().ok()?, m.trim().parse().ok()?, 0).ok()
        })
        .ok_or(BadInput::Time)?;
    Ok(to_utc(PrimitiveDateTime::new(date, clock)))
}

/// Describes an instant in London time, in words.
pub fn describe(instant: OffsetDateTime) -> String {
    let local = from_utc(instant);
    let (hour, minute) = (local.hour(), local.minute());
    let clock = match (hour, minute) {
        (12, 0) => "midday".to_owned(),
        (0, 0) => "midnight".to_owned(),
        _ => {
            let suffix = if hour < 12 { "am" } else { "pm" };
            let twelve = if hour % 12 == 0 { 12 } else { hour % 12 };
            format!("{twelve}:{minute:02}{suffix}")
        }
    };
    format!(
        "{} {} {} at {clock}",
        local.day(),
        month_name(local.month()),
        local.year()
    )
}

/// The London day of an instant, in words: "14 December 2026".
pub fn describe_day(instant: OffsetDateTime) -> String {
    let local = from_utc(instant);
    format!(
        "{} {} {}",
        local.day(),
        month_name(local.month()),
        local.year()
    )
}

fn month_name(month: Month) -> &'static str {
    match month {
        Month::January => "January",
        Month::February => "February",
        Month::March => "March",
        Month::April => "April",
        Month::May => "May",
        Month::June => "June",
        Month::July => "July",
        Month::August => "August",
        Month::September => "September",
        Month::October => "October",
        Month::November => "November",
        Month::December => "December",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_day_is_written_in_words_in_london_time() {
        assert_eq!(
            describe_day(datetime!(2026-12-14 10:00 UTC)),
            "14 December 2026"
        );
        // 23:30 UTC on 30 June is already 1 July in London (BST).
        assert_eq!(describe_day(datetime!(2026-06-30 23:30 UTC)), "1 July 2026");
    }

    #[test]
    fn winter_is_gmt_and_summer_is_bst() {
        assert_eq!(
            to_utc(datetime!(2026-12-05 23:59)),
            datetime!(2026-12-05 23:59 UTC)
        );
        assert_eq!(
            to_utc(datetime!(2026-07-01 12:00)),
            datetime!(2026-07-01 11:00 UTC)
        );
        assert_eq!(
            from_utc(datetime!(2026-07-01 11:00 UTC)),
            datetime!(2026-07-01 12:00)
        );
        assert_eq!(
            from_utc(datetime!(2026-12-05 23:59 UTC)),
            datetime!(2026-12-05 23:59)
        );
    }

    #[test]
    fn changes_on_the_last_sundays_of_march_and_october() {
        // 2026: 29 March and 25 October.
        assert!(!is_summer_time(datetime!(2026-03-29 00:59 UTC)));
        assert!(is_summer_time(datetime!(2026-03-29 01:00 UTC)));
        assert!(is_summer_time(datetime!(2026-10-25 00:59 UTC)));
        assert!(!is_summer_time(datetime!(2026-10-25 01:00 UTC)));
        // 2027: 28 March and 31 October.
        assert!(is_summer_time(datetime!(2027-10-30 12:00 UTC)));
        assert!(!is_summer_time(datetime!(2027-03-27 12:00 UTC)));
    }

    #[test]
    fn skipped_and_repeated_hours_resolve_predictably() {
        assert_eq!(
            to_utc(datetime!(2026-03-29 01:30)),
            datetime!(2026-03-29 01:30 UTC)
        );
        assert_eq!(
            to_utc(datetime!(2026-10-25 01:30)),
            datetime!(2026-10-25 00:30 UTC)
        );
    }

    #[test]
    fn round_trips_every_hour_of_a_year() {
        let mut instant = datetime!(2026-01-01 00:00 UTC);
        while instant < datetime!(2027-01-01 00:00 UTC) {
            let local = from_utc(instant);
            // Only the repeated October hour maps back to its first occurrence.
            let back = to_utc(local);
            assert!(
                back == instant || back == instant - time::Duration::hours(1),
                "{instant}"
            );
            instant += time::Duration::hours(1);
        }
    }

    #[test]
    fn describes_times_in_plain_words() {
        assert_eq!(
            describe(datetime!(2026-12-05 23:59 UTC)),
            "5 December 2026 at 11:59pm"
        );
        assert_eq!(
            describe(datetime!(2026-07-01 11:00 UTC)),
            "1 July 2026 at midday"
        );
        assert_eq!(
            describe(datetime!(2026-07-01 08:05 UTC)),
            "1 July 2026 at 9:05am"
        );
    }
}
