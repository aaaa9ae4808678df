//! `/oncall`: who is on call now and next (`show.rs`), and covers and swaps that change it
//! (`change.rs`), over the configured schedules and the overrides people recorded.
//!
//! Asking is a read. Changing the rota is checked as an operation on the command `oncall`, so
//! a team decides who may hand a shift over, and every change goes in the audit log. People
//! are platform ids throughout: an override names who someone is, not what they are called.

mod change;
mod show;

use crate::escalation::Contact;
use crate::grammar::OncallCommand;
use crate::oncall::{Override, Schedule};
use crate::ports::Mention;
use crate::reply::Line;
use crate::{CommandError, Core, Invocation, Platform, Reply};

pub async fn handle(
    core: &Core,
    inv: &Invocation,
    asked: OncallCommand,
) -> Result<Reply, CommandError> {
    if core.oncall.schedules.is_empty() {
        return Err(CommandError::user(
            "No on-call schedule is configured; add one under [schedules.NAME] in warroom.toml (config.example.toml shows how).",
        ));
    }
    match asked {
        OncallCommand::Now { schedule: None } => show::everyone(core, inv).await,
        OncallCommand::Now {
            schedule: Some(name),
        } => show::one(core, inv, schedule(core, &name)?).await,
        OncallCommand::Mine => show::mine(core, inv).await,
        OncallCommand::Cover {
            who,
            until,
            schedule,
        } => change::cover(core, inv, &who, until, schedule.as_deref()).await,
        OncallCommand::Swap { who, schedule } => {
            change::swap(core, inv, &who, schedule.as_deref()).await
        }
    }
}

/// The schedule called `name`, or a sentence listing the ones there are.
fn schedule<'a>(core: &'a Core, name: &str) -> Result<&'a Schedule, CommandError> {
    core.oncall.schedules.get(name).ok_or_else(|| {
        CommandError::user(format!(
            "`{name}` is not a schedule; the schedules are {}.",
            core.oncall.schedules.names().join(", ")
        ))
    })
}

/// Every override not ended now, of every schedule.
async fn overrides(core: &Core) -> Result<Vec<Override>, CommandError> {
    Ok(core.oncall.overrides.overrides(core.clock.now()).await?)
}

/// The asker as a schedule names people.
fn asker(inv: &Invocation) -> Result<Contact, CommandError> {
    match inv.channel.platform {
        Platform::Console => Err(CommandError::user(
            "The console has no Slack or Discord account to look up; ask in Slack or Discord, or name the schedule.",
        )),
        platform => Ok(Contact {
            platform,
            mention: Mention::User(inv.actor.clone()),
        }),
    }
}

/// Someone named in a command: a mention as the platform writes it (`<@U0BOB|bob>`, `<@123>`,
/// `<@!123>`), a bare id (`@U0BOB`), or a contact as configuration writes it (`slack:U0BOB`).
fn person(inv: &Invocation, word: &str) -> Result<Contact, CommandError> {
    let bad = || {
        CommandError::user(format!(
            "`{word}` is not a person; mention them (@bob) or write slack:U… or discord:user:ID."
        ))
    };
    if word.contains(':') {
        return crate::oncall::parse::person(word).map_err(CommandError::user);
    }
    let id = word
        .trim_start_matches('<')
        .trim_start_matches('@')
        .trim_start_matches('!')
        .split(['|', '>'])
        .next()
        .unwrap_or_default();
    let valid = match inv.channel.platform {
        Platform::Slack => {
            (id.starts_with('U') || id.starts_with('W'))
                && id.len() > 1
                && id.chars().all(|c| c.is_ascii_alphanumeric())
        }
        Platform::Discord => !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()),
        Platform::Console => {
            return Err(CommandError::user(format!(
                "`{word}` is not a person; in the console, write slack:U… or discord:user:ID."
            )));
        }
    };
    if !valid {
        return Err(bad());
    }
    Ok(Contact {
        platform: inv.channel.platform,
        mention: Mention::User(id.to_string()),
    })
}

/// `who` in a line: a mention on the asker's platform, else the contact as written.
fn named(line: Line, who: &Contact, inv: &Invocation) -> Line {
    match &who.mention {
        Mention::User(id) if who.platform == inv.channel.platform => line.person(id),
        _ => line.words(who.to_string()),
    }
}

#[cfg(test)]
mod tests;
