//! `/incident VERB ...`: the incident subcommands, from declaring with a severity to listing.
//!
//! Apart from [`super::parse`] because the incident verbs are a grammar of their own: each
//! verb's arguments, and the suggestions for a mistyped verb or severity.

use chrono::TimeDelta;

use super::parse::{Line, expect_end, not_an_option, required, unreadable, words_and_flags};
use super::spec::{DECLARE, Flag, Reader, Spec};
use super::{
    DurationError, IncidentCommand, Lexer, TextLimit, Token, free_text, nearest, parse_duration,
};
use crate::UserError;
use crate::incident::{IncidentId, Severity, Status};

/// The verb named by the first word, or declaring when the first word is none of them (its
/// reader checks that it is a severity).
pub(super) fn parse_incident(
    lexer: &mut Lexer,
    verbs: &'static [Spec],
) -> Result<IncidentCommand, UserError> {
    let Some(word) = lexer.next_token()? else {
        return Err(UserError::new(
            "Say what to do: `/incident p1 checkout returns 502` declares an incident, and `/help incident` lists the rest.",
        ));
    };
    let lower = word.text.to_lowercase();
    let spec = verbs
        .iter()
        .filter(|v| v.name != DECLARE.name)
        .find(|v| v.is_called(&lower))
        .or_else(|| verbs.iter().find(|v| v.name == DECLARE.name))
        .ok_or_else(|| unknown_verb(&word))?;
    let Reader::Verb(read) = spec.read else {
        return Err(unreadable(spec));
    };
    let command = read(lexer, &word, spec)?;
    expect_end(lexer, &spec.verb_usage())?;
    Ok(command)
}

/// `/incident SEVERITY TITLE`; `severity` is the first word, which no verb claimed.
pub(super) fn declare(
    lexer: &mut Lexer,
    severity: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let Some(level) = Severity::parse(&severity.text) else {
        return Err(unknown_verb(severity));
    };
    let (raw, span) = lexer.rest();
    let title = free_text(raw, span, TextLimit::TITLE)?.ok_or_else(|| {
        UserError::at(
            format!(
                "Give the incident a title after the severity, for example `/incident {} checkout returns 502`.",
                level.as_str()
            ),
            severity.span,
        )
    })?;
    Ok(IncidentCommand::Declare {
        severity: level,
        title,
    })
}

pub(super) fn ack(
    lexer: &mut Lexer,
    _: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    Ok(IncidentCommand::Ack {
        id: optional_id(lexer)?,
    })
}

pub(super) fn timeline(
    lexer: &mut Lexer,
    _: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    Ok(IncidentCommand::Timeline {
        id: optional_id(lexer)?,
    })
}

pub(super) fn postmortem(
    lexer: &mut Lexer,
    _: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    Ok(IncidentCommand::Postmortem {
        id: optional_id(lexer)?,
    })
}

pub(super) fn show(
    lexer: &mut Lexer,
    _: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    Ok(IncidentCommand::Show {
        id: optional_id(lexer)?,
    })
}

pub(super) fn reopen(
    _: &mut Lexer,
    _: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    Ok(IncidentCommand::Reopen)
}

pub(super) fn snooze(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let word = required(lexer, verb, "Say for how long", &spec.verb_usage())?;
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
    Ok(IncidentCommand::Snooze { duration })
}

pub(super) fn lead(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let usage = spec.verb_usage();
    let who = required(lexer, verb, "Name the lead", &usage)?;
    let name = who.text.trim_start_matches('@');
    let name = free_text(name, who.span, TextLimit::NAME)?
        .ok_or_else(|| UserError::at(format!("Name the lead: `{usage}`."), who.span))?;
    Ok(IncidentCommand::Lead { who: name })
}

pub(super) fn severity(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let word = required(lexer, verb, "Give the new severity", &spec.verb_usage())?;
    let to = Severity::parse(&word.text).ok_or_else(|| unknown_severity(&word))?;
    Ok(IncidentCommand::Severity { to })
}

pub(super) fn status(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let word = required(lexer, verb, "Give the new status", &spec.verb_usage())?;
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
    Ok(IncidentCommand::Status { to })
}

pub(super) fn note(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    rest(lexer, verb, spec, TextLimit::NOTE).map(|text| IncidentCommand::Note { text })
}

pub(super) fn action(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    rest(lexer, verb, spec, TextLimit::FOLLOW_UP).map(|text| IncidentCommand::Action { text })
}

/// The required text after the verb.
fn rest(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
    limit: TextLimit,
) -> Result<String, UserError> {
    let (raw, span) = lexer.rest();
    free_text(raw, span, limit)?.ok_or_else(|| {
        UserError::at(
            format!("Add the text after the verb: `{}`.", spec.verb_usage()),
            verb.span,
        )
    })
}

pub(super) fn resolve(
    lexer: &mut Lexer,
    _: &Token,
    _: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let (raw, span) = lexer.rest();
    Ok(IncidentCommand::Resolve {
        summary: free_text(raw, span, TextLimit::SUMMARY)?,
    })
}

pub(super) fn list(
    lexer: &mut Lexer,
    _: &Token,
    spec: &'static Spec,
) -> Result<IncidentCommand, UserError> {
    let usage = spec.verb_usage();
    let Line { words, flags } = words_and_flags(lexer, spec, &usage)?;
    if let Some(word) = words.first() {
        return Err(not_an_option(word, &usage));
    }
    let mut all = false;
    for (flag, token) in flags {
        match flag {
            Flag::All => all = true,
            _ => return Err(not_an_option(&token, &usage)),
        }
    }
    Ok(IncidentCommand::List { all })
}

fn unknown_verb(verb: &Token) -> UserError {
    let verbs = super::spec::VERBS
        .iter()
        .filter(|v| v.name != DECLARE.name)
        .map(|v| v.name);
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
