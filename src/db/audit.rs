//! The `audit_events` table: the audit log.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use crate::db::now;
use crate::domain::audit_chain;
use crate::domain::audit_subject::AuditSubject;
use crate::entities::{application, audit_event};

/// What happened, as stored in the `action` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// An administrator changed someone's roles or organisation.
    RolesChanged,
    /// An account was deactivated.
    AccountDeactivated,
    /// An account was reactivated.
    AccountReactivated,
    /// A member of staff was invited.
    InvitationSent,
    /// An administrator revoked an invitation before it was accepted.
    InvitationRevoked,
    /// An account was created from the command line.
    AccountCreatedByCli,
    /// A lead asked for the high-volume exception.
    ExceptionRequested,
    /// The champion approved the high-volume exception.
    ExceptionApproved,
    /// The champion refused the high-volume exception.
    ExceptionRefused,
    /// Shortlisting was completed and the panel saw who was invited.
    IdentitiesRevealed,
    /// A lead tried to decline a guaranteed interview, and was refused.
    OverrideRefused,
    /// A lead declined an opted-in application, with written feedback.
    DeclinedWithFeedback,
    /// A coordinator added a mentor.
    MentorAdded,
    /// A coordinator imported mentors, mentees or exclusions from a spreadsheet.
    MentoringImported,
    /// A coordinator exported mentors, mentees or exclusions.
    MentoringExported,
    /// A coordinator approved a student for the pilot.
    MenteeApproved,
    /// A coordinator declined a student's sign-up.
    MenteeDeclined,
    /// A pair was excluded from matching, or an exclusion was removed.
    MentoringExclusionChanged,
    /// The cap on students or the scoring weights changed.
    MentoringSettingsChanged,
    /// A coordinator confirmed proposed mentoring pairs.
    MatchConfirmed,
    /// A coordinator ended a mentoring relationship.
    MentoringEnded,
    /// A coordinator looked at a student's or a mentor's record (care details, DOMAIN.md §9).
    MentoringRecordViewed,
    /// Someone was added to a vacancy's shortlisting panel.
    PanelMemberAdded,
    /// Someone was removed from a vacancy's shortlisting panel.
    PanelMemberRemoved,
    /// The lead of a vacancy's shortlisting panel was handed on.
    PanelLeadChanged,
    /// A panel member who joined after shortlisting was complete saw the revealed names.
    RevealViewed,
    /// The guaranteed-interview rule invited an application automatically.
    InvitedAutomatically,
    /// The final scores of an application invited automatically were changed.
    FinalScoresChangedAfterInvitation,
    /// An offer was withdrawn: by the lead (a check failed) or because the applicant withdrew.
    OfferWithdrawn,
    /// A hiring manager recorded a retention checkpoint.
    CheckpointRecorded,
    /// A hiring manager recorded that someone left or moved within the NHS.
    LeavingRecorded,
    /// A hiring manager corrected an employment record: a leaving date or a checkpoint.
    RecordCorrected,
    /// An ESR extract was imported.
    EsrImported,
    /// A report or extract was downloaded (the dashboard's tables, the ESR export).
    ReportExported,
    /// A hiring manager changed a published vacancy (the fields that changed).
    VacancyChanged,
    /// A hiring manager closed a vacancy before its closing date.
    VacancyClosed,
    /// A hiring manager reopened a closed vacancy with a new closing date.
    VacancyReopened,
    /// A panel member changed or removed an interview time nobody had booked.
    InterviewTimeChanged,
    /// The lead told invited applicants that the interview times are ready.
    InterviewTimesTold,
    /// A hiring manager published a vacancy.
    VacancyPublished,
    /// A lead offered the job to an applicant.
    OfferMade,
    /// An applicant accepted an offer.
    OfferAccepted,
    /// An applicant declined an offer.
    OfferDeclined,
    /// A pre-employment check changed status (including "care experience verified").
    CheckChanged,
    /// A start date was agreed or changed.
    StartDateSet,
    /// Someone was recorded as having started (hired).
    StartConfirmed,
    /// A panel recorded an interview outcome.
    InterviewOutcomeRecorded,
    /// Someone looked at an applicant's care details or identity after the names were shown.
    ApplicantDetailsViewed,
    /// Someone signed in.
    SignedIn,
    /// Sign-in failures passed the limit and the account or address was locked for a while.
    SignInLocked,
    /// Someone changed their own password.
    PasswordChanged,
    /// Someone set a new password from a reset link.
    PasswordReset,
    /// A member of staff accepted their invitation.
    InvitationAccepted,
    /// Someone downloaded all the data held about them.
    DataDownloaded,
    /// An account was deleted: personal data erased, a pseudonymised stub kept.
    AccountDeleted,
    /// A staff account was asked to be deleted and was deactivated instead, to keep the record of decisions.
    StaffAccountRetired,
    /// Personal data of unsuccessful or withdrawn applications was purged after the retention period.
    ApplicationsPurged,
    /// An administrator added an organisation.
    OrganisationAdded,
    /// An administrator changed an organisation's name or ODS code.
    OrganisationChanged,
    /// An administrator deactivated an organisation: its vacancies stay, no new ones.
    OrganisationDeactivated,
    /// An administrator reactivated an organisation.
    OrganisationReactivated,
}

