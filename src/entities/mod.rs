//! SeaORM entities: one module per table, mirroring the migrations. Behaviour lives elsewhere.

pub mod applicant_profile;
pub mod application;
pub mod application_answer;
pub mod application_referee;
pub mod application_stage_change;
pub mod audit_event;
pub mod invitation;
pub mod login_throttle;
pub mod organisation;
pub mod outbox_message;
pub mod programme;
pub mod session;
pub mod user;
pub mod user_role;
pub mod user_token;
pub mod vacancy;
pub mod vacancy_criterion;
