//! The demo's history: its demo-only accounts, its vacancies (see `history_vacancy`), a draft,
//! and existing staff from ESR, with how each employment has gone.

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait,
};
use time::{Date, Duration, OffsetDateTime};

use super::history_vacancy::load_history_vacancy;
use crate::db::employment::{self, NewEmployment};
use crate::db::{
    self, applicant_profiles, applications, organisations, programmes, users, vacancies,
};
use crate::domain::employment::{CheckpointOutcome, CheckpointSource, OVERDUE_AFTER_DAYS, Route};
use crate::domain::london_time;
use crate::domain::profile::{CareExperience, ProfileInput};
use crate::domain::{EmailAddress, Role};
use crate::entities::{employment_checkpoint, employment_record};
use crate::seed::demo::plan::{ESR_STAFF, Fate, HISTORY, History, Outcome, london};
use crate::seed::demo::words::{NOBODYS_PASSWORD_HASH, OTHER_APPLICANTS, OTHER_MANAGERS};
use crate::seed::demo::{ORGANISATIONS, demo_only_email};

/// The history, once: SPECTRA vacancies of the last four years across the partner
/// organisations, with their applications at every stage, shortlisting, interviews, offers
/// and checks, the hires' employment records and checkpoints (some in post, some moved, some
/// left, some overdue), and existing staff brought in from ESR. Dates are relative to today,
/// so the demo looks alive whenever it runs.
pub(super) async fn load_history(db: &DatabaseConnection) -> anyhow::Result<()> {
    let marker = demo_only_email("Kayden Rowe");
    if users::find_by_email(db, &marker).await?.is_some() {
        return Ok(());
    }
    let Some(programme) = programmes::all(db)
        .await?
        .into_iter()
        .find(|p| p.name == "SPECTRA 25/7")
    else {
        return Ok(());
    };
    let mut managers = Vec::new();
    for email in ["manager.alderhey@example.org", "manager.luhft@example.org"] {
        match users::find_by_email(db, email).await? {
            Some(user) => managers.push(user.id),
            None => return Ok(()),
        }
    }
    let mut organisation_ids = Vec::new();
    for name in ORGANISATIONS {
        organisation_ids.push(organisations::ensure(db, name).await?.id);
    }
    let now = db::now();
    let txn = db.begin().await?;
    for (i, (email, name)) in OTHER_MANAGERS.iter().enumerate() {
        let organisation_id = organisation_ids.get(i + 2).copied();
        managers.push(
            demo_only_account(&txn, email, name, organisation_id, Role::HiringManager).await?,
        );
    }
    let mut others = Vec::new();
    for (name, declared) in OTHER_APPLICANTS {
        let id =
            demo_only_account(&txn, &demo_only_email(name), name, None, Role::Applicant).await?;
        save_demo_profile(&txn, id, declared).await?;
        others.push((id, declared));
    }
    let mut history = History {
        now,
        today: london_time::from_utc(now).date(),
        programme_id: programme.id,
        organisations: organisation_ids.iter().copied().zip(managers).collect(),
        others,
        next_other: 0,
    };
    for vacancy in &HISTORY {
        let mut hires = Vec::new();
        for (outcome, _) in vacancy.applications {
            if let Outcome::Started(name, ..) = outcome {
                let id =
                    demo_only_account(&txn, &demo_only_email(name), name, None, Role::Applicant)
                        .await?;
                save_demo_profile(&txn, id, true).await?;
                hires.push(id);
            }
        }
        load_history_vacancy(&txn, &mut history, vacancy, &hires).await?;
    }
    load_porter_draft(&txn, &history).await?;
    load_esr_staff(&txn, &history).await?;
    // The history above was written straight into the stage changes, so the dashboard's
    // summaries are counted again from it (db::reports::summaries).
    crate::db::reports::summaries::rebuild(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// A demo-only account: one nobody can sign in as.
async fn demo_only_account(
    txn: &DatabaseTransaction,
    email: &str,
    name: &str,
    organisation_id: Option<i32>,
    role: Role,
) -> anyhow::Result<i32> {
    let email = EmailAddress::parse(email).map_err(|m| anyhow::anyhow!("{m}"))?;
    let roles = [role];
    let user = users::create(
        txn,
        users::NewUser {
            email: &email,
            full_name: name,
            password_hash: NOBODYS_PASSWORD_HASH.to_owned(),
            email_verified: true,
            organisation_id,
            roles: &roles,
        },
    )
    .await?;
    Ok(user.id)
}

/// A draft for an open vacancy: the LUHFT porter's, by the first applicant not hired who
/// declared care experience.
async fn load_porter_draft(txn: &DatabaseTransaction, history: &History) -> anyhow::Result<()> {
    if let (Some(&(luhft, _)), Some(&(applicant, _))) = (
        history.organisations.get(1),
        history.others.iter().find(|(_, declared)| *declared),
    ) && let Some(porter) = vacancies::of_organisation(txn, luhft)
        .await?
        .into_iter()
        .find(|v| v.title == "Porter" && v.closes_at > history.now)
    {
        let draft =
            applications::start(txn, porter.id, applicant, "", Some("care_experienced")).await?;
        applications::save_step(
            txn,
            draft.id,
            applications::StepChange {
                reached_step: Some(1),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// Existing staff who said they are care experienced, brought in from ESR 40 days ago, with
/// how each employment has gone.
async fn load_esr_staff(txn: &DatabaseTransaction, history: &History) -> anyhow::Result<()> {
    for (organisation, role, band, staff_group, assignment, start, fate) in ESR_STAFF {
        let Some(&(organisation_id, manager)) = history.organisations.get(organisation) else {
            continue;
        };
        let start = history.start_date(start);
        let record = employment::start(
            txn,
            &NewEmployment {
                application_id: None,
                user_id: None,
                organisation_id,
                programme_id: None,
                role: role.into(),
                band: band.into(),
                staff_group: staff_group.into(),
                start_date: start,
                apprenticeship: false,
                route: Route::Esr,
                assignment_number: Some(assignment.into()),
            },
        )
        .await?;
        let created = history.now - Duration::days(40);
        record_outcomes(txn, history, record.id, start, fate, manager, true, created).await?;
    }
    Ok(())
}

/// A demo-only applicant's profile.
async fn save_demo_profile(
    db: &impl ConnectionTrait,
    user_id: i32,
    declared: bool,
) -> anyhow::Result<()> {
    let input = ProfileInput {
        phone: "07700 900 461".into(),
        contact_preference: "email",
        care_experience: if declared {
            CareExperience::Yes
        } else {
            CareExperience::No
        },
        local_authority: if declared {
            "Liverpool City Council".into()
        } else {
            String::new()
        },
        adviser_name: String::new(),
        adviser_contact: String::new(),
        adjustments: String::new(),
    };
    applicant_profiles::save(db, user_id, &input).await?;
    Ok(())
}

/// Records how a demo employment has gone: its end, if it ended, and its checkpoints. Those
/// that fell due while the person was in post are recorded as in post (unless the fate says
/// they were not recorded: overdue); the first after they left or moved records it and any
/// later ones close; reminders are marked sent as the daily job would have sent them.
#[allow(clippy::too_many_arguments)]
pub(super) async fn record_outcomes(
    txn: &DatabaseTransaction,
    history: &History,
    record_id: i32,
    start: Date,
    fate: Fate,
    manager: i32,
    from_esr: bool,
    created_at: OffsetDateTime,
) -> anyhow::Result<()> {
    let ending = history.ending(start, fate);
    employment_record::ActiveModel {
        id: Set(record_id),
        created_at: Set(created_at),
        end_date: Set(ending.as_ref().map(|e| e.on)),
        end_kind: Set(ending.as_ref().map(|e| e.kind)),
        leaving_reason: Set(ending.as_ref().map(|e| e.reason.to_owned())),
        moved_to: Set(ending.as_ref().and_then(|e| e.moved_to).map(str::to_owned)),
        updated_at: Set(ending.as_ref().map(|e| e.recorded_at)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let unrecorded_from = match fate {
        Fate::Unrecorded(months) => Some(months),
        _ => None,
    };
    let mut end_recorded = false;
    for checkpoint in employment::checkpoints_of(txn, record_id).await? {
        let due = checkpoint.due_on;
        let (outcome, recorded_at, by_esr) = match &ending {
            Some(end) if due >= end.on => {
                let outcome = if end_recorded {
                    CheckpointOutcome::Closed
                } else {
                    end_recorded = true;
                    end.outcome
                };
                (Some(outcome), Some(end.recorded_at), from_esr)
            }
            _ if due > history.today || unrecorded_from.is_some_and(|m| checkpoint.months >= m) => {
                (None, None, false)
            }
            _ => {
                let late = Duration::days(i64::from(checkpoint.months % 5));
                let mut at = (london(due, 11, 15) + late).min(history.now);
                if let Some(end) = &ending {
                    at = at.min(end.recorded_at);
                }
                (Some(CheckpointOutcome::InPost), Some(at), false)
            }
        };
        let reminded = |at: OffsetDateTime| {
            (at <= history.now && recorded_at.is_none_or(|r| r > at)).then_some(at)
        };
        employment_checkpoint::ActiveModel {
            id: Set(checkpoint.id),
            outcome: Set(outcome),
            source: Set(outcome.map(|_| {
                if by_esr {
                    CheckpointSource::Esr
                } else {
                    CheckpointSource::Manager
                }
            })),
            recorded_by: Set(outcome.filter(|_| !by_esr).map(|_| manager)),
            recorded_at: Set(recorded_at),
            due_reminded_at: Set(reminded(london(due, 7, 0))),
            overdue_reminded_at: Set(reminded(london(
                due + Duration::days(OVERDUE_AFTER_DAYS),
                7,
                0,
            ))),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    Ok(())
}
