//! `/oncall`, `/oncall SCHEDULE`, `/oncall me`, `/oncall cover @someone DURATION|until TIME
//! [SCHEDULE]` and `/oncall swap @someone [SCHEDULE]`: the word after the name picks what is
//! asked, and anything else is a schedule's name.
//!
//! People are named as the platform writes a mention (`<@U0BOB|bob>` from Slack, `<@123>` from
//! Discord), as a bare id (`@U0BOB`), or as configuration writes them (`slack:U0BOB`,
//! `discord:user:123`); the handler turns the word into a platform id, never a display name,
//! so an override is keyed on who someone is, not what they are called today.

use chrono::{NaiveDate, NaiveTime, TimeDelta};

use super::parse::{expect_end, required};
use super::spec::Spec;
use super::{Command, Lexer, Token, parse_duration};
use crate::UserError;

/// What `/oncall` is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OncallCommand {
    /// Who is on call now and next, in every schedule or in the one named.
    Now { schedule: Option<String> },
    /// The asker's own next shifts.
    Mine,
    /// `who` takes a schedule from now for a while.
    Cover {
        who: String,
        until: Until,
        schedule: Option<String>,
    },
    /// `who` and the asker trade their next shifts.
    Swap {
        who: String,
        schedule: Option<String>,
    },
}

/// How long a cover lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// For this long from now.
    For(TimeDelta),
    /// Until this local time in the schedule's zone: the next time the clock shows it, or on
    /// `day` when given.
    At {
        day: Option<NaiveDate>,
        time: NaiveTime,
    },
}

/// The longest cover: two weeks. A longer change is a change of the rota, in configuration.
pub const LONGEST_COVER: TimeDelta = TimeDelta::days(14);

pub(super) fn oncall(
    lexer: &mut Lexer,
    _name: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    let usage = spec.usage();
    let Some(verb) = lexer.next_token()? else {
        return Ok(Command::Oncall(OncallCommand::Now { schedule: None }));
    };
    let asked = match verb.text.to_ascii_lowercase().as_str() {
        "me" | "mine" => OncallCommand::Mine,
        "cover" => {
            let who = required(lexer, &verb, "Name who covers, like @bob", &usage)?;
            let how_long = required(
                lexer,
                &who,
                "Say for how long, like 2h or until 18:00",
                &usage,
            )?;
            let until = if how_long.text.eq_ignore_ascii_case("until") {
                until(lexer, &how_long, &usage)?
            } else {
                Until::For(span(&how_long)?)
            };
            OncallCommand::Cover {
                who: who.text,
                until,
                schedule: schedule(lexer)?,
            }
        }
        "swap" => {
            let who = required(lexer, &verb, "Name who you swap with, like @bob", &usage)?;
            OncallCommand::Swap {
                who: who.text,
                schedule: schedule(lexer)?,
            }
        }
        _ => OncallCommand::Now {
            schedule: Some(verb.text.to_ascii_lowercase()),
        },
    };
    expect_end(lexer, &usage)?;
    Ok(Command::Oncall(asked))
}

fn schedule(lexer: &mut Lexer) -> Result<Option<String>, UserError> {
    Ok(lexer.next_token()?.map(|t| t.text.to_ascii_lowercase()))
}

/// A cover's length: more than zero and at most [`LONGEST_COVER`].
fn span(word: &Token) -> Result<TimeDelta, UserError> {
    parse_duration(&word.text)
        .ok()
        .filter(|d| *d > TimeDelta::zero() && *d <= LONGEST_COVER)
        .ok_or_else(|| {
            UserError::at(
                format!(
                    "Cover for longer than zero and at most 14d, like `/oncall cover @bob 2h` or `/oncall cover @bob until 18:00`; `{}` is not.",
                    word.text
                ),
                word.span,
            )
        })
}

/// `until 18:00` or `until 2026-12-24 18:00`.
fn until(lexer: &mut Lexer, word: &Token, usage: &str) -> Result<Until, UserError> {
    let first = required(lexer, word, "Say until when, like until 18:00", usage)?;
    let bad = |token: &Token| {
        UserError::at(
            format!(
                "`{}` is not a time; write until 18:00 or until 2026-12-24 18:00.",
                token.text
            ),
            token.span,
        )
    };
    let time =
        |token: &Token| NaiveTime::parse_from_str(&token.text, "%H:%M").map_err(|_| bad(token));
    if let Ok(day) = NaiveDate::parse_from_str(&first.text, "%Y-%m-%d") {
        let at = required(lexer, &first, "Say the time of day too, like 18:00", usage)?;
        return Ok(Until::At {
            day: Some(day),
            time: time(&at)?,
        });
    }
    Ok(Until::At {
        day: None,
        time: time(&first)?,
    })
}
