//! One vacancy of the demo's history, with its applications and everything they led to.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use time::{Date, Duration, OffsetDateTime};

use super::history::record_outcomes;
use crate::db::employment::{self, NewEmployment};
use crate::db::{applications, offers, vacancies};
use crate::domain::application::{self as rules, Referee, Stage};
use crate::domain::employment::Route;
use crate::domain::offer::{CheckKind, CheckStatus, checks_for};
use crate::domain::profile::CareExperience;
use crate::domain::vacancy::{CriterionInput, ReferenceType, VacancyInput, VacancyKind};
use crate::entities::{
    application, application_stage_change, final_score, interview_booking, interview_outcome,
    interview_slot, offer, offer_check, shortlist_decision, shortlist_score, shortlisting, vacancy,
    vacancy_criterion,
};
use crate::seed::demo::plan::{History, HistoryVacancy, Outcome, demo_path, london};
use crate::seed::demo::words::{
    BREACH_FEEDBACK, DEMO_EVIDENCE, NO_INTERVIEW_NOTE, NOT_APPOINTED_FEEDBACK,
    NOT_SHORTLISTED_FEEDBACK, SITES,
};

/// A vacancy of the history once created, as its applications need it.
struct Created {
    id: i32,
    organisation_id: i32,
    /// Its hiring manager, who leads everything the team does.
    lead: i32,
    criteria: Vec<vacancy_criterion::Model>,
    /// The interview slot of everyone interviewed, and the one still to come.
    slots: [Option<i32>; 2],
}

/// One application of the history: who made it, where it got to and when.
struct Applying {
    id: i32,
    applicant: i32,
    outcome: Outcome,
    /// In the guaranteed interview scheme (only an applicant who declared care experience).
    opted_in: bool,
    path: Vec<(Stage, OffsetDateTime)>,
    start: Option<Date>,
    started_at: Option<OffsetDateTime>,
}

impl Applying {
    /// When the application reached `stage`, if it did.
    fn reached(&self, stage: Stage) -> Option<OffsetDateTime> {
        self.path
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, at)| *at)
    }
}

/// One vacancy of the history, with its applications and everything they led to.
pub(super) async fn load_history_vacancy(
    txn: &DatabaseTransaction,
    history: &mut History,
    spec: &HistoryVacancy,
    hires: &[i32],
) -> anyhow::Result<()> {
    let Some(&(organisation_id, lead)) = history.organisations.get(spec.organisation) else {
        return Ok(());
    };
    // Start dates first: a vacancy with hires closed 60 days before the first of them started.
    let starts: Vec<Option<Date>> = spec
        .applications
        .iter()
        .map(|(o, _)| match o {
            Outcome::Started(_, start, _) => Some(history.start_date(*start)),
            _ => None,
        })
        .collect();
    let closed_on = match spec.closed_days_ago {
        Some(days) => history.today - Duration::days(days),
        None => {
            starts
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or(history.today)
                - Duration::days(60)
        }
    };
    let created = create_vacancy(txn, history, spec, (organisation_id, lead), closed_on).await?;
    let mut next_hire = hires.iter();
    for (i, ((outcome, opted_in), start)) in spec.applications.iter().zip(&starts).enumerate() {
        let (applicant, declared) = match outcome {
            Outcome::Started(..) => match next_hire.next() {
                Some(&id) => (id, true),
                None => continue,
            },
            _ => history.other_applicant(spec.ring_fenced, *opted_in)?,
        };
        let hours = i64::try_from(i).unwrap_or(0);
        let draft_at = london(closed_on - Duration::days(10), 9, 0) + Duration::hours(5 * hours);
        let started_at = start.map(|d| london(d, 9, 0));
        let applying = Applying {
            id: 0,
            applicant,
            outcome: *outcome,
            opted_in: *opted_in && declared,
            path: demo_path(*outcome, closed_on, draft_at, started_at),
            start: *start,
            started_at,
        };
        load_application(txn, history, spec, &created, applying, declared).await?;
    }
    Ok(())
}

