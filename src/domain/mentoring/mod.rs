//! The mentoring pilot's pure rules (DOMAIN.md §8): profiles, scoring, hard exclusions and the
//! optimal matcher.

pub mod solver;
