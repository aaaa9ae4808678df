//! Text that names people and moments as such, so that each platform can show them in the
//! reader's own terms.
//!
//! A handler writes `Line::new().words("Requested by ").person(&id).words(" at ").time(t)`;
//! Slack shows the person as a mention (`<@U…>`, the name the reader knows) and the time as a
//! date in the reader's own time zone (`<!date^…>`), Discord the same with `<@id>` and
//! `<t:…:f>`, and the console and the pages in plain text. Words are only ever words: the
//! renderer escapes them, so text a person typed can never turn into a mention.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::timefmt;

/// One piece of a [`Line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Words, shown as they are (escaped by every renderer).
    Words(String),
    /// A person by their immutable platform id: a Slack `U…`, a Discord snowflake, a console
    /// user name.
    Person(String),
    /// A moment, to the minute or (where seconds order events) to the second.
    Time { at: DateTime<Utc>, seconds: bool },
}

/// A run of words, people and times.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line(pub Vec<Inline>);

impl Line {
    pub fn new() -> Line {
        Line::default()
    }

    pub fn words(mut self, words: impl Into<String>) -> Line {
        let words = words.into();
        if !words.is_empty() {
            self.0.push(Inline::Words(words));
        }
        self
    }

    pub fn person(mut self, id: impl Into<String>) -> Line {
        self.0.push(Inline::Person(id.into()));
        self
    }

    /// A time to the minute.
    pub fn time(mut self, at: DateTime<Utc>) -> Line {
        self.0.push(Inline::Time { at, seconds: false });
        self
    }

    /// A time to the second.
    pub fn time_seconds(mut self, at: DateTime<Utc>) -> Line {
        self.0.push(Inline::Time { at, seconds: true });
        self
    }

    /// This line followed by `other`.
    pub fn then(mut self, other: Line) -> Line {
        self.0.extend(other.0);
        self
    }

    /// The line with each piece written by `piece`: how a platform renders it.
    pub fn render(&self, mut piece: impl FnMut(&Inline) -> String) -> String {
        self.0.iter().map(&mut piece).collect()
    }

    /// The line with its words changed by `change` (masking secrets), people and times kept.
    pub fn map_words(self, mut change: impl FnMut(&str) -> String) -> Line {
        Line(
            self.0
                .into_iter()
                .map(|piece| match piece {
                    Inline::Words(words) => Inline::Words(change(&words)),
                    other => other,
                })
                .collect(),
        )
    }
}

/// Plain text: a person as their id, a time in UTC with its date. What the console, the logs
/// and every place without mentions or local times show.
impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.0 {
            match piece {
                Inline::Words(words) => f.write_str(words)?,
                Inline::Person(id) => f.write_str(id)?,
                Inline::Time { at, seconds: false } => f.write_str(&timefmt::at(*at))?,
                Inline::Time { at, seconds: true } => f.write_str(&timefmt::at_seconds(*at))?,
            }
        }
        Ok(())
    }
}

impl From<String> for Line {
    fn from(words: String) -> Line {
        Line::new().words(words)
    }
}

impl From<&str> for Line {
    fn from(words: &str) -> Line {
        Line::new().words(words)
    }
}

impl From<&String> for Line {
    fn from(words: &String) -> Line {
        Line::new().words(words.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_shows_ids_and_utc_times() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T03:14:05Z")
            .unwrap()
            .with_timezone(&Utc);
        let line = Line::new()
            .words("Requested by ")
            .person("U0ALICE")
            .words(" at ")
            .time(at)
            .words("; ran at ")
            .time_seconds(at);
        assert_eq!(
            line.to_string(),
            "Requested by U0ALICE at 2026-11-22 03:14 UTC; ran at 2026-11-22 03:14:05 UTC"
        );
    }

    #[test]
    fn only_words_are_changed_by_map_words() {
        let line = Line::new().words("token ").person("U0SECRET");
        let masked = line.map_words(|w| w.replace("token", "[redacted]"));
        assert_eq!(masked.to_string(), "[redacted] U0SECRET");
    }
}
