//! Errors, split by who can act on them.
//!
//! A [`UserError`] is a short sentence the person who typed the command can act on ("Give the
//! incident a title: ..."); it is shown to them as is. An [`InternalError`] is something the
//! user cannot fix (the database went away mid-command); the transport logs it with context and
//! answers with a generic sentence, so internals never leak into a channel.

use crate::grammar::Span;

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
    Internal(#[from] InternalError),
}

impl CommandError {
    pub fn user(message: impl Into<String>) -> Self {
        Self::User(UserError::new(message))
    }
}

/// The sentence shown in chat when an internal error happened; the details went to the log.
pub const INTERNAL_ERROR_SENTENCE: &str = "warroom hit an internal error and changed nothing; the details are in its log. Try again, and tell the warroom operators if it persists.";
