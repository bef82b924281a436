//! The database schema of spectra, as ordered migrations that run on SQLite and on Postgres.
//!
//! A migration that has been applied anywhere is never edited: change the schema by adding a
//! new file.

#![forbid(unsafe_code)]

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_create_organisations;
mod m20261123_000002_create_users;
mod m20261123_000003_create_sessions;
mod m20261123_000004_create_user_tokens;
mod m20261123_000005_create_invitations;
mod m20261123_000006_create_outbox;
mod m20261123_000007_create_login_throttles;
mod m20261123_000008_create_audit_events;
mod m20261123_000009_create_programmes;
mod m20261123_000010_create_vacancies;
mod m20261123_000011_create_applicant_profiles;
mod m20261123_000012_create_applications;
mod m20261124_000013_create_shortlisting;
mod m20261124_000014_create_interviews;
mod m20261124_000015_create_offers;
mod m20261124_000016_create_mentoring;
mod m20261124_000017_mentee_conflicts_reviewed;
mod m20261201_000018_vacancy_entry_requirements;
mod m20261201_000019_flexible_references_for_care_leavers;
mod m20261201_000020_outbox_message_kind;
mod m20261202_000021_retention;
mod m20261202_000022_interview_times_notices;
mod m20261202_000023_mentee_waiting_list_told;
mod m20261202_000024_audit_append_only;
mod m20261202_000025_privacy_erasure;
mod m20261202_000026_organisation_active;
mod m20261203_000027_reference_data_version;
mod m20261207_000028_kept_forms;
mod m20261207_000030_vacancy_closed_early_at;
mod m20261207_000031_esr_import_jobs;
mod m20261207_000032_audit_hash_chain;
mod m20261207_000033_employee_list_indexes;
mod m20261208_000034_report_summaries;
mod m20261208_000035_open_vacancies_index;

/// Applies spectra's migrations in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_create_organisations::Migration),
            Box::new(m20261123_000002_create_users::Migration),
            Box::new(m20261123_000003_create_sessions::Migration),
            Box::new(m20261123_000004_create_user_tokens::Migration),
            Box::new(m20261123_000005_create_invitations::Migration),
            Box::new(m20261123_000006_create_outbox::Migration),
            Box::new(m20261123_000007_create_login_throttles::Migration),
            Box::new(m20261123_000008_create_audit_events::Migration),
            Box::new(m20261123_000009_create_programmes::Migration),
            Box::new(m20261123_000010_create_vacancies::Migration),
            Box::new(m20261123_000011_create_applicant_profiles::Migration),
            Box::new(m20261123_000012_create_applications::Migration),
            Box::new(m20261124_000013_create_shortlisting::Migration),
            Box::new(m20261124_000014_create_interviews::Migration),
            Box::new(m20261124_000015_create_offers::Migration),
            Box::new(m20261124_000016_create_mentoring::Migration),
            Box::new(m20261124_000017_mentee_conflicts_reviewed::Migration),
            Box::new(m20261201_000018_vacancy_entry_requirements::Migration),
            Box::new(m20261201_000019_flexible_references_for_care_leavers::Migration),
            Box::new(m20261201_000020_outbox_message_kind::Migration),
            Box::new(m20261202_000021_retention::Migration),
            Box::new(m20261202_000022_interview_times_notices::Migration),
            Box::new(m20261202_000023_mentee_waiting_list_told::Migration),
            Box::new(m20261202_000024_audit_append_only::Migration),
            Box::new(m20261202_000025_privacy_erasure::Migration),
            Box::new(m20261202_000026_organisation_active::Migration),
            Box::new(m20261203_000027_reference_data_version::Migration),
            Box::new(m20261207_000028_kept_forms::Migration),
            Box::new(m20261207_000030_vacancy_closed_early_at::Migration),
            Box::new(m20261207_000031_esr_import_jobs::Migration),
            Box::new(m20261207_000032_audit_hash_chain::Migration),
            Box::new(m20261207_000033_employee_list_indexes::Migration),
            Box::new(m20261208_000034_report_summaries::Migration),
            Box::new(m20261208_000035_open_vacancies_index::Migration),
        ]
    }
}
