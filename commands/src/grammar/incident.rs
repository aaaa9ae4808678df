//! `/incident VERB ...`: the incident subcommands, from declaring with a severity to listing.
//!
//! Apart from [`super::parse`] because the incident verbs are a grammar of their own: each
//! verb's arguments, and the suggestions for a mistyped verb or severity.

use chrono::TimeDelta;

use super::command::{INCIDENT_USAGE, usage_of};
use super::parse::{expect_end, required};
use super::{
    DurationError, IncidentCommand, Lexer, TextLimit, Token, free_text, nearest, parse_duration,
};
use crate::UserError;
use crate::incident::{IncidentId, Severity, Status};

pub(super) fn parse_incident(lexer: &mut Lexer) -> Result<IncidentCommand, UserError> {
    let Some(verb) = lexer.next_token()? else {
        return Err(UserError::new(
            "Say what to do: `/incident p1 checkout returns 502` declares an incident, and `/help incident` lists the rest.",
        ));
    };
    if let Some(severity) = Severity::parse(&verb.text) {
        let (raw, span) = lexer.rest();
        let title = free_text(raw, span, TextLimit::TITLE)?.ok_or_else(|| {
            UserError::at(
                format!(
                    "Give the incident a title after the severity, for example `/incident {} checkout returns 502`.",
                    severity.as_str()
                ),
                verb.span,
            )
        })?;
        return Ok(IncidentCommand::Declare { severity, title });
    }
    let lower = verb.text.to_lowercase();
    let canonical = INCIDENT_USAGE
        .iter()
        .find(|u| u.verb == Some(lower.as_str()) || u.aliases.contains(&lower.as_str()))
        .and_then(|u| u.verb);
    let Some(canonical) = canonical else {
        return Err(unknown_verb(&verb));
    };
    let usage = usage_of(canonical);
    let command = match canonical {
        "ack" => IncidentCommand::Ack {
            id: optional_id(lexer)?,
        },
        "snooze" => {
            let word = required(lexer, &verb, "Say for how long", usage)?;
            let duration = match parse_duration(&word.text) {
                Ok(d) if d > TimeDelta::zero() && d <= TimeDelta::hours(24) => d,
                Err(e @ DurationError::NotADuration(_)) => {
                    return Err(UserError::at(e.to_string(), word.span));
                }
                // Zero, or longer than a day (however much longer).
                _ => {
                    return Err(UserError::at(
                        format!(
                            "Snooze for longer than zero and at most 24h, for example `/incident snooze 30m`; `{}` is not.",
                            word.text
                        ),
                        word.span,
                    ));
                }
            };
            IncidentCommand::Snooze { duration }
        }
        "reopen" => IncidentCommand::Reopen,
        "lead" => {
            let who = required(lexer, &verb, "Name the lead", usage)?;
            let name = who.text.trim_start_matches('@');
            let name = free_text(name, who.span, TextLimit::NAME)?
                .ok_or_else(|| UserError::at(format!("Name the lead: `{usage}`."), who.span))?;
            IncidentCommand::Lead { who: name }
        }
        "sev" => {
            let word = required(lexer, &verb, "Give the new severity", usage)?;
            let to = Severity::parse(&word.text).ok_or_else(|| unknown_severity(&word))?;
            IncidentCommand::Severity { to }
        }
        "status" => {
            let word = required(lexer, &verb, "Give the new status", usage)?;
            let to = Status::parse(&word.text).ok_or_else(|| {
                let guess = nearest(&word.text, Status::ALL.iter().map(|s| s.as_str()));
                UserError::at(
                    format!(
                        "`{}` is not a status{}; use investigating, identified, monitoring or resolved.",
                        word.text,
                        guess.map_or(String::new(), |g| format!(" (did you mean `{g}`?)"))
                    ),
                    word.span,
                )
            })?;
            IncidentCommand::Status { to }
        }
        "note" | "action" => {
            let limit = if canonical == "note" {
                TextLimit::NOTE
            } else {
                TextLimit::FOLLOW_UP
            };
            let (raw, span) = lexer.rest();
            let text = free_text(raw, span, limit)?.ok_or_else(|| {
                UserError::at(
                    format!("Add the text after the verb: `{usage}`."),
                    verb.span,
                )
            })?;
            if canonical == "note" {
                IncidentCommand::Note { text }
            } else {
                IncidentCommand::Action { text }
            }
        }
        "resolve" => {
            let (raw, span) = lexer.rest();
            IncidentCommand::Resolve {
                summary: free_text(raw, span, TextLimit::SUMMARY)?,
            }
        }
        "timeline" => IncidentCommand::Timeline {
            id: optional_id(lexer)?,
        },
        "postmortem" => IncidentCommand::Postmortem {
            id: optional_id(lexer)?,
        },
        "show" => IncidentCommand::Show {
            id: optional_id(lexer)?,
        },
        "list" => {
            let mut all = false;
            while let Some(token) = lexer.next_token()? {
                match token.flag() {
                    Some(("all", None)) => all = true,
                    _ => {
                        return Err(UserError::at(
                            format!("`{}` is not an option of `{usage}`.", token.text),
                            token.span,
                        ));
                    }
                }
            }
            IncidentCommand::List { all }
        }
        other => unreachable!("verb `{other}` is in INCIDENT_USAGE but has no parser"),
    };
    expect_end(lexer, usage)?;
    Ok(command)
}

fn unknown_verb(verb: &Token) -> UserError {
    let verbs = INCIDENT_USAGE.iter().filter_map(|u| u.verb);
    let hint = match nearest(&verb.text, verbs) {
        Some(g) => format!(" Did you mean `/incident {g}`?"),
        None => match nearest(&verb.text, Severity::all_spellings()) {
            Some(g) => format!(" Did you mean `/incident {g} ...`?"),
            None => " Declare with a severity first, e.g. `/incident p2 checkout is slow`; `/help incident` lists the rest.".to_string(),
        },
    };
    UserError::at(
        format!(
            "`{}` is neither a severity nor an incident command.{hint}",
            verb.text
        ),
        verb.span,
    )
}

fn unknown_severity(word: &Token) -> UserError {
    let guess = nearest(&word.text, Severity::all_spellings());
    UserError::at(
        format!(
            "`{}` is not a severity{}; use p1, p2, p3 or p4 (or sev1-sev4, critical, major, minor, low).",
            word.text,
            guess.map_or(String::new(), |g| format!(" (did you mean `{g}`?)"))
        ),
        word.span,
    )
}

fn optional_id(lexer: &mut Lexer) -> Result<Option<IncidentId>, UserError> {
    match lexer.next_token()? {
        None => Ok(None),
        Some(token) => IncidentId::parse(&token.text).map(Some).ok_or_else(|| {
            UserError::at(
                format!(
                    "`{}` is not an incident id; write it like INC-7 or 7.",
                    token.text
                ),
                token.span,
            )
        }),
    }
}
