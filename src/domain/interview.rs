//! Interviews: the slots a panel publishes, when an applicant may book, rebook or cancel, and
//! the iCalendar (RFC 5545) invitation sent with each booking.

use time::{Duration, OffsetDateTime};

use crate::domain::london_time;

/// How long before a slot booking, rebooking and cancelling stop.
pub const CHANGE_CUTOFF: Duration = Duration::hours(24);

/// Whether the applicant may still book, rebook or cancel a slot starting at `starts_at`.
pub fn can_change(starts_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    starts_at - now >= CHANGE_CUTOFF
}

/// Why a slot cannot be booked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingRefusal {
    /// It starts within 24 hours, or has passed.
    TooLate,
    /// Every place is taken.
    Full,
}

impl BookingRefusal {
    /// Words for the applicant.
    pub fn explanation(self) -> &'static str {
        match self {
            BookingRefusal::TooLate => {
                "This time is less than 24 hours away, so it can no longer be booked online. Choose a later time, or contact the person named on the job advert."
            }
            BookingRefusal::Full => {
                "Someone else has just booked the last place at this time. Choose another time."
            }
        }
    }
}

/// Checks a booking of a slot with `booked` of `capacity` places taken.
pub fn check_booking(
    starts_at: OffsetDateTime,
    capacity: i32,
    booked: i64,
    now: OffsetDateTime,
) -> Result<(), BookingRefusal> {
    if !can_change(starts_at, now) {
        Err(BookingRefusal::TooLate)
    } else if booked >= i64::from(capacity) {
        Err(BookingRefusal::Full)
    } else {
        Ok(())
    }
}

/// A new slot as the panel typed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct SlotForm {
    /// Day of the month.
    pub day: String,
    /// Month number.
    pub month: String,
    /// Year.
    pub year: String,
    /// Time, "14:30".
    pub time: String,
    /// Length in minutes.
    pub minutes: String,
    /// Room and address, or a video link.
    pub place: String,
    /// How many people can book it.
    pub capacity: String,
}

/// A checked slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotInput {
    /// When it starts.
    pub starts_at: OffsetDateTime,
    /// Length in minutes.
    pub minutes: i32,
    /// Where, or the video link.
    pub place: String,
    /// Places.
    pub capacity: i32,
}

impl SlotInput {
    /// Checks the form: a London date and time in the future, 10 to 240 minutes, a place,
    /// and 1 to 20 places. Every problem is returned at once, by field.
    pub fn parse(
        form: &SlotForm,
        now: OffsetDateTime,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let starts_at = london_time::parse_local(&form.day, &form.month, &form.year, &form.time);
        match starts_at {
            Ok(at) if at <= now => {
                errors.push(("day", "The interview must be in the future".to_owned()));
            }
            Ok(_) => {}
            Err(london_time::BadInput::Date) => {
                errors.push(("day", "Enter a real date, like 10 12 2026".to_owned()));
            }
            Err(london_time::BadInput::Time) => {
                errors.push((
                    "time",
                    "Enter the time using the 24-hour clock, like 14:30".to_owned(),
                ));
            }
        }
        let minutes = form
            .minutes
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| (10..=240).contains(m));
        if minutes.is_none() {
            errors.push((
                "minutes",
                "Enter the length in minutes, from 10 to 240".to_owned(),
            ));
        }
        let place = form.place.trim();
        if place.is_empty() {
            errors.push((
                "place",
                "Enter the room and address, or the video link".to_owned(),
            ));
        } else if place.chars().count() > 500 {
            errors.push(("place", "This must be 500 characters or fewer".to_owned()));
        }
        let capacity = form
            .capacity
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|c| (1..=20).contains(c));
        if capacity.is_none() {
            errors.push((
                "capacity",
                "Enter how many people can book this time, from 1 to 20".to_owned(),
            ));
        }
        match (starts_at, minutes, capacity) {
            (Ok(starts_at), Some(minutes), Some(capacity)) if errors.is_empty() => Ok(Self {
                starts_at,
                minutes,
                place: place.to_owned(),
                capacity,
            }),
            _ => Err(errors),
        }
    }
}

/// An interview as it goes into a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarInvite<'a> {
    /// A stable identifier for the booking, so a rebooking replaces the event.
    pub uid: &'a str,
    /// What it is.
    pub summary: &'a str,
    /// Where, or the video link.
    pub location: &'a str,
    /// More words.
    pub description: &'a str,
    /// When it starts.
    pub starts_at: OffsetDateTime,
    /// How long.
    pub minutes: i32,
    /// Who sends it (the service's address).
    pub organiser: &'a str,
    /// When this version was made.
    pub stamp: OffsetDateTime,
    /// Sequence number: higher for each change, so calendars take the latest.
    pub sequence: u32,
    /// A cancellation rather than a request.
    pub cancelled: bool,
}

fn utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

