//! The entry point transports call: text in, [`Reply`] out.

use std::sync::Arc;

use crate::incident::SeverityPolicy;
use crate::ports::{Clock, IncidentStore};
use crate::{CommandError, Invocation, Reply, grammar, handlers};

/// The core with its ports wired in. Cheap to share: transports hold one and call
/// [`Core::execute`] for every invocation.
#[derive(Clone)]
pub struct Core {
    pub store: Arc<dyn IncidentStore>,
    pub clock: Arc<dyn Clock>,
    pub policy: SeverityPolicy,
}

impl Core {
    /// Parses and runs one command. A [`CommandError::User`] carries the sentence to show;
    /// a [`CommandError::Internal`] must be logged by the caller and answered generically.
    pub async fn execute(&self, invocation: &Invocation) -> Result<Reply, CommandError> {
        let command = grammar::parse(&invocation.text)?;
        handlers::dispatch(self, invocation, command).await
    }
}
