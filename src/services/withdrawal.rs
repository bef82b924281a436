//! Withdrawing an application, at any stage before being hired. Withdrawing lets go of
//! everything the application holds: an open or accepted offer is withdrawn (freeing its
//! position) and an interview booking is cancelled (freeing its place, and the panel is told),
//! all in one transaction with the move itself.

use sea_orm::{DatabaseTransaction, DbErr};
use serde_json::json;

use crate::config::Config;
use crate::db::audit::{self, AuditAction};
use crate::db::{self, applications, interviews, offers, outbox, shortlisting, vacancies};
use crate::domain::application::{Stage, can_move, reference};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::london_time;
use crate::mail::templates::{EmailContent, StaffNotice};
use crate::services::emails::email_applicant;
use crate::services::{Actor, Outcome};

/// Why an application could not be withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithdrawRefusal {
    /// No such application of this applicant.
    NotFound,
    /// It has reached a stage that cannot be withdrawn from (hired, or already ended).
    Ended(Stage),
}

/// What withdrawing let go of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Withdrawn {
    /// An open or accepted offer was withdrawn, freeing its position.
    pub offer_withdrawn: bool,
    /// An interview booking was cancelled, freeing its place.
    pub booking_cancelled: bool,
}

/// Why an application is withdrawn, for the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause<'a> {
    /// The applicant withdrew it.
    Applicant,
    /// The applicant's account is being deleted, by this user (themselves or an administrator).
    AccountDeleted {
        /// Who asked for the deletion.
        by: Actor<'a>,
    },
}

impl<'a> Cause<'a> {
    /// The user recorded as acting, given the applicant.
    fn actor(self, applicant: Actor<'a>) -> Actor<'a> {
        match self {
            Cause::Applicant => applicant,
            Cause::AccountDeleted { by } => by,
        }
    }

    /// Why, in the audit log's words.
    fn because(self) -> &'static str {
        match self {
            Cause::Applicant => "the applicant withdrew",
            Cause::AccountDeleted { .. } => "the applicant's account was deleted",
        }
    }
}

/// The applicant withdraws their application, with an optional reason (already checked for
/// length). The application's row is locked first, so an acceptance or a booking arriving at
/// the same moment is judged before or after, never in between.
pub async fn withdraw(
    txn: &DatabaseTransaction,
    config: &Config,
    applicant: Actor<'_>,
    application_id: i32,
    reason: &str,
    cause: Cause<'_>,
) -> Outcome<Withdrawn, WithdrawRefusal> {
    let actor = cause.actor(applicant).id;
    let Some(application) = applications::find_for_update(txn, application_id)
        .await?
        .filter(|a| a.applicant_id == applicant.id)
    else {
        return Ok(Err(WithdrawRefusal::NotFound));
    };
    let stage = application.stage;
    if !stage.can_withdraw() || !can_move(stage, Stage::Withdrawn) {
        return Ok(Err(WithdrawRefusal::Ended(stage)));
    }
    if !applications::change_stage(
        txn,
        application_id,
        stage,
        Stage::Withdrawn,
        Some(actor),
        "",
    )
    .await?
    {
        anyhow::bail!("application {application_id} moved while locked");
    }
    applications::set_withdrawal_reason(txn, application_id, reason).await?;
    let vacancy = vacancies::find(txn, application.vacancy_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("vacancy {}", application.vacancy_id)))?;
    let mut withdrawn = Withdrawn::default();
    if let Some(was) = offers::withdraw(txn, application_id).await? {
        withdrawn.offer_withdrawn = true;
        audit::record(
            txn,
            Some(actor),
            AuditAction::OfferWithdrawn,
            &AuditSubject::Application(application_id),
            json!({ "vacancy": vacancy.id, "was": was.as_str(), "because": cause.because() }),
        )
        .await?;
    }
    // A booking is cancelled only while the interview is still to come; after it, the booking
    // is the record of when it took place.
    let upcoming = match interviews::booking_of(txn, application_id).await? {
        Some(booking) => interviews::find_slot(txn, booking.slot_id)
            .await?
            .filter(|slot| slot.starts_at > db::now()),
        None => None,
    };
    if let Some(slot) = upcoming {
        interviews::cancel(txn, application_id).await?;
        withdrawn.booking_cancelled = true;
        let when = london_time::describe(slot.starts_at);
        for (_, member) in shortlisting::panel_of(txn, vacancy.id).await? {
            let notice = StaffNotice {
                subject: format!("Interview cancelled: {} has withdrawn", reference(application_id)),
                name: member.full_name.clone(),
                paragraphs: vec![
                    format!(
                        "The applicant {} has withdrawn their application for {}.",
                        reference(application_id),
                        vacancy.title
                    ),
                    format!(
                        "Their interview on {when} is cancelled, and the place is free for another applicant to book."
                    ),
                ],
                link: Some(config.link(&format!("/shortlisting/{}/interviews", vacancy.id))),
            }
            .to_email(&member.email)?;
            outbox::enqueue(txn, &notice).await?;
        }
    }
    email_applicant(txn, config, &vacancy, &application, Stage::Withdrawn, "").await?;
    Ok(Ok(withdrawn))
}
