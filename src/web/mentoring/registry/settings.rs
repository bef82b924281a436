//! The pilot's settings: the cap on students approved, and the weights of the matching.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::db::mentoring::{self, approved_count};
use crate::domain::mentoring::input::{SettingsForm, weight_field};
use crate::domain::mentoring::pilot::MAX_CAP;
use crate::domain::mentoring::scoring::Criterion;
use crate::services;
use crate::web::error::AppResult;
use crate::web::page::{FormErrors, Page, flash};
use crate::web::roles::Coordinator;
use crate::web::unit_of_work::UnitOfWork;

/// One weight on the settings form.
pub struct WeightField {
    pub name: String,
    pub label: &'static str,
    pub explanation: &'static str,
    pub value: String,
}

/// Plain words on what each criterion rewards.
fn explanation(c: Criterion) -> &'static str {
    match c {
        Criterion::Specialty => "The mentor's specialty is one the student is interested in.",
        Criterion::MeetingMode => "They can meet the same way: in person, online or both.",
        Criterion::Availability => "How many times of the week both are usually free.",
        Criterion::LivedExperience => {
            "The student would prefer a mentor who has been in care, and the mentor has."
        }
        Criterion::Gender => {
            "The student would prefer a mentor of a gender, and the mentor is of that gender."
        }
        Criterion::TeachingHospital => {
            "The mentor works away from the hospitals where the student is taught and assessed."
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/settings.html")]
pub struct SettingsTemplate {
    page: Page,
    cap: String,
    approved: u64,
    max_cap: u32,
    weights: Vec<WeightField>,
    errors: FormErrors,
}

fn weight_fields(values: impl Fn(usize) -> String) -> Vec<WeightField> {
    Criterion::ALL
        .into_iter()
        .enumerate()
        .map(|(i, c)| WeightField {
            name: weight_field(c),
            label: c.label(),
            explanation: explanation(c),
            value: values(i),
        })
        .collect()
}

pub async fn form(State(state): State<AppState>, page: Page) -> AppResult<SettingsTemplate> {
    let settings = mentoring::settings(&state.db).await?;
    Ok(SettingsTemplate {
        page,
        cap: settings.cap.to_string(),
        approved: approved_count(&state.db).await?,
        max_cap: MAX_CAP,
        weights: weight_fields(|i| settings.weights.of(Criterion::ALL[i]).to_string()),
        errors: FormErrors::default(),
    })
}

/// The settings form as posted: the cap, and a `weight_{criterion}` field for each criterion.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsFields {
    cap: String,
    weight_specialty: String,
    weight_meeting_mode: String,
    weight_availability: String,
    weight_lived_experience: String,
    weight_gender: String,
    weight_teaching_hospital: String,
}

impl SettingsFields {
    /// The form as typed, the weights in [`Criterion::ALL`]'s order.
    fn form(self) -> SettingsForm {
        SettingsForm {
            cap: self.cap.trim().to_owned(),
            weights: Criterion::ALL.map(|c| {
                match c {
                    Criterion::Specialty => &self.weight_specialty,
                    Criterion::MeetingMode => &self.weight_meeting_mode,
                    Criterion::Availability => &self.weight_availability,
                    Criterion::LivedExperience => &self.weight_lived_experience,
                    Criterion::Gender => &self.weight_gender,
                    Criterion::TeachingHospital => &self.weight_teaching_hospital,
                }
                .clone()
            }),
        }
    }
}

pub async fn save(
    State(state): State<AppState>,
    Coordinator(me): Coordinator,
    session: Session,
    page: Page,
    Form(fields): Form<SettingsFields>,
) -> AppResult<Response> {
    let form = fields.form();
    let uow = UnitOfWork::begin(&state).await?;
    match services::mentoring::registry::save_settings(&uow, (&me).into(), &form).await? {
        Ok(()) => {
            uow.commit().await?;
            flash(&session, "Settings saved").await?;
            Ok(Redirect::to("/mentoring/coordinator/settings").into_response())
        }
        Err(refused) => {
            drop(uow);
            let mut errors = FormErrors::default();
            for (field, message) in refused.errors {
                errors.add(field, message);
            }
            Ok(SettingsTemplate {
                page,
                approved: refused.approved,
                max_cap: MAX_CAP,
                weights: weight_fields(|i| form.weights[i].clone()),
                cap: form.cap,
                errors,
            }
            .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_weight_is_read_from_the_field_its_criterion_is_named_by() {
        let body: Vec<String> = Criterion::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}={i}", weight_field(*c)))
            .collect();
        let fields: SettingsFields =
            serde_html_form::from_str(&format!("cap=+12+&{}", body.join("&"))).unwrap();

        let form = fields.form();

        assert_eq!(form.cap, "12");
        assert_eq!(
            form.weights,
            ["0", "1", "2", "3", "4", "5"].map(String::from)
        );
    }
}
