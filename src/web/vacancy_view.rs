//! A vacancy as people read it, shared by the public page and the manager's preview.

use crate::domain::london_time;
use crate::domain::vacancy::{
    ReferenceType, VacancyKind, VacancyStatus, closed_early, is_open, normalise_lines,
};
use crate::entities::{vacancy, vacancy_criterion};
use crate::web::error::AppResult;

/// Everything a vacancy page shows.
#[derive(Clone, Debug)]
pub struct VacancyView {
    /// Vacancy ID.
    pub id: i32,
    /// Job title.
    pub title: String,
    /// Organisation name.
    pub organisation: String,
    /// Programme name, if any.
    pub programme: Option<String>,
    /// What the programme is, in its own words (empty if unknown).
    pub programme_about: String,
    /// "Apprenticeship" etc.
    pub kind: &'static str,
    /// Band.
    pub band: String,
    /// Hours and pattern.
    pub working_pattern: String,
    /// Salary.
    pub salary: String,
    /// Location.
    pub location: String,
    /// Positions.
    pub positions: i32,
    /// Closing time in words, London time.
    pub closes: String,
    /// "Closed early on 7 December 2026", for a vacancy a manager closed before that time.
    pub closed_early: Option<String>,
    /// Whether it takes applications now.
    pub open: bool,
    /// Ring-fenced to care-experienced applicants.
    pub ring_fenced: bool,
    /// Summary.
    pub summary: String,
    /// Description, split into paragraphs.
    pub paragraphs: Vec<String>,
    /// An apprenticeship's entry requirements and the adjustments made, one line each; empty
    /// for other kinds.
    pub entry_requirements: Vec<String>,
    /// Essential criteria.
    pub essential: Vec<String>,
    /// Desirable criteria.
    pub desirable: Vec<String>,
    /// Kinds of referee accepted, in words.
    pub references: Vec<&'static str>,
    /// Contact name.
    pub contact_name: String,
    /// Contact role.
    pub contact_role: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
    /// Draft, published or closed.
    pub status: &'static str,
}

impl VacancyView {
    /// Builds the view.
    pub fn new(
        v: vacancy::Model,
        criteria: Vec<vacancy_criterion::Model>,
        organisation: String,
        programme: Option<String>,
        now: time::OffsetDateTime,
    ) -> AppResult<Self> {
        let status = v.status;
        let (essential, desirable): (Vec<_>, Vec<_>) =
            criteria.into_iter().partition(|c| c.essential);
        let kind = v.kind;
        Ok(Self {
            id: v.id,
            open: is_open(status, v.closes_at, now),
            closes: london_time::describe(v.closes_at),
            closed_early: closed_early(status, v.closed_early_at),
            kind: kind.label(),
            entry_requirements: if kind == VacancyKind::Apprenticeship {
                v.entry_requirements
                    .lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect()
            } else {
                Vec::new()
            },
            // Descriptions saved before line breaks were normalised may hold \r\n.
            paragraphs: normalise_lines(&v.description)
                .split("\n\n")
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            essential: essential.into_iter().map(|c| c.text).collect(),
            desirable: desirable.into_iter().map(|c| c.text).collect(),
            references: crate::db::vacancies::references_of(&v)?
                .into_iter()
                .map(ReferenceType::label)
                .collect(),
            status: match status {
                VacancyStatus::Draft => "Draft",
                VacancyStatus::Published if v.closes_at <= now => "Closed",
                VacancyStatus::Published => "Published",
                VacancyStatus::Closed => "Closed",
            },
            title: v.title,
            organisation,
            programme,
            programme_about: String::new(),
            band: v.band,
            working_pattern: v.working_pattern,
            salary: v.salary,
            location: v.location,
            positions: v.positions,
            ring_fenced: v.ring_fenced,
            summary: v.summary,
            contact_name: v.contact_name,
            contact_role: v.contact_role,
            contact_email: v.contact_email,
            contact_phone: v.contact_phone,
        })
    }

    /// Adds what the programme is, in its own words, for applicants who have not heard of it.
    pub fn with_programme_about(mut self, about: String) -> Self {
        self.programme_about = about.trim().to_owned();
        self
    }
}
