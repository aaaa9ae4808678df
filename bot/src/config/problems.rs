//! What is wrong with a configuration, all of it at once.
//!
//! An operator fixing `warroom.toml` before a deploy should see every mistake in one run of
//! `warroom check-config`, not one per run. So loading never stops at the first problem: each
//! stage adds to a list, and the list becomes one [`ConfigError`] naming the file.

use std::collections::BTreeSet;
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

/// Every problem found so far, in the order found, except that unknown keys come first: a value
/// that seems to be ignored is most often under a misspelt key.
///
/// A configuration with a problem is refused, so whatever stands in for a value that could not
/// be read (the reader drops it and its default takes its place; a build leaves it out or keeps
/// the default, through [`Problems::read`]) is never used, and nothing checks it again.
#[derive(Debug, Default)]
pub(super) struct Problems {
    unknown: Vec<Problem>,
    found: Vec<Problem>,
    /// Paths whose value could not be read at all (the wrong type, an unset variable).
    unreadable: BTreeSet<String>,
}

impl Problems {
    /// A problem under `path`, unless the value there could not be read: then it would be about
    /// what was left in its place, and the one problem already reported is the one to fix.
    pub(super) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        let path = path.into();
        if !self.unreadable.contains(&path) {
            self.found.push(Problem::new(path, message));
        }
    }

    /// A key that no section has.
    pub(super) fn unknown_key(&mut self, problem: Problem) {
        self.unknown.push(problem);
    }

    /// Why the value under `path` could not be read; later problems under `path` are not
    /// reported.
    pub(super) fn unreadable(&mut self, path: &str, messages: impl IntoIterator<Item = String>) {
        for message in messages {
            self.push(path, message);
        }
        self.unreadable.insert(path.to_string());
    }

    /// `result`'s value, or `None` once its error is reported under `path`.
    pub(super) fn read<T>(&mut self, path: &str, result: Result<T, String>) -> Option<T> {
        result.map_err(|message| self.push(path, message)).ok()
    }

    /// The value `text` is read as by `parse`, or `default` when the key is left out (or could
    /// not be read).
    pub(super) fn parse_or<T>(
        &mut self,
        path: &str,
        text: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
        default: T,
    ) -> T {
        text.and_then(|text| self.read(path, parse(text)))
            .unwrap_or(default)
    }

    pub(super) fn into_vec(self) -> Vec<Problem> {
        let mut all = self.unknown;
        all.extend(self.found);
        all
    }
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
