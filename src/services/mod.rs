//! Use cases: one function per workflow, between the handlers and the queries. Each takes a
//! transaction and parsed domain input, checks its rule on rows read inside the transaction,
//! writes, and returns its result or a typed refusal, never an HTTP type.

pub mod vacancies;