impl AuditAction {
    /// Every action, in the order they are listed to people.
    pub const ALL: [AuditAction; 61] = [
        AuditAction::ExceptionRequested,
        AuditAction::ExceptionApproved,
        AuditAction::ExceptionRefused,
        AuditAction::OverrideRefused,
        AuditAction::InvitedAutomatically,
        AuditAction::FinalScoresChangedAfterInvitation,
        AuditAction::DeclinedWithFeedback,
        AuditAction::IdentitiesRevealed,
        AuditAction::RevealViewed,
        AuditAction::PanelMemberAdded,
        AuditAction::PanelMemberRemoved,
        AuditAction::PanelLeadChanged,
        AuditAction::ApplicantDetailsViewed,
        AuditAction::InterviewOutcomeRecorded,
        AuditAction::OfferMade,
        AuditAction::OfferAccepted,
        AuditAction::OfferDeclined,
        AuditAction::OfferWithdrawn,
        AuditAction::CheckChanged,
        AuditAction::StartDateSet,
        AuditAction::StartConfirmed,
        AuditAction::CheckpointRecorded,
        AuditAction::LeavingRecorded,
        AuditAction::RecordCorrected,
        AuditAction::EsrImported,
        AuditAction::ReportExported,
        AuditAction::DataDownloaded,
        AuditAction::AccountDeleted,
        AuditAction::StaffAccountRetired,
        AuditAction::ApplicationsPurged,
        AuditAction::SignedIn,
        AuditAction::SignInLocked,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::RolesChanged,
        AuditAction::AccountDeactivated,
        AuditAction::AccountReactivated,
        AuditAction::InvitationSent,
        AuditAction::InvitationRevoked,
        AuditAction::InvitationAccepted,
        AuditAction::AccountCreatedByCli,
        AuditAction::OrganisationAdded,
        AuditAction::OrganisationChanged,
        AuditAction::OrganisationDeactivated,
        AuditAction::OrganisationReactivated,
        AuditAction::MentorAdded,
        AuditAction::MentoringImported,
        AuditAction::MentoringExported,
        AuditAction::MenteeApproved,
        AuditAction::MenteeDeclined,
        AuditAction::MentoringExclusionChanged,
        AuditAction::MentoringSettingsChanged,
        AuditAction::MatchConfirmed,
        AuditAction::MentoringEnded,
        AuditAction::MentoringRecordViewed,
        AuditAction::VacancyPublished,
        AuditAction::VacancyChanged,
        AuditAction::VacancyClosed,
        AuditAction::VacancyReopened,
        AuditAction::InterviewTimeChanged,
        AuditAction::InterviewTimesTold,
    ];

