//! spectra: bringing care leavers into NHS jobs in Cheshire & Merseyside, and keeping them there.
//!
//! `main.rs` only parses the command line; everything else is here so tests drive the real app.

#![forbid(unsafe_code)]

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod entities;
pub mod mail;
pub mod seed;
pub mod server;
pub mod services;
pub mod web;
