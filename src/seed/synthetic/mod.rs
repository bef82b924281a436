//! `spectra seed-synthetic`: fills a database with realistic random data, quickly, for load
//! tests and benchmarks (docs/BENCHMARKS.md).
//!
//! Everything it makes is marked as synthetic: users' emails are at [`EMAIL_DOMAIN`] (a domain
//! reserved by RFC 2606, so no email can ever reach anyone), and organisations' and programmes'
//! names start with [`NAME_PREFIX`]. It refuses to touch a database that holds anything else,
//! so made-up people never mix with real ones. Run again on a synthetic database, it adds more.
//!
//! Rows are built in memory with their IDs chosen up front (after the highest in each table,
//! with the tables locked on Postgres), then written with multi-row INSERTs in batches that stay
//! under SQLite's and Postgres's bound-parameter limits, all in one transaction: either
//! everything is added or nothing is.
//!
//! With `--shortlisting-applications N` it also adds one closed vacancy of the first new
//! organisation, with N sent applications being shortlisted: a panel of three of the
//! organisation's hiring managers (its usual manager leads; two more are added), their scores,
//! some of the lead's final scores and a few decisions, as the shortlisting pages would have
//! made them. Those rows come after all the others, so a seed gives the same data with or
//! without them. `--lead-password-stdin` sets that lead's password, so a benchmark can sign in
//! as them; every other synthetic user keeps a password nobody knows.
//!
//! Hires are consistent: every application at conditional offer, checks complete or started has
//! its accepted offer (never more than the vacancy's positions) and its pre-employment checks,
//! and every started one its employment record with its four checkpoints. `--hires N` adds N
//! more employment records, started over the last five years across the new organisations
//! (hired before the service kept applications, or existing staff brought in from ESR), with
//! leavers and moves drawn at [`LEFT_PER_YEAR`] and [`MOVED_PER_YEAR`], and the checkpoints
//! that fell due recorded, a few of them overdue. These come from a random generator of their
//! own, so a seed gives the same applications with or without them.

mod load;
mod plan;
mod words;

pub use load::batch::{MAX_PARAMETERS, rows_per_batch};
pub use load::{Report, ShortlistingReport, seed};
pub use plan::{
    Census, Counts, LEAD_PASSWORD_NEEDS_SHORTLISTING, LEFT_PER_YEAR, MOVED_PER_YEAR, Options,
    default_open, path_to, refusal, spread,
};
pub(crate) use words::salary;
pub use words::{NHS_TRUSTS, organisation_name, person_name, staff_group_of};

/// The domain of every synthetic user's email (reserved: it can never receive mail).
pub const EMAIL_DOMAIN: &str = "synthetic.invalid";

/// How every synthetic organisation's and programme's name starts.
pub const NAME_PREFIX: &str = "Synthetic ";

/// Whether an email address is a synthetic user's.
pub fn is_synthetic_email(email: &str) -> bool {
    email
        .strip_suffix(EMAIL_DOMAIN)
        .is_some_and(|local| local.ends_with('@') && local.len() > 1)
}

/// Whether an organisation's or programme's name is a synthetic one.
pub fn is_synthetic_name(name: &str) -> bool {
    name.starts_with(NAME_PREFIX) && name.len() > NAME_PREFIX.len()
}

/// A synthetic user's email: `applicant12@synthetic.invalid`.
pub fn synthetic_email(kind: &str, number: u64) -> String {
    format!("{kind}{number}@{EMAIL_DOMAIN}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_marks_are_recognised_and_real_ones_are_not() {
        assert!(is_synthetic_email(&synthetic_email("applicant", 12)));
        assert_eq!(
            synthetic_email("applicant", 12),
            "applicant12@synthetic.invalid"
        );
        for real in [
            "applicant@example.org",
            "x@synthetic.invalid.example.org",
            "@synthetic.invalid",
            "x@notsynthetic.invalid",
        ] {
            assert!(!is_synthetic_email(real), "{real}");
        }
        assert!(is_synthetic_name(
            "Synthetic Mersey Valley Children's NHS FT"
        ));
        assert!(!is_synthetic_name("Alder Hey Children's NHS FT"));
        assert!(!is_synthetic_name("Synthetic "));
        assert!(!is_synthetic_name("synthetic lower case"));
    }
}
