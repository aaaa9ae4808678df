//! Loading as an operator meets it: what a file says, what warroom answers.
//!
//! The helpers here load a text as `warroom.toml` with no environment at all, so every test
//! states what it depends on. The tests are grouped by what they are about: `defaults.rs`
//! (an empty file, the example file, values and their defaults), `environment.rs` (`${VAR}`
//! references and `DATABASE_URL`), `problems.rs` (how mistakes are reported), `access.rs` and
//! `services.rs` (the sections that become the core's policy and catalog), `schedules.rs`
//! (on-call rotations), `alerts.rs` (the keys that open alert routes).

use super::*;

mod access;
mod alerts;
mod defaults;
mod environment;
mod paging;
mod problems;
mod schedules;
mod services;

fn no_env(_: &str) -> Option<String> {
    None
}

fn load(text: &str) -> Result<Config, ConfigError> {
    load_str_with_env(text, "warroom.toml", &no_env)
}

fn problems(text: &str) -> Vec<Problem> {
    load(text).expect_err("the text has problems").problems
}

fn paths(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}