    /// Reads a stored action name.
    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// What happened, in plain words.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::RolesChanged => "Roles changed",
            AuditAction::AccountDeactivated => "Account deactivated",
            AuditAction::AccountReactivated => "Account reactivated",
            AuditAction::InvitationSent => "Staff invitation sent",
            AuditAction::InvitationRevoked => "Staff invitation revoked",
            AuditAction::AccountCreatedByCli => "Account created from the command line",
            AuditAction::ExceptionRequested => "High-volume exception requested",
            AuditAction::ExceptionApproved => "High-volume exception approved",
            AuditAction::ExceptionRefused => "High-volume exception refused",
            AuditAction::IdentitiesRevealed => {
                "Shortlisting completed and names shown to the panel"
            }
            AuditAction::OverrideRefused => "Attempt to decline a guaranteed interview refused",
            AuditAction::DeclinedWithFeedback => {
                "Guaranteed interview applicant declined with feedback"
            }
            AuditAction::MentorAdded => "Mentor added",
            AuditAction::MentoringImported => "Mentoring spreadsheet imported",
            AuditAction::MentoringExported => "Mentoring spreadsheet exported",
            AuditAction::MenteeApproved => "Mentoring student approved",
            AuditAction::MenteeDeclined => "Mentoring student declined",
            AuditAction::MentoringExclusionChanged => "Mentoring exclusion changed",
            AuditAction::MentoringSettingsChanged => "Mentoring settings changed",
            AuditAction::MatchConfirmed => "Mentoring matches confirmed",
            AuditAction::MentoringEnded => "Mentoring relationship ended",
            AuditAction::MentoringRecordViewed => "Mentoring record viewed",
            AuditAction::PanelMemberAdded => "Added to a shortlisting panel",
            AuditAction::PanelMemberRemoved => "Removed from a shortlisting panel",
            AuditAction::PanelLeadChanged => "Shortlisting panel lead handed on",
            AuditAction::RevealViewed => {
                "Names seen by a panel member who joined after shortlisting"
            }
            AuditAction::InvitedAutomatically => {
                "Invited to interview automatically (guaranteed interview scheme)"
            }
            AuditAction::FinalScoresChangedAfterInvitation => {
                "Final scores changed after an automatic invitation"
            }
            AuditAction::OfferWithdrawn => "Offer withdrawn",
            AuditAction::CheckpointRecorded => "Retention checkpoint recorded",
            AuditAction::LeavingRecorded => "Leaving or move recorded",
            AuditAction::RecordCorrected => "Employment record corrected",
            AuditAction::EsrImported => "ESR extract imported",
            AuditAction::ReportExported => "Report exported",
            AuditAction::VacancyChanged => "Published vacancy changed",
            AuditAction::VacancyClosed => "Vacancy closed early",
            AuditAction::VacancyReopened => "Closed vacancy reopened",
            AuditAction::InterviewTimeChanged => "Interview time changed or removed",
            AuditAction::InterviewTimesTold => "Applicants told the interview times",
            AuditAction::VacancyPublished => "Vacancy published",
            AuditAction::OfferMade => "Offer made",
            AuditAction::OfferAccepted => "Offer accepted",
            AuditAction::OfferDeclined => "Offer declined",
            AuditAction::CheckChanged => "Pre-employment check changed",
            AuditAction::StartDateSet => "Start date set",
            AuditAction::StartConfirmed => "Start recorded",
            AuditAction::InterviewOutcomeRecorded => "Interview outcome recorded",
            AuditAction::ApplicantDetailsViewed => "Applicant's identity or care details viewed",
            AuditAction::SignedIn => "Signed in",
            AuditAction::SignInLocked => "Sign-in locked after failures",
            AuditAction::PasswordChanged => "Password changed",
            AuditAction::PasswordReset => "Password reset",
            AuditAction::InvitationAccepted => "Staff invitation accepted",
            AuditAction::DataDownloaded => "Own data downloaded",
            AuditAction::AccountDeleted => "Account deleted",
            AuditAction::StaffAccountRetired => "Staff account deactivated on request to delete",
            AuditAction::ApplicationsPurged => "Personal data purged after the retention period",
            AuditAction::OrganisationAdded => "Organisation added",
            AuditAction::OrganisationChanged => "Organisation changed",
            AuditAction::OrganisationDeactivated => "Organisation deactivated",
            AuditAction::OrganisationReactivated => "Organisation reactivated",
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::RolesChanged => "roles_changed",
            AuditAction::AccountDeactivated => "account_deactivated",
            AuditAction::AccountReactivated => "account_reactivated",
            AuditAction::InvitationSent => "invitation_sent",
            AuditAction::InvitationRevoked => "invitation_revoked",
            AuditAction::AccountCreatedByCli => "account_created_by_cli",
            AuditAction::ExceptionRequested => "exception_requested",
            AuditAction::ExceptionApproved => "exception_approved",
            AuditAction::ExceptionRefused => "exception_refused",
            AuditAction::IdentitiesRevealed => "identities_revealed",
            AuditAction::OverrideRefused => "override_refused",
            AuditAction::DeclinedWithFeedback => "declined_with_feedback",
            AuditAction::MentorAdded => "mentor_added",
            AuditAction::MentoringImported => "mentoring_imported",
            AuditAction::MentoringExported => "mentoring_exported",
            AuditAction::MenteeApproved => "mentee_approved",
            AuditAction::MenteeDeclined => "mentee_declined",
            AuditAction::MentoringExclusionChanged => "mentoring_exclusion_changed",
            AuditAction::MentoringSettingsChanged => "mentoring_settings_changed",
            AuditAction::MatchConfirmed => "match_confirmed",
            AuditAction::MentoringEnded => "mentoring_ended",
            AuditAction::MentoringRecordViewed => "mentoring_record_viewed",
            AuditAction::PanelMemberAdded => "panel_member_added",
            AuditAction::PanelMemberRemoved => "panel_member_removed",
            AuditAction::PanelLeadChanged => "panel_lead_changed",
            AuditAction::RevealViewed => "reveal_viewed",
            AuditAction::InvitedAutomatically => "invited_automatically",
            AuditAction::FinalScoresChangedAfterInvitation => {
                "final_scores_changed_after_invitation"
            }
            AuditAction::OfferWithdrawn => "offer_withdrawn",
            AuditAction::CheckpointRecorded => "checkpoint_recorded",
            AuditAction::LeavingRecorded => "leaving_recorded",
            AuditAction::RecordCorrected => "record_corrected",
            AuditAction::EsrImported => "esr_imported",
            AuditAction::ReportExported => "report_exported",
            AuditAction::VacancyChanged => "vacancy_changed",
            AuditAction::VacancyClosed => "vacancy_closed",
            AuditAction::VacancyReopened => "vacancy_reopened",
            AuditAction::InterviewTimeChanged => "interview_time_changed",
            AuditAction::InterviewTimesTold => "interview_times_told",
            AuditAction::VacancyPublished => "vacancy_published",
            AuditAction::OfferMade => "offer_made",
            AuditAction::OfferAccepted => "offer_accepted",
            AuditAction::OfferDeclined => "offer_declined",
            AuditAction::CheckChanged => "check_changed",
            AuditAction::StartDateSet => "start_date_set",
            AuditAction::StartConfirmed => "start_confirmed",
            AuditAction::InterviewOutcomeRecorded => "interview_outcome_recorded",
            AuditAction::ApplicantDetailsViewed => "applicant_details_viewed",
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInLocked => "sign_in_locked",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::InvitationAccepted => "invitation_accepted",
            AuditAction::DataDownloaded => "data_downloaded",
            AuditAction::AccountDeleted => "account_deleted",
            AuditAction::StaffAccountRetired => "staff_account_retired",
            AuditAction::ApplicationsPurged => "applications_purged",
            AuditAction::OrganisationAdded => "organisation_added",
            AuditAction::OrganisationChanged => "organisation_changed",
            AuditAction::OrganisationDeactivated => "organisation_deactivated",
            AuditAction::OrganisationReactivated => "organisation_reactivated",
        }
    }
}

