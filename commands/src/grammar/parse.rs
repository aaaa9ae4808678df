//! Text → [`Command`].

use super::command::{COMMANDS, INCIDENT_USAGE, usage_of};
use super::{
    Command, HelpTopic, IncidentCommand, Lexer, TextLimit, Token, Word, free_text, nearest,
};
use chrono::TimeDelta;

use super::{DurationError, parse_duration};
use crate::UserError;
use crate::incident::{IncidentId, Severity, Status};
use crate::services::OpKind;

/// Parses one command as typed in any channel, with or without the leading slash, directly
/// (`/incident ...`) or through the root command (`/warroom incident ...`).
pub fn parse(text: &str) -> Result<Command, UserError> {
    let mut lexer = Lexer::new(text);
    let Some(mut first) = lexer.next_token()? else {
        return Err(UserError::new(
            "Type a command, for example `/incident p1 checkout returns 502`, or `/help` to see them all.",
        ));
    };
    if command_name(&first) == "warroom" {
        match lexer.next_token()? {
            Some(next) => first = next,
            None => return Ok(Command::Help { topic: None }),
        }
    }
    let name = command_name(&first);
    match name.as_str() {
        "help" => parse_help(&mut lexer),
        "incident" | "inc" => parse_incident(&mut lexer).map(Command::Incident),
        "run" => parse_run(&mut lexer, &first),
        name if OpKind::parse(name).is_some() => {
            super::op::parse(&mut lexer, &first, OpKind::parse(name).expect("checked"))
        }
        "health" => {
            let service = lexer.next_token()?.map(|t| Word {
                text: t.text.to_lowercase(),
                span: t.span,
            });
            expect_end(&mut lexer, "/health [SERVICE|all]")?;
            Ok(Command::Health { service })
        }
        "confirm" | "cancel" => {
            let usage = if name == "confirm" {
                "/confirm TOKEN"
            } else {
                "/cancel TOKEN"
            };
            let token = required(
                &mut lexer,
                &first,
                "Give the token from the confirmation",
                usage,
            )?;
            expect_end(&mut lexer, usage)?;
            let token = token.text.to_lowercase();
            Ok(if name == "confirm" {
                Command::Confirm { token }
            } else {
                Command::Cancel { token }
            })
        }
        _ => {
            let guess = nearest(&name, COMMANDS.iter().map(|(n, _)| *n));
            let hint = guess.map_or(String::new(), |g| format!(" Did you mean `/{g}`?"));
            Err(UserError::at(
                format!("There is no command `/{name}`.{hint} Type `/help` to see every command."),
                first.span,
            ))
        }
    }
}

fn parse_run(lexer: &mut Lexer, verb: &Token) -> Result<Command, UserError> {
    const USAGE: &str = "/run SERVICE ACTION [--dry-run]";
    let mut words = Vec::new();
    let mut dry_run = false;
    while let Some(token) = lexer.next_token()? {
        match token.flag() {
            Some(("dry-run", None)) => dry_run = true,
            Some(_) => {
                return Err(UserError::at(
                    format!("`{}` is not an option of `{USAGE}`.", token.text),
                    token.span,
                ));
            }
            None => words.push(Word {
                text: token.text,
                span: token.span,
            }),
        }
    }
    let mut words = words.into_iter();
    match (words.next(), words.next(), words.next()) {
        (Some(service), Some(action), None) => Ok(Command::Run {
            service,
            action,
            dry_run,
        }),
        (_, _, Some(extra)) => Err(UserError::at(
            format!("Unexpected `{}`; the command is `{USAGE}`.", extra.text),
            extra.span,
        )),
        _ => Err(UserError::at(
            format!("Name the service and the action: `{USAGE}`, e.g. `/run api pods`."),
            verb.span,
        )),
    }
}

fn command_name(token: &Token) -> String {
    token.text.trim_start_matches('/').to_lowercase()
}

fn parse_help(lexer: &mut Lexer) -> Result<Command, UserError> {
    let topic = match lexer.next_token()? {
        None => None,
        Some(t) if matches!(command_name(&t).as_str(), "incident" | "inc") => {
            Some(HelpTopic::Incident)
        }
        Some(t) => {
            return Err(UserError::at(
                format!(
                    "There is no help on `{}`; try `/help` or `/help incident`.",
                    t.text
                ),
                t.span,
            ));
        }
    };
    expect_end(lexer, "/help [incident]")?;
    Ok(Command::Help { topic })
}

