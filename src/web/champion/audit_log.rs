//! The audit log: every event, newest first, 50 a page, filtered by vacancy, by who acted,
//! by kind (every kind, grouped by area) and by what it is about, with a plain GET form so
//! the filters work without JavaScript.

use crate::domain::audit_subject::AuditSubject;
use crate::domain::employment::CorrectionReason;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::Value;

use crate::app::AppState;
use crate::db::audit::{self, ActorFilter, AuditAction, AuditFilter};
use crate::db::{users, vacancies};
use crate::domain::application::reference;
use crate::domain::london_time;
use crate::entities::{audit_event, user};
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, Page};
use crate::web::roles::Champion;

const PER_PAGE: u64 = 50;
/// The actor filter's value for events with no user behind them.
const SYSTEM: &str = "system";

/// The filters and page, as in the query string.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    vacancy: String,
    actor: String,
    kind: String,
    subject: String,
    page: String,
}

/// The longest subject stored (the column's length).
const MAX_SUBJECT: usize = 200;

/// Reads what an event is about, as stored: a kind of thing, and usually its number
/// ("application:7", "user:42", "vacancy:12"), or a word alone ("address"). Case and spaces
/// around it do not matter; `None` when it cannot be one.
fn parse_subject(typed: &str) -> Option<String> {
    let subject = typed.trim().to_lowercase();
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let id = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let ok = subject.chars().count() <= MAX_SUBJECT
        && match subject.split_once(':') {
            Some((kind, rest)) => word(kind) && id(rest),
            None => word(&subject),
        };
    ok.then_some(subject)
}

/// The areas the kinds of event are grouped in, in the order the filter lists them.
const AREAS: [&str; 7] = [
    "Recruitment",
    "Offers and checks",
    "Retention",
    "Accounts and sign-in",
    "Privacy",
    "Organisations",
    "Mentoring",
];

/// The area a kind of event belongs to, in the filter. A match with no catch-all, so every
/// new kind must be given one.
fn area(action: AuditAction) -> &'static str {
    use AuditAction as A;
    match action {
        A::VacancyPublished
        | A::VacancyChanged
        | A::VacancyClosed
        | A::VacancyReopened
        | A::ExceptionRequested
        | A::ExceptionApproved
        | A::ExceptionRefused
        | A::OverrideRefused
        | A::InvitedAutomatically
        | A::FinalScoresChangedAfterInvitation
        | A::DeclinedWithFeedback
        | A::IdentitiesRevealed
        | A::RevealViewed
        | A::PanelMemberAdded
        | A::PanelMemberRemoved
        | A::PanelLeadChanged
        | A::InterviewTimeChanged
        | A::InterviewTimesTold
        | A::InterviewOutcomeRecorded => AREAS[0],
        A::OfferMade
        | A::OfferAccepted
        | A::OfferDeclined
        | A::OfferWithdrawn
        | A::CheckChanged
        | A::StartDateSet
        | A::StartConfirmed => AREAS[1],
        A::CheckpointRecorded
        | A::LeavingRecorded
        | A::RecordCorrected
        | A::EsrImported
        | A::ReportExported => AREAS[2],
        A::SignedIn
        | A::SignInLocked
        | A::PasswordChanged
        | A::PasswordReset
        | A::RolesChanged
        | A::AccountDeactivated
        | A::AccountReactivated
        | A::InvitationSent
        | A::InvitationRevoked
        | A::InvitationAccepted
        | A::AccountCreatedByCli => AREAS[3],
        A::ApplicantDetailsViewed
        | A::DataDownloaded
        | A::AccountDeleted
        | A::StaffAccountRetired
        | A::ApplicationsPurged => AREAS[4],
        A::OrganisationAdded
        | A::OrganisationChanged
        | A::OrganisationDeactivated
        | A::OrganisationReactivated => AREAS[5],
        A::MentorAdded
        | A::MentoringImported
        | A::MentoringExported
        | A::MenteeApproved
        | A::MenteeDeclined
        | A::MentoringExclusionChanged
        | A::MentoringSettingsChanged
        | A::MatchConfirmed
        | A::MentoringEnded
        | A::MentoringRecordViewed => AREAS[6],
    }
}

/// Every kind of event, grouped by area, for the filter.
fn kind_groups() -> Vec<KindGroup> {
    AREAS
        .iter()
        .map(|&label| KindGroup {
            label,
            kinds: AuditAction::ALL
                .into_iter()
                .filter(|a| area(*a) == label)
                .collect(),
        })
        .collect()
}

/// Kinds of event of one area, an `<optgroup>` of the filter.
pub struct KindGroup {
    label: &'static str,
    kinds: Vec<AuditAction>,
}

