//! What the mentoring pilot is, and a student's sign-up: their answers, their wishes and their
//! consent, stored as a sign-up waiting for the coordinator's approval.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use sea_orm::{DbErr, SqlErr, TransactionTrait};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::{AuthUser, CurrentUser, MaybeUser};
use crate::db::mentoring::registry::{self, SignUp};
use crate::db::mentoring::{mentee_for_user, status_of};
use crate::domain::Role;
use crate::domain::mentoring::files::MenteeRecord;
use crate::domain::mentoring::pilot::MenteeStatus;
use crate::domain::mentoring::profile::{
    Availability, DAYS, MeetingMode, Modes, PARTS, Strength, UNIVERSITIES, items, join,
};
use crate::entities::mentee;
use crate::error::{AppError, AppResult};
use crate::web::mentoring::grant_audited;
use crate::web::page::{FormErrors, Page, flash, form_field, notice};

/// The pages for everyone: about the pilot, and signing up.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mentoring", get(about))
        .route("/mentoring/sign-up", get(form).post(submit))
}

/// The longest free text accepted in a field.
const MAX_TEXT: usize = 200;
/// The longest declared conflicts accepted.
const MAX_CONFLICTS: usize = 2000;

/// One checkbox of the availability grid.
pub struct Slot {
    pub code: String,
    pub label: &'static str,
    pub checked: bool,
}

/// One day of the availability grid, asked as its own fieldset.
pub struct Day {
    pub label: &'static str,
    pub slots: Vec<Slot>,
}

/// The availability grid with `chosen` codes ticked.
pub fn availability_grid(chosen: &[String]) -> Vec<Day> {
    DAYS.iter()
        .enumerate()
        .map(|(d, (_, day))| Day {
            label: day,
            slots: PARTS
                .iter()
                .enumerate()
                .map(|(p, (_, part))| {
                    let code = Availability::code(d, p);
                    Day::slot(code.clone(), part, chosen.contains(&code))
                })
                .collect(),
        })
        .collect()
}

impl Day {
    fn slot(code: String, label: &'static str, checked: bool) -> Slot {
        Slot {
            code,
            label,
            checked,
        }
    }
}

/// Every value of a repeated field, such as a group of checkboxes.
pub fn repeated(pairs: &[(String, String)], field: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == field)
        .map(|(_, v)| v.clone())
        .collect()
}

/// Reads ticked meeting modes; at least one is needed.
pub fn parse_modes(chosen: &[String]) -> Result<Modes, &'static str> {
    let mut modes = Vec::new();
    for value in chosen {
        modes.push(MeetingMode::parse(value).ok_or("Choose in person, online or both")?);
    }
    let modes = Modes::of(&modes);
    if modes.is_empty() {
        Err("Choose in person, online or both")
    } else {
        Ok(modes)
    }
}

/// Reads ticked times; at least one is needed.
pub fn parse_availability(chosen: &[String]) -> Result<Availability, &'static str> {
    let availability =
        Availability::parse(&join(chosen)).map_err(|_| "Choose times from the list")?;
    if availability.is_empty() {
        Err("Choose at least one time when you are free")
    } else {
        Ok(availability)
    }
}

