//! `/alerts`, `/alerts why NAME`, `/alerts silence TARGET DURATION [REASON]` and
//! `/alerts unsilence TARGET`: the words after the name pick what is asked.

use super::parse::{expect_end, required};
use super::spec::Spec;
use super::text::{TextLimit, free_text};
use super::{Command, Lexer, Token, parse_duration};
use crate::UserError;

/// What `/alerts` is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertsCommand {
    /// The alerts of the channel's incident.
    List,
    /// Which route an alert matched and why it went where it did.
    Why {
        what: String,
    },
    /// No declaring or paging for a route's or a service's alerts until `duration` passes.
    Silence {
        target: String,
        duration: chrono::TimeDelta,
        reason: String,
    },
    Unsilence {
        target: String,
    },
}

/// The longest silence: a week, so a forgotten one ends.
const LONGEST: chrono::TimeDelta = chrono::TimeDelta::days(7);

pub(super) fn alerts(
    lexer: &mut Lexer,
    _name: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    let usage = spec.usage();
    let Some(verb) = lexer.next_token()? else {
        return Ok(Command::Alerts(AlertsCommand::List));
    };
    let asked = match verb.text.to_ascii_lowercase().as_str() {
        "list" => AlertsCommand::List,
        "why" => {
            let what = required(
                lexer,
                &verb,
                "Name the alert, by its name or fingerprint",
                &usage,
            )?;
            AlertsCommand::Why { what: what.text }
        }
        "silence" => {
            let target = required(lexer, &verb, "Name the route or service to silence", &usage)?;
            let how_long = required(lexer, &target, "Say for how long, like 2h", &usage)?;
            let duration = parse_duration(&how_long.text)
                .ok()
                .filter(|d| *d > chrono::TimeDelta::zero() && *d <= LONGEST)
                .ok_or_else(|| {
                    UserError::at(
                        format!(
                            "Silence for longer than zero and at most 7d, for example `/alerts silence api 2h deploy`; `{}` is not.",
                            how_long.text
                        ),
                        how_long.span,
                    )
                })?;
            let (rest, span) = lexer.rest();
            let reason = free_text(rest, span, TextLimit::NOTE)?
                .unwrap_or_else(|| "no reason given".to_string());
            return Ok(Command::Alerts(AlertsCommand::Silence {
                target: target.text.to_ascii_lowercase(),
                duration,
                reason,
            }));
        }
        "unsilence" => {
            let target = required(lexer, &verb, "Name the route or service", &usage)?;
            AlertsCommand::Unsilence {
                target: target.text.to_ascii_lowercase(),
            }
        }
        other => {
            return Err(UserError::at(
                format!(
                    "`{other}` is not something `/alerts` does; write `/alerts`, `/alerts why NAME`, `/alerts silence api 2h REASON` or `/alerts unsilence api`."
                ),
                verb.span,
            ));
        }
    };
    expect_end(lexer, &usage)?;
    Ok(Command::Alerts(asked))
}
