//! Text → [`Command`]: the command's name, then the arguments of `/run`, `/help`, `/health`,
//! `/confirm` and `/cancel`. The incident verbs have their own grammar in `incident.rs` (which
//! shares the helpers at the end of this file), the operations theirs in `op.rs`.

use super::command::COMMANDS;
use super::incident::parse_incident;
use super::{Command, HelpTopic, Lexer, Token, Word, nearest};
use crate::UserError;
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

pub(super) fn required(
    lexer: &mut Lexer,
    verb: &Token,
    what: &str,
    usage: &str,
) -> Result<Token, UserError> {
    lexer
        .next_token()?
        .ok_or_else(|| UserError::at(format!("{what}: `{usage}`."), verb.span))
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
mod tests;
