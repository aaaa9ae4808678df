//! What is wrong with a configuration, all of it at once.
//!
//! An operator fixing `warroom.toml` before a deploy should see every mistake in one run of
//! `warroom check-config`, not one per run. So loading never stops at the first problem: each
//! stage adds to a list, and the list becomes one [`ConfigError`] naming the file.

use std::fmt;

/// One thing to fix: where it is (a dotted key path such as `severity.p1.acknowledge`, empty when
/// the problem is the file as a whole) and a sentence saying what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The configuration could not be used. `origin` is the file path, or `built-in defaults` when
/// no file was read; the display lists every problem on its own line:
///
/// ```text
/// warroom.toml has 2 problems:
///   - server.lisen: unknown key (did you mean `server.listen`?); rename or remove it.
///   - severity.p1.acknowledge: `5x` is not a duration; write it like 500ms, 30s, 15m, 2h, 1d or 1h30m, or next-business-day.
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", list(origin, problems))]
pub struct ConfigError {
    pub origin: String,
    pub problems: Vec<Problem>,
}

fn list(origin: &str, problems: &[Problem]) -> String {
    let count = match problems.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    let mut text = format!("{origin} has {count}:");
    for problem in problems {
        text.push_str("\n  - ");
        text.push_str(&problem.to_string());
    }
    text
}

/// A key path as people read it: `severity.p1.acknowledge`, `services.api.argv[2]`.
pub(super) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// The path of an array element.
pub(super) fn index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}
