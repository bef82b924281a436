//! The dates the service believes (docs/DOMAIN.md §9). A date outside its plausible range is
//! a typing or export mistake, never a fact: year 1 or 2099 as an employment start, or a year
//! below zero as a dashboard period. Each kind of date has its range here, in one place.

use time::{Date, Duration, Month};

/// The NHS began on 5 July 1948: no NHS employment starts before it.
pub const NHS_BEGAN: Date = match Date::from_calendar_date(1948, Month::July, 5) {
    Ok(date) => date,
    Err(_) => panic!("a real date"),
};

/// The first day the service's own records can be about (its dashboards, audit log and
/// typed dates): the start of 2000.
pub const SERVICE_FIRST: Date = match Date::from_calendar_date(2000, Month::January, 1) {
    Ok(date) => date,
    Err(_) => panic!("a real date"),
};

/// The last year anyone may type for a day the service plans (an interview, a closing date).
pub const LAST_TYPED_YEAR: i32 = 2100;

/// How far ahead of today a recorded employment date (a start or an end) may be: a new
/// starter's start can be booked months ahead, never years.
pub const EMPLOYMENT_AHEAD: Duration = Duration::days(366);

/// Whether an employment start date is plausible on `today`: from the NHS's first day to a
/// year from today.
pub fn plausible_employment_date(date: Date, today: Date) -> bool {
    date >= NHS_BEGAN && date <= today.saturating_add(EMPLOYMENT_AHEAD)
}

/// Whether a date is one the service's reports can be asked about on `today`: from the start
/// of 2000 to a year from today.
pub fn plausible_report_date(date: Date, today: Date) -> bool {
    date >= SERVICE_FIRST && date <= today.saturating_add(Duration::days(366))
}

/// Whether a typed year is one the service accepts for a day it plans or records.
pub fn plausible_typed_year(year: i32) -> bool {
    (SERVICE_FIRST.year()..=LAST_TYPED_YEAR).contains(&year)
}

/// A date written `YYYY-MM-DD` (four digits for the year, no sign), or nothing.
pub fn parse_iso(input: &str) -> Option<Date> {
    let input = input.trim();
    let bytes = input.as_bytes();
    if bytes.len() != 10 || !bytes[0].is_ascii_digit() {
        return None;
    }
    Date::parse(
        input,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 07);

    #[test]
    fn employment_dates_run_from_the_nhs_to_a_year_ahead() {
        assert!(plausible_employment_date(date!(1948 - 07 - 05), TODAY));
        assert!(!plausible_employment_date(date!(1948 - 07 - 04), TODAY));
        assert!(!plausible_employment_date(date!(0001 - 01 - 01), TODAY));
        assert!(plausible_employment_date(date!(2027 - 12 - 08), TODAY));
        assert!(!plausible_employment_date(date!(2027 - 12 - 09), TODAY));
        assert!(!plausible_employment_date(date!(2099 - 01 - 01), TODAY));
    }

    #[test]
    fn report_dates_run_from_2000_to_a_year_ahead() {
        assert!(plausible_report_date(date!(2000 - 01 - 01), TODAY));
        assert!(!plausible_report_date(date!(1999 - 12 - 31), TODAY));
        assert!(!plausible_report_date(date!(0000 - 01 - 01), TODAY));
        assert!(plausible_report_date(TODAY, TODAY));
        assert!(!plausible_report_date(date!(2099 - 01 - 01), TODAY));
    }

    #[test]
    fn typed_years_run_from_2000_to_2100() {
        assert!(plausible_typed_year(2000));
        assert!(plausible_typed_year(2100));
        assert!(!plausible_typed_year(1999));
        assert!(!plausible_typed_year(2101));
        assert!(!plausible_typed_year(-5));
    }

    #[test]
    fn iso_dates_have_a_four_digit_year_and_no_sign() {
        assert_eq!(parse_iso("2024-02-29"), Some(date!(2024 - 02 - 29)));
        assert_eq!(parse_iso(" 2024-03-31 "), Some(date!(2024 - 03 - 31)));
        for typed in [
            "-0001-01-01",
            "+2024-01-01",
            "2023-02-29",
            "24-01-01",
            "2024-1-1",
            "",
        ] {
            assert_eq!(parse_iso(typed), None, "{typed}");
        }
    }
}