/// Appends an event to the audit log, chained to the newest event (`domain::audit_chain`).
///
/// Call it inside the transaction of the change it records (a real transaction, not the
/// pool): on Postgres it takes a transaction-level advisory lock first, so events are chained
/// one at a time in the order their transactions commit, and the lock is held until then. Its
/// cost is that lock and one read of the newest event by primary key. The new event's ID is the
/// newest one's plus one, so two writers that somehow read the same newest event cannot both
/// insert: the second fails on the primary key instead of forking the chain.
pub async fn record(
    db: &impl ConnectionTrait,
    actor_user_id: Option<i32>,
    action: AuditAction,
    subject: &AuditSubject,
    details: serde_json::Value,
) -> Result<(), DbErr> {
    let subject = &subject.to_string();
    lock_chain(db).await?;
    let (id, prev_hash) = match newest_link(db).await? {
        Some((id, hash)) => (id + 1, hash),
        None => (1, audit_chain::GENESIS.to_owned()),
    };
    let details = details.to_string();
    let created_at = now();
    let hash = audit_chain::hash(
        &prev_hash,
        &audit_chain::Content {
            id,
            created_at,
            actor_user_id,
            action: action.as_str(),
            subject,
            details: &details,
        },
    );
    audit_event::ActiveModel {
        id: Set(id),
        actor_user_id: Set(actor_user_id),
        action: Set(action.as_str().to_owned()),
        subject: Set(subject.to_owned()),
        details: Set(details),
        created_at: Set(created_at),
        prev_hash: Set(prev_hash),
        hash: Set(hash),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Records an event that is the only write of its request (a look at a page, a download), in
/// a transaction of its own: see [`record`].
pub async fn record_alone(
    db: &DatabaseConnection,
    actor_user_id: Option<i32>,
    action: AuditAction,
    subject: &AuditSubject,
    details: serde_json::Value,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    record(&txn, actor_user_id, action, subject, details).await?;
    txn.commit().await
}

/// Waits for, and takes until the end of the transaction, the lock that lets one writer at a
/// time chain an event. SQLite allows one writer at a time anyway.
async fn lock_chain(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("SELECT pg_advisory_xact_lock(hashtext('spectra_audit_chain'))")
            .await?;
    }
    Ok(())
}

/// The ID and hash of the newest event, by the primary key.
async fn newest_link(db: &impl ConnectionTrait) -> Result<Option<(i64, String)>, DbErr> {
    audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Id)
        .column(audit_event::Column::Hash)
        .order_by_desc(audit_event::Column::Id)
        .limit(1)
        .into_tuple::<(i64, String)>()
        .one(db)
        .await
}