impl CalendarInvite<'_> {
    /// The whole `.ics` file, lines ending in CRLF.
    pub fn to_ics(&self) -> String {
        let end = self.starts_at + Duration::minutes(i64::from(self.minutes));
        let method = if self.cancelled { "CANCEL" } else { "REQUEST" };
        let status = if self.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        [
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//NHS Cheshire and Merseyside//SPECTRA//EN".to_owned(),
            "CALSCALE:GREGORIAN".to_owned(),
            format!("METHOD:{method}"),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", self.uid),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", utc(self.stamp)),
            format!("DTSTART:{}", utc(self.starts_at)),
            format!("DTEND:{}", utc(end)),
            format!("SUMMARY:{}", escape(self.summary)),
            format!("LOCATION:{}", escape(self.location)),
            format!("DESCRIPTION:{}", escape(self.description)),
            format!("ORGANIZER:mailto:{}", self.organiser),
            format!("STATUS:{status}"),
            "END:VEVENT".to_owned(),
            "END:VCALENDAR".to_owned(),
        ]
        .iter()
        .map(|l| fold(l))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn changes_stop_24_hours_before_the_slot() {
        let slot = datetime!(2026-12-10 10:00 UTC);
        assert!(can_change(slot, slot - Duration::hours(25)));
        assert!(can_change(slot, slot - Duration::hours(24)));
        assert!(!can_change(slot, slot - Duration::hours(23)));
        assert!(!can_change(slot, slot + Duration::hours(1)));
    }

    #[test]
    fn a_booking_needs_a_free_place_and_time() {
        let slot = datetime!(2026-12-10 10:00 UTC);
        let early = slot - Duration::days(3);
        assert_eq!(check_booking(slot, 2, 1, early), Ok(()));
        assert_eq!(check_booking(slot, 2, 2, early), Err(BookingRefusal::Full));
        assert_eq!(
            check_booking(slot, 2, 0, slot - Duration::hours(2)),
            Err(BookingRefusal::TooLate)
        );
        assert!(BookingRefusal::Full.explanation().contains("another time"));
    }

    fn form() -> SlotForm {
        SlotForm {
            day: "10".into(),
            month: "12".into(),
            year: "2026".into(),
            time: "14:30".into(),
            minutes: "45".into(),
            place: "Room 2, Alder Hey".into(),
            capacity: "1".into(),
        }
    }

    #[test]
    fn slots_are_checked_field_by_field() {
        let now = datetime!(2026-11-24 09:00 UTC);
        let slot = SlotInput::parse(&form(), now).unwrap();
        assert_eq!(
            slot.starts_at,
            datetime!(2026-12-10 14:30 UTC),
            "GMT in December"
        );
        assert_eq!((slot.minutes, slot.capacity), (45, 1));
        let bad = SlotForm {
            minutes: "5".into(),
            place: " ".into(),
            capacity: "0".into(),
            ..form()
        };
        let fields: Vec<&str> = SlotInput::parse(&bad, now)
            .unwrap_err()
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(fields, ["minutes", "place", "capacity"]);
        let past = SlotForm {
            year: "2025".into(),
            ..form()
        };
        assert_eq!(SlotInput::parse(&past, now).unwrap_err()[0].0, "day");
    }

    #[test]
    fn the_calendar_invitation_follows_rfc_5545() {
        let invite = CalendarInvite {
            uid: "booking-7@spectra",
            summary: "Interview: Porter, Liverpool; bring ID",
            location: "Room 2\nRoyal Liverpool",
            description: "A long description that goes on and on so that the line is longer than seventy-five octets and must fold",
            starts_at: datetime!(2026-07-10 09:30 +01:00),
            minutes: 45,
            organiser: "no-reply@spectra.localhost",
            stamp: datetime!(2026-06-01 12:00 UTC),
            sequence: 2,
            cancelled: false,
        };
        let ics = invite.to_ics();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("METHOD:REQUEST\r\n"));
        assert!(
            ics.contains("DTSTART:20260710T083000Z\r\n"),
            "converted to UTC"
        );
        assert!(ics.contains("DTEND:20260710T091500Z\r\n"));
        assert!(ics.contains("SUMMARY:Interview: Porter\\, Liverpool\\; bring ID\r\n"));
        assert!(ics.contains("LOCATION:Room 2\\nRoyal Liverpool\r\n"));
        assert!(ics.contains("UID:booking-7@spectra\r\nSEQUENCE:2\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "unfolded line: {line}");
        }
        assert!(ics.contains("\r\n "), "long lines are folded");
        assert!(!ics.replace("\r\n", "").contains('\n'), "no bare newlines");
        let cancel = CalendarInvite {
            cancelled: true,
            ..invite
        }
        .to_ics();
        assert!(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let folded = fold(&"é".repeat(60));
        for line in folded.split("\r\n") {
            assert!(line.len() <= 75);
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), "é".repeat(60));
    }
}