/// The vacancy, published four weeks before it closed, with its shortlisting (when complete)
/// and its interview slots.
async fn create_vacancy(
    txn: &DatabaseTransaction,
    history: &History,
    spec: &HistoryVacancy,
    (organisation_id, lead): (i32, i32),
    closed_on: Date,
) -> anyhow::Result<Created> {
    let closes = london(closed_on, 23, 59);
    let input = vacancy_input(history, spec, closes);
    let created = vacancies::create(txn, organisation_id, lead, &input).await?;
    vacancies::publish(txn, created.id).await?;
    let published = closes - Duration::days(28);
    vacancy::ActiveModel {
        id: Set(created.id),
        published_at: Set(Some(published)),
        created_at: Set(published - Duration::days(2)),
        updated_at: Set(published),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let criteria = vacancies::criteria_of(txn, created.id).await?;
    let shortlisting_done = !spec
        .applications
        .iter()
        .any(|(o, _)| matches!(o, Outcome::Submitted | Outcome::Shortlisting));
    if shortlisting_done {
        shortlisting::ActiveModel {
            vacancy_id: Set(created.id),
            completed_at: Set(Some(london(closed_on + Duration::days(5), 15, 0))),
            completed_by: Set(Some(lead)),
            exception_status: Set(crate::domain::shortlisting::ExceptionStatus::None),
            exception_reason: Set(String::new()),
            exception_cap: Set(None),
            exception_requested_by: Set(None),
            exception_requested_at: Set(None),
            exception_decided_by: Set(None),
            exception_decided_at: Set(None),
            exception_decision_note: Set(String::new()),
        }
        .insert(txn)
        .await?;
    }
    // One interview slot for everyone interviewed; one still to come for those booked.
    let interviewed = spec
        .applications
        .iter()
        .filter(|(o, _)| {
            matches!(
                o,
                Outcome::Interviewed
                    | Outcome::Unsuccessful
                    | Outcome::ConditionalOffer
                    | Outcome::ChecksComplete(_)
                    | Outcome::Started(..)
            )
        })
        .count();
    let booked = spec
        .applications
        .iter()
        .filter(|(o, _)| matches!(o, Outcome::Booked))
        .count();
    let mut slots = [None, None];
    for (slot, (count, starts_at)) in slots.iter_mut().zip([
        (interviewed, london(closed_on + Duration::days(14), 10, 0)),
        (booked, london(history.today + Duration::days(5), 10, 0)),
    ]) {
        if count > 0 {
            let created_slot = interview_slot::ActiveModel {
                vacancy_id: Set(created.id),
                starts_at: Set(starts_at),
                minutes: Set(45),
                place: Set(format!("Meeting room 2, {}", input.location)),
                capacity: Set(i32::try_from(count + 1).unwrap_or(1)),
                created_by: Set(lead),
                created_at: Set(london(closed_on + Duration::days(5), 16, 0)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            *slot = Some(created_slot.id);
        }
    }
    Ok(Created {
        id: created.id,
        organisation_id,
        lead,
        criteria,
        slots,
    })
}

/// What the vacancy's manager wrote, with as many positions as it hires.
fn vacancy_input(history: &History, spec: &HistoryVacancy, closes: OffsetDateTime) -> VacancyInput {
    let positions = spec
        .applications
        .iter()
        .filter(|(o, _)| {
            matches!(
                o,
                Outcome::Started(..) | Outcome::ChecksComplete(_) | Outcome::ConditionalOffer
            )
        })
        .count()
        .max(1);
    VacancyInput {
        title: spec.title.into(),
        programme_id: spec.programme.then_some(history.programme_id),
        kind: spec.kind,
        band: spec.band.into(),
        working_pattern: match spec.kind {
            VacancyKind::Apprenticeship => "37.5 hours a week, one day a week at college".into(),
            _ => "37.5 hours a week, days, with some weekends".into(),
        },
        salary: crate::seed::synthetic::salary(spec.band).into(),
        location: SITES.get(spec.organisation).copied().unwrap_or_default().into(),
        positions: i32::try_from(positions).unwrap_or(1),
        closes_at: closes,
        ring_fenced: spec.ring_fenced,
        summary: "Start your NHS career with full training and a named mentor.".into(),
        description: "You will work alongside experienced colleagues who will show you how everything is done.\n\nWe welcome applications from people with experience of the care system.".into(),
        entry_requirements: match spec.kind {
            VacancyKind::Apprenticeship => "You do not need any qualifications to start.\nFunctional Skills English and maths are part of the apprenticeship if you need them.".into(),
            _ => String::new(),
        },
        criteria: vec![
            CriterionInput { essential: true, text: "Reliable and on time".into() },
            CriterionInput { essential: true, text: "Kind and respectful with patients and colleagues".into() },
            CriterionInput { essential: false, text: "Some experience of work, volunteering or caring".into() },
        ],
        reference_options: ReferenceType::ALL.to_vec(),
        contact_name: "Recruitment team".into(),
        contact_role: "Recruiting manager".into(),
        contact_email: "recruitment@example.org".into(),
        contact_phone: "0151 496 0123".into(),
    }
}

/// One application, with its stage changes and, as far as it got, its answers and referees,
/// shortlisting, interview, offer and hire.
async fn load_application(
    txn: &DatabaseTransaction,
    history: &History,
    spec: &HistoryVacancy,
    created: &Created,
    mut applying: Applying,
    declared: bool,
) -> anyhow::Result<()> {
    let Some(id) = insert_application(txn, spec, created, &applying, declared).await? else {
        return Ok(());
    };
    applying.id = id;
    if applying.reached(Stage::Submitted).is_none() {
        return Ok(());
    }
    let evidence: Vec<(i32, String)> = created
        .criteria
        .iter()
        .map(|c| (c.id, DEMO_EVIDENCE.to_owned()))
        .collect();
    applications::save_answers(txn, id, &evidence).await?;
    applications::save_referees(
        txn,
        id,
        &[Referee {
            kind: ReferenceType::PersonalAdviser,
            name: "Alex Adviser".into(),
            relationship: "My personal adviser".into(),
            email: "personal.adviser@example.org".into(),
            phone: String::new(),
        }],
    )
    .await?;
    let Some(decided_at) = applying.reached(Stage::Shortlisting) else {
        return Ok(());
    };
    shortlist(txn, created, &applying, decided_at).await?;
    interview(txn, created, &applying).await?;
    let Some(offered_at) = applying.reached(Stage::ConditionalOffer) else {
        return Ok(());
    };
    accepted_offer(txn, history, spec, created, &applying, offered_at).await?;
    hire(txn, history, spec, created, &applying).await
}

/// The application's row and its stage changes, written when they happened; its ID, or
/// `None` for an application with no stages.
async fn insert_application(
    txn: &DatabaseTransaction,
    spec: &HistoryVacancy,
    created: &Created,
    applying: &Applying,
    declared: bool,
) -> anyhow::Result<Option<i32>> {
    let path = &applying.path;
    let Some(&(stage, last_at)) = path.last() else {
        return Ok(None);
    };
    let Some(&(_, draft_at)) = path.first() else {
        return Ok(None);
    };
    let applicant = applying.applicant;
    let submitted_at = applying.reached(Stage::Submitted);
    let declared_as = Some(if declared {
        CareExperience::Yes
    } else {
        CareExperience::No
    });
    let application =
        application::ActiveModel {
            vacancy_id: Set(created.id),
            applicant_id: Set(applicant),
            stage: Set(stage),
            reached_step: Set(if submitted_at.is_some() {
                i32::try_from(rules::steps(declared_as).len()).unwrap_or(6)
            } else {
                1
            }),
            guaranteed_interview: Set(
                (declared && submitted_at.is_some()).then_some(applying.opted_in)
            ),
            adjustments: Set(String::new()),
            confirmed_definition: Set(spec.ring_fenced.then(|| "care_experienced".to_owned())),
            withdrawal_reason: Set(if stage == Stage::Withdrawn {
                "I have accepted another job.".into()
            } else {
                String::new()
            }),
            submitted_at: Set(submitted_at),
            created_at: Set(draft_at),
            updated_at: Set(last_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    let id = application.id;
    let mut from = None;
    let mut changes = Vec::new();
    for &(to, at) in path {
        let by_applicant = matches!(to, Stage::Draft | Stage::Submitted | Stage::Withdrawn);
        let note = match (to, applying.outcome) {
            (Stage::NotShortlisted, Outcome::BreachNotShortlisted) => BREACH_FEEDBACK,
            (Stage::NotShortlisted, _) => NOT_SHORTLISTED_FEEDBACK,
            (Stage::Unsuccessful, Outcome::BreachNoInterview) => NO_INTERVIEW_NOTE,
            (Stage::Unsuccessful, _) => NOT_APPOINTED_FEEDBACK,
            _ => "",
        };
        changes.push(application_stage_change::ActiveModel {
            application_id: Set(id),
            from_stage: Set(from),
            to_stage: Set(to),
            actor_user_id: Set(Some(if by_applicant {
                applicant
            } else {
                created.lead
            })),
            note: Set(note.to_owned()),
            created_at: Set(at),
            ..Default::default()
        });
        from = Some(to);
    }
    application_stage_change::Entity::insert_many(changes)
        .exec_without_returning(txn)
        .await?;
    Ok(Some(id))
}

/// Shortlisting: the lead's scores, the final scores and the decision.
async fn shortlist(
    txn: &DatabaseTransaction,
    created: &Created,
    applying: &Applying,
    decided_at: OffsetDateTime,
) -> anyhow::Result<()> {
    let (id, lead, outcome) = (applying.id, created.lead, applying.outcome);
    let invited = applying.reached(Stage::InvitedToInterview).is_some()
        || matches!(outcome, Outcome::Shortlisting);
    let met = !matches!(outcome, Outcome::NotShortlisted);
    let scores: [i16; 3] = if met { [3, 2, 1] } else { [1, 2, 0] };
    let mut lead_scores = Vec::new();
    let mut finals = Vec::new();
    for (criterion, score) in created.criteria.iter().zip(scores) {
        lead_scores.push(shortlist_score::ActiveModel {
            application_id: Set(id),
            criterion_id: Set(criterion.id),
            scorer_id: Set(lead),
            score: Set(score),
            note: Set(String::new()),
            updated_at: Set(decided_at - Duration::hours(4)),
            ..Default::default()
        });
        finals.push(final_score::ActiveModel {
            application_id: Set(id),
            criterion_id: Set(criterion.id),
            score: Set(score),
            set_by: Set(lead),
            updated_at: Set(decided_at - Duration::hours(1)),
            ..Default::default()
        });
    }
    shortlist_score::Entity::insert_many(lead_scores)
        .exec_without_returning(txn)
        .await?;
    final_score::Entity::insert_many(finals)
        .exec_without_returning(txn)
        .await?;
    shortlist_decision::ActiveModel {
        application_id: Set(id),
        invited: Set(invited),
        feedback: Set(match outcome {
            Outcome::NotShortlisted => NOT_SHORTLISTED_FEEDBACK.into(),
            Outcome::BreachNotShortlisted => BREACH_FEEDBACK.into(),
            _ => String::new(),
        }),
        // The guaranteed interview rule invites those in the scheme who meet the essential
        // criteria; the lead decides on the rest.
        automatic: Set(invited && applying.opted_in && met),
        decided_by: Set(lead),
        decided_at: Set(decided_at),
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The interview: booked into a slot; its outcome once it has happened.
async fn interview(
    txn: &DatabaseTransaction,
    created: &Created,
    applying: &Applying,
) -> anyhow::Result<()> {
    let (id, outcome) = (applying.id, applying.outcome);
    if let Some(booked_at) = applying.reached(Stage::InterviewBooked) {
        let slot = if matches!(outcome, Outcome::Booked) {
            created.slots[1]
        } else {
            created.slots[0]
        };
        if let Some(slot_id) = slot {
            interview_booking::ActiveModel {
                application_id: Set(id),
                slot_id: Set(slot_id),
                sequence: Set(0),
                booked_at: Set(booked_at),
            }
            .insert(txn)
            .await?;
        }
    }
    if let Some(interviewed_at) = applying.reached(Stage::Interviewed) {
        let appointable = !matches!(outcome, Outcome::Unsuccessful);
        interview_outcome::ActiveModel {
            application_id: Set(id),
            appointable: Set(appointable),
            feedback: Set(if appointable {
                String::new()
            } else {
                NOT_APPOINTED_FEEDBACK.into()
            }),
            recorded_by: Set(created.lead),
            recorded_at: Set(interviewed_at),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The offer, accepted, and its checks; verified once the checks are complete. Written when
/// it happened, not now.
async fn accepted_offer(
    txn: &DatabaseTransaction,
    history: &History,
    spec: &HistoryVacancy,
    created: &Created,
    applying: &Applying,
    offered_at: OffsetDateTime,
) -> anyhow::Result<()> {
    let (id, lead) = (applying.id, created.lead);
    let checks = checks_for(spec.ring_fenced, applying.opted_in);
    offers::make(txn, id, created.id, lead).await?;
    if let Err(refused) = offers::accept(txn, id, created.id, &checks).await? {
        anyhow::bail!("demo offer {id} not accepted: {refused:?}");
    }
    let complete_at = applying.reached(Stage::ChecksComplete);
    if complete_at.is_none() {
        // Checks under way: some verified, some received, the rest pending.
        for kind in &checks {
            let status = match kind {
                CheckKind::Identity | CheckKind::RightToWork => CheckStatus::Verified,
                CheckKind::CriminalRecord | CheckKind::CareExperience => CheckStatus::Received,
                _ => continue,
            };
            offers::update_check(txn, id, *kind, status, "", lead).await?;
        }
    }
    let start_date = match applying.outcome {
        Outcome::ChecksComplete(in_days) => Some(history.today + Duration::days(in_days)),
        _ => applying.start,
    };
    if let Some(date) = start_date {
        offers::set_start_date(txn, id, date).await?;
    }
    let accepted_at = offered_at + Duration::days(2);
    offer::ActiveModel {
        application_id: Set(id),
        offered_at: Set(offered_at),
        responded_at: Set(Some(accepted_at)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let mut checked = offer_check::Entity::update_many()
        .col_expr(
            offer_check::Column::UpdatedAt,
            Expr::value(complete_at.unwrap_or(accepted_at + Duration::days(5))),
        )
        .filter(offer_check::Column::ApplicationId.eq(id));
    if complete_at.is_some() {
        // Every check verified by the lead before the checks were complete.
        checked = checked
            .col_expr(
                offer_check::Column::Status,
                Expr::value(CheckStatus::Verified),
            )
            .col_expr(offer_check::Column::UpdatedBy, Expr::value(Some(lead)));
    }
    checked.exec(txn).await?;
    Ok(())
}

/// The hire: the employment record, its checkpoints and how it has gone.
async fn hire(
    txn: &DatabaseTransaction,
    history: &History,
    spec: &HistoryVacancy,
    created: &Created,
    applying: &Applying,
) -> anyhow::Result<()> {
    let (Outcome::Started(_, _, fate), Some(start), Some(started_at)) =
        (applying.outcome, applying.start, applying.started_at)
    else {
        return Ok(());
    };
    let record = employment::start(
        txn,
        &NewEmployment {
            application_id: Some(applying.id),
            user_id: Some(applying.applicant),
            organisation_id: created.organisation_id,
            programme_id: spec.programme.then_some(history.programme_id),
            role: spec.title.into(),
            band: spec.band.into(),
            staff_group: spec.staff_group.into(),
            start_date: start,
            apprenticeship: spec.kind == VacancyKind::Apprenticeship,
            route: Route::Spectra,
            assignment_number: None,
        },
    )
    .await?;
    record_outcomes(
        txn,
        history,
        record.id,
        start,
        fate,
        created.lead,
        false,
        started_at,
    )
    .await
}
