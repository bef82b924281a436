//! One application with everything about it: the vacancy, answers, referees, stages,
//! shortlisting, interview and offer.

use sea_orm::ConnectionTrait;

use super::{
    Answer, Application, Booking, Check, Decision, FinalScore, Interview, InterviewOutcome, Offer,
    Referee, Score, Shortlisting, StageChange, VacancyApplied, at, at_opt, day,
};
use crate::db::{applications, interviews, offers, organisations, shortlisting, vacancies};
use crate::domain::application::reference;
use crate::entities::{application, vacancy_criterion};

/// One application with everything hanging off it.
pub(super) async fn application_of(
    db: &impl ConnectionTrait,
    me: i32,
    a: application::Model,
) -> anyhow::Result<Application> {
    let vacancy = vacancies::find(db, a.vacancy_id).await?;
    let organisation = match &vacancy {
        Some(v) => organisations::find(db, v.organisation_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let criteria = vacancies::criteria_of(db, a.vacancy_id).await?;
    let criterion = |id: i32| criterion_text(&criteria, id);
    let mut answer_rows = applications::answers_of(db, a.id).await?;
    answer_rows.sort_by_key(|ans| criteria.iter().position(|c| c.id == ans.criterion_id));
    let answers = answer_rows
        .into_iter()
        .map(|ans| Answer {
            criterion: criterion(ans.criterion_id),
            essential: criteria
                .iter()
                .find(|c| c.id == ans.criterion_id)
                .is_some_and(|c| c.essential),
            evidence: ans.evidence,
        })
        .collect();
    let referees = applications::referees_of(db, a.id)
        .await?
        .into_iter()
        .map(|r| Referee {
            kind: r.kind.as_str().to_owned(),
            name: r.name,
            relationship: r.relationship,
            email: r.email,
            phone: r.phone,
        })
        .collect();
    let stage_history = applications::timeline(db, a.id)
        .await?
        .into_iter()
        .map(|c| StageChange {
            from: c.from_stage.map(|s| s.as_str().to_owned()),
            to: c.to_stage.as_str().to_owned(),
            by: match c.actor_user_id {
                Some(id) if id == me => "you",
                Some(_) => "staff",
                None => "the service",
            },
            note: c.note,
            at: at(c.created_at),
        })
        .collect();

    let shortlisting = shortlisting_of(db, &a, &criteria).await?;
    let interview = interview_of(db, a.id).await?;
    let offer = offer_of(db, a.id).await?;

    Ok(Application {
        id: a.id,
        reference: reference(a.id),
        vacancy: VacancyApplied {
            id: a.vacancy_id,
            title: vacancy.map(|v| v.title).unwrap_or_default(),
            organisation,
        },
        stage_in_words: a.stage.label().to_owned(),
        stage: a.stage.as_str().to_owned(),
        started_at: at(a.created_at),
        sent_at: at_opt(a.submitted_at),
        updated_at: at(a.updated_at),
        guaranteed_interview_scheme: a.guaranteed_interview,
        confirmed_definition: a.confirmed_definition,
        support_needs: a.adjustments,
        withdrawal_reason: a.withdrawal_reason,
        answers,
        referees,
        stage_history,
        shortlisting,
        interview,
        offer,
    })
}

/// The text of a vacancy's criterion, by its ID.
fn criterion_text(criteria: &[vacancy_criterion::Model], id: i32) -> String {
    criteria
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.text.clone())
        .unwrap_or_default()
}

/// Shortlisting of the application: each panel member's scores (members numbered, not named),
/// the lead's final scores, and the decision.
async fn shortlisting_of(
    db: &impl ConnectionTrait,
    a: &application::Model,
    criteria: &[vacancy_criterion::Model],
) -> anyhow::Result<Shortlisting> {
    let ids = [a.id];
    let criterion = |id: i32| criterion_text(criteria, id);
    let complete = shortlisting::state_of(db, a.vacancy_id)
        .await?
        .completed_at
        .is_some();
    let mut scorer_ids: Vec<i32> = Vec::new();
    let mut score_rows = shortlisting::scores_for(db, &ids).await?;
    score_rows.sort_by_key(|s| {
        (
            s.scorer_id,
            criteria.iter().position(|c| c.id == s.criterion_id),
        )
    });
    let scores = score_rows
        .into_iter()
        .map(|s| {
            let panel_member = match scorer_ids.iter().position(|id| *id == s.scorer_id) {
                Some(i) => i + 1,
                None => {
                    scorer_ids.push(s.scorer_id);
                    scorer_ids.len()
                }
            };
            Score {
                panel_member,
                criterion: criterion(s.criterion_id),
                score: s.score,
                note: s.note,
                updated_at: at(s.updated_at),
            }
        })
        .collect();
    let mut final_rows = shortlisting::finals_for(db, &ids).await?;
    final_rows.sort_by_key(|f| criteria.iter().position(|c| c.id == f.criterion_id));
    let final_scores = final_rows
        .into_iter()
        .map(|f| FinalScore {
            criterion: criterion(f.criterion_id),
            score: f.score,
        })
        .collect();
    let decision = shortlisting::decisions_for(db, &ids)
        .await?
        .into_iter()
        .next()
        .map(|d| Decision {
            invited: d.invited,
            invited_automatically: d.automatic,
            feedback: d.feedback,
            decided_at: at(d.decided_at),
        });
    Ok(Shortlisting {
        complete,
        scores,
        final_scores,
        decision,
    })
}

/// The interview: when the times were sent, the booking and the outcome; `None` when none of
/// them happened.
async fn interview_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> anyhow::Result<Option<Interview>> {
    let ids = [application_id];
    let told = interviews::told_of(db, &ids).await?.into_iter().next();
    let booking = match interviews::booking_of(db, application_id).await? {
        Some(b) => interviews::find_slot(db, b.slot_id)
            .await?
            .map(|slot| Booking {
                starts_at: at(slot.starts_at),
                minutes: slot.minutes,
                place: slot.place,
                booked_at: at(b.booked_at),
            }),
        None => None,
    };
    let outcome = interviews::outcomes_for(db, &ids)
        .await?
        .into_iter()
        .next()
        .map(|o| InterviewOutcome {
            appointable: o.appointable,
            feedback: o.feedback,
            recorded_at: at(o.recorded_at),
        });
    Ok(
        (told.is_some() || booking.is_some() || outcome.is_some()).then(|| Interview {
            told_times_at: told.map(|t| at(t.told_at)),
            booking,
            outcome,
        }),
    )
}

/// The offer and its pre-employment checks, if one was made.
async fn offer_of(db: &impl ConnectionTrait, application_id: i32) -> anyhow::Result<Option<Offer>> {
    Ok(match offers::find(db, application_id).await? {
        Some(o) => {
            let checks = offers::checks_of(db, application_id)
                .await?
                .into_iter()
                .map(|c| Check {
                    name: c.kind.label().to_owned(),
                    kind: c.kind.as_str().to_owned(),
                    status: c.status.as_str().to_owned(),
                    note: c.note,
                    updated_at: at(c.updated_at),
                })
                .collect();
            Some(Offer {
                status: o.status.as_str().to_owned(),
                offered_at: at(o.offered_at),
                answered_at: at_opt(o.responded_at),
                start_date: o.start_date.map(day),
                checks,
            })
        }
        None => None,
    })
}
