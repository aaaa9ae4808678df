//! Paging providers (PagerDuty, Opsgenie) as a port: the core says "hand this incident to
//! PagerDuty" or "tell Opsgenie it is resolved"; how that reaches the provider is outside.
//!
//! Two layers implement it: the provider clients in `warroom-integrations` make the HTTP call
//! itself, and the bot's outbox writes the call as a letter (so a hand-off survives a crash and
//! is sent once across replicas) that a sender later makes with those clients.

use crate::paging::{PageAction, PageRequest, Provider};

/// Why a call to a provider did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{why}")]
pub struct PagingError {
    /// Whether the same call may succeed later (429, 5xx, a network failure), as opposed to a
    /// refusal that would be repeated (a bad routing key, a malformed request).
    pub retryable: bool,
    /// What went wrong, in words the incident channel can be shown.
    pub why: String,
    /// How long the provider asked warroom to wait before trying again (`Retry-After`).
    pub retry_after: Option<std::time::Duration>,
}

impl PagingError {
    pub fn retryable(why: impl Into<String>) -> PagingError {
        PagingError {
            retryable: true,
            why: why.into(),
            retry_after: None,
        }
    }

    pub fn permanent(why: impl Into<String>) -> PagingError {
        PagingError {
            retryable: false,
            why: why.into(),
            retry_after: None,
        }
    }
}

#[async_trait::async_trait]
pub trait PagingPort: Send + Sync {
    /// Sends `action` about `request` to `provider`.
    async fn send(
        &self,
        provider: Provider,
        action: PageAction,
        request: &PageRequest,
    ) -> Result<(), PagingError>;

    /// Whether `provider` is configured, so a hand-off to one that is not is refused at once.
    fn configured(&self, provider: Provider) -> bool;
}

/// No provider configured: every hand-off is refused, for good.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoPaging;

#[async_trait::async_trait]
impl PagingPort for NoPaging {
    async fn send(
        &self,
        provider: Provider,
        _: PageAction,
        _: &PageRequest,
    ) -> Result<(), PagingError> {
        Err(PagingError::permanent(format!(
            "{provider} is not configured"
        )))
    }

    fn configured(&self, _: Provider) -> bool {
        false
    }
}
