//! Time as a port, so tests (and later the escalation scheduler) control it instead of sleeping.

use chrono::{DateTime, SubsecRound, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock, truncated to microseconds: both stores keep microseconds, so a time read
/// back compares equal to the time written.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// Waiting, as a port: a follow-up that polls until a change settles waits through this, so
/// tests advance a manual clock instead of sleeping.
#[async_trait::async_trait]
pub trait Pause: Send + Sync {
    async fn pause(&self, duration: std::time::Duration);
}
