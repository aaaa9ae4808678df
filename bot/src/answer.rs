//! What every transport does with an invocation: run it through the core, turn an error into
//! the sentence to show, and learn the moment a click on Confirm won its claim.
//!
//! One place, [`refusal`], decides how an error reaches a person, so Slack, Discord and the
//! console cannot drift apart: a user error as its sentence (not logged: it is the user's to
//! fix); an outage as its sentence saying what is down and what to do, logged as a warning with
//! the command; an internal error logged with the command and answered generically. Every
//! refusal is shown only to the person who typed the command.
//!
//! A confirmation card is shared by the whole channel. When several people press Confirm at
//! once, only the click that claims the pending operation may mark the card "running"; a
//! refused click must change nothing the channel sees. [`run_click`] watches the action store
//! for that claim, so the transport shows progress only for the winner and only once it won.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::oneshot;
use warroom_commands::actions::{AuditEntry, Claim, PendingAction, PendingState};
use warroom_commands::error::INTERNAL_ERROR_SENTENCE;
use warroom_commands::grammar::Span;
use warroom_commands::pipeline::Parsed;
use warroom_commands::ports::{ActionStore, AuditFilter, StoreError};
use warroom_commands::{CommandError, Core, Invocation, Reply};

/// The core's answer, or the reply that refuses it (see [`refusal`]).
pub async fn answer(core: &Core, inv: &Invocation) -> Result<Reply, Reply> {
    answer_parsed(core, inv, core.parse(inv)).await
}

/// [`answer`] for a command the transport already parsed to look at it.
pub async fn answer_parsed(core: &Core, inv: &Invocation, parsed: Parsed) -> Result<Reply, Reply> {
    core.execute_parsed(inv, parsed)
        .await
        .map_err(|error| refusal(core, inv, error).reply())
}

/// What the person who typed a command is told when it ends in an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// One sentence: what is wrong or down, and what to do.
    pub sentence: String,
    /// Where in the typed text the mistake is, for a transport that can point at it.
    pub span: Option<Span>,
}

impl Refusal {
    /// The refusal as a chat reply: the sentence, shown only to the person who typed it.
    pub fn reply(self) -> Reply {
        Reply::error(self.sentence)
    }
}

/// Decides, for every transport, what an error shows and whether it is logged. The command is
/// logged as the core redacts it, so a secret typed into it never reaches the log.
pub fn refusal(core: &Core, inv: &Invocation, error: CommandError) -> Refusal {
    match error {
        CommandError::User(e) => Refusal {
            sentence: e.message,
            span: e.span,
        },
        CommandError::Unavailable(e) => {
            tracing::warn!(channel = %inv.channel, actor = %inv.actor, command = %core.redactor.redact(&inv.text), error = %e, "a platform or store warroom depends on is unavailable");
            Refusal {
                sentence: e.message,
                span: None,
            }
        }
        CommandError::Internal(e) => {
            tracing::error!(channel = %inv.channel, actor = %inv.actor, command = %core.redactor.redact(&inv.text), error = %e, "command failed");
            Refusal {
                sentence: INTERNAL_ERROR_SENTENCE.to_string(),
                span: None,
            }
        }
    }
}

/// Runs a click's command; `won` is called the moment it claims a pending operation to run
/// it (never for a refused click), and finishes before the answer is returned, so whatever it
/// shows comes before the outcome.
pub async fn run_click<F, Fut>(core: &Core, inv: &Invocation, won: F) -> Result<Reply, Reply>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let (tell, told) = oneshot::channel();
    let watch = Arc::new(WatchClaims {
        inner: core.actions.clone(),
        won: Mutex::new(Some(tell)),
    });
    let mut watched = core.clone();
    watched.actions = watch.clone();
    let running = async {
        let result = answer(&watched, inv).await;
        // No claim came: let the progress side stop waiting.
        watch.won.lock().expect("never poisoned").take();
        result
    };
    let progress = async {
        if told.await.is_ok() {
            won().await;
        }
    };
    let (result, ()) = tokio::join!(running, progress);
    result
}

/// The action store, telling once when a confirmation is claimed.
struct WatchClaims {
    inner: Arc<dyn ActionStore>,
    won: Mutex<Option<oneshot::Sender<()>>>,
}

#[async_trait]
impl ActionStore for WatchClaims {
    async fn create_pending(&self, action: &PendingAction) -> Result<(), StoreError> {
        self.inner.create_pending(action).await
    }

    async fn pending(
        &self,
        token: &str,
    ) -> Result<Option<(PendingAction, PendingState)>, StoreError> {
        self.inner.pending(token).await
    }

    async fn claim(&self, token: &str, to: &PendingState) -> Result<Claim, StoreError> {
        let claim = self.inner.claim(token, to).await?;
        if claim == Claim::Won
            && matches!(to, PendingState::Confirmed { .. })
            && let Some(tell) = self.won.lock().expect("never poisoned").take()
        {
            let _ = tell.send(());
        }
        Ok(claim)
    }

    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.inner.audit(entry).await
    }

    async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit_log(filter).await
    }
}