/// Reads the filters, keeping an error against each one that cannot be read.
fn parse_filter(query: &AuditQuery) -> Result<AuditFilter, FormErrors> {
    let mut errors = FormErrors::default();
    let vacancy = query.vacancy.trim();
    let vacancy_id = if vacancy.is_empty() {
        None
    } else {
        let id = vacancy.parse::<i32>().ok().filter(|id| *id > 0);
        if id.is_none() {
            errors.add(
                "vacancy",
                "Enter a vacancy number using the numbers 0 to 9, for example 12",
            );
        }
        id
    };
    let actor = match query.actor.as_str() {
        "" => ActorFilter::Anyone,
        SYSTEM => ActorFilter::System,
        id => match id.parse::<i32>() {
            Ok(id) => ActorFilter::User(id),
            Err(_) => {
                errors.add("actor", "Choose who did it from the list");
                ActorFilter::Anyone
            }
        },
    };
    let action = match query.kind.as_str() {
        "" => None,
        name => {
            let action = AuditAction::parse(name);
            if action.is_none() {
                errors.add("kind", "Choose what happened from the list");
            }
            action
        }
    };
    let subject = match query.subject.trim() {
        "" => None,
        typed => {
            let subject = parse_subject(typed);
            if subject.is_none() {
                errors.add(
                    "subject",
                    "Enter what the event is about as a kind of thing, a colon and its number, for example application:7 or user:42",
                );
            }
            subject
        }
    };
    if errors.is_empty() {
        Ok(AuditFilter {
            vacancy_id,
            actor,
            action,
            subject,
        })
    } else {
        Err(errors)
    }
}

/// One event, ready to show.
pub struct EventRow {
    when: String,
    actor: String,
    kind: String,
    subject: String,
    /// The vacancy the subject names, to offer its events alone.
    subject_vacancy: Option<i32>,
    /// The subject as stored, to offer its events alone.
    subject_filter: String,
    /// (what, value) pairs, by name.
    details: Vec<(String, String)>,
}

/// Someone to choose in the actor filter.
pub struct ActorOption {
    value: String,
    label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "champion/audit.html")]
pub struct AuditTemplate {
    page: Page,
    query: AuditQuery,
    errors: FormErrors,
    filtered: bool,
    rows: Vec<EventRow>,
    actors: Vec<ActorOption>,
    kinds: Vec<KindGroup>,
    total: u64,
    page_number: u64,
    page_count: u64,
    filter_query: String,
}

/// The audit log, filtered.
pub async fn list(
    State(state): State<AppState>,
    Champion(_me): Champion,
    page: Page,
    Query(query): Query<AuditQuery>,
) -> AppResult<AuditTemplate> {
    let actor_ids = audit::actor_ids(&state.db).await?;
    let mut actors_known = users::by_ids(&state.db, &actor_ids).await?;
    actors_known.sort_by(|a, b| a.full_name.cmp(&b.full_name).then(a.email.cmp(&b.email)));
    let mut actors: Vec<ActorOption> = actors_known
        .iter()
        .map(|u| ActorOption {
            value: u.id.to_string(),
            label: format!("{} ({})", u.full_name, u.email),
        })
        .collect();
    actors.push(ActorOption {
        value: SYSTEM.to_owned(),
        label: "No one: the command line".to_owned(),
    });

    let (filter, errors) = match parse_filter(&query) {
        Ok(filter) => (Some(filter), FormErrors::default()),
        Err(errors) => (None, errors),
    };
    let requested = query.page.trim().parse::<u64>().unwrap_or(1).max(1);
    let (events, total) = match &filter {
        Some(filter) => audit::page(&state.db, filter, requested - 1, PER_PAGE).await?,
        None => (Vec::new(), 0),
    };
    let rows = rows(&state, events).await?;
    let filter_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("vacancy", query.vacancy.trim())
        .append_pair("actor", &query.actor)
        .append_pair("kind", &query.kind)
        .append_pair("subject", query.subject.trim())
        .finish();
    Ok(AuditTemplate {
        page,
        filtered: filter.is_some_and(|f| f != AuditFilter::default()),
        errors,
        rows,
        actors,
        kinds: kind_groups(),
        total,
        page_number: requested,
        page_count: total.div_ceil(PER_PAGE).max(1),
        filter_query,
        query,
    })
}

