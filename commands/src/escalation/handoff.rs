//! When the next on-call hand-off is due: the earliest moment, across every schedule that
//! announces its hand-offs, at which someone else takes over (a turn ending, a restriction
//! opening or closing, an override starting or ending).
//!
//! One job of kind [`JobKind::Handoff`] stands for all of them, as the digest does: the
//! scheduler plans it when it starts, each firing plans the next, and a recorded override,
//! which moves hand-offs, plans it again. Planning replaces the pending job, so a replica that
//! plans the same instant changes nothing.

use chrono::{DateTime, Utc};

use super::{JobKind, NewJob};
use crate::oncall::{Override, Schedule};
use crate::{CommandError, Core};

/// The next moment `schedule` changes hands after `now`.
pub fn next_change(
    schedule: &Schedule,
    now: DateTime<Utc>,
    overrides: &[Override],
) -> Option<DateTime<Utc>> {
    let ends = schedule.on_call(now, overrides).and_then(|s| s.until);
    let starts = schedule.next_shift(now, overrides).map(|s| s.from);
    [ends, starts]
        .into_iter()
        .flatten()
        .filter(|at| *at > now)
        .min()
}

/// Plans the hand-off job at the next change of any announcing schedule, or withdraws it
/// when no schedule announces.
pub async fn plan(core: &Core) -> Result<Option<DateTime<Utc>>, CommandError> {
    let now = core.clock.now();
    let overrides = core.oncall.overrides.overrides(now).await?;
    let due = core
        .oncall
        .schedules
        .list
        .iter()
        .filter(|s| s.announce.is_some())
        .filter_map(|s| next_change(s, now, &overrides))
        .min();
    if let Some(due) = due {
        core.schedule
            .schedule(&NewJob {
                kind: JobKind::Handoff,
                incident: None,
                severity: None,
                level: 0,
                due,
            })
            .await?;
    }
    Ok(due)
}
