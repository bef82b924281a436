//! Made-up data: the demo's (`spectra demo`) and the synthetic data of load tests and
//! benchmarks (`spectra seed-synthetic`). Each is split the same way: word lists (the names and
//! texts it draws on), plans (what to make, decided without the database) and loaders (what
//! writes it).

pub mod demo;
pub mod synthetic;