/// Turns events into rows: names for the people and vacancies they mention.
async fn rows(state: &AppState, events: Vec<audit_event::Model>) -> AppResult<Vec<EventRow>> {
    let details: Vec<Value> = events
        .iter()
        .map(|e| serde_json::from_str(&e.details).unwrap_or(Value::Null))
        .collect();
    let mut people_ids: Vec<i32> = events.iter().filter_map(|e| e.actor_user_id).collect();
    let subjects: Vec<Option<AuditSubject>> =
        events.iter().map(|e| e.subject.parse().ok()).collect();
    people_ids.extend(subjects.iter().filter_map(|s| match s {
        Some(AuditSubject::User(id)) => Some(*id),
        _ => None,
    }));
    let people = users::by_ids(&state.db, &people_ids).await?;
    let mut vacancy_ids: Vec<i32> = events
        .iter()
        .filter_map(|e| match e.subject.parse() {
            Ok(AuditSubject::Vacancy(id)) => Some(id),
            _ => None,
        })
        .chain(
            details
                .iter()
                .filter_map(|d| d.get("vacancy")?.as_i64())
                .filter_map(|id| i32::try_from(id).ok()),
        )
        .collect();
    vacancy_ids.sort_unstable();
    vacancy_ids.dedup();
    let mut titles = Vec::with_capacity(vacancy_ids.len());
    for id in vacancy_ids {
        if let Some(v) = vacancies::find(&state.db, id).await? {
            titles.push((id, v.title));
        }
    }
    let vacancy_name = |id: i32| match titles.iter().find(|(v, _)| *v == id) {
        Some((_, title)) => format!("Vacancy {id}: {title}"),
        None => format!("Vacancy {id}"),
    };
    Ok(events
        .into_iter()
        .zip(details)
        .zip(subjects)
        .map(|((event, details), parsed)| {
            let subject_vacancy = match parsed {
                Some(AuditSubject::Vacancy(id)) => Some(id),
                _ => None,
            };
            // An old or unknown subject is shown as it is stored.
            let subject = match parsed {
                Some(AuditSubject::Vacancy(id)) => vacancy_name(id),
                Some(AuditSubject::Application(id)) => format!("Application {}", reference(id)),
                Some(AuditSubject::User(id)) => people.iter().find(|u| u.id == id).map_or_else(
                    || format!("Account {id} (removed)"),
                    |u| format!("Account of {}", u.full_name),
                ),
                Some(AuditSubject::Invitation(id)) => format!("Invitation {id}"),
                Some(AuditSubject::Employment(id)) => {
                    format!("Employee {}", crate::services::retention::reference(id))
                }
                Some(AuditSubject::Address) => {
                    "Sign-in from an email address with no account".to_owned()
                }
                _ => event.subject.clone(),
            };
            EventRow {
                when: london_time::describe(event.created_at),
                actor: event.actor_user_id.map_or_else(
                    || "No one: the command line".to_owned(),
                    |id| name_of(&people, id),
                ),
                kind: AuditAction::parse(&event.action)
                    .map_or_else(|| event.action.clone(), |a| a.label().to_owned()),
                subject,
                subject_vacancy,
                subject_filter: form_urlencoded::Serializer::new(String::new())
                    .append_pair("subject", &event.subject)
                    .finish(),
                details: describe_details(&details, &vacancy_name),
            }
        })
        .collect())
}

fn name_of(people: &[user::Model], id: i32) -> String {
    people.iter().find(|u| u.id == id).map_or_else(
        || format!("Account {id} (removed)"),
        |u| u.full_name.clone(),
    )
}

/// The details of an event as (what, value) pairs in plain words.
fn describe_details(
    details: &Value,
    vacancy_name: &dyn Fn(i32) -> String,
) -> Vec<(String, String)> {
    match details {
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| {
                let shown = match (key.as_str(), value.as_i64()) {
                    ("vacancy", Some(id)) => {
                        i32::try_from(id).map_or_else(|_| id.to_string(), vacancy_name)
                    }
                    ("attempted", _) => value_text(value).replace('_', " "),
                    ("reason", _) => value
                        .as_str()
                        .and_then(CorrectionReason::parse)
                        .map_or_else(|| value_text(value), |r| r.label().to_owned()),
                    _ => value_text(value),
                };
                (key_label(key), shown)
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![("Details".to_owned(), value_text(other))],
    }
}

/// A detail's name in plain words.
fn key_label(key: &str) -> String {
    match key {
        "cap" => "Most people to interview".to_owned(),
        "reason" => "Reason".to_owned(),
        "note" => "Note".to_owned(),
        "feedback" => "Feedback".to_owned(),
        "vacancy" => "Vacancy".to_owned(),
        "attempted" => "Tried to record".to_owned(),
        "invited_applications" => "Applications invited".to_owned(),
        "before" => "Roles before".to_owned(),
        "after" => "Roles after".to_owned(),
        "organisation_before" => "Organisation before".to_owned(),
        "organisation_after" => "Organisation after".to_owned(),
        "organisation_id" => "Organisation".to_owned(),
        "email" => "Email address".to_owned(),
        "roles" => "Roles".to_owned(),
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        }
    }
}

