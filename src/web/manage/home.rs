//! A hiring manager's home: their organisation's vacancies with what is waiting, in words, each
//! linked to where it is done, and the retention checkpoints due.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use time::Duration;

use crate::app::AppState;
use crate::db::{self, manager_home, vacancies};
use crate::domain::application::Stage;
use crate::domain::interview::CHANGE_CUTOFF;
use crate::domain::london_time;
use crate::domain::manager_home::{Advert, Place, VacancyCounts, Whose, count_of, waiting_for};
use crate::domain::vacancy::VacancyStatus;
use crate::services::retention;
use crate::web::error::{AppError, AppResult};
use crate::web::page::Page;
use crate::web::roles::HiringManager;

/// One line of the page, with its link.
pub struct Line {
    text: String,
    href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "manage/home.html")]
pub struct HomeTemplate {
    page: Page,
    organisation: String,
    /// What the manager (or their panel) has to do.
    yours: Vec<Line>,
    /// What waits on applicants.
    others: Vec<Line>,
    /// Retention checkpoints due, and how many of them are overdue.
    checkpoints_due: u64,
    checkpoints_overdue: u64,
    /// Whether the organisation has any vacancy at all.
    any_vacancies: bool,
}

impl HomeTemplate {
    /// The retention checkpoints due, in words.
    fn checkpoints_line(&self) -> String {
        let n = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        let what = if self.checkpoints_overdue == self.checkpoints_due {
            count_of(
                n(self.checkpoints_due),
                "retention checkpoint is overdue",
                "retention checkpoints are overdue",
            )
        } else if self.checkpoints_overdue == 0 {
            count_of(
                n(self.checkpoints_due),
                "retention checkpoint is due",
                "retention checkpoints are due",
            )
        } else {
            format!(
                "{}, {} of them overdue",
                count_of(
                    n(self.checkpoints_due),
                    "retention checkpoint is due",
                    "retention checkpoints are due",
                ),
                self.checkpoints_overdue
            )
        };
        format!("{what}: record whether each person is still in post")
    }
}

fn href(place: Place, vacancy_id: i32) -> String {
    match place {
        Place::Vacancy => format!("/manage/vacancies/{vacancy_id}"),
        Place::Shortlisting => format!("/shortlisting/{vacancy_id}"),
        Place::Interviews => format!("/shortlisting/{vacancy_id}/interviews"),
        Place::Offers => format!("/shortlisting/{vacancy_id}/offers"),
    }
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts of each vacancy's applications at each point of the pipeline.
async fn counts_by_vacancy(
    state: &AppState,
    organisation_id: i32,
) -> AppResult<HashMap<i32, VacancyCounts>> {
    let now = db::now();
    let mut counts: HashMap<i32, VacancyCounts> = HashMap::new();
    for (vacancy_id, stage, n) in manager_home::stage_counts(&state.db, organisation_id).await? {
        let c = counts.entry(vacancy_id).or_default();
        let n = count(n);
        c.sent += n;
        match Stage::parse(&stage) {
            Some(Stage::Submitted | Stage::Shortlisting) => c.to_shortlist += n,
            Some(Stage::InvitedToInterview) => c.invited_not_booked += n,
            Some(Stage::Interviewed) => c.appointable += n,
            Some(Stage::ChecksComplete) => c.ready_to_start += n,
            _ => {}
        }
    }
    for (vacancy_id, starts) in
        manager_home::booked_interview_times(&state.db, organisation_id).await?
    {
        let c = counts.entry(vacancy_id).or_default();
        if starts <= now {
            c.interviews_to_score += 1;
        } else {
            c.interviews_coming += 1;
        }
    }
    // Applicants can book only until the booking cut-off before a slot starts.
    let bookable_from = now + CHANGE_CUTOFF;
    for vacancy_id in
        manager_home::bookable_slots(&state.db, organisation_id, bookable_from).await?
    {
        counts.entry(vacancy_id).or_default().free_slots += 1;
    }
    for (vacancy_id, status, n) in
        manager_home::open_offer_counts(&state.db, organisation_id).await?
    {
        let c = counts.entry(vacancy_id).or_default();
        match status.as_str() {
            "offered" => c.offers_unanswered += count(n),
            "accepted" => c.offers_in_checks += count(n),
            _ => {}
        }
    }
    Ok(counts)
}

/// The manager's home page.
pub async fn show(
    State(state): State<AppState>,
    HiringManager(me): HiringManager,
    page: Page,
) -> AppResult<HomeTemplate> {
    let organisation_id = me.organisation_id.ok_or(AppError::Forbidden)?;
    let organisation = state.organisation_name(organisation_id).await?;
    let now = db::now();
    let counts = counts_by_vacancy(&state, organisation_id).await?;
    let completed = manager_home::completed_shortlistings(&state.db, organisation_id).await?;
    let seats = manager_home::panel_seats(&state.db, organisation_id, me.id).await?;
    let vacancies = vacancies::of_organisation(&state.db, organisation_id).await?;
    let none = VacancyCounts::default();
    let mut yours = Vec::new();
    let mut others = Vec::new();
    for v in &vacancies {
        let advert = match v.status {
            VacancyStatus::Draft => Advert::Draft,
            VacancyStatus::Published if v.closes_at > now => Advert::Open,
            _ => Advert::Closed,
        };
        let lines = waiting_for(
            &v.title,
            advert,
            &london_time::describe(v.closes_at),
            completed.contains(&v.id),
            seats.contains(&v.id),
            counts.get(&v.id).unwrap_or(&none),
        );
        for line in lines {
            let item = Line {
                href: href(line.place, v.id),
                text: line.text,
            };
            match line.whose {
                Whose::Yours => yours.push(item),
                Whose::Others => others.push(item),
            }
        }
    }
    let today = retention::today();
    let checkpoints_due =
        manager_home::checkpoints_due_by(&state.db, organisation_id, today).await?;
    let checkpoints_overdue =
        manager_home::checkpoints_due_by(&state.db, organisation_id, today - Duration::days(1))
            .await?;
    Ok(HomeTemplate {
        page,
        organisation,
        yours,
        others,
        checkpoints_due,
        checkpoints_overdue,
        any_vacancies: !vacancies.is_empty(),
    })
}