/// Up to `limit` events after `after_id`, oldest first: a page of the chain.
pub async fn chain_page(
    db: &impl ConnectionTrait,
    after_id: i64,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Id.gt(after_id))
        .order_by_asc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The ID of an event before `before_id` whose hash is `hash`, if there is one. It reads the
/// table through (the hash has no index): only a check that has found a break asks.
pub async fn earlier_with_hash(
    db: &impl ConnectionTrait,
    hash: &str,
    before_id: i64,
) -> Result<Option<i64>, DbErr> {
    audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Id)
        .filter(audit_event::Column::Hash.eq(hash))
        .filter(audit_event::Column::Id.lt(before_id))
        .order_by_asc(audit_event::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await
}

/// The most recent events, newest first.
pub async fn recent(
    db: &impl ConnectionTrait,
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Whose events to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ActorFilter {
    /// Anyone's, and the system's.
    #[default]
    Anyone,
    /// Only this user's.
    User(i32),
    /// Only events with no user behind them (the command line).
    System,
}

/// Filters of the audit log. The default shows everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only events about this vacancy: the vacancy itself, or any of its applications.
    pub vacancy_id: Option<i32>,
    /// Only events by this actor.
    pub actor: ActorFilter,
    /// Only events of this kind.
    pub action: Option<AuditAction>,
    /// Only events about exactly this subject, as stored ("application:7", "user:42").
    pub subject: Option<String>,
}

/// The condition of a filter. Events about a vacancy are those whose subject is the vacancy,
/// and those whose subject is one of its applications: an application never changes vacancy,
/// so this needs no copy of the vacancy in the free-form details.
fn condition(filter: &AuditFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(vacancy_id) = filter.vacancy_id {
        let applications = Query::select()
            .expr(Expr::cust("'application:' || CAST(id AS TEXT)"))
            .from(application::Entity)
            .and_where(application::Column::VacancyId.eq(vacancy_id))
            .to_owned();
        condition = condition.add(
            Condition::any()
                .add(audit_event::Column::Subject.eq(AuditSubject::Vacancy(vacancy_id).to_string()))
                .add(audit_event::Column::Subject.in_subquery(applications)),
        );
    }
    match filter.actor {
        ActorFilter::Anyone => {}
        ActorFilter::User(id) => {
            condition = condition.add(audit_event::Column::ActorUserId.eq(id));
        }
        ActorFilter::System => {
            condition = condition.add(audit_event::Column::ActorUserId.is_null());
        }
    }
    if let Some(action) = filter.action {
        condition = condition.add(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(subject) = &filter.subject {
        condition = condition.add(audit_event::Column::Subject.eq(subject.as_str()));
    }
    condition
}

/// One page (from 0) of the events matching a filter, newest first, and how many match in all.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit_event::Model>, u64), DbErr> {
    let query = audit_event::Entity::find().filter(condition(filter));
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_event::Column::Id)
        .offset(page.saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The IDs of everyone who appears in the log as the one who acted.
pub async fn actor_ids(db: &impl ConnectionTrait) -> Result<Vec<i32>, DbErr> {
    audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::ActorUserId)
        .filter(audit_event::Column::ActorUserId.is_not_null())
        .distinct()
        .into_tuple::<Option<i32>>()
        .all(db)
        .await
        .map(|ids| ids.into_iter().flatten().collect())
}

/// The events about a person, oldest first: those they did, and those whose subject is one of
/// `subjects` (such as `user:7` or `application:12`).
pub async fn about(
    db: &impl ConnectionTrait,
    user_id: i32,
    subjects: &[AuditSubject],
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .filter(
            Condition::any()
                .add(audit_event::Column::ActorUserId.eq(user_id))
                .add(audit_event::Column::Subject.is_in(subjects.iter().map(ToString::to_string))),
        )
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await
}

/// The most recent events of these kinds, newest first.
pub async fn recent_of(
    db: &impl ConnectionTrait,
    actions: &[AuditAction],
    limit: u64,
) -> Result<Vec<audit_event::Model>, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.is_in(actions.iter().map(|a| a.as_str())))
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_stored_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(!action.label().is_empty());
        }
        assert_eq!(AuditAction::parse("dropped_tables"), None);
    }
}
