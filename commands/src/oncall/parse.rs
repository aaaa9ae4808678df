//! How a schedule is written in configuration: members and a layer's start. (A rotation, a
//! hand-off and a restriction are read by their own types' `parse`.) Every error is a sentence
//! the operator can act on.

use chrono::{Datelike, NaiveDate};

use crate::escalation::Contact;
use crate::ports::Mention;

/// A schedule member: `slack:U…` or `discord:user:ID`. A group cannot be on call: a page to it
/// reaches everyone or no one, and an override could not name who covers.
pub fn person(text: &str) -> Result<Contact, String> {
    let contact = Contact::parse(text).map_err(|_| {
        format!(
            "`{text}` is not a person; write slack:U… (a Slack user) or discord:user:ID (a Discord user)."
        )
    })?;
    match contact.mention {
        Mention::User(_) => Ok(contact),
        Mention::Group(_) => Err(format!(
            "`{text}` is a group, but a schedule hands each turn to one person; list its people instead."
        )),
    }
}

/// A layer's members, in turn order. Each problem comes with the index of the member it is
/// about, or `None` when it is about the list (an empty one).
pub fn members(written: &[String]) -> Result<Vec<Contact>, Vec<(Option<usize>, String)>> {
    if written.is_empty() {
        return Err(vec![(
            None,
            "is empty; list at least one person, like [\"slack:U0ALICE\"].".to_string(),
        )]);
    }
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (i, text) in written.iter().enumerate() {
        match person(text) {
            Ok(contact) if found.contains(&contact) => problems.push((
                Some(i),
                format!(
                    "`{text}` is listed twice; a person takes one turn per round, so remove one."
                ),
            )),
            Ok(contact) => found.push(contact),
            Err(message) => problems.push((Some(i), message)),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// A layer's start: `2026-11-30`, a local date.
pub fn start(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|date| (1970..=9999).contains(&date.year()))
        .ok_or_else(|| format!("`{text}` is not a date; write it like 2026-11-30."))
}