/// A detail's value in plain words.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::String(s) if s.is_empty() => "None".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => "None".to_owned(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(key, value)| format!("{}: {}", key_label(key), value_text(value)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(vacancy: &str, actor: &str, kind: &str) -> AuditQuery {
        AuditQuery {
            vacancy: vacancy.into(),
            actor: actor.into(),
            kind: kind.into(),
            subject: String::new(),
            page: String::new(),
        }
    }

    #[test]
    fn a_record_correction_reads_as_plain_words() {
        let name = |id: i32| format!("Vacancy {id}");
        let shown = describe_details(
            &json!({
                "record_before": { "end_date": "2027-05-03" },
                "record_after": { "end_date": null },
                "reopened": [6, 12],
                "reason": "newer_information",
            }),
            &name,
        );
        assert!(shown.contains(&(
            "Reason".to_owned(),
            "I have newer information, for example from ESR or payroll".to_owned()
        )));
        assert!(shown.contains(&(
            "Record before".to_owned(),
            "End date: 2027-05-03".to_owned()
        )));
        assert!(shown.contains(&("Record after".to_owned(), "End date: None".to_owned())));
        assert!(shown.contains(&("Reopened".to_owned(), "6, 12".to_owned())));
    }

    #[test]
    fn reads_a_subject_as_stored() {
        assert_eq!(
            parse_subject(" Application:7 ").as_deref(),
            Some("application:7")
        );
        assert_eq!(parse_subject("user:42").as_deref(), Some("user:42"));
        assert_eq!(parse_subject("address").as_deref(), Some("address"));
        assert_eq!(
            parse_subject("dashboard:funnel").as_deref(),
            Some("dashboard:funnel")
        );
        for bad in [
            "application 7",
            ":7",
            "user:",
            "user:4 2",
            "a@b.org",
            "user:42;--",
        ] {
            assert_eq!(parse_subject(bad), None, "{bad}");
        }
        assert_eq!(parse_subject(&format!("user:{}", "1".repeat(300))), None);
        let mut q = query("", "", "");
        q.subject = "application 7".into();
        assert!(parse_filter(&q).unwrap_err().has("subject"));
        q.subject = "application:7".into();
        assert_eq!(
            parse_filter(&q).ok().and_then(|f| f.subject).as_deref(),
            Some("application:7")
        );
    }

    #[test]
    fn every_kind_is_offered_once_in_an_area() {
        let groups = kind_groups();
        let offered: Vec<AuditAction> = groups.iter().flat_map(|g| g.kinds.clone()).collect();
        assert_eq!(offered.len(), AuditAction::ALL.len());
        for action in AuditAction::ALL {
            assert_eq!(offered.iter().filter(|a| **a == action).count(), 1);
        }
        assert!(groups.iter().all(|g| !g.kinds.is_empty()));
    }

    #[test]
    fn reads_every_filter_and_none() {
        assert_eq!(
            parse_filter(&query("", "", "")).ok(),
            Some(AuditFilter::default())
        );
        assert_eq!(
            parse_filter(&query(" 12 ", "7", "exception_approved")).ok(),
            Some(AuditFilter {
                vacancy_id: Some(12),
                actor: ActorFilter::User(7),
                action: Some(AuditAction::ExceptionApproved),
                subject: None,
            })
        );
        assert_eq!(
            parse_filter(&query("", "system", "")).ok().map(|f| f.actor),
            Some(ActorFilter::System)
        );
    }

    #[test]
    fn refuses_filters_it_cannot_read() {
        let errors = parse_filter(&query("twelve", "me", "dropped_tables")).unwrap_err();
        assert!(errors.has("vacancy") && errors.has("actor") && errors.has("kind"));
        assert!(
            parse_filter(&query("-3", "", ""))
                .unwrap_err()
                .has("vacancy")
        );
    }

    #[test]
    fn details_read_as_plain_words() {
        let name = |id: i32| format!("Vacancy {id}: Porter");
        let shown = describe_details(
            &json!({ "vacancy": 4, "invited_applications": [1, 2], "note": "", "new_thing": true }),
            &name,
        );
        assert!(shown.contains(&("Vacancy".into(), "Vacancy 4: Porter".into())));
        assert!(shown.contains(&("Applications invited".into(), "1, 2".into())));
        assert!(shown.contains(&("Note".into(), "None".into())));
        assert!(shown.contains(&("New thing".into(), "Yes".into())));
        assert!(describe_details(&Value::Null, &name).is_empty());
    }
}
