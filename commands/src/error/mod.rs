//! Errors, split by who can act on them.
//!
//! A [`UserError`] is a short sentence the person who typed the command can act on ("Give the
//! incident a title: ..."); it is shown to them as is. An [`UnavailableError`] says that a
//! platform or store warroom depends on is down or refused for reasons that are not the user's
//! (AWS timed out or throttled, the database is read-only): the user sees its sentence, which
//! says what is down and what to do, and the operators see it in the log and in `/metrics` as a
//! failure rather than a refusal. An [`InternalError`] is something nobody at the keyboard can
//! fix; the transport logs it with context and answers with a generic sentence, so internals
//! never leak into a channel.
//!
//! How the ports' errors become these kinds is decided once, in `error/ports.rs`.

mod ports;

pub(crate) use ports::no_such_incident;

use crate::grammar::Span;
use crate::metrics::Outcome;

/// A mistake in what the user asked for, or a request that the incident's state refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    /// One sentence that says what is wrong and what to do instead.
    pub message: String,
    /// Where in the typed text the problem is, when it is one token.
    pub span: Option<Span>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            span: None,
        }
    }

    pub fn at(message: impl Into<String>, span: Span) -> Self {
        Self {
            message: message.into(),
            span: Some(span),
        }
    }
}

/// A platform or store warroom depends on is down, or refused for reasons that are not the
/// user's. The message is one sentence saying what is down and what to do; it is shown to the
/// user and logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UnavailableError {
    pub message: String,
}

impl UnavailableError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// A failure that is not the user's doing. The message is for logs, never for the channel.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error("incident store: {0}")]
    Store(String),
    #[error("{0}")]
    Other(String),
}

/// What a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    User(#[from] UserError),
    #[error(transparent)]
    Unavailable(#[from] UnavailableError),
    #[error(transparent)]
    Internal(#[from] InternalError),
}

impl CommandError {
    pub fn user(message: impl Into<String>) -> Self {
        Self::User(UserError::new(message))
    }

    /// How `/metrics` counts a command that ended in this error: the user's mistake is a
    /// refusal; an outage or an internal error is a failure of warroom.
    pub fn outcome(&self) -> Outcome {
        match self {
            CommandError::User(_) => Outcome::Refused,
            CommandError::Unavailable(_) | CommandError::Internal(_) => Outcome::Failed,
        }
    }
}

/// The sentence shown in chat when an internal error happened; the details went to the log.
pub const INTERNAL_ERROR_SENTENCE: &str = "warroom hit an internal error and changed nothing; the details are in its log. Try again, and tell the warroom operators if it persists.";
