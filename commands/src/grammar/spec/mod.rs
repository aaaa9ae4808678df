//! One declaration per command and per `/incident` verb: its name, what it does, its options
//! and how much harm it can do.
//!
//! Everything a person reads about a command is drawn from here, so the places cannot tell
//! different stories: the usage line in error messages, `/help`, the access check's risk, the
//! Discord registration and the Slack manifest check. Each declaration also names the function
//! that reads it, so a command cannot be declared without a parser (it would not compile), and
//! the tests beside it type every option's example value to prove the parser takes it.

mod commands;
pub mod incident;
mod usage;

pub use commands::{
    ALERTS, CANCEL, COMMANDS, CONFIRM, COUNT, HEALTH, HELP, LIMIT, MAX_COUNT, MAX_LIMIT, ONCALL,
    RUN, op,
};
pub use incident::{DECLARE, INCIDENT, VERBS};

use super::{Command, IncidentCommand, Lexer, Token};
use crate::UserError;
use crate::access::Risk;
use crate::services::OpKind;

/// A command, or a verb of `/incident`.
#[derive(Debug)]
pub struct Spec {
    /// As typed after the slash (or after `/incident`).
    pub name: &'static str,
    /// Other spellings the parser accepts (`/inc`, `/incident acknowledge`).
    pub aliases: &'static [&'static str],
    /// What it does, in a few words: `/help`'s row and Discord's description.
    pub summary: &'static str,
    /// In the order they are typed, which is also the order Discord shows them.
    pub options: &'static [Opt],
    pub risk: RiskClass,
    /// A whole command as a person would type it, shown by `/help` and parsed by the tests.
    pub example: &'static str,
    pub read: Reader,
}

/// The function that reads a command's words, named by its declaration.
#[derive(Debug, Clone, Copy)]
pub enum Reader {
    /// A command read by its own function, given its declaration for messages.
    Own(ReadCommand),
    /// An operation on a service, read by the operations' shared parser.
    Op(OpKind),
    /// `/incident`: the first word picks one of these verbs.
    Verbs(&'static [Spec]),
    /// An `/incident` verb. Declaring is the one whose word is not typed: its reader gets the
    /// first word (the severity) instead of the verb.
    Verb(ReadVerb),
}

/// Reads a command's words after its name (the token), for [`Reader::Own`].
pub type ReadCommand = fn(&mut Lexer, &Token, &'static Spec) -> Result<Command, UserError>;
/// Reads an `/incident` verb's words after the verb (the token), for [`Reader::Verb`].
pub type ReadVerb = fn(&mut Lexer, &Token, &'static Spec) -> Result<IncidentCommand, UserError>;

/// How a command's access is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskClass {
    /// Anyone may run it (help: a denied person must still learn what exists).
    Open,
    /// Always this risk: the incident verbs.
    Fixed(Risk),
    /// Each verb's own (`/incident`).
    PerVerb,
    /// This risk on the named service, checked by the handler once it knows the service's
    /// environment (a restart of one instance may be less).
    OnService(Risk),
    /// The configured action's (`/run`).
    PerAction,
    /// The pending operation's (`/confirm`, `/cancel`).
    OfPending,
}

impl RiskClass {
    /// Whether the command can take production down, so Discord shows it by default only to
    /// members who may manage the server.
    pub fn may_be_destructive(self) -> bool {
        matches!(
            self,
            RiskClass::OnService(Risk::Destructive) | RiskClass::PerAction
        )
    }
}

/// An option of a command.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    /// As typed after `--` for a flag; Discord's option name (with `_` for `-`) for every kind.
    pub name: &'static str,
    /// The word the usage line shows (`SERVICE`, `N`); empty for a choice, whose usage shows
    /// the choices, and for a switch.
    pub placeholder: &'static str,
    /// Discord's description of the option.
    pub description: &'static str,
    pub kind: Kind,
    pub place: Place,
    pub required: bool,
    /// A value the parser accepts, as typed (the tests type it; switches take none).
    pub example: &'static str,
}

/// What an option holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A configured service's name (Discord offers them as the user types).
    Service,
    /// One word: a token, a revision, an incident id.
    Word,
    /// The rest of the line, as typed: titles, notes. Always the last option.
    Text,
    /// A duration such as 30m.
    Duration,
    /// A duration back from now, or an RFC 3339 time.
    Time,
    /// A whole number within these bounds.
    Integer { min: i64, max: i64 },
    /// A person; Discord offers the server's members and sends the member's id.
    Member,
    /// One of these words (the parser may accept other spellings too).
    Choice(&'static [&'static str]),
    /// Present or not: `--dry-run`.
    Switch,
}

/// Where an option is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A word in its place: `/scale api 4`.
    Positional,
    /// After `--NAME`: `--since 30m`, or alone for a switch.
    Flag(Flag),
}

/// Every flag of the grammar. A reader matches on it exhaustively, so a flag added here does
/// not compile until some reader handles it; which commands take a flag is said by their
/// declarations alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    DryRun,
    To,
    Instance,
    Since,
    Until,
    Grep,
    Level,
    Limit,
    All,
}

impl Opt {
    /// A required word in its place; the other shapes are written from it.
    pub const fn word(
        name: &'static str,
        placeholder: &'static str,
        description: &'static str,
        example: &'static str,
    ) -> Opt {
        Opt {
            name,
            placeholder,
            description,
            kind: Kind::Word,
            place: Place::Positional,
            required: true,
            example,
        }
    }

    /// The same option typed as an optional `--NAME VALUE`, read as `flag`.
    pub const fn flag(self, flag: Flag) -> Opt {
        Opt {
            place: Place::Flag(flag),
            required: false,
            ..self
        }
    }

    /// An optional `--NAME` without a value.
    pub const fn switch(flag: Flag, name: &'static str, description: &'static str) -> Opt {
        Opt::word(name, "", description, "")
            .flag(flag)
            .of(Kind::Switch)
    }

    /// The same option holding `kind`.
    pub const fn of(self, kind: Kind) -> Opt {
        Opt { kind, ..self }
    }

    /// The same option, which may be left out.
    pub const fn optional(self) -> Opt {
        Opt {
            required: false,
            ..self
        }
    }
}

impl Spec {
    /// The flags this command takes, with their options.
    pub fn flags(&self) -> impl Iterator<Item = (Flag, &'static Opt)> + use<> {
        self.options.iter().filter_map(|o| match o.place {
            Place::Flag(flag) => Some((flag, o)),
            Place::Positional => None,
        })
    }

    /// Whether `word` (lowercase) names this command or verb.
    pub fn is_called(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

/// The top-level command called `word` (lowercase), if any.
pub fn command(word: &str) -> Option<&'static Spec> {
    COMMANDS.iter().find(|s| s.is_called(word))
}

/// The usage line of an operation command, for messages and for tests that build commands.
pub fn op_usage(kind: OpKind) -> String {
    op(kind).usage()
}

#[cfg(test)]
mod tests;
