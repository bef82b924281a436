//! The use cases: one function per workflow, between the thin handlers and the queries.
//! Each returns its result or a typed refusal the handler turns into words, never an HTTP type.

pub mod accounts;
pub mod invitations;
