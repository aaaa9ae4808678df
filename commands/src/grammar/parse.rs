//! Text → [`Command`]: the command's name picks its declaration in [`spec`](super::spec),
//! whose reader takes the rest. `/run`, `/help`, `/health`, `/confirm` and `/cancel` are read
//! here; the incident verbs have their own grammar in `incident.rs` and the operations theirs
//! in `op.rs`, both sharing the helpers at the end of this file.

use super::incident::parse_incident;
use super::spec::{self, Flag, Reader, Spec};
use super::{Command, HelpTopic, Lexer, Token, Word, nearest};
use crate::UserError;

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
    let Some(spec) = spec::command(&name) else {
        let guess = nearest(&name, spec::COMMANDS.iter().map(|s| s.name));
        let hint = guess.map_or(String::new(), |g| format!(" Did you mean `/{g}`?"));
        return Err(UserError::at(
            format!("There is no command `/{name}`.{hint} Type `/help` to see every command."),
            first.span,
        ));
    };
    // `/incident help`, `/logs help`: what Slack users type for a command's usage.
    if spec.name != spec::HELP.name && text[first.span.end..].trim().eq_ignore_ascii_case("help") {
        return Ok(Command::Help {
            topic: Some(topic_of(spec)),
        });
    }
    match spec.read {
        Reader::Own(read) => read(&mut lexer, &first, spec),
        Reader::Op(kind) => super::op::parse(&mut lexer, &first, kind, spec),
        Reader::Verbs(verbs) => parse_incident(&mut lexer, verbs).map(Command::Incident),
        Reader::Verb(_) => Err(unreadable(spec)),
    }
}

/// The answer for a declaration whose reader does not fit where it is declared; the tests
/// parse every declared example, so no release can reach it.
pub(super) fn unreadable(spec: &Spec) -> UserError {
    UserError::new(format!(
        "`{}` is declared in a way warroom cannot read; tell the warroom operators.",
        spec.name
    ))
}

/// `/run SERVICE ACTION [--dry-run]`.
pub(super) fn run(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    let usage = spec.usage();
    let Line { words, flags } = words_and_flags(lexer, spec, &usage)?;
    let mut dry_run = false;
    for (flag, token) in flags {
        match flag {
            Flag::DryRun => dry_run = true,
            _ => return Err(not_an_option(&token, &usage)),
        }
    }
    let word = |t: Token| Word {
        text: t.text,
        span: t.span,
    };
    let mut words = words.into_iter();
    match (words.next(), words.next()) {
        (Some(service), Some(action)) => {
            no_more(words, &usage)?;
            Ok(Command::Run {
                service: word(service),
                action: word(action),
                dry_run,
            })
        }
        _ => Err(UserError::at(
            format!("Name the service and the action: `{usage}`, e.g. `/run api pods`."),
            verb.span,
        )),
    }
}

/// `/health [SERVICE|all]`.
pub(super) fn health(
    lexer: &mut Lexer,
    _: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    let usage = spec.usage();
    let Line { words, .. } = words_and_flags(lexer, spec, &usage)?;
    let mut words = words.into_iter();
    let service = words.next().map(|t| Word {
        text: t.text.to_lowercase(),
        span: t.span,
    });
    no_more(words, &usage)?;
    Ok(Command::Health { service })
}

/// `/confirm TOKEN`.
pub(super) fn confirm(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    token(lexer, verb, spec).map(|token| Command::Confirm { token })
}

/// `/cancel TOKEN`.
pub(super) fn cancel(
    lexer: &mut Lexer,
    verb: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    token(lexer, verb, spec).map(|token| Command::Cancel { token })
}

fn token(lexer: &mut Lexer, verb: &Token, spec: &'static Spec) -> Result<String, UserError> {
    let usage = spec.usage();
    let Line { words, .. } = words_and_flags(lexer, spec, &usage)?;
    let mut words = words.into_iter();
    let token = words.next().ok_or_else(|| {
        UserError::at(
            format!("Give the token from the confirmation: `{usage}`."),
            verb.span,
        )
    })?;
    no_more(words, &usage)?;
    Ok(token.text.to_lowercase())
}

/// What help on `command` shows: `/incident`'s verbs have their own page.
fn topic_of(command: &'static Spec) -> HelpTopic {
    match command.read {
        Reader::Verbs(_) => HelpTopic::Incident,
        _ => HelpTopic::Command(command.name),
    }
}

/// `/help [incident|COMMAND]`.
pub(super) fn help(
    lexer: &mut Lexer,
    _: &Token,
    spec: &'static Spec,
) -> Result<Command, UserError> {
    let topic = match lexer.next_token()? {
        None => None,
        Some(t) => match spec::command(&command_name(&t)) {
            Some(about) => Some(topic_of(about)),
            None => {
                return Err(UserError::at(
                    format!(
                        "There is no help on `{}`; try `/help`, `/help incident` or `/help logs`.",
                        t.text
                    ),
                    t.span,
                ));
            }
        },
    };
    expect_end(lexer, &spec.usage())?;
    Ok(Command::Help { topic })
}

fn command_name(token: &Token) -> String {
    token.text.trim_start_matches('/').to_lowercase()
}

/// A command's words after its name, as [`words_and_flags`] sorts them.
pub(super) struct Line {
    /// The words in their places, in order.
    pub words: Vec<Token>,
    /// Each flag with its value token (the flag itself for a switch).
    pub flags: Vec<(Flag, Token)>,
}

/// The rest of the line as the words in their places and the flags `spec` declares, each flag
/// with its value (from `--flag=value` or the next word; a switch has none). A flag `spec`
/// does not declare is refused.
pub(super) fn words_and_flags(
    lexer: &mut Lexer,
    spec: &Spec,
    usage: &str,
) -> Result<Line, UserError> {
    let mut words = Vec::new();
    let mut flags = Vec::new();
    while let Some(token) = lexer.next_token()? {
        let Some((name, inline)) = token.flag() else {
            words.push(token);
            continue;
        };
        let Some((flag, opt)) = spec.flags().find(|(_, o)| o.name == name) else {
            return Err(not_an_option(&token, usage));
        };
        let value = match (opt.kind, inline) {
            (spec::Kind::Switch, None) => token.clone(),
            (spec::Kind::Switch, Some(_)) => {
                return Err(UserError::at(
                    format!("`--{name}` takes no value: `{usage}`."),
                    token.span,
                ));
            }
            (_, Some(inline)) => Token {
                text: inline.to_string(),
                ..token.clone()
            },
            (_, None) => lexer.next_token()?.ok_or_else(|| {
                UserError::at(format!("`--{name}` needs a value: `{usage}`."), token.span)
            })?,
        };
        flags.push((flag, value));
    }
    Ok(Line { words, flags })
}

/// The answer for a flag the command does not take.
pub(super) fn not_an_option(token: &Token, usage: &str) -> UserError {
    UserError::at(
        format!("`{}` is not an option of `{usage}`.", token.text),
        token.span,
    )
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
        Some(extra) => Err(unexpected(&extra, usage)),
    }
}

/// Refuses the first of `words` left over once a command has what it needs.
pub(super) fn no_more(
    mut words: impl Iterator<Item = Token>,
    usage: &str,
) -> Result<(), UserError> {
    match words.next() {
        None => Ok(()),
        Some(extra) => Err(unexpected(&extra, usage)),
    }
}

fn unexpected(extra: &Token, usage: &str) -> UserError {
    UserError::at(
        format!("Unexpected `{}`; the command is `{usage}`.", extra.text),
        extra.span,
    )
}

#[cfg(test)]
mod tests;
