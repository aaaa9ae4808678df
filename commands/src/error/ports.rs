//! How the ports' errors become command errors: the one place that decides whether a failure
//! of the store or of a platform is the user's to fix, an outage, or internal.
//!
//! Everything the integrations report as a platform's failure (AWS timed out, throttled,
//! denied warroom's role, or answered that the configured cluster does not exist; a program
//! could not start) is an outage: nothing the person typed would change it. A service that has
//! no integration for what was asked is the user's to correct (they asked the wrong service).

use super::{CommandError, InternalError, UnavailableError};
use crate::incident::IncidentId;
use crate::ports::{OperationError, PagingError, StoreError};

impl From<OperationError> for CommandError {
    fn from(err: OperationError) -> Self {
        match err {
            OperationError::NotConfigured(sentence) => CommandError::user(sentence),
            OperationError::Platform(sentence) => {
                CommandError::Unavailable(UnavailableError::new(sentence))
            }
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(id) => CommandError::user(format!(
                "{id} changed while your command ran, so nothing was written; check `/incident show` and send the command again."
            )),
            StoreError::NotFound(id) => no_such_incident(id),
            StoreError::ChannelBusy(id) => CommandError::user(format!(
                "This channel already has an open incident, {id}; resolve it before declaring or reopening another."
            )),
            StoreError::Unavailable(sentence) => {
                CommandError::Unavailable(UnavailableError::new(sentence))
            }
            StoreError::Internal(detail) => CommandError::Internal(InternalError::Store(detail)),
        }
    }
}

/// A hand-off that could not even be queued: an outage when it may work later, else the
/// user's to correct (the provider is not configured).
impl From<PagingError> for CommandError {
    fn from(err: PagingError) -> Self {
        if err.retryable {
            CommandError::Unavailable(UnavailableError::new(err.why))
        } else {
            CommandError::user(err.why)
        }
    }
}

/// The refusal for an incident id that names no incident.
pub(crate) fn no_such_incident(id: IncidentId) -> CommandError {
    CommandError::user(format!(
        "There is no incident {id}; `/incident list --all` shows every incident."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Outcome;

    #[test]
    fn a_platform_failure_is_an_outage_counted_failed() {
        let err = CommandError::from(OperationError::Platform(
            "AWS did not answer ecs:DescribeServices on ECS service api in time; try again.".into(),
        ));
        assert!(
            matches!(&err, CommandError::Unavailable(e) if e.message.starts_with("AWS did not answer")),
            "{err:?}"
        );
        assert_eq!(err.outcome(), Outcome::Failed);
    }

    #[test]
    fn a_missing_integration_is_the_users_to_correct() {
        let err = CommandError::from(OperationError::NotConfigured(
            "api has no log group; set [services.api] log_group.".into(),
        ));
        assert!(matches!(&err, CommandError::User(_)), "{err:?}");
        assert_eq!(err.outcome(), Outcome::Refused);
    }

    #[test]
    fn store_errors_are_classified_by_who_can_act() {
        let id = IncidentId(7);
        let cases = [
            (StoreError::Conflict(id), Outcome::Refused),
            (StoreError::NotFound(id), Outcome::Refused),
            (StoreError::ChannelBusy(id), Outcome::Refused),
            (
                StoreError::Unavailable("warroom's database is read-only.".into()),
                Outcome::Failed,
            ),
            (
                StoreError::Internal("disk I/O error".into()),
                Outcome::Failed,
            ),
        ];
        for (store, outcome) in cases {
            let shown = store.to_string();
            let err = CommandError::from(store);
            assert_eq!(err.outcome(), outcome, "{shown}");
        }
        let down = CommandError::from(StoreError::Unavailable("read-only".into()));
        assert!(matches!(down, CommandError::Unavailable(_)), "{down:?}");
        let inner = CommandError::from(StoreError::Internal("x".into()));
        assert!(matches!(inner, CommandError::Internal(_)), "{inner:?}");
    }
}
