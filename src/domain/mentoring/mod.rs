//! The mentoring pilot's pure rules (DOMAIN.md §8): profiles, scoring, hard exclusions, the
//! coordinator's spreadsheets and the optimal matcher.

pub mod alternatives;
pub mod files;
pub mod import;
pub mod input;
pub mod meetings;
pub mod pilot;
pub mod plan;
pub mod profile;
pub mod scoring;
pub mod solver;
