//! HTTP-level tests of spectra, through the real router, each on its own database.
//! Set `TEST_DATABASE_URL=postgres://…` to run the same suite on Postgres.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod account_races;
mod accounts;
mod admin;
mod applications;
mod audit_chain;
mod audit_trail;
mod board_listing;
mod browser;
mod champion;
mod cli;
mod confirmations;
mod dashboard;
mod dashboard_summaries;
mod database_roles;
mod disclosure;
mod email;
mod employee_list;
mod esr;
mod esr_jobs;
mod esr_large;
mod health;
mod helpers;
mod hostile_input;
mod interviews;
mod kept_forms;
mod load;
mod logging;
mod manager_home;
mod mentoring_matching;
mod mentoring_registry;
mod mentoring_relationships;
mod offers;
mod organisations;
mod panel;
mod privacy_download;
mod privacy_erasure;
mod profile;
mod retention;
mod retention_km;
mod retention_records;
mod security;
mod shortlisting;
mod structure;
mod synthetic;
mod unreadable_stored;
mod vacancies;
mod withdrawals;
mod words;
