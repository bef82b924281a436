//! Views of applicants' identity or care details by staff, after the reveal (DOMAIN.md §9:
//! the audit log records views of care details). Before shortlisting is complete the panel
//! sees references only, so nothing identifying is shown and nothing is recorded.
//!
//! These are the only writes made on a GET: §9 requires every such view to be in the log, so
//! a look at one of these pages appends one audit event, and changes nothing else.

use sea_orm::{DatabaseTransaction, DbErr};
use serde_json::json;

use crate::db::audit::{self, AuditAction};
use crate::domain::audit_subject::AuditSubject;
use crate::services::Actor;

/// A staff page that shows applicants' names, referees, support needs or care experience.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailsPage {
    /// The shortlisting board, with the invited applicants' names.
    Board,
    /// One application on the panel's screen, with its name and referees.
    Application,
    /// The interviews page: names, and the support each asked for.
    Interviews,
    /// The lead's confirmation before telling applicants the interview times.
    TellApplicants,
    /// The offers and pre-employment checks page, with names and the care experience check.
    Offers,
    /// The list of an organisation's employees who came in as care leavers.
    Employees,
    /// One employee's record.
    Employee,
}

impl DetailsPage {
    /// The page's name in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            DetailsPage::Board => "shortlisting_board",
            DetailsPage::Application => "shortlisting_application",
            DetailsPage::Interviews => "interviews",
            DetailsPage::TellApplicants => "tell_applicants",
            DetailsPage::Offers => "offers",
            DetailsPage::Employees => "employees",
            DetailsPage::Employee => "employee",
        }
    }
}

/// Records that `viewer` saw the identity or care details of the applications named, on
/// `page`, about `subject` ("vacancy:12", "application:7", "employment:3"). Details are IDs
/// and counts only. Callers record only when the page showed someone.
pub async fn record_view(
    txn: &DatabaseTransaction,
    viewer: Actor<'_>,
    subject: &AuditSubject,
    page: DetailsPage,
    applications: &[i32],
) -> Result<(), DbErr> {
    audit::record(
        txn,
        Some(viewer.id),
        AuditAction::ApplicantDetailsViewed,
        subject,
        json!({ "page": page.as_str(), "applications": applications }),
    )
    .await
}