fn parse_incident(lexer: &mut Lexer) -> Result<IncidentCommand, UserError> {
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

fn required(lexer: &mut Lexer, verb: &Token, what: &str, usage: &str) -> Result<Token, UserError> {
    lexer
        .next_token()?
        .ok_or_else(|| UserError::at(format!("{what}: `{usage}`."), verb.span))
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

pub(super) fn expect_end(lexer: &mut Lexer, usage: &str) -> Result<(), UserError> {
    match lexer.next_token()? {
        None => Ok(()),
        Some(extra) => Err(UserError::at(
            format!("Unexpected `{}`; the command is `{usage}`.", extra.text),
            extra.span,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Command {
        parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message))
    }

    fn incident(text: &str) -> IncidentCommand {
        match ok(text) {
            Command::Incident(c) => c,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn err(text: &str) -> UserError {
        parse(text).expect_err(text)
    }

    #[test]
    fn declares_with_every_severity_spelling() {
        for (text, severity) in [
            ("/incident p1 API returns 502 on checkout", Severity::P1),
            ("/incident sev2 API returns 502 on checkout", Severity::P2),
            ("/incident minor API returns 502 on checkout", Severity::P3),
            ("incident LOW API returns 502 on checkout", Severity::P4),
            (
                "/warroom incident critical API returns 502 on checkout",
                Severity::P1,
            ),
        ] {
            assert_eq!(
                incident(text),
                IncidentCommand::Declare {
                    severity,
                    title: "API returns 502 on checkout".into()
                },
                "{text}"
            );
        }
    }

    #[test]
    fn parses_every_verb() {
        assert_eq!(incident("/incident ack"), IncidentCommand::Ack { id: None });
        assert_eq!(
            incident("/incident acknowledge INC-7"),
            IncidentCommand::Ack {
                id: Some(IncidentId(7))
            }
        );
        assert_eq!(
            incident("/incident snooze 30m"),
            IncidentCommand::Snooze {
                duration: TimeDelta::minutes(30)
            }
        );
        for bad in [
            "/incident snooze",
            "/incident snooze 0m",
            "/incident snooze 2d",
            "/incident snooze soon",
            "/incident snooze 99999999999d",
            "/incident snooze 99999999999999999999999d",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(
            err("/incident snooze 99999999999d")
                .message
                .starts_with("Snooze for longer than zero and at most 24h"),
        );
        assert_eq!(
            incident("/incident commander @alice"),
            IncidentCommand::Lead {
                who: "alice".into()
            }
        );
        assert_eq!(
            incident("/incident sev p2"),
            IncidentCommand::Severity { to: Severity::P2 }
        );
        assert_eq!(
            incident("/incident status Monitoring"),
            IncidentCommand::Status {
                to: Status::Monitoring
            }
        );
        assert_eq!(
            incident("/incident note it's the \"cache\""),
            IncidentCommand::Note {
                text: "it's the \"cache\"".into()
            }
        );
        assert_eq!(
            incident("/incident action add alert"),
            IncidentCommand::Action {
                text: "add alert".into()
            }
        );
        assert_eq!(
            incident("/incident resolve"),
            IncidentCommand::Resolve { summary: None }
        );
        assert_eq!(
            incident("/incident resolve bad deploy"),
            IncidentCommand::Resolve {
                summary: Some("bad deploy".into())
            }
        );
        assert_eq!(incident("/incident reopen"), IncidentCommand::Reopen);
        assert_eq!(
            incident("/incident timeline INC-3"),
            IncidentCommand::Timeline {
                id: Some(IncidentId(3))
            }
        );
        assert_eq!(
            incident("/incident postmortem"),
            IncidentCommand::Postmortem { id: None }
        );
        assert_eq!(
            incident("/incident list —all"),
            IncidentCommand::List { all: true }
        );
        assert_eq!(
            incident("/incident show 4"),
            IncidentCommand::Show {
                id: Some(IncidentId(4))
            }
        );
        assert_eq!(ok("/help"), Command::Help { topic: None });
        match ok("/run api pods —dry-run") {
            Command::Run {
                service,
                action,
                dry_run,
            } => assert_eq!(
                (service.text.as_str(), action.text.as_str(), dry_run),
                ("api", "pods", true)
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            ok("confirm AbC123"),
            Command::Confirm {
                token: "abc123".into()
            }
        );
        assert_eq!(
            ok("/warroom cancel abc"),
            Command::Cancel {
                token: "abc".into()
            }
        );
        assert!(
            err("/run api")
                .message
                .starts_with("Name the service and the action")
        );
        assert!(
            err("/run api pods now")
                .message
                .contains("Unexpected `now`")
        );
        assert!(err("/confirm").message.starts_with("Give the token"));
        assert_eq!(ok("/health"), Command::Health { service: None });
        assert!(
            matches!(ok("/health API"), Command::Health { service: Some(w) } if w.text == "api")
        );
        assert!(err("/health api web").message.contains("Unexpected `web`"));
        assert_eq!(ok("/warroom"), Command::Help { topic: None });
        assert_eq!(
            ok("/help incident"),
            Command::Help {
                topic: Some(HelpTopic::Incident)
            }
        );
    }

    #[test]
    fn bad_input_points_at_the_word_and_suggests() {
        let e = err("/incident nte hello");
        assert!(
            e.message.contains("Did you mean `/incident note`?"),
            "{}",
            e.message
        );
        assert_eq!(e.span.map(|s| (s.start, s.end)), Some((10, 13)));

        let e = err("/incidnet p1 down");
        assert!(
            e.message.contains("Did you mean `/incident`?"),
            "{}",
            e.message
        );

        let e = err("/incident p7 down");
        assert!(
            e.message.contains("Did you mean `/incident p1 ...`?"),
            "{}",
            e.message
        );

        let e = err("/incident sev p9");
        assert!(
            e.message.contains("`p9` is not a severity"),
            "{}",
            e.message
        );

        let e = err("/incident status fixed");
        assert!(
            e.message.contains("`fixed` is not a status"),
            "{}",
            e.message
        );

        let e = err("/incident list --al");
        assert!(
            e.message.contains("`--al` is not an option"),
            "{}",
            e.message
        );

        let e = err("/incident ack now");
        assert!(
            e.message.contains("`now` is not an incident id"),
            "{}",
            e.message
        );
        let e = err("/incident ack INC-1 now");
        assert!(e.message.contains("Unexpected `now`"), "{}", e.message);
    }

    #[test]
    fn empty_and_blank_input_say_what_to_type() {
        assert!(err("").message.starts_with("Type a command"));
        assert!(err("   ").message.starts_with("Type a command"));
        assert!(err("/incident").message.starts_with("Say what to do"));
        assert!(
            err("/incident p1    ")
                .message
                .starts_with("Give the incident a title")
        );
        assert!(err("/incident note  ").message.starts_with("Add the text"));
    }
}