/// Checks an optional free-text answer.
pub fn optional_text(value: &str, too_long: &'static str) -> Result<String, &'static str> {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT || value.chars().any(char::is_control) {
        Err(too_long)
    } else {
        Ok(value.to_owned())
    }
}

/// The answers of the sign-up form as typed, to show the form again.
#[derive(Clone, Debug, Default)]
pub struct SignUpForm {
    pub university: String,
    pub other_university: String,
    pub year: String,
    pub interests: String,
    pub modes: Vec<String>,
    pub availability: Vec<String>,
    pub lived_experience: String,
    pub gender_preference: String,
    pub gender_strength: String,
    pub conflicts: String,
    pub consent: bool,
}

/// The value of the "Other" university radio.
const OTHER: &str = "other";

impl SignUpForm {
    fn from_pairs(pairs: &[(String, String)]) -> Self {
        SignUpForm {
            university: form_field(pairs, "university").to_owned(),
            other_university: form_field(pairs, "other_university").to_owned(),
            year: form_field(pairs, "year").to_owned(),
            interests: form_field(pairs, "interests").to_owned(),
            modes: repeated(pairs, "modes"),
            availability: repeated(pairs, "availability"),
            lived_experience: form_field(pairs, "lived_experience").to_owned(),
            gender_preference: form_field(pairs, "gender_preference").to_owned(),
            gender_strength: form_field(pairs, "gender_strength").to_owned(),
            conflicts: form_field(pairs, "conflicts").to_owned(),
            consent: form_field(pairs, "consent") == "yes",
        }
    }

    /// The answers of a student the coordinator added, to start the form from.
    fn from_mentee(m: &mentee::Model) -> Self {
        let known = UNIVERSITIES.iter().any(|u| *u == m.university);
        SignUpForm {
            university: if known {
                m.university.clone()
            } else if m.university.is_empty() {
                String::new()
            } else {
                OTHER.to_owned()
            },
            other_university: if known {
                String::new()
            } else {
                m.university.clone()
            },
            year: m.year_of_study.to_string(),
            interests: items(&m.specialty_interests).collect::<Vec<_>>().join("; "),
            modes: items(&m.meeting_modes).map(str::to_owned).collect(),
            availability: items(&m.availability).map(str::to_owned).collect(),
            lived_experience: match m.lived_experience_preference.as_str() {
                "" => "none".to_owned(),
                other => other.to_owned(),
            },
            gender_preference: m.gender_preference.clone(),
            gender_strength: m.gender_preference_strength.clone(),
            conflicts: m.declared_conflicts.clone(),
            consent: false,
        }
    }

    /// Checks the answers. Name and email come from the account.
    pub fn parse(&self, name: &str, email: &str) -> Result<SignUp, FormErrors> {
        let mut errors = FormErrors::default();
        let university = match self.university.as_str() {
            OTHER => match optional_text(
                &self.other_university,
                "University must be 200 characters or fewer",
            ) {
                Ok(u) if u.is_empty() => {
                    errors.add("other_university", "Enter the name of your university");
                    None
                }
                Ok(u) => Some(u),
                Err(m) => {
                    errors.add("other_university", m);
                    None
                }
            },
            u if UNIVERSITIES.contains(&u) => Some(u.to_owned()),
            _ => {
                errors.add("university", "Choose your university");
                None
            }
        };
        let year = self
            .year
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|y| (1..=6).contains(y));
        if year.is_none() {
            errors.add("year", "Choose your year of study, from 1 to 6");
        }
        let interests: Vec<String> = self
            .interests
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if interests
            .iter()
            .any(|i| i.chars().count() > MAX_TEXT || i.chars().any(char::is_control))
            || join(&interests).chars().count() > 1000
        {
            errors.add("interests", "Specialty interests must be shorter");
        }
        let modes = errors.check("modes", parse_modes(&self.modes));
        let availability = errors.check("availability", parse_availability(&self.availability));
        let lived_experience = match self.lived_experience.as_str() {
            "" | "none" => Strength::None,
            other => match Strength::parse(other) {
                Some(s) => s,
                None => {
                    errors.add("lived_experience", "Choose an answer from the list");
                    Strength::None
                }
            },
        };
        let gender_preference = errors
            .check(
                "gender_preference",
                optional_text(
                    &self.gender_preference,
                    "The gender you would like your mentor to be must be 200 characters or fewer",
                ),
            )
            .unwrap_or_default();
        let gender_strength = match Strength::parse(&self.gender_strength) {
            Some(s) if !gender_preference.is_empty() && s == Strength::None => {
                errors.add(
                    "gender_strength",
                    "Choose whether the mentor's gender is preferred or required",
                );
                s
            }
            Some(s) if gender_preference.is_empty() && s != Strength::None => {
                errors.add(
                    "gender_preference",
                    "Enter the gender you would like your mentor to be, or leave both questions blank",
                );
                s
            }
            Some(s) => s,
            None => {
                errors.add("gender_strength", "Choose preferred or required");
                Strength::None
            }
        };
        let conflicts = self.conflicts.trim().to_owned();
        if conflicts.chars().count() > MAX_CONFLICTS {
            errors.add(
                "conflicts",
                "Conflicts of interest must be 2000 characters or fewer",
            );
        }
        if !self.consent {
            errors.add(
                "consent",
                "Confirm that you agree to how we use your information",
            );
        }
        match (university, year, modes, availability) {
            (Some(university), Some(year_of_study), Some(modes), Some(availability))
                if errors.is_empty() =>
            {
                Ok(SignUp {
                    record: MenteeRecord {
                        id: String::new(),
                        name: name.to_owned(),
                        email: email.to_owned(),
                        university,
                        year_of_study,
                        specialty_interests: interests,
                        modes,
                        availability,
                        lived_experience,
                        gender_preference,
                        gender_strength,
                    },
                    declared_conflicts: conflicts,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Where a signed-in person stands with the pilot.
pub enum Standing {
    /// Not signed in, or not signed up.
    NotSignedUp,
    /// The coordinator added them; they have not yet confirmed their answers.
    AddedByCoordinator,
    /// They signed up; this is their status.
    SignedUp(MenteeStatus),
}

async fn standing_of(state: &AppState, me: Option<&AuthUser>) -> AppResult<Standing> {
    let Some(me) = me else {
        return Ok(Standing::NotSignedUp);
    };
    Ok(match mentee_for_user(&state.db, me.id, &me.email).await? {
        Some(m) if m.user_id == Some(me.id) => Standing::SignedUp(status_of(&m)),
        Some(_) => Standing::AddedByCoordinator,
        None => Standing::NotSignedUp,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/about.html")]
struct AboutTemplate {
    page: Page,
    standing: Standing,
}

impl AboutTemplate {
    fn status_label(&self) -> &'static str {
        match self.standing {
            Standing::SignedUp(s) => s.label(),
            _ => "",
        }
    }

    fn is(&self, status: &str) -> bool {
        matches!(self.standing, Standing::SignedUp(s) if s.as_str() == status)
    }

    fn signed_up(&self) -> bool {
        matches!(self.standing, Standing::SignedUp(_))
    }

    fn added(&self) -> bool {
        matches!(self.standing, Standing::AddedByCoordinator)
    }
}

/// What the pilot is, who can join and how their information is used.
async fn about(
    State(state): State<AppState>,
    MaybeUser(me): MaybeUser,
    page: Page,
) -> AppResult<AboutTemplate> {
    let standing = standing_of(&state, me.as_ref()).await?;
    Ok(AboutTemplate { page, standing })
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/signup.html")]
struct SignUpTemplate {
    page: Page,
    name: String,
    email: String,
    form: SignUpForm,
    universities: [&'static str; 2],
    days: Vec<Day>,
    availability_question: &'static str,
    added_by_coordinator: bool,
    errors: FormErrors,
}

impl SignUpTemplate {
    fn new(page: Page, me: &AuthUser, form: SignUpForm, added: bool, errors: FormErrors) -> Self {
        SignUpTemplate {
            page,
            name: me.full_name.clone(),
            email: me.email.clone(),
            days: availability_grid(&form.availability),
            form,
            universities: UNIVERSITIES,
            availability_question: "When are you usually free?",
            added_by_coordinator: added,
            errors,
        }
    }

    fn mode_checked(&self, mode: &str) -> bool {
        self.form.modes.iter().any(|m| m == mode)
    }
}

/// The sign-up form, or where the student stands if they have signed up already.
async fn form(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    page: Page,
) -> AppResult<Response> {
    match mentee_for_user(&state.db, me.id, &me.email).await? {
        Some(m) if m.user_id.is_none() => {
            let form = SignUpForm::from_mentee(&m);
            Ok(SignUpTemplate::new(page, &me, form, true, FormErrors::default()).into_response())
        }
        Some(_) => Err(AppError::Elsewhere {
            to: "/mentoring".into(),
        }),
        None => Ok(SignUpTemplate::new(
            page,
            &me,
            SignUpForm::default(),
            false,
            FormErrors::default(),
        )
        .into_response()),
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Stores the sign-up, or links the student the coordinator added to this account.
async fn submit(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    session: Session,
    page: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let already = mentee_for_user(&state.db, me.id, &me.email).await?;
    let added = already.as_ref().is_some_and(|m| m.user_id.is_none());
    if already.is_some() && !added {
        notice(
            &session,
            "You have already signed up for the mentoring pilot",
        )
        .await?;
        return Ok(Redirect::to("/mentoring").into_response());
    }
    let form = SignUpForm::from_pairs(&pairs);
    let mut sign_up = match form.parse(&me.full_name, &me.email) {
        Ok(s) => s,
        Err(errors) => {
            return Ok(SignUpTemplate::new(page, &me, form, added, errors).into_response());
        }
    };

    let txn = state.db.begin().await?;
    if registry::mentee_of_user(&txn, me.id).await?.is_some() {
        txn.rollback().await?;
        notice(
            &session,
            "You have already signed up for the mentoring pilot",
        )
        .await?;
        return Ok(Redirect::to("/mentoring").into_response());
    }
    let stored = match registry::mentee_with_email(&txn, &me.email).await? {
        Some(existing) if existing.user_id.is_none() => {
            let linked = registry::link_sign_up(&txn, existing, me.id, &sign_up).await;
            // A student the coordinator already approved can now see their mentoring pages.
            if let Ok(m) = &linked
                && status_of(m) == MenteeStatus::Approved
            {
                grant_audited(&txn, Some(me.id), me.id, Role::Mentee).await?;
            }
            linked
        }
        Some(_) => {
            txn.rollback().await?;
            return Err(AppError::Elsewhere {
                to: "/mentoring".into(),
            });
        }
        None => {
            sign_up.record.id = registry::unused_reference(&txn, 'S').await?;
            registry::insert_sign_up(&txn, me.id, &sign_up).await
        }
    };
    match stored {
        Ok(_) => txn.commit().await?,
        // Two sign-ups of one account at once: the unique index lets only one through.
        Err(e) if is_unique_violation(&e) => {
            txn.rollback().await?;
            notice(
                &session,
                "You have already signed up for the mentoring pilot",
            )
            .await?;
            return Ok(Redirect::to("/mentoring").into_response());
        }
        Err(e) => return Err(e.into()),
    }
    flash(
        &session,
        if added {
            "Thank you. Your answers are saved and linked to your account."
        } else {
            "Thank you for signing up. The coordinator will email you when they have decided."
        },
    )
    .await?;
    Ok(Redirect::to("/mentoring").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SignUpForm {
        SignUpForm {
            university: "Edge Hill University".into(),
            year: "3".into(),
            interests: "Paediatrics, Surgery; GP".into(),
            modes: vec!["online".into()],
            availability: vec!["mon_am".into(), "sun_eve".into()],
            lived_experience: "preferred".into(),
            consent: true,
            ..SignUpForm::default()
        }
    }

    #[test]
    fn reads_a_good_sign_up() {
        let s = good().parse("Sam Green", "sam@example.org").unwrap();
        assert_eq!(
            s.record.specialty_interests,
            ["Paediatrics", "Surgery", "GP"]
        );
        assert_eq!(s.record.availability.to_string(), "mon_am;sun_eve");
        assert_eq!(s.record.lived_experience, Strength::Preferred);
        assert_eq!(s.record.gender_strength, Strength::None);
    }

    #[test]
    fn other_university_needs_a_name() {
        let mut f = good();
        f.university = OTHER.into();
        assert!(
            f.parse("A", "a@example.org")
                .unwrap_err()
                .has("other_university")
        );
        f.other_university = "Lancaster University".into();
        let s = f.parse("A", "a@example.org").unwrap();
        assert_eq!(s.record.university, "Lancaster University");
    }

    #[test]
    fn refuses_missing_answers_and_consent() {
        let errors = SignUpForm::default()
            .parse("A", "a@example.org")
            .unwrap_err();
        for field in ["university", "year", "modes", "availability", "consent"] {
            assert!(errors.has(field), "{field}");
        }
    }

    #[test]
    fn a_gender_wish_needs_its_strength_and_the_other_way_round() {
        let mut f = good();
        f.gender_preference = "Woman".into();
        assert!(
            f.parse("A", "a@example.org")
                .unwrap_err()
                .has("gender_strength")
        );
        f.gender_strength = "required".into();
        assert_eq!(
            f.parse("A", "a@example.org")
                .unwrap()
                .record
                .gender_strength,
            Strength::Required
        );
        f.gender_preference = String::new();
        assert!(
            f.parse("A", "a@example.org")
                .unwrap_err()
                .has("gender_preference")
        );
    }

    #[test]
    fn the_grid_has_a_fieldset_a_day() {
        let grid = availability_grid(&["tue_pm".into()]);
        assert_eq!(grid.len(), 7);
        assert!(grid[1].slots[1].checked && !grid[0].slots[0].checked);
    }
}
