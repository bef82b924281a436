//! Offers: the positions cap, and the NHS Employment Check Standards tracked for each
//! accepted offer (DOMAIN.md §6).

/// One pre-employment check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// Identity.
    Identity,
    /// Right to work.
    RightToWork,
    /// Professional registration and qualifications.
    Registration,
    /// Employment history and references.
    EmploymentHistory,
    /// Criminal record (DBS).
    CriminalRecord,
    /// Work health assessment.
    WorkHealth,
    /// Care experience verified (a letter from a personal adviser or the local authority).
    CareExperience,
}

impl CheckKind {
    /// The six NHS Employment Check Standards.
    pub const STANDARDS: [CheckKind; 6] = [
        CheckKind::Identity,
        CheckKind::RightToWork,
        CheckKind::Registration,
        CheckKind::EmploymentHistory,
        CheckKind::CriminalRecord,
        CheckKind::WorkHealth,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Identity => "identity",
            CheckKind::RightToWork => "right_to_work",
            CheckKind::Registration => "registration",
            CheckKind::EmploymentHistory => "employment_history",
            CheckKind::CriminalRecord => "criminal_record",
            CheckKind::WorkHealth => "work_health",
            CheckKind::CareExperience => "care_experience",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::STANDARDS
            .into_iter()
            .chain([CheckKind::CareExperience])
            .find(|k| k.as_str() == name)
    }

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Identity => "Identity",
            CheckKind::RightToWork => "Right to work",
            CheckKind::Registration => "Professional registration and qualifications",
            CheckKind::EmploymentHistory => "Employment history and references",
            CheckKind::CriminalRecord => "Criminal record (DBS)",
            CheckKind::WorkHealth => "Work health assessment",
            CheckKind::CareExperience => "Care experience verified",
        }
    }
}

/// The checks for an accepted offer: the six standards, and care experience where the vacancy
/// was ring-fenced or the guaranteed interview scheme was used.
pub fn checks_for(ring_fenced: bool, scheme_used: bool) -> Vec<CheckKind> {
    let mut checks = CheckKind::STANDARDS.to_vec();
    if ring_fenced || scheme_used {
        checks.push(CheckKind::CareExperience);
    }
    checks
}

/// Where an offer is (DOMAIN.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferStatus {
    /// Made, waiting for the applicant's answer.
    Offered,
    /// Accepted: the position is held while the checks are done.
    Accepted,
    /// Declined by the applicant.
    Declined,
    /// Withdrawn, with the application or by the employer.
    Withdrawn,
}

impl OfferStatus {
    /// Every status.
    pub const ALL: [OfferStatus; 4] = [
        OfferStatus::Offered,
        OfferStatus::Accepted,
        OfferStatus::Declined,
        OfferStatus::Withdrawn,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Offered => "offered",
            OfferStatus::Accepted => "accepted",
            OfferStatus::Declined => "declined",
            OfferStatus::Withdrawn => "withdrawn",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the offer still holds a position (open or accepted).
    pub fn holds_position(self) -> bool {
        matches!(self, OfferStatus::Offered | OfferStatus::Accepted)
    }
}

/// Where one check is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStatus {
    /// Nothing received yet.
    Pending,
    /// Evidence received, not yet verified.
    Received,
    /// Verified.
    Verified,
}

impl CheckStatus {
    /// Every status, in order.
    pub const ALL: [CheckStatus; 3] = [
        CheckStatus::Pending,
        CheckStatus::Received,
        CheckStatus::Verified,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pending => "pending",
            CheckStatus::Received => "received",
            CheckStatus::Verified => "verified",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pending => "Pending",
            CheckStatus::Received => "Received",
            CheckStatus::Verified => "Verified",
        }
    }
}

/// Whether every check is verified, so the offer becomes unconditional.
pub fn all_verified(statuses: &[CheckStatus]) -> bool {
    !statuses.is_empty() && statuses.iter().all(|s| *s == CheckStatus::Verified)
}

/// Whether one more offer may be accepted: never more accepted than positions.
pub fn can_accept(accepted: u64, positions: i32) -> bool {
    accepted < u64::try_from(positions).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn offer_statuses_round_trip_and_unknown_names_are_refused() {
        for status in OfferStatus::ALL {
            assert_eq!(OfferStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(OfferStatus::parse("Accepted"), None);
        assert_eq!(OfferStatus::parse(""), None);
        assert!(OfferStatus::Offered.holds_position());
        assert!(OfferStatus::Accepted.holds_position());
        assert!(!OfferStatus::Declined.holds_position());
        assert!(!OfferStatus::Withdrawn.holds_position());
    }

    use super::*;

    #[test]
    fn the_six_standards_and_care_experience_where_it_applies() {
        assert_eq!(checks_for(false, false), CheckKind::STANDARDS.to_vec());
        for (ring_fenced, scheme) in [(true, false), (false, true), (true, true)] {
            let checks = checks_for(ring_fenced, scheme);
            assert_eq!(checks.len(), 7);
            assert_eq!(checks.last(), Some(&CheckKind::CareExperience));
        }
        for kind in checks_for(true, true) {
            assert_eq!(CheckKind::parse(kind.as_str()), Some(kind));
            assert!(!kind.label().is_empty());
        }
        assert_eq!(CheckKind::parse("passport"), None);
    }

    #[test]
    fn an_offer_is_unconditional_only_when_every_check_is_verified() {
        use CheckStatus::*;
        assert!(all_verified(&[Verified, Verified]));
        assert!(!all_verified(&[Verified, Received]));
        assert!(!all_verified(&[Pending]));
        assert!(!all_verified(&[]));
        for s in CheckStatus::ALL {
            assert_eq!(CheckStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn never_more_accepted_offers_than_positions() {
        assert!(can_accept(0, 1));
        assert!(!can_accept(1, 1));
        assert!(can_accept(2, 3));
        assert!(!can_accept(3, 3));
        assert!(!can_accept(0, 0));
        assert!(!can_accept(0, -1));
    }
}
