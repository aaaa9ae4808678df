//! What every transport does with an invocation: run it through the core, turn an error into
//! the sentence to show, and learn the moment a click on Confirm won its claim.
//!
//! One place decides how an error reaches a person (a user error as its sentence, an internal
//! one logged and answered generically), so Slack and Discord cannot drift apart.
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
use warroom_commands::ports::{ActionStore, AuditFilter, StoreError};
use warroom_commands::{CommandError, Core, Invocation, Reply};

/// The core's answer, or the sentence that refuses it; an internal error is logged and
/// answered generically.
pub async fn answer(core: &Core, inv: &Invocation) -> Result<Reply, Reply> {
    core.execute(inv).await.map_err(|error| match error {
        CommandError::User(e) => Reply::error(e.message),
        CommandError::Internal(e) => {
            tracing::error!(channel = %inv.channel, actor = %inv.actor, error = %e, "command failed");
            Reply::error(INTERNAL_ERROR_SENTENCE)
        }
    })
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
