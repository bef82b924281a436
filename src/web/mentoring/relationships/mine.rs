//! "Your mentoring": a mentor's students, a student's mentor, and what to do next.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{my_records, today};
use crate::app::AppState;
use crate::db::mentoring::relationships as rels;
use crate::db::mentoring::status_of;
use crate::domain::Role;
use crate::domain::mentoring::meetings::{date_of, long_date};
use crate::domain::mentoring::pilot::{MenteeStatus, mentor_next_step};
use crate::entities::mentoring_relationship;
use crate::web::error::AppResult;
use crate::web::page::Page;
use crate::web::roles::MentorOrMentee;

/// A relationship in a list on "Your mentoring".
pub struct MineLine {
    id: i32,
    name: String,
    about: String,
    started: String,
    ended: Option<String>,
    last_meeting: Option<String>,
    /// What to do next, for a mentor's current student.
    next_step: Option<String>,
}

/// A next step on "Your mentoring": what to do, and the link to do it.
pub struct Step {
    text: String,
    href: String,
    link_text: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "mentoring/mine.html")]
pub struct MineTemplate {
    page: Page,
    steps: Vec<Step>,
    /// What a student without a mentor should know about where they stand.
    student_standing: Option<String>,
    is_mentor: bool,
    mentor_found: bool,
    mentees_now: Vec<MineLine>,
    mentees_before: Vec<MineLine>,
    is_mentee: bool,
    mentee_found: bool,
    mentee_status: Option<&'static str>,
    my_mentor: Option<MineLine>,
    mentors_before: Vec<MineLine>,
}

/// A mentor's mentees, or a student's mentor, or both for someone who is both.
pub async fn mine(
    State(state): State<AppState>,
    MentorOrMentee(me): MentorOrMentee,
    page: Page,
) -> AppResult<MineTemplate> {
    let db = &state.db;
    let records = my_records(db, &me).await?;
    let last = rels::last_meetings(db).await?;
    let today = today();
    let line = |r: &mentoring_relationship::Model, name: String, about: String| MineLine {
        id: r.id,
        next_step: None,
        name,
        about,
        started: long_date(date_of(r.started_at)),
        ended: r.ended_at.map(|t| long_date(date_of(t))),
        last_meeting: last.get(&r.id).map(|d| long_date(*d)),
    };
    let mut steps = Vec::new();

    let (mut mentees_now, mut mentees_before) = (Vec::new(), Vec::new());
    if let Some(m) = &records.mentor {
        let relationships = rels::of_mentor(db, m.id).await?;
        let ids: Vec<i32> = relationships.iter().map(|r| r.mentee_id).collect();
        let mentees = rels::mentees_by_id(db, &ids).await?;
        for r in &relationships {
            let Some(s) = mentees.get(&r.mentee_id) else {
                continue;
            };
            let about = format!("{}, year {}", s.university, s.year_of_study);
            let mut l = line(r, s.full_name.clone(), about);
            if r.ended_at.is_none() {
                l.next_step = mentor_next_step(&s.full_name, last.get(&r.id).copied(), today);
                if let Some(text) = &l.next_step {
                    steps.push(Step {
                        text: text.clone(),
                        href: format!("/mentoring/relationships/{}#log-a-meeting", r.id),
                        link_text: "Log a meeting",
                    });
                }
                mentees_now.push(l);
            } else {
                mentees_before.push(l);
            }
        }
    }

    let (mut my_mentor, mut mentors_before) = (None, Vec::new());
    if let Some(s) = &records.mentee {
        let relationships = rels::of_mentee(db, s.id).await?;
        let ids: Vec<i32> = relationships.iter().map(|r| r.mentor_id).collect();
        let mentors = rels::mentors_by_id(db, &ids).await?;
        for r in &relationships {
            let Some(m) = mentors.get(&r.mentor_id) else {
                continue;
            };
            let about = format!("{}, {}, {}", m.grade, m.specialty, m.organisation);
            let l = line(r, m.full_name.clone(), about);
            if r.ended_at.is_none() && my_mentor.is_none() {
                my_mentor = Some(l);
            } else {
                mentors_before.push(l);
            }
        }
    }

    let mut student_standing = None;
    if let Some(s) = &records.mentee {
        if let Some(l) = &my_mentor {
            if !last.contains_key(&l.id) {
                steps.push(Step {
                    text: format!(
                        "Your mentor is {}. They will get in touch to arrange your first meeting, or you can write to them first",
                        l.name
                    ),
                    href: format!("/mentoring/relationships/{}", l.id),
                    link_text: "See your mentor's details",
                });
            }
        } else {
            student_standing = Some(match status_of(s) {
                MenteeStatus::Pending => "Your sign-up is waiting for the coordinator to approve it. We will email you when they have decided.",
                MenteeStatus::Approved => "You are on the waiting list for a mentor. You do not need to do anything: we will email you when you are matched.",
                MenteeStatus::Declined => "Your sign-up was not approved. The email we sent you says why. You can contact the mentoring coordinator if you have questions.",
                MenteeStatus::Left => "You have left the mentoring pilot. Contact the mentoring coordinator if you would like to join again.",
            }
            .to_owned());
        }
    }

    Ok(MineTemplate {
        page,
        steps,
        student_standing,
        is_mentor: me.has(Role::Mentor),
        mentor_found: records.mentor.is_some(),
        mentees_now,
        mentees_before,
        is_mentee: me.has(Role::Mentee),
        mentee_found: records.mentee.is_some(),
        mentee_status: records
            .mentee
            .as_ref()
            .map(status_of)
            .filter(|s| *s != MenteeStatus::Approved)
            .map(MenteeStatus::label),
        my_mentor,
        mentors_before,
    })
}
