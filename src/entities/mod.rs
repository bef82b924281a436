//! SeaORM entities: one module per table, mirroring the migrations. Behaviour lives elsewhere.

pub mod applicant_profile;
pub mod application;
pub mod application_answer;
pub mod application_referee;
pub mod application_stage_change;
pub mod audit_event;
pub mod final_score;
pub mod interview_booking;
pub mod interview_outcome;
pub mod interview_slot;
pub mod invitation;
pub mod login_throttle;
pub mod organisation;
pub mod outbox_message;
pub mod panel_member;
pub mod programme;
pub mod session;
pub mod shortlist_decision;
pub mod shortlist_score;
pub mod shortlisting;
pub mod user;
pub mod user_role;
pub mod user_token;
pub mod vacancy;
pub mod vacancy_criterion;
